#pragma once
// TraceHash: a running 64-bit digest of everything a run dispatched. Two runs with the same
// scenario and seed must end with the same value; any divergence in event times, kinds, targets or
// payload contents changes it (with overwhelming probability).

#include <cstdint>
#include <string>
#include <string_view>

namespace edgesim {

class TraceHash {
 public:
  void mix(uint64_t word) {
    // A murmur3-style finalizer over (state ^ word): every input bit reaches every output bit.
    uint64_t h = state_ ^ (word + 0x9e3779b97f4a7c15ULL + (state_ << 6) + (state_ >> 2));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    state_ = h;
  }
  void mix_bytes(std::string_view bytes) { mix(digest(bytes)); }

  uint64_t value() const { return state_; }
  // 16 lower-case hex digits.
  std::string hex() const;

  // A standalone digest of a byte string (FNV-style over 8-byte words, then finalized).
  static uint64_t digest(std::string_view bytes);

 private:
  uint64_t state_ = 0x6a09e667f3bcc908ULL;
};

std::string hex64(uint64_t value);

}  // namespace edgesim

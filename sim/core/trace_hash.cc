#include "sim/core/trace_hash.h"

#include <cstring>

#include <fmt/format.h>

namespace edgesim {

std::string hex64(uint64_t value) { return fmt::format("{:016x}", value); }

std::string TraceHash::hex() const { return hex64(state_); }

uint64_t TraceHash::digest(std::string_view bytes) {
  // Eight bytes per step (little-endian words, zero-padded tail), then finalized; the length is
  // mixed in so "a" and "a\0" differ.
  uint64_t hash = 0xcbf29ce484222325ULL ^ (bytes.size() * 0x9e3779b97f4a7c15ULL);
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    hash = (hash ^ word) * 0x100000001b3ULL;
    hash ^= hash >> 29;
  }
  if (i < bytes.size()) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, bytes.size() - i);
    hash = (hash ^ word) * 0x100000001b3ULL;
    hash ^= hash >> 29;
  }
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  return hash;
}

}  // namespace edgesim

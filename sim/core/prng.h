#pragma once
// Prng: xoshiro256** seeded through splitmix64. Every component draws from its own named stream,
// forked from the run's root seed by name (`root.fork("net/link/3-7")`), so adding a component or a
// draw in one stream never shifts the draws of another. Never seeded from anything but a seed.

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/core/assert.h"

namespace edgesim {

class Prng {
 public:
  explicit Prng(uint64_t seed);

  // An independent stream named `name`. Depends only on this stream's seed and the name, not on
  // how many numbers were drawn from this stream.
  Prng fork(std::string_view name) const;

  uint64_t next_u64();
  // Uniform in [0, bound); bound > 0. Unbiased (Lemire's method with rejection).
  uint64_t uniform(uint64_t bound);
  // Uniform in [lo, hi] inclusive; lo <= hi.
  int64_t uniform_int(int64_t lo, int64_t hi);
  // Uniform in [0, 1) with 53 bits.
  double unit();
  bool bernoulli(double probability);
  double normal(double mean, double stddev);
  double exponential(double mean);

  uint64_t seed() const { return seed_; }

 private:
  // uniform()'s rare rejection loop, out of line.
  uint64_t uniform_rejecting(uint64_t bound, unsigned __int128 m);

  uint64_t seed_;
  std::array<uint64_t, 4> state_;
};

// The draws every message and op makes (a link's latency, a key, an arrival) are inline: as calls
// they were a chain of three or four per draw, several percent of a run.

inline uint64_t Prng::next_u64() {
  const auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

inline uint64_t Prng::uniform(uint64_t bound) {
  EDGESIM_ASSERT(bound > 0);
  const unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * bound;
  if (static_cast<uint64_t>(m) < bound) [[unlikely]]
    return uniform_rejecting(bound, m);
  return static_cast<uint64_t>(m >> 64);
}

inline int64_t Prng::uniform_int(int64_t lo, int64_t hi) {
  EDGESIM_ASSERT(lo <= hi, "{} > {}", lo, hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<int64_t>(next_u64());
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + uniform(span + 1));
}

inline double Prng::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

inline bool Prng::bernoulli(double probability) {
  if (probability <= 0) return false;
  if (probability >= 1) return true;
  return unit() < probability;
}

// splitmix64 step, also used to derive seeds.
uint64_t splitmix64(uint64_t& state);

}  // namespace edgesim

#pragma once
// Prng: xoshiro256** seeded through splitmix64. Every component draws from its own named stream,
// forked from the run's root seed by name (`root.fork("net/link/3-7")`), so adding a component or a
// draw in one stream never shifts the draws of another. Never seeded from anything but a seed.

#include <array>
#include <cstdint>
#include <string_view>

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
  uint64_t seed_;
  std::array<uint64_t, 4> state_;
};

// splitmix64 step, also used to derive seeds.
uint64_t splitmix64(uint64_t& state);

}  // namespace edgesim

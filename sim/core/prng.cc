#include "sim/core/prng.h"

#include <cmath>

#include "sim/core/assert.h"

namespace edgesim {
namespace {

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Prng::Prng(uint64_t seed) : seed_(seed) {
  uint64_t sm = seed;
  for (auto& word : state_) word = splitmix64(sm);
}

Prng Prng::fork(std::string_view name) const {
  uint64_t mixed = seed_ ^ rotl(fnv1a(name), 17);
  return Prng(splitmix64(mixed));
}

uint64_t Prng::next_u64() {
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

uint64_t Prng::uniform(uint64_t bound) {
  EDGESIM_ASSERT(bound > 0);
  unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * bound;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = -bound % bound;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next_u64()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Prng::uniform_int(int64_t lo, int64_t hi) {
  EDGESIM_ASSERT(lo <= hi, "{} > {}", lo, hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<int64_t>(next_u64());
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + uniform(span + 1));
}

double Prng::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

bool Prng::bernoulli(double probability) {
  if (probability <= 0) return false;
  if (probability >= 1) return true;
  return unit() < probability;
}

double Prng::normal(double mean, double stddev) {
  // Box-Muller; one draw per call keeps the stream position a simple function of the call count.
  double u1 = unit();
  double u2 = unit();
  if (u1 < 1e-300) u1 = 1e-300;
  return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double Prng::exponential(double mean) {
  double u = unit();
  return -mean * std::log1p(-u);
}

}  // namespace edgesim

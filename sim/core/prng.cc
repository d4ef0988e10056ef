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

uint64_t Prng::uniform_rejecting(uint64_t bound, unsigned __int128 m) {
  // Lemire's method: the low word below -bound % bound means a biased draw; draw again.
  uint64_t low = static_cast<uint64_t>(m);
  const uint64_t threshold = -bound % bound;
  while (low < threshold) {
    m = static_cast<unsigned __int128>(next_u64()) * bound;
    low = static_cast<uint64_t>(m);
  }
  return static_cast<uint64_t>(m >> 64);
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

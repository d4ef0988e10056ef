#include "sim/core/trace_hash.h"

#include <fmt/format.h>

namespace edgesim {

std::string hex64(uint64_t value) { return fmt::format("{:016x}", value); }

std::string TraceHash::hex() const { return hex64(state_); }

uint64_t TraceHash::digest(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  return hash;
}

}  // namespace edgesim

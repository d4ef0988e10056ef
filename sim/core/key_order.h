#pragma once
// The order of keys in engines' maps: plain lexicographic byte order, as std::less<> gives, but
// without a library call for the first bytes. Keys are mostly a few bytes ("k42"), and a memcmp
// call through std::string::compare was most of each comparison: comparisons were a tenth of an
// LWW-map run.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace edgesim {

// compare_keys() of the bytes from the ninth up to `size` (both keys have them), as memcmp orders
// them. Out of line: few keys are this long, and GCC warned of reads past the end of the short
// literal keys it inlined this into.
[[gnu::noinline]] inline int compare_long_key_tails(std::string_view a, std::string_view b,
                                                    size_t size) {
  size_t at = 8;
  if constexpr (std::endian::native == std::endian::little) {
    for (; at + 8 <= size; at += 8) {
      uint64_t x, y;
      std::memcpy(&x, a.data() + at, 8);
      std::memcpy(&y, b.data() + at, 8);
      if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
    }
  }
  for (; at < size; ++at) {
    const auto x = static_cast<unsigned char>(a[at]), y = static_cast<unsigned char>(b[at]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

// <0, 0 or >0 as a is before, equal to or after b (what std::string_view::compare returns).
// Always inlined: as a call it cost as much as the memcmp call it replaces. The first eight bytes
// one by one (keys are mostly shorter), the rest eight at a time as big-endian words (which orders
// them as bytes): delta_sync's durable keys share a ten-byte prefix ("a/" and an op id's leading
// zero bytes), and a memcmp call for the rest at every step of a search was 5% of its run.
[[gnu::always_inline]] inline int compare_keys(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  const size_t inline_bytes = std::min<size_t>(common, 8);
  for (size_t i = 0; i < inline_bytes; ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (common > inline_bytes) [[unlikely]] {
    const int rest = compare_long_key_tails(a, b, common);
    if (rest != 0) return rest;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

// A transparent comparator: maps keyed by std::string look up string_views without a copy.
struct KeyLess {
  using is_transparent = void;
  [[gnu::always_inline]] bool operator()(std::string_view a, std::string_view b) const {
    return compare_keys(a, b) < 0;
  }
};

}  // namespace edgesim

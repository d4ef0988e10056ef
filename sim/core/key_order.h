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

// compare_keys() of two keys longer than eight bytes each, up to `common` bytes (the shorter
// one's size), eight at a time as big-endian words (which orders them as bytes). Out of line: few
// keys are this long, and GCC warned of reads past the end of the short literal keys it inlined
// this into.
[[gnu::noinline]] inline int compare_long_keys(std::string_view a, std::string_view b,
                                               size_t common) {
  size_t at = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; at + 8 <= common; at += 8) {
      uint64_t x, y;
      std::memcpy(&x, a.data() + at, 8);
      std::memcpy(&y, b.data() + at, 8);
      if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
    }
  }
  for (; at < common; ++at) {
    const auto x = static_cast<unsigned char>(a[at]), y = static_cast<unsigned char>(b[at]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

// <0, 0 or >0 as a is before, equal to or after b (what std::string_view::compare returns).
// Always inlined: as a call it cost as much as the memcmp call it replaces. Keys of eight
// bytes or fewer (most are) byte by byte; longer ones by words (compare_long_keys): delta_sync's
// durable keys once shared a ten-byte prefix ("a/" and an op id's leading zero bytes), and
// comparing eight bytes one by one and then calling memcmp, at every step of a search, was 5% of
// its run.
[[gnu::always_inline]] inline int compare_keys(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  if (common > 8) [[unlikely]] {
    if (const int order = compare_long_keys(a, b, common); order != 0) return order;
  } else {
    for (size_t i = 0; i < common; ++i) {
      const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
      if (x != y) return x < y ? -1 : 1;
    }
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

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

// <0, 0 or >0 as a is before, equal to or after b (what std::string_view::compare returns).
// Always inlined: as a call it cost as much as the memcmp call it replaces. Eight bytes at a time
// where both keys have them, compared as big-endian words (which orders them as bytes): keys with
// long common prefixes ("a/" and an op id's leading zero bytes, in delta_sync's durable store)
// otherwise went byte by byte and then through memcmp at every step of a search.
[[gnu::always_inline]] inline int compare_keys(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
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

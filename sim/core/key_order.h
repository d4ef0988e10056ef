#pragma once
// The order of keys in engines' maps: plain lexicographic byte order, as std::less<> gives, but
// without a library call for the first bytes. Keys are mostly a few bytes ("k42"), and a memcmp
// call through std::string::compare was most of each comparison: comparisons were a tenth of an
// LWW-map run.

#include <algorithm>
#include <cstring>
#include <string_view>

namespace edgesim {

// <0, 0 or >0 as a is before, equal to or after b (what std::string_view::compare returns).
// Always inlined: as a call it cost as much as the memcmp call it replaces.
[[gnu::always_inline]] inline int compare_keys(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  const size_t inline_bytes = std::min<size_t>(common, 8);
  for (size_t i = 0; i < inline_bytes; ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (common > inline_bytes) {
    const int rest =
        std::memcmp(a.data() + inline_bytes, b.data() + inline_bytes, common - inline_bytes);
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

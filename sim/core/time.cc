#include "sim/core/time.h"

#include <array>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

namespace edgesim {
namespace {

constexpr std::array<std::pair<std::string_view, int64_t>, 6> kUnits{{
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  size_t i = 0;
  __int128 whole = 0;
  while (i < text.size() && is_digit(text[i])) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > INT64_MAX) return std::nullopt;
    ++i;
  }
  if (i == 0) return std::nullopt;
  // Fraction digits are kept as an exact rational: fraction / 10^fraction_digits.
  __int128 fraction = 0;
  int fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) {
      if (fraction_digits < 18) {
        fraction = fraction * 10 + (text[i] - '0');
        ++fraction_digits;
      }
      ++i;
    }
    if (fraction_digits == 0) return std::nullopt;
  }
  std::string_view unit = text.substr(i);
  if (unit.empty()) {
    if (whole != 0 || fraction != 0) return std::nullopt;
    return Duration{0};
  }
  for (const auto& [name, scale] : kUnits) {
    if (unit != name) continue;
    __int128 pow10 = 1;
    for (int k = 0; k < fraction_digits; ++k) pow10 *= 10;
    __int128 ns = whole * scale + fraction * scale / pow10;
    if (ns > INT64_MAX) return std::nullopt;
    return Duration{negative ? -int64_t(ns) : int64_t(ns)};
  }
  return std::nullopt;
}

std::string format_duration(Duration d) {
  int64_t ns = d.ns;
  std::string sign = ns < 0 ? "-" : "";
  uint64_t magnitude = ns < 0 ? uint64_t(-(ns + 1)) + 1 : uint64_t(ns);
  static constexpr std::array<std::pair<const char*, uint64_t>, 4> kFormatUnits{{
      {"s", 1'000'000'000},
      {"ms", 1'000'000},
      {"us", 1'000},
      {"ns", 1},
  }};
  for (const auto& [name, scale] : kFormatUnits) {
    if (magnitude < scale && scale != 1) continue;
    uint64_t whole = magnitude / scale;
    uint64_t thousandths = (magnitude % scale) * 1000 / scale;
    if (thousandths == 0) return fmt::format("{}{}{}", sign, whole, name);
    std::string frac = fmt::format("{:03}", thousandths);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    return fmt::format("{}{}.{}{}", sign, whole, frac, name);
  }
  return "0s";
}

}  // namespace edgesim

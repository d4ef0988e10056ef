#pragma once
// Simulated time: int64 nanoseconds. `Instant` is a point on the true simulated timeline (or on a
// node's local clock); `Duration` is a signed span. Never doubles: the same arithmetic must give
// the same answer on every machine.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgesim {

struct Duration {
  int64_t ns = 0;

  static constexpr Duration nanos(int64_t n) { return Duration{n}; }
  static constexpr Duration micros(int64_t n) { return Duration{n * 1'000}; }
  static constexpr Duration millis(int64_t n) { return Duration{n * 1'000'000}; }
  static constexpr Duration seconds(int64_t n) { return Duration{n * 1'000'000'000}; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration{ns + o.ns}; }
  constexpr Duration operator-(Duration o) const { return Duration{ns - o.ns}; }
  constexpr Duration operator-() const { return Duration{-ns}; }
  constexpr Duration operator*(int64_t k) const { return Duration{ns * k}; }
  constexpr Duration& operator+=(Duration o) {
    ns += o.ns;
    return *this;
  }
};

struct Instant {
  int64_t ns = 0;

  constexpr auto operator<=>(const Instant&) const = default;
  constexpr Instant operator+(Duration d) const { return Instant{ns + d.ns}; }
  constexpr Instant operator-(Duration d) const { return Instant{ns - d.ns}; }
  constexpr Duration operator-(Instant o) const { return Duration{ns - o.ns}; }
  constexpr Instant& operator+=(Duration d) {
    ns += d.ns;
    return *this;
  }
};

constexpr Instant kInstantMax{INT64_MAX};

namespace literals {
constexpr Duration operator""_ns(unsigned long long n) { return Duration::nanos(int64_t(n)); }
constexpr Duration operator""_us(unsigned long long n) { return Duration::micros(int64_t(n)); }
constexpr Duration operator""_ms(unsigned long long n) { return Duration::millis(int64_t(n)); }
constexpr Duration operator""_s(unsigned long long n) { return Duration::seconds(int64_t(n)); }
}  // namespace literals

// Parses "80ms", "2s", "1.5us", "-200ms", "0". Units: ns, us, ms, s, m, h. A bare number is only
// accepted when it is 0. The decimal part is exact (parsed as digits, not as a double).
std::optional<Duration> parse_duration(std::string_view text);

// Formats with the largest unit that keeps up to three decimals: "1.5ms", "2s", "750ns".
std::string format_duration(Duration d);

}  // namespace edgesim

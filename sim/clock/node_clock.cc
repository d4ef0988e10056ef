#include "sim/clock/node_clock.h"

#include "sim/core/assert.h"
#include "sim/core/prng.h"

namespace edgesim {
namespace {
constexpr int64_t kBillion = 1'000'000'000;
}  // namespace

NodeClock::NodeClock(const ClockSpec& spec, uint64_t seed) : spec_(spec), seed_(seed) {
  EDGESIM_ASSERT(spec.drift_ppb > -kBillion / 2 && spec.drift_ppb < kBillion / 2,
                 "drift {} ppb is not a clock", spec.drift_ppb);
  EDGESIM_ASSERT(spec.resync_interval.ns >= 0);
  EDGESIM_ASSERT(spec.resync_accuracy.ns >= 0);
}

// Every now() of every replica comes here. In 64 bits when the product fits (a day at 100 ppm, 18 s
// at the largest drift allowed), which divides by the constant with a multiply; GCC divides an
// __int128 by a library call. Both truncate toward zero, so the result is the same either way.
Duration NodeClock::drift_over(Duration span) const {
  int64_t product = 0;
  if (!__builtin_mul_overflow(span.ns, spec_.drift_ppb, &product))
    return Duration{product / kBillion};
  return Duration{
      static_cast<int64_t>(static_cast<__int128>(span.ns) * spec_.drift_ppb / kBillion)};
}

Instant NodeClock::monotonic(Instant true_now) const {
  return true_now + drift_over(Duration{true_now.ns});
}

Duration NodeClock::resync_error(int64_t index) const {
  if (spec_.resync_accuracy.ns == 0) return Duration{0};
  uint64_t state = seed_ ^ (static_cast<uint64_t>(index) * 0x9e3779b97f4a7c15ULL);
  Prng prng(splitmix64(state));
  return Duration{prng.uniform_int(-spec_.resync_accuracy.ns, spec_.resync_accuracy.ns)};
}

Instant NodeClock::wall(Instant true_now) const {
  Instant anchor{0};
  Duration error = spec_.offset;
  if (spec_.resync_interval.ns > 0 && true_now.ns >= spec_.resync_interval.ns) {
    const int64_t index = true_now.ns / spec_.resync_interval.ns;
    anchor = Instant{index * spec_.resync_interval.ns};
    error = resync_error(index);
  }
  error += drift_over(true_now - anchor);
  for (const Step& step : steps_) {
    if (step.at > true_now) break;
    if (step.at > anchor || anchor.ns == 0) error += step.by;
  }
  return true_now + error;
}

void NodeClock::step(Instant at, Duration by) {
  EDGESIM_ASSERT(steps_.empty() || steps_.back().at <= at, "clock steps must be added in order");
  steps_.push_back(Step{at, by});
}

Duration NodeClock::true_span(Duration local) const {
  EDGESIM_ASSERT(local.ns >= 0);
  const __int128 numerator = static_cast<__int128>(local.ns) * kBillion;
  const __int128 denominator = kBillion + spec_.drift_ppb;
  return Duration{static_cast<int64_t>((numerator + denominator - 1) / denominator)};
}

}  // namespace edgesim

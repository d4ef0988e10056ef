#include "sim/net/link_model.h"

#include <cmath>

#include <fmt/format.h>

namespace edgesim {
namespace {

Duration from_double(double ns) {
  if (!(ns > 0)) return Duration{0};
  if (ns > 9.0e18) return Duration{INT64_C(9000000000000000000)};
  return Duration{static_cast<int64_t>(std::llround(ns))};
}

}  // namespace

Duration LatencyModel::sample(Prng& prng) const {
  switch (kind) {
    case LatencyKind::kConstant:
      return a;
    case LatencyKind::kUniform:
      return Duration{prng.uniform_int(a.ns, b.ns)};
    case LatencyKind::kNormal:
      return from_double(prng.normal(double(a.ns), double(b.ns)));
    case LatencyKind::kLognormal:
      return from_double(double(a.ns) * std::exp(prng.normal(0, shape)));
    case LatencyKind::kPareto: {
      const double u = 1.0 - prng.unit();  // (0, 1]
      return from_double(double(a.ns) / std::pow(u, 1.0 / shape));
    }
  }
  return a;
}

Duration LatencyModel::mean() const {
  switch (kind) {
    case LatencyKind::kConstant:
      return a;
    case LatencyKind::kUniform:
      return Duration{a.ns + (b.ns - a.ns) / 2};
    case LatencyKind::kNormal:
      return a;
    case LatencyKind::kLognormal:
      return from_double(double(a.ns) * std::exp(shape * shape / 2));
    case LatencyKind::kPareto:
      return shape > 1 ? from_double(double(a.ns) * shape / (shape - 1)) : a * 100;
  }
  return a;
}

std::string LatencyModel::describe() const {
  switch (kind) {
    case LatencyKind::kConstant:
      return format_duration(a);
    case LatencyKind::kUniform:
      return fmt::format("uniform {}..{}", format_duration(a), format_duration(b));
    case LatencyKind::kNormal:
      return fmt::format("normal {}±{}", format_duration(a), format_duration(b));
    case LatencyKind::kLognormal:
      return fmt::format("lognormal median {} sigma {}", format_duration(a), shape);
    case LatencyKind::kPareto:
      return fmt::format("pareto scale {} alpha {}", format_duration(a), shape);
  }
  return "?";
}

LinkSpec::Outcome LinkSpec::traverse(Prng& prng, size_t bytes) const {
  Outcome outcome;
  if (prng.bernoulli(loss_ratio)) {
    outcome.lost = true;
    return outcome;
  }
  outcome.delay = latency.sample(prng);
  if (jitter.ns > 0) outcome.delay += Duration{prng.uniform_int(0, jitter.ns)};
  if (bandwidth_bps > 0) {
    outcome.delay += Duration{
        static_cast<int64_t>(static_cast<__int128>(bytes) * 8 * 1'000'000'000 / bandwidth_bps)};
  }
  if (reorder_ratio > 0 && prng.bernoulli(reorder_ratio)) {
    outcome.delay += Duration{prng.uniform_int(0, reorder_delay.ns)};
  }
  if (duplicate_ratio > 0 && prng.bernoulli(duplicate_ratio)) {
    outcome.duplicated = true;
    outcome.duplicate_extra = Duration{prng.uniform_int(0, latency.mean().ns)};
  }
  return outcome;
}

}  // namespace edgesim

#include "sim/net/link_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace edgesim {
namespace {

using namespace literals;

std::vector<int64_t> samples(const LatencyModel& model, int n, uint64_t seed) {
  Prng prng(seed);
  std::vector<int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(model.sample(prng).ns);
  std::sort(out.begin(), out.end());
  return out;
}

double quantile(const std::vector<int64_t>& sorted, double q) {
  return double(sorted[size_t(q * double(sorted.size() - 1))]);
}

TEST(LatencyModel, UniformQuantilesAreLinear) {
  const auto s = samples(LatencyModel{LatencyKind::kUniform, 10_ms, 20_ms, 0}, 100000, 1);
  EXPECT_GE(s.front(), (10_ms).ns);
  EXPECT_LE(s.back(), (20_ms).ns);
  EXPECT_NEAR(quantile(s, 0.5), 15e6, 0.1e6);
  EXPECT_NEAR(quantile(s, 0.9), 19e6, 0.1e6);
}

TEST(LatencyModel, NormalQuantilesMatch) {
  const auto s = samples(LatencyModel{LatencyKind::kNormal, 40_ms, 3_ms, 0}, 100000, 2);
  EXPECT_NEAR(quantile(s, 0.5), 40e6, 0.1e6);
  EXPECT_NEAR(quantile(s, 0.8413), 43e6, 0.15e6);  // mean + 1 sigma
}

TEST(LatencyModel, LognormalMedianAndTailMatch) {
  const auto s = samples(LatencyModel{LatencyKind::kLognormal, 60_ms, Duration{0}, 0.5}, 100000, 3);
  EXPECT_NEAR(quantile(s, 0.5), 60e6, 1e6);
  EXPECT_NEAR(quantile(s, 0.9772), 60e6 * std::exp(1.0), 3e6);  // median * e^(2 sigma)
}

TEST(LatencyModel, ParetoHasItsHeavyTail) {
  const auto s = samples(LatencyModel{LatencyKind::kPareto, 10_ms, Duration{0}, 2.0}, 100000, 4);
  EXPECT_GE(s.front(), (10_ms).ns);
  EXPECT_NEAR(quantile(s, 0.5), 10e6 * std::sqrt(2.0), 0.3e6);  // scale * 2^(1/alpha)
  EXPECT_NEAR(quantile(s, 0.99), 100e6, 8e6);                   // scale * 100^(1/alpha)
}

TEST(LinkSpec, LossDuplicationAndBandwidth) {
  LinkSpec spec;
  spec.latency = LatencyModel{LatencyKind::kConstant, 5_ms, {}, 0};
  spec.loss_ratio = 0.2;
  spec.duplicate_ratio = 0.05;
  spec.bandwidth_bps = 8'000'000;  // 1 byte per microsecond
  Prng prng(9);
  int lost = 0, duplicated = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const LinkSpec::Outcome o = spec.traverse(prng, 1000);
    if (o.lost) {
      ++lost;
      continue;
    }
    EXPECT_EQ(o.delay, 5_ms + 1000_us);
    duplicated += o.duplicated ? 1 : 0;
  }
  EXPECT_NEAR(double(lost) / n, 0.2, 0.006);
  EXPECT_NEAR(double(duplicated) / (n - lost), 0.05, 0.004);
}

}  // namespace
}  // namespace edgesim

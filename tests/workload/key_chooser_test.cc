#include "sim/workload/key_chooser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace edgesim {
namespace {

// The reference: the normalized Zipf CDF and a binary search, as KeyChooser drew keys before its
// guide table. Traces depend on every drawn key, so the two must agree on every draw.
std::vector<double> zipf_cdf(uint32_t keys, double exponent) {
  std::vector<double> cdf(keys);
  double total = 0;
  for (uint32_t rank = 0; rank < keys; ++rank) {
    total += 1.0 / std::pow(double(rank + 1), exponent);
    cdf[rank] = total;
  }
  for (double& c : cdf) c /= total;
  return cdf;
}

uint32_t searched_rank(const std::vector<double>& cdf, double u) {
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  return static_cast<uint32_t>(std::min<size_t>(size_t(it - cdf.begin()), cdf.size() - 1));
}

struct ZipfCase {
  uint32_t keys;
  double exponent;
};

class KeyChooserZipf : public testing::TestWithParam<ZipfCase> {};

TEST_P(KeyChooserZipf, DrawsTheRankABinarySearchOfTheCdfFinds) {
  const auto [keys, exponent] = GetParam();
  const KeyChooser chooser(keys, KeyDistribution::kZipf, exponent);
  const std::vector<double> cdf = zipf_cdf(keys, exponent);
  Prng prng(42), reference(42);
  for (int draw = 0; draw < 100'000; ++draw) {
    const uint32_t rank = chooser.next(prng);
    ASSERT_EQ(rank, searched_rank(cdf, reference.unit())) << "draw " << draw;
  }
}

// Draws exactly on a CDF value or a guide bucket's bound, and next to them, are where a guide
// table that trusted its buckets' rounded bounds would answer one rank off.
TEST_P(KeyChooserZipf, AgreesWithTheSearchAtEveryCdfValueAndBucketBound) {
  const auto [keys, exponent] = GetParam();
  const KeyChooser chooser(keys, KeyDistribution::kZipf, exponent);
  const std::vector<double> cdf = zipf_cdf(keys, exponent);
  std::vector<double> draws = {0.0, std::nextafter(1.0, 0.0)};
  for (double c : cdf) draws.push_back(c);
  for (uint32_t j = 0; j < keys; ++j) draws.push_back(double(j) / double(keys));
  for (size_t i = 0, n = draws.size(); i < n; ++i) {
    draws.push_back(std::nextafter(draws[i], 0.0));
    draws.push_back(std::nextafter(draws[i], 1.0));
  }
  for (double u : draws) {
    if (u < 0 || u >= 1) continue;
    ASSERT_EQ(chooser.rank_of(u), searched_rank(cdf, u)) << "u = " << u;
  }
}

INSTANTIATE_TEST_SUITE_P(KeysAndExponents, KeyChooserZipf,
                         testing::Values(ZipfCase{1, 1.0}, ZipfCase{2, 1.0}, ZipfCase{100, 1.0},
                                         ZipfCase{100, 0.5}, ZipfCase{100, 3.0},
                                         ZipfCase{10'000, 1.2}, ZipfCase{7, 0.01}));

}  // namespace
}  // namespace edgesim

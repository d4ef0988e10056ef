#include "sim/core/prng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace edgesim {
namespace {

TEST(Prng, SameSeedSameStream) {
  Prng a(42), b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Prng, KnownFirstValuesPinTheAlgorithm) {
  // Pinned so an accidental change of generator, seeding or fork naming (which would change every
  // trace hash users have recorded) fails here first.
  Prng prng(0);
  EXPECT_EQ(prng.next_u64(), 11091344671253066420ULL);
  EXPECT_EQ(prng.next_u64(), 13793997310169335082ULL);
  EXPECT_EQ(Prng(0).fork("workload").next_u64(), 15791062445551565594ULL);
}

TEST(Prng, ForksDependOnlyOnSeedAndName) {
  Prng root(7);
  Prng a = root.fork("net/link/1-2");
  for (int i = 0; i < 100; ++i) root.next_u64();  // draws from the parent do not shift forks
  Prng b = root.fork("net/link/1-2");
  Prng other = root.fork("net/link/1-3");
  EXPECT_EQ(a.next_u64(), b.next_u64());
  EXPECT_NE(Prng(7).fork("net/link/1-2").next_u64(), other.next_u64());
}

TEST(Prng, UniformStaysInBoundsAndCoversThem) {
  Prng prng(3);
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t v = prng.uniform(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = prng.uniform_int(-5, 5);
    ASSERT_GE(v, -5);
    ASSERT_LE(v, 5);
  }
}

TEST(Prng, BernoulliAndNormalMatchTheirParameters) {
  Prng prng(11);
  int hits = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) hits += prng.bernoulli(0.1) ? 1 : 0;
  EXPECT_NEAR(double(hits) / n, 0.1, 0.005);
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = prng.normal(5, 2);
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 5, 0.02);
  EXPECT_NEAR(std::sqrt(sum_sq / n - mean * mean), 2, 0.02);
}

}  // namespace
}  // namespace edgesim

#include "sim/check/convergence.h"

#include <gtest/gtest.h>

namespace edgesim {
namespace {

using namespace literals;

TEST(Convergence, MeasuresFromTheReferenceToTheLastSpanOfEquality) {
  ConvergenceTracker tracker;
  tracker.sample(Instant{0} + 1_s, 3, 2);
  tracker.sample(Instant{0} + 2_s, 3, 1);  // equal, but not for good
  tracker.sample(Instant{0} + 3_s, 3, 2);
  tracker.sample(Instant{0} + 4_s, 3, 1);
  tracker.sample(Instant{0} + 5_s, 3, 1);
  const ConvergenceVerdict v = tracker.verdict(Instant{0} + 1_s, 5_s);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.time_to_converge, 3_s);
  EXPECT_FALSE(tracker.verdict(Instant{0} + 1_s, 2_s).ok);  // too slow for a 2 s bound
}

TEST(Convergence, DivergenceAtTheEndFails) {
  ConvergenceTracker tracker;
  tracker.sample(Instant{0} + 1_s, 3, 1);
  tracker.sample(Instant{0} + 2_s, 3, 2);
  const ConvergenceVerdict v = tracker.verdict(Instant{0}, 10_s);
  EXPECT_FALSE(v.ok);
  EXPECT_FALSE(v.converged);
  EXPECT_EQ(v.distinct_values, 2u);
}

TEST(Convergence, EqualBeforeTheReferenceCountsAsZero) {
  ConvergenceTracker tracker;
  tracker.sample(Instant{0} + 1_s, 2, 1);
  tracker.sample(Instant{0} + 5_s, 2, 1);
  EXPECT_EQ(tracker.verdict(Instant{0} + 3_s, 1_s).time_to_converge, Duration{0});
}

TEST(Convergence, ForgettingDropsEqualitySeenBeforeAnUnseenChange) {
  ConvergenceTracker tracker;
  tracker.sample(Instant{0} + 1_s, 2, 1);
  tracker.forget();  // an op arrived: the replicas may differ now
  tracker.sample(Instant{0} + 4_s, 2, 1);
  EXPECT_EQ(tracker.verdict(Instant{0} + 3_s, 2_s).time_to_converge, 1_s);
}

}  // namespace
}  // namespace edgesim

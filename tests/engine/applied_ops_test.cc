// delta_sync's record of applied ops: recognized until forgotten, across restarts, with a durable
// log that stays within twice what is remembered.
#include "models/delta_sync/applied_ops.h"

#include <gtest/gtest.h>

namespace edgesim {
namespace {

using models::AppliedOps;

Instant at_ms(int64_t ms) { return Instant{ms * 1'000'000}; }

TEST(AppliedOps, ARestartRecoversWhatWasRememberedAfterTheLogIsRewritten) {
  DurableStore store;
  AppliedOps applied;
  // Op 1000 + i is applied at i ms; each step forgets what is older than 100 ms.
  for (int64_t i = 0; i < 1000; ++i) {
    applied.forget_before(store, at_ms(i - 100));
    applied.add(store, 1000 + i, at_ms(i));
    // Forgotten records in the log: never more than what is remembered, or than kMinRewrite - 1.
    ASSERT_LE(applied.logged() - applied.size(),
              std::max(applied.size(), AppliedOps::kMinRewrite - 1))
        << i;
  }
  EXPECT_EQ(applied.size(), 101u);
  AppliedOps recovered;
  recovered.recover(store);
  for (uint64_t op = 1000; op < 2000; ++op) {
    // What the log still holds is what was remembered, plus forgotten ops not yet rewritten away.
    if (applied.contains(op)) {
      EXPECT_TRUE(recovered.contains(op)) << op;
    }
  }
  EXPECT_EQ(recovered.logged(), applied.logged());
  recovered.forget_before(store, at_ms(999 - 100));
  EXPECT_EQ(recovered.size(), applied.size());
  for (uint64_t op = 1000; op < 2000; ++op)
    EXPECT_EQ(recovered.contains(op), applied.contains(op)) << op;
}

TEST(AppliedOps, AnOpAddedTwiceIsLoggedOnce) {
  DurableStore store;
  AppliedOps applied;
  applied.add(store, 7, at_ms(1));
  applied.add(store, 7, at_ms(2));
  EXPECT_EQ(applied.logged(), 1u);
  AppliedOps recovered;
  recovered.recover(store);
  EXPECT_TRUE(recovered.contains(7));
  EXPECT_EQ(recovered.size(), 1u);
}

TEST(AppliedOps, AnOpAppliedAgainAfterItWasForgottenIsRememberedFromItsLatestRecord) {
  DurableStore store;
  AppliedOps applied;
  applied.add(store, 7, at_ms(1));
  applied.forget_before(store, at_ms(2));  // forgotten, but still in the log (no rewrite yet)
  EXPECT_FALSE(applied.contains(7));
  applied.add(store, 7, at_ms(10));
  EXPECT_EQ(applied.logged(), 2u);
  AppliedOps recovered;
  recovered.recover(store);
  recovered.forget_before(store, at_ms(5));
  EXPECT_TRUE(recovered.contains(7));
  EXPECT_EQ(recovered.size(), 1u);
}

TEST(AppliedOps, ForgettingEverythingLeavesNoLog) {
  DurableStore store;
  AppliedOps applied;
  for (uint64_t op = 0; op < 2 * AppliedOps::kMinRewrite; ++op) applied.add(store, op, at_ms(1));
  applied.forget_before(store, at_ms(2));
  EXPECT_EQ(applied.size(), 0u);
  EXPECT_EQ(applied.logged(), 0u);
  EXPECT_TRUE(store.entries().empty());
}

}  // namespace
}  // namespace edgesim

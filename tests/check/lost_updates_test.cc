#include "sim/check/lost_updates.h"

#include <gtest/gtest.h>

namespace edgesim {
namespace {

HistoryOp write(uint64_t id, int64_t call, std::optional<int64_t> ret, int value,
                OpStatus status = OpStatus::kOk) {
  HistoryOp op;
  op.id = id;
  op.proc = id;
  op.call = call;
  op.ret = ret;
  op.status = status;
  op.f = "write";
  op.key = "x";
  op.arg = value;
  return op;
}

TEST(LostUpdates, AWriteAfterTheWinnerCompletedIsLost) {
  // w1 completes at 20; w2 starts at 30 and is acked, yet the final value is w1's.
  const History history = {write(1, 10, 20, 100), write(2, 30, 40, 200)};
  const LostUpdatesResult result = find_lost_updates(history, Value{{"x", 100}});
  EXPECT_EQ(result.count, 1u);
  EXPECT_EQ(result.acked_writes, 2u);
  ASSERT_EQ(result.examples.size(), 1u);
  EXPECT_EQ(result.examples[0].lost_op, 2u);
  EXPECT_EQ(result.examples[0].winner_op, 1u);
  EXPECT_EQ(result.examples[0].what,
            "acked at 40ns, yet op 1's write, acked at 20ns before it began, won");
}

TEST(LostUpdates, ConcurrentWritesMayLoseFairly) {
  const History history = {write(1, 10, 35, 100), write(2, 30, 40, 200)};
  EXPECT_EQ(find_lost_updates(history, Value{{"x", 100}}).count, 0u);
  EXPECT_EQ(find_lost_updates(history, Value{{"x", 200}}).count, 0u);
}

TEST(LostUpdates, TheLatestWriteWinningLosesNothing) {
  const History history = {write(1, 10, 20, 100), write(2, 30, 40, 200), write(3, 50, 60, 300)};
  EXPECT_EQ(find_lost_updates(history, Value{{"x", 300}}).count, 0u);
  EXPECT_EQ(find_lost_updates(history, Value{{"x", 100}}).count, 2u);
}

TEST(LostUpdates, UnknownWinnersAndFailedWritesAreNotCounted) {
  const History history = {write(1, 10, std::nullopt, 100, OpStatus::kInfo), write(2, 30, 40, 200),
                           write(3, 50, 60, 300, OpStatus::kFail)};
  EXPECT_EQ(find_lost_updates(history, Value{{"x", 100}}).count, 0u);  // info may land any time
  EXPECT_EQ(find_lost_updates(history, Value{{"x", 200}}).acked_writes, 1u);
}

}  // namespace
}  // namespace edgesim

#include "sim/check/session_guarantees.h"

#include <gtest/gtest.h>

#include "tests/check/history_ops.h"

namespace edgesim {
namespace {

// A read's `value` is its result; a write's, its argument; a delete has none.
HistoryOp op(uint64_t id, uint64_t session, int64_t call, int64_t ret, const char* f,
             Value value = nullptr, OpStatus status = OpStatus::kOk) {
  return session_op(id, session, call, ret, f, "x", std::move(value), status);
}

uint64_t count(const History& h, const char* guarantee) {
  return check_session_guarantees(h).violations.at(guarantee);
}

TEST(SessionGuarantees, ReadYourWrites) {
  // Session 1 writes 2 after 1 was written; reading 1 (or nothing) afterwards breaks RYW.
  const History ok = {op(0, 0, 0, 1, "write", 1), op(1, 1, 2, 3, "write", 2),
                      op(2, 1, 4, 5, "read", 2)};
  EXPECT_EQ(count(ok, "read_your_writes"), 0u);
  const History stale = {op(0, 0, 0, 1, "write", 1), op(1, 1, 2, 3, "write", 2),
                         op(2, 1, 4, 5, "read", 1)};
  EXPECT_EQ(count(stale, "read_your_writes"), 1u);
  const History lost = {op(1, 1, 2, 3, "write", 2), op(2, 1, 4, 5, "read", nullptr)};
  EXPECT_EQ(count(lost, "read_your_writes"), 1u);
  // Another session's concurrent write may win.
  const History concurrent = {op(0, 0, 0, 10, "write", 1), op(1, 1, 2, 3, "write", 2),
                              op(2, 1, 11, 12, "read", 1)};
  EXPECT_EQ(count(concurrent, "read_your_writes"), 0u);
}

TEST(SessionGuarantees, MonotonicReads) {
  const History back = {op(0, 0, 0, 1, "write", 1), op(1, 0, 2, 3, "write", 2),
                        op(2, 5, 4, 5, "read", 2), op(3, 5, 6, 7, "read", 1)};
  EXPECT_EQ(count(back, "monotonic_reads"), 1u);
  const History forward = {op(0, 0, 0, 1, "write", 1), op(1, 0, 2, 3, "write", 2),
                           op(2, 5, 4, 5, "read", 1), op(3, 5, 6, 7, "read", 2)};
  EXPECT_EQ(count(forward, "monotonic_reads"), 0u);
}

TEST(SessionGuarantees, MonotonicWrites) {
  // Session 0 writes 1 then 2 (overlapping nothing); session 5 sees 2 then 1.
  const History h = {op(0, 0, 0, 1, "write", 1), op(1, 0, 2, 3, "write", 2),
                     op(2, 5, 4, 5, "read", 2), op(3, 5, 6, 7, "read", 1)};
  EXPECT_EQ(count(h, "monotonic_writes"), 1u);
  // A write of unknown outcome may land after the session's later ones: no order to keep.
  History unknown = h;
  unknown[0].ret.reset();
  unknown[0].status = OpStatus::kInfo;
  EXPECT_EQ(count(unknown, "monotonic_writes"), 0u);
}

TEST(SessionGuarantees, WritesFollowReads) {
  // Session 1 read 1 (written by session 0) then wrote 2; session 5 reads 2, then the initial
  // value.
  const History h = {op(0, 0, 0, 1, "write", 1), op(1, 1, 2, 3, "read", 1),
                     op(2, 1, 4, 5, "write", 2), op(3, 5, 6, 7, "read", 2),
                     op(4, 5, 8, 9, "read", nullptr)};
  const SessionGuaranteesResult result = check_session_guarantees(h);
  EXPECT_EQ(result.violations.at("writes_follow_reads"), 1u);
  EXPECT_FALSE(result.ok());
  ASSERT_FALSE(result.examples.empty());
}

// Map histories: a read that returns nothing is explained by a delete that could have come after
// the floor, whoever made it, and is behind otherwise; a session's own delete is a write it must
// then read.
TEST(SessionGuarantees, DeletesExplainEmptyReadsOnlyWhenTheyCouldComeAfterTheFloor) {
  // Session 1 writes 2; session 0 deletes after; session 1 reads nothing: a newer state.
  const History deleted_after = {op(0, 1, 0, 1, "write", 2), op(1, 0, 2, 3, "delete"),
                                 op(2, 1, 4, 5, "read", nullptr)};
  EXPECT_EQ(count(deleted_after, "read_your_writes"), 0u);
  // A delete that overlaps the write may be ordered after it.
  const History concurrent = {op(0, 0, 0, 5, "delete"), op(1, 1, 2, 3, "write", 2),
                              op(2, 1, 6, 7, "read", nullptr)};
  EXPECT_EQ(count(concurrent, "read_your_writes"), 0u);
  // Intervals are closed: a delete that ends as the write begins overlaps it.
  const History touching = {op(0, 0, 0, 2, "delete"), op(1, 1, 2, 3, "write", 2),
                            op(2, 1, 6, 7, "read", nullptr)};
  EXPECT_EQ(count(touching, "read_your_writes"), 0u);
  // One of unknown outcome may take effect at any time after it began.
  History unknown = concurrent;
  unknown[0].call = -10;
  unknown[0].ret.reset();
  unknown[0].status = OpStatus::kInfo;
  EXPECT_EQ(count(unknown, "read_your_writes"), 0u);
  // A delete that completed before the write began, one that began after the read returned, and
  // one that failed all leave the read behind.
  const History deleted_before = {op(0, 0, 0, 1, "delete"), op(1, 1, 2, 3, "write", 2),
                                  op(2, 1, 4, 5, "read", nullptr)};
  EXPECT_EQ(count(deleted_before, "read_your_writes"), 1u);
  const History deleted_later = {op(0, 1, 0, 1, "write", 2), op(1, 1, 2, 3, "read", nullptr),
                                 op(2, 0, 4, 5, "delete")};
  EXPECT_EQ(count(deleted_later, "read_your_writes"), 1u);
  History deleted_as_read_ends = deleted_later;
  deleted_as_read_ends[2].call = 3;
  EXPECT_EQ(count(deleted_as_read_ends, "read_your_writes"), 0u);
  History failed = deleted_after;
  failed[1].status = OpStatus::kFail;
  EXPECT_EQ(count(failed, "read_your_writes"), 1u);
  // Monotonic reads: having read 1, a session may later read nothing only after a delete.
  const History read_then_deleted = {op(0, 0, 0, 1, "write", 1), op(1, 5, 2, 3, "read", 1),
                                     op(2, 0, 4, 5, "delete"), op(3, 5, 6, 7, "read", nullptr)};
  EXPECT_EQ(count(read_then_deleted, "monotonic_reads"), 0u);
  History no_delete = read_then_deleted;
  no_delete.erase(no_delete.begin() + 2);
  EXPECT_EQ(count(no_delete, "monotonic_reads"), 1u);
}

TEST(SessionGuarantees, ASessionReadsItsOwnDelete) {
  // Session 1 writes 1, deletes it, then reads 1 back: behind its own delete.
  const History resurrected = {op(0, 1, 0, 1, "write", 1), op(1, 1, 2, 3, "delete"),
                               op(2, 1, 4, 5, "read", 1)};
  EXPECT_EQ(count(resurrected, "read_your_writes"), 1u);
  const History gone = {op(0, 1, 0, 1, "write", 1), op(1, 1, 2, 3, "delete"),
                        op(2, 1, 4, 5, "read", nullptr)};
  EXPECT_EQ(count(gone, "read_your_writes"), 0u);
  // A later write by another session is newer than the delete.
  const History rewritten = {op(0, 1, 0, 1, "write", 1), op(1, 1, 2, 3, "delete"),
                             op(2, 0, 4, 5, "write", 7), op(3, 1, 6, 7, "read", 7)};
  EXPECT_EQ(count(rewritten, "read_your_writes"), 0u);
}

// Multi-value reads (an MV register's concurrent values, as an array): a read is behind a floor
// when every value it shows was written before the floor began.
TEST(SessionGuarantees, MultiValueReadsAreJudgedByEveryValueTheyShow) {
  const Value one_two = Value::array({1, 2});
  // Session 1 writes 2 after 1 completed; reading [1] alone afterwards breaks read-your-writes.
  const History stale = {op(0, 0, 0, 1, "write", 1), op(1, 1, 2, 3, "write", 2),
                         op(2, 1, 4, 5, "read", Value::array({1}))};
  EXPECT_EQ(count(stale, "read_your_writes"), 1u);
  History both = stale;
  both[2].out = one_two;
  EXPECT_EQ(count(both, "read_your_writes"), 0u);
  // A concurrent value beside an old one is as new as the session's write.
  const History beside_concurrent = {op(0, 0, 0, 1, "write", 1), op(1, 1, 2, 3, "write", 2),
                                     op(2, 2, 2, 9, "write", 3),
                                     op(3, 1, 10, 11, "read", Value::array({1, 3}))};
  EXPECT_EQ(count(beside_concurrent, "read_your_writes"), 0u);
  // An empty array is the absent value.
  const History empty = {op(0, 1, 0, 1, "write", 2), op(1, 1, 2, 3, "read", Value::array())};
  EXPECT_EQ(count(empty, "read_your_writes"), 1u);
  // A value nobody wrote makes the read unknown, never evidence.
  History unknown = stale;
  unknown[2].out = Value::array({1, 99});
  EXPECT_EQ(count(unknown, "read_your_writes"), 0u);
  // Monotonic reads: having seen [1, 2], a session may not go back to [1].
  const History back = {op(0, 0, 0, 1, "write", 1), op(1, 0, 2, 3, "write", 2),
                        op(2, 5, 4, 5, "read", one_two), op(3, 5, 6, 7, "read", Value::array({1}))};
  EXPECT_EQ(count(back, "monotonic_reads"), 1u);
  // Monotonic writes: a session's two writes side by side, read twice, never go back; a read of
  // the earlier one alone after both does.
  const History siblings = {op(0, 0, 0, 1, "write", 1), op(1, 0, 2, 3, "write", 2),
                            op(2, 5, 4, 5, "read", Value::array({2, 1})),
                            op(3, 5, 6, 7, "read", one_two)};
  EXPECT_EQ(count(siblings, "monotonic_writes"), 0u);
  History earlier_alone = siblings;
  earlier_alone[3].out = Value::array({1});
  EXPECT_EQ(count(earlier_alone, "monotonic_writes"), 1u);
}

}  // namespace
}  // namespace edgesim

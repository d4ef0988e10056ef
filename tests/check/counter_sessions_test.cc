#include "sim/check/counter_sessions.h"

#include <gtest/gtest.h>

#include "tests/check/history_ops.h"

namespace edgesim {
namespace {

// An op on counter "c": an increment's `value` is its amount, a read's its result.
HistoryOp op(uint64_t id, uint64_t session, int64_t call, int64_t ret, const char* f, Value value,
             OpStatus status = OpStatus::kOk) {
  return session_op(id, session, call, ret, f, "c", std::move(value), status);
}

uint64_t count(const History& h, const char* guarantee) {
  return check_counter_sessions(h).violations.at(guarantee);
}

TEST(CounterSessions, ReadYourWritesCountsTheSessionsOwnIncrements) {
  // Session 1 increments twice, then reads: 2 or more shows both, 1 misses one.
  const History ok = {op(0, 1, 0, 1, "incr", 1), op(1, 1, 2, 3, "incr", 1),
                      op(2, 1, 4, 5, "read", 2)};
  EXPECT_EQ(count(ok, "read_your_writes"), 0u);
  History missing = ok;
  missing[2].out = 1;
  EXPECT_EQ(count(missing, "read_your_writes"), 1u);
  // Counted from the session's last read: it read 10, incremented, and must now see 11.
  const History after_read = {op(0, 1, 0, 1, "read", 10), op(1, 1, 2, 3, "incr", 1),
                              op(2, 1, 4, 5, "read", 10)};
  EXPECT_EQ(count(after_read, "read_your_writes"), 1u);
  // An increment of unknown outcome, or a failed one, proves nothing; a read of nothing is 0.
  History unknown = missing;
  unknown[1].status = OpStatus::kInfo;
  unknown[1].ret.reset();
  EXPECT_EQ(count(unknown, "read_your_writes"), 0u);
  const History nothing = {op(0, 1, 0, 1, "incr", 1), op(1, 1, 2, 3, "read", nullptr)};
  EXPECT_EQ(count(nothing, "read_your_writes"), 1u);
}

TEST(CounterSessions, MonotonicReadsNeverGoBelowThePreviousRead) {
  const History back = {op(0, 1, 0, 1, "read", 5), op(1, 1, 2, 3, "read", 4)};
  EXPECT_EQ(count(back, "monotonic_reads"), 1u);
  EXPECT_EQ(count(back, "read_your_writes"), 0u);
  const History forward = {op(0, 1, 0, 1, "read", 5), op(1, 1, 2, 3, "read", 5)};
  EXPECT_EQ(count(forward, "monotonic_reads"), 0u);
}

TEST(CounterSessions, DecrementsBegunBeforeAReadEndedMayLowerIt) {
  // Another session's decrement of 2 explains a fall from 5 to 3, not to 2.
  const History lowered = {op(0, 1, 0, 1, "read", 5), op(1, 2, 1, 9, "incr", -2),
                           op(2, 1, 2, 3, "read", 3)};
  EXPECT_EQ(count(lowered, "monotonic_reads"), 0u);
  History too_far = lowered;
  too_far[2].out = 2;
  EXPECT_EQ(count(too_far, "monotonic_reads"), 1u);
  // Intervals are closed: one that begins as the read returns may come first.
  History touching = lowered;
  touching[1].call = 3;
  EXPECT_EQ(count(touching, "monotonic_reads"), 0u);
  // One that began after the read ended, or that failed, explains nothing.
  History later = lowered;
  later[1].call = 4;
  EXPECT_EQ(count(later, "monotonic_reads"), 1u);
  History failed = lowered;
  failed[1].status = OpStatus::kFail;
  EXPECT_EQ(count(failed, "monotonic_reads"), 1u);
  // One of unknown outcome may have taken effect.
  History unknown = lowered;
  unknown[1].status = OpStatus::kInfo;
  unknown[1].ret.reset();
  EXPECT_EQ(count(unknown, "monotonic_reads"), 0u);
}

TEST(CounterSessions, SessionsAndKeysAreJudgedApart) {
  History h = {op(0, 1, 0, 1, "read", 5), op(1, 2, 2, 3, "read", 1)};  // two sessions
  EXPECT_EQ(count(h, "monotonic_reads"), 0u);
  h.push_back(op(2, 1, 4, 5, "read", 1));
  h.back().key = "other";  // another key of session 1
  EXPECT_EQ(count(h, "monotonic_reads"), 0u);
  const SessionGuaranteesResult result = check_counter_sessions(h);
  EXPECT_EQ(result.sessions, 2u);
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace edgesim

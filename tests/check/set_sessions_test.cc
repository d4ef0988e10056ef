#include "sim/check/set_sessions.h"

#include <gtest/gtest.h>

#include "tests/check/history_ops.h"

namespace edgesim {
namespace {

// An op on set "s": an add's or remove's `value` is its element, a read's its elements.
HistoryOp op(uint64_t id, uint64_t session, int64_t call, int64_t ret, const char* f, Value value,
             OpStatus status = OpStatus::kOk) {
  return session_op(id, session, call, ret, f, "s", std::move(value), status);
}

Value elements(std::initializer_list<int> values) {
  Value array = Value::array();
  for (int v : values) array.push_back(v);
  return array;
}

uint64_t count(const History& h, const char* guarantee) {
  return check_set_sessions(h).violations.at(guarantee);
}

TEST(SetSessions, ReadYourWritesHoldsTheSessionsAddsUnlessARemoveCameFirst) {
  const History ok = {op(0, 1, 0, 1, "add", 7), op(1, 1, 2, 3, "read", elements({7}))};
  EXPECT_EQ(count(ok, "read_your_writes"), 0u);
  const History missing = {op(0, 1, 0, 1, "add", 7), op(1, 1, 2, 3, "read", elements({}))};
  EXPECT_EQ(count(missing, "read_your_writes"), 1u);
  // Another session's remove that began by the time the read returned explains the absence.
  History removed = missing;
  removed.push_back(op(2, 2, 3, 9, "remove", 7));
  EXPECT_EQ(count(removed, "read_your_writes"), 0u);
  History removed_later = missing;
  removed_later.push_back(op(2, 2, 4, 9, "remove", 7));
  EXPECT_EQ(count(removed_later, "read_your_writes"), 1u);
  History failed_remove = removed;
  failed_remove[2].status = OpStatus::kFail;
  EXPECT_EQ(count(failed_remove, "read_your_writes"), 1u);
  // An add of unknown outcome is never evidence.
  History unknown = missing;
  unknown[0].status = OpStatus::kInfo;
  unknown[0].ret.reset();
  EXPECT_EQ(count(unknown, "read_your_writes"), 0u);
}

TEST(SetSessions, ReadYourWritesLacksTheSessionsRemovesUnlessAnAddOverlappedThem) {
  // Session 2 added 7 long before session 1 removed it: 7 must be gone from session 1's reads.
  const History back = {op(0, 2, 0, 1, "add", 7), op(1, 1, 2, 3, "remove", 7),
                        op(2, 1, 4, 5, "read", elements({7}))};
  EXPECT_EQ(count(back, "read_your_writes"), 1u);
  // An add still going on when the remove began may win (add-wins).
  History concurrent = back;
  concurrent[0].ret = 2;
  EXPECT_EQ(count(concurrent, "read_your_writes"), 0u);
}

TEST(SetSessions, MonotonicReadsKeepWhatTheSessionHasSeen) {
  const History back = {op(0, 2, 0, 1, "add", 7), op(1, 1, 2, 3, "read", elements({7})),
                        op(2, 1, 4, 5, "read", elements({}))};
  EXPECT_EQ(count(back, "monotonic_reads"), 1u);
  EXPECT_EQ(count(back, "read_your_writes"), 0u);
  History removed = back;
  removed.push_back(op(3, 2, 5, 6, "remove", 7));  // begins as the second read returns
  EXPECT_EQ(count(removed, "monotonic_reads"), 0u);
  // The session's own remove releases the element too.
  const History own_remove = {op(0, 2, 0, 1, "add", 7), op(1, 1, 2, 3, "read", elements({7})),
                              op(2, 1, 4, 5, "remove", 7), op(3, 1, 6, 7, "read", elements({}))};
  EXPECT_EQ(check_set_sessions(own_remove).ok(), true);
}

}  // namespace
}  // namespace edgesim

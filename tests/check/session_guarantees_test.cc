#include "sim/check/session_guarantees.h"

#include <gtest/gtest.h>

namespace edgesim {
namespace {

HistoryOp op(uint64_t id, uint64_t session, int64_t call, int64_t ret, const char* f, Value value) {
  HistoryOp o;
  o.id = id;
  o.proc = session;
  o.call = call;
  o.ret = ret;
  o.status = OpStatus::kOk;
  o.f = f;
  o.key = "x";
  if (std::string(f) == "write")
    o.arg = value;
  else
    o.out = value;
  return o;
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

}  // namespace
}  // namespace edgesim

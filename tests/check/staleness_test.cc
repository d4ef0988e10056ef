// Read staleness per data type: a read is as old as the first acknowledged update it cannot
// reflect, counted from the read's start; reads that could be fresh count 0.
#include "sim/check/staleness.h"

#include <gtest/gtest.h>

#include "tests/check/history_ops.h"

namespace edgesim {
namespace {

HistoryOp read(uint64_t id, int64_t call, int64_t ret, std::string key, Value out) {
  HistoryOp o = op(id, call, ret, "read", std::move(key), nullptr);
  o.out = std::move(out);
  return o;
}

std::vector<int64_t> samples(DataType type, const History& history) {
  return read_staleness(type, history).histogram().samples();  // sorted
}

TEST(Staleness, RegisterReadIsBehindTheFirstWriteThatFollowedItsValue) {
  const History history = {
      op(1, 0, 10, "write", "k", 1),  op(2, 20, 30, "write", "k", 2),
      op(3, 40, 50, "write", "k", 3), read(4, 100, 110, "k", 1),  // superseded by write 2 at 30
      read(5, 100, 110, "k", 3),                                  // the newest
      read(6, 45, 60, "k", 2)};                                   // write 3 had not completed
  EXPECT_EQ(samples(DataType::kKv, history), (std::vector<int64_t>{0, 0, 70}));
}

TEST(Staleness, NullAfterADeleteIsFreshAndAValueAfterItIsStale) {
  const History history = {op(1, 0, 10, "write", "k", 1),
                           op(2, 20, 30, "delete", "k", nullptr),
                           read(3, 100, 110, "k", nullptr),  // the delete's null: fresh
                           read(4, 100, 110, "k", 1),        // the delete superseded it at 30
                           op(5, 120, 130, "write", "k", 5),
                           read(6, 200, 210, "k", nullptr)};  // write 5 superseded the delete
  EXPECT_EQ(samples(DataType::kMap, history), (std::vector<int64_t>{0, 70, 70}));
  // The stalest read is named; of equally stale ones, the lowest op id.
  const ReadStaleness staleness = read_staleness(DataType::kMap, history);
  ASSERT_NE(staleness.stalest(), nullptr);
  EXPECT_EQ(staleness.stalest()->id, 4u);
  EXPECT_EQ(staleness.stalest_ns(), 70);
  const History fresh = {op(1, 0, 10, "write", "k", 1), read(2, 20, 30, "k", 1)};
  EXPECT_EQ(read_staleness(DataType::kKv, fresh).stalest(), nullptr);
}

TEST(Staleness, NullWithNoDeleteIsTheInitialValue) {
  const History history = {op(1, 0, 10, "write", "k", 1), read(2, 40, 50, "k", nullptr),
                           read(3, 5, 50, "k", nullptr)};  // began before the write completed
  EXPECT_EQ(samples(DataType::kKv, history), (std::vector<int64_t>{0, 30}));
}

TEST(Staleness, MultiValueReadIsBehindAWriteThatFollowedAllItsValues) {
  const History history = {op(1, 0, 10, "write", "k", 1),
                           op(2, 5, 12, "write", "k", 2),
                           op(3, 20, 30, "write", "k", 3),
                           read(4, 100, 110, "k", Value::array({1, 2})),  // write 3 followed both
                           read(5, 100, 110, "k", Value::array({3})),
                           read(6, 11, 15, "k", Value::array({1, 2}))};
  EXPECT_EQ(samples(DataType::kKv, history), (std::vector<int64_t>{0, 0, 70}));
}

TEST(Staleness, ReadOfAnUnknownOrUnfinishedWriteIsNotJudged) {
  const History history = {op(1, 0, 0, "write", "k", 1, OpStatus::kInfo),
                           op(2, 20, 30, "write", "k", 2), read(3, 100, 110, "k", 1),
                           read(4, 100, 110, "k", 99)};  // no write of 99
  EXPECT_EQ(samples(DataType::kKv, history), (std::vector<int64_t>{0, 0}));
}

TEST(Staleness, CounterIsBehindWhenAckedIncrementsExceedWhatItShows) {
  const History history = {
      op(1, 0, 10, "incr", "c", 2),    op(2, 20, 30, "incr", "c", 3),
      op(3, 40, 50, "incr", "c", 4),   read(4, 100, 110, "c", 9),  // all three
      read(5, 100, 110, "c", 5),                                   // missed 4 (total 9 since 50)
      read(6, 100, 110, "c", 1),                                   // missed everything (2 since 10)
      read(7, 100, 110, "c", nullptr), read(8, 45, 60, "c", 5)};   // incr 3 had not completed
  EXPECT_EQ(samples(DataType::kCounter, history), (std::vector<int64_t>{0, 0, 50, 90, 90}));
}

TEST(Staleness, CounterGivesADecrementThatMightCountTheBenefitOfTheDoubt) {
  // 5 + 5 acked by 30; the unknown -3 may be in the read, so 7 can be fresh, 6 cannot.
  const History history = {op(1, 0, 10, "incr", "c", 5),
                           op(2, 20, 30, "incr", "c", 5),
                           op(3, 40, 0, "incr", "c", -3, OpStatus::kInfo),
                           read(4, 100, 110, "c", 7),
                           read(5, 100, 110, "c", 6),
                           read(6, 35, 38, "c", 6)};  // before the decrement: behind since 30
  EXPECT_EQ(samples(DataType::kCounter, history), (std::vector<int64_t>{0, 5, 70}));
}

TEST(Staleness, SetIsBehindAMissingAddOrAStickingRemove) {
  const History history = {op(1, 0, 10, "add", "s", 1),
                           op(2, 20, 30, "add", "s", 2),
                           op(3, 40, 50, "remove", "s", 1),
                           read(4, 100, 110, "s", Value::array({2})),     // fresh
                           read(5, 100, 110, "s", Value::array({1, 2})),  // remove at 50 missed
                           read(6, 100, 110, "s", Value::array({1})),     // add of 2 at 30 missed
                           read(7, 100, 110, "s", nullptr),               // add of 2 missed
                           read(8, 25, 45, "s", Value::array({1}))};      // nothing completed yet
  EXPECT_EQ(samples(DataType::kSet, history), (std::vector<int64_t>{0, 0, 50, 70, 70}));
}

TEST(Staleness, SetExcusesAnElementWhoseAddAndRemoveOverlap) {
  // The remove began before its add completed (add-wins may keep it), and a remove attempted
  // before the read ended may explain a missing element.
  const History history = {op(1, 0, 30, "add", "s", 1),
                           op(2, 20, 40, "remove", "s", 1),
                           op(3, 0, 10, "add", "s", 2),
                           op(4, 90, 95, "remove", "s", 2),
                           read(5, 100, 110, "s", Value::array({1})),
                           read(6, 50, 92, "s", Value::array({1}))};
  EXPECT_EQ(samples(DataType::kSet, history), (std::vector<int64_t>{0, 0}));
}

}  // namespace
}  // namespace edgesim

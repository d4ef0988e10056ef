// no_lost_writes per data type: each rule holds on a history whose effects are all in the final
// state, and names the op whose effect went missing when one is planted.
#include "sim/check/no_lost_writes.h"

#include <gtest/gtest.h>

#include "tests/check/history_ops.h"

namespace edgesim {
namespace {

std::vector<uint64_t> lost_ops(const NoLostWritesResult& result) {
  std::vector<uint64_t> ids;
  for (const LostWrite& lost : result.examples) ids.push_back(lost.op);
  return ids;
}

TEST(NoLostWrites, CounterMustLieBetweenAckedAndAckedPlusUnknown) {
  const History history = {op(1, 0, 1, "incr", "c", 2), op(2, 2, 3, "incr", "c", 3),
                           op(3, 4, 0, "incr", "c", 5, OpStatus::kInfo),
                           op(4, 5, 6, "incr", "c", 7, OpStatus::kFail)};
  EXPECT_TRUE(find_lost_writes(DataType::kCounter, history, Value{{"c", 5}}).ok());
  EXPECT_TRUE(find_lost_writes(DataType::kCounter, history, Value{{"c", 10}}).ok());
  const NoLostWritesResult under = find_lost_writes(DataType::kCounter, history, Value{{"c", 4}});
  EXPECT_EQ(under.lost, 1u);
  EXPECT_EQ(under.examples.at(0).what, "final 4 outside [5, 10]");
  EXPECT_FALSE(find_lost_writes(DataType::kCounter, history, Value{{"c", 12}})
                   .ok());  // the failed incr counted
}

TEST(NoLostWrites, SetKeepsAckedAddsUnlessRemovedAndRemovesStick) {
  const History history = {op(1, 0, 1, "add", "s", 1), op(2, 0, 1, "add", "s", 2),
                           op(3, 2, 3, "remove", "s", 2), op(4, 4, 5, "add", "s", 4)};
  EXPECT_TRUE(find_lost_writes(DataType::kSet, history, Value{{"s", {1, 4}}}).ok());
  EXPECT_EQ(lost_ops(find_lost_writes(DataType::kSet, history, Value{{"s", {1}}})),
            (std::vector<uint64_t>{4}));
  const NoLostWritesResult back =
      find_lost_writes(DataType::kSet, history, Value{{"s", {1, 2, 4}}});
  EXPECT_EQ(lost_ops(back), (std::vector<uint64_t>{3}));
  EXPECT_EQ(back.examples.at(0).what, "removed element 2 is back (removal acked at 3ns)");
}

TEST(NoLostWrites, RegisterHoldsTheLastUnsupersededWrite) {
  const History history = {op(1, 0, 1, "write", "k", 1), op(2, 2, 3, "write", "k", 2)};
  EXPECT_TRUE(find_lost_writes(DataType::kMap, history, Value{{"k", 2}}).ok());
  EXPECT_EQ(lost_ops(find_lost_writes(DataType::kMap, history, Value{{"k", 1}})),
            (std::vector<uint64_t>{2}));
  // Concurrent writes: either may win.
  const History concurrent = {op(1, 0, 3, "write", "k", 1), op(2, 1, 2, "write", "k", 2)};
  EXPECT_TRUE(find_lost_writes(DataType::kKv, concurrent, Value{{"k", 1}}).ok());
  EXPECT_TRUE(find_lost_writes(DataType::kKv, concurrent, Value{{"k", 2}}).ok());
}

// A lost register write names the op that left the final value and when each was acknowledged.
TEST(NoLostWrites, ALostRegisterWriteNamesTheOpThatWon) {
  History history = {op(7, 1'000'000, 2'000'000, "write", "k", 7),
                     op(9, 3'000'000, 4'500'000, "write", "k", 9)};
  history[0].node = "eu-1";
  history[1].node = "na-2";
  const NoLostWritesResult result = find_lost_writes(DataType::kKv, history, Value{{"k", 7}});
  ASSERT_EQ(result.examples.size(), 1u);
  EXPECT_EQ(result.examples[0].op, 9u);
  EXPECT_EQ(result.examples[0].final_op, 7u);
  EXPECT_EQ(result.examples[0].what,
            "final 7 instead of 9: acked at 4.5ms on na-2, yet op 7's write, acked at 2ms on eu-1 "
            "before it began, won");
  // An absent final value is the last delete's; with none, the winner is unknown.
  history.push_back(op(8, 2'500'000, 2'700'000, "delete", "k", nullptr));
  const LostWrite deleted =
      find_lost_writes(DataType::kMap, history, Value::object()).examples.at(0);
  EXPECT_EQ(deleted.final_op, 8u);
  EXPECT_NE(deleted.what.find("yet op 8's delete, acked at 2.7ms before it began, won"),
            std::string::npos)
      << deleted.what;
  history.pop_back();
  const LostWrite unknown =
      find_lost_writes(DataType::kMap, history, Value{{"k", 5}}).examples.at(0);
  EXPECT_EQ(unknown.final_op, 0u);
  EXPECT_EQ(unknown.what, "final 5 instead of 9");
}

TEST(NoLostWrites, RegisterWriteIsExcusedOnlyByAnUpdateThatCouldComeAfterIt) {
  // Write 1 began after the others completed, so it must be the final value.
  const History history = {op(3, 0, 2, "write", "k", 3), op(2, 1, 5, "write", "k", 2),
                           op(1, 6, 9, "write", "k", 1)};
  EXPECT_EQ(lost_ops(find_lost_writes(DataType::kKv, history, Value{{"k", 3}})),
            (std::vector<uint64_t>{1}));
  EXPECT_TRUE(find_lost_writes(DataType::kKv, history, Value{{"k", 1}}).ok());
  // A delete that completed after write 1 began, or one of unknown outcome whenever it began,
  // may have come last.
  for (const HistoryOp& del : {op(4, 1, 8, "delete", "k", nullptr),
                               op(4, 0, 0, "delete", "k", nullptr, OpStatus::kInfo)}) {
    History with_delete = history;
    with_delete.push_back(del);
    EXPECT_TRUE(find_lost_writes(DataType::kMap, with_delete, Value::object()).ok());
  }
  History early_delete = history;
  early_delete.push_back(op(4, 0, 1, "delete", "k", nullptr));
  EXPECT_EQ(lost_ops(find_lost_writes(DataType::kMap, early_delete, Value::object())),
            (std::vector<uint64_t>{1}));
}

Value insert_arg(size_t pos, const std::string& text) {
  return Value{{"pos", pos}, {"text", text}};
}

TEST(NoLostWrites, TextKeepsEveryInsertEvenWhenLaterInsertsSplitIt) {
  // "(a)" then "(b)" typed into its middle, then "(c)" into the middle of "(b)".
  const History history = {op(1, 0, 1, "insert", "t", insert_arg(0, "(a)")),
                           op(2, 2, 3, "insert", "t", insert_arg(1, "(b)")),
                           op(3, 4, 5, "insert", "t", insert_arg(2, "(c)"))};
  EXPECT_TRUE(find_lost_writes(DataType::kText, history, Value{{"t", "(((c)b)a)"}}).ok());
  EXPECT_TRUE(find_lost_writes(DataType::kText, history, Value{{"t", "(a)(b)(c)"}}).ok());
  const NoLostWritesResult lost =
      find_lost_writes(DataType::kText, history, Value{{"t", "((c)a)"}});
  EXPECT_EQ(lost_ops(lost), (std::vector<uint64_t>{2}));
  EXPECT_EQ(lost.examples.at(0).what, "inserted text (b) missing (acked at 3ns)");
  // A delete after the insert may have removed any part of it.
  History deleted = history;
  deleted.push_back(op(4, 6, 7, "delete", "t", Value{{"pos", 0}, {"len", 2}}));
  EXPECT_TRUE(find_lost_writes(DataType::kText, deleted, Value{{"t", "((c)a)"}}).ok());
}

}  // namespace
}  // namespace edgesim

// Hand-written golden histories: every NAME-ok.jsonl is linearizable (kv model, initial null)
// and its NAME-bad.jsonl twin is not.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/check/linearizability.h"

namespace edgesim {
namespace {

Verdict verdict_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  const History history = read_history(in, path.string());
  return check_linearizability(history, LinearizabilityOptions{}).verdict;
}

TEST(GoldenHistories, OkFilesPassAndTheirBadTwinsFail) {
  const std::filesystem::path directory =
      std::filesystem::path(EDGESIM_SOURCE_DIR) / "tests/check/golden";
  size_t pairs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 9 || name.substr(name.size() - 9) != "-ok.jsonl") continue;
    const std::filesystem::path bad = directory / (name.substr(0, name.size() - 9) + "-bad.jsonl");
    ASSERT_TRUE(std::filesystem::exists(bad)) << name << " has no -bad twin";
    EXPECT_EQ(verdict_of(entry.path()), Verdict::kOk) << name;
    EXPECT_EQ(verdict_of(bad), Verdict::kIllegal) << bad.filename();
    ++pairs;
  }
  EXPECT_GE(pairs, 5u);
}

// An illegal key names the ops no order can place after its longest linearizable prefix.
TEST(GoldenHistories, AnIllegalKeyNamesTheOpsThatCannotComeNext) {
  // Write 1 completes, then read 2 of the initial null begins (it must follow write 1, and cannot);
  // write 3 is not stuck (it begins after the read returned); write 4 failed.
  const History history = {
      HistoryOp{1, 1, 0, 10, OpStatus::kOk, "write", "x", Value(1), nullptr},
      HistoryOp{2, 2, 20, 30, OpStatus::kOk, "read", "x", nullptr, nullptr},
      HistoryOp{3, 3, 40, 50, OpStatus::kOk, "write", "x", Value(3), nullptr},
      HistoryOp{4, 4, 45, 48, OpStatus::kFail, "write", "x", Value(4), nullptr}};
  const LinearizabilityResult result = check_linearizability(history, LinearizabilityOptions{});
  ASSERT_EQ(result.failures.size(), 1u);
  const KeyVerdict& failure = result.failures.front();
  EXPECT_EQ(failure.longest_prefix, (std::vector<uint64_t>{1}));
  EXPECT_EQ(failure.blocked, (std::vector<uint64_t>{2}));
}

TEST(GoldenHistories, ABudgetThatRunsOutIsUnknownNotAHang) {
  // 40 overlapping writes of two values and a read of a value nobody wrote: the general search
  // proves it illegal only by trying every subset of the writes, far more than the budget allows.
  History history;
  for (uint64_t i = 0; i < 40; ++i) {
    history.push_back(HistoryOp{i, i, 0, 100, OpStatus::kOk, "write", "x", Value(i % 2), nullptr});
  }
  history.push_back(HistoryOp{40, 40, 0, 100, OpStatus::kOk, "read", "x", nullptr, Value(999)});
  LinearizabilityOptions options;
  uint64_t polls = 0;
  options.should_stop = [&] { return ++polls > 20; };
  EXPECT_EQ(check_linearizability(history, options).verdict, Verdict::kUnknown);
  EXPECT_GT(polls, 20u);
}

TEST(GoldenHistories, UniqueWritesAreDecidedWithoutTheExponentialSearch) {
  // The same shape with distinct written values: the polynomial path proves it illegal at once,
  // and the search that looks for the longest prefix for the report runs out of budget harmlessly.
  History history;
  for (uint64_t i = 0; i < 40; ++i) {
    history.push_back(HistoryOp{i, i, 0, 100, OpStatus::kOk, "write", "x", Value(i), nullptr});
  }
  history.push_back(HistoryOp{40, 40, 0, 100, OpStatus::kOk, "read", "x", nullptr, Value(999)});
  LinearizabilityOptions options;
  uint64_t polls = 0;
  options.should_stop = [&] { return ++polls > 20; };
  const LinearizabilityResult result = check_linearizability(history, options);
  EXPECT_EQ(result.verdict, Verdict::kIllegal);
  EXPECT_EQ(result.keys_by_unique_values, 1u);
  history.back().out = 7;  // now a read of the 8th write: linearizable
  polls = 0;
  EXPECT_EQ(check_linearizability(history, options).verdict, Verdict::kOk);
  EXPECT_EQ(polls, 0u);  // decided without searching
}

}  // namespace
}  // namespace edgesim

// The text summary's check lines: what a violated check says, from the details the checks give.
#include "sim/report/summary.h"

#include <gtest/gtest.h>

#include <sstream>

#include "models/register_builtin.h"
#include "sim/check/history.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run.h"

namespace edgesim {
namespace {

// A real run's result (so every metric the summary prints is there) whose convergence check is
// replaced by `details`.
std::string summary_with_convergence(const Value& details) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  const Scenario scenario = load_scenario_file(
      std::string(EDGESIM_SOURCE_DIR) + "/scenarios/quickstart.yaml", engines, {});
  RunResult result = run_scenario(scenario, 1, engines);
  result.checks["convergence"] = CheckOutcome{false, details, ""};
  return describe_run(result);
}

Value diverged(const Value& first, const Value& second) {
  return {{"converged", false},   {"live_replicas", 3},
          {"distinct_values", 2}, {"groups", {{"a-1", "a-2"}, {"b-1"}}},
          {"keys_differing", 1},  {"differences", {{{"key", "doc"}, {"values", {first, second}}}}}};
}

TEST(Summary, ADivergedSetShowsTheElementsOnlyOneSideHolds) {
  const std::string text = summary_with_convergence(diverged({1, 2, 3, 5}, {1, 3, 4}));
  EXPECT_NE(text.find("check convergence VIOLATED: 3 live replicas still hold 2 different values "
                      "at the end: {a-1, a-2} | {b-1}; they differ on 1 key, e.g. doc: [2,5] "
                      "only in the first, [4] only in the second\n"),
            std::string::npos)
      << text;
}

// Texts part mid-character: the excerpt is not valid UTF-8, and must be shown, not thrown on.
TEST(Summary, DivergedTextsShowWhereTheyPartEvenMidCharacter) {
  std::string common;
  for (int i = 0; i < 8; ++i)
    common += "\xE2\x82\xAC";  // €: the excerpt starts 10 bytes back, mid-€
  const std::string text = summary_with_convergence(diverged(common + "a", common + "b"));
  EXPECT_NE(text.find("e.g. doc: texts part at byte 24: "), std::string::npos) << text;
}

// An engine written by someone else may return any bytes: this one answers reads, and observes,
// strings that are not UTF-8 (and differ by replica, so the run does not converge).
class NotUtf8Replica final : public Replica {
 public:
  void on_start(NodeContext& context) override { self_ = context.self(); }
  void on_op(NodeContext& context, const Op& op) override {
    context.complete(op.id, Result::success(op.is("read") ? Value("\xff\xfe") : Value(nullptr)));
  }
  void on_message(NodeContext&, NodeId, std::string_view) override {}
  void on_timer(NodeContext&, TimerId) override {}
  void on_crash() override {}
  Value observe() const override { return {{"k", std::string(1 + self_, '\xC3')}}; }

 private:
  NodeId self_ = 0;
};

class NotUtf8Engine final : public Engine {
 public:
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<NotUtf8Replica>();
  }
};

TEST(Summary, ValuesThatAreNotUtf8AreWrittenWithReplacementCharacters) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  EngineInfo info;
  info.name = "test.not_utf8";
  info.help = "returns bytes that are not UTF-8";
  info.factory = [](const EngineParams&) -> std::unique_ptr<Engine> {
    return std::make_unique<NotUtf8Engine>();
  };
  engines.add(std::move(info));
  const Scenario scenario =
      load_scenario_file(std::string(EDGESIM_SOURCE_DIR) + "/scenarios/quickstart.yaml", engines,
                         {{"engine", "{name: test.not_utf8}"}});
  const RunResult result = run_scenario(scenario, 1, engines, RunOptions{.keep_history = true});
  ASSERT_FALSE(result.checks.at("convergence").ok);
  const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD
  const std::string summary = json_text(summary_json(scenario, {result}));
  EXPECT_NE(summary.find(replacement), std::string::npos);
  EXPECT_NO_THROW(Value::parse(summary));
  std::ostringstream history;
  write_history(history, result.history);
  EXPECT_NE(history.str().find("\"out\":\"" + replacement + replacement + "\""), std::string::npos);
  EXPECT_NE(describe_run(result).find("check convergence VIOLATED"), std::string::npos);
}

}  // namespace
}  // namespace edgesim

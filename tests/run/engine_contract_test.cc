// Engines written by others break the contract in sim/engine/replica.h in many ways. Each way
// must end the run with an EngineError that says what the engine did, where and when (and the CLI
// with exit 2 and that message), never with an abort, a hang or memory exhausted.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>

#include "models/register_builtin.h"
#include "sim/cli/commands.h"
#include "sim/engine/engine_error.h"
#include "sim/report/summary.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run.h"

namespace edgesim {
namespace {

// What the replica does wrong, given its context and the op it is asked (nullptr outside on_op).
using Misdeed = std::function<void(NodeContext&, const Op*)>;

// Where the replica misbehaves: the callback, or observe(), its optional hooks and stats().
enum class When { kOp, kStart, kMessage, kTimer, kCrash, kObserve, kDigest, kVersion, kStats };

// A replica that answers every op at once (reads with null) and never replicates, except that it
// does its misdeed at `when` (and sends itself the message or timer it needs to get there).
class MisbehavingReplica final : public Replica {
 public:
  MisbehavingReplica(When when, Misdeed misdeed) : when_(when), misdeed_(std::move(misdeed)) {}

  void on_start(NodeContext& context) override {
    self_ = context.self();
    if (when_ == When::kStart) misdeed_(context, nullptr);
    if (when_ == When::kMessage) context.send_to_peers("hello");
    if (when_ == When::kTimer) context.start_timer(Duration::millis(5));
  }
  void on_op(NodeContext& context, const Op& op) override {
    ++ops_;
    if (when_ == When::kOp) misdeed_(context, &op);
    if (when_ == When::kCrash) context_ = &context;
    context.complete(op.id, Result::success(op.is("read") ? Value(nullptr) : Value(true)));
  }
  void on_message(NodeContext& context, NodeId, std::string_view) override {
    if (when_ == When::kMessage) misdeed_(context, nullptr);
  }
  void on_timer(NodeContext& context, TimerId) override {
    if (when_ == When::kTimer) misdeed_(context, nullptr);
  }
  void on_crash() override {
    if (when_ == When::kCrash && context_ != nullptr) misdeed_(*context_, nullptr);
  }
  Value observe() const override {
    if (when_ == When::kObserve) throw std::out_of_range("observe: no such key");
    // kVersion: the count of ops served, observed under a version that never moves.
    if (when_ == When::kVersion) return {{"ops", ops_}};
    return Value::object();
  }
  std::optional<uint64_t> observe_version() const override {
    return when_ == When::kVersion ? std::optional<uint64_t>(7) : std::nullopt;
  }
  // kDigest: a digest per node, though every node observes the same value.
  std::optional<uint64_t> observe_digest() const override {
    return when_ == When::kDigest ? std::optional<uint64_t>(self_) : std::nullopt;
  }
  Value stats() const override {
    return when_ == When::kStats ? Value::array({1, 2}) : Value::object();
  }

 private:
  When when_;
  Misdeed misdeed_;
  NodeContext* context_ = nullptr;  // kept to misbehave from on_crash, which is given none
  NodeId self_ = 0;
  uint64_t ops_ = 0;
};

class MisbehavingEngine final : public Engine {
 public:
  MisbehavingEngine(When when, Misdeed misdeed) : when_(when), misdeed_(std::move(misdeed)) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<MisbehavingReplica>(when_, misdeed_);
  }

 private:
  When when_;
  Misdeed misdeed_;
};

// The built-in engines plus `test.misbehaving`, which does `misdeed` at `when`.
EngineRegistry engines_with(
    When when, Misdeed misdeed = [](NodeContext&, const Op*) {}) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  EngineInfo info;
  info.name = "test.misbehaving";
  info.help = "breaks the engine contract";
  info.workloads = {"kv"};
  info.factory = [when, misdeed](const EngineParams&) -> std::unique_ptr<Engine> {
    return std::make_unique<MisbehavingEngine>(when, misdeed);
  };
  engines.add(std::move(info));
  return engines;
}

// Three PoPs and a few clients for two seconds: every misdeed below happens within it.
const std::string kScenario = R"(
name: misbehaving
duration: 2s
quiet: 500ms
topology:
  regions: [{name: a, pops: 3}]
engine: {name: test.misbehaving}
workload: {type: kv, clients: 3, rate: 50/s, keys: 4, timeout: 500ms}
checks: {convergence: {within: 400ms}}
)";

// The EngineError's message from a run of kScenario with the misbehaving engine.
std::string engine_error_of(const EngineRegistry& engines,
                            const std::vector<Override>& overrides = {},
                            const RunOptions& options = {}) {
  const Scenario scenario = load_scenario_text(kScenario, "misbehaving.yaml", engines, overrides);
  try {
    run_scenario(scenario, 1, engines, options);
  } catch (const EngineError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the run ended without an EngineError";
  return "";
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "no `" << part << "` in: " << text;
}

TEST(EngineContract, AnEngineThatThrowsFromAnOpIsNamedWithTheOpAndWhatItThrew) {
  const std::string error = engine_error_of(
      engines_with(When::kOp, [](NodeContext&, const Op*) { throw std::runtime_error("boom"); }));
  expect_contains(error,
                  "seed 1: engine `test.misbehaving` on node a-2 (#1) at 10.306ms, handling op "
                  "0 (read k1): threw: boom");
}

TEST(EngineContract, AnswersToAnOpTwice) {
  const std::string error = engine_error_of(engines_with(
      When::kOp, [](NodeContext& context, const Op* op) { context.complete(op->id, {}); }));
  expect_contains(error, "which was not waiting for an answer here");
}

TEST(EngineContract, AnswersAnOpItWasNeverSent) {
  const std::string error =
      engine_error_of(engines_with(When::kOp, [](NodeContext& context, const Op* op) {
        context.complete(op->id + 1'000'000, {});
      }));
  expect_contains(error, "answered op 1000000, which was not waiting");
}

TEST(EngineContract, SendsToANodeThatDoesNotExist) {
  const std::string error = engine_error_of(
      engines_with(When::kStart, [](NodeContext& context, const Op*) { context.send(999, "x"); }));
  expect_contains(error,
                  "starting (on_start): sent a message to node #999, which does not exist "
                  "(the topology has 3 nodes)");
}

TEST(EngineContract, AsksForATimerInThePast) {
  const std::string error =
      engine_error_of(engines_with(When::kTimer, [](NodeContext& context, const Op*) {
        context.start_timer(-Duration::millis(2));
      }));
  expect_contains(error, "at 5ms, handling timer 1: asked for a timer 2ms in the past");
}

TEST(EngineContract, ThrowsFromOnMessage) {
  const std::string error = engine_error_of(engines_with(
      When::kMessage, [](NodeContext&, const Op*) { throw std::logic_error("bad message"); }));
  expect_contains(error, "handling a message from node ");
  expect_contains(error, "threw: bad message");
}

TEST(EngineContract, SendsFromOnCrash) {
  const std::string error = engine_error_of(
      engines_with(When::kCrash, [](NodeContext& context, const Op*) { context.send(0, "x"); }),
      {{"faults", "{schedule: [{at: 1s, crash: a-1, for: 200ms}]}"}});
  expect_contains(error,
                  "on node a-1 (#0) at 1s, crashing (on_crash): sent a message while "
                  "crashed (from on_crash)");
}

TEST(EngineContract, ThrowsFromObserve) {
  const std::string error = engine_error_of(engines_with(When::kObserve));
  expect_contains(error, "observing it (observe): threw: observe: no such key");
}

// The convergence probe believes digests that differ; equal values behind them are a lie that would
// otherwise read as a run that never converged.
TEST(EngineContract, GivesDifferentDigestsForEqualValues) {
  EXPECT_EQ(
      engine_error_of(engines_with(When::kDigest)),
      "seed 1: engine `test.misbehaving` on nodes a-1 (#0) and a-2 (#1) at the end: observe() "
      "gives equal values but observe_digest() gives 0000000000000000 and 0000000000000001 "
      "(equal observations must give equal digests)");
}

// The probe re-observes only replicas whose version moved: a version that never moves would hide
// every change after the first look.
TEST(EngineContract, KeepsItsObserveVersionWhileItsValueChanges) {
  const std::string error = engine_error_of(engines_with(When::kVersion));
  expect_contains(error,
                  "seed 1: engine `test.misbehaving` on node a-1 (#0) at the end: observe() "
                  "changed while observe_version() stayed 7");
}

TEST(EngineContract, GivesStatsThatAreNotAnObject) {
  const std::string error = engine_error_of(engines_with(When::kStats));
  expect_contains(error, "asking for its stats: stats() returned [1,2], not an object");
}

class NoReplicaEngine final : public Engine {
 public:
  std::unique_ptr<Replica> make_replica(NodeId) override { return nullptr; }
};

TEST(EngineContract, AnEngineThatCannotBeMadeSaysSo) {
  EngineRegistry engines = engines_with(When::kOp);
  EngineInfo unmade;
  unmade.name = "test.unmade";
  unmade.help = "its factory throws";
  unmade.workloads = {"kv"};
  unmade.factory = [](const EngineParams&) -> std::unique_ptr<Engine> {
    throw std::runtime_error("no license file");
  };
  engines.add(unmade);
  unmade.name = "test.no_replica";
  unmade.factory = [](const EngineParams&) -> std::unique_ptr<Engine> {
    return std::make_unique<NoReplicaEngine>();
  };
  engines.add(unmade);
  EXPECT_EQ(engine_error_of(engines, {{"engine", "{name: test.unmade}"}}),
            "seed 1: engine `test.unmade` while being created: threw: no license file");
  EXPECT_EQ(engine_error_of(engines, {{"engine", "{name: test.no_replica}"}}),
            "seed 1: engine `test.no_replica` making its replica for node a-1 (#0): returned null");
}

// A timer re-armed with no delay keeps simulated time at one instant: without the runaway check,
// the run never ends.
TEST(EngineContract, AZeroDelayTimerLoopEndsTheRunInsteadOfHangingIt) {
  const std::string error = engine_error_of(engines_with(
      When::kTimer, [](NodeContext& context, const Op*) { context.start_timer(Duration{0}); }));
  expect_contains(error,
                  "seed 1: engine `test.misbehaving`: simulated time stopped at 5ms: "
                  "10000000 events in a row ran at that instant (the last: a `timer`");
}

std::string history_of_seed(int seed) {
  return fmt::format("{}/misbehaving-history.seed-{}.jsonl", testing::TempDir(), seed);
}

// Each message answered with two to every peer: the events waiting double every round trip. The
// bound is lowered here; the default (1e8) would take gigabytes to reach.
TEST(EngineContract, MessagesThatMultiplyEndTheRunAtTheWaitingEventsBound) {
  RunOptions options;
  options.loop_limits.pending_events = 10'000;
  const std::string error = engine_error_of(engines_with(When::kMessage,
                                                         [](NodeContext& context, const Op*) {
                                                           context.send_to_peers("again");
                                                           context.send_to_peers("again");
                                                         }),
                                            {}, options);
  // The loop's own error, not "the engine threw": the engine's send only reached the bound.
  EXPECT_EQ(error.rfind("seed 1: engine `test.misbehaving`: 10000 events are waiting at ", 0), 0u)
      << error;
}

TEST(EngineContract, TheCliExitsTwoWithTheMessageAndWritesNothing) {
  const EngineRegistry engines =
      engines_with(When::kOp, [](NodeContext&, const Op*) { throw std::runtime_error("boom"); });
  const std::string path = testing::TempDir() + "/misbehaving.yaml";
  std::ofstream(path) << kScenario;
  const std::string report_dir = testing::TempDir() + "/misbehaving-report/run";
  std::filesystem::remove_all(testing::TempDir() + "/misbehaving-report");
  for (const unsigned jobs : {1u, 2u}) {
    SCOPED_TRACE(fmt::format("--jobs {}", jobs));
    RunCommandOptions options;
    options.scenario_path = path;
    options.seeds = "1..4";
    options.jobs = jobs;
    options.history_path = testing::TempDir() + "/misbehaving-history.jsonl";
    options.report_dir = report_dir;
    testing::internal::CaptureStderr();
    testing::internal::CaptureStdout();
    const int exit_code = run_command(options, engines);
    const std::string out = testing::internal::GetCapturedStdout();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(exit_code, kExitBadInput);
    // With two jobs, either of the first two seeds may be the one reported.
    expect_contains(err, "edgesim: error: seed ");
    expect_contains(err, ": engine `test.misbehaving` on node ");
    expect_contains(err, "threw: boom\n");
    EXPECT_EQ(out, "");  // no summary of a run that did not finish
    for (int seed = 1; seed <= 4; ++seed) EXPECT_FALSE(std::ifstream(history_of_seed(seed)));
    EXPECT_FALSE(std::filesystem::exists(report_dir));  // not even an empty directory
  }
  // The same options with an engine that keeps the contract do write the histories and the report
  // looked for.
  RunCommandOptions options;
  options.scenario_path = path;
  options.seeds = "1..4";
  options.history_path = testing::TempDir() + "/misbehaving-history.jsonl";
  options.report_dir = report_dir;
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_command(options, engines_with(When::kOp)), kExitOk);
  testing::internal::GetCapturedStdout();
  EXPECT_TRUE(std::ifstream(report_dir + "/summary.json"));
  std::filesystem::remove_all(testing::TempDir() + "/misbehaving-report");
  for (int seed = 1; seed <= 4; ++seed) {
    EXPECT_TRUE(std::ifstream(history_of_seed(seed)));
    std::remove(history_of_seed(seed).c_str());
  }
}

// An engine stuck in a loop inside a callback cannot be stopped from outside it; with --timeout the
// command ends, as inconclusive, instead of hanging.
TEST(EngineContractDeathTest, AnEngineStuckInACallbackEndsTheCommandAtItsTimeout) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // run_seeds runs seeds on threads
  const std::string path = testing::TempDir() + "/stuck.yaml";
  std::ofstream(path) << kScenario;
  RunCommandOptions options;
  options.scenario_path = path;
  options.timeout_s = 0.2;
  EXPECT_EXIT(run_command(options, engines_with(When::kOp,
                                                [](NodeContext&, const Op*) {
                                                  volatile bool stuck = true;
                                                  while (stuck) {
                                                  }
                                                })),
              testing::ExitedWithCode(kExitInconclusive),
              "edgesim: error: seed 1 did not finish within --timeout 0.2s of wall time");
}

// Answers and states of any shape are not a breach: they are what the checks judge. A replica that
// answers every read with `read` and observes `state`, whatever the data type.
class OddAnswersReplica final : public Replica {
 public:
  OddAnswersReplica(Value read, Value state) : read_(std::move(read)), state_(std::move(state)) {}
  void on_start(NodeContext&) override {}
  void on_op(NodeContext& context, const Op& op) override {
    context.complete(op.id, Result::success(op.is("read") ? read_ : Value("done")));
  }
  void on_message(NodeContext&, NodeId, std::string_view) override {}
  void on_timer(NodeContext&, TimerId) override {}
  void on_crash() override {}
  Value observe() const override { return state_; }

 private:
  Value read_;
  Value state_;
};

class OddAnswersEngine final : public Engine {
 public:
  OddAnswersEngine(Value read, Value state) : read_(std::move(read)), state_(std::move(state)) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<OddAnswersReplica>(read_, state_);
  }

 private:
  Value read_;
  Value state_;
};

TEST(EngineContract, AnswersAndStatesOfAnyShapeAreJudgedNotThrownOn) {
  const std::vector<Value> reads = {"abc", Value::array({1, "a", nullptr}), {{"x", 1}}, UINT64_MAX};
  const std::vector<Value> states = {5,
                                     {{"k0", "abc"}, {"k1", Value::array({1, "z"})}, {"k2", -5}}};
  for (const std::string type : {"kv", "counter", "set", "map", "text"}) {
    // Every check the data type allows.
    const std::string checks =
        "{convergence: {within: 400ms}, no_lost_writes: true, lost_updates: {}, bounds: {min: 0, "
        "max: 40}" +
        std::string(type != "text" ? ", staleness: {max_p99: 500ms}" : "") +
        (type == "kv" ? ", linearizability: {}" : "") +
        (type == "kv" || type == "map" ? ", session_guarantees: true" : "") + "}";
    for (const Value& read : reads) {
      for (const Value& state : states) {
        SCOPED_TRACE(type + ": reads " + read.dump() + ", state " + state.dump());
        EngineRegistry engines;
        register_builtin_engines(engines);
        EngineInfo info;
        info.name = "test.odd_answers";
        info.help = "answers reads with anything";
        info.workloads = {"kv", "counter", "set", "map", "text"};
        info.factory = [read, state](const EngineParams&) -> std::unique_ptr<Engine> {
          return std::make_unique<OddAnswersEngine>(read, state);
        };
        engines.add(std::move(info));
        const Scenario scenario = load_scenario_text(
            kScenario, "odd.yaml", engines,
            {{"engine", "{name: test.odd_answers}"}, {"workload.type", type}, {"checks", checks}});
        RunResult result;
        ASSERT_NO_THROW(result = run_scenario(scenario, 1, engines));
        EXPECT_NO_THROW(describe_run(result));
        // Such a state keeps no acknowledged write. A state of 5 is within the bounds, the
        // object's -5 is not, nor is a read of 2^64 - 1 (above every int64 bound).
        EXPECT_FALSE(result.checks.at("no_lost_writes").ok);
        EXPECT_EQ(result.checks.at("bounds").ok, state.is_number() && !read.is_number());
        if (read.is_number()) {
          EXPECT_NE(result.checks.at("bounds").details.dump().find(": 18446744073709551615"),
                    std::string::npos);
        }
      }
    }
  }
}

}  // namespace
}  // namespace edgesim

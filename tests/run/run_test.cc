// Whole runs: determinism, parallel seeds, and checks that can fail.
#include "sim/scenario/run.h"

#include <gtest/gtest.h>

#include "models/register_builtin.h"
#include "sim/cli/seed_pool.h"
#include "sim/scenario/loader.h"

namespace edgesim {
namespace {

class RunTest : public ::testing::Test {
 protected:
  RunTest() { register_builtin_engines(engines_); }
  Scenario quickstart(const std::vector<Override>& overrides = {}) {
    return load_scenario_file(std::string(EDGESIM_SOURCE_DIR) + "/scenarios/quickstart.yaml",
                              engines_, overrides);
  }
  // Runs seeds 1..`seeds` of `s` (which enables both checks); each must converge and lose nothing.
  void expect_converged_without_lost_writes(const Scenario& s, uint64_t seeds) {
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      const RunResult r = run_scenario(s, seed, engines_);
      EXPECT_TRUE(r.checks.at("convergence").ok)
          << "seed " << seed << ": " << r.checks.at("convergence").details.dump();
      EXPECT_TRUE(r.checks.at("no_lost_writes").ok) << "seed " << seed;
    }
  }
  EngineRegistry engines_;
};

TEST_F(RunTest, SameSeedSameTraceAndResults) {
  const Scenario s = quickstart();
  const RunResult a = run_scenario(s, 7, engines_, RunOptions{.keep_history = true});
  const RunResult b = run_scenario(s, 7, engines_, RunOptions{.keep_history = true});
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.metrics, b.metrics);
  ASSERT_EQ(a.history.size(), b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_EQ(a.history[i].call, b.history[i].call);
    EXPECT_EQ(a.history[i].out, b.history[i].out);
  }
}

TEST_F(RunTest, DifferentSeedsDiverge) {
  const Scenario s = quickstart();
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 10; ++seed)
    hashes.insert(run_scenario(s, seed, engines_).trace_hash);
  EXPECT_EQ(hashes.size(), 10u);
}

TEST_F(RunTest, ParallelSeedsMatchSequentialOnes) {
  const Scenario s = quickstart();
  const std::vector<uint64_t> seeds = {1, 2, 3, 4, 5, 6};
  const auto one = run_seeds(s, seeds, engines_, 1, false, nullptr);
  const auto two = run_seeds(s, seeds, engines_, 2, false, nullptr);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].seed, seeds[i]);
    EXPECT_EQ(one[i].trace_hash, two[i].trace_hash) << "seed " << seeds[i];
  }
}

TEST_F(RunTest, AListOfRatesMakesHeavyAndLightClients) {
  // Client i gets rate i mod 3: clients 0, 3, 6, ... are heavy. Sessions are client indices.
  const Scenario s = quickstart({{"workload.rate", "[100/s, 10/s, 10/s]"}});
  const RunResult r = run_scenario(s, 1, engines_, RunOptions{.keep_history = true});
  uint64_t heavy = 0, light = 0;
  for (const HistoryOp& op : r.history) (*op.session % 3 == 0 ? heavy : light) += 1;
  // 6 heavy clients at 100/s against 12 light ones at 10/s: 5x the ops, less what round trips
  // and timeouts take from the heavy ones.
  EXPECT_GT(heavy, 3 * light) << "heavy " << heavy << " light " << light;
  EXPECT_LT(heavy, 6 * light) << "heavy " << heavy << " light " << light;
  const RunResult uniform = run_scenario(quickstart({{"workload.rate", "[20/s]"}}), 1, engines_);
  EXPECT_EQ(uniform.trace_hash, run_scenario(quickstart(), 1, engines_).trace_hash)
      << "a one-rate list is the same workload as that rate";
}

TEST_F(RunTest, WallClockStampsLoseMoreUpdatesThanHlc) {
  auto lost = [&](const char* stamps) {
    const Scenario s = quickstart({{"engine.params.timestamps", stamps}, {"clocks.skew", "300ms"}});
    uint64_t total = 0;
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      total += run_scenario(s, seed, engines_)
                   .checks.at("lost_updates")
                   .details.at("count")
                   .get<uint64_t>();
    }
    return total;
  };
  const uint64_t wall = lost("wall");
  const uint64_t hlc = lost("hlc");
  EXPECT_GT(wall, 2 * hlc + 10) << "wall " << wall << " hlc " << hlc;
}

TEST_F(RunTest, LostUpdatesFailOnlyAboveTheConfiguredMax) {
  const Scenario s = quickstart({{"clocks.skew", "300ms"}, {"checks.lost_updates.max", "0"}});
  const RunResult r = run_scenario(s, 1, engines_);
  EXPECT_GT(r.checks.at("lost_updates").details.at("count").get<uint64_t>(), 0u);
  EXPECT_FALSE(r.checks.at("lost_updates").ok);
  EXPECT_FALSE(r.ok);
}

TEST_F(RunTest, ConvergenceFailsWithoutAntiEntropy) {
  // Pushes lost to the partition are never repaired when anti-entropy effectively never runs.
  const Scenario s = quickstart({{"engine.params.sync_interval", "1h"}});
  const RunResult r = run_scenario(s, 1, engines_);
  EXPECT_FALSE(r.checks.at("convergence").ok);
  EXPECT_GT(r.checks.at("convergence").details.at("distinct_values").get<int>(), 1);
  const RunResult repaired = run_scenario(quickstart(), 1, engines_);
  EXPECT_TRUE(repaired.checks.at("convergence").ok);
}

TEST_F(RunTest, ConvergenceIsMeasuredFromAnEarlyLastHeal) {
  // No client ops, and the only fault heals at 2 s, long before the quiet phase: the replicas are
  // equal from the heal on, which is what the check must report (not the 5 s until the quiet
  // phase).
  const Scenario s = load_scenario_text(R"(name: idle
duration: 10s
quiet: 3s
topology: {regions: [{name: a, pops: 3}]}
engine: {name: crdt.pn_counter}
workload: {type: counter, clients: 0}
faults: {schedule: [{at: 1s, partition: {groups: [[a-1]]}, for: 1s}]}
checks: {convergence: {within: 500ms}}
)",
                                        "idle.yaml", engines_);
  const RunResult r = run_scenario(s, 1, engines_);
  const Value& details = r.checks.at("convergence").details;
  EXPECT_TRUE(r.checks.at("convergence").ok) << details.dump();
  EXPECT_EQ(details.at("reference_ns").get<int64_t>(), 2'000'000'000);
  EXPECT_LE(details.at("time_to_converge_ns").get<int64_t>(), 40'000'000);
}

TEST_F(RunTest, TombstonesCollectedWhileAReplicaIsDownStayDeletedAfterItsRestart) {
  // Deletes a-2 merged but had not snapshotted when it crashed must not count as stable at its
  // peers: they would collect the tombstones, and a-2 would keep the deleted text for good.
  const Scenario s = load_scenario_text(R"(name: rga-crash
duration: 8s
quiet: 3s
topology:
  intra_region: {latency: {dist: uniform, min: 1ms, max: 3ms}}
  regions: [{name: a, pops: 3}]
engine: {name: crdt.rga, params: {sync: delta, snapshot_every: 1}}
workload: {type: text, clients: 3, rate: 10/s, keys: 1, timeout: 1s}
faults: {schedule: [{at: 2s, crash: a-2, for: 1s}]}
checks: {convergence: {within: 2s}, no_lost_writes: true}
)",
                                        "rga-crash.yaml", engines_);
  expect_converged_without_lost_writes(s, 4);
}

TEST_F(RunTest, APeerAwayForManyRoundsCatchesUpInAFewRoundsWhateverTheBatch) {
  // a-3 misses 30 rounds of delta groups. With `batch: 1` every missed group must still go in
  // the first rounds after the heal (one message per group), not one group per round: that would
  // keep a-3 behind while ops continue and for 30 more rounds after they stop.
  const Scenario s = load_scenario_text(R"(name: catch-up
duration: 8s
quiet: 2s
topology:
  intra_region: {latency: {dist: uniform, min: 1ms, max: 3ms}}
  regions: [{name: a, pops: 3}]
engine: {name: crdt.pn_counter, params: {sync: delta, sync_interval: 100ms, batch: 1}}
workload: {type: counter, clients: 6, rate: 20/s, keys: 4, timeout: 1s}
faults: {schedule: [{at: 1s, partition: {groups: [[a-3]]}, for: 3s}]}
checks: {convergence: {within: 1s}, no_lost_writes: true}
)",
                                        "catch-up.yaml", engines_);
  expect_converged_without_lost_writes(s, 3);
}

TEST_F(RunTest, CrashedNodesRecoverTheirDurableState) {
  const Scenario s = quickstart(
      {{"engine.params.timestamps", "hlc"},
       {"faults.schedule", "[{at: 3s, crash: us-east, for: 2s}, {at: 8s, crash: eu-west-1}]"}});
  const RunResult r = run_scenario(s, 3, engines_);
  EXPECT_TRUE(r.checks.at("convergence").ok);
  EXPECT_GT(r.metrics.at("ops").at("fail").get<uint64_t>(), 0u);  // ops sent to crashed PoPs
  EXPECT_GT(r.metrics.at("network").at("dropped_down").get<uint64_t>(), 0u);
  ASSERT_GE(r.faults.size(), 3u);
  EXPECT_EQ(r.faults.back().what, "quiet phase: restart eu-west-1");
}

}  // namespace
}  // namespace edgesim

namespace edgesim {
namespace {

TEST_F(RunTest, AuthorityReadsAreLinearizableAndLocalOnesAreNot) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const Scenario authority =
        quickstart({{"engine", "{name: delta_sync, params: {reads: authority}}"},
                    {"checks.linearizability", "null"}});
    const RunResult strong = run_scenario(authority, seed, engines_);
    EXPECT_TRUE(strong.checks.at("linearizability").ok)
        << strong.checks.at("linearizability").details.dump();
    const Scenario eventual = quickstart({{"checks.linearizability", "null"}});
    const RunResult weak = run_scenario(eventual, seed, engines_);
    EXPECT_FALSE(weak.checks.at("linearizability").ok);
    EXPECT_GT(weak.checks.at("linearizability").details.at("illegal_keys").get<uint64_t>(), 0u);
  }
}

}  // namespace
}  // namespace edgesim

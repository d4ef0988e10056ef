// Determinism of every engine, not only the quickstart's LWW (run_test.cc): under the random
// nemesis (crashes, restarts from durable stores, partitions, clock steps, lossy duplicating
// reordering links), the same seed gives the same trace hash, metrics, check outcomes and history,
// run again and run on worker threads beside other seeds (--jobs). An engine that kept state
// outside its run (a static cache, a shared parser), read the wall clock, or iterated an
// unordered container would break one of these.
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "models/register_builtin.h"
#include "sim/cli/seed_pool.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run.h"

namespace edgesim {
namespace {

struct EngineCase {
  std::string engine;
  std::string workload_type;
  std::string params;  // YAML map
};

void PrintTo(const EngineCase& c, std::ostream* out) {
  *out << c.engine << " on " << c.workload_type << " " << c.params;
}

std::string case_name(const testing::TestParamInfo<EngineCase>& info) {
  std::string name =
      info.param.engine + "_" + info.param.workload_type + "_" + std::to_string(info.index);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class EngineDeterminism : public testing::TestWithParam<EngineCase> {
 protected:
  EngineDeterminism() { register_builtin_engines(engines_); }
  Scenario scenario() const {
    const EngineCase& c = GetParam();
    return load_scenario_file(std::string(EDGESIM_SOURCE_DIR) + "/scenarios/random-faults.yaml",
                              engines_,
                              {{"engine", "{name: " + c.engine + ", params: " + c.params + "}"},
                               {"workload.type", c.workload_type}});
  }
  EngineRegistry engines_;
};

void expect_same_run(const RunResult& a, const RunResult& b) {
  EXPECT_EQ(a.trace_hash, b.trace_hash) << "seed " << a.seed;
  EXPECT_EQ(a.metrics, b.metrics) << "seed " << a.seed;
  ASSERT_EQ(a.checks.size(), b.checks.size());
  for (const auto& [name, check] : a.checks) {
    EXPECT_EQ(check.ok, b.checks.at(name).ok) << name;
    EXPECT_EQ(check.details, b.checks.at(name).details) << name;
  }
  ASSERT_EQ(a.history.size(), b.history.size()) << "seed " << a.seed;
  for (size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_EQ(a.history[i].ret, b.history[i].ret) << "op " << i;
    EXPECT_EQ(a.history[i].out, b.history[i].out) << "op " << i;
  }
}

TEST_P(EngineDeterminism, SameSeedSameRunAgainAndOnWorkerThreads) {
  const Scenario s = scenario();
  const std::vector<uint64_t> seeds = {1, 2, 3};
  const auto sequential = run_seeds(s, seeds, engines_, 1, /*keep_history=*/true, nullptr);
  const auto parallel = run_seeds(s, seeds, engines_, 2, /*keep_history=*/true, nullptr);
  ASSERT_EQ(sequential.size(), seeds.size());
  ASSERT_EQ(parallel.size(), seeds.size());
  std::set<uint64_t> hashes;
  for (size_t i = 0; i < seeds.size(); ++i) {
    expect_same_run(sequential[i], parallel[i]);
    hashes.insert(sequential[i].trace_hash);
    // The faults must have bitten, or this would only show that a quiet run is repeatable.
    EXPECT_FALSE(sequential[i].faults.empty()) << "seed " << seeds[i];
    EXPECT_GT(sequential[i].history.size(), 1000u) << "seed " << seeds[i];
  }
  EXPECT_EQ(hashes.size(), seeds.size()) << "different seeds must give different runs";
  expect_same_run(sequential[0],
                  run_scenario(s, seeds[0], engines_, RunOptions{.keep_history = true}));
}

INSTANTIATE_TEST_SUITE_P(
    AllEngines, EngineDeterminism,
    testing::Values(EngineCase{"lww", "kv", "{timestamps: hlc}"},
                    EngineCase{"crdt.pn_counter", "counter", "{sync: delta}"},
                    EngineCase{"crdt.pn_counter", "counter", "{sync: state}"},
                    EngineCase{"crdt.or_set", "set", "{sync: delta, relay: true}"},
                    EngineCase{"crdt.or_set", "set", "{sync: digest}"},
                    EngineCase{"crdt.mv_register", "kv", "{sync: delta}"},
                    EngineCase{"crdt.lww_map", "map", "{sync: delta}"},
                    EngineCase{"crdt.rga", "text", "{sync: delta}"},
                    EngineCase{"crdt.rga", "text", "{sync: state}"},
                    EngineCase{"delta_sync", "map", "{reads: authority}"},
                    EngineCase{"delta_sync", "counter", "{}"},
                    EngineCase{"hybrid", "counter", "{sync: delta}"},
                    EngineCase{"hybrid", "map", "{authoritative_reads: optimistic}"}),
    case_name);

}  // namespace
}  // namespace edgesim

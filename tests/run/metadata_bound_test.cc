// Replication metadata stays bounded over a 10-minute simulated run with compaction on: for each
// engine, on a workload whose data is bounded (a fixed key space; for sets and text, removes and
// deletes outpacing adds and inserts), the metadata in the last third
// of the run is at most twice its peak in the first third, and after the quiet phase it is back
// at or below that early peak. A leak (tombstones, version-vector entries, delta buffers or GC
// epochs that are never collected) grows linearly over 20 samples and fails this. The same holds
// under faults that come and go (partitions, crashes, clock steps, degraded links, on lossy,
// duplicating and reordering links): collection may pause while a replica is cut off, but must
// catch up once it is back.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "models/register_builtin.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run.h"

namespace edgesim {
namespace {

struct Case {
  const char* engine;
  const char* workload;  // YAML flow mapping
};

constexpr const char* kKv = "{type: kv, clients: 6, rate: 4/s, keys: 10, timeout: 2s}";
// Text grows with every insert, so its data is bounded only when deletes keep up; what must stay
// bounded is the tombstones (without compaction this run grows linearly to 17x its first sample).
constexpr const char* kText =
    "{type: text, clients: 3, rate: 2/s, keys: 3, timeout: 2s, mix: {insert: 0.15, delete: 0.65, "
    "read: 0.2}}";

// A set's adds are unique values, so only removes that outpace them keep it bounded; what must stay
// bounded then is the dots and causal contexts (removed elements leave no tombstones).
constexpr const char* kSet =
    "{type: set, clients: 6, rate: 4/s, keys: 10, timeout: 2s, mix: {add: 0.3, remove: 0.5, read: "
    "0.2}}";

// Links and clocks for the run, and faults if any; the run is 600 s either way.
constexpr const char* kCalm = R"(quiet: 5s
topology:
  intra_region: {latency: {dist: uniform, min: 1ms, max: 3ms}, loss: 0.01}
  regions: [{name: a, pops: 3}, {name: b, pops: 3}, {name: c, pops: 3}]
  links:
    - {between: [a, b], latency: 40ms, loss: 0.01}
    - {between: [b, c], latency: 60ms, loss: 0.01}
)";
// A random fault about every 5 s, each lasting 0.3-5 s, on worse links and skewed clocks; the
// quiet phase heals everything.
constexpr const char* kFaulty = R"(quiet: 10s
topology:
  intra_region: {latency: {dist: uniform, min: 1ms, max: 3ms}, loss: 0.02, duplicate: 0.01}
  regions: [{name: a, pops: 3}, {name: b, pops: 3}, {name: c, pops: 3}]
  links:
    - {between: [a, b], latency: 40ms, loss: 0.02, reorder: 0.1}
    - {between: [b, c], latency: 60ms, loss: 0.02}
clocks: {skew: 50ms, drift: 100ppm}
faults:
  random:
    rate: 0.2/s
    kinds: [partition, crash, clock_step, degrade]
    duration: {min: 300ms, max: 5s}
    clock_step_max: 200ms
)";

std::string scenario_text(const Case& c, const char* conditions) {
  return fmt::format("name: metadata-bound\nduration: 600s\n{}engine: {{name: {}}}\nworkload: {}\n",
                     conditions, c.engine, c.workload);
}

class MetadataBound : public ::testing::TestWithParam<Case> {};

// Asserts the bound on a run's samples (see the top of the file).
void expect_bounded(const RunResult& result) {
  const Value& samples = result.metrics.at("storage").at("metadata_bytes_samples");
  ASSERT_EQ(samples.size(), 20u);  // every 30 s; the last one after the quiet phase
  auto peak = [&](size_t from, size_t to) {
    uint64_t most = 0;
    for (size_t i = from; i < to; ++i) most = std::max(most, samples[i][1].get<uint64_t>());
    return most;
  };
  const uint64_t early = peak(1, 7);   // 60 s .. 210 s, after warm-up
  const uint64_t late = peak(13, 19);  // 420 s .. 570 s
  const uint64_t settled = samples[19][1].get<uint64_t>();
  EXPECT_GT(early, 0u) << "no metadata at all: the metric is not wired";
  EXPECT_LE(late, 2 * early + 4096) << samples.dump();
  EXPECT_LE(settled, early + 4096) << samples.dump();
}

TEST_P(MetadataBound, StaysBoundedOverTenMinutes) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  const Scenario scenario =
      load_scenario_text(scenario_text(GetParam(), kCalm), "metadata-bound", engines);
  expect_bounded(run_scenario(scenario, 1, engines));
}

TEST_P(MetadataBound, StaysBoundedOverTenMinutesOfFaults) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  const Scenario scenario =
      load_scenario_text(scenario_text(GetParam(), kFaulty), "metadata-bound", engines);
  for (const uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    const RunResult result = run_scenario(scenario, seed, engines);
    EXPECT_TRUE(result.ok) << "the run's own checks failed";
    expect_bounded(result);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Engines, MetadataBound,
    ::testing::Values(Case{"lww", kKv},
                      Case{"crdt.pn_counter", "{type: counter, clients: 6, rate: 4/s, keys: 10}"},
                      Case{"crdt.mv_register", kKv}, Case{"crdt.or_set", kSet},
                      Case{"crdt.lww_map", "{type: map, clients: 6, rate: 4/s, keys: 10}"},
                      Case{"crdt.rga", kText},
                      Case{"hybrid", "{type: counter, clients: 6, rate: 4/s, keys: 10}"},
                      Case{"delta_sync", kKv}),
    [](const auto& info) {
      std::string name = info.param.engine;
      std::replace(name.begin(), name.end(), '.', '_');
      return name;
    });

}  // namespace
}  // namespace edgesim

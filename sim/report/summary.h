#pragma once
// The results of a sweep, as the one JSON object `--json` prints and as a readable text summary.
// JSON shape (stable; tools depend on it):
//   {"scenario":..., "ok":bool, "seeds":[{"seed":N, "trace_hash":"16 hex", "ok":bool,
//    "checks":{"<name>":{"ok":bool, ...}}, "metrics":{...}, "faults":[{"at_ns":..,"what":..}]}]}

#include <string>
#include <vector>

#include "sim/scenario/run.h"
#include "sim/scenario/scenario.h"

namespace edgesim {

Value summary_json(const Scenario& scenario, const std::vector<RunResult>& results);
// Scenario description (topology, clocks, engine, workload) for the top of the text summary.
std::string describe_scenario(const Scenario& scenario);
// One seed: verdict, trace hash, faults, checks, op latencies, network counters.
std::string describe_run(const RunResult& result);
// The replay command for a seed.
std::string replay_command(const Scenario& scenario, uint64_t seed);

}  // namespace edgesim

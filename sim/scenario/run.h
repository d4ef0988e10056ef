#pragma once
// Runs one seed of a scenario and judges it. A run is a plain object (no globals): many can run
// side by side on different threads (the CLI's --jobs), from Python, or inside property tests.
// Same scenario + seed => same RunResult, trace_hash included.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/check/history.h"
#include "sim/core/event_loop.h"
#include "sim/engine/registry.h"
#include "sim/fault/nemesis.h"
#include "sim/scenario/scenario.h"

namespace edgesim {

struct CheckOutcome {
  bool ok = true;
  Value details = Value::object();  // check-specific fields, JSON-ready
  std::string report_html;          // a page explaining a failure (linearizability), for --report
};

struct RunResult {
  uint64_t seed = 0;
  uint64_t trace_hash = 0;
  bool ok = true;                              // every check held
  std::map<std::string, CheckOutcome> checks;  // by check name
  Value metrics = Value::object();
  std::vector<FaultLogEntry> faults;  // what the nemesis did, in time order
  History history;
};

struct RunOptions {
  bool keep_history = false;        // history is always recorded; keep it in the result?
  EventLoop::Limits loop_limits{};  // when a run is a runaway (RunawayError); tests lower them
};

RunResult run_scenario(const Scenario& scenario, uint64_t seed, const EngineRegistry& engines,
                       const RunOptions& options = {});
}  // namespace edgesim

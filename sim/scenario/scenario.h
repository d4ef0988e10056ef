#pragma once
// Scenario: one validated run description (topology, clocks, engine, workload, faults, checks,
// seeds), built from YAML by scenario/loader.h. Every field has a default; the loader is the only
// producer and guarantees the invariants noted on each field.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/engine/registry.h"
#include "sim/fault/fault_spec.h"
#include "sim/net/link_model.h"
#include "sim/workload/workload_spec.h"

namespace edgesim {

struct RegionSpec {
  std::string name;
  uint32_t pops_count = 1;       // >= 1; PoPs are named <region>-1 .. <region>-N
  std::optional<LinkSpec> mesh;  // intra-region link; default: topology.intra_region
};

struct BackboneLinkSpec {
  std::string a, b;  // region names (meaning their gateways) or PoP names
  LinkSpec spec;
};

struct TopologySpec {
  std::vector<RegionSpec> regions;      // >= 1
  LinkSpec intra_region;                // default mesh for every region
  std::vector<BackboneLinkSpec> links;  // must connect every region
};

struct ClocksSpec {
  Duration skew{0};             // each node's initial offset is uniform in [-skew, +skew]
  int64_t drift_ppb = 0;        // each node's drift is uniform in [-drift, +drift]
  Duration resync_interval{0};  // 0 = never
  Duration resync_accuracy{0};
};

struct EngineSpec {
  std::string name;  // a registered engine
  EngineParams params;
};

// One scheduled fault. Group and node entries are PoP or region names, resolved at run time.
struct FaultAction {
  Duration at{0};
  FaultKind kind = FaultKind::kHeal;
  std::vector<std::vector<std::string>> groups;  // partition: one group = isolate it from the rest
  bool one_way = false;                          // partition: groups[i] cannot reach groups[j>i]
  std::vector<std::string> nodes;                // crash/restart/clock_step/degrade/restore
  Duration clock_step{0};                        // clock_step: signed jump of the wall clock
  double loss_ratio = 0;                         // degrade
  Duration extra_latency{0};                     // degrade
  std::optional<Duration> lasts;                 // "for": undo automatically after this long
  int line = 0;                                  // YAML line, for messages
};

struct ConvergenceCheckSpec {
  Duration within{5'000'000'000};  // after the last heal (and the last write)
};

struct LostUpdatesCheckSpec {
  std::optional<uint64_t> max;  // fail above this count; absent = report only
};

struct StalenessCheckSpec {
  std::optional<Duration> max_p99;  // fail if the 99th percentile read staleness exceeds this
};

// Latency and convergence claims a pattern's advocates make ("local writes < 5 ms, global
// convergence < 100 ms"): the run reports whether the simulated topology meets each one, and
// fails only when `enforce` is set.
struct ClaimsSpec {
  std::optional<Duration> read_p99;
  std::optional<Duration> write_p99;
  std::optional<Duration> convergence;  // time-to-converge after the last heal/write
  bool enforce = false;
};

// An invariant on integer values (stock never oversold, balance never negative): every
// acknowledged read and every final value must lie within [min, max].
struct BoundsSpec {
  std::optional<int64_t> min;
  std::optional<int64_t> max;
};

// Linearizability of the recorded history (kv model, every key starting absent). Expected to
// fail for eventually consistent engines; the result says by how much (illegal keys).
struct LinearizabilityCheckSpec {
  uint64_t budget_steps = 50'000'000;  // search steps before the verdict is unknown
};

struct ChecksSpec {
  bool session_guarantees = false;
  std::optional<LinearizabilityCheckSpec> linearizability;
  std::optional<ClaimsSpec> claims;
  std::optional<BoundsSpec> bounds;
  std::optional<ConvergenceCheckSpec> convergence;
  std::optional<LostUpdatesCheckSpec> lost_updates;
  bool no_lost_writes = false;
  std::optional<StalenessCheckSpec> staleness;
};

struct Scenario {
  std::string path;  // where it was loaded from ("" for in-memory)
  std::string name;
  std::string description;
  Duration duration{10'000'000'000};  // simulated run length
  Duration quiet{3'000'000'000};      // fault-free phase at the end; < duration
  uint64_t seed_first = 1;            // default seeds: seed_first .. seed_last inclusive
  uint64_t seed_last = 1;
  TopologySpec topology;
  ClocksSpec clocks;
  EngineSpec engine;
  WorkloadSpec workload;
  std::vector<FaultAction> faults;
  RandomFaultsSpec random_faults;
  ChecksSpec checks;

  Instant quiet_start() const { return Instant{duration.ns - quiet.ns}; }
  Instant workload_stop() const;
};

}  // namespace edgesim

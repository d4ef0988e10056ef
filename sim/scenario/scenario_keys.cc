#include "sim/scenario/yaml_reader.h"

namespace edgesim {

const std::map<std::string, std::vector<std::string>>& scenario_keys() {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"",
       {"name", "description", "duration", "quiet", "seeds", "topology", "clocks", "engine",
        "workload", "faults", "checks"}},
      {"topology", {"regions", "intra_region", "links"}},
      {"topology.regions[]", {"name", "pops", "mesh"}},
      {"link", {"latency", "jitter", "bandwidth", "loss", "duplicate", "reorder", "reorder_delay"}},
      {"topology.links[]",
       {"between", "latency", "jitter", "bandwidth", "loss", "duplicate", "reorder",
        "reorder_delay"}},
      {"latency",
       {"dist", "value", "min", "max", "mean", "stddev", "median", "sigma", "scale", "alpha"}},
      {"clocks", {"skew", "drift", "resync"}},
      {"clocks.resync", {"interval", "accuracy"}},
      {"engine", {"name", "params"}},
      {"workload",
       {"type", "clients", "rate", "mix", "read_ratio", "keys", "key_dist", "zipf_exponent",
        "timeout", "access_latency", "start", "stop", "bursts", "incr_by", "mobility"}},
      {"workload.mobility", {"every", "within"}},
      {"workload.incr_by", {"min", "max"}},
      {"workload.bursts[]", {"at", "for", "factor"}},
      {"faults", {"schedule", "random"}},
      {"faults.schedule[]",
       {"at", "for", "partition", "heal", "crash", "restart", "clock_step", "degrade", "restore"}},
      {"faults.schedule[].partition", {"groups", "one_way"}},
      {"faults.schedule[].clock_step", {"nodes", "by"}},
      {"faults.schedule[].degrade", {"nodes", "loss", "extra_latency"}},
      {"faults.random",
       {"rate", "kinds", "duration", "clock_step_max", "degrade_loss", "degrade_extra_latency"}},
      {"faults.random.duration", {"min", "max"}},
      {"checks",
       {"convergence", "lost_updates", "no_lost_writes", "staleness", "claims", "bounds",
        "linearizability", "session_guarantees"}},
      {"checks.linearizability", {"budget_steps"}},
      {"checks.claims", {"read_p99", "write_p99", "convergence", "enforce"}},
      {"checks.bounds", {"min", "max"}},
      {"checks.staleness", {"max_p99"}},
      {"checks.convergence", {"within"}},
      {"checks.lost_updates", {"max"}},
  };
  return kKeys;
}

}  // namespace edgesim

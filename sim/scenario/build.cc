#include "sim/scenario/build.h"

#include <algorithm>
#include <set>

#include "sim/core/assert.h"
#include "sim/scenario/run.h"
#include "sim/scenario/sections.h"
#include "sim/scenario/yaml_reader.h"

namespace edgesim {

Topology build_topology(const Scenario& scenario) {
  std::string unreachable;
  Topology topology = assemble_topology(scenario, unreachable);
  if (!unreachable.empty()) {
    throw ScenarioError(scenario.path + ": error: topology.links: no route " + unreachable +
                        " (every region must be connected)");
  }
  return topology;
}

Topology assemble_topology(const Scenario& scenario, std::string& unreachable) {
  Topology topology;
  const TopologySpec& spec = scenario.topology;
  for (const RegionSpec& region : spec.regions) {
    const uint32_t index =
        topology.add_region(region.name, region.mesh.value_or(spec.intra_region));
    for (uint32_t i = 0; i < region.pops_count; ++i) topology.add_pop(index, pop_name(region, i));
  }
  auto endpoint = [&](const std::string& name) {
    const int64_t region = topology.find_region(name);
    if (region >= 0) return topology.regions()[size_t(region)].pops.front();
    const int64_t pop = topology.find_pop(name);
    EDGESIM_ASSERT(pop >= 0, "unknown link end {} (the loader checks names)", name);
    return static_cast<NodeId>(pop);
  };
  for (const BackboneLinkSpec& link : spec.links) {
    topology.add_link(endpoint(link.a), endpoint(link.b), link.spec);
  }
  unreachable = topology.finalize();
  return topology;
}

std::vector<NodeId> resolve_nodes(const Topology& topology, const std::vector<std::string>& names) {
  std::set<NodeId> nodes;
  for (const std::string& name : names) {
    const int64_t region = topology.find_region(name);
    if (region >= 0) {
      const auto& pops = topology.regions()[size_t(region)].pops;
      nodes.insert(pops.begin(), pops.end());
      continue;
    }
    const int64_t pop = topology.find_pop(name);
    EDGESIM_ASSERT(pop >= 0, "unknown node {} (the loader checks names)", name);
    nodes.insert(static_cast<NodeId>(pop));
  }
  return {nodes.begin(), nodes.end()};
}

std::vector<ResolvedFault> resolve_faults(const Scenario& scenario, const Topology& topology) {
  std::vector<ResolvedFault> faults;
  for (const FaultAction& action : scenario.faults) {
    ResolvedFault fault;
    fault.at = Instant{action.at.ns};
    fault.kind = action.kind;
    fault.one_way = action.one_way;
    fault.nodes = resolve_nodes(topology, action.nodes);
    fault.clock_step = action.clock_step;
    fault.degradation = Degradation{action.loss_ratio, action.extra_latency};
    fault.lasts = action.lasts;
    for (const auto& group : action.groups) fault.groups.push_back(resolve_nodes(topology, group));
    if (fault.groups.size() == 1) {
      // One group: isolate it from every other node.
      std::vector<NodeId> rest;
      for (NodeId node = 0; node < topology.pops_count(); ++node) {
        if (!std::binary_search(fault.groups[0].begin(), fault.groups[0].end(), node)) {
          rest.push_back(node);
        }
      }
      fault.groups.push_back(std::move(rest));
    }
    faults.push_back(std::move(fault));
  }
  std::stable_sort(faults.begin(), faults.end(),
                   [](const ResolvedFault& a, const ResolvedFault& b) { return a.at < b.at; });
  return faults;
}

ClockSpec draw_clock(const ClocksSpec& clocks, Prng& prng) {
  ClockSpec spec;
  spec.offset = Duration{prng.uniform_int(-clocks.skew.ns, clocks.skew.ns)};
  spec.drift_ppb = prng.uniform_int(-clocks.drift_ppb, clocks.drift_ppb);
  spec.resync_interval = clocks.resync_interval;
  spec.resync_accuracy = clocks.resync_accuracy;
  return spec;
}

}  // namespace edgesim

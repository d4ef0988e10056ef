#pragma once
// Turns scenario names and specs into run-time objects: the topology, node sets, clocks and
// resolved fault schedules. Used by run.cc.

#include <string>
#include <vector>

#include "sim/clock/node_clock.h"
#include "sim/core/prng.h"
#include "sim/fault/nemesis.h"
#include "sim/net/topology.h"
#include "sim/scenario/scenario.h"

namespace edgesim {

// The Topology a scenario describes (PoP ids in region order). Throws ScenarioError if some
// region cannot reach another.
Topology build_topology(const Scenario& scenario);
// The same, without the check: "" in `unreachable`, or the first pair of PoPs with no route
// ("us-1 -> eu-1"), for the loader to report at the scenario's links.
Topology assemble_topology(const Scenario& scenario, std::string& unreachable);
// The nodes a name stands for: a region's PoPs, or one PoP.
std::vector<NodeId> resolve_nodes(const Topology& topology, const std::vector<std::string>& names);
std::vector<ResolvedFault> resolve_faults(const Scenario& scenario, const Topology& topology);
// Each node's clock, drawn from the "clock/<node>" stream.
ClockSpec draw_clock(const ClocksSpec& clocks, Prng& prng);

}  // namespace edgesim

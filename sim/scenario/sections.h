#pragma once
// Parsers for each top-level section of a scenario; used by loader.cc only.

#include <yaml-cpp/yaml.h>

#include "sim/engine/registry.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/yaml_reader.h"

namespace edgesim {

void parse_topology(const YamlReader& reader, const YAML::Node& node, Scenario& scenario);
void parse_clocks(const YamlReader& reader, const YAML::Node& node, Scenario& scenario);
// Needs the topology parsed first (PoP parameters are checked against it).
void parse_engine(const YamlReader& reader, const YAML::Node& node, const EngineRegistry& engines,
                  Scenario& scenario);
void parse_workload(const YamlReader& reader, const YAML::Node& node, Scenario& scenario);
// Needs the topology parsed first (fault targets are checked against region and PoP names).
void parse_faults(const YamlReader& reader, const YAML::Node& node, Scenario& scenario);
void parse_checks(const YamlReader& reader, const YAML::Node& node, Scenario& scenario);
// Rejects a workload type the engine does not serve (EngineInfo::workloads), pointing at
// workload.type, or at engine.name when the workload takes the default type.
void check_engine_serves_workload(const YamlReader& reader, const YAML::Node& root,
                                  const EngineRegistry& engines, const Scenario& scenario);
// Runs the engine's own parameter rule (EngineInfo::check), once the workload type is known,
// pointing at the parameter it names.
void check_engine_params(const YamlReader& reader, const YAML::Node& root,
                         const EngineRegistry& engines, const Scenario& scenario);

// The PoP names a topology spec produces: <region>-1 .. <region>-N.
std::string pop_name(const RegionSpec& region, uint32_t index);
// True if `name` is a region or a PoP of the topology.
bool is_topology_name(const TopologySpec& topology, const std::string& name);

}  // namespace edgesim

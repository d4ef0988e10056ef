#pragma once
// Loads and validates a scenario. Nothing runs on a bad file: every problem is a ScenarioError
// with file:line:col, the field path and the allowed values.

#include <string>
#include <vector>

#include "sim/engine/registry.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/yaml_reader.h"

namespace edgesim {

Scenario load_scenario_file(const std::string& path, const EngineRegistry& engines,
                            const std::vector<Override>& overrides = {});
// `source` names the text in messages (a path, or "<python>").
Scenario load_scenario_text(const std::string& text, const std::string& source,
                            const EngineRegistry& engines,
                            const std::vector<Override>& overrides = {});

}  // namespace edgesim

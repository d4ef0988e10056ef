#include "sim/scenario/loader.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "sim/scenario/build.h"
#include "sim/scenario/sections.h"

namespace edgesim {
namespace {

bool is_index(const std::string& segment) {
  return !segment.empty() && segment.find_first_not_of("0123456789") == std::string::npos;
}

// An override's value is YAML (`3`, `200ms`, `[a, b]`, `{min: 1ms}`). A value that is not, but
// does not open a list, map or quoted string, is the plain string the user typed: `--set
// engine.params.authoritative_keys=*` means "*", not a YAML alias with no name.
YAML::Node override_value(const Override& o) {
  try {
    return YAML::Load(o.value);
  } catch (const YAML::Exception& e) {
    const size_t first = o.value.find_first_not_of(" \t");
    const bool structured =
        first != std::string::npos &&
        std::string_view("[{\"'").find(o.value[first]) != std::string_view::npos;
    if (structured) {
      throw ScenarioError(
          fmt::format("--set {}={}: value is not valid YAML: {}", o.path, o.value, e.msg));
    }
    return YAML::Node(o.value);
  }
}

void apply_override(YAML::Node root, const Override& o) {
  const YAML::Node value = override_value(o);
  std::vector<std::string> segments;
  std::stringstream stream(o.path);
  for (std::string segment; std::getline(stream, segment, '.');) {
    if (segment.empty()) throw ScenarioError(fmt::format("--set {}: empty path segment", o.path));
    segments.push_back(segment);
  }
  YAML::Node current = root;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    YAML::Node next;
    if (is_index(segments[i]) && current.IsSequence()) {
      const size_t index = std::stoul(segments[i]);
      if (index >= current.size()) {
        throw ScenarioError(fmt::format("--set {}: index {} is past the end of a list of {}",
                                        o.path, index, current.size()));
      }
      next = current[index];
    } else {
      if (current.IsScalar()) {
        throw ScenarioError(fmt::format("--set {}: `{}` is not a map", o.path, segments[i - 1]));
      }
      next = current[segments[i]];
    }
    current.reset(next);
  }
  const std::string& last = segments.back();
  if (is_index(last) && current.IsSequence()) {
    const size_t index = std::stoul(last);
    if (index >= current.size()) {
      throw ScenarioError(
          fmt::format("--set {}: index {} is past the end of a list", o.path, index));
    }
    current[index] = value;
  } else {
    current[last] = value;
  }
}

void parse_seeds(const YamlReader& reader, const YAML::Node& node, Scenario& scenario) {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  const size_t dots = text.find("..");
  if (dots == std::string::npos) {
    scenario.seed_first = scenario.seed_last =
        static_cast<uint64_t>(reader.integer(node, "seeds", 0, INT64_MAX));
    return;
  }
  const std::string first = text.substr(0, dots);
  const std::string last = text.substr(dots + 2);
  char* end = nullptr;
  const unsigned long long a = std::strtoull(first.c_str(), &end, 10);
  const bool first_ok = !first.empty() && *end == '\0';
  const unsigned long long b = std::strtoull(last.c_str(), &end, 10);
  const bool last_ok = !last.empty() && *end == '\0';
  if (!first_ok || !last_ok || b < a) {
    reader.fail(node, "seeds", "expected a seed N or a range A..B with A <= B (e.g. 1..20)");
  }
  scenario.seed_first = a;
  scenario.seed_last = b;
}

Scenario parse_root(const YamlReader& reader, const YAML::Node& root,
                    const EngineRegistry& engines) {
  reader.expect_keys(root, "", "");
  Scenario scenario;
  scenario.path = reader.file();
  if (!root["name"]) reader.fail(root, "name", "missing: every scenario has a name");
  scenario.name = reader.string(root["name"], "name");
  if (root["description"]) scenario.description = reader.string(root["description"], "description");
  if (root["duration"]) {
    scenario.duration = reader.duration(root["duration"], "duration", Duration::millis(1),
                                        Duration::seconds(24 * 3600));
  }
  if (root["quiet"]) scenario.quiet = reader.duration(root["quiet"], "quiet", Duration{0});
  if (scenario.quiet >= scenario.duration) {
    reader.fail(root["quiet"] ? root["quiet"] : root, "quiet",
                fmt::format("the quiet phase ({}) must be shorter than the duration ({})",
                            format_duration(scenario.quiet), format_duration(scenario.duration)));
  }
  if (root["seeds"]) parse_seeds(reader, root["seeds"], scenario);
  if (!root["topology"]) reader.fail(root, "topology", "missing: a scenario needs a topology");
  parse_topology(reader, root["topology"], scenario);
  if (root["clocks"]) parse_clocks(reader, root["clocks"], scenario);
  if (!root["engine"]) reader.fail(root, "engine", "missing: a scenario needs an engine");
  parse_engine(reader, root["engine"], engines, scenario);
  if (root["workload"]) parse_workload(reader, root["workload"], scenario);
  check_engine_serves_workload(reader, root, engines, scenario);
  scenario.engine.params.set_workload(data_type_name(scenario.workload.type));
  check_engine_params(reader, root, engines, scenario);
  if (root["faults"]) parse_faults(reader, root["faults"], scenario);
  if (root["checks"]) parse_checks(reader, root["checks"], scenario);
  // Disconnected regions are rejected before anything runs, at the links (or the topology).
  std::string unreachable;
  assemble_topology(scenario, unreachable);
  if (!unreachable.empty()) {
    const YAML::Node topology = root["topology"];
    reader.fail(topology["links"] ? topology["links"] : topology, "topology.links",
                "no route " + unreachable + " (every region must be connected)");
  }
  return scenario;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& source,
                            const EngineRegistry& engines, const std::vector<Override>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(fmt::format("{}:{}:{}: error: not valid YAML: {}", source, e.mark.line + 1,
                                    e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) {
    throw ScenarioError(fmt::format("{}:1:1: error: a scenario is a YAML map of fields", source));
  }
  for (const Override& o : overrides) apply_override(root, o);
  YamlReader reader(source, overrides);
  try {
    return parse_root(reader, root, engines);
  } catch (const YAML::Exception& e) {
    // yaml-cpp conversions that slip past the typed reader (e.g. a map used as a key).
    throw ScenarioError(
        fmt::format("{}:{}:{}: error: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

Scenario load_scenario_file(const std::string& path, const EngineRegistry& engines,
                            const std::vector<Override>& overrides) {
  // A directory opens as a stream on Linux and reads as nothing, which would be reported as an
  // empty scenario.
  if (std::filesystem::is_directory(path))
    throw ScenarioError(fmt::format("{}: error: is a directory, not a scenario file", path));
  std::ifstream in(path);
  if (!in) throw ScenarioError(fmt::format("{}: error: cannot read the scenario file", path));
  std::stringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, engines, overrides);
}

Instant Scenario::workload_stop() const {
  return workload.stop ? Instant{workload.stop->ns} : quiet_start();
}

}  // namespace edgesim

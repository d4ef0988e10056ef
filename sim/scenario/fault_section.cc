// The faults section: a schedule of fault actions and an optional random fault mix.
#include <fmt/format.h>

#include "sim/scenario/sections.h"

namespace edgesim {
namespace {

const std::vector<std::string> kActionKeys = {"partition",  "heal",    "crash",  "restart",
                                              "clock_step", "degrade", "restore"};

std::vector<std::string> checked_names(const YamlReader& reader, const YAML::Node& node,
                                       const std::string& path, const Scenario& scenario) {
  std::vector<std::string> names = reader.names(node, path);
  for (const std::string& name : names) {
    if (!is_topology_name(scenario.topology, name)) {
      reader.fail(node, path, fmt::format("`{}` is neither a region nor a PoP", name));
    }
  }
  return names;
}

void parse_partition(const YamlReader& reader, const YAML::Node& node, const std::string& path,
                     const Scenario& scenario, FaultAction& action) {
  reader.expect_keys(node, path, "faults.schedule[].partition");
  const YAML::Node groups = node["groups"];
  if (!groups || !groups.IsSequence() || groups.size() == 0) {
    reader.fail(groups ? groups : node, path + ".groups",
                "expected a list of groups, e.g. [[us-east], [eu-west, ap-south]]");
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    action.groups.push_back(
        checked_names(reader, groups[i], fmt::format("{}.groups[{}]", path, i), scenario));
  }
  if (node["one_way"]) action.one_way = reader.boolean(node["one_way"], path + ".one_way");
}

void parse_action(const YamlReader& reader, const YAML::Node& node, const std::string& path,
                  const Scenario& scenario, FaultAction& action) {
  std::string kind;
  for (const std::string& key : kActionKeys) {
    if (!node[key]) continue;
    if (!kind.empty())
      reader.fail(node[key], path,
                  fmt::format("one action per entry: both `{}` and `{}`", kind, key));
    kind = key;
  }
  if (kind.empty()) {
    reader.fail(
        node, path,
        "missing the action: one of partition, heal, crash, restart, clock_step, degrade, restore");
  }
  const YAML::Node body = node[kind];
  const std::string body_path = path + "." + kind;
  if (kind == "partition") {
    action.kind = FaultKind::kPartition;
    parse_partition(reader, body, body_path, scenario, action);
  } else if (kind == "heal") {
    action.kind = FaultKind::kHeal;
  } else if (kind == "crash" || kind == "restart" || kind == "restore") {
    action.kind = kind == "crash"     ? FaultKind::kCrash
                  : kind == "restart" ? FaultKind::kRestart
                                      : FaultKind::kRestore;
    action.nodes = checked_names(reader, body, body_path, scenario);
  } else if (kind == "clock_step") {
    action.kind = FaultKind::kClockStep;
    reader.expect_keys(body, body_path, "faults.schedule[].clock_step");
    if (!body["nodes"] || !body["by"]) reader.fail(body, body_path, "needs `nodes` and `by`");
    action.nodes = checked_names(reader, body["nodes"], body_path + ".nodes", scenario);
    action.clock_step = reader.duration(body["by"], body_path + ".by", Duration::seconds(-3600),
                                        Duration::seconds(3600));
  } else {
    action.kind = FaultKind::kDegrade;
    reader.expect_keys(body, body_path, "faults.schedule[].degrade");
    if (!body["nodes"]) reader.fail(body, body_path, "needs `nodes`");
    action.nodes = checked_names(reader, body["nodes"], body_path + ".nodes", scenario);
    if (body["loss"]) action.loss_ratio = reader.ratio(body["loss"], body_path + ".loss");
    if (body["extra_latency"]) {
      action.extra_latency =
          reader.duration(body["extra_latency"], body_path + ".extra_latency", Duration{0});
    }
  }
}

void parse_schedule(const YamlReader& reader, const YAML::Node& list, Scenario& scenario) {
  reader.expect_list(list, "faults.schedule");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = fmt::format("faults.schedule[{}]", i);
    const YAML::Node entry = list[i];
    reader.expect_keys(entry, path, "faults.schedule[]");
    FaultAction action;
    action.line = entry.Mark().line + 1;
    if (!entry["at"]) reader.fail(entry, path, "missing `at` (when the fault starts, e.g. 5s)");
    const Duration fault_end = scenario.duration - scenario.quiet;
    action.at = reader.duration(entry["at"], path + ".at", Duration{0}, fault_end);
    parse_action(reader, entry, path, scenario, action);
    if (entry["for"]) {
      const bool undoable = action.kind == FaultKind::kPartition ||
                            action.kind == FaultKind::kCrash || action.kind == FaultKind::kDegrade;
      if (!undoable)
        reader.fail(entry["for"], path + ".for",
                    "only partition, crash and degrade can last `for` a time");
      // Said in terms of the quiet phase: "allowed: 1ns to 0ns" told nobody why.
      const Duration lasts = reader.duration(entry["for"], path + ".for", Duration::nanos(1));
      if (lasts > fault_end - action.at) {
        reader.fail(entry["for"], path + ".for",
                    fmt::format("{} from {} runs into the quiet phase, which starts at {} "
                                "(duration - quiet) and has no faults",
                                format_duration(lasts), format_duration(action.at),
                                format_duration(fault_end)));
      }
      action.lasts = lasts;
    }
    scenario.faults.push_back(std::move(action));
  }
}

void parse_random(const YamlReader& reader, const YAML::Node& node, Scenario& scenario) {
  reader.expect_keys(node, "faults.random", "faults.random");
  RandomFaultsSpec& random = scenario.random_faults;
  random.enabled = true;
  if (!node["rate"]) reader.fail(node, "faults.random", "missing `rate` (e.g. 0.2/s)");
  random.mean_interval = reader.rate_interval(node["rate"], "faults.random.rate");
  random.kinds = {FaultKind::kPartition, FaultKind::kCrash, FaultKind::kClockStep,
                  FaultKind::kDegrade};
  if (const YAML::Node kinds = node["kinds"]) {
    random.kinds.clear();
    reader.expect_list(kinds, "faults.random.kinds");
    for (size_t i = 0; i < kinds.size(); ++i) {
      const std::string kind = reader.choice(kinds[i], fmt::format("faults.random.kinds[{}]", i),
                                             {"partition", "crash", "clock_step", "degrade"});
      random.kinds.push_back(kind == "partition"    ? FaultKind::kPartition
                             : kind == "crash"      ? FaultKind::kCrash
                             : kind == "clock_step" ? FaultKind::kClockStep
                                                    : FaultKind::kDegrade);
    }
    if (random.kinds.empty()) reader.fail(kinds, "faults.random.kinds", "list at least one kind");
  }
  if (const YAML::Node duration = node["duration"]) {
    reader.expect_keys(duration, "faults.random.duration", "faults.random.duration");
    if (duration["min"]) {
      random.duration_min =
          reader.duration(duration["min"], "faults.random.duration.min", Duration::millis(1));
    }
    if (duration["max"]) {
      random.duration_max =
          reader.duration(duration["max"], "faults.random.duration.max", random.duration_min);
    }
    if (random.duration_max < random.duration_min) {
      reader.fail(duration, "faults.random.duration", "max must be >= min");
    }
  }
  if (node["clock_step_max"]) {
    random.clock_step_max = reader.duration(node["clock_step_max"], "faults.random.clock_step_max",
                                            Duration{0}, Duration::seconds(3600));
  }
  if (node["degrade_loss"])
    random.degrade_loss_ratio = reader.ratio(node["degrade_loss"], "faults.random.degrade_loss");
  if (node["degrade_extra_latency"]) {
    random.degrade_extra_latency = reader.duration(
        node["degrade_extra_latency"], "faults.random.degrade_extra_latency", Duration{0});
  }
}

}  // namespace

void parse_faults(const YamlReader& reader, const YAML::Node& node, Scenario& scenario) {
  reader.expect_keys(node, "faults", "faults");
  if (node["schedule"]) parse_schedule(reader, node["schedule"], scenario);
  if (node["random"]) parse_random(reader, node["random"], scenario);
}

}  // namespace edgesim

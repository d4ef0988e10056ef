// Engine, workload and checks sections of a scenario.
#include <algorithm>
#include <span>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/scenario/sections.h"

namespace edgesim {
namespace {

// The PoPs of the topology in PoP order (index = node id), by name.
std::vector<std::string> pop_names(const TopologySpec& topology) {
  std::vector<std::string> names;
  for (const RegionSpec& region : topology.regions) {
    for (uint32_t i = 0; i < region.pops_count; ++i) names.push_back(pop_name(region, i));
  }
  return names;
}

// One PoP named by `text`: a PoP name or an index in PoP order.
uint32_t parse_pop(const YamlReader& reader, const YAML::Node& node, const std::string& path,
                   const std::string& text, const std::vector<std::string>& pops) {
  for (uint32_t i = 0; i < pops.size(); ++i) {
    if (pops[i] == text) return i;
  }
  const bool digits = !text.empty() && text.size() <= 9 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  if (digits && std::stoul(text) < pops.size()) return static_cast<uint32_t>(std::stoul(text));
  reader.fail(
      node, path,
      fmt::format("`{}` is not a PoP of this topology (allowed: a name of {} or an index 0 to {})",
                  text, fmt::join(pops, ", "), pops.size() - 1));
}

Value parse_pops(const YamlReader& reader, const YAML::Node& node, const std::string& path,
                 const std::vector<std::string>& pops) {
  if (!node.IsSequence() && !node.IsScalar()) {
    reader.fail(node, path,
                "expected PoPs: names or indices in PoP order, a list or comma-separated");
  }
  std::vector<std::string> items;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) items.push_back(reader.string(item, path + "[]"));
  } else {
    std::string list = reader.string(node, path);
    for (size_t start = 0; start <= list.size();) {
      const size_t comma = std::min(list.find(',', start), list.size());
      std::string item = list.substr(start, comma - start);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      items.push_back(item);
      start = comma + 1;
    }
  }
  if (items.empty() || (items.size() == 1 && items[0].empty()))
    reader.fail(node, path, "expected at least one PoP");
  std::vector<uint32_t> indices;
  for (const std::string& item : items) {
    const uint32_t index = parse_pop(reader, node, path, item, pops);
    if (std::find(indices.begin(), indices.end(), index) != indices.end()) {
      reader.fail(node, path, fmt::format("PoP `{}` is listed twice", pops[index]));
    }
    indices.push_back(index);
  }
  return indices;
}

Value parse_param(const YamlReader& reader, const YAML::Node& node, const std::string& path,
                  const ParamSpec& spec, const TopologySpec& topology) {
  switch (spec.type) {
    case ParamType::kNode:
      if (!node.IsScalar())
        reader.fail(node, path, "expected a PoP: its name or index in PoP order");
      return parse_pop(reader, node, path, node.Scalar(), pop_names(topology));
    case ParamType::kNodes:
      return parse_pops(reader, node, path, pop_names(topology));
    case ParamType::kString:
      return reader.string(node, path);
    case ParamType::kEnum:
      return reader.choice(node, path, spec.choices);
    case ParamType::kDuration:
      return reader.duration(node, path, Duration{spec.min}, Duration{spec.max}).ns;
    case ParamType::kInt:
      return reader.integer(node, path, spec.min, spec.max);
    case ParamType::kDouble:
      return reader.number(node, path, -1e300, 1e300);
    case ParamType::kBool:
      return reader.boolean(node, path);
  }
  return nullptr;
}

// `rate: 20/s` (every client), or a list dealt to clients in order: client i gets rate i mod the
// list's length (`[100/s, 5/s, 5/s]`: every third client is a heavy one).
void parse_rates(const YamlReader& reader, const YAML::Node& node, WorkloadSpec& workload) {
  workload.think_times.clear();
  if (!node.IsSequence()) {
    workload.think_times.push_back(reader.rate_interval(node, "workload.rate"));
    return;
  }
  if (node.size() == 0) reader.fail(node, "workload.rate", "a list of rates needs at least one");
  for (size_t i = 0; i < node.size(); ++i) {
    workload.think_times.push_back(
        reader.rate_interval(node[i], fmt::format("workload.rate[{}]", i)));
  }
}

void parse_mix(const YamlReader& reader, const YAML::Node& node, WorkloadSpec& workload) {
  const std::map<std::string, double> defaults = default_mix(workload.type);
  if (!node["mix"]) {
    workload.mix = defaults;
    if (workload.type == DataType::kKv)
      workload.mix = {{"read", workload.read_ratio}, {"write", 1 - workload.read_ratio}};
    return;
  }
  const YAML::Node mix = node["mix"];
  reader.expect_map(mix, "workload.mix");
  std::vector<std::string> allowed;
  for (const auto& [f, weight] : defaults) allowed.push_back(f);
  double total = 0;
  for (const auto& entry : mix) {
    const std::string f = entry.first.as<std::string>();
    if (defaults.count(f) == 0) {
      reader.fail(entry.first, "workload.mix." + f,
                  fmt::format("`{}` is not an op of a {} workload (allowed: {})", f,
                              data_type_name(workload.type), fmt::join(allowed, ", ")));
    }
    workload.mix[f] = reader.number(entry.second, "workload.mix." + f, 0, 1e9);
    total += workload.mix[f];
  }
  if (total <= 0) reader.fail(mix, "workload.mix", "at least one op needs a positive weight");
}

void parse_bursts(const YamlReader& reader, const YAML::Node& list, Scenario& scenario) {
  reader.expect_list(list, "workload.bursts");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = fmt::format("workload.bursts[{}]", i);
    const YAML::Node b = list[i];
    reader.expect_keys(b, path, "workload.bursts[]");
    if (!b["at"] || !b["for"] || !b["factor"])
      reader.fail(b, path, "a burst needs `at`, `for` and `factor`");
    Burst burst;
    burst.at = reader.duration(b["at"], path + ".at", Duration{0}, scenario.duration);
    burst.lasts = reader.duration(b["for"], path + ".for", Duration::nanos(1), scenario.duration);
    burst.factor =
        static_cast<uint32_t>(reader.integer(b["factor"], path + ".factor", 1, 1'000'000));
    scenario.workload.bursts.push_back(burst);
  }
}

std::vector<std::string> param_names(const EngineInfo& info) {
  std::vector<std::string> names;
  for (const ParamSpec& spec : info.params) names.push_back(spec.name);
  return names;
}

// Whether a check configured by a map of fields is on: a map, null or `true` turns it on (with
// defaults for what is not given), `false` off, so `--set checks.NAME=false` turns off a check the
// file enables.
bool check_enabled(const YamlReader& reader, const YAML::Node& node, const std::string& path) {
  if (node.IsNull() || node.IsMap()) return true;
  const std::string value = node.IsScalar() ? node.Scalar() : "";
  if (value != "true" && value != "false")
    reader.fail(node, path, "expected a map of fields, true or false");
  return value == "true";
}

}  // namespace

void parse_engine(const YamlReader& reader, const YAML::Node& node, const EngineRegistry& engines,
                  Scenario& scenario) {
  reader.expect_keys(node, "engine", "engine");
  if (!node["name"]) reader.fail(node, "engine", "missing `name`");
  scenario.engine.name = reader.choice(node["name"], "engine.name", engines.names());
  const EngineInfo& info = *engines.find(scenario.engine.name);
  Value values = Value::object();
  const YAML::Node params = node["params"];
  if (params) {
    reader.expect_map(params, "engine.params");
    for (const auto& entry : params) {
      const std::string key = entry.first.as<std::string>();
      const ParamSpec* spec = nullptr;
      for (const ParamSpec& candidate : info.params) {
        if (candidate.name == key) spec = &candidate;
      }
      const std::string path = "engine.params." + key;
      if (spec == nullptr) {
        reader.fail(entry.first, path,
                    fmt::format("engine `{}` has no parameter `{}` (allowed: {})", info.name, key,
                                fmt::join(param_names(info), ", ")));
      }
      values[key] = parse_param(reader, entry.second, path, *spec, scenario.topology);
    }
  }
  for (const ParamSpec& spec : info.params) {
    if (!values.contains(spec.name)) values[spec.name] = spec.default_value;
  }
  scenario.engine.params = EngineParams(std::move(values), info.params);
}

void parse_workload(const YamlReader& reader, const YAML::Node& node, Scenario& scenario) {
  reader.expect_keys(node, "workload", "workload");
  WorkloadSpec& workload = scenario.workload;
  if (node["type"]) {
    const std::string type =
        reader.choice(node["type"], "workload.type", {"kv", "counter", "set", "map", "text"});
    for (DataType candidate :
         {DataType::kKv, DataType::kCounter, DataType::kSet, DataType::kMap, DataType::kText}) {
      if (type == data_type_name(candidate)) workload.type = candidate;
    }
  }
  if (node["clients"]) {
    workload.clients_count =
        uint32_t(reader.integer(node["clients"], "workload.clients", 0, 100000));
  }
  if (node["rate"]) parse_rates(reader, node["rate"], workload);
  if (node["read_ratio"])
    workload.read_ratio = reader.ratio(node["read_ratio"], "workload.read_ratio");
  if (const YAML::Node by = node["incr_by"]) {
    reader.expect_keys(by, "workload.incr_by", "workload.incr_by");
    if (by["min"])
      workload.incr_min = reader.integer(by["min"], "workload.incr_by.min", -1'000'000, 1'000'000);
    if (by["max"])
      workload.incr_max =
          reader.integer(by["max"], "workload.incr_by.max", workload.incr_min, 1'000'000);
    if (workload.incr_max < workload.incr_min)
      reader.fail(by, "workload.incr_by", "max must be >= min");
  }
  if (node["keys"]) {
    workload.keys_count = uint32_t(reader.integer(node["keys"], "workload.keys", 1, 10'000'000));
  }
  if (node["key_dist"]) {
    const std::string dist =
        reader.choice(node["key_dist"], "workload.key_dist", {"uniform", "zipf"});
    workload.key_distribution = dist == "zipf" ? KeyDistribution::kZipf : KeyDistribution::kUniform;
  }
  if (node["zipf_exponent"]) {
    workload.zipf_exponent =
        reader.number(node["zipf_exponent"], "workload.zipf_exponent", 0.01, 10);
  }
  if (node["timeout"]) {
    workload.timeout = reader.duration(node["timeout"], "workload.timeout", Duration::micros(1));
  }
  if (node["access_latency"]) {
    workload.access_latency = reader.latency(node["access_latency"], "workload.access_latency");
  }
  if (const YAML::Node mobility = node["mobility"]) {
    reader.expect_keys(mobility, "workload.mobility", "workload.mobility");
    if (!mobility["every"])
      reader.fail(mobility, "workload.mobility", "`every` (mean time between moves) is required");
    workload.move_every =
        reader.duration(mobility["every"], "workload.mobility.every", Duration::millis(1));
    if (mobility["within"]) {
      workload.move_within_region = reader.choice(mobility["within"], "workload.mobility.within",
                                                  {"region", "anywhere"}) == "region";
    }
  }
  parse_mix(reader, node, workload);
  if (node["bursts"]) parse_bursts(reader, node["bursts"], scenario);
  const Duration zero{0};
  if (node["start"])
    workload.start = reader.duration(node["start"], "workload.start", zero, scenario.duration);
  if (node["stop"]) {
    workload.stop =
        reader.duration(node["stop"], "workload.stop", workload.start, scenario.duration);
  }
}

void check_engine_serves_workload(const YamlReader& reader, const YAML::Node& root,
                                  const EngineRegistry& engines, const Scenario& scenario) {
  const EngineInfo& info = *engines.find(scenario.engine.name);
  const std::string type = data_type_name(scenario.workload.type);
  if (info.workloads.empty() || std::count(info.workloads.begin(), info.workloads.end(), type) != 0)
    return;
  // "kv", "map or kv", "kv, counter or map".
  std::string served = info.workloads.back();
  if (info.workloads.size() > 1) {
    const std::span<const std::string> others(info.workloads.data(), info.workloads.size() - 1);
    served = fmt::format("{} or {}", fmt::join(others, ", "), served);
  }
  const std::string message = fmt::format(
      "engine `{}` serves {} workloads, not {} (set workload.type)", info.name, served, type);
  const YAML::Node workload = root["workload"];
  if (workload && workload.IsMap() && workload["type"])
    reader.fail(workload["type"], "workload.type", message);
  reader.fail(root["engine"]["name"], "engine.name", message);
}

void check_engine_params(const YamlReader& reader, const YAML::Node& root,
                         const EngineRegistry& engines, const Scenario& scenario) {
  const EngineInfo& info = *engines.find(scenario.engine.name);
  if (!info.check) return;
  const std::optional<EngineInfo::Problem> problem = info.check(scenario.engine.params);
  if (!problem) return;
  const YAML::Node engine = root["engine"];
  const YAML::Node params = engine["params"];
  const YAML::Node at =
      params && params.IsMap() && params[problem->param] ? params[problem->param] : engine;
  reader.fail(at, "engine.params." + problem->param, problem->message);
}

namespace {

void parse_convergence_check(const YamlReader& reader, const YAML::Node& convergence,
                             Scenario& scenario) {
  if (!check_enabled(reader, convergence, "checks.convergence")) {
    scenario.checks.convergence.reset();
    return;
  }
  ConvergenceCheckSpec spec;
  if (convergence.IsMap()) {
    reader.expect_keys(convergence, "checks.convergence", "checks.convergence");
    if (convergence["within"]) {
      spec.within = reader.duration(convergence["within"], "checks.convergence.within",
                                    Duration::millis(1), scenario.quiet);
    }
  }
  if (spec.within > scenario.quiet) {
    reader.fail(convergence, "checks.convergence.within",
                fmt::format("cannot judge convergence within {} in a quiet phase of {}",
                            format_duration(spec.within), format_duration(scenario.quiet)));
  }
  scenario.checks.convergence = spec;
}

void parse_lost_updates_check(const YamlReader& reader, const YAML::Node& lost,
                              Scenario& scenario) {
  if (!check_enabled(reader, lost, "checks.lost_updates")) {
    scenario.checks.lost_updates.reset();
    return;
  }
  LostUpdatesCheckSpec spec;
  if (lost.IsMap()) {
    reader.expect_keys(lost, "checks.lost_updates", "checks.lost_updates");
    if (lost["max"]) {
      spec.max = uint64_t(reader.integer(lost["max"], "checks.lost_updates.max", 0, INT64_MAX));
    }
  }
  scenario.checks.lost_updates = spec;
}

void parse_claims(const YamlReader& reader, const YAML::Node& claims, Scenario& scenario) {
  reader.expect_keys(claims, "checks.claims", "checks.claims");
  ClaimsSpec spec;
  const Duration zero{0};
  if (claims["read_p99"]) {
    spec.read_p99 = reader.duration(claims["read_p99"], "checks.claims.read_p99", zero);
  }
  if (claims["write_p99"]) {
    spec.write_p99 = reader.duration(claims["write_p99"], "checks.claims.write_p99", zero);
  }
  if (claims["convergence"]) {
    spec.convergence = reader.duration(claims["convergence"], "checks.claims.convergence", zero);
    if (!scenario.checks.convergence)
      scenario.checks.convergence = ConvergenceCheckSpec{scenario.quiet};
  }
  if (claims["enforce"]) spec.enforce = reader.boolean(claims["enforce"], "checks.claims.enforce");
  scenario.checks.claims = spec;
}

void parse_linearizability_check(const YamlReader& reader, const YAML::Node& linear,
                                 Scenario& scenario) {
  if (!check_enabled(reader, linear, "checks.linearizability")) {
    scenario.checks.linearizability.reset();
    return;
  }
  LinearizabilityCheckSpec spec;
  if (linear.IsMap()) {
    reader.expect_keys(linear, "checks.linearizability", "checks.linearizability");
    if (linear["budget_steps"]) {
      spec.budget_steps = uint64_t(reader.integer(
          linear["budget_steps"], "checks.linearizability.budget_steps", 1024, INT64_MAX));
    }
  }
  if (scenario.workload.type != DataType::kKv) {
    reader.fail(linear, "checks.linearizability",
                "linearizability is judged for kv workloads only");
  }
  scenario.checks.linearizability = spec;
}

void parse_bounds(const YamlReader& reader, const YAML::Node& bounds, Scenario& scenario) {
  reader.expect_keys(bounds, "checks.bounds", "checks.bounds");
  BoundsSpec spec;
  if (bounds["min"])
    spec.min = reader.integer(bounds["min"], "checks.bounds.min", INT64_MIN, INT64_MAX);
  if (bounds["max"])
    spec.max = reader.integer(bounds["max"], "checks.bounds.max", INT64_MIN, INT64_MAX);
  if (spec.min && spec.max && *spec.min > *spec.max)
    reader.fail(bounds, "checks.bounds", "min must be <= max");
  scenario.checks.bounds = spec;
}

void parse_staleness_check(const YamlReader& reader, const YAML::Node& staleness,
                           Scenario& scenario) {
  if (!check_enabled(reader, staleness, "checks.staleness")) {
    scenario.checks.staleness.reset();
    return;
  }
  StalenessCheckSpec spec;
  if (staleness.IsMap()) {
    reader.expect_keys(staleness, "checks.staleness", "checks.staleness");
    if (staleness["max_p99"]) {
      spec.max_p99 = reader.duration(staleness["max_p99"], "checks.staleness.max_p99", Duration{0});
    }
  }
  if (scenario.workload.type == DataType::kText) {
    // A delete removes a range, so nearly any insert missing from a read could be explained.
    reader.fail(staleness, "checks.staleness",
                "staleness is judged for kv, map, counter and set workloads, not text");
  }
  scenario.checks.staleness = spec;
}

}  // namespace

// In this order: a claim of convergence turns the convergence check on if the scenario did not.
void parse_checks(const YamlReader& reader, const YAML::Node& node, Scenario& scenario) {
  reader.expect_keys(node, "checks", "checks");
  if (const YAML::Node convergence = node["convergence"])
    parse_convergence_check(reader, convergence, scenario);
  if (const YAML::Node lost = node["lost_updates"])
    parse_lost_updates_check(reader, lost, scenario);
  if (const YAML::Node claims = node["claims"]) parse_claims(reader, claims, scenario);
  if (const YAML::Node session = node["session_guarantees"]) {
    scenario.checks.session_guarantees =
        session.IsNull() || reader.boolean(session, "checks.session_guarantees");
    if (scenario.workload.type == DataType::kText) {
      reader.fail(session, "checks.session_guarantees",
                  "session guarantees are judged for kv, map, counter and set workloads, not text");
    }
  }
  if (const YAML::Node linear = node["linearizability"])
    parse_linearizability_check(reader, linear, scenario);
  if (const YAML::Node bounds = node["bounds"]) parse_bounds(reader, bounds, scenario);
  if (const YAML::Node lost = node["no_lost_writes"]) {
    scenario.checks.no_lost_writes = lost.IsNull() || reader.boolean(lost, "checks.no_lost_writes");
  }
  if (const YAML::Node staleness = node["staleness"])
    parse_staleness_check(reader, staleness, scenario);
}

}  // namespace edgesim

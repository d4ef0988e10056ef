#include "sim/scenario/yaml_reader.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace edgesim {
namespace {

// Splits "12.5unit" into its number and unit; false if there is no leading number.
bool split_number(const std::string& text, double& number, std::string& unit) {
  const char* begin = text.c_str();
  char* end = nullptr;
  number = std::strtod(begin, &end);
  if (end == begin) return false;
  if (!std::isfinite(number)) return false;
  unit = std::string(end);
  return true;
}

// An override's path as the sections name fields: list indices in brackets (`--set
// topology.regions.0.pops=...` sets `topology.regions[0].pops`).
std::string bracketed(const std::string& override_path) {
  std::string path;
  size_t start = 0;
  while (start <= override_path.size()) {
    size_t end = override_path.find('.', start);
    if (end == std::string::npos) end = override_path.size();
    const std::string segment = override_path.substr(start, end - start);
    const bool index = !segment.empty() && !path.empty() &&
                       segment.find_first_not_of("0123456789") == std::string::npos;
    path += index ? "[" + segment + "]" : (path.empty() ? "" : ".") + segment;
    start = end + 1;
  }
  return path;
}

}  // namespace

Override parse_override(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ScenarioError(
        fmt::format("--set {}: expected path=value (e.g. --set workload.clients=20)", text));
  }
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

// The override that set `path` is the most specific one covering it (`--set engine.params={}
// --set engine.params.reads=x` blames the second for a bad `reads`); of equal ones, the last.
std::string YamlReader::location(const YAML::Node& node, const std::string& path) const {
  const Override* setter = nullptr;
  for (const Override& o : overrides_) {
    auto covered_by = [&](const std::string& set) {
      return path == set || path.rfind(set + ".", 0) == 0 || path.rfind(set + "[", 0) == 0;
    };
    // Digits are a list index, or (rarely) a map key: the section's path says which.
    const bool covers = covered_by(bracketed(o.path)) || covered_by(o.path);
    if (covers && (setter == nullptr || o.path.size() >= setter->path.size())) setter = &o;
  }
  if (setter != nullptr) return fmt::format("--set {}={}", setter->path, setter->value);
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file_;
  return fmt::format("{}:{}:{}", file_, mark.line + 1, mark.column + 1);
}

void YamlReader::fail(const YAML::Node& node, const std::string& path,
                      const std::string& message) const {
  throw ScenarioError(fmt::format("{}: error: {}: {}", location(node, path),
                                  path.empty() ? "(top level)" : path, message));
}

void YamlReader::expect_map(const YAML::Node& node, const std::string& path) const {
  if (!node.IsMap()) fail(node, path, "expected a map of fields");
  // yaml-cpp keeps one of two equal keys silently; a scenario that says a thing twice is a mistake.
  std::map<std::string, int> first_line;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar())
      fail(entry.first, path, "expected a field name, not a list or a map");
    const std::string& key = entry.first.Scalar();
    const std::string field = path.empty() ? key : path + "." + key;
    if (const auto [first, fresh] = first_line.emplace(key, entry.first.Mark().line + 1); !fresh) {
      fail(entry.first, field,
           fmt::format("`{}` is given twice (first on line {})", key, first->second));
    }
  }
}

void YamlReader::expect_list(const YAML::Node& node, const std::string& path) const {
  if (!node.IsSequence()) fail(node, path, "expected a list");
}

void YamlReader::expect_keys(const YAML::Node& node, const std::string& path,
                             const std::string& table) const {
  expect_map(node, path);
  const std::vector<std::string>& allowed = scenario_keys().at(table);
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    bool known = false;
    for (const std::string& name : allowed) known = known || name == key;
    if (!known) {
      const std::string field = path.empty() ? key : path + "." + key;
      fail(entry.first, field,
           fmt::format("unknown key `{}` (allowed: {})", key, fmt::join(allowed, ", ")));
    }
  }
}

std::string YamlReader::string(const YAML::Node& node, const std::string& path) const {
  // `key:` and `--set key=` with nothing after them are YAML null, not an empty string.
  if (node.IsNull())
    fail(node, path, "expected a string, found no value (write \"\" for an empty one)");
  if (!node.IsScalar()) fail(node, path, "expected a string");
  return node.Scalar();
}

std::string YamlReader::choice(const YAML::Node& node, const std::string& path,
                               const std::vector<std::string>& choices) const {
  const std::string value = string(node, path);
  for (const std::string& c : choices) {
    if (c == value) return value;
  }
  fail(node, path,
       fmt::format("`{}` is not allowed (allowed: {})", value, fmt::join(choices, ", ")));
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& path) const {
  const std::string value = node.IsScalar() ? node.Scalar() : "";
  if (value == "true") return true;
  if (value == "false") return false;
  fail(node, path, "expected true or false");
}

int64_t YamlReader::integer(const YAML::Node& node, const std::string& path, int64_t min,
                            int64_t max) const {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) {
    fail(node, path, fmt::format("expected an integer in [{}, {}]", min, max));
  }
  if (value < min || value > max) {
    fail(node, path, fmt::format("{} is out of range (allowed: {} to {})", value, min, max));
  }
  return value;
}

double YamlReader::number(const YAML::Node& node, const std::string& path, double min,
                          double max) const {
  double value = 0;
  std::string unit;
  if (!node.IsScalar() || !split_number(node.Scalar(), value, unit) || !unit.empty()) {
    fail(node, path, fmt::format("expected a number in [{}, {}]", min, max));
  }
  if (value < min || value > max) {
    fail(node, path,
         fmt::format("{} is out of range (allowed: {} to {})", node.Scalar(), min, max));
  }
  return value;
}

Duration YamlReader::duration(const YAML::Node& node, const std::string& path, Duration min,
                              Duration max) const {
  const auto out_of_range = [&] {
    const std::string upper = max.ns == INT64_MAX ? " or more" : " to " + format_duration(max);
    fail(node, path,
         fmt::format("{} is out of range (allowed: {}{})", node.Scalar(), format_duration(min),
                     upper));
  };
  std::optional<Duration> value;
  if (node.IsScalar()) value = parse_duration(node.Scalar());
  if (!value) {
    // Written as a duration, refused only for its size (past 2^63 ns, about 292 years).
    static const std::regex kDurationShape(R"([+-]?[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))");
    if (node.IsScalar() && std::regex_match(node.Scalar(), kDurationShape)) out_of_range();
    fail(node, path,
         "expected a duration with a unit: ns, us, ms, s, m or h (e.g. 80ms, 2s, 1.5us)");
  }
  if (*value < min || *value > max) out_of_range();
  return *value;
}

Duration YamlReader::rate_interval(const YAML::Node& node, const std::string& path) const {
  double count = 0;
  std::string unit;
  if (!node.IsScalar() || !split_number(node.Scalar(), count, unit) || unit.size() < 2 ||
      unit[0] != '/') {
    fail(node, path, "expected a rate with a unit, e.g. 100/s, 5/ms, 30/m");
  }
  const std::optional<Duration> per = parse_duration("1" + unit.substr(1));
  if (!per)
    fail(node, path, fmt::format("unknown time unit in `{}` (use /s, /ms, /m, /h)", node.Scalar()));
  if (!(count > 0)) fail(node, path, "a rate must be greater than 0");
  const double interval = double(per->ns) / count;
  if (interval < 1) fail(node, path, "rate is too high (more than one event per nanosecond)");
  return Duration{static_cast<int64_t>(std::llround(interval))};
}

int64_t YamlReader::drift_ppb(const YAML::Node& node, const std::string& path) const {
  double value = 0;
  std::string unit;
  if (!node.IsScalar() || !split_number(node.Scalar(), value, unit) ||
      (unit != "ppm" && unit != "ppb")) {
    fail(node, path, "expected a drift in ppm or ppb, e.g. 100ppm");
  }
  const double ppb = unit == "ppm" ? value * 1000 : value;
  if (ppb < 0 || ppb > 100'000'000) fail(node, path, "out of range (allowed: 0 to 100000ppm)");
  return static_cast<int64_t>(std::llround(ppb));
}

int64_t YamlReader::bandwidth_bps(const YAML::Node& node, const std::string& path) const {
  double value = 0;
  std::string unit;
  if (!node.IsScalar() || !split_number(node.Scalar(), value, unit)) {
    fail(node, path, "expected a bandwidth, e.g. 100Mbps, 1Gbps");
  }
  double scale = 0;
  if (unit == "bps") scale = 1;
  if (unit == "kbps") scale = 1e3;
  if (unit == "Mbps") scale = 1e6;
  if (unit == "Gbps") scale = 1e9;
  if (scale == 0)
    fail(node, path, fmt::format("unknown unit `{}` (allowed: bps, kbps, Mbps, Gbps)", unit));
  if (!(value > 0) || value * scale > 1e15) fail(node, path, "bandwidth must be positive");
  return static_cast<int64_t>(std::llround(value * scale));
}

LatencyModel YamlReader::latency(const YAML::Node& node, const std::string& path) const {
  LatencyModel model;
  const Duration zero{0};
  if (node.IsScalar()) {
    model.a = duration(node, path, zero);
    return model;
  }
  expect_keys(node, path, "latency");
  if (!node["dist"])
    fail(node, path, "missing `dist` (constant, uniform, normal, lognormal, pareto)");
  const std::string dist = choice(node["dist"], path + ".dist",
                                  {"constant", "uniform", "normal", "lognormal", "pareto"});
  auto need = [&](const char* key) {
    if (!node[key]) fail(node, path, fmt::format("dist `{}` needs `{}`", dist, key));
    return node[key];
  };
  const std::string prefix = path + ".";
  if (dist == "constant") {
    model.a = duration(need("value"), prefix + "value", zero);
  } else if (dist == "uniform") {
    model.kind = LatencyKind::kUniform;
    model.a = duration(need("min"), prefix + "min", zero);
    model.b = duration(need("max"), prefix + "max", model.a);
  } else if (dist == "normal") {
    model.kind = LatencyKind::kNormal;
    model.a = duration(need("mean"), prefix + "mean", zero);
    model.b = duration(need("stddev"), prefix + "stddev", zero);
  } else if (dist == "lognormal") {
    model.kind = LatencyKind::kLognormal;
    model.a = duration(need("median"), prefix + "median", zero);
    model.shape = number(need("sigma"), prefix + "sigma", 0, 10);
  } else {
    model.kind = LatencyKind::kPareto;
    model.a = duration(need("scale"), prefix + "scale", zero);
    model.shape = number(need("alpha"), prefix + "alpha", 0.1, 100);
  }
  return model;
}

LinkSpec YamlReader::link(const YAML::Node& node, const std::string& path,
                          const LinkSpec& base) const {
  LinkSpec spec = base;
  const std::string prefix = path + ".";
  if (node["latency"]) spec.latency = latency(node["latency"], prefix + "latency");
  if (node["jitter"]) spec.jitter = duration(node["jitter"], prefix + "jitter", Duration{0});
  if (node["bandwidth"])
    spec.bandwidth_bps = bandwidth_bps(node["bandwidth"], prefix + "bandwidth");
  if (node["loss"]) spec.loss_ratio = ratio(node["loss"], prefix + "loss");
  if (node["duplicate"]) spec.duplicate_ratio = ratio(node["duplicate"], prefix + "duplicate");
  if (node["reorder"]) spec.reorder_ratio = ratio(node["reorder"], prefix + "reorder");
  if (node["reorder_delay"]) {
    spec.reorder_delay = duration(node["reorder_delay"], prefix + "reorder_delay", Duration{0});
  }
  if (spec.reorder_ratio > 0 && spec.reorder_delay.ns == 0) {
    spec.reorder_delay = spec.latency.mean();  // hold back by up to one mean latency by default
  }
  return spec;
}

std::vector<std::string> YamlReader::names(const YAML::Node& node, const std::string& path) const {
  std::vector<std::string> result;
  if (node.IsScalar()) {
    result.push_back(node.Scalar());
  } else if (node.IsSequence() && node.size() > 0) {
    for (size_t i = 0; i < node.size(); ++i) {
      result.push_back(string(node[i], fmt::format("{}[{}]", path, i)));
    }
  } else {
    fail(node, path, "expected a name or a non-empty list of names");
  }
  return result;
}

}  // namespace edgesim

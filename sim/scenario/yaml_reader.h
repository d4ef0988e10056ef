#pragma once
// YamlReader: typed, located access to a YAML tree. Every failure throws ScenarioError whose
// message starts with "file:line:col" (or "--set path=value" for overridden fields) and names the
// field path and the allowed values. Used only by the scenario loader.

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/core/time.h"
#include "sim/net/link_model.h"

namespace edgesim {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A `--set path=value` override, applied to the YAML tree before validation.
struct Override {
  std::string path;   // dotted; list indices are numbers ("faults.schedule.0.at")
  std::string value;  // parsed as YAML ("2s", "[a, b]", "true")
};

// Parses "path=value"; throws ScenarioError when there is no '=' or the path is empty.
Override parse_override(const std::string& text);

class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Override> overrides)
      : file_(std::move(file)), overrides_(std::move(overrides)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const;

  // Checks that `node` is a map whose keys are all listed for `table` in scenario_keys().
  void expect_keys(const YAML::Node& node, const std::string& path, const std::string& table) const;
  void expect_map(const YAML::Node& node, const std::string& path) const;
  void expect_list(const YAML::Node& node, const std::string& path) const;

  std::string string(const YAML::Node& node, const std::string& path) const;
  std::string choice(const YAML::Node& node, const std::string& path,
                     const std::vector<std::string>& choices) const;
  bool boolean(const YAML::Node& node, const std::string& path) const;
  int64_t integer(const YAML::Node& node, const std::string& path, int64_t min, int64_t max) const;
  double number(const YAML::Node& node, const std::string& path, double min, double max) const;
  double ratio(const YAML::Node& node, const std::string& path) const {
    return number(node, path, 0, 1);
  }
  Duration duration(const YAML::Node& node, const std::string& path, Duration min,
                    Duration max = Duration{INT64_MAX}) const;
  // "100/s", "2.5/ms", "30/m": returns the mean interval between events.
  Duration rate_interval(const YAML::Node& node, const std::string& path) const;
  // "100ppm", "1.5ppm", "500ppb": returns parts per billion.
  int64_t drift_ppb(const YAML::Node& node, const std::string& path) const;
  // "100Mbps", "1Gbps", "64kbps", "1000bps": returns bits per second.
  int64_t bandwidth_bps(const YAML::Node& node, const std::string& path) const;
  // A scalar duration (constant) or a {dist: ...} map.
  LatencyModel latency(const YAML::Node& node, const std::string& path) const;
  // Fills a LinkSpec from the link keys present in `node` (others keep `base`'s values).
  LinkSpec link(const YAML::Node& node, const std::string& path, const LinkSpec& base) const;
  // A scalar or a list of scalars.
  std::vector<std::string> names(const YAML::Node& node, const std::string& path) const;

  const std::string& file() const { return file_; }

 private:
  std::string location(const YAML::Node& node, const std::string& path) const;
  std::string file_;
  std::vector<Override> overrides_;
};

// The allowed keys of every map in the scenario format, by table name (a path pattern such as
// "topology.regions[]"). scenarios/schema.json must describe the same keys (a test compares).
const std::map<std::string, std::vector<std::string>>& scenario_keys();

}  // namespace edgesim

#include "sim/scenario/sections.h"

#include <set>

#include <fmt/format.h>

namespace edgesim {
namespace {

std::string item(const std::string& path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::set<std::string> known_names(const TopologySpec& topology) {
  std::set<std::string> names;
  for (const RegionSpec& region : topology.regions) {
    names.insert(region.name);
    for (uint32_t i = 0; i < region.pops_count; ++i) names.insert(pop_name(region, i));
  }
  return names;
}

}  // namespace

std::string pop_name(const RegionSpec& region, uint32_t index) {
  return fmt::format("{}-{}", region.name, index + 1);
}

bool is_topology_name(const TopologySpec& topology, const std::string& name) {
  return known_names(topology).count(name) != 0;
}

void parse_topology(const YamlReader& reader, const YAML::Node& node, Scenario& scenario) {
  reader.expect_keys(node, "topology", "topology");
  TopologySpec& topology = scenario.topology;
  if (node["intra_region"]) {
    reader.expect_keys(node["intra_region"], "topology.intra_region", "link");
    topology.intra_region = reader.link(node["intra_region"], "topology.intra_region", LinkSpec{});
  }
  const YAML::Node regions = node["regions"];
  if (!regions || !regions.IsSequence() || regions.size() == 0) {
    reader.fail(regions ? regions : node, "topology.regions",
                "expected a non-empty list of regions");
  }
  std::set<std::string> names;
  constexpr uint32_t kMaxPops = 2048;
  uint64_t total_pops = 0;
  for (size_t i = 0; i < regions.size(); ++i) {
    const std::string path = item("topology.regions", i);
    const YAML::Node r = regions[i];
    reader.expect_keys(r, path, "topology.regions[]");
    RegionSpec region;
    if (!r["name"]) reader.fail(r, path, "missing `name`");
    region.name = reader.string(r["name"], path + ".name");
    if (!names.insert(region.name).second) {
      reader.fail(r["name"], path + ".name",
                  fmt::format("region `{}` is defined twice", region.name));
    }
    if (r["pops"])
      region.pops_count = uint32_t(reader.integer(r["pops"], path + ".pops", 1, kMaxPops));
    total_pops += region.pops_count;
    if (total_pops > kMaxPops) {
      // Routes between every pair of PoPs are precomputed: beyond this, loading alone takes long.
      reader.fail(r["pops"] ? r["pops"] : r, path + ".pops",
                  fmt::format("a topology has at most {} PoPs; these regions have {} so far",
                              kMaxPops, total_pops));
    }
    if (r["mesh"]) {
      reader.expect_keys(r["mesh"], path + ".mesh", "link");
      region.mesh = reader.link(r["mesh"], path + ".mesh", topology.intra_region);
    }
    topology.regions.push_back(std::move(region));
  }
  const YAML::Node links = node["links"];
  if (links) reader.expect_list(links, "topology.links");
  for (size_t i = 0; links && i < links.size(); ++i) {
    const std::string path = item("topology.links", i);
    const YAML::Node l = links[i];
    reader.expect_keys(l, path, "topology.links[]");
    const YAML::Node between = l["between"];
    if (!between || !between.IsSequence() || between.size() != 2) {
      reader.fail(between ? between : l, path + ".between", "expected [a, b]: two regions or PoPs");
    }
    BackboneLinkSpec link;
    link.a = reader.string(between[0], path + ".between[0]");
    link.b = reader.string(between[1], path + ".between[1]");
    for (const auto& [end, index] : {std::pair{link.a, 0}, std::pair{link.b, 1}}) {
      if (!is_topology_name(topology, end)) {
        reader.fail(between[index], path + ".between",
                    fmt::format("`{}` is neither a region nor a PoP of the topology", end));
      }
    }
    if (link.a == link.b)
      reader.fail(between, path + ".between", "a link needs two different ends");
    link.spec = reader.link(l, path, LinkSpec{});
    topology.links.push_back(std::move(link));
  }
  if (topology.regions.size() > 1 && topology.links.empty()) {
    reader.fail(node, "topology.links", "several regions need links between them");
  }
}

void parse_clocks(const YamlReader& reader, const YAML::Node& node, Scenario& scenario) {
  reader.expect_keys(node, "clocks", "clocks");
  ClocksSpec& clocks = scenario.clocks;
  if (node["skew"]) {
    clocks.skew =
        reader.duration(node["skew"], "clocks.skew", Duration{0}, Duration::seconds(3600));
  }
  if (node["drift"]) clocks.drift_ppb = reader.drift_ppb(node["drift"], "clocks.drift");
  if (const YAML::Node resync = node["resync"]) {
    reader.expect_keys(resync, "clocks.resync", "clocks.resync");
    if (!resync["interval"]) reader.fail(resync, "clocks.resync", "missing `interval`");
    clocks.resync_interval =
        reader.duration(resync["interval"], "clocks.resync.interval", Duration::millis(1));
    if (resync["accuracy"]) {
      clocks.resync_accuracy = reader.duration(resync["accuracy"], "clocks.resync.accuracy",
                                               Duration{0}, Duration::seconds(60));
    }
  }
}

}  // namespace edgesim

#pragma once
// Topology: regions of PoPs and the links between them, with routes precomputed once.
//
// Inside a region every PoP reaches every other directly over the region's mesh link model (edge
// PoPs in one metro are one hop apart). Across regions, traffic follows the shortest path by mean
// latency (Dijkstra, Boost.Graph) over the explicit links plus a star of mesh hops from each PoP
// to its region's gateway (its first PoP). Routes are sequences of link indices; a region's mesh
// counts as one link.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/net/link_model.h"

namespace edgesim {

using NodeId = uint32_t;
using LinkIndex = uint32_t;

struct Region {
  std::string name;
  std::vector<NodeId> pops;  // pops[0] is the gateway
  LinkIndex mesh_link = 0;   // the region's intra-region link
};

struct PopInfo {
  std::string name;
  uint32_t region = 0;
};

struct LinkInfo {
  std::string name;  // "us-east" for a mesh, "us-east-1<->eu-west-1" for an explicit link
  LinkSpec spec;
};

class Topology {
 public:
  uint32_t add_region(const std::string& name, const LinkSpec& mesh);
  NodeId add_pop(uint32_t region, const std::string& name);
  LinkIndex add_link(NodeId a, NodeId b, const LinkSpec& spec);
  // Computes every route; call once after the last add_*. Fails (returns the name of an
  // unreachable pair) if some PoP cannot reach another.
  std::string finalize();

  // The links a message from `from` to `to` crosses, in order. Empty for from == to.
  const std::vector<LinkIndex>& route(NodeId from, NodeId to) const;
  // Sum of the mean latencies along the route.
  Duration route_mean_latency(NodeId from, NodeId to) const;

  size_t pops_count() const { return pops_.size(); }
  const std::vector<Region>& regions() const { return regions_; }
  const std::vector<PopInfo>& pops() const { return pops_; }
  const PopInfo& pop(NodeId id) const { return pops_.at(id); }
  const std::vector<LinkInfo>& links() const { return links_; }
  // -1 if unknown.
  int64_t find_pop(const std::string& name) const;
  int64_t find_region(const std::string& name) const;

 private:
  struct Edge {
    NodeId a, b;
    LinkIndex link;
  };
  std::vector<Region> regions_;
  std::vector<PopInfo> pops_;
  std::vector<LinkInfo> links_;
  std::vector<Edge> edges_;
  // routes_[from * regions-crossing index]: only cross-region pairs are stored; intra-region routes
  // are the one-element mesh route of the region.
  std::vector<std::vector<LinkIndex>> cross_routes_;
  std::vector<std::vector<LinkIndex>> mesh_routes_;  // per region: {mesh_link}
  std::vector<LinkIndex> empty_route_;
  bool finalized_ = false;
};

}  // namespace edgesim

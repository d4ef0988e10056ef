#include "sim/net/topology.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "sim/core/assert.h"

namespace edgesim {
namespace {

using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
    boost::property<boost::edge_weight_t, int64_t, boost::property<boost::edge_index_t, uint32_t>>>;

}  // namespace

uint32_t Topology::add_region(const std::string& name, const LinkSpec& mesh) {
  EDGESIM_ASSERT(!finalized_);
  links_.push_back(LinkInfo{name, mesh});
  regions_.push_back(Region{name, {}, static_cast<LinkIndex>(links_.size() - 1)});
  mesh_routes_.push_back({regions_.back().mesh_link});
  return static_cast<uint32_t>(regions_.size() - 1);
}

NodeId Topology::add_pop(uint32_t region, const std::string& name) {
  EDGESIM_ASSERT(!finalized_);
  EDGESIM_ASSERT(region < regions_.size());
  const auto id = static_cast<NodeId>(pops_.size());
  pops_.push_back(PopInfo{name, region});
  Region& r = regions_[region];
  if (!r.pops.empty()) edges_.push_back(Edge{r.pops.front(), id, r.mesh_link});
  r.pops.push_back(id);
  return id;
}

LinkIndex Topology::add_link(NodeId a, NodeId b, const LinkSpec& spec) {
  EDGESIM_ASSERT(!finalized_);
  EDGESIM_ASSERT(a < pops_.size() && b < pops_.size() && a != b);
  links_.push_back(LinkInfo{pops_[a].name + "<->" + pops_[b].name, spec});
  const auto index = static_cast<LinkIndex>(links_.size() - 1);
  edges_.push_back(Edge{a, b, index});
  return index;
}

std::string Topology::finalize() {
  EDGESIM_ASSERT(!finalized_);
  finalized_ = true;
  const size_t n = pops_.size();
  if (regions_.size() <= 1) return {};
  Graph graph(n);
  for (size_t i = 0; i < edges_.size(); ++i) {
    const Edge& e = edges_[i];
    const int64_t weight = std::max<int64_t>(1, links_[e.link].spec.latency.mean().ns);
    boost::add_edge(e.a, e.b, {weight, static_cast<uint32_t>(i)}, graph);
  }
  cross_routes_.assign(n * n, {});
  std::vector<Graph::vertex_descriptor> predecessor(n);
  std::vector<int64_t> distance(n);
  for (NodeId source = 0; source < n; ++source) {
    boost::dijkstra_shortest_paths(graph, source,
                                   boost::predecessor_map(predecessor.data())
                                       .distance_map(distance.data())
                                       .distance_inf(INT64_MAX)
                                       .distance_zero(int64_t{0}));
    for (NodeId target = 0; target < n; ++target) {
      if (pops_[target].region == pops_[source].region) continue;
      if (distance[target] == INT64_MAX) return pops_[source].name + " -> " + pops_[target].name;
      std::vector<LinkIndex>& route = cross_routes_[source * n + target];
      for (NodeId at = target; at != source; at = static_cast<NodeId>(predecessor[at])) {
        const NodeId prev = static_cast<NodeId>(predecessor[at]);
        // Pick the lightest edge between prev and at (parallel edges are possible).
        LinkIndex best = 0;
        int64_t best_weight = INT64_MAX;
        for (auto [it, end] = boost::out_edges(prev, graph); it != end; ++it) {
          if (boost::target(*it, graph) != at) continue;
          const int64_t w = boost::get(boost::edge_weight, graph, *it);
          if (w < best_weight) {
            best_weight = w;
            best = edges_[boost::get(boost::edge_index, graph, *it)].link;
          }
        }
        route.push_back(best);
      }
      std::reverse(route.begin(), route.end());
    }
  }
  return {};
}

const std::vector<LinkIndex>& Topology::route(NodeId from, NodeId to) const {
  EDGESIM_ASSERT(finalized_);
  EDGESIM_ASSERT(from < pops_.size() && to < pops_.size(), "{} -> {}", from, to);
  if (from == to) return empty_route_;
  const uint32_t region = pops_[from].region;
  if (region == pops_[to].region) return mesh_routes_[region];
  return cross_routes_[size_t{from} * pops_.size() + to];
}

Duration Topology::route_mean_latency(NodeId from, NodeId to) const {
  Duration total{0};
  for (LinkIndex link : route(from, to)) total += links_[link].spec.latency.mean();
  return total;
}

int64_t Topology::find_pop(const std::string& name) const {
  for (size_t i = 0; i < pops_.size(); ++i) {
    if (pops_[i].name == name) return int64_t(i);
  }
  return -1;
}

int64_t Topology::find_region(const std::string& name) const {
  for (size_t i = 0; i < regions_.size(); ++i) {
    if (regions_[i].name == name) return int64_t(i);
  }
  return -1;
}

}  // namespace edgesim

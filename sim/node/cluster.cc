#include "sim/node/cluster.h"

#include "sim/core/assert.h"

namespace edgesim {

Cluster::Cluster(EventLoop& loop, const Topology& topology)
    : loop_(loop), topology_(topology), timer_kind_(loop.register_kind("timer", this)) {}

void Cluster::attach(Network& network, CompletionSink& completions) {
  network_ = &network;
  completions_ = &completions;
}

Node& Cluster::add_node(NodeId id, NodeClock clock) {
  EDGESIM_ASSERT(network_ != nullptr, "attach() before adding nodes");
  EDGESIM_ASSERT(id == nodes_.size(), "nodes are added in id order");
  nodes_.push_back(
      std::make_unique<Node>(id, topology_.pop(id).name, std::move(clock),
                             NodeEnvironment{loop_, *network_, *completions_, timer_kind_}));
  return *nodes_.back();
}

bool Cluster::on_deliver(NodeId to, NodeId from, ServiceId service, std::string_view bytes) {
  EDGESIM_ASSERT(to < nodes_.size());
  return nodes_[to]->deliver(service, from, bytes);
}

void Cluster::on_event(const Event& event) {
  EDGESIM_ASSERT(event.target < nodes_.size());
  nodes_[event.target]->fire_timer(event.aux, event.payload);
}

}  // namespace edgesim

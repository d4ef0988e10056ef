#pragma once
// Cluster: every node of a run, wired to the network (it is the MessageSink) and to the event loop
// (it handles timer events and routes them to the right node and service).

#include <memory>
#include <vector>

#include "sim/node/node.h"

namespace edgesim {

class Cluster final : public MessageSink, public EventHandler {
 public:
  Cluster(EventLoop& loop, const Topology& topology);
  // Set once, before nodes are added (the network needs the cluster as its sink first).
  void attach(Network& network, CompletionSink& completions);
  Node& add_node(NodeId id, NodeClock clock);

  Node& node(NodeId id) { return *nodes_.at(id); }
  const Node& node(NodeId id) const { return *nodes_.at(id); }
  size_t size() const { return nodes_.size(); }
  std::vector<std::unique_ptr<Node>>& nodes() { return nodes_; }
  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }

  bool on_deliver(NodeId to, NodeId from, ServiceId service, std::string_view bytes) override;
  void on_event(const Event& event) override;

 private:
  EventLoop& loop_;
  const Topology& topology_;
  Network* network_ = nullptr;
  CompletionSink* completions_ = nullptr;
  EventKind timer_kind_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace edgesim

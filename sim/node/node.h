#pragma once
// Node: one PoP. Hosts one replica per service, owns the node's clock and each replica's durable
// store, and turns replica calls into network sends, timers and client completions.
//
// A crashed node drops every replica's volatile state (Replica::on_crash), its timers and the ops
// it was serving; durable stores survive. Restart calls on_start again. While down, the node
// takes no messages, timers or ops.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/clock/node_clock.h"
#include "sim/core/event_loop.h"
#include "sim/engine/engine_error.h"
#include "sim/engine/replica.h"
#include "sim/net/network.h"

namespace edgesim {

// Where replicas' client completions go (the workload).
class CompletionSink {
 public:
  virtual ~CompletionSink() = default;
  virtual void on_complete(NodeId node, ServiceId service, OpId op, Result&& result) = 0;
};

// What a node needs from the world around it.
struct NodeEnvironment {
  EventLoop& loop;
  Network& network;
  CompletionSink& completions;
  EventKind timer_kind;  // events: target = node, aux = service, payload = timer id
};

class Node {
 public:
  Node(NodeId id, std::string name, NodeClock clock, NodeEnvironment env);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Adds a replica of `service`; peers are every node hosting it. Call before start().
  void add_replica(ServiceId service, std::unique_ptr<Replica> replica, std::vector<NodeId> peers,
                   const Prng& prng);
  void start();
  void crash();
  void restart();

  // Client ops: false if the node is down or does not host `service` (the op had no effect).
  bool submit(ServiceId service, const Op& op);
  // Network and timer entry points (from the Cluster).
  bool deliver(ServiceId service, NodeId from, std::string_view payload);
  void fire_timer(ServiceId service, TimerId timer);

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  bool up() const { return up_; }
  NodeClock& clock() { return clock_; }
  const NodeClock& clock() const { return clock_; }
  bool hosts(ServiceId service) const;
  const DurableStore& durable(ServiceId service) const;
  // The harness's questions to the replica of `service` (see Replica), asked through engine_call.
  Value observe(ServiceId service) const;
  std::optional<uint64_t> observe_version(ServiceId service) const;
  std::optional<uint64_t> observe_digest(ServiceId service) const;
  uint64_t metadata_bytes(ServiceId service) const;
  Value stats(ServiceId service) const;  // an object (anything else breaks the contract)

 private:
  class Slot;
  Slot& slot(ServiceId service);
  Slot* hosted(ServiceId service);  // nullptr if this node does not host it
  const Replica& replica(ServiceId service) const;
  // Runs `call`, a call into this node's engine code, and turns whatever it throws into an
  // EngineError that says where and when, and what the harness had asked (`asked()`, built only
  // then: this wraps every op, message and timer).
  template <typename Describe, typename Call>
  decltype(auto) engine_call(Describe&& asked, Call&& call) const;
  EngineError engine_error(const std::string& asked, const std::string& what) const;

  NodeId id_;
  std::string name_;
  NodeClock clock_;
  NodeEnvironment env_;
  bool up_ = false;
  std::map<ServiceId, std::unique_ptr<Slot>> slots_;
};

}  // namespace edgesim

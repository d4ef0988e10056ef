#include "sim/node/node.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include <boost/container/flat_set.hpp>

#include "sim/core/assert.h"

namespace edgesim {

namespace {

// What a NodeContext call found against the contract (sim/engine/replica.h); Node::engine_call
// turns it into an EngineError that says where.
class ContractBreach : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

template <typename Describe, typename Call>
decltype(auto) Node::engine_call(Describe&& asked, Call&& call) const {
  try {
    return call();
  } catch (const EngineError&) {
    throw;  // already says where
  } catch (const RunawayError&) {
    throw;  // the event loop's, when a send or timer of the engine's overflows it
  } catch (const ContractBreach& breach) {
    throw engine_error(asked(), breach.what());
  } catch (const std::exception& thrown) {
    throw engine_error(asked(), std::string("threw: ") + thrown.what());
  } catch (...) {
    throw engine_error(asked(), "threw something that is not a std::exception");
  }
}

// One replica with everything it may touch: the NodeContext implementation.
class Node::Slot final : public NodeContext {
 public:
  Slot(Node& node, ServiceId service, std::unique_ptr<Replica> replica, std::vector<NodeId> peers,
       const Prng& prng)
      : node_(node),
        service_(service),
        replica_(std::move(replica)),
        peers_(std::move(peers)),
        prng_(prng) {
    std::copy_if(peers_.begin(), peers_.end(), std::back_inserter(other_peers_),
                 [&](NodeId peer) { return peer != node_.id_; });
  }

  NodeId self() const override { return node_.id_; }
  const std::vector<NodeId>& peers() const override { return peers_; }
  Instant now() const override { return node_.clock_.wall(node_.env_.loop.now()); }
  Instant monotonic() const override { return node_.clock_.monotonic(node_.env_.loop.now()); }
  Prng& prng() override { return prng_; }
  DurableStore& durable() override { return durable_; }

  void send(NodeId to, std::string payload) override {
    require_up("sent a message");
    if (to >= node_.env_.network.nodes_count()) {
      throw ContractBreach(
          fmt::format("sent a message to node #{}, which does not exist (the "
                      "topology has {} nodes)",
                      to, node_.env_.network.nodes_count()));
    }
    node_.env_.network.send(node_.id_, to, service_, std::move(payload));
  }

  void send_to_peers(std::string payload) override {
    require_up("sent a message");
    node_.env_.network.send_to_all(node_.id_, other_peers_, service_, std::move(payload));
  }

  TimerId start_timer(Duration after) override {
    require_up("started a timer");
    if (after.ns < 0) {
      throw ContractBreach(
          fmt::format("asked for a timer {} in the past", format_duration(-after)));
    }
    const TimerId timer = ++last_timer_;
    const Instant at = node_.env_.loop.now() + node_.clock_.true_span(after);
    node_.env_.loop.schedule(at, node_.env_.timer_kind, node_.id_, timer, service_);
    timers_.insert(timer);
    return timer;
  }

  // The queued event stays; fire() ignores timers that are no longer armed.
  void cancel_timer(TimerId timer) override { timers_.erase(timer); }

  void complete(OpId op, Result result) override {
    if (pending_ops_.erase(op) != 1) {
      throw ContractBreach(fmt::format(
          "answered op {}, which was not waiting for an answer here (answered already, never "
          "sent to this node, or sent before its last crash)",
          op));
    }
    node_.env_.completions.on_complete(node_.id_, service_, op, std::move(result));
  }

  void on_op(const Op& op) {
    EDGESIM_ASSERT(pending_ops_.insert(op.id).second, "op {} submitted twice", op.id);
    replica_->on_op(*this, op);
  }

  void fire(TimerId timer) {
    if (timers_.erase(timer) == 0) return;  // cancelled, or from before a crash
    replica_->on_timer(*this, timer);
  }

  void crash() {
    timers_.clear();
    pending_ops_.clear();
    replica_->on_crash();
  }

  Replica& replica() { return *replica_; }
  const DurableStore& durable_store() const { return durable_; }

 private:
  // A replica acts only from inside a callback, and a crashed one is only told to forget
  // (on_crash): anything it starts from there would outlive the crash.
  void require_up(std::string_view action) const {
    if (!node_.up_) throw ContractBreach(fmt::format("{} while crashed (from on_crash)", action));
  }

  Node& node_;
  ServiceId service_;
  std::unique_ptr<Replica> replica_;
  std::vector<NodeId> peers_;
  std::vector<NodeId> other_peers_;  // peers_ but this node
  Prng prng_;
  DurableStore durable_;
  TimerId last_timer_ = 0;  // never reset, so timers from before a crash cannot be confused
  // Flat sets: a node has a handful of timers and ops in flight, and these change on every op.
  boost::container::flat_set<TimerId> timers_;  // armed timers
  boost::container::flat_set<OpId> pending_ops_;
};

Node::Node(NodeId id, std::string name, NodeClock clock, NodeEnvironment env)
    : id_(id), name_(std::move(name)), clock_(std::move(clock)), env_(env) {}

Node::~Node() = default;

void Node::add_replica(ServiceId service, std::unique_ptr<Replica> replica,
                       std::vector<NodeId> peers, const Prng& prng) {
  EDGESIM_ASSERT(!up_, "replicas are added before the node starts");
  EDGESIM_ASSERT(slots_.count(service) == 0, "service {} added twice to {}", service, name_);
  slots_[service] =
      std::make_unique<Slot>(*this, service, std::move(replica), std::move(peers), prng);
}

void Node::start() {
  EDGESIM_ASSERT(!up_, "{} started twice", name_);
  up_ = true;
  for (auto& [service, slot] : slots_) {
    engine_call([] { return std::string("starting (on_start)"); },
                [&] { slot->replica().on_start(*slot); });
  }
}

void Node::crash() {
  if (!up_) return;
  up_ = false;
  for (auto& [service, slot] : slots_) {
    engine_call([] { return std::string("crashing (on_crash)"); }, [&] { slot->crash(); });
  }
}

void Node::restart() {
  if (up_) return;
  start();
}

Node::Slot& Node::slot(ServiceId service) {
  auto it = slots_.find(service);
  EDGESIM_ASSERT(it != slots_.end(), "{} does not host service {}", name_, service);
  return *it->second;
}

Node::Slot* Node::hosted(ServiceId service) {
  auto it = slots_.find(service);
  return it == slots_.end() ? nullptr : it->second.get();
}

bool Node::hosts(ServiceId service) const { return slots_.count(service) != 0; }

// Each looks its slot up once: every op and message passes here.
bool Node::submit(ServiceId service, const Op& op) {
  Slot* s = up_ ? hosted(service) : nullptr;
  if (s == nullptr) return false;
  engine_call([&] { return fmt::format("handling op {} ({} {})", op.id, op.f, op.key); },
              [&] { s->on_op(op); });
  return true;
}

bool Node::deliver(ServiceId service, NodeId from, std::string_view payload) {
  Slot* s = up_ ? hosted(service) : nullptr;
  if (s == nullptr) return false;
  engine_call([&] { return fmt::format("handling a message from node #{}", from); },
              [&] { s->replica().on_message(*s, from, payload); });
  return true;
}

void Node::fire_timer(ServiceId service, TimerId timer) {
  if (!up_) return;
  engine_call([&] { return fmt::format("handling timer {}", timer); },
              [&] { slot(service).fire(timer); });
}

EngineError Node::engine_error(const std::string& asked, const std::string& what) const {
  // Named and numbered: an engine knows its peers by number (NodeContext::peers()).
  return EngineError(fmt::format("on node {} (#{}) at {}, {}: {}", name_, id_,
                                 format_duration(env_.loop.now() - Instant{0}), asked, what));
}

const Replica& Node::replica(ServiceId service) const {
  auto it = slots_.find(service);
  EDGESIM_ASSERT(it != slots_.end());
  return it->second->replica();
}

Value Node::observe(ServiceId service) const {
  return engine_call([] { return std::string("observing it (observe)"); },
                     [&] { return replica(service).observe(); });
}

std::optional<uint64_t> Node::observe_version(ServiceId service) const {
  return engine_call([] { return std::string("asking for its observe_version"); },
                     [&] { return replica(service).observe_version(); });
}

std::optional<uint64_t> Node::observe_digest(ServiceId service) const {
  return engine_call([] { return std::string("asking for its observe_digest"); },
                     [&] { return replica(service).observe_digest(); });
}

uint64_t Node::metadata_bytes(ServiceId service) const {
  return engine_call([] { return std::string("asking for its metadata_bytes"); },
                     [&] { return replica(service).metadata_bytes(); });
}

Value Node::stats(ServiceId service) const {
  return engine_call(
      [] { return std::string("asking for its stats"); },
      [&] {
        Value stats = replica(service).stats();
        if (!stats.is_object()) {
          throw ContractBreach(fmt::format("stats() returned {}, not an object of counters",
                                           json_text(stats).substr(0, 80)));
        }
        return stats;
      });
}

const DurableStore& Node::durable(ServiceId service) const {
  auto it = slots_.find(service);
  EDGESIM_ASSERT(it != slots_.end());
  return it->second->durable_store();
}

}  // namespace edgesim

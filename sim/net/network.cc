#include "sim/net/network.h"

#include "sim/core/assert.h"

namespace edgesim {

Network::Network(EventLoop& loop, const Topology& topology, const Prng& root, MessageSink& sink)
    : loop_(loop),
      topology_(topology),
      root_(root),
      sink_(sink),
      deliver_kind_(loop.register_kind("deliver", this)),
      nodes_count_(topology.pops_count()),
      blocked_(nodes_count_ * nodes_count_, 0),
      degraded_(nodes_count_),
      degrade_prng_(root.fork("net/degrade")),
      link_prngs_(topology.links().size()) {}

Prng& Network::link_prng(LinkIndex link) {
  std::optional<Prng>& slot = link_prngs_[link];
  if (!slot) slot.emplace(root_.fork("net/link/" + topology_.links()[link].name));
  return *slot;
}

void Network::send(NodeId from, NodeId to, ServiceId service, std::string bytes) {
  const std::optional<Arrival> arrival = plan(from, to, bytes.size());
  if (!arrival) return;
  schedule(*arrival, from, to, service, store(std::move(bytes)));
}

void Network::send_to_all(NodeId from, std::span<const NodeId> to, ServiceId service,
                          std::string bytes) {
  const size_t size = bytes.size();
  std::optional<uint32_t> slot;  // stored at the first message not dropped
  for (NodeId target : to) {
    const std::optional<Arrival> arrival = plan(from, target, size);
    if (!arrival) continue;
    if (!slot) slot = store(std::move(bytes));
    schedule(*arrival, from, target, service, *slot);
  }
}

std::optional<Network::Arrival> Network::plan(NodeId from, NodeId to, size_t size) {
  EDGESIM_ASSERT(from < nodes_count_, "send from unknown node {}", from);
  EDGESIM_ASSERT(to < nodes_count_, "send to unknown node {}", to);
  ++stats_.sent;
  stats_.bytes_sent += size;
  if (blocked(from, to)) {
    ++stats_.dropped_partition;
    return std::nullopt;
  }
  Duration delay{0};
  bool duplicated = false;
  Duration duplicate_extra{0};
  for (LinkIndex link : topology_.route(from, to)) {
    const LinkSpec::Outcome hop = topology_.links()[link].spec.traverse(link_prng(link), size);
    if (hop.lost) {
      ++stats_.dropped_loss;
      return std::nullopt;
    }
    delay += hop.delay;
    if (hop.duplicated && !duplicated) {
      duplicated = true;
      duplicate_extra = hop.duplicate_extra;
    }
  }
  for (NodeId end : {from, to}) {
    if (degraded_count_ == 0) break;
    const std::optional<Degradation>& degradation = degraded_[end];
    if (!degradation) continue;
    if (degrade_prng_.bernoulli(degradation->loss_ratio)) {
      ++stats_.dropped_loss;
      return std::nullopt;
    }
    delay += degradation->extra_latency;
  }
  Arrival arrival{loop_.now() + delay, std::nullopt};
  if (duplicated) {
    ++stats_.duplicated;
    arrival.duplicate_at = arrival.at + duplicate_extra;
  }
  return arrival;
}

uint32_t Network::store(std::string&& bytes) {
  const uint64_t digest = TraceHash::digest(bytes);
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    pool_[slot] = Pooled{std::move(bytes), digest, 0};
    return slot;
  }
  EDGESIM_ASSERT(pool_.size() < UINT32_MAX, "too many messages in flight");
  pool_.push_back(Pooled{std::move(bytes), digest, 0});
  return static_cast<uint32_t>(pool_.size() - 1);
}

void Network::schedule(const Arrival& arrival, NodeId from, NodeId to, ServiceId service,
                       uint32_t slot) {
  const uint64_t payload = (uint64_t{from} << 32) | slot;
  // The duplicate first, as it always was: equal times are delivered in scheduling order.
  if (arrival.duplicate_at) {
    loop_.schedule(*arrival.duplicate_at, deliver_kind_, to, payload, service);
    ++pool_[slot].deliveries;
  }
  loop_.schedule(arrival.at, deliver_kind_, to, payload, service);
  ++pool_[slot].deliveries;
}

void Network::on_event(const Event& event) {
  const auto slot = static_cast<uint32_t>(event.payload);
  const auto from = static_cast<NodeId>(event.payload >> 32);
  const NodeId to = event.target;
  EDGESIM_ASSERT(slot < pool_.size(), "delivery of unknown slot {}", slot);
  EDGESIM_ASSERT(from < nodes_count_ && to < nodes_count_, "delivery {} -> {}", from, to);
  Pooled& pooled = pool_[slot];
  EDGESIM_ASSERT(pooled.deliveries > 0, "delivery from free slot {}", slot);
  // The queue already hashed time, kind, target (receiver) and service; add sender and contents.
  loop_.trace().mix(from);
  loop_.trace().mix(pooled.digest);
  const size_t size = pooled.bytes.size();
  if (blocked(from, to)) {
    ++stats_.dropped_partition;
  } else if (!sink_.on_deliver(to, from, event.aux, pooled.bytes)) {
    ++stats_.dropped_down;
  } else {
    ++stats_.delivered;
    stats_.bytes_delivered += size;
  }
  // `pooled` is still valid: the pool is a deque, and this slot was not free to be reused.
  if (--pooled.deliveries == 0) free_slots_.push_back(slot);
}

void Network::block(NodeId from, NodeId to) {
  uint16_t& count = blocked_[size_t{from} * nodes_count_ + to];
  EDGESIM_ASSERT(count < UINT16_MAX);
  ++count;
  ++blocks_active_;
}

void Network::unblock(NodeId from, NodeId to) {
  uint16_t& count = blocked_[size_t{from} * nodes_count_ + to];
  if (count == 0) return;
  --count;
  --blocks_active_;
}

void Network::heal_all() {
  if (blocks_active_ == 0) return;
  std::fill(blocked_.begin(), blocked_.end(), 0);
  blocks_active_ = 0;
}

void Network::degrade(NodeId node, const Degradation& degradation) {
  EDGESIM_ASSERT(node < nodes_count_);
  if (!degraded_[node]) ++degraded_count_;
  degraded_[node] = degradation;
}

void Network::restore(NodeId node) {
  EDGESIM_ASSERT(node < nodes_count_);
  if (degraded_[node]) --degraded_count_;
  degraded_[node].reset();
}

}  // namespace edgesim

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
      link_prngs_(topology.links().size()) {
  EDGESIM_ASSERT(nodes_count_ < kSharedSlot, "too many nodes: {}", nodes_count_);
}

Prng& Network::link_prng(LinkIndex link) {
  std::optional<Prng>& slot = link_prngs_[link];
  if (!slot) slot.emplace(root_.fork("net/link/" + topology_.links()[link].name));
  return *slot;
}

// Inlined into both senders: as a call returning the arrival, it added to every message's cost.
[[gnu::always_inline]] inline Network::Arrival Network::plan(NodeId from, NodeId to, size_t size) {
  EDGESIM_ASSERT(from < nodes_count_, "send from unknown node {}", from);
  EDGESIM_ASSERT(to < nodes_count_, "send to unknown node {}", to);
  ++stats_.sent;
  stats_.bytes_sent += size;
  if (blocked(from, to)) {
    ++stats_.dropped_partition;
    return {};
  }
  Duration delay{0};
  bool duplicated = false;
  Duration duplicate_extra{0};
  for (LinkIndex link : topology_.route(from, to)) {
    const LinkSpec::Outcome hop = topology_.links()[link].spec.traverse(link_prng(link), size);
    if (hop.lost) {
      ++stats_.dropped_loss;
      return {};
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
      return {};
    }
    delay += degradation->extra_latency;
  }
  const Instant at = loop_.now() + delay;
  if (duplicated) ++stats_.duplicated;
  return Arrival{
      .delivered = true, .duplicated = duplicated, .at = at, .duplicate_at = at + duplicate_extra};
}

void Network::send(NodeId from, NodeId to, ServiceId service, std::string bytes) {
  const Arrival arrival = plan(from, to, bytes.size());
  if (!arrival.delivered) return;
  if (arrival.duplicated) {
    schedule_delivery(arrival.duplicate_at, from, to, service, store(std::string(bytes)));
  }
  schedule_delivery(arrival.at, from, to, service, store(std::move(bytes)));
}

void Network::send_to_all(NodeId from, std::span<const NodeId> to, ServiceId service,
                          std::string bytes) {
  const size_t size = bytes.size();
  uint32_t slot = 0;
  Shared* shared = nullptr;  // stored at the first message not dropped
  for (NodeId target : to) {
    const Arrival arrival = plan(from, target, size);
    if (!arrival.delivered) continue;
    if (shared == nullptr) {
      slot = store_shared(std::move(bytes));
      shared = &shared_pool_[slot];  // stays valid: a deque, and only grown meanwhile
    }
    // The duplicate first, as send() schedules it: equal times are delivered in scheduling order.
    if (arrival.duplicated) {
      ++shared->deliveries;
      schedule_delivery(arrival.duplicate_at, from | kSharedSlot, target, service, slot);
    }
    ++shared->deliveries;
    schedule_delivery(arrival.at, from | kSharedSlot, target, service, slot);
  }
}

uint32_t Network::store(std::string&& bytes) {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    pool_[slot] = std::move(bytes);
    return slot;
  }
  EDGESIM_ASSERT(pool_.size() < UINT32_MAX, "too many messages in flight");
  pool_.push_back(std::move(bytes));
  return static_cast<uint32_t>(pool_.size() - 1);
}

uint32_t Network::store_shared(std::string&& bytes) {
  uint32_t slot;
  if (!free_shared_.empty()) {
    slot = free_shared_.back();
    free_shared_.pop_back();
  } else {
    EDGESIM_ASSERT(shared_pool_.size() < UINT32_MAX, "too many messages in flight");
    slot = static_cast<uint32_t>(shared_pool_.size());
    shared_pool_.emplace_back();
  }
  Shared& shared = shared_pool_[slot];
  shared.digest = TraceHash::digest(bytes);
  shared.bytes = std::move(bytes);
  shared.deliveries = 0;
  return slot;
}

void Network::schedule_delivery(Instant at, uint32_t sender, NodeId to, ServiceId service,
                                uint32_t slot) {
  loop_.schedule(at, deliver_kind_, to, (uint64_t{sender} << 32) | slot, service);
}

void Network::on_event(const Event& event) {
  const auto slot = static_cast<uint32_t>(event.payload);
  const auto sender = static_cast<uint32_t>(event.payload >> 32);
  const NodeId from = sender & ~kSharedSlot;
  const NodeId to = event.target;
  EDGESIM_ASSERT(from < nodes_count_ && to < nodes_count_, "delivery {} -> {}", from, to);
  // The queue already hashed time, kind, target (receiver) and service; add sender and contents.
  loop_.trace().mix(from);
  if ((sender & kSharedSlot) == 0) {
    EDGESIM_ASSERT(slot < pool_.size(), "delivery of unknown slot {}", slot);
    const std::string& bytes = pool_[slot];
    loop_.trace().mix(TraceHash::digest(bytes));
    deliver(from, to, event.aux, bytes);
    free_slots_.push_back(slot);
    return;
  }
  EDGESIM_ASSERT(slot < shared_pool_.size(), "delivery of unknown shared slot {}", slot);
  // Still valid after deliver(): the pool is a deque, and this slot is not free to be reused.
  Shared& shared = shared_pool_[slot];
  EDGESIM_ASSERT(shared.deliveries > 0, "delivery from free shared slot {}", slot);
  loop_.trace().mix(shared.digest);
  deliver(from, to, event.aux, shared.bytes);
  if (--shared.deliveries == 0) free_shared_.push_back(slot);
}

void Network::deliver(NodeId from, NodeId to, ServiceId service, std::string_view bytes) {
  if (blocked(from, to)) {
    ++stats_.dropped_partition;
  } else if (!sink_.on_deliver(to, from, service, bytes)) {
    ++stats_.dropped_down;
  } else {
    ++stats_.delivered;
    stats_.bytes_delivered += bytes.size();
  }
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

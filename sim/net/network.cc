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
  EDGESIM_ASSERT(from < nodes_count_, "send from unknown node {}", from);
  EDGESIM_ASSERT(to < nodes_count_, "send to unknown node {}", to);
  ++stats_.sent;
  stats_.bytes_sent += bytes.size();
  if (blocked(from, to)) {
    ++stats_.dropped_partition;
    return;
  }
  Duration delay{0};
  bool duplicated = false;
  Duration duplicate_extra{0};
  for (LinkIndex link : topology_.route(from, to)) {
    const LinkSpec::Outcome hop = topology_.links()[link].spec.traverse(link_prng(link), bytes.size());
    if (hop.lost) {
      ++stats_.dropped_loss;
      return;
    }
    delay += hop.delay;
    if (hop.duplicated && !duplicated) {
      duplicated = true;
      duplicate_extra = hop.duplicate_extra;
    }
  }
  for (NodeId end : {from, to}) {
    const std::optional<Degradation>& degradation = degraded_[end];
    if (!degradation) continue;
    if (degrade_prng_.bernoulli(degradation->loss_ratio)) {
      ++stats_.dropped_loss;
      return;
    }
    delay += degradation->extra_latency;
  }
  const uint64_t digest = TraceHash::digest(bytes);
  const Instant at = loop_.now() + delay;
  if (duplicated) {
    ++stats_.duplicated;
    schedule_delivery(at + duplicate_extra, store(Message{from, to, service, digest, bytes}));
  }
  schedule_delivery(at, store(Message{from, to, service, digest, std::move(bytes)}));
}

uint32_t Network::store(Message message) {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    pool_[slot] = std::move(message);
    return slot;
  }
  pool_.push_back(std::move(message));
  return static_cast<uint32_t>(pool_.size() - 1);
}

void Network::schedule_delivery(Instant at, uint32_t slot) {
  const Message& message = pool_[slot];
  loop_.schedule(at, deliver_kind_, message.to, slot, message.service);
}

void Network::on_event(const Event& event) {
  const auto slot = static_cast<uint32_t>(event.payload);
  EDGESIM_ASSERT(slot < pool_.size());
  Message message = std::move(pool_[slot]);
  free_slots_.push_back(slot);
  EDGESIM_ASSERT(message.to == event.target, "delivery to {} carries a message for {}", event.target,
                 message.to);
  loop_.trace().mix((uint64_t{message.from} << 32) | message.service);
  loop_.trace().mix(message.digest);
  if (blocked(message.from, message.to)) {
    ++stats_.dropped_partition;
    return;
  }
  const size_t size = message.bytes.size();
  if (!sink_.on_deliver(message.to, message.from, message.service, std::move(message.bytes))) {
    ++stats_.dropped_down;
    return;
  }
  ++stats_.delivered;
  stats_.bytes_delivered += size;
}

void Network::block(NodeId from, NodeId to) {
  uint16_t& count = blocked_[size_t{from} * nodes_count_ + to];
  EDGESIM_ASSERT(count < UINT16_MAX);
  ++count;
}

void Network::unblock(NodeId from, NodeId to) {
  uint16_t& count = blocked_[size_t{from} * nodes_count_ + to];
  if (count > 0) --count;
}

void Network::heal_all() { std::fill(blocked_.begin(), blocked_.end(), 0); }

void Network::degrade(NodeId node, const Degradation& degradation) {
  EDGESIM_ASSERT(node < nodes_count_);
  degraded_[node] = degradation;
}

void Network::restore(NodeId node) {
  EDGESIM_ASSERT(node < nodes_count_);
  degraded_[node].reset();
}

}  // namespace edgesim

#pragma once
// Network: carries messages between nodes over a Topology's routes, applying each link's model
// (latency, jitter, bandwidth, loss, duplication, reordering), partitions and degradation episodes.
//
// Guarantees: a message is delivered at most twice (once plus one duplicate), never before its
// sampled delay, and never across a partition that is in force at send or at delivery time.
// Randomness: one stream per link ("net/link/<name>"), forked the first time the link is used.
// Payloads live in a pool of strings (short ones inline, no allocation) with their trace digests;
// a queue entry carries the destination as its target, the service as its tag and (sender, pool
// slot) as its payload, so a pending message costs one 24-byte queue entry plus its share of a
// 48-byte pool slot. Every delivery of one payload (a duplicate, or each peer of send_to_all)
// shares its slot, which is freed after the last. The pool is a deque: slots never move, so a
// delivery hands the receiver the pooled string itself (no copy) even if the receiver sends (and
// so grows the pool) while handling it.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/core/prng.h"
#include "sim/net/topology.h"

namespace edgesim {

using ServiceId = uint16_t;

// Receives delivered messages. Returns false if the destination could not take it (node down).
// `bytes` is the network's pooled copy, valid until this returns (other deliveries may share it).
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual bool on_deliver(NodeId to, NodeId from, ServiceId service, std::string_view bytes) = 0;
};

struct NetworkStats {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t duplicated = 0;
  uint64_t dropped_loss = 0;
  uint64_t dropped_partition = 0;
  uint64_t dropped_down = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_delivered = 0;
};

// Extra loss and latency for every message to or from a node, while an episode lasts.
struct Degradation {
  double loss_ratio = 0;
  Duration extra_latency{0};
};

class Network final : public EventHandler {
 public:
  Network(EventLoop& loop, const Topology& topology, const Prng& root, MessageSink& sink);

  void send(NodeId from, NodeId to, ServiceId service, std::string bytes);
  // send() to each node of `to` in turn (the same randomness, drops and delays, in that order),
  // holding one copy of `bytes` for all of them rather than one per message.
  void send_to_all(NodeId from, std::span<const NodeId> to, ServiceId service, std::string bytes);

  // Partitions: a directed block from -> to. Blocks nest (counted), so overlapping partitions
  // heal independently.
  void block(NodeId from, NodeId to);
  void unblock(NodeId from, NodeId to);
  void heal_all();
  bool blocked(NodeId from, NodeId to) const {
    // Most of a run has no partition: skip the (large, cache-unfriendly) matrix then.
    return blocks_active_ != 0 && blocked_[size_t{from} * nodes_count_ + to] != 0;
  }

  void degrade(NodeId node, const Degradation& degradation);
  void restore(NodeId node);

  const NetworkStats& stats() const { return stats_; }
  // Bytes held by the payload pool (slots, not message contents), for memory accounting.
  size_t pool_bytes() const {
    return pool_.size() * sizeof(Pooled) + free_slots_.capacity() * sizeof(uint32_t);
  }

  void on_event(const Event& event) override;

 private:
  // A payload in flight, and how many scheduled deliveries still read it.
  struct Pooled {
    std::string bytes;
    uint64_t digest = 0;  // TraceHash::digest(bytes), mixed into the trace at each delivery
    uint32_t deliveries = 0;
  };
  // When a message from -> to arrives, if it does: its route's links, partitions and degradation
  // decide, drawing from their random streams; nullopt if it is dropped (and counted).
  struct Arrival {
    Instant at;
    std::optional<Instant> duplicate_at;
  };
  std::optional<Arrival> plan(NodeId from, NodeId to, size_t size);
  uint32_t store(std::string&& bytes);
  void schedule(const Arrival& arrival, NodeId from, NodeId to, ServiceId service, uint32_t slot);
  Prng& link_prng(LinkIndex link);

  EventLoop& loop_;
  const Topology& topology_;
  Prng root_;
  MessageSink& sink_;
  EventKind deliver_kind_;
  size_t nodes_count_;
  std::vector<uint16_t> blocked_;  // nodes_count_ x nodes_count_ block counters
  uint64_t blocks_active_ = 0;     // sum of blocked_
  std::vector<std::optional<Degradation>> degraded_;
  uint32_t degraded_count_ = 0;
  Prng degrade_prng_;
  std::vector<std::optional<Prng>> link_prngs_;
  std::deque<Pooled> pool_;
  std::vector<uint32_t> free_slots_;
  NetworkStats stats_;
};

}  // namespace edgesim

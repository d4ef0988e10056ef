#pragma once
// Network: carries messages between nodes over a Topology's routes, applying each link's model
// (latency, jitter, bandwidth, loss, duplication, reordering), partitions and degradation episodes.
//
// Guarantees: a message is delivered at most twice (once plus one duplicate), never before its
// sampled delay, and never across a partition that is in force at send or at delivery time.
// Randomness: one stream per link ("net/link/<name>"), forked the first time the link is used.
// Payloads live in a pool of strings (short ones inline, no allocation); a queue entry carries the
// destination as its target, the service as its tag and (sender, pool slot) as its payload, so a
// pending message costs one 24-byte queue entry plus one 32-byte pool slot. A payload sent to many
// nodes at once (send_to_all) lives once, in a second pool whose slots also count the deliveries
// still to come and keep the payload's trace digest; the sender half of the queue entry says which
// pool. (One pool of such 48-byte slots for every message cost the one-to-one gossip benchmark
// 19-23%.) The pools are deques: slots never move, so a delivery hands the receiver the pooled
// string itself (no copy) even if the receiver sends (and so grows the pool) while handling it.

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

  size_t nodes_count() const { return nodes_count_; }

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
    return pool_.size() * sizeof(std::string) + free_slots_.capacity() * sizeof(uint32_t) +
           shared_pool_.size() * sizeof(Shared) + free_shared_.capacity() * sizeof(uint32_t);
  }

  void on_event(const Event& event) override;

 private:
  // A payload sent to many nodes: how many scheduled deliveries still read it, and its
  // TraceHash::digest, mixed into the trace at each of them.
  struct Shared {
    std::string bytes;
    uint64_t digest = 0;
    uint32_t deliveries = 0;
  };
  // Set in the sender half of a delivery's payload when its slot is in shared_pool_.
  static constexpr uint32_t kSharedSlot = uint32_t{1} << 31;
  // When a message from -> to arrives, if it does: its route's links, partitions and degradation
  // decide, drawing from their random streams. Plain fields rather than optionals: an optional
  // arrival holding an optional duplicate went through the stack in pieces, and reading it back
  // whole stalled on store forwarding (half of send_to_all's samples, docs/performance.md).
  struct Arrival {
    bool delivered = false;  // false: dropped (and counted)
    bool duplicated = false;
    Instant at;
    Instant duplicate_at;  // if duplicated
  };
  Arrival plan(NodeId from, NodeId to, size_t size);
  uint32_t store(std::string&& bytes);
  uint32_t store_shared(std::string&& bytes);
  // `sender` is the sending node, with kSharedSlot set if `slot` is in shared_pool_.
  void schedule_delivery(Instant at, uint32_t sender, NodeId to, ServiceId service, uint32_t slot);
  // Hands a delivered payload to the sink, unless a partition or a down node stops it.
  void deliver(NodeId from, NodeId to, ServiceId service, std::string_view bytes);
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
  std::deque<std::string> pool_;
  std::vector<uint32_t> free_slots_;
  std::deque<Shared> shared_pool_;
  std::vector<uint32_t> free_shared_;
  NetworkStats stats_;
};

}  // namespace edgesim

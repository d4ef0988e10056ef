#pragma once
// Network: carries messages between nodes over a Topology's routes, applying each link's model
// (latency, jitter, bandwidth, loss, duplication, reordering), partitions and degradation episodes.
//
// Guarantees: a message is delivered at most twice (once plus one duplicate), never before its
// sampled delay, and never across a partition that is in force at send or at delivery time.
// Randomness: one stream per link ("net/link/<name>"), forked the first time the link is used.
// Payloads live in a pool; queue entries carry only the slot index.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/core/prng.h"
#include "sim/net/topology.h"

namespace edgesim {

using ServiceId = uint16_t;

// Receives delivered messages. Returns false if the destination could not take it (node down).
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual bool on_deliver(NodeId to, NodeId from, ServiceId service, std::string&& bytes) = 0;
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

  // Partitions: a directed block from -> to. Blocks nest (counted), so overlapping partitions
  // heal independently.
  void block(NodeId from, NodeId to);
  void unblock(NodeId from, NodeId to);
  void heal_all();
  bool blocked(NodeId from, NodeId to) const {
    return blocked_[size_t{from} * nodes_count_ + to] != 0;
  }

  void degrade(NodeId node, const Degradation& degradation);
  void restore(NodeId node);

  const NetworkStats& stats() const { return stats_; }
  size_t in_flight() const { return pool_.size() - free_slots_.size(); }

  void on_event(const Event& event) override;

 private:
  struct Message {
    NodeId from = 0;
    NodeId to = 0;
    ServiceId service = 0;
    uint64_t digest = 0;
    std::string bytes;
  };
  Prng& link_prng(LinkIndex link);
  uint32_t store(Message message);
  void schedule_delivery(Instant at, uint32_t slot);

  EventLoop& loop_;
  const Topology& topology_;
  Prng root_;
  MessageSink& sink_;
  EventKind deliver_kind_;
  size_t nodes_count_;
  std::vector<uint16_t> blocked_;  // nodes_count_ x nodes_count_ block counters
  std::vector<std::optional<Degradation>> degraded_;
  Prng degrade_prng_;
  std::vector<std::optional<Prng>> link_prngs_;
  std::vector<Message> pool_;
  std::vector<uint32_t> free_slots_;
  NetworkStats stats_;
};

}  // namespace edgesim

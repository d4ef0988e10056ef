#pragma once
// Nemesis: injects faults into a run: a fixed schedule from the scenario plus an optional random
// mix drawn from the "nemesis" stream, and a final heal when the quiet phase starts (every
// partition healed, every crashed node restarted, every degraded node restored), so convergence
// can be judged on a fault-free network.
//
// Faults act only through the Network, the nodes' clocks and crash/restart: engines never learn
// that a fault was injected. Every action that changed something is logged with its time.

#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/core/prng.h"
#include "sim/fault/fault_spec.h"
#include "sim/net/network.h"
#include "sim/node/cluster.h"

namespace edgesim {

// A FaultAction with names resolved to node ids.
struct ResolvedFault {
  Instant at;
  FaultKind kind = FaultKind::kHeal;
  std::vector<std::vector<NodeId>> groups;  // partition: >= 2 groups
  bool one_way = false;
  std::vector<NodeId> nodes;
  Duration clock_step{0};
  Degradation degradation;
  std::optional<Duration> lasts;
};

struct FaultLogEntry {
  Instant at;
  std::string what;
};

class Nemesis final : public EventHandler {
 public:
  Nemesis(EventLoop& loop, Network& network, Cluster& cluster, const Topology& topology,
          std::vector<ResolvedFault> schedule, const RandomFaultsSpec& random, const Prng& prng,
          Instant quiet_start);

  const std::vector<FaultLogEntry>& log() const { return log_; }
  // The last time a fault ended (a heal, restart or restore took effect); 0 if none.
  Instant last_recovery() const { return last_recovery_; }

  void on_event(const Event& event) override;

 private:
  struct ActivePartition {
    std::vector<std::pair<NodeId, NodeId>> pairs;
    bool healed = false;
  };
  void add_random_faults(const RandomFaultsSpec& random, Prng& prng, Instant quiet_start);
  void apply(size_t index);
  void undo(size_t index);
  void final_heal();
  void partition(size_t index);
  void heal_all();
  void note(std::string what);
  std::string names(const std::vector<NodeId>& nodes) const;

  EventLoop& loop_;
  Network& network_;
  Cluster& cluster_;
  const Topology& topology_;
  EventKind kind_;
  std::vector<ResolvedFault> faults_;
  std::vector<std::optional<ActivePartition>> partitions_;  // by fault index
  std::vector<bool> degraded_;                              // by node
  std::vector<FaultLogEntry> log_;
  Instant last_recovery_{0};
};

}  // namespace edgesim

#pragma once
// ClientWorkload: closed-loop clients issuing ops of one data type (OpGenerator) against one
// service.
//
// Each client is attached to one PoP (clients are dealt round-robin over regions, then over each
// region's PoPs: a client's PoP is in its own region, the nearest one). A client has at most one
// op outstanding; after an answer (or a timeout) it thinks for an exponential time with the
// configured mean (divided by a burst's factor during a burst) and issues the next. Requests and
// answers cross the client's access link. Every written value is unique (the op id), so checkers
// can attribute every read.
//
// History times are the client's true send and receive times. An op whose PoP is down when it
// arrives fails (it had no effect); an op without an answer within the timeout is "info", and the
// client continues as a new process, as in Jepsen.

#include <cstdint>
#include <deque>
#include <vector>

#include "sim/check/history.h"
#include "sim/core/event_loop.h"
#include "sim/metrics/histogram.h"
#include "sim/node/cluster.h"
#include "sim/workload/key_chooser.h"
#include "sim/workload/op_generator.h"
#include "sim/workload/workload_spec.h"

namespace edgesim {

class ClientWorkload final : public CompletionSink, public EventHandler {
 public:
  ClientWorkload(EventLoop& loop, Cluster& cluster, const Topology& topology, ServiceId service,
                 const WorkloadSpec& spec, const Prng& prng, Instant stop);
  ~ClientWorkload() override;  // frees the history's values the cheap way (release_values)

  const History& history() const { return history_; }
  History take_history() { return std::move(history_); }
  // Latency (ns) of completed ops: reads, and everything else (updates).
  const Histogram& read_latency() const { return read_latency_; }
  const Histogram& write_latency() const { return write_latency_; }
  DataType type() const { return spec_.type; }
  // The last time an op reached a PoP (after it, no client op can change replica state).
  Instant last_arrival() const { return last_arrival_; }
  // Session moves from one PoP to another (workload.mobility).
  uint64_t moves() const { return moves_; }

  void on_complete(NodeId node, ServiceId service, OpId op, Result&& result) override;
  void on_event(const Event& event) override;

 private:
  struct Client {
    NodeId pop = 0;
    uint64_t proc = 0;
    Prng prng;
    OpGenerator generator;
    bool busy = false;
    Instant next_move{INT64_MAX};
  };
  struct InFlight {
    uint32_t client = 0;
    NodeId pop = 0;    // where it was sent (the client may have moved since)
    bool open = true;  // neither answered nor timed out yet
    Result result;
  };
  void tick(uint32_t client);
  void move_if_due(Client& client);
  void arrive(OpId op);
  void answer(OpId op);
  void expire_timeouts();
  void schedule_next_timeout();
  void finish(OpId op);
  void schedule_tick(uint32_t client, Duration after);

  EventLoop& loop_;
  Cluster& cluster_;
  const Topology& topology_;
  ServiceId service_;
  WorkloadSpec spec_;
  Instant stop_;
  KeyChooser keys_;
  EventKind tick_kind_, arrive_kind_, answer_kind_, timeout_kind_;
  std::vector<Client> clients_;
  History history_;            // indexed by op id
  std::vector<InFlight> ops_;  // indexed by op id
  // Op timeouts. Every op's deadline is its call time plus the same timeout, so deadlines come in
  // issue order: a FIFO of op ids, with one pending event, for the oldest op still open, instead of
  // an event per op (most ops are answered long before their deadline).
  std::deque<OpId> deadlines_;
  bool timeout_pending_ = false;
  Histogram read_latency_, write_latency_;
  Instant last_arrival_{0};
  uint64_t moves_ = 0;
};

}  // namespace edgesim

#pragma once
// EventLoop: the single-threaded discrete-event core. Events run in time order; ties run in the
// order they were scheduled (the implicit global sequence number), never by address.
//
// Queue entries are 24-byte PODs (time, kind, target, payload handle, tag) in an EventQueue (a
// calendar queue, chosen by measurement: docs/performance.md). Components own their payloads (in
// pools) and register one EventHandler per event kind; dispatch is a table lookup, so scheduling
// never allocates per event.
//
// There is no generic cancel: the owner of an event cancels it by forgetting what the payload
// names (a timer id, an op id), and its handler ignores events that no longer apply. That keeps
// entries small and the hot path free of tombstone lookups.
//
// Every dispatched event is mixed into the TraceHash (time, kind, tag, target); handlers add their
// own payload digests.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/time.h"
#include "sim/core/trace_hash.h"

namespace edgesim {

using EventKind = uint16_t;

struct Event {
  Instant at;
  uint32_t target;  // a node, client or link index: meaning is up to the kind's handler
  EventKind kind;
  uint16_t aux;      // a small tag for the handler (e.g. a service index)
  uint64_t payload;  // a handle or small inline value, owned by the kind's handler
};

// The run stopped moving forward: simulated time stood still for too many events in a row
// (something re-arms a zero-delay timer, or answers messages at zero latency, forever), or too
// many events were waiting at once (something multiplies its messages): EventLoop::Limits. Either
// would hang the run or exhaust memory; run_scenario says which engine was running.
class RunawayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(const Event& event) = 0;
};

class EventLoop {
 public:
  // Far beyond any real run: the busiest instants of the shipped scenarios run a few thousand
  // events, and the largest benchmark keeps 1e6 in flight (a pending event is about 64 bytes).
  struct Limits {
    uint64_t events_at_one_instant = 10'000'000;
    size_t pending_events = 100'000'000;
  };

  EventLoop() = default;
  explicit EventLoop(Limits limits) : limits_(limits) {}
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers a handler for a new kind; `name` appears in traces. The handler must outlive the
  // loop.
  EventKind register_kind(std::string name, EventHandler* handler);
  const std::string& kind_name(EventKind kind) const { return kinds_[kind].name; }

  // Schedules an event at `at` (>= now()).
  void schedule(Instant at, EventKind kind, uint32_t target, uint64_t payload, uint16_t aux = 0);

  // Dispatches events with at <= end in order, then sets now() to end. Returns the number run.
  uint64_t run_until(Instant end);
  // Dispatches the next event, if any. Returns false when the queue is empty.
  bool step();

  Instant now() const { return now_; }
  size_t pending() const { return queue_.size(); }
  size_t queue_bytes() const { return queue_.memory_bytes(); }
  uint64_t dispatched() const { return dispatched_; }
  TraceHash& trace() { return trace_; }
  const TraceHash& trace() const { return trace_; }

 private:
  struct KindInfo {
    std::string name;
    EventHandler* handler;
  };

  void dispatch(const QueueEntry& entry);
  [[noreturn, gnu::cold, gnu::noinline]] void overflowing(EventKind kind, uint32_t target) const;
  [[noreturn, gnu::cold, gnu::noinline]] void stalled(const QueueEntry& entry) const;

  Limits limits_;
  EventQueue queue_;
  std::vector<KindInfo> kinds_;
  Instant now_{0};
  uint64_t dispatched_ = 0;
  uint64_t dispatched_at_now_ = 0;  // events in a row at now_
  TraceHash trace_;
};

}  // namespace edgesim

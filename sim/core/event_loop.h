#pragma once
// EventLoop: the single-threaded discrete-event core. Events are ordered by (at, seq), where seq is
// a global insertion counter, so ties resolve in scheduling order and never by address.
//
// Queue entries are 32-byte PODs (time, seq, kind, target, payload handle). Components own their
// payloads (in pools) and register one EventHandler per event kind; dispatch is a table lookup, so
// scheduling never allocates per event. The queue is a 4-ary min-heap: measured against a binary
// heap and std::priority_queue in tests/bench (see docs/performance.md).
//
// Every dispatched event is mixed into the TraceHash (time, kind, target); handlers add their own
// payload digests.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/core/trace_hash.h"

namespace edgesim {

using EventKind = uint16_t;
using EventId = uint64_t;  // the event's seq

struct Event {
  Instant at;
  uint64_t seq;
  uint32_t target;   // a node, client or link index: meaning is up to the kind's handler
  EventKind kind;
  uint16_t aux;      // a small tag for the handler (e.g. a service index)
  uint64_t payload;  // a handle or small inline value, owned by the kind's handler
};
static_assert(sizeof(Event) == 32, "queue entries must stay small");

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(const Event& event) = 0;
};

class EventLoop {
 public:
  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers a handler for a new kind; `name` appears in traces. The handler must outlive the loop.
  EventKind register_kind(std::string name, EventHandler* handler);
  const std::string& kind_name(EventKind kind) const { return kinds_[kind].name; }

  // Schedules an event at `at` (>= now()). Returns its id, usable with cancel().
  EventId schedule(Instant at, EventKind kind, uint32_t target, uint64_t payload,
                   uint16_t aux = 0);
  // Cancels a pending event; cancelling an event that already ran or was cancelled is a no-op.
  void cancel(EventId id);

  // Dispatches events with at <= end in order, then sets now() to end. Returns the number run.
  uint64_t run_until(Instant end);
  // Dispatches the next event, if any. Returns false when the queue is empty.
  bool step();

  Instant now() const { return now_; }
  size_t pending() const { return heap_.size(); }
  uint64_t dispatched() const { return dispatched_; }
  TraceHash& trace() { return trace_; }
  const TraceHash& trace() const { return trace_; }

 private:
  struct KindInfo {
    std::string name;
    EventHandler* handler;
  };

  static bool earlier(const Event& a, const Event& b) {
    return a.at.ns < b.at.ns || (a.at.ns == b.at.ns && a.seq < b.seq);
  }
  void push(const Event& event);
  Event pop();
  void dispatch(const Event& event);

  std::vector<Event> heap_;  // 4-ary min-heap by (at, seq)
  std::vector<KindInfo> kinds_;
  std::set<EventId> cancelled_;  // ordered: never iterated into output, only looked up
  Instant now_{0};
  uint64_t next_seq_ = 0;
  uint64_t dispatched_ = 0;
  TraceHash trace_;
};

}  // namespace edgesim

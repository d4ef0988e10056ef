#include "sim/core/event_loop.h"

#include <fmt/format.h>

#include "sim/core/assert.h"

namespace edgesim {

EventKind EventLoop::register_kind(std::string name, EventHandler* handler) {
  EDGESIM_ASSERT(handler != nullptr);
  EDGESIM_ASSERT(kinds_.size() < UINT16_MAX);
  kinds_.push_back(KindInfo{std::move(name), handler});
  return static_cast<EventKind>(kinds_.size() - 1);
}

void EventLoop::schedule(Instant at, EventKind kind, uint32_t target, uint64_t payload,
                         uint16_t aux) {
  EDGESIM_ASSERT(at >= now_, "scheduling in the past: {} < {}", at.ns, now_.ns);
  EDGESIM_ASSERT(kind < kinds_.size(), "unregistered event kind {}", kind);
  if (queue_.size() >= limits_.pending_events) [[unlikely]]
    overflowing(kind, target);
  queue_.push(QueueEntry{at.ns, payload, target, kind, aux});
}

// The two runaway errors, kept out of line: schedule() and dispatch() are the hottest code there
// is.
void EventLoop::overflowing(EventKind kind, uint32_t target) const {
  throw RunawayError(fmt::format(
      "{} events are waiting at {} (the last scheduled: a `{}` event, target {}): something "
      "multiplies its messages or timers",
      queue_.size(), format_duration(now_ - Instant{0}), kinds_[kind].name, target));
}

void EventLoop::stalled(const QueueEntry& entry) const {
  throw RunawayError(fmt::format(
      "simulated time stopped at {}: {} events in a row ran at that instant (the last: a `{}` "
      "event, target {}), as if something re-arms a zero-delay timer or answers messages at zero "
      "latency forever",
      format_duration(now_ - Instant{0}), limits_.events_at_one_instant, kinds_[entry.kind].name,
      entry.target));
}

uint64_t EventLoop::run_until(Instant end) {
  uint64_t count = 0;
  while (!queue_.empty() && queue_.peek_time() <= end.ns) {
    dispatch(queue_.pop());
    ++count;
  }
  if (end > now_) now_ = end;
  return count;
}

bool EventLoop::step() {
  if (queue_.empty()) return false;
  dispatch(queue_.pop());
  return true;
}

void EventLoop::dispatch(const QueueEntry& entry) {
  EDGESIM_ASSERT(entry.at >= now_.ns, "time went backwards");
  if (entry.at != now_.ns) {
    dispatched_at_now_ = 0;
  } else if (++dispatched_at_now_ == limits_.events_at_one_instant) [[unlikely]] {
    stalled(entry);
  }
  now_ = Instant{entry.at};
  ++dispatched_;
  trace_.mix(static_cast<uint64_t>(entry.at));
  trace_.mix((uint64_t{entry.kind} << 48) | (uint64_t{entry.aux} << 32) | entry.target);
  kinds_[entry.kind].handler->on_event(
      Event{now_, entry.target, entry.kind, entry.aux, entry.payload});
}

}  // namespace edgesim

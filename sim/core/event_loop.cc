#include "sim/core/event_loop.h"

#include "sim/core/assert.h"

namespace edgesim {

EventKind EventLoop::register_kind(std::string name, EventHandler* handler) {
  EDGESIM_ASSERT(handler != nullptr);
  EDGESIM_ASSERT(kinds_.size() < UINT16_MAX);
  kinds_.push_back(KindInfo{std::move(name), handler});
  return static_cast<EventKind>(kinds_.size() - 1);
}

EventId EventLoop::schedule(Instant at, EventKind kind, uint32_t target, uint64_t payload,
                            uint16_t aux) {
  EDGESIM_ASSERT(at >= now_, "scheduling in the past: {} < {}", at.ns, now_.ns);
  EDGESIM_ASSERT(kind < kinds_.size(), "unregistered event kind {}", kind);
  const uint64_t seq = next_seq_++;
  push(Event{at, seq, target, kind, aux, payload});
  return seq;
}

void EventLoop::cancel(EventId id) {
  if (id < next_seq_) cancelled_.insert(id);
}

uint64_t EventLoop::run_until(Instant end) {
  uint64_t count = 0;
  while (!heap_.empty() && heap_.front().at <= end) {
    Event event = pop();
    if (!cancelled_.empty() && cancelled_.erase(event.seq) > 0) continue;
    dispatch(event);
    ++count;
  }
  if (end > now_) now_ = end;
  return count;
}

bool EventLoop::step() {
  while (!heap_.empty()) {
    Event event = pop();
    if (!cancelled_.empty() && cancelled_.erase(event.seq) > 0) continue;
    dispatch(event);
    return true;
  }
  return false;
}

void EventLoop::dispatch(const Event& event) {
  EDGESIM_ASSERT(event.at >= now_, "time went backwards");
  now_ = event.at;
  ++dispatched_;
  trace_.mix(static_cast<uint64_t>(event.at.ns));
  trace_.mix((uint64_t{event.kind} << 48) | (uint64_t{event.aux} << 32) | event.target);
  kinds_[event.kind].handler->on_event(event);
}

void EventLoop::push(const Event& event) {
  // Sift up with a hole: move parents down until the new entry's slot is found.
  size_t hole = heap_.size();
  heap_.push_back(event);
  while (hole > 0) {
    const size_t parent = (hole - 1) / 4;
    if (!earlier(event, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = event;
}

Event EventLoop::pop() {
  EDGESIM_ASSERT(!heap_.empty());
  const Event top = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  const size_t size = heap_.size();
  if (size == 0) return top;
  size_t hole = 0;
  for (;;) {
    const size_t first = hole * 4 + 1;
    if (first >= size) break;
    size_t best = first;
    const size_t end = first + 4 < size ? first + 4 : size;
    for (size_t child = first + 1; child < end; ++child) {
      if (earlier(heap_[child], heap_[best])) best = child;
    }
    if (!earlier(heap_[best], last)) break;
    heap_[hole] = heap_[best];
    hole = best;
  }
  heap_[hole] = last;
  return top;
}

}  // namespace edgesim

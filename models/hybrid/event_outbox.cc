#include "models/hybrid/event_outbox.h"

#include <algorithm>
#include <optional>

namespace edgesim::models {
namespace {

const std::string kOutboxKey = "hybrid/outbox";
const std::string kAckedKey = "hybrid/acked";
const std::string kSeqKey = "hybrid/seq";

template <typename Kind>
void pack_event_record(Packer& out, uint64_t seq, std::string_view key,
                       const typename Kind::Change& change) {
  out.pack_array(3);
  out.pack_uint64(seq);
  pack_string(out, key);
  Kind::pack_change(out, change);
}

}  // namespace

template <typename Kind>
uint64_t EventOutbox<Kind>::record(DurableStore& store, const std::string& key,
                                   const Change& change) {
  const uint64_t seq = ++last_seq_;
  events_.push_back(Event{seq, key, change});
  store.append(kOutboxKey, wire_encode_into(record_, [&](Packer& out) {
                 pack_event_record<Kind>(out, seq, key, change);
               }));
  ++records_;
  return seq;
}

template <typename Kind>
void EventOutbox<Kind>::acknowledge(DurableStore& store, uint64_t seq) {
  if (events_.empty() || events_.front().seq > seq) return;
  while (!events_.empty() && events_.front().seq <= seq) events_.pop_front();
  store.put(kAckedKey, std::to_string(seq));
  if (events_.empty()) {
    store.put(kSeqKey, std::to_string(last_seq_));
    store.erase(kOutboxKey);
    records_ = 0;
  } else if (records_ > 2 * events_.size() + 64) {
    std::string log;
    for (const Event& e : events_) {
      log +=
          wire_encode([&](Packer& out) { pack_event_record<Kind>(out, e.seq, e.key, e.change); });
    }
    store.put(kOutboxKey, std::move(log));
    records_ = events_.size();
  }
}

template <typename Kind>
void EventOutbox<Kind>::load(const DurableStore& store) {
  if (auto seq = store.get(kSeqKey)) last_seq_ = std::stoull(*seq);
  const std::optional<std::string> acked_text = store.get(kAckedKey);
  const uint64_t acked = acked_text ? std::stoull(*acked_text) : 0;
  if (auto log = store.get(kOutboxKey)) {
    for_each_wire_record(*log, [&](const WireObject& e) {
      const uint64_t seq = wire_u64(wire_at(e, 0));
      last_seq_ = std::max(last_seq_, seq);
      ++records_;
      // Records are appended in seq order, and rewritten in it.
      if (seq > acked && (events_.empty() || seq > events_.back().seq))
        events_.push_back(
            Event{seq, std::string(wire_str(wire_at(e, 1))), Kind::unpack_change(wire_at(e, 2))});
    });
  }
}

template <typename Kind>
void EventOutbox<Kind>::clear() {
  events_.clear();
  records_ = 0;
  last_seq_ = 0;
}

template <typename Kind>
void EventOutbox<Kind>::pack(Packer& out) const {
  out.pack_array(static_cast<uint32_t>(events_.size() * 3));
  for (const Event& e : events_) {
    out.pack_uint64(e.seq);
    pack_string(out, e.key);
    Kind::pack_change(out, e.change);
  }
}

template class EventOutbox<CounterLog>;
template class EventOutbox<FieldLog>;

}  // namespace edgesim::models

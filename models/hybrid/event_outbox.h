#pragma once
// EventOutbox<Kind>: a hybrid replica's events (seq, key, change) from the moment it acknowledges
// an op until the log has them (the authority acknowledges appending them or, with optimistic
// reads, publishes values that include them), kept in the durable store so that a crash loses
// none and a restart resends them. Seqs increase by one per event and never repeat, across
// restarts too. `Kind` (log_kinds.h) says what a change is: an increment's `by`, a field's new
// value.
//
// Durable records:
//   "hybrid/outbox": the unacknowledged events, [seq, key, change] records appended one after
//     another, one append per event (a key per event, written and later erased, was a tenth of a
//     hybrid run). Erased once every event in it is acknowledged; rewritten without the
//     acknowledged ones once they are most of it, so each record is rewritten a bounded number of
//     times.
//   "hybrid/acked": the last seq acknowledged, in decimal (older records in the outbox are dead).
//   "hybrid/seq": the last seq, in decimal, written when the outbox is erased (while the outbox
//     holds records, the last of them has the last seq).

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "models/hybrid/log_kinds.h"
#include "models/wire/msgpack_wire.h"
#include "sim/engine/replica.h"

namespace edgesim::models {

template <typename Kind>
class EventOutbox {
 public:
  using Change = typename Kind::Change;
  struct Event {
    uint64_t seq;
    std::string key;
    Change change;
  };

  // Numbers an event, keeps it and appends it to the durable outbox; returns its seq.
  uint64_t record(DurableStore& store, const std::string& key, const Change& change);
  // Drops the events up to `seq` (the authority appended them), durably.
  void acknowledge(DurableStore& store, uint64_t seq);
  // After a restart: the unacknowledged events and the last seq, from the durable records.
  void load(const DurableStore& store);
  void clear();  // a crash: forgets what is not durable (everything held here)

  const std::deque<Event>& events() const { return events_; }  // seq order
  // Flat [seq, key, change, seq, key, change, ...]: every unacknowledged event.
  void pack(Packer& out) const;

 private:
  uint64_t last_seq_ = 0;
  std::deque<Event> events_;
  uint64_t records_ = 0;  // records in the durable outbox, acknowledged or not
  WireBuffer record_;     // a record being packed (kept: one allocation, not one per event)
};

}  // namespace edgesim::models

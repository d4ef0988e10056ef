#include "models/crdt/pn_counter.h"

#include <algorithm>

namespace edgesim::models {
namespace {

bool join(PnCounter::Totals& mine, const PnCounter::Totals& theirs) {
  bool changed = false;
  for (const auto& [replica, total] : theirs) {
    auto [slot, inserted] = mine.try_emplace(replica, total);
    if (inserted || total > slot->second) {
      slot->second = total;
      changed = true;
    }
  }
  return changed;
}

// join() from a packed flat (replica, total) array.
bool join_packed(PnCounter::Totals& mine, const WireObject& theirs) {
  bool changed = false;
  const uint32_t size = wire_tuples_size(theirs, 2);
  for (uint32_t i = 0; i < size; i += 2) {
    const auto replica = static_cast<ReplicaId>(wire_u64(wire_at(theirs, i)));
    const uint64_t total = wire_u64(wire_at(theirs, i + 1));
    auto [slot, inserted] = mine.try_emplace(replica, total);
    if (inserted || total > slot->second) {
      slot->second = total;
      changed = true;
    }
  }
  return changed;
}

}  // namespace

PnCounter PnCounter::from_totals(Totals increments, Totals decrements) {
  PnCounter counter;
  counter.increments_ = std::move(increments);
  counter.decrements_ = std::move(decrements);
  return counter;
}

Result PnCounter::apply(const Op& op, const CrdtStamp& stamp, PnCounter& delta) {
  if (op.is("read")) return Result::success(value());
  if (!op.is("incr")) return Result::failure("a counter supports incr and read, not " + op.f);
  if (!op.arg.is_null() && !op.arg.is_number_integer())
    return Result::failure("incr needs an integer `by`");
  const int64_t by = op.arg.is_null() ? 1 : op.arg.get<int64_t>();
  if (by >= 0) {
    delta.increments_[stamp.self] = increments_[stamp.self] += static_cast<uint64_t>(by);
  } else {
    delta.decrements_[stamp.self] = decrements_[stamp.self] += static_cast<uint64_t>(-by);
  }
  return Result::success();
}

bool PnCounter::merge(const PnCounter& other) {
  const bool increments = join(increments_, other.increments_);
  const bool decrements = join(decrements_, other.decrements_);
  return increments || decrements;
}

bool PnCounter::merge_packed(const WireObject& in) {
  const bool increments = join_packed(increments_, wire_at(in, 0));
  const bool decrements = join_packed(decrements_, wire_at(in, 1));
  return increments || decrements;
}

int64_t PnCounter::value() const {
  int64_t total = 0;
  for (const auto& [replica, count] : increments_) total += static_cast<int64_t>(count);
  for (const auto& [replica, count] : decrements_) total -= static_cast<int64_t>(count);
  return total;
}

void PnCounter::pack(Packer& out) const {
  out.pack_array(2);
  pack_counters(out, increments_);
  pack_counters(out, decrements_);
}

PnCounter PnCounter::unpack(const WireObject& in) {
  PnCounter counter;
  counter.increments_ = unpack_replica_counters(wire_at(in, 0));
  counter.decrements_ = unpack_replica_counters(wire_at(in, 1));
  return counter;
}

}  // namespace edgesim::models

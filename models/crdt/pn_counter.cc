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

}  // namespace

PnCounter PnCounter::from_totals(Totals increments, Totals decrements) {
  PnCounter counter;
  counter.increments_ = std::move(increments);
  counter.decrements_ = std::move(decrements);
  return counter;
}

Result PnCounter::apply(const Op& op, const CrdtStamp& stamp, PnCounter& delta) {
  if (op.f == "read") return Result::success(value());
  if (op.f != "incr") return Result::failure("a counter supports incr and read, not " + op.f);
  if (!op.arg.is_null() && !op.arg.is_number_integer()) return Result::failure("incr needs an integer `by`");
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
  counter.increments_ = unpack_counters<Totals>(wire_at(in, 0));
  counter.decrements_ = unpack_counters<Totals>(wire_at(in, 1));
  return counter;
}

}  // namespace edgesim::models

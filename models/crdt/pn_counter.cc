#include "models/crdt/pn_counter.h"

#include <algorithm>

namespace edgesim::models {
namespace {

bool join(std::map<ReplicaId, uint64_t>& mine, const std::map<ReplicaId, uint64_t>& theirs) {
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

Value totals_json(const std::map<ReplicaId, uint64_t>& totals) {
  Value list = Value::array();
  for (const auto& [replica, total] : totals) list.push_back(Value::array({replica, total}));
  return list;
}

std::map<ReplicaId, uint64_t> totals_from(const Value& json) {
  std::map<ReplicaId, uint64_t> totals;
  for (const Value& item : json) totals[item.at(0).get<ReplicaId>()] = item.at(1).get<uint64_t>();
  return totals;
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

Value PnCounter::to_json() const {
  return Value{{"p", totals_json(increments_)}, {"n", totals_json(decrements_)}};
}

PnCounter PnCounter::from_json(const Value& json) {
  PnCounter counter;
  counter.increments_ = totals_from(json.at("p"));
  counter.decrements_ = totals_from(json.at("n"));
  return counter;
}

}  // namespace edgesim::models

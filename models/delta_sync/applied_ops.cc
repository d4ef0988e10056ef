#include "models/delta_sync/applied_ops.h"

#include <algorithm>
#include <string>
#include <vector>

namespace edgesim::models {
namespace {

const std::string kLogKey = "applied";

}  // namespace

void AppliedOps::recover(const DurableStore& store) {
  clear();
  const auto log = store.entries().find(kLogKey);
  if (log == store.entries().end()) return;
  std::vector<Applied> applied;
  for_each_wire_record(log->second, [&](const WireObject& record) {
    applied.push_back(Applied{wire_u64(wire_at(record, 0)), Instant{wire_i64(wire_at(record, 1))}});
  });
  logged_ = applied.size();
  // Appended in the order applied; sorted anyway, as forget_before() relies on it.
  std::stable_sort(applied.begin(), applied.end(),
                   [](const Applied& a, const Applied& b) { return a.at < b.at; });
  // An op forgotten and applied again before a rewrite is in the log twice: its latest record
  // counts, as it did before the restart.
  for (auto done = applied.rbegin(); done != applied.rend(); ++done) {
    if (ops_.insert(done->op).second) by_time_.push_front(*done);
  }
}

void AppliedOps::append_record(const Applied& applied) {
  Packer out(record_);
  out.pack_array(2);
  out.pack_uint64(applied.op);
  out.pack_int64(applied.at.ns);
}

void AppliedOps::add(DurableStore& store, uint64_t op, Instant at) {
  if (!ops_.insert(op).second) return;
  by_time_.push_back(Applied{op, at});
  record_.clear();
  append_record(by_time_.back());
  store.append(kLogKey, record_.written());
  ++logged_;
}

void AppliedOps::forget_before(DurableStore& store, Instant cutoff) {
  while (!by_time_.empty() && by_time_.front().at < cutoff) {
    ops_.erase(by_time_.front().op);
    by_time_.pop_front();
  }
  const size_t forgotten = logged_ - by_time_.size();
  if (forgotten >= kMinRewrite && forgotten >= by_time_.size()) rewrite(store);
}

void AppliedOps::rewrite(DurableStore& store) {
  logged_ = by_time_.size();
  if (by_time_.empty()) {
    store.erase(kLogKey);
    return;
  }
  record_.clear();
  for (const Applied& applied : by_time_) append_record(applied);
  store.put(kLogKey, std::string(record_.written()));
}

void AppliedOps::clear() {
  by_time_.clear();
  ops_.clear();
  logged_ = 0;
}

}  // namespace edgesim::models

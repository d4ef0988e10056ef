#include "models/delta_sync/applied_ops.h"

#include <algorithm>
#include <string>
#include <vector>

namespace edgesim::models {
namespace {

const std::string kPrefix = "a/";

std::string record_key(uint64_t op) {
  std::string key = kPrefix;
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((op >> shift) & 0xff));
  return key;
}

uint64_t op_of(const std::string& key) {
  uint64_t op = 0;
  for (size_t i = kPrefix.size(); i < key.size(); ++i)
    op = (op << 8) | static_cast<unsigned char>(key[i]);
  return op;
}

}  // namespace

void AppliedOps::recover(const DurableStore& store) {
  clear();
  std::vector<Applied> applied;
  const auto& entries = store.entries();
  for (auto it = entries.lower_bound(kPrefix);
       it != entries.end() && it->first.starts_with(kPrefix); ++it) {
    applied.push_back(Applied{op_of(it->first), Instant{std::stoll(it->second)}});
  }
  std::stable_sort(applied.begin(), applied.end(),
                   [](const Applied& a, const Applied& b) { return a.at < b.at; });
  for (const Applied& done : applied) {
    by_time_.push_back(done);
    ops_.insert(done.op);
  }
}

void AppliedOps::add(DurableStore& store, uint64_t op, Instant at) {
  if (!ops_.insert(op).second) return;
  by_time_.push_back(Applied{op, at});
  store.put(record_key(op), std::to_string(at.ns));
}

void AppliedOps::forget_before(DurableStore& store, Instant cutoff) {
  while (!by_time_.empty() && by_time_.front().at < cutoff) {
    ops_.erase(by_time_.front().op);
    store.erase(record_key(by_time_.front().op));
    by_time_.pop_front();
  }
}

void AppliedOps::clear() {
  by_time_.clear();
  ops_.clear();
}

}  // namespace edgesim::models

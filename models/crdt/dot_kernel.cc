#include "models/crdt/dot_kernel.h"

#include <algorithm>
#include <vector>

namespace edgesim::models {

void DotKernel::put(const Dot& dot, const Value& value) {
  const auto existing = values_.find(dot);
  if (existing != values_.end()) erase(existing);
  values_.emplace(dot, MovableValue(value));
  auto indexed = dots_of_.find(value);
  if (indexed == dots_of_.end()) indexed = dots_of_.emplace(MovableValue(value), DotSet{}).first;
  indexed->second.insert(dot);
}

DotKernel::Values::iterator DotKernel::erase(Values::iterator it) {
  const auto indexed = dots_of_.find(it->second);
  indexed->second.erase(it->first);
  if (indexed->second.empty()) dots_of_.erase(indexed);
  return values_.erase(it);
}

void DotKernel::add(ReplicaId self, const Value& value, DotKernel& delta) {
  const Dot dot = context_.next_dot(self);
  put(dot, value);
  delta.put(dot, value);
  delta.context_.insert(dot);
}

void DotKernel::remove_if(const std::function<bool(const Value&)>& match, DotKernel& delta) {
  for (auto it = values_.begin(); it != values_.end();) {
    if (match(it->second.value)) {
      delta.context_.insert(it->first);
      it = erase(it);
    } else {
      ++it;
    }
  }
}

void DotKernel::remove_value(const Value& value, DotKernel& delta) {
  const auto indexed = dots_of_.find(value);
  if (indexed == dots_of_.end()) return;
  for (const Dot& dot : DotSet(indexed->second)) {
    delta.context_.insert(dot);
    erase(values_.find(dot));
  }
}

bool DotKernel::merge(const DotKernel& other) { return merge_into(other, nullptr); }

bool DotKernel::merge(const DotKernel& other, DotKernel& changed) { return merge_into(other, &changed); }

bool DotKernel::merge_into(const DotKernel& other, DotKernel* changed) {
  // The inflation's context: dots of `other` not seen here (taken before our context absorbs
  // `other`'s), plus the dots of values dropped below.
  if (changed) changed->context_ = context_.unseen_in(other.context_);
  std::vector<Dot> dropped_dots;
  bool dropped = false;
  auto drop = [&](Values::iterator it) {
    if (changed) dropped_dots.push_back(it->first);
    dropped = true;
    return erase(it);
  };
  // Drop our values whose dots the other side has seen but no longer holds (removed there). Only
  // dots in its context qualify, so visit those (a delta's context is a few dots) rather than all
  // of our values: per replica the range its vector covers, then the cloud.
  for (const auto& [replica, counter] : other.context_.vector().entries()) {
    for (auto it = values_.lower_bound(Dot{replica, 0}); it != values_.end() && it->first.first == replica &&
                                                         it->first.second <= counter;) {
      it = other.values_.count(it->first) == 0 ? drop(it) : std::next(it);
    }
  }
  for (const Dot& dot : other.context_.cloud()) {
    const auto it = values_.find(dot);
    if (it != values_.end() && other.values_.count(dot) == 0) drop(it);
  }
  // Take their values whose dots we have never seen.
  bool taken = false;
  for (const auto& [dot, value] : other.values_) {
    if (values_.count(dot) == 0 && !context_.contains(dot)) {
      put(dot, value.value);
      if (changed) changed->put(dot, value.value);
      taken = true;
    }
  }
  const bool context_grew = context_.merge(other.context_);
  if (changed) changed->context_.insert_all(std::move(dropped_dots));
  return context_grew || dropped || taken;
}

void DotKernel::pack(Packer& out) const {
  out.pack_array(2);
  out.pack_array(static_cast<uint32_t>(values_.size() * 3));
  for (const auto& [dot, value] : values_) {
    out.pack_uint32(dot.first);
    out.pack_uint64(dot.second);
    pack_value(out, value.value);
  }
  context_.pack(out);
}

DotKernel DotKernel::unpack(const WireObject& in) {
  // Built in bulk (one sort each for the values and their index) rather than by put(), which
  // would shift both flat maps on every insert: a full state carries thousands of values.
  DotKernel kernel;
  const WireObject& values = wire_at(in, 0);
  const uint32_t values_size = wire_tuples_size(values, 3);
  Values::sequence_type entries;
  entries.reserve(values_size / 3);
  for (uint32_t i = 0; i < values_size; i += 3) {
    const Dot dot{static_cast<ReplicaId>(wire_u64(wire_at(values, i))), wire_u64(wire_at(values, i + 1))};
    entries.emplace_back(dot, MovableValue(unpack_value(wire_at(values, i + 2))));
  }
  kernel.values_.adopt_sequence(std::move(entries));  // sorts; a repeated dot keeps one value
  kernel.index_values();
  kernel.context_ = CausalContext::unpack(wire_at(in, 1));
  return kernel;
}

void DotKernel::index_values() {
  std::vector<std::pair<const Value*, Dot>> by_value;
  by_value.reserve(values_.size());
  for (const auto& [dot, held] : values_) by_value.emplace_back(&held.value, dot);
  std::sort(by_value.begin(), by_value.end(), [](const auto& a, const auto& b) {
    return *a.first < *b.first || (!(*b.first < *a.first) && a.second < b.second);
  });
  ValueIndex::sequence_type index;
  for (const auto& [value, dot] : by_value) {
    if (index.empty() || index.back().first.value != *value) index.emplace_back(MovableValue(*value), DotSet{});
    index.back().second.insert(index.back().second.end(), dot);  // dots arrive in order
  }
  dots_of_.adopt_sequence(boost::container::ordered_unique_range, std::move(index));
}

uint64_t DotKernel::metadata_bytes() const {
  return values_.size() * sizeof(Dot) +
         (context_.vector().entries().size() + context_.cloud_size()) * sizeof(Dot);
}

}  // namespace edgesim::models

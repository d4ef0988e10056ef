#include "models/crdt/dot_kernel.h"

namespace edgesim::models {

void DotKernel::put(const Dot& dot, const Value& value) {
  const auto existing = values_.find(dot);
  if (existing != values_.end()) erase(existing);
  values_.emplace(dot, value);
  dots_of_[value].insert(dot);
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
    if (match(it->second)) {
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

bool DotKernel::merge(const DotKernel& other) {
  bool changed = false;
  // Drop our values whose dots the other side has seen but no longer holds (removed there). Only
  // dots in its context qualify, so visit those (a delta's context is a few dots) rather than all
  // of our values: per replica the range its vector covers, then the cloud.
  for (const auto& [replica, counter] : other.context_.vector().entries()) {
    for (auto it = values_.lower_bound(Dot{replica, 0}); it != values_.end() && it->first.first == replica &&
                                                         it->first.second <= counter;) {
      if (other.values_.count(it->first) == 0) {
        it = erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
  }
  for (const Dot& dot : other.context_.cloud()) {
    const auto it = values_.find(dot);
    if (it != values_.end() && other.values_.count(dot) == 0) {
      erase(it);
      changed = true;
    }
  }
  // Take their values whose dots we have never seen.
  for (const auto& [dot, value] : other.values_) {
    if (values_.count(dot) == 0 && !context_.contains(dot)) {
      put(dot, value);
      changed = true;
    }
  }
  return context_.merge(other.context_) || changed;
}

void DotKernel::pack(Packer& out) const {
  out.pack_array(2);
  out.pack_array(static_cast<uint32_t>(values_.size() * 3));
  for (const auto& [dot, value] : values_) {
    out.pack_uint32(dot.first);
    out.pack_uint64(dot.second);
    pack_value(out, value);
  }
  context_.pack(out);
}

DotKernel DotKernel::unpack(const WireObject& in) {
  DotKernel kernel;
  const WireObject& values = wire_at(in, 0);
  const uint32_t values_size = wire_tuples_size(values, 3);
  for (uint32_t i = 0; i < values_size; i += 3) {
    const Dot dot{static_cast<ReplicaId>(wire_u64(wire_at(values, i))), wire_u64(wire_at(values, i + 1))};
    kernel.put(dot, unpack_value(wire_at(values, i + 2)));
  }
  kernel.context_ = CausalContext::unpack(wire_at(in, 1));
  return kernel;
}

uint64_t DotKernel::metadata_bytes() const {
  return values_.size() * sizeof(Dot) +
         (context_.vector().entries().size() + context_.cloud_size()) * sizeof(Dot);
}

}  // namespace edgesim::models

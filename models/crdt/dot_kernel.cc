#include "models/crdt/dot_kernel.h"

namespace edgesim::models {

void DotKernel::add(ReplicaId self, const Value& value, DotKernel& delta) {
  const Dot dot = context_.next_dot(self);
  values_[dot] = value;
  delta.values_[dot] = value;
  delta.context_.insert(dot);
}

void DotKernel::remove_if(const std::function<bool(const Value&)>& match, DotKernel& delta) {
  for (auto it = values_.begin(); it != values_.end();) {
    if (match(it->second)) {
      delta.context_.insert(it->first);
      it = values_.erase(it);
    } else {
      ++it;
    }
  }
}

bool DotKernel::merge(const DotKernel& other) {
  bool changed = false;
  // Drop our values whose dots the other side has seen but no longer holds (removed there).
  for (auto it = values_.begin(); it != values_.end();) {
    if (other.values_.count(it->first) == 0 && other.context_.contains(it->first)) {
      it = values_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  // Take their values whose dots we have never seen.
  for (const auto& [dot, value] : other.values_) {
    if (values_.count(dot) == 0 && !context_.contains(dot)) {
      values_[dot] = value;
      changed = true;
    }
  }
  return context_.merge(other.context_) || changed;
}

Value DotKernel::to_json() const {
  Value values = Value::array();
  for (const auto& [dot, value] : values_) values.push_back(Value::array({dot.first, dot.second, value}));
  return Value{{"values", std::move(values)}, {"context", context_.to_json()}};
}

DotKernel DotKernel::from_json(const Value& json) {
  DotKernel kernel;
  for (const Value& item : json.at("values")) {
    kernel.values_[Dot{item.at(0).get<ReplicaId>(), item.at(1).get<uint64_t>()}] = item.at(2);
  }
  kernel.context_ = CausalContext::from_json(json.at("context"));
  return kernel;
}

uint64_t DotKernel::metadata_bytes() const {
  return values_.size() * sizeof(Dot) +
         (context_.vector().entries().size() + context_.cloud_size()) * sizeof(Dot);
}

}  // namespace edgesim::models

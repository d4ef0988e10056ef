#include "models/crdt/causal_context.h"

#include <algorithm>

namespace edgesim::models {

uint64_t VersionVector::get(ReplicaId replica) const {
  auto it = counters_.find(replica);
  return it == counters_.end() ? 0 : it->second;
}

void VersionVector::set(ReplicaId replica, uint64_t counter) {
  if (counter == 0) {
    counters_.erase(replica);
  } else {
    counters_[replica] = counter;
  }
}

bool VersionVector::merge(const VersionVector& other) {
  bool changed = false;
  for (const auto& [replica, counter] : other.counters_) {
    uint64_t& mine = counters_[replica];
    if (counter > mine) {
      mine = counter;
      changed = true;
    }
  }
  return changed;
}

VersionVector VersionVector::meet(const VersionVector& other) const {
  VersionVector result;
  for (const auto& [replica, counter] : counters_) result.set(replica, std::min(counter, other.get(replica)));
  return result;
}

bool VersionVector::dominates(const VersionVector& other) const {
  for (const auto& [replica, counter] : other.counters_) {
    if (get(replica) < counter) return false;
  }
  return true;
}

Value VersionVector::to_json() const {
  Value list = Value::array();
  for (const auto& [replica, counter] : counters_) list.push_back(Value::array({replica, counter}));
  return list;
}

VersionVector VersionVector::from_json(const Value& json) {
  VersionVector vv;
  for (const Value& item : json) vv.set(item.at(0).get<ReplicaId>(), item.at(1).get<uint64_t>());
  return vv;
}

bool CausalContext::contains(const Dot& dot) const {
  return dot.second <= vector_.get(dot.first) || cloud_.count(dot) != 0;
}

Dot CausalContext::next_dot(ReplicaId replica) {
  const Dot dot{replica, vector_.get(replica) + 1};
  vector_.set(replica, dot.second);
  return dot;
}

void CausalContext::insert(const Dot& dot) {
  if (contains(dot)) return;
  cloud_.insert(dot);
  compact();
}

bool CausalContext::merge(const CausalContext& other) {
  bool changed = vector_.merge(other.vector_);
  for (const Dot& dot : other.cloud_) {
    if (!contains(dot)) {
      cloud_.insert(dot);
      changed = true;
    }
  }
  compact();
  return changed;
}

void CausalContext::compact() {
  // Cloud dots are ordered by (replica, counter): fold each run that continues the vector.
  for (auto it = cloud_.begin(); it != cloud_.end();) {
    const uint64_t known = vector_.get(it->first);
    if (it->second == known + 1) {
      vector_.set(it->first, it->second);
      it = cloud_.erase(it);
    } else if (it->second <= known) {
      it = cloud_.erase(it);
    } else {
      ++it;
    }
  }
}

Value CausalContext::to_json() const {
  Value cloud = Value::array();
  for (const Dot& dot : cloud_) cloud.push_back(Value::array({dot.first, dot.second}));
  return Value{{"vv", vector_.to_json()}, {"cloud", std::move(cloud)}};
}

CausalContext CausalContext::from_json(const Value& json) {
  CausalContext context;
  context.vector_ = VersionVector::from_json(json.at("vv"));
  for (const Value& dot : json.at("cloud")) {
    context.cloud_.insert(Dot{dot.at(0).get<ReplicaId>(), dot.at(1).get<uint64_t>()});
  }
  return context;
}

}  // namespace edgesim::models

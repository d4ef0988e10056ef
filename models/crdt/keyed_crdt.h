#pragma once
// KeyedCrdt<T>: a map from keys to CRDT values of type T, itself a CRDT (joined key by key).
// Client ops name a key; a delta is a KeyedCrdt holding only the touched keys.

#include <map>
#include <string>

#include "models/crdt/crdt_type.h"
#include "sim/core/trace_hash.h"

namespace edgesim::models {

template <CrdtType T>
class KeyedCrdt {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, KeyedCrdt& delta) {
    T value_delta;
    if (op.f == "read" && entries_.count(op.key) == 0) {
      T absent;  // reading must not create the key
      return absent.apply(op, stamp, value_delta);
    }
    const Result result = entries_[op.key].apply(op, stamp, value_delta);
    if (result.ok && op.f != "read") delta.entries_[op.key].merge(value_delta);
    return result;
  }

  // Joins `other` into this state. Returns the part of `other` that changed something here (what
  // delta-state sync relays onward).
  KeyedCrdt merge(const KeyedCrdt& other) {
    KeyedCrdt inflation;
    for (const auto& [key, value] : other.entries_) {
      auto it = entries_.find(key);
      if (it == entries_.end()) {
        if (value.obsolete(stable_)) continue;  // compacted away here already
        entries_.emplace(key, value);
        inflation.entries_.emplace(key, value);
        continue;
      }
      if constexpr (InflationReporting<T>) {
        T changed;
        if (it->second.merge(value, changed)) inflation.entries_.emplace(key, std::move(changed));
      } else {
        if (it->second.merge(value)) inflation.entries_.emplace(key, value);
      }
    }
    return inflation;
  }

  // Lets every value drop what all replicas have seen; erases values that became empty.
  void compact(const VersionVector& stable) {
    stable_ = stable;
    for (auto it = entries_.begin(); it != entries_.end();) {
      it->second.compact(stable);
      it = it->second == T{} ? entries_.erase(it) : std::next(it);
    }
  }

  Value observe() const {
    Value result = Value::object();
    for (const auto& [key, value] : entries_) {
      Value observed = value.observe();
      if (!observed.is_null()) result[key] = std::move(observed);
    }
    return result;
  }

  Value to_json() const {
    Value result = Value::object();
    for (const auto& [key, value] : entries_) result[key] = value.to_json();
    return result;
  }

  static KeyedCrdt from_json(const Value& json) {
    KeyedCrdt keyed;
    for (auto it = json.begin(); it != json.end(); ++it) keyed.entries_.emplace(it.key(), T::from_json(it.value()));
    return keyed;
  }

  uint64_t metadata_bytes() const {
    uint64_t total = 0;
    for (const auto& [key, value] : entries_) total += value.metadata_bytes();
    return total;
  }

  uint64_t digest() const { return TraceHash::digest(to_json().dump()); }
  bool empty() const { return entries_.empty(); }
  const std::map<std::string, T>& entries() const { return entries_; }

 private:
  std::map<std::string, T> entries_;
  VersionVector stable_;  // local: the last stability frontier (see T::obsolete)
};

}  // namespace edgesim::models

#pragma once
// LogValues<Kind>: what an event log holds by key (a counter's total, a field's value; see
// log_kinds.h), as the hybrid's authority folds events into it and publishes it, and as the other
// replicas hold what it last published.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/hybrid/log_kinds.h"
#include "models/key_btree.h"
#include "models/key_lookup_cache.h"
#include "models/wire/msgpack_wire.h"
#include "sim/core/key_order.h"

namespace edgesim::models {

// The authority looks a value up for every event it appends and every read it answers, so a
// lookup cache stands in front of the B-tree (a search of a std::map per event was 1.5% of a
// hybrid run).
template <typename Kind>
class LogValues {
 public:
  using Held = typename Kind::Held;

  // `key`'s value; a default one (a total of 0, a null field) if it has none.
  const Held& at(std::string_view key) {
    const auto* item = lookups_.lookup(entries_, key);
    return item == nullptr ? none_ : item->second;
  }
  // The same, without the cache (for observations).
  const Held& at(std::string_view key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? none_ : it->second;
  }
  void fold(std::string_view key, const typename Kind::Change& change) {
    Held& held = lookups_.lookup_or_add(entries_, key).second;
    Kind::fold(held, change);
    if constexpr (Kind::kForgetsAbsent) {
      if (held == none_) forget(key);
    }
  }
  // Calls visit(key, value) for each key, in key order.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (const auto& [key, value] : entries_) visit(key, value);
  }
  bool empty() const { return entries_.empty(); }
  void clear() {
    entries_.clear();
    lookups_.forget_all();
  }

  // Flat [key, value, key, value, ...], in key order.
  void pack(Packer& out) const {
    out.pack_array(static_cast<uint32_t>(entries_.size() * 2));
    for (const auto& [key, value] : entries_) {
      pack_string(out, key);
      Kind::pack_held(out, value);
    }
  }

  // Sets each value pack() listed; changed(key) is called for each value that changed. LogValues
  // are published in key order, so each key is found a step or two on from the last one (a search
  // from the root for each of them was a twentieth of a hybrid run); one out of order is searched
  // for. With Kind::kForgetsAbsent the list is complete: a key it leaves out is forgotten.
  template <typename Changed>
  void assign(const WireObject& in, Changed&& changed) {
    assign_listed(in, changed);
    if constexpr (Kind::kForgetsAbsent) {
      std::vector<std::string_view> listed;
      const uint32_t size = wire_tuples_size(in, 2);
      for (uint32_t i = 0; i < size; i += 2) listed.push_back(wire_str(wire_at(in, i)));
      std::sort(listed.begin(), listed.end());
      std::vector<std::string> left_out;
      for (const auto& [key, value] : entries_) {
        if (!std::binary_search(listed.begin(), listed.end(), std::string_view(key)))
          left_out.push_back(key);
      }
      for (const std::string& key : left_out) {
        forget(key);
        changed(key);
      }
    }
  }

 private:
  using Tree = KeyBTree<Held>;

  void forget(std::string_view key) {
    entries_.erase(entries_.find(key));
    lookups_.forget_all();
  }
  template <typename Changed>
  void assign_listed(const WireObject& in, Changed& changed) {
    const uint32_t size = wire_tuples_size(in, 2);
    auto at = entries_.begin();
    std::string_view previous;
    for (uint32_t i = 0; i < size; i += 2) {
      const std::string_view key = wire_str(wire_at(in, i));
      Held value = Kind::unpack_held(wire_at(in, i + 1));
      if (i == 0 || compare_keys(key, previous) <= 0) {
        at = entries_.lower_bound(key);
      } else {
        for (int steps = 0; at != entries_.end() && compare_keys(at->first, key) < 0; ++at) {
          if (++steps > 4) {
            at = entries_.lower_bound(key);
            break;
          }
        }
      }
      previous = key;
      if (at == entries_.end() || compare_keys(at->first, key) != 0) {
        at = entries_.try_emplace(at, std::string(key), std::move(value));
        lookups_.forget_all();
      } else if (at->second == value) {
        continue;
      } else {
        at->second = std::move(value);
      }
      changed(key);
    }
  }

  Held none_{};  // what at() gives for a key without a value
  Tree entries_;
  KeyLookupCache<Tree> lookups_;
};

}  // namespace edgesim::models

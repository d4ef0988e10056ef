#pragma once
// LogTotals: an event log's totals by key, as the hybrid's authority folds events into them and
// publishes them, and as the other replicas hold what it last published.

#include <cstdint>
#include <string>
#include <string_view>

#include "models/key_btree.h"
#include "models/key_lookup_cache.h"
#include "models/wire/msgpack_wire.h"
#include "sim/core/key_order.h"

namespace edgesim::models {

// The authority looks a total up for every event it appends and every read it answers, so a
// lookup cache stands in front of the B-tree (a search of a std::map per event was 1.5% of a
// hybrid run).
class LogTotals {
 public:
  // `key`'s total, 0 if it has none.
  int64_t at(std::string_view key) {
    const auto* item = lookups_.lookup(entries_, key);
    return item == nullptr ? 0 : item->second;
  }
  // The same, without the cache (for observations).
  int64_t at(std::string_view key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? 0 : it->second;
  }
  void add(std::string_view key, int64_t by) { lookups_.lookup_or_add(entries_, key).second += by; }
  bool empty() const { return entries_.empty(); }
  void clear() {
    entries_.clear();
    lookups_.forget_all();
  }

  // Flat [key, total, key, total, ...], in key order.
  void pack(Packer& out) const {
    out.pack_array(static_cast<uint32_t>(entries_.size() * 2));
    for (const auto& [key, total] : entries_) {
      pack_string(out, key);
      out.pack_int64(total);
    }
  }

  // Sets each total pack() listed; changed(key) is called for each total that changed. LogTotals
  // are published in key order, so each key is found a step or two on from the last one (a search
  // from the root for each of them was a twentieth of a hybrid run); one out of order is searched
  // for.
  template <typename Changed>
  void assign(const WireObject& in, Changed&& changed) {
    const uint32_t size = wire_tuples_size(in, 2);
    auto at = entries_.begin();
    std::string_view previous;
    for (uint32_t i = 0; i < size; i += 2) {
      const std::string_view key = wire_str(wire_at(in, i));
      const int64_t total = wire_i64(wire_at(in, i + 1));
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
        at = entries_.try_emplace(at, std::string(key), total);
        lookups_.forget_all();
      } else if (at->second == total) {
        continue;
      }
      at->second = total;
      changed(key);
    }
  }

 private:
  using Tree = KeyBTree<int64_t>;
  Tree entries_;
  KeyLookupCache<Tree> lookups_;
};

}  // namespace edgesim::models

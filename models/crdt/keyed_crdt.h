#pragma once
// KeyedCrdt<T>: a map from keys to CRDT values of type T, itself a CRDT (joined key by key).
// Client ops name a key; a delta is a KeyedCrdt holding only the touched keys.

#include <optional>
#include <string>
#include <string_view>

#include "models/crdt/crdt_type.h"
#include "models/key_btree.h"
#include "models/key_lookup_cache.h"
#include "sim/core/assert.h"
#include "sim/core/key_order.h"
#include "sim/core/trace_hash.h"
#include "sim/engine/observed_digest.h"

namespace edgesim::models {

template <CrdtType T>
class KeyedCrdt {
 public:
  using Entries = KeyBTree<T>;  // see key_btree.h

  // Applies a client op to its key's value; a successful update leaves the value's delta in
  // `delta` (an empty T before). A read does not create the key.
  Result apply(const Op& op, const CrdtStamp& stamp, T& delta) {
    digest_.reset();  // a read too: T::apply is not const
    auto* item = lookups_.lookup(entries_, op.key);
    if (op.is("read"))
      return item == nullptr ? T{}.apply(op, stamp, delta) : item->second.apply(op, stamp, delta);
    note_changed(op.key);
    if (item == nullptr) item = &*insert(entries_.end(), op.key).first;
    return item->second.apply(op, stamp, delta);
  }
  // The same, with the delta as a keyed CRDT of the one key (empty after a read or a failure).
  Result apply(const Op& op, const CrdtStamp& stamp, KeyedCrdt& delta) {
    T value_delta;
    Result result = apply(op, stamp, value_delta);
    if (result.ok && !op.is("read")) delta.absorb(op.key, value_delta);
    return result;
  }

  // Joins `other` into this state. Returns the part of `other` that changed something here (what
  // delta sync relays onward).
  KeyedCrdt merge(const KeyedCrdt& other) {
    KeyedCrdt inflation;
    join_into(other, &inflation);
    return inflation;
  }
  // Joins `other` into this state; true if that changed anything (exactly when merge() would
  // return a non-empty inflation), without building the inflation.
  bool join(const KeyedCrdt& other) { return join_into(other, nullptr); }

  // join() or merge() of a packed KeyedCrdt (see pack()), read straight from the wire: no
  // intermediate map of received keys is built. `inflation` may be null (join).
  bool join_packed(const WireObject& in, KeyedCrdt* inflation) {
    EDGESIM_ASSERT(in.type == msgpack::type::MAP, "expected a map of keyed CRDT values");
    digest_.reset();
    bool changed = false;
    // pack() writes keys in order, so each key's place is found by walking on from the last one.
    auto from = entries_.begin();
    std::string_view previous;
    for (uint32_t i = 0; i < in.via.map.size; ++i) {
      const msgpack::object_kv& entry = in.via.map.ptr[i];
      const std::string_view key = wire_str(entry.key);
      [[maybe_unused]] uint64_t hash = 0;
      if constexpr (PackedMerging<T>) {
        // A key merged lately: no search at all. The next key is then searched from the root.
        hash = hash_key(key);
        auto* item = inflation == nullptr ? lookups_.find(key, hash) : nullptr;
        if (item != nullptr) {
          if (item->second.merge_packed(entry.val)) {
            changed = true;
            note_changed(key);
          }
          previous = {};
          continue;
        }
      }
      auto at = !previous.empty() && compare_keys(key, previous) > 0 ? seek(from, key)
                                                                     : entries_.lower_bound(key);
      previous = key;
      if constexpr (PackedMerging<T>) {
        if (inflation == nullptr && at != entries_.end() && compare_keys(at->first, key) == 0) {
          lookups_.remember(hash, *at);
          if (at->second.merge_packed(entry.val)) {
            changed = true;
            note_changed(key);
          }
          from = at;  // where the next, greater key's search starts
          continue;
        }
      }
      changed = join_value(at, key, T::unpack(entry.val), inflation) || changed;
      from = at;  // join_value() may have inserted: `at` is this key's entry or just after it
    }
    return changed;
  }

  // Folds a delta into a delta group (for sending; see DeltaGrouping in crdt_type.h).
  void absorb(const KeyedCrdt& delta) {
    for (const auto& [key, value] : delta.entries_) absorb(key, value);
  }
  void absorb(std::string_view key, const T& delta) {
    digest_.reset();
    note_changed(key);
    T& value = value_of(key);
    if constexpr (DeltaGrouping<T>) {
      value.absorb(delta);
    } else {
      value.merge(delta);
    }
  }

  // Lets every value drop what all replicas have seen; erases values that became empty.
  void compact(const VersionVector& stable) {
    digest_.reset();
    stable_ = stable;
    for (auto it = entries_.begin(); it != entries_.end();) {
      it->second.compact(stable);
      if (!(it->second == T{})) {
        ++it;
        continue;
      }
      note_changed(it->first);
      it = entries_.erase(it);
      lookups_.forget_all();
    }
  }

  // The keys whose values observe differently from a key never written (an emptied set, a
  // deleted text, a counter back at 0 are left out). Compaction erases emptied values, so listing
  // them would make observe() depend on when each replica last compacted; observe_version() does
  // not change with compaction, and replicas equal in content must observe equal.
  Value observe() const {
    Value result = Value::object();
    for (const auto& [key, value] : entries_) {
      if (std::optional<Value> seen = observed(value)) result[key] = std::move(*seen);
    }
    return result;
  }

  // A digest of observe() (see Replica::observe_digest and sim/engine/observed_digest.h).
  uint64_t observed_digest() const {
    return observed_digest_of_view(
        [](const std::string&, const T& value) { return observed(value); });
  }

  // The same for a view of this state, for an engine whose observation is built on it (hybrid):
  // view(key, value) gives the key's observed value or nullopt. The view must tell of every change
  // of its own (note_view_changed): the bookkeeping is shared, so a state serves one digest, its
  // own or one view's.
  template <typename View>
  uint64_t observed_digest_of_view(View&& view) const {
    return observed_.digest_by(
        [&](auto&& add) {
          for (const auto& [key, value] : entries_) add(key, view(key, value));
        },
        [&](const std::string& key) -> std::optional<Value> {
          const auto entry = entries_.find(key);
          if (entry == entries_.end()) return std::nullopt;
          return view(entry->first, entry->second);
        });
  }
  // `key`'s view value may have changed (or every key's): only the digest's bookkeeping changes.
  void note_view_changed(std::string_view key) const { observed_.changed(key, entries_.size()); }
  void note_view_all_changed() const { observed_.all_changed(); }

  // A value as observe() lists it: nullopt for one that observes like a key never written.
  static std::optional<Value> observed(const T& value) {
    static const Value kAbsent = T{}.observe();
    Value result = value.observe();
    if (result == kAbsent) return std::nullopt;
    return result;
  }

  // A map from key to packed value, in key order.
  void pack(Packer& out) const {
    out.pack_map(static_cast<uint32_t>(entries_.size()));
    for (const auto& [key, value] : entries_) {
      pack_string(out, key);
      value.pack(out);
    }
  }

  static KeyedCrdt unpack(const WireObject& in) {
    EDGESIM_ASSERT(in.type == msgpack::type::MAP, "expected a map of keyed CRDT values");
    KeyedCrdt keyed;
    for (uint32_t i = 0; i < in.via.map.size; ++i) {
      const msgpack::object_kv& entry = in.via.map.ptr[i];
      // Assigned, not emplaced with the value: GCC 12 misreads the inlined move of a small_vector
      // (a dot set) into a B-tree slot as an overread (-Wstringop-overread). A repeated key (a
      // malformed message) keeps its first value, as an emplace would.
      const auto [at, added] = keyed.insert(keyed.entries_.end(), wire_str(entry.key));
      if (added) at->second = T::unpack(entry.val);
    }
    return keyed;
  }

  uint64_t metadata_bytes() const {
    uint64_t total = 0;
    for (const auto& [key, value] : entries_) total += value.metadata_bytes();
    return total;
  }

  // A hash of pack()'s bytes, remembered until the next change.
  uint64_t digest() const {
    if (!digest_) digest_ = TraceHash::digest(wire_encode([this](Packer& out) { pack(out); }));
    return *digest_;
  }
  bool empty() const { return entries_.empty(); }
  const Entries& entries() const { return entries_; }

 private:
  bool join_into(const KeyedCrdt& other, KeyedCrdt* inflation) {
    digest_.reset();
    bool changed = false;
    for (const auto& [key, value] : other.entries_) {
      auto at = entries_.lower_bound(key);
      changed = join_value(at, key, value, inflation) || changed;
    }
    return changed;
  }

  // The first entry not before `key`, searching forward from `from` (no entry before `from` is
  // after `key`): a few steps when keys arrive in order and close together, a tree search when
  // they are far apart.
  typename Entries::iterator seek(typename Entries::iterator from, std::string_view key) {
    for (int steps = 0; from != entries_.end() && compare_keys(from->first, key) < 0; ++from) {
      if (++steps > 4) return entries_.lower_bound(key);
    }
    return from;
  }

  // Joins `value` into the entry for `key`; `at` is entries_.lower_bound(key), and is left at the
  // key's entry if one was inserted (an insert invalidates the B-tree's iterators).
  bool join_value(typename Entries::iterator& at, std::string_view key, const T& value,
                  KeyedCrdt* inflation) {
    const bool new_key = at == entries_.end() || compare_keys(at->first, key) != 0;
    if (new_key) {
      if (value.obsolete(stable_)) return false;  // compacted away here already
      // Merged into an empty value rather than adopted: a delta group need not be normalized.
      at = insert(at, key).first;
    }
    bool value_changed = false;
    if (inflation == nullptr) {
      value_changed = at->second.merge(value);
    } else if constexpr (InflationReporting<T>) {
      T part;
      value_changed = at->second.merge(value, part);
      if (value_changed) inflation->emplace(at->first, std::move(part));
    } else {
      value_changed = at->second.merge(value);
      if (value_changed) inflation->emplace(at->first, value);
    }
    // A new key is news even when its value is empty (an empty set still observes as []).
    if (new_key && inflation != nullptr) inflation->insert(inflation->entries_.end(), at->first);
    if (value_changed || new_key) note_changed(key);
    return value_changed || new_key;
  }

  void note_changed(std::string_view key) { observed_.changed(key, entries_.size()); }

  // Adds `key` with an empty value unless it is there; `hint` is where it would go, or any
  // position. Returns its entry, and whether it was added.
  std::pair<typename Entries::iterator, bool> insert(typename Entries::iterator hint,
                                                     std::string_view key) {
    digest_.reset();
    const size_t before = entries_.size();
    const auto at = entries_.try_emplace(hint, std::string(key));
    const bool added = entries_.size() != before;
    if (added) lookups_.forget_all();  // elements may have moved
    return {at, added};
  }
  // `key`'s value, added empty if absent. A delta group starts empty every round, so most of its
  // keys are new to it: absorb() searched for the key and then again for its place, 800
  // instructions per write in a hybrid run (300 with lookup_or_add's one search).
  T& value_of(std::string_view key) { return lookups_.lookup_or_add(entries_, key).second; }
  // Adds `key` with `value` unless it is there (as emplace does).
  template <typename V>
  void emplace(std::string_view key, V&& value) {
    const auto [at, added] = insert(entries_.end(), key);
    if (added) at->second = std::forward<V>(value);
  }

  Entries entries_;
  KeyLookupCache<Entries> lookups_;  // where entries_ keeps recently used keys
  VersionVector stable_;             // local: the last stability frontier (see T::obsolete)
  mutable ObservedDigest observed_;  // observed_digest()'s bookkeeping
  // digest(), once computed. Digest sync asks for it per peer and per message received, and
  // packing a whole state each time was 11% of a digest-mode lww_map run. Every member function
  // that changes entries_ forgets it on entry, whether or not it changes anything in the end.
  mutable std::optional<uint64_t> digest_;
};

}  // namespace edgesim::models

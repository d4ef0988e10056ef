#pragma once
// DotKernel: the core of dot-based CRDTs (Almeida et al.): a map from dots to values plus the
// causal context of every dot ever seen. A value survives a merge if both sides have its dot, or
// one side has it and the other side has never seen it; a dot seen and dropped by one side was
// removed, and stays removed. Removal therefore needs no tombstones: the context remembers it,
// compacted to a version vector. OR-Set and MV-Register are thin layers over it.

#include <vector>

#include "models/crdt/causal_context.h"

namespace edgesim::models {

class DotKernel {
 public:
  // Adds `value` under a fresh dot of `self`; the delta records the dot and value.
  void add(ReplicaId self, const Value& value, DotKernel& delta);
  // Removes every value; the delta's context records the removed dots.
  void remove_all(DotKernel& delta);
  // Removes every dot holding `value` (an index lookup, not a scan); recorded in the delta.
  void remove_value(const Value& value, DotKernel& delta);
  bool merge(const DotKernel& other);  // true if this changed
  // Merges and puts into `changed` exactly what inflated this: the values taken, and as context
  // the dots newly seen plus the dots of values dropped. Merged anywhere that already holds what
  // this replica held before, it has the same effect as `other` (what delta sync relays onward).
  bool merge(const DotKernel& other, DotKernel& changed);
  // merge(unpack(in)), read straight from the wire: only the values taken are unpacked.
  bool merge_packed(const WireObject& in);

  // Calls visit(const Value&) once per distinct value held, in JSON order (by type, then numbers
  // numerically and strings lexicographically).
  template <typename Visit>
  void for_each_distinct_value(Visit&& visit) const {
    const Value* previous = nullptr;
    for (const Held& held : by_value()) {
      const Value& value = pool_[held.slot];
      if (previous == nullptr || !same_value(*previous, value)) visit(value);
      previous = &value;
    }
  }
  size_t size() const { return slots_.size(); }  // dots held (a value may hold several)
  const CausalContext& context() const { return context_; }
  void pack(Packer& out) const;  // [values as flat (replica, counter, value) triples, context]
  static DotKernel unpack(const WireObject& in);
  uint64_t metadata_bytes() const;
  bool operator==(const DotKernel& other) const;

 private:
  // Values live in a pool and the sorted structures hold slot numbers, so that an insert or
  // erase shifts small trivially copyable entries (a memmove) rather than moving JSON values one
  // by one: a hot key's set holds ~1,000 values, and put and erase were 31% of an OR-set run.
  using Slot = uint32_t;
  // A held dot and its value's slot. Trivially copyable (unlike std::pair), so that the vectors
  // below shift by memmove.
  struct Held {
    ReplicaId replica;
    Slot slot;
    uint64_t counter;
    Dot dot() const { return {replica, counter}; }
  };
  using HeldList = std::vector<Held>;

  // JSON's order and equality, with unsigned integers and strings (the usual elements: unique
  // written values are op ids) compared directly rather than through nlohmann's out-of-line
  // dispatch on both types.
  static bool value_less(const Value& a, const Value& b) {
    if (a.is_number_unsigned() && b.is_number_unsigned())
      return a.get_ref<const uint64_t&>() < b.get_ref<const uint64_t&>();
    if (a.is_string() && b.is_string())
      return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
    return a < b;
  }
  static bool same_value(const Value& a, const Value& b) {
    if (a.is_number_unsigned() && b.is_number_unsigned())
      return a.get_ref<const uint64_t&>() == b.get_ref<const uint64_t&>();
    if (a.is_string() && b.is_string())
      return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    return a == b;
  }

  void put(const Dot& dot, const Value& value);
  void put_at(HeldList::iterator at, const Dot& dot, const Value& value);  // at = lower_bound(dot)
  HeldList::iterator erase(HeldList::iterator it);
  HeldList::iterator lower_bound(const Dot& dot);  // in slots_
  bool holds(const Dot& dot) const;
  Slot store(const Value& value);
  // The held dots ordered by (value, dot), built on first use and kept up to date from then on.
  // Only a replica's state is ever searched by value; deltas, received kernels and inflations
  // are merged, packed and dropped without it (building it on unpack was 6% of an OR-set run).
  const HeldList& by_value() const;
  HeldList::iterator index_position(const Value& value, const Dot& dot) const;
  // The other side of a merge: a DotKernel (HeldSide) or a packed one (PackedSide), both in
  // dot_kernel.cc. `changed` (may be null) collects the inflation as in merge(other, changed).
  struct HeldSide;
  struct PackedSide;
  template <typename Side>
  bool merge_from(const Side& other, DotKernel* changed);

  HeldList slots_;                // sorted by dot
  std::vector<Value> pool_;       // indexed by Slot; a free slot holds null
  std::vector<Slot> free_slots_;  // reused last-freed first
  mutable HeldList by_value_;
  mutable bool indexed_ = false;  // by_value_ matches slots_
  CausalContext context_;
};

}  // namespace edgesim::models

#pragma once
// DotKernel: the core of dot-based CRDTs (Almeida et al.): a map from dots to values plus the
// causal context of every dot ever seen. A value survives a merge if both sides have its dot, or
// one side has it and the other side has never seen it; a dot seen and dropped by one side was
// removed, and stays removed. Removal therefore needs no tombstones: the context remembers it,
// compacted to a version vector. OR-Set and MV-Register are thin layers over it.

#include <functional>
#include <map>
#include <set>

#include "models/crdt/causal_context.h"

namespace edgesim::models {

// A Value that moves by swapping. nlohmann's move assignment takes its argument by value and
// destroys it afterwards, an out-of-line call per element every time a flat map below shifts its
// entries on an insert or erase: a sixth of an OR-set run.
struct MovableValue {
  Value value;

  MovableValue() = default;
  explicit MovableValue(Value v) : value(std::move(v)) {}
  MovableValue(const MovableValue&) = default;
  MovableValue(MovableValue&& other) noexcept : value(std::move(other.value)) {}
  MovableValue& operator=(const MovableValue&) = default;
  MovableValue& operator=(MovableValue&& other) noexcept {
    value.swap(other.value);
    return *this;
  }
  bool operator==(const MovableValue& other) const { return value == other.value; }
};

// Orders values, held or not, so an index keyed by MovableValue is searched by plain Value.
struct ValueOrder {
  using is_transparent = void;
  static const Value& of(const Value& v) { return v; }
  static const Value& of(const MovableValue& v) { return v.value; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return of(a) < of(b);
  }
};

class DotKernel {
 public:
  // Adds `value` under a fresh dot of `self`; the delta records the dot and value.
  void add(ReplicaId self, const Value& value, DotKernel& delta);
  // Removes every value matching `match`; the delta's context records the removed dots.
  void remove_if(const std::function<bool(const Value&)>& match, DotKernel& delta);
  // Removes every dot holding `value` (an index lookup, not a scan); recorded in the delta.
  void remove_value(const Value& value, DotKernel& delta);
  bool merge(const DotKernel& other);  // true if this changed
  // Merges and puts into `changed` exactly what inflated this: the values taken, and as context
  // the dots newly seen plus the dots of values dropped. Merged anywhere that already holds what
  // this replica held before, it has the same effect as `other` (what delta sync relays onward).
  bool merge(const DotKernel& other, DotKernel& changed);

  // Flat (sorted vector) maps: a register holds a value or two, a set a few hundred at most, and
  // node-based maps cost an allocation per entry on every delta and merge.
  using Values = boost::container::flat_map<Dot, MovableValue>;
  using ValueIndex = boost::container::flat_map<MovableValue, DotSet, ValueOrder>;
  const Values& values() const { return values_; }
  const ValueIndex& dots_by_value() const { return dots_of_; }
  const CausalContext& context() const { return context_; }
  void pack(Packer& out) const;  // [values as flat (replica, counter, value) triples, context]
  static DotKernel unpack(const WireObject& in);
  uint64_t metadata_bytes() const;
  bool operator==(const DotKernel&) const = default;

 private:
  void put(const Dot& dot, const Value& value);
  Values::iterator erase(Values::iterator it);
  void index_values();  // rebuilds dots_of_ from values_
  // `changed` (may be null) collects the inflation as in merge(other, changed).
  bool merge_into(const DotKernel& other, DotKernel* changed);

  Values values_;
  ValueIndex dots_of_;  // index of values_ by value
  CausalContext context_;
};

}  // namespace edgesim::models

#pragma once
// PN-Counter: per-replica increment and decrement totals, merged by pointwise max. Value =
// sum(P) - sum(N). A delta is the changed replica's new totals. Metadata: 16 bytes per replica
// that ever counted (bounded by the number of replicas). Ops: incr (arg = by, default 1), read.

#include <map>

#include "models/crdt/crdt_type.h"

namespace edgesim::models {

class PnCounter {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, PnCounter& delta);
  bool merge(const PnCounter& other);
  bool merge_packed(const WireObject& in);  // merge(unpack(in)) without building it
  void pack(Packer& out) const;  // [increments, decrements], each as flat (replica, total) pairs
  static PnCounter unpack(const WireObject& in);
  Value observe() const { return value(); }
  int64_t value() const;
  uint64_t metadata_bytes() const { return (increments_.size() + decrements_.size()) * 16; }
  void compact(const VersionVector&) {}
  bool obsolete(const VersionVector&) const { return false; }
  bool operator==(const PnCounter&) const = default;

  using Totals = ReplicaCounters;
  const Totals& increments() const { return increments_; }
  const Totals& decrements() const { return decrements_; }
  static PnCounter from_totals(Totals increments, Totals decrements);

 private:
  Totals increments_;
  Totals decrements_;
};

}  // namespace edgesim::models

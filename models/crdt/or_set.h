#pragma once
// OR-Set (add-wins observed-remove set) over a DotKernel: add(e) replaces e's dots with one fresh
// dot; remove(e) drops e's dots (the causal context remembers them, so a concurrent add with an
// unseen dot wins). No tombstones: metadata is one dot per element plus a compacted context.
// Ops: add (arg = element), remove (arg = element), read (sorted elements).

#include "models/crdt/crdt_type.h"
#include "models/crdt/dot_kernel.h"

namespace edgesim::models {

class OrSet {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, OrSet& delta);
  bool merge(const OrSet& other) { return kernel_.merge(other.kernel_); }
  bool merge(const OrSet& other, OrSet& changed) {
    return kernel_.merge(other.kernel_, changed.kernel_);
  }
  bool merge_packed(const WireObject& in) { return kernel_.merge_packed(in); }
  void pack(Packer& out) const { kernel_.pack(out); }
  static OrSet unpack(const WireObject& in);
  Value observe() const;
  uint64_t metadata_bytes() const { return kernel_.metadata_bytes(); }
  void compact(const VersionVector&) {}
  bool obsolete(const VersionVector&) const { return false; }
  bool operator==(const OrSet&) const = default;

  DotKernel& kernel() { return kernel_; }
  const DotKernel& kernel() const { return kernel_; }

 private:
  DotKernel kernel_;
};

// MV-Register (multi-value register) over a DotKernel: write(v) replaces every value it has seen;
// concurrent writes all survive until a later write covers them. read returns the sorted values.
class MvRegister {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, MvRegister& delta);
  bool merge(const MvRegister& other) { return kernel_.merge(other.kernel_); }
  bool merge(const MvRegister& other, MvRegister& changed) {
    return kernel_.merge(other.kernel_, changed.kernel_);
  }
  bool merge_packed(const WireObject& in) { return kernel_.merge_packed(in); }
  void pack(Packer& out) const { kernel_.pack(out); }
  static MvRegister unpack(const WireObject& in);
  Value observe() const;
  uint64_t metadata_bytes() const { return kernel_.metadata_bytes(); }
  void compact(const VersionVector&) {}
  bool obsolete(const VersionVector&) const { return false; }
  bool operator==(const MvRegister&) const = default;

 private:
  DotKernel kernel_;
};

}  // namespace edgesim::models

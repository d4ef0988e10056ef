#pragma once
// LWW-Register with HLC stamps: one entry of crdt.lww_map. A write or delete carries
// (HLC timestamp, replica); the greatest wins. A delete leaves a tombstone (the stamp, no value)
// so an older write arriving late cannot resurrect the key; once the delete is causally stable
// (every replica has seen it) compaction drops the tombstone and obsolete() rejects stale copies.
// Ops: write (arg), read (null if absent), delete.

#include <optional>

#include "models/crdt/crdt_type.h"

namespace edgesim::models {

class LwwRegister {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, LwwRegister& delta);
  bool merge(const LwwRegister& other);
  bool merge_packed(const WireObject& in);  // merge(unpack(in)); a losing value is not unpacked
  void pack(
      Packer& out) const;  // nil, or [value or nil, tombstone, wall, logical, replica, counter]
  static LwwRegister unpack(const WireObject& in);
  Value observe() const { return value_ ? *value_ : Value(nullptr); }
  uint64_t metadata_bytes() const { return set_ ? 32 : 0; }
  // A stable tombstone is dropped: the register becomes empty (and the map erases it).
  void compact(const VersionVector& stable);
  bool obsolete(const VersionVector& stable) const;
  bool empty() const { return !set_; }
  bool operator==(const LwwRegister&) const = default;

  struct Stamp {
    HlcTimestamp hlc;
    ReplicaId replica = 0;
    uint64_t counter = 0;  // the writer's global op counter, for causal stability
    auto operator<=>(const Stamp& other) const {
      if (auto c = hlc <=> other.hlc; c != 0) return c;
      return replica <=> other.replica;
    }
    bool operator==(const Stamp& other) const {
      return hlc == other.hlc && replica == other.replica;
    }
  };
  static Stamp unpack_stamp(const WireObject& in);  // of a packed, set register
  const Stamp& stamp() const { return stamp_; }

 private:
  bool set_ = false;            // false: never written (or a compacted tombstone)
  std::optional<Value> value_;  // nullopt with set_: a tombstone
  Stamp stamp_;
};

}  // namespace edgesim::models

#pragma once
// What a CRDT data type provides to CrdtReplica (models/crdt/crdt_replica.h). A type T is one
// value of the replicated map (one key); it is a join-semilattice whose deltas are values of T.
//
// Result apply(const Op& op, const CrdtStamp& stamp, T& delta)
//     A local op; fills `delta` (an empty T) with what it changed.
// bool merge(const T& other)
//     The join: commutative, associative, idempotent. True if this changed.
// void pack(Packer&) const;  static T unpack(const WireObject&)
//     MessagePack, for the wire and the disk.
// Value observe() const
//     The canonical value: equal values <=> the same state.
// uint64_t metadata_bytes() const
//     Replication metadata held.
// void compact(const VersionVector& stable)
//     Drops the metadata of ops that are collectible (see causal_stability.h).
// bool obsolete(const VersionVector& stable) const
//     An incoming value that we lack and all of whose ops are stable was compacted away here:
//     ignore it.
//
// Optionally (InflationReporting):
// bool merge(const T& other, T& inflation)
//     Merges, and puts into `inflation` exactly the part of `other` that changed this value.
//     Without it, delta sync relays the whole incoming value, which for a large value received
//     in a full state (a document) makes every relayed delta that large.

#include <cstdint>

#include "models/crdt/causal_context.h"
#include "sim/clock/hlc.h"
#include "sim/engine/value.h"

namespace edgesim::models {

// Identifies a local op: the replica, its global op counter (a dot in the replica's version
// vector), and its hybrid logical clock reading.
struct CrdtStamp {
  ReplicaId self = 0;
  uint64_t counter = 0;
  HlcTimestamp hlc;
};

template <typename T>
concept CrdtType = requires(T t, const T& c, const Op& op, const CrdtStamp& stamp,
                            const VersionVector& vv, Packer& out, const WireObject& in) {
  { t.apply(op, stamp, t) } -> std::same_as<Result>;
  { t.merge(c) } -> std::same_as<bool>;
  c.pack(out);
  { T::unpack(in) } -> std::same_as<T>;
  { c.observe() } -> std::same_as<Value>;
  { c.metadata_bytes() } -> std::same_as<uint64_t>;
  t.compact(vv);
  { c.obsolete(vv) } -> std::same_as<bool>;
};

// Optionally (DeltaGrouping):
//   void absorb(const T& delta);  // fold a delta into a group that is only sent: the group must
//                                 // merge at the receiver like the deltas one by one, but need
//                                 // not be normalized (RGA: a bag of elements, not a document,
//                                 // which saves integrating every delta into the group)
template <typename T>
concept DeltaGrouping = requires(T t, const T& c) {
  t.absorb(c);
};

// Optionally (PackedMerging):
//   bool merge_packed(const WireObject& in);  // merge(unpack(in)), read straight from the wire
//                                             // without building the incoming value (for the
//                                             // small values of counters and registers, building
//                                             // it cost more than the merge)
template <typename T>
concept PackedMerging = requires(T t, const WireObject& in) {
  { t.merge_packed(in) } -> std::same_as<bool>;
};

template <typename T>
concept InflationReporting = requires(T t, const T& c) {
  { t.merge(c, t) } -> std::same_as<bool>;
};

}  // namespace edgesim::models

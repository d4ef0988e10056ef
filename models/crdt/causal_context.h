#pragma once
// Version vectors and causal contexts for dot-based CRDTs (Almeida, Shoker, Baquero: "Delta State
// Replicated Data Types", 2018).
//
// A Dot names one event: (replica, counter). A CausalContext is the set of dots a replica has
// seen, kept as a compact version vector plus a "cloud" of dots beyond it (seen out of order);
// compact() folds the cloud into the vector as gaps fill, so its size stays O(replicas) whenever
// delivery catches up.

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <boost/container/flat_map.hpp>
#include <boost/container/flat_set.hpp>
#include <boost/container/small_vector.hpp>

#include "models/wire/msgpack_wire.h"
#include "sim/engine/value.h"

namespace edgesim::models {

using ReplicaId = uint32_t;
using Dot = std::pair<ReplicaId, uint64_t>;
// Per-replica counters in replica order. A flat (sorted vector) map: these are small (one entry
// per replica), copied and merged on every message, and a node-based map allocated per entry.
using ReplicaCounters = boost::container::flat_map<ReplicaId, uint64_t>;
// Flat for the same reason, with room for a few dots inline: a delta's context holds one or two,
// and allocating them (for every delta absorbed into a group) was 4% of an MV-register run.
using DotSet =
    boost::container::flat_set<Dot, std::less<Dot>, boost::container::small_vector<Dot, 4>>;

// pack_counters()'s inverse for ReplicaCounters: read into the map's underlying vector in one
// pass and adopted whole (pack_counters writes replicas in order; a malformed order is sorted, a
// repeated replica keeps its first counter).
ReplicaCounters unpack_replica_counters(const WireObject& in);

// Per-replica counters; missing entries are 0.
class VersionVector {
 public:
  // Inline: dot kernels ask for each dot they merge (contains() below).
  uint64_t get(ReplicaId replica) const {
    const auto it = counters_.find(replica);
    return it == counters_.end() ? 0 : it->second;
  }
  void set(ReplicaId replica, uint64_t counter);
  bool merge(const VersionVector& other);  // pointwise max; true if this changed
  // Pointwise min with `other` (replicas missing from either count as 0).
  VersionVector meet(const VersionVector& other) const;
  bool dominates(const VersionVector& other) const;  // this >= other pointwise
  const ReplicaCounters& entries() const { return counters_; }
  void pack(Packer& out) const { pack_counters(out, counters_); }
  static VersionVector unpack(const WireObject& in);
  bool operator==(const VersionVector&) const = default;

 private:
  ReplicaCounters counters_;
};

class CausalContext {
 public:
  bool contains(const Dot& dot) const {
    return dot.second <= vector_.get(dot.first) || (!cloud_.empty() && cloud_.count(dot) != 0);
  }
  // A fresh dot for `replica`: one past the highest it has seen. Records it.
  Dot next_dot(ReplicaId replica);
  void insert(const Dot& dot);
  bool merge(const CausalContext& other);  // true if this changed
  // The dots of `other` this context has not seen.
  CausalContext unseen_in(const CausalContext& other) const;
  // Inserts `dots` (any order, duplicates allowed) and compacts once.
  void insert_all(std::vector<Dot> dots);
  void compact();
  size_t cloud_size() const { return cloud_.size(); }
  const DotSet& cloud() const { return cloud_; }
  const VersionVector& vector() const { return vector_; }
  void pack(Packer& out) const;  // [vector, cloud as flat pairs]
  static CausalContext unpack(const WireObject& in);
  bool operator==(const CausalContext&) const = default;

 private:
  VersionVector vector_;
  DotSet cloud_;
};

}  // namespace edgesim::models

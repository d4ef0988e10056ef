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
  template <typename Visit>
  void for_each_counter(Visit&& visit) const {
    for (const auto& [replica, counter] : counters_) visit(replica, counter);
  }
  void pack(Packer& out) const { pack_counters(out, counters_); }
  static VersionVector unpack(const WireObject& in);
  bool operator==(const VersionVector&) const = default;

 private:
  // merge() from any source of (replica, counter) pairs in replica order, counters above 0: a
  // VersionVector, a CausalContext or a PackedCausalContext. Defined in causal_context.cc, whose
  // merges are its only callers.
  template <typename Counters>
  bool merge_counters(const Counters& other);

  friend class CausalContext;  // merges into the vector, and folds dots straight into it
  ReplicaCounters counters_;
};

class PackedCausalContext;

class CausalContext {
 public:
  bool contains(const Dot& dot) const {
    return dot.second <= vector_.get(dot.first) || (!cloud_.empty() && cloud_.count(dot) != 0);
  }
  // A fresh dot for `replica`: one past the highest it has seen. Records it.
  Dot next_dot(ReplicaId replica);
  void insert(const Dot& dot);
  bool merge(const CausalContext& other);        // true if this changed
  bool merge(const PackedCausalContext& other);  // the same, read from the wire in place
  // The dots of `other` this context has not seen.
  CausalContext unseen_in(const CausalContext& other) const;
  // Inserts `dots` (any order, duplicates allowed) and compacts once.
  void insert_all(std::vector<Dot> dots);
  void compact();
  size_t cloud_size() const { return cloud_.size(); }
  const DotSet& cloud() const { return cloud_; }
  const VersionVector& vector() const { return vector_; }
  // The vector's (replica, counter) pairs in replica order, then the cloud's dots in order: what
  // a merge reads of the other side, here and in PackedCausalContext.
  template <typename Visit>
  void for_each_counter(Visit&& visit) const {
    vector_.for_each_counter(visit);
  }
  template <typename Visit>
  void for_each_cloud_dot(Visit&& visit) const {
    for (const Dot& dot : cloud_) visit(dot);
  }
  void pack(Packer& out) const;  // [vector, cloud as flat pairs]
  static CausalContext unpack(const WireObject& in);
  bool operator==(const CausalContext&) const = default;

 private:
  template <typename Context>
  bool merge_from(const Context& other);

  VersionVector vector_;
  DotSet cloud_;
};

// A packed CausalContext (pack()'s layout) read in place, so that merging a received delta's
// context does not build one: unpacking was about a third of what the contexts cost an
// MV-register run. Read it only if ordered(); otherwise unpack it (which sorts).
class PackedCausalContext {
 public:
  // Checks every field once (reads after this trust them) and whether they are in order.
  explicit PackedCausalContext(const WireObject& in);
  // pack() writes replicas, and dots, in strictly increasing order; only a malformed message
  // does not.
  bool ordered() const { return ordered_; }
  // As CausalContext's: counters of 0 are skipped (unpack() drops them too).
  template <typename Visit>
  void for_each_counter(Visit&& visit) const {
    for (uint32_t i = 0; i < 2 * vector_pairs_; i += 2) {
      const uint64_t counter = wire_vetted_u64(vector_, i + 1);
      if (counter != 0) visit(static_cast<ReplicaId>(wire_vetted_u64(vector_, i)), counter);
    }
  }
  template <typename Visit>
  void for_each_cloud_dot(Visit&& visit) const {
    for (uint32_t i = 0; i < 2 * cloud_dots_; i += 2) {
      visit(
          Dot{static_cast<ReplicaId>(wire_vetted_u64(cloud_, i)), wire_vetted_u64(cloud_, i + 1)});
    }
  }

 private:
  const WireObject& vector_;
  const WireObject& cloud_;
  uint32_t vector_pairs_;
  uint32_t cloud_dots_;
  bool ordered_ = true;
};

}  // namespace edgesim::models

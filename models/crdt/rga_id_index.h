#pragma once
// RGA's id index (models/crdt/rga.h): every element's id -> the pool slot of the run holding it in
// the document, so merging a state (mostly elements held already) looks each run up in O(log n)
// and searches for its position only when its delete dot is news.
//
// One entry per stored run (as it was inserted or received), not per part: splitting a run chains
// its parts (StoredRgaRun::next_part) and leaves the index alone, and a lookup walks the few parts
// of its entry's chain. In one shared document a split shifted half of a replica's entries.
//
// One sorted vector per inserting replica, of trivially copyable entries: a replica's ids grow in
// the order it typed them and mostly arrive in that order, so an insert lands at the end of its
// replica's vector. In one vector for all replicas, a received run's ids landed among the others'
// and the shifts were 18% of a run with one shared document.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <boost/container/flat_map.hpp>

#include "models/crdt/rga_document.h"

namespace edgesim::models {

class RgaIdIndex {
 public:
  struct Found {
    uint32_t slot;    // the run holding the id
    uint32_t offset;  // the id's element in it
  };

  std::optional<Found> find(const RgaId& id, const RgaDocument& document) const;
  // The smallest counter at or after id.counter held for id.replica (UINT64_MAX if none).
  uint64_t first_known_from(const RgaId& id) const;
  // Indexes a stored run, the head of its chain (none of its ids indexed yet).
  void insert(const StoredRgaRun& run, uint32_t slot);
  // Indexes every chain of `document` (built by appending: no run is split yet, or repacked).
  void assign(const RgaDocument& document);
  // Takes the runs in `slots` out of their chains and out of the index, before the document
  // removes them.
  void drop(RgaDocument& document, std::span<const uint32_t> slots);
  size_t size() const { return size_; }  // chains
  void clear() {
    by_replica_.clear();
    size_ = 0;
  }

 private:
  struct Entry {
    uint64_t counter;  // the chain's first id
    uint64_t end;      // one past its last id
    uint32_t slot;     // its first part
  };
  using Entries = std::vector<Entry>;  // sorted by counter; chains' ranges never overlap
  // The entry whose range holds `counter`, or the first after it (end() if none).
  static Entries::const_iterator holding_or_after(const Entries& entries, uint64_t counter);

  boost::container::flat_map<ReplicaId, Entries> by_replica_;
  size_t size_ = 0;
  // Where find() last found an id: a hint only, checked before use (inserts move entries).
  struct Hint {
    ReplicaId replica = 0;
    size_t index = 0;
  };
  mutable Hint last_found_;
};

}  // namespace edgesim::models

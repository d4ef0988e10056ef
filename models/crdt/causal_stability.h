#pragma once
// CausalStability: decides when a CRDT replica may collect what removals left behind (RGA's
// tombstones, the causal-context entries of removed dots), by a two-phase rule.
//
// The stable frontier of a sync round is the pointwise minimum of the durable version vectors of
// this replica and every peer: ops below it have reached everyone, durably. That alone does not
// make a delete's tombstone collectible: an op concurrent with the delete (an insert after the
// deleted character, an older write) may still be on its way to someone. Every such op was issued
// before its replica saw the delete, so it is covered by the join of all replicas' vectors at the
// moment the delete became stable (the round's horizon). Hence the two phases: each round records
// (stable, horizon); once a later stable frontier dominates a recorded horizon, everything that
// was stable at that round is collectible. A silent peer holds the frontier back; that is the
// price of never resurrecting a delete.
//
// It never reports as collectible anything beyond the stable frontier of a round whose horizon
// has not yet become stable.

#include <cstddef>
#include <cstdint>
#include <deque>

#include "models/crdt/causal_context.h"

namespace edgesim::models {

class CausalStability {
 public:
  // Records a sync round's stable frontier and horizon (see above) and returns the collectible
  // frontier: the stable frontier of the newest recorded round whose horizon, and every earlier
  // round's, `stable` dominates; the previous collectible frontier if there is none.
  const VersionVector& advance(const VersionVector& stable, const VersionVector& horizon);
  const VersionVector& collectible() const { return collectible_; }
  size_t pending_rounds() const { return rounds_.size(); }  // recorded, horizon not yet stable
  uint64_t metadata_bytes() const;                          // 16 bytes per vector entry held

 private:
  struct Round {
    VersionVector stable;
    VersionVector horizon;
  };
  // Beyond this many pending rounds new ones are not recorded, so collection lags (it waits for
  // the older horizons) but memory stays bounded while a peer is silent.
  static constexpr size_t kMaxPendingRounds = 256;

  std::deque<Round> rounds_;   // oldest first; consecutive rounds have different horizons
  VersionVector collectible_;  // ops at or below it are stable past their horizon
};

}  // namespace edgesim::models

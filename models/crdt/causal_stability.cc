#include "models/crdt/causal_stability.h"

namespace edgesim::models {

const VersionVector& CausalStability::advance(const VersionVector& stable,
                                              const VersionVector& horizon) {
  // A round whose horizon equals the last recorded one's is not recorded: its horizon becomes
  // stable at the same moment, and a round after that moment records a frontier at least as high
  // (collection lags a round, and the list stays short while nothing new is issued).
  if ((rounds_.empty() || !(rounds_.back().horizon == horizon)) &&
      rounds_.size() < kMaxPendingRounds) {
    rounds_.push_back(Round{stable, horizon});
  }
  while (!rounds_.empty() && stable.dominates(rounds_.front().horizon)) {
    collectible_ = rounds_.front().stable;
    rounds_.pop_front();
  }
  return collectible_;
}

uint64_t CausalStability::metadata_bytes() const {
  uint64_t entries = 0;
  for (const Round& round : rounds_)
    entries += round.stable.entries().size() + round.horizon.entries().size();
  return entries * 16;
}

}  // namespace edgesim::models

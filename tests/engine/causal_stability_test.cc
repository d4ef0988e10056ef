#include "models/crdt/causal_stability.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <utility>

namespace edgesim::models {
// Failures print vectors as {replica:counter, ...}.
void PrintTo(const VersionVector& vector, std::ostream* out) {
  *out << "{";
  for (const auto& [replica, counter] : vector.entries()) *out << " " << replica << ":" << counter;
  *out << " }";
}
}  // namespace edgesim::models

namespace edgesim {
namespace {

using models::CausalStability;
using models::ReplicaId;
using models::VersionVector;

VersionVector vector_of(std::initializer_list<std::pair<ReplicaId, uint64_t>> counters) {
  VersionVector vector;
  for (const auto& [replica, counter] : counters) vector.set(replica, counter);
  return vector;
}

TEST(CausalStability, NothingIsCollectibleBeforeARoundsHorizonIsStable) {
  CausalStability stability;
  // Replica 1's ops up to 5 reached everyone, but replica 2 has issued 3 ops not everyone has.
  EXPECT_EQ(stability.advance(vector_of({{1, 5}}), vector_of({{1, 5}, {2, 3}})), VersionVector{});
  EXPECT_EQ(stability.pending_rounds(), 1u);
  // Stable moved, yet not past that horizon (2:3): still nothing.
  EXPECT_EQ(stability.advance(vector_of({{1, 6}, {2, 2}}), vector_of({{1, 7}, {2, 3}})),
            VersionVector{});
  EXPECT_EQ(stability.collectible(), VersionVector{});
}

// The two-phase rule: what becomes collectible is what was stable at the round whose horizon is
// now stable, not what is stable now. Collecting the current stable frontier (one phase) would
// drop a tombstone that an op concurrent with its delete, still in flight, needs.
TEST(CausalStability, CollectsTheFrontierOfTheRoundWhoseHorizonBecameStable) {
  CausalStability stability;
  stability.advance(vector_of({{1, 5}}), vector_of({{1, 5}, {2, 3}}));
  stability.advance(vector_of({{1, 6}, {2, 2}}), vector_of({{1, 7}, {2, 3}}));
  // Now {1:7, 2:3} is stable: both recorded horizons are, so the newer round's frontier is
  // collectible; this round's own frontier waits for its horizon {1:9, 2:4}.
  EXPECT_EQ(stability.advance(vector_of({{1, 7}, {2, 3}}), vector_of({{1, 9}, {2, 4}})),
            vector_of({{1, 6}, {2, 2}}));
  EXPECT_EQ(stability.pending_rounds(), 1u);
  EXPECT_EQ(stability.advance(vector_of({{1, 9}, {2, 4}}), vector_of({{1, 9}, {2, 4}})),
            vector_of({{1, 7}, {2, 3}}));
  EXPECT_EQ(stability.pending_rounds(), 0u);
}

TEST(CausalStability, ARoundWithAnUnchangedHorizonIsNotRecordedAgain) {
  CausalStability stability;
  const VersionVector horizon = vector_of({{1, 4}, {2, 4}});
  stability.advance(vector_of({{1, 1}}), horizon);
  stability.advance(vector_of({{1, 2}, {2, 1}}), horizon);
  EXPECT_EQ(stability.pending_rounds(), 1u);
  EXPECT_EQ(stability.metadata_bytes(), (1u + 2u) * 16);
  // Once the horizon is stable, the recorded round's frontier is collected; the second round's
  // higher one only at the next round, which is recorded again.
  EXPECT_EQ(stability.advance(horizon, horizon), vector_of({{1, 1}}));
  EXPECT_EQ(stability.advance(horizon, horizon), horizon);
}

TEST(CausalStability, PendingRoundsAreBoundedWhileAPeerIsSilent) {
  CausalStability stability;
  // A silent peer (replica 9) keeps the stable frontier at 0 while the horizon grows each round.
  for (uint64_t round = 1; round <= 300; ++round)
    stability.advance(vector_of({{1, round}}), vector_of({{1, round}, {9, 1}}));
  EXPECT_EQ(stability.pending_rounds(), 256u);
  EXPECT_EQ(stability.collectible(), VersionVector{});
  // The peer catches up: collection resumes from the last recorded round (256), lagging behind
  // the rounds that were not recorded until the next one.
  EXPECT_EQ(stability.advance(vector_of({{1, 300}, {9, 1}}), vector_of({{1, 301}, {9, 1}})),
            vector_of({{1, 256}}));
  EXPECT_EQ(stability.advance(vector_of({{1, 301}, {9, 1}}), vector_of({{1, 301}, {9, 1}})),
            vector_of({{1, 301}, {9, 1}}));
}

}  // namespace
}  // namespace edgesim

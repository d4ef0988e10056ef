// delta_sync by hand: an authority (node 0) and an edge (node 1) on a network the test controls.
#include "models/delta_sync/delta_sync.h"

#include <gtest/gtest.h>

#include "tests/engine/fake_context.h"
#include "tests/engine/fresh_digest.h"

namespace edgesim {
namespace {

using testing::FakeContext;

struct AuthorityAndEdge {
  AuthorityAndEdge() : engine(models::make_delta_sync_engine(models::DeltaSyncOptions{})) {
    authority = engine->make_replica(0);
    edge = engine->make_replica(1);
    authority->on_start(authority_context);
    edge->on_start(edge_context);
  }
  // Delivers everything in flight until quiet: every message the edge sends arrives twice, and
  // the authority's answers arrive in reverse order (a duplicated proposal whose copies are
  // answered out of order).
  void flush_duplicating_and_reordering() {
    testing::exchange_until_quiet(
        edge_context, authority_context,
        [&](const auto& sent) {
          for (const auto& m : sent) {
            authority->on_message(authority_context, 1, m.payload);
            authority->on_message(authority_context, 1, m.payload);
          }
        },
        [&](const auto& sent) {
          for (auto it = sent.rbegin(); it != sent.rend(); ++it)
            edge->on_message(edge_context, 0, it->payload);
        });
  }
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Replica> authority, edge;
  FakeContext authority_context{0, {0, 1}};
  FakeContext edge_context{1, {0, 1}};
};

TEST(DeltaSync, ADuplicatedProposalIsAppliedOnce) {
  AuthorityAndEdge world;
  world.edge->on_op(world.edge_context, Op{7, "incr", "k", 1});
  world.flush_duplicating_and_reordering();
  // The duplicate's copy was stale (version 0 after version 1): without recognizing the op, the
  // authority rejects it, the edge sees that reject first, retries, and the increment counts twice.
  ASSERT_TRUE(world.edge_context.completed.count(7));
  EXPECT_TRUE(world.edge_context.completed.at(7).ok);
  EXPECT_EQ(world.authority->observe(), (Value{{"k", 1}}));
  EXPECT_EQ(world.authority->stats().at("duplicate_proposals"), 1);
}

TEST(DeltaSync, ARestartedAuthorityStillRecognizesAppliedOps) {
  AuthorityAndEdge world;
  world.edge->on_op(world.edge_context, Op{7, "incr", "k", 1});
  const std::string proposal = world.edge_context.outbox.at(0).payload;
  world.authority->on_message(world.authority_context, 1, proposal);
  world.authority->on_crash();
  world.authority->on_start(world.authority_context);
  world.authority->on_message(world.authority_context, 1, proposal);
  EXPECT_EQ(world.authority->observe(), (Value{{"k", 1}}));
  EXPECT_EQ(world.authority->stats().at("duplicate_proposals"), 1);
}

// A local read of a key the edge's cache has never heard of goes to the authority (the cache
// cannot tell absent from not yet learned); once the answer has taught it the key, reads are local.
// A restart empties the cache, and the next read goes through again.
TEST(DeltaSync, ALocalReadOfAKeyTheCacheLacksIsReadThroughFromTheAuthority) {
  AuthorityAndEdge world;
  world.authority->on_op(world.authority_context, Op{1, "write", "k", 5});
  ASSERT_TRUE(world.authority_context.completed.at(1).ok);
  world.authority_context.outbox.clear();  // its push: the edge has not heard of "k"
  auto read_at_edge = [&](OpId id, const std::string& key) {
    world.edge->on_op(world.edge_context, Op{id, "read", key, nullptr});
    const bool answered_at_once = world.edge_context.completed.count(id) == 1;
    world.flush_duplicating_and_reordering();
    EXPECT_TRUE(world.edge_context.completed.count(id)) << "read " << id;
    return std::pair{answered_at_once, world.edge_context.completed.at(id).value};
  };
  EXPECT_EQ(read_at_edge(2, "k"), (std::pair{false, Value(5)}));
  EXPECT_EQ(read_at_edge(3, "k"), (std::pair{true, Value(5)}));
  EXPECT_EQ(read_at_edge(4, "never-written"), (std::pair{false, Value()}));
  EXPECT_EQ(read_at_edge(5, "never-written"), (std::pair{true, Value()}));
  world.edge->on_crash();
  world.edge->on_start(world.edge_context);
  EXPECT_EQ(read_at_edge(6, "k"), (std::pair{false, Value(5)}));
}

// The digest the convergence probe compares is kept up to date by the authority's decisions, the
// edge's cache updates and a restart: each replica's digest equals one computed afresh from what
// it observes, so digests agree exactly when observed values do.
TEST(DeltaSync, TheObservedDigestFollowsEveryChange) {
  AuthorityAndEdge world;
  auto check = [&] { testing::expect_digests_follow(*world.authority, *world.edge); };
  check();  // tracking starts here
  world.edge->on_op(world.edge_context, Op{1, "write", "a", 5});
  world.edge->on_op(world.edge_context, Op{2, "write", "b", 6});
  check();
  world.flush_duplicating_and_reordering();
  check();
  world.authority->on_crash();
  world.authority->on_start(world.authority_context);
  check();
  world.edge->on_op(world.edge_context, Op{3, "write", "a", 7});
  world.flush_duplicating_and_reordering();
  check();
  EXPECT_EQ(world.authority->observe().at("a"), 7);
}

}  // namespace
}  // namespace edgesim

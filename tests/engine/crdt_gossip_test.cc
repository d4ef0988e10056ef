// Which peers a CRDT replica syncs with in state, digest and relayed-delta modes: `fanout` per
// round, taken in turn from an order shuffled anew for each pass over the other peers. Drawing
// them at random each round left a peer unvisited for many rounds now and then, which was the tail
// of state sync's time to converge.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "models/crdt/crdt_replica.h"
#include "models/crdt/pn_counter.h"
#include "tests/engine/fake_context.h"

namespace edgesim {
namespace {

using models::CrdtReplica;
using models::PnCounter;
using models::SyncMode;
using models::SyncOptions;
using testing::FakeContext;

// The peers each sync round of `mode` sends to, for `rounds` rounds of replica 3 of 0..6.
std::vector<std::vector<NodeId>> rounds_of(SyncMode mode, uint32_t fanout, int rounds) {
  SyncOptions options;
  options.mode = mode;
  options.fanout = fanout;
  options.relay = mode == SyncMode::kDelta;
  CrdtReplica<PnCounter> replica(options, std::make_shared<models::WireReader>());
  FakeContext context(3, {0, 1, 2, 3, 4, 5, 6});
  replica.on_start(context);
  std::vector<std::vector<NodeId>> sent;
  for (int round = 0; round < rounds; ++round) {
    context.outbox.clear();
    replica.on_timer(context, context.last_timer);  // the sync timer it armed last
    std::vector<NodeId>& to = sent.emplace_back();
    for (const FakeContext::Sent& message : context.outbox) to.push_back(message.to);
  }
  return sent;
}

TEST(CrdtGossip, EveryOtherPeerOncePerPassInANewOrder) {
  for (const SyncMode mode : {SyncMode::kState, SyncMode::kDigest, SyncMode::kDelta}) {
    // 6 other peers, 2 a round: a pass is 3 rounds.
    const std::vector<std::vector<NodeId>> rounds = rounds_of(mode, 2, 3 * 8);
    std::set<std::vector<NodeId>> orders;
    for (size_t pass = 0; pass < 8; ++pass) {
      std::vector<NodeId> order;
      for (size_t round = 3 * pass; round < 3 * pass + 3; ++round) {
        ASSERT_EQ(rounds[round].size(), 2u) << "round " << round;
        order.insert(order.end(), rounds[round].begin(), rounds[round].end());
      }
      EXPECT_EQ(std::multiset<NodeId>(order.begin(), order.end()),
                (std::multiset<NodeId>{0, 1, 2, 4, 5, 6}))
          << "pass " << pass;
      orders.insert(order);
    }
    EXPECT_GT(orders.size(), 4u) << "each pass is shuffled anew";
  }
}

TEST(CrdtGossip, FanoutAboveThePeerCountReachesEachPeerOnceARound) {
  for (const std::vector<NodeId>& round : rounds_of(SyncMode::kState, 64, 5)) {
    EXPECT_EQ(std::multiset<NodeId>(round.begin(), round.end()),
              (std::multiset<NodeId>{0, 1, 2, 4, 5, 6}));
  }
}

}  // namespace
}  // namespace edgesim

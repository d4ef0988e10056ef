#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "models/lww/lww_map.h"
#include "tests/engine/fake_context.h"

namespace edgesim {
namespace {

using models::LwwClock;
using models::LwwMapReplica;
using models::LwwOptions;
using testing::FakeContext;
using namespace literals;

// Two replicas (nodes 0 and 1) wired by hand.
struct Pair {
  explicit Pair(LwwClock clock, bool push = true)
      : options{clock, 500_ms, push, 1},
        a(options, reader),
        b(options, reader),
        ca(0, {0, 1}),
        cb(1, {0, 1}) {
    a.on_start(ca);
    b.on_start(cb);
  }
  void write(LwwMapReplica& r, FakeContext& c, OpId id, int value) {
    r.on_op(c, Op{id, "write", "x", value});
    ASSERT_TRUE(c.completed.at(id).ok);
  }
  Value read(LwwMapReplica& r, FakeContext& c, OpId id) {
    r.on_op(c, Op{id, "read", "x", nullptr});
    return c.completed.at(id).value;
  }
  // Delivers everything in flight, in both directions, until quiet.
  void flush() {
    testing::exchange_until_quiet(
        ca, cb,
        [&](const auto& sent) {
          for (const auto& m : sent) b.on_message(cb, 0, m.payload);
        },
        [&](const auto& sent) {
          for (const auto& m : sent) a.on_message(ca, 1, m.payload);
        });
  }
  LwwOptions options;
  // Shared, as an engine shares one among its replicas.
  std::shared_ptr<models::WireReader> reader = std::make_shared<models::WireReader>();
  LwwMapReplica a, b;
  FakeContext ca, cb;
};

TEST(Lww, PushedWritesReachThePeer) {
  Pair p(LwwClock::kHlc);
  p.ca.wall = Instant{100};
  p.write(p.a, p.ca, 1, 7);
  p.flush();
  EXPECT_EQ(p.read(p.b, p.cb, 2), 7);
  EXPECT_EQ(p.a.observe(), p.b.observe());
}

TEST(Lww, APushIntervalCoalescesWritesIntoOneMessagePerPeer) {
  Pair p(LwwClock::kHlc);
  p.options.push_interval = 10_ms;
  LwwMapReplica a(p.options, p.reader);
  a.on_start(p.ca);
  p.ca.outbox.clear();
  p.write(a, p.ca, 1, 1);
  p.write(a, p.ca, 2, 2);
  a.on_op(p.ca, Op{3, "write", "y", 3});
  EXPECT_TRUE(p.ca.outbox.empty());  // nothing leaves before the interval ends
  a.on_timer(p.ca, p.ca.last_timer);
  ASSERT_EQ(p.ca.outbox.size(), 1u);  // one message to the one peer, both keys, x only once
  p.b.on_message(p.cb, 0, p.ca.outbox[0].payload);
  EXPECT_EQ(p.read(p.b, p.cb, 4), 2);
  EXPECT_EQ(a.observe(), p.b.observe());
  p.ca.outbox.clear();
  a.on_timer(p.ca, p.ca.last_timer);  // a stale timer sends nothing more
  EXPECT_TRUE(p.ca.outbox.empty());
}

TEST(Lww, WallClockSkewLosesALaterWrite) {
  Pair p(LwwClock::kWall);
  p.ca.wall = Instant{1000};  // a's clock runs ahead
  p.write(p.a, p.ca, 1, 1);
  p.flush();
  p.cb.wall = Instant{900};  // b writes later in real time, but its clock reads earlier
  p.write(p.b, p.cb, 2, 2);
  p.flush();
  EXPECT_EQ(p.read(p.a, p.ca, 3), 1);  // b's acknowledged write vanished
  EXPECT_EQ(p.read(p.b, p.cb, 4), 1);
}

TEST(Lww, HybridLogicalClocksKeepCausallyLaterWrites) {
  for (LwwClock clock : {LwwClock::kHlc, LwwClock::kLamport}) {
    Pair p(clock);
    p.ca.wall = Instant{1000};
    p.write(p.a, p.ca, 1, 1);
    p.flush();
    p.cb.wall = Instant{900};
    p.write(p.b, p.cb, 2, 2);
    p.flush();
    EXPECT_EQ(p.read(p.a, p.ca, 3), 2);
    EXPECT_EQ(p.read(p.b, p.cb, 4), 2);
  }
}

TEST(Lww, ConcurrentWritesConvergeInAnyDeliveryOrder) {
  Pair p(LwwClock::kWall);
  p.ca.wall = Instant{500};
  p.cb.wall = Instant{500};  // equal stamps: the node id breaks the tie
  p.write(p.a, p.ca, 1, 1);
  p.write(p.b, p.cb, 2, 2);
  // Deliver b's push first, then a's, then duplicates of both.
  const auto from_a = p.ca.outbox;
  const auto from_b = p.cb.outbox;
  p.ca.outbox.clear();
  p.cb.outbox.clear();
  for (int round = 0; round < 2; ++round) {
    for (auto& m : from_b) p.a.on_message(p.ca, 1, m.payload);
    for (auto& m : from_a) p.b.on_message(p.cb, 0, m.payload);
  }
  EXPECT_EQ(p.a.observe(), p.b.observe());
  EXPECT_EQ(p.read(p.a, p.ca, 3), 2);  // node 1 > node 0
}

TEST(Lww, AntiEntropyRepairsBothSidesWithoutPush) {
  Pair p(LwwClock::kHlc, /*push=*/false);
  p.ca.wall = Instant{100};
  p.cb.wall = Instant{200};
  p.write(p.a, p.ca, 1, 1);
  p.b.on_op(p.cb, Op{2, "write", "y", 5});
  EXPECT_TRUE(p.ca.outbox.empty());
  EXPECT_NE(p.a.observe(), p.b.observe());
  p.a.on_timer(p.ca, p.ca.last_timer);  // a sends its digest to its only peer, b
  ASSERT_EQ(p.ca.outbox.size(), 1u);
  p.flush();
  EXPECT_EQ(p.a.observe(), p.b.observe());
  EXPECT_EQ(p.a.observe(), (Value{{"x", 1}, {"y", 5}}));
}

TEST(Lww, AcknowledgedWritesSurviveACrash) {
  Pair p(LwwClock::kHlc);
  p.ca.wall = Instant{1000};
  p.write(p.a, p.ca, 1, 42);
  p.a.on_crash();
  EXPECT_EQ(p.a.observe(), Value::object());
  p.ca.wall = Instant{10};  // the clock came back behind: stamps must still move forward
  p.a.on_start(p.ca);
  EXPECT_EQ(p.read(p.a, p.ca, 2), 42);
  p.write(p.a, p.ca, 3, 43);
  EXPECT_EQ(p.read(p.a, p.ca, 4), 43);
}

// Applied entries go to a durable log that is snapshotted and truncated once it holds twice as many
// records as there are keys (plus 64): many writes pass through several snapshots, the log stays
// bounded, and a restart from snapshot plus log gives back every key's last value. The last 200
// writes go to one key, so the other keys' values are in the last snapshot alone.
TEST(Lww, ALongLogIsSnapshottedAndEveryKeySurvivesACrash) {
  Pair p(LwwClock::kHlc, /*push=*/false);
  constexpr int kKeys = 10;
  for (OpId id = 1; id <= 500; ++id) {
    p.ca.wall = Instant{int64_t(id) * 10};
    const std::string key = "k" + std::to_string(id <= 300 ? id % kKeys : 0);
    p.a.on_op(p.ca, Op{id, "write", key, int(id)});
    ASSERT_TRUE(p.ca.completed.at(id).ok);
  }
  const Value before = p.a.observe();
  ASSERT_EQ(before.size(), size_t(kKeys));
  EXPECT_EQ(before.at("k0"), 500);
  EXPECT_EQ(before.at("k7"), 297);

  const auto& stored = p.ca.durable().entries();
  ASSERT_TRUE(stored.count("snapshot"));
  size_t log_records = 0;
  if (stored.count("log"))
    models::for_each_wire_record(stored.at("log"), [&](const auto&) { ++log_records; });
  EXPECT_LE(log_records, size_t(2 * kKeys + 64));

  p.a.on_crash();
  p.a.on_start(p.ca);
  EXPECT_EQ(p.a.observe(), before);
}

// Reads and merges go through a memo of where the B-tree keeps each key (KeyLookupCache), and a
// B-tree moves its entries as it grows: while new keys keep arriving, both by push and locally,
// every read still returns its key's latest value, at the writer and at the peer. The empty key is
// among them because a B-tree slot an entry moved out of holds an empty string: a memo that
// outlived a move would find "" there.
TEST(Lww, EveryKeyReadsItsLatestValueWhileTheMapGrows) {
  Pair p(LwwClock::kHlc);
  OpId id = 0;
  auto write = [&](const std::string& key) {
    p.ca.wall = Instant{int64_t(++id) * 10};
    p.a.on_op(p.ca, Op{id, "write", key, int(id)});
    ASSERT_TRUE(p.ca.completed.at(id).ok);
  };
  constexpr int kKeys = 1000;
  for (int k = 0; k < kKeys; ++k) {
    const std::string added = "k" + std::to_string(k);
    const std::string updated = "k" + std::to_string(std::max(0, k - 6));  // added a while ago
    write(added);
    write(updated);
    write("");
    p.flush();
    for (const std::string& probe : {added, updated, std::string(), std::string("k0")}) {
      ++id;
      p.a.on_op(p.ca, Op{id, "read", probe, nullptr});
      p.b.on_op(p.cb, Op{id, "read", probe, nullptr});
      EXPECT_EQ(p.ca.completed.at(id).value, p.a.observe()[probe]) << probe;
      EXPECT_EQ(p.cb.completed.at(id).value, p.a.observe()[probe]) << probe;
    }
  }
  EXPECT_EQ(p.a.observe().size(), size_t(kKeys + 1));
  EXPECT_EQ(p.a.observe(), p.b.observe());
}

TEST(Lww, AfterACrashWritesStillFollowWhatWasSeenBefore) {
  for (LwwClock clock : {LwwClock::kHlc, LwwClock::kLamport}) {
    Pair p(clock);
    p.cb.wall = Instant{5000};  // b's clock runs far ahead
    p.write(p.b, p.cb, 1, 1);
    p.flush();
    p.a.on_crash();
    p.ca.wall = Instant{10};
    p.a.on_start(p.ca);
    p.write(p.a, p.ca, 2, 2);  // causally after b's write: must win everywhere
    p.flush();
    EXPECT_EQ(p.read(p.a, p.ca, 3), 2);
    EXPECT_EQ(p.read(p.b, p.cb, 4), 2);
  }
}

// The digest the convergence probe compares is kept up to date write by write, across pushes,
// anti-entropy and a crash: replicas' digests agree exactly when their observed values do, and
// each equals the digest of a fresh replica restarted from the same durable store.
TEST(Lww, TheObservedDigestFollowsEveryChange) {
  Pair p(LwwClock::kHlc);
  auto fresh_digest = [&](FakeContext& context) {
    LwwMapReplica restarted(p.options, p.reader);
    restarted.on_start(context);  // from the durable store alone
    return restarted.observe_digest();
  };
  auto check = [&](bool equal) {
    EXPECT_EQ(p.a.observe() == p.b.observe(), equal);
    EXPECT_EQ(p.a.observe_digest() == p.b.observe_digest(), equal);
    EXPECT_EQ(p.a.observe_digest(), fresh_digest(p.ca));
    EXPECT_EQ(p.b.observe_digest(), fresh_digest(p.cb));
  };
  check(true);  // both empty: tracking starts here
  p.ca.wall = Instant{100};
  p.write(p.a, p.ca, 1, 7);
  p.a.on_op(p.ca, Op{2, "write", "y", 8});
  check(false);
  p.flush();
  check(true);
  p.a.on_crash();
  p.a.on_start(p.ca);
  p.cb.wall = Instant{200};
  p.write(p.b, p.cb, 3, 9);  // a later write to a key a holds
  check(false);
  p.flush();
  check(true);
  EXPECT_EQ(p.read(p.a, p.ca, 4), 9);
}

TEST(Lww, UnsupportedOpsFailWithoutEffect) {
  Pair p(LwwClock::kHlc);
  p.a.on_op(p.ca, Op{1, "cas", "x", Value::array({1, 2})});
  EXPECT_FALSE(p.ca.completed.at(1).ok);
  EXPECT_EQ(p.a.observe(), Value::object());
}

}  // namespace
}  // namespace edgesim

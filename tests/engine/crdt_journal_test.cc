#include "models/crdt/crdt_journal.h"

#include <gtest/gtest.h>

#include "models/crdt/pn_counter.h"
#include "models/wire/msgpack_wire.h"

namespace edgesim {
namespace {

using models::CrdtJournal;
using models::CrdtStamp;
using models::KeyedCrdt;
using models::PnCounter;
using models::VersionVector;

// A replica's durable side, driven by hand: local increments of a counter per key.
struct Journaled {
  explicit Journaled(uint32_t every, uint32_t percent) : journal(every, percent) {}

  // Applies and logs one increment; returns whether the journal asked for a snapshot.
  bool increment(const std::string& key) {
    const CrdtStamp stamp{kSelf, vv.get(kSelf) + 1, HlcTimestamp{int64_t(1000 + vv.get(kSelf)), 0}};
    PnCounter delta;
    EXPECT_TRUE(state.apply(Op{stamp.counter, "incr", key, 1}, stamp, delta).ok);
    vv.set(kSelf, stamp.counter);
    hlc = stamp.hlc;
    return journal.log(store, key, delta, stamp);
  }
  void snapshot() { journal.snapshot(store, state, vv, hlc); }
  size_t log_records() const {
    size_t n = 0;
    models::for_each_wire_record(log(), [&](const models::WireObject&) { ++n; });
    return n;
  }
  std::string log() const { return store.get("wal").value_or(""); }

  static constexpr models::ReplicaId kSelf = 3;
  CrdtJournal<PnCounter> journal;
  DurableStore store;
  KeyedCrdt<PnCounter> state;
  VersionVector vv;
  HlcTimestamp hlc;
};

std::string packed(const KeyedCrdt<PnCounter>& state) {
  return models::wire_encode([&](models::Packer& out) { state.pack(out); });
}

TEST(CrdtJournal, RecoversTheSnapshotPlusTheLogAfterIt) {
  Journaled replica(4, 0);
  for (int i = 0; i < 4; ++i) replica.increment("k" + std::to_string(i % 2));
  replica.snapshot();
  EXPECT_EQ(replica.log_records(), 0u);
  replica.increment("k1");
  replica.increment("k9");  // a key the snapshot does not have
  ASSERT_EQ(replica.log_records(), 2u);

  CrdtJournal<PnCounter> fresh(4, 0);
  KeyedCrdt<PnCounter> state;
  VersionVector vv;
  Hlc hlc;
  fresh.recover(replica.store, Journaled::kSelf, state, vv, hlc);
  EXPECT_EQ(packed(state), packed(replica.state));
  EXPECT_EQ(state.observe(), (Value{{"k0", 2}, {"k1", 3}, {"k9", 1}}));
  EXPECT_EQ(vv.get(Journaled::kSelf), 6u);
  EXPECT_EQ(hlc.last().wall_ns, replica.hlc.wall_ns);
}

TEST(CrdtJournal, RecoversFromTheLogAloneBeforeTheFirstSnapshot) {
  Journaled replica(1'000, 0);
  for (int i = 0; i < 50; ++i) replica.increment("k" + std::to_string(i % 7));
  ASSERT_FALSE(replica.store.get("snapshot"));
  ASSERT_EQ(replica.log_records(), 50u);

  CrdtJournal<PnCounter> fresh(1'000, 0);
  KeyedCrdt<PnCounter> state;
  VersionVector vv;
  Hlc hlc;
  fresh.recover(replica.store, Journaled::kSelf, state, vv, hlc);
  EXPECT_EQ(packed(state), packed(replica.state));
  EXPECT_EQ(vv.get(Journaled::kSelf), 50u);
  EXPECT_EQ(hlc.last().wall_ns, replica.hlc.wall_ns);
}

// A remote merge is logged as the message that carried it: a restart replays it with the local
// ops, in order, and it neither moves this replica's own counter nor counts toward a snapshot.
TEST(CrdtJournal, RecoversRemoteMergesLoggedAsTheirMessages) {
  Journaled replica(3, 0);
  replica.increment("k");
  KeyedCrdt<PnCounter> remote;  // another replica's increments of "k" and "r"
  for (const std::string key : {"k", "r"}) {
    const CrdtStamp stamp{7, 1, HlcTimestamp{500, 0}};
    PnCounter delta;
    ASSERT_TRUE(remote.apply(Op{1, "incr", key, 5}, stamp, delta).ok);
  }
  // As a replica receives it: [type, incarnation, ..., the merged state, ...] at index 2 here.
  const std::string message = models::wire_encode([&](models::Packer& out) {
    out.pack_array(3);
    out.pack_uint8(1);
    out.pack_uint64(9);
    remote.pack(out);
  });
  replica.state.join(remote);
  replica.journal.log_remote_merge(replica.store, message, 2);
  EXPECT_FALSE(replica.increment("k")) << "the merge counted toward the snapshot";
  ASSERT_EQ(replica.log_records(), 3u);

  CrdtJournal<PnCounter> fresh(3, 0);
  KeyedCrdt<PnCounter> state;
  VersionVector vv;
  Hlc hlc;
  fresh.recover(replica.store, Journaled::kSelf, state, vv, hlc);
  EXPECT_EQ(state.observe(), (Value{{"k", 7}, {"r", 5}}));
  EXPECT_EQ(packed(state), packed(replica.state));
  EXPECT_EQ(vv.get(Journaled::kSelf), 2u);
}

TEST(CrdtJournal, RecordCountAloneWithoutTheSizeCondition) {
  Journaled replica(3, 0);
  EXPECT_FALSE(replica.increment("a"));
  EXPECT_FALSE(replica.increment("b"));
  EXPECT_TRUE(replica.increment("c"));
}

TEST(CrdtJournal, WaitsForTheLogToReachTheSnapshotsSize) {
  Journaled replica(1, 100);
  for (int i = 0; i < 200; ++i) replica.increment("key-" + std::to_string(i));  // a large state
  replica.snapshot();
  const size_t snapshot_bytes = replica.store.get("snapshot")->size();
  int records = 0;
  bool due = false;
  while (!due) {
    due = replica.increment("key-0");
    ++records;
    ASSERT_LT(records, 10'000) << "never asked for a snapshot";
  }
  EXPECT_GE(replica.log().size(), snapshot_bytes);
  EXPECT_EQ(replica.log_records(), size_t(records));
  EXPECT_GT(records, 20);  // far more than snapshot_every (1): the size decided
}

}  // namespace
}  // namespace edgesim

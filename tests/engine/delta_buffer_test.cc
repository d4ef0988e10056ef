#include "models/crdt/delta_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "models/crdt/pn_counter.h"

namespace edgesim {
namespace {

using models::CrdtStamp;
using models::DeltaBuffer;
using models::KeyedCrdt;
using models::PnCounter;

// A group of deltas: one increment of `amount` on each of `keys`.
KeyedCrdt<PnCounter> group_of(const std::vector<std::string>& keys, int64_t amount) {
  KeyedCrdt<PnCounter> state;
  KeyedCrdt<PnCounter> group;
  for (const std::string& key : keys)
    EXPECT_TRUE(state.apply(Op{1, "incr", key, amount}, CrdtStamp{1, 1, {}}, group).ok);
  return group;
}

std::string packed(const KeyedCrdt<PnCounter>& state) {
  return models::wire_encode([&](models::Packer& out) { state.pack(out); });
}

// What for_each_batch_after() sends: (packed join, last seq, base seq) per message.
using Sent = std::vector<std::tuple<std::string, uint64_t, uint64_t>>;
Sent batches_after(DeltaBuffer<PnCounter>& buffer, uint64_t acked, size_t batch) {
  Sent sent;
  buffer.for_each_batch_after(acked, batch,
                              [&](const std::string& bytes, uint64_t last, uint64_t base) {
                                sent.emplace_back(bytes, last, base);
                              });
  return sent;
}

TEST(DeltaBuffer, NumbersGroupsFromTheRestartPoint) {
  DeltaBuffer<PnCounter> buffer;
  buffer.restart(7ull << 32);
  EXPECT_EQ(buffer.first_seq(), (7ull << 32) + 1);  // none held yet
  buffer.seal(group_of({"a"}, 1), 16);
  buffer.seal(group_of({"b"}, 1), 16);
  EXPECT_EQ(buffer.first_seq(), (7ull << 32) + 1);
  EXPECT_EQ(buffer.last_seq(), (7ull << 32) + 2);
  EXPECT_EQ(buffer.size(), 2u);
}

TEST(DeltaBuffer, SendsWhatAPeerLacksInBatchesOfJoinedGroups) {
  const std::vector<KeyedCrdt<PnCounter>> groups = {group_of({"a"}, 1), group_of({"b"}, 2),
                                                    group_of({"a", "c"}, 3), group_of({"d"}, 4),
                                                    group_of({"c"}, 5)};
  DeltaBuffer<PnCounter> buffer;
  buffer.restart(100);
  for (const auto& group : groups) buffer.seal(KeyedCrdt<PnCounter>(group), 16);
  // A peer that acknowledged 101 lacks 102..105: batches of two, then the last group alone.
  const Sent sent = batches_after(buffer, 101, 2);
  KeyedCrdt<PnCounter> first_join = groups[1];
  first_join.absorb(groups[2]);
  KeyedCrdt<PnCounter> second_join = groups[3];
  second_join.absorb(groups[4]);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0], std::make_tuple(packed(first_join), 103ull, 101ull));
  EXPECT_EQ(sent[1], std::make_tuple(packed(second_join), 105ull, 103ull));
  // The same batches for another peer are the same bytes; one behind by one group gets it alone.
  EXPECT_EQ(batches_after(buffer, 101, 2), sent);
  EXPECT_EQ(batches_after(buffer, 104, 2), Sent{std::make_tuple(packed(groups[4]), 105, 104)});
}

TEST(DeltaBuffer, DropsAcknowledgedGroupsAndTheOldestBeyondItsLimit) {
  DeltaBuffer<PnCounter> buffer;
  buffer.restart(0);
  uint64_t bytes = 0;
  for (int i = 0; i < 5; ++i) {
    KeyedCrdt<PnCounter> group = group_of({"k" + std::to_string(i)}, 1);
    if (i >= 2) bytes += group.metadata_bytes();
    buffer.seal(std::move(group), 3);
  }
  EXPECT_EQ(buffer.size(), 3u);  // groups 1 and 2 were dropped to stay within 3
  EXPECT_EQ(buffer.first_seq(), 3u);
  EXPECT_EQ(buffer.metadata_bytes(), bytes);
  buffer.drop_through(4);
  EXPECT_EQ(buffer.first_seq(), 5u);
  EXPECT_EQ(buffer.size(), 1u);
  buffer.drop_through(5);
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.metadata_bytes(), 0u);
  EXPECT_EQ(buffer.first_seq(), buffer.last_seq() + 1);
  buffer.restart(1ull << 32);
  EXPECT_EQ(buffer.last_seq(), 1ull << 32);
}

}  // namespace
}  // namespace edgesim

#include "models/hybrid/event_outbox.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace edgesim {
namespace {

using EventOutbox = models::EventOutbox<models::CounterLog>;

std::vector<uint64_t> seqs_of(const EventOutbox& outbox) {
  std::vector<uint64_t> seqs;
  for (const EventOutbox::Event& e : outbox.events()) seqs.push_back(e.seq);
  return seqs;
}

size_t durable_records(const DurableStore& store) {
  size_t records = 0;
  if (auto log = store.get("hybrid/outbox"))
    models::for_each_wire_record(*log, [&](const models::WireObject&) { ++records; });
  return records;
}

// What a restart finds: a fresh outbox loaded from the same store.
EventOutbox restarted(const DurableStore& store) {
  EventOutbox outbox;
  outbox.load(store);
  return outbox;
}

TEST(EventOutbox, UnacknowledgedEventsSurviveACrash) {
  DurableStore store;
  EventOutbox outbox;
  EXPECT_EQ(outbox.record(store, "a", 1), 1u);
  EXPECT_EQ(outbox.record(store, "b", -2), 2u);
  EXPECT_EQ(outbox.record(store, "a", 5), 3u);
  outbox.acknowledge(store, 1);
  EXPECT_EQ(seqs_of(outbox), (std::vector<uint64_t>{2, 3}));

  outbox.clear();  // the crash
  EventOutbox after = restarted(store);
  ASSERT_EQ(seqs_of(after), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(after.events()[0].key, "b");
  EXPECT_EQ(after.events()[0].change, -2);
  EXPECT_EQ(after.events()[1].change, 5);
  EXPECT_EQ(after.record(store, "c", 1), 4u);  // seqs go on where they were
}

TEST(EventOutbox, SeqsNeverRepeatOnceEverythingWasAcknowledged) {
  DurableStore store;
  EventOutbox outbox;
  outbox.record(store, "a", 1);
  outbox.record(store, "a", 1);
  outbox.acknowledge(store, 2);
  EXPECT_FALSE(store.get("hybrid/outbox").has_value());  // nothing left to keep
  EventOutbox after = restarted(store);
  EXPECT_TRUE(after.events().empty());
  EXPECT_EQ(after.record(store, "a", 1), 3u);
}

TEST(EventOutbox, AStaleAcknowledgementWritesNothing) {
  DurableStore store;
  EventOutbox outbox;
  for (int i = 0; i < 4; ++i) outbox.record(store, "k", 1);
  outbox.acknowledge(store, 2);
  const uint64_t writes = store.writes();
  outbox.acknowledge(store, 1);  // a duplicate of an older ack
  outbox.acknowledge(store, 2);
  EXPECT_EQ(store.writes(), writes);
  EXPECT_EQ(seqs_of(outbox), (std::vector<uint64_t>{3, 4}));
}

TEST(EventOutbox, TheDurableOutboxIsRewrittenOnceMostOfItIsDead) {
  DurableStore store;
  EventOutbox outbox;
  for (int i = 0; i < 200; ++i) outbox.record(store, "k" + std::to_string(i % 7), 1);
  outbox.acknowledge(store, 20);  // 180 live of 200 records: kept as it is
  EXPECT_EQ(durable_records(store), 200u);
  outbox.acknowledge(store, 150);  // 50 live: rewritten with only those
  EXPECT_EQ(durable_records(store), 50u);
  EventOutbox after = restarted(store);
  EXPECT_EQ(after.events().size(), 50u);
  EXPECT_EQ(after.events().front().seq, 151u);
  EXPECT_EQ(after.events().front().key, "k3");  // record 151 was written for i = 150
}

TEST(EventOutbox, PacksEveryUnacknowledgedEventAsFlatTriples) {
  DurableStore store;
  EventOutbox outbox;
  outbox.record(store, "x", 7);
  outbox.record(store, "y", -1);
  outbox.acknowledge(store, 1);
  const std::string bytes = models::wire_encode([&](models::Packer& out) { outbox.pack(out); });
  const models::WireMessage message(bytes);
  ASSERT_EQ(models::wire_tuples_size(message.root(), 3), 3u);
  EXPECT_EQ(models::wire_u64(models::wire_at(message.root(), 0)), 2u);
  EXPECT_EQ(models::wire_str(models::wire_at(message.root(), 1)), "y");
  EXPECT_EQ(models::wire_i64(models::wire_at(message.root(), 2)), -1);
}

TEST(EventOutbox, AFieldsValuesAndDeletesSurviveACrash) {
  using FieldOutbox = models::EventOutbox<models::FieldLog>;
  DurableStore store;
  FieldOutbox outbox;
  outbox.record(store, "name", Value("ada"));
  outbox.record(store, "tags", Value::array({1, "two"}));
  outbox.record(store, "name", Value(nullptr));  // a delete
  outbox.acknowledge(store, 1);
  outbox.clear();
  FieldOutbox after;
  after.load(store);
  ASSERT_EQ(after.events().size(), 2u);
  EXPECT_EQ(after.events()[0].key, "tags");
  EXPECT_EQ(after.events()[0].change, Value::array({1, "two"}));
  EXPECT_EQ(after.events()[1].key, "name");
  EXPECT_TRUE(after.events()[1].change.is_null());
}

}  // namespace
}  // namespace edgesim

// hybrid by hand: the authority (node 0) and an edge (node 1), on a network the test controls.
// What these pin down is the edge's durable outbox: every acknowledged increment reaches the
// authority's log exactly once, across restarts, however long the outbox has been in use.
#include "models/hybrid/hybrid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "models/hybrid/log_values.h"
#include "models/wire/msgpack_wire.h"
#include "tests/engine/fake_context.h"
#include "tests/engine/fresh_digest.h"

namespace edgesim {
namespace {

using testing::FakeContext;

std::unique_ptr<Engine> make_hybrid(const std::string& authoritative_keys, int64_t max_value,
                                    const std::string& workload = "counter",
                                    const std::string& authoritative_reads = "published") {
  const EngineInfo info = models::hybrid_engine_info();
  Value values = Value::object();
  for (const ParamSpec& spec : info.params) values[spec.name] = spec.default_value;
  values["authoritative_keys"] = authoritative_keys;
  values["max_value"] = max_value;
  values["authoritative_reads"] = authoritative_reads;
  EngineParams params(values, info.params);
  params.set_workload(workload);
  return info.factory(params);
}

struct AuthorityAndEdge {
  explicit AuthorityAndEdge(const std::string& authoritative_keys = "*", int64_t max_value = -1,
                            const std::string& workload = "counter",
                            const std::string& authoritative_reads = "published")
      : engine(make_hybrid(authoritative_keys, max_value, workload, authoritative_reads)) {
    authority = engine->make_replica(0);
    edge = engine->make_replica(1);
    authority->on_start(authority_context);
    edge->on_start(edge_context);
  }
  void increment(const std::string& key) { ASSERT_TRUE(try_increment(key)); }
  // Whether the edge acknowledged an increment of `key`.
  bool try_increment(const std::string& key) {
    const OpId id = next_op++;
    edge->on_op(edge_context, Op{id, "incr", key, 1});
    return edge_context.completed.at(id).ok;
  }
  // A reconcile round: the edge's hybrid timer fires (its timers are numbered from 1, and the
  // reconcile timer is the one started last in on_start), and its events reach the authority,
  // whose acknowledgement comes back. Every message between the inner CRDT replicas is dropped:
  // only the log is under test.
  void reconcile() {
    edge->on_timer(edge_context, edge_context.last_timer);
    deliver();
  }
  void deliver() {
    testing::exchange_until_quiet(
        edge_context, authority_context,
        [&](const auto& sent) { deliver_hybrid(sent, *authority, authority_context, 1); },
        [&](const auto& sent) { deliver_hybrid(sent, *edge, edge_context, 0); });
  }
  // Delivers the hybrid's own messages ('h'); the inner CRDT replicas' (MessagePack arrays) are
  // dropped.
  static void deliver_hybrid(const std::vector<FakeContext::Sent>& sent, Replica& to,
                             FakeContext& context, NodeId from) {
    for (const auto& m : sent) {
      if (m.payload.front() == 'h') to.on_message(context, from, m.payload);
    }
  }
  // Every timer either replica has running fires once (the inner CRDT replicas sync, the edge
  // ships its events, the authority publishes its totals), and every message of both layers is
  // delivered until none is left; the edge's events are lost on the way unless `ship_events`.
  void run_everything(bool ship_events = true) {
    for (auto [replica, context] :
         {std::pair{authority.get(), &authority_context}, std::pair{edge.get(), &edge_context}}) {
      const TimerId last = context->last_timer;
      for (TimerId timer = 1; timer <= last; ++timer) replica->on_timer(*context, timer);
    }
    testing::exchange_until_quiet(
        edge_context, authority_context,
        [&](const auto& sent) {
          for (const auto& m : sent) {
            if (ship_events || m.payload.front() != 'h')
              authority->on_message(authority_context, 1, m.payload);
          }
        },
        [&](const auto& sent) {
          for (const auto& m : sent) edge->on_message(edge_context, 0, m.payload);
        });
  }
  void restart_edge() {
    edge->on_crash();
    edge->on_start(edge_context);
  }
  // What the authority's log says `key` totals: a read there (every key is authoritative by
  // default, and the authority reads its own log).
  int64_t logged(const std::string& key) {
    const OpId id = next_op++;
    authority->on_op(authority_context, Op{id, "read", key, nullptr});
    return authority_context.completed.at(id).value.get<int64_t>();
  }
  // A map workload's ops, at `replica` (the edge by default).
  void write(const std::string& key, const Value& value, Replica* at = nullptr) {
    submit(at, Op{next_op++, "write", key, value});
  }
  void remove(const std::string& key, Replica* at = nullptr) {
    submit(at, Op{next_op++, "delete", key, nullptr});
  }
  Value read(const std::string& key, Replica* at = nullptr) {
    const OpId id = next_op;
    submit(at, Op{next_op++, "read", key, nullptr});
    return context_of(at).completed.at(id).value;
  }
  void submit(Replica* at, const Op& op) {
    (at == nullptr ? *edge : *at).on_op(context_of(at), op);
    ASSERT_TRUE(context_of(at).completed.at(op.id).ok);
  }
  FakeContext& context_of(Replica* at) {
    return at == authority.get() ? authority_context : edge_context;
  }
  int64_t outbox_events() const { return edge->stats().at("outbox_events").get<int64_t>(); }
  int64_t stat(const Replica& replica, const std::string& name) const {
    return replica.stats().at(name).get<int64_t>();
  }

  std::unique_ptr<Engine> engine;
  std::unique_ptr<Replica> authority, edge;
  FakeContext authority_context{0, {0, 1}};
  FakeContext edge_context{1, {0, 1}};
  OpId next_op = 1;
};

TEST(Hybrid, EventsInTheOutboxSurviveARestart) {
  AuthorityAndEdge world;
  for (int i = 0; i < 3; ++i) world.increment("k");
  world.restart_edge();
  EXPECT_EQ(world.outbox_events(), 3);
  world.reconcile();
  EXPECT_EQ(world.logged("k"), 3);
  EXPECT_EQ(world.outbox_events(), 0);
}

TEST(Hybrid, EventsAfterARestartWithAnEmptyOutboxAreStillLogged) {
  // The outbox is emptied by the acknowledgement, then the edge restarts: its next events must
  // not reuse sequence numbers the authority already applied (it would skip them as duplicates).
  AuthorityAndEdge world;
  world.increment("k");
  world.increment("k");
  world.reconcile();
  ASSERT_EQ(world.logged("k"), 2);
  world.restart_edge();
  world.increment("k");
  world.reconcile();
  EXPECT_EQ(world.logged("k"), 3);
}

TEST(Hybrid, AcknowledgedEventsAreNotResentAfterARestart) {
  AuthorityAndEdge world;
  world.increment("k");
  world.edge->on_timer(world.edge_context, world.edge_context.last_timer);  // ships it
  world.increment("k");  // not shipped yet: the acknowledgement leaves it in the outbox
  world.deliver();
  world.restart_edge();
  EXPECT_EQ(world.outbox_events(), 1);
  world.reconcile();
  EXPECT_EQ(world.logged("k"), 2);
}

TEST(Hybrid, ALongUsedOutboxKeepsOnlyWhatIsUnacknowledged) {
  // Acknowledgements that never empty the outbox (an event always in flight): its durable log
  // is rewritten without the acknowledged records rather than growing, and a restart still finds
  // exactly the unacknowledged ones.
  AuthorityAndEdge world;
  world.increment("k");
  for (int round = 0; round < 200; ++round) {
    world.increment("k");
    world.edge->on_timer(world.edge_context, world.edge_context.last_timer);
    // Deliver the events, then one more increment before the acknowledgement arrives.
    AuthorityAndEdge::deliver_hybrid(std::exchange(world.edge_context.outbox, {}), *world.authority,
                                     world.authority_context, 1);
    world.increment("k");
    world.deliver();
  }
  ASSERT_GT(world.outbox_events(), 0);
  const size_t log_bytes = world.edge_context.durable().get("hybrid/outbox")->size();
  EXPECT_LT(log_bytes, 1'000u) << "the outbox log keeps acknowledged records";
  const int64_t pending = world.outbox_events();
  world.restart_edge();
  EXPECT_EQ(world.outbox_events(), pending);
  world.reconcile();
  EXPECT_EQ(world.logged("k"), 401);
}

// The digest kept key by key over the hybrid's view (the local counters, with authoritative keys
// read from the log's totals) equals one computed afresh from observe(), through increments, CRDT
// sync, the authority's totals changing and being published, and restarts of either replica.
TEST(Hybrid, TheObservedDigestFollowsEveryChange) {
  for (const std::string authoritative_keys : {"*", "a"}) {
    SCOPED_TRACE("authoritative_keys: " + authoritative_keys);
    AuthorityAndEdge world(authoritative_keys);
    auto check = [&] { testing::expect_digests_follow(*world.authority, *world.edge); };
    check();  // tracking starts here
    world.increment("a");
    world.increment("b");
    check();
    world.run_everything();  // the CRDTs sync; the log takes the events after publishing
    check();
    world.run_everything();  // the edge learns the published totals
    check();
    EXPECT_EQ(world.edge->observe(), world.authority->observe());
    world.increment("a");
    world.reconcile();  // only the log: the authority's total of "a" moves, its counter does not
    check();
    world.run_everything();
    world.run_everything();
    check();
    world.restart_edge();
    check();
    world.authority->on_crash();
    world.authority->on_start(world.authority_context);
    check();
    world.increment("b");
    world.run_everything();
    world.run_everything();
    check();
    EXPECT_EQ(world.edge->observe(), world.authority->observe());
  }
}

// The authority publishes every total in key order, and an edge finds each key a step on from the
// last. Totals for keys the edge has not seen, keys it has that are left out, and a message out of
// order (as from another implementation) all read back as published.
TEST(Hybrid, AnEdgeReadsEveryPublishedTotalWhateverItsOrder) {
  AuthorityAndEdge world;
  uint64_t position = 0;
  auto publish = [&](const std::vector<std::pair<std::string, int64_t>>& totals) {
    const std::string message = models::wire_encode([&](models::Packer& out) {
      models::pack_packed(out, "h");
      out.pack_array(2);
      out.pack_uint8(2);  // published
      out.pack_array(2);
      out.pack_uint64(++position);
      out.pack_array(static_cast<uint32_t>(totals.size() * 2));
      for (const auto& [key, total] : totals) {
        models::pack_string(out, key);
        out.pack_int64(total);
      }
    });
    world.edge->on_message(world.edge_context, 0, message);
  };
  auto read = [&](const std::string& key) {
    const OpId id = world.next_op++;
    world.edge->on_op(world.edge_context, Op{id, "read", key, nullptr});
    return world.edge_context.completed.at(id).value.get<int64_t>();
  };
  publish({{"b", 2}, {"d", 4}, {"f", 6}});
  EXPECT_EQ(read("b") + read("d") + read("f"), 12);
  // Keys between, before and after the known ones, and more than a few steps apart.
  std::vector<std::pair<std::string, int64_t>> in_order = {{"a", 10}, {"b", 20}, {"c", 30}};
  for (int i = 0; i < 20; ++i) in_order.emplace_back("c" + std::to_string(10 + i), 100 + i);
  in_order.insert(in_order.end(), {{"d", 40}, {"e", 50}, {"f", 60}, {"g", 70}});
  publish(in_order);
  for (const auto& [key, total] : in_order) EXPECT_EQ(read(key), total) << key;
  publish({{"g", 7}, {"a", 1}, {"z", 26}, {"c15", 15}, {"c12", 12}, {"b", 2}});
  EXPECT_EQ(read("g"), 7);
  EXPECT_EQ(read("a"), 1);
  EXPECT_EQ(read("z"), 26);
  EXPECT_EQ(read("c15"), 15);
  EXPECT_EQ(read("c12"), 12);
  EXPECT_EQ(read("b"), 2);
  EXPECT_EQ(read("c13"), 103);  // left out: unchanged
  EXPECT_EQ(read("e"), 50);
}

// An edge keeps the last published totals durably: restarted, it reads the official totals it had
// (not zeros until the next publication). A publication from an older log position, arriving late,
// does not move them back.
TEST(Hybrid, PublishedTotalsSurviveARestartAndNeverGoBack) {
  AuthorityAndEdge world;
  for (int i = 0; i < 3; ++i) world.increment("k");
  world.run_everything();  // the log takes the events
  // The authority's reconcile timer (started last) publishes; keep that publication for later.
  world.authority->on_timer(world.authority_context, world.authority_context.last_timer);
  std::string older;
  for (const auto& m : world.authority_context.outbox) {
    if (m.payload.front() == 'h') older = m.payload;
  }
  world.run_everything();
  auto read_at_edge = [&] {
    const OpId id = world.next_op++;
    world.edge->on_op(world.edge_context, Op{id, "read", "k", nullptr});
    return world.edge_context.completed.at(id).value.get<int64_t>();
  };
  ASSERT_EQ(read_at_edge(), 3);
  world.restart_edge();
  EXPECT_EQ(read_at_edge(), 3);
  world.increment("k");
  world.run_everything();
  world.run_everything();
  ASSERT_EQ(read_at_edge(), 4);
  ASSERT_FALSE(older.empty());
  world.edge->on_message(world.edge_context, 0, older);  // the publication of 3, late
  EXPECT_EQ(read_at_edge(), 4);
}

// max_value bounds the log. An edge that has not heard the log is full acknowledges increments
// the log then refuses (they are consumed, not resent); once the full total is published, the edge
// refuses at once and nothing new reaches its outbox. The authority checks its own increments
// against its own totals.
TEST(Hybrid, TheLogRefusesIncrementsPastMaxValueAndEdgesThatKnowItRefuseAtOnce) {
  AuthorityAndEdge world("*", 2);
  for (int i = 0; i < 3; ++i) world.increment("k");
  world.reconcile();
  EXPECT_EQ(world.logged("k"), 2);
  EXPECT_EQ(world.stat(*world.authority, "refused_events"), 1);
  EXPECT_EQ(world.outbox_events(), 0) << "a refused event is consumed, not resent";
  world.run_everything();  // the authority publishes its totals
  world.run_everything();
  EXPECT_FALSE(world.try_increment("k"));
  EXPECT_EQ(world.stat(*world.edge, "refused_ops"), 1);
  EXPECT_EQ(world.outbox_events(), 0);
  EXPECT_TRUE(world.try_increment("other")) << "the bound is per key";
  world.reconcile();
  EXPECT_EQ(world.logged("other"), 1);

  const OpId at_authority = world.next_op++;
  world.authority->on_op(world.authority_context, Op{at_authority, "incr", "k", 1});
  EXPECT_FALSE(world.authority_context.completed.at(at_authority).ok);
  EXPECT_EQ(world.logged("k"), 2);
}

// On a map, the fields marked authoritative are the log's: a read there shows what the log last
// published (nothing before that, whatever the local layer holds), and the log's order decides
// among writes, not the local layer's stamps. Other fields are the local LWW map's, at once.
TEST(Hybrid, AMapsAuthoritativeFieldsAreTheLogsInTheLogsOrder) {
  AuthorityAndEdge world("a", -1, "map");
  world.write("a", "edge-1");
  world.write("b", "local");
  EXPECT_EQ(world.read("a"), nullptr) << "not in the log yet";
  EXPECT_EQ(world.read("b"), "local");
  world.run_everything();  // the log appends the edge's write, then publishes
  world.run_everything();
  EXPECT_EQ(world.read("a"), "edge-1");
  EXPECT_EQ(world.read("a", world.authority.get()), "edge-1");
  EXPECT_EQ(world.read("b", world.authority.get()), "local");

  // The edge writes first and the authority after it, with the edge's write merged there (so the
  // authority's stamp is the greater, and the local layer keeps its write). The edge's event is
  // lost on its way to the log, then resent; the authority's own is appended first, so the edge's
  // write is last in the log and wins.
  world.write("a", "edge-2");
  world.run_everything(/*ship_events=*/false);
  world.write("a", "authority", world.authority.get());
  world.run_everything();
  world.run_everything();
  EXPECT_EQ(world.read("a", world.authority.get()), "edge-2");
  EXPECT_EQ(world.read("a"), "edge-2");
  EXPECT_EQ(world.edge->observe(), world.authority->observe());
  EXPECT_EQ(world.edge->observe(), (Value{{"a", "edge-2"}, {"b", "local"}}));

  world.remove("a");
  world.restart_edge();  // the delete waits in the durable outbox
  world.run_everything();
  world.run_everything();
  EXPECT_EQ(world.read("a"), nullptr);
  EXPECT_EQ(world.edge->observe(), (Value{{"b", "local"}}));
  EXPECT_EQ(world.edge->observe(), world.authority->observe());
}

// Optimistic reads lay the edge's own events over the log's totals until a publication includes
// them, and then not again: not twice while the authority has them but has not published yet, not
// after a restart (the outbox keeps them until then), not once they are published.
TEST(Hybrid, OptimisticReadsCountOwnEventsOnceUntilTheLogPublishesThem) {
  AuthorityAndEdge world("*", -1, "counter", "optimistic");
  world.increment("k");
  world.increment("k");
  EXPECT_EQ(world.read("k"), 2) << "the edge's own increments, at once";
  world.reconcile();  // the log has them and acknowledges; nothing is published yet
  ASSERT_EQ(world.logged("k"), 2);
  EXPECT_EQ(world.read("k"), 2);
  world.restart_edge();
  EXPECT_EQ(world.read("k"), 2) << "acknowledged but unpublished events are lost on restart";
  world.run_everything();  // the authority publishes
  world.run_everything();
  EXPECT_EQ(world.read("k"), 2) << "published: no longer laid over";
  EXPECT_EQ(world.outbox_events(), 0);
  world.increment("k");
  world.restart_edge();
  EXPECT_EQ(world.read("k"), 3);
  world.run_everything();
  world.run_everything();
  EXPECT_EQ(world.read("k"), 3);
  EXPECT_EQ(world.read("k", world.authority.get()), 3);

  AuthorityAndEdge published("*", -1, "counter", "published");
  published.increment("k");
  EXPECT_EQ(published.read("k"), 0) << "by default a read shows the log's total alone";
}

// A map's field: the writer reads its write at once; once the log has published, the log's
// order decides again.
TEST(Hybrid, OptimisticReadsShowAFieldsOwnWriteUntilTheLogDecides) {
  AuthorityAndEdge world("*", -1, "map", "optimistic");
  world.write("a", "mine");
  EXPECT_EQ(world.read("a"), "mine");
  world.run_everything(/*ship_events=*/false);  // the authority's layer merges it; the log not
  world.write("a", "authority's", world.authority.get());
  EXPECT_EQ(world.read("a", world.authority.get()), "authority's");
  EXPECT_EQ(world.read("a"), "mine");
  world.run_everything();  // the authority's event, then the edge's, reach the log
  world.run_everything();
  EXPECT_EQ(world.read("a"), "mine");
  EXPECT_EQ(world.read("a", world.authority.get()), "mine") << "last in the log";
}

// Laid over a total that others took to max_value, a pending increment the log will refuse adds
// nothing: a read never shows more than the bound, as the log never holds more.
TEST(Hybrid, OptimisticReadsFoldPendingIncrementsAsTheBoundedLogWould) {
  AuthorityAndEdge world("*", 2, "counter", "optimistic");
  world.increment("k");
  world.increment("k");
  EXPECT_EQ(world.read("k"), 2);
  const OpId first = world.next_op++;
  world.authority->on_op(world.authority_context, Op{first, "incr", "k", 1});
  const OpId second = world.next_op++;
  world.authority->on_op(world.authority_context, Op{second, "incr", "k", 1});
  ASSERT_TRUE(world.authority_context.completed.at(second).ok);
  world.run_everything(/*ship_events=*/false);  // the log takes the authority's two: full
  world.run_everything(/*ship_events=*/false);
  EXPECT_EQ(world.read("k"), 2) << "published 2 with 2 pending past the bound";
  world.run_everything();  // the edge's events reach the log, which refuses them
  world.run_everything();
  EXPECT_EQ(world.stat(*world.authority, "refused_events"), 2);
  EXPECT_EQ(world.read("k"), 2);
  EXPECT_EQ(world.outbox_events(), 0);
}

// A deleted field leaves the log at once, and a publication lists every field the log holds, so
// an edge forgets a field the publication leaves out: no tombstones, in the log or on the wire.
// Counters keep a key that a publication leaves out (another implementation may send a part).
TEST(LogValues, AFieldLogForgetsDeletedFieldsAndEdgesForgetWhatAPublicationLeavesOut) {
  models::LogValues<models::FieldLog> log;
  log.fold("a", Value("x"));
  log.fold("b", Value("y"));
  log.fold("a", Value(nullptr));
  const std::string published = models::wire_encode([&](models::Packer& out) { log.pack(out); });
  const models::WireMessage message(published);
  EXPECT_EQ(models::wire_tuples_size(message.root(), 2), 2u) << "only b: [b, y]";

  models::LogValues<models::FieldLog> edge;
  edge.fold("a", Value("x"));
  edge.fold("b", Value("old"));
  std::vector<std::string> changed;
  edge.assign(message.root(), [&](std::string_view key) { changed.emplace_back(key); });
  EXPECT_EQ(edge.at("a"), nullptr);
  EXPECT_EQ(edge.at("b"), "y");
  std::sort(changed.begin(), changed.end());
  EXPECT_EQ(changed, (std::vector<std::string>{"a", "b"}));
  size_t held = 0;
  edge.for_each([&](const std::string&, const Value&) { ++held; });
  EXPECT_EQ(held, 1u);

  models::LogValues<models::CounterLog> other, totals;
  other.fold("x", 1);
  totals.fold("k", 3);
  const std::string part = models::wire_encode([&](models::Packer& out) { other.pack(out); });
  totals.assign(models::WireMessage(part).root(), [](std::string_view) {});
  EXPECT_EQ(totals.at("k"), 3);
  EXPECT_EQ(totals.at("x"), 1);
}

TEST(Hybrid, MaxValueIsForCountersOnly) {
  EXPECT_THROW(make_hybrid("*", 10, "map"), std::invalid_argument);
  EXPECT_NE(make_hybrid("*", -1, "map"), nullptr);
}

// Without max_value the log takes every increment.
TEST(Hybrid, WithoutABoundTheLogTakesEveryIncrement) {
  AuthorityAndEdge world;
  for (int i = 0; i < 5; ++i) world.increment("k");
  world.reconcile();
  EXPECT_EQ(world.logged("k"), 5);
  EXPECT_EQ(world.stat(*world.authority, "refused_events"), 0);
}

}  // namespace
}  // namespace edgesim

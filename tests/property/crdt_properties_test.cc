// Properties every CRDT type must have (rapidcheck; RC_PARAMS="seed=N" replays a failure):
//   - merge is commutative, associative and idempotent on reachable states;
//   - deltas delivered in any order, with duplicates, converge to the same state;
//   - delta-state and state-based propagation reach the same value;
//   - a delta group, as delta sync batches and sends it (through the wire format, into a replica
//     that lacks the key), merges like its deltas one by one;
//   - the inflation a merge reports, relayed instead of the incoming value, has the same effect;
//   - joining a keyed state straight from the wire does what joining its unpacked copy does;
//   - the observed digest kept up to date key by key equals one computed afresh;
//   - on one replica, the type behaves like its sequential reference model.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "models/crdt/keyed_crdt.h"
#include "models/crdt/lww_register.h"
#include "models/crdt/or_set.h"
#include "models/crdt/pn_counter.h"
#include "models/crdt/rga.h"

namespace edgesim::models {
namespace {

constexpr ReplicaId kReplicas = 3;

// One generated client op at a replica; `merge_from` >= 0 means "first merge that replica's state".
struct Step {
  ReplicaId replica = 0;
  Op op;
  int merge_from = -1;
};

Op op_of(std::string f, Value arg) { return Op{0, std::move(f), "k", std::move(arg)}; }

template <typename T>
rc::Gen<Op> gen_op();

template <>
rc::Gen<Op> gen_op<PnCounter>() {
  return rc::gen::map(rc::gen::inRange(-5, 6), [](int by) { return op_of("incr", by); });
}

template <>
rc::Gen<Op> gen_op<OrSet>() {
  return rc::gen::map(rc::gen::pair(rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 6)),
                      [](auto p) { return op_of(p.first ? "add" : "remove", p.second); });
}

template <>
rc::Gen<Op> gen_op<MvRegister>() {
  return rc::gen::map(rc::gen::inRange(0, 100), [](int v) { return op_of("write", v); });
}

template <>
rc::Gen<Op> gen_op<LwwRegister>() {
  return rc::gen::map(rc::gen::pair(rc::gen::inRange(0, 4), rc::gen::inRange(0, 100)), [](auto p) {
    return p.first == 0 ? op_of("delete", nullptr) : op_of("write", p.second);
  });
}

template <>
rc::Gen<Op> gen_op<Rga>() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 12), rc::gen::inRange(1, 4),
                     rc::gen::inRange(0, 5)),
      [](auto t) {
        const auto [insert, pos, len, letter] = t;
        if (insert)
          return op_of("insert",
                       Value{{"pos", pos}, {"text", std::string(size_t(len), char('a' + letter))}});
        return op_of("delete", Value{{"pos", pos}, {"len", len}});
      });
}

template <typename T>
rc::Gen<std::vector<Step>> gen_steps() {
  auto step = rc::gen::map(rc::gen::tuple(rc::gen::inRange<ReplicaId>(0, kReplicas), gen_op<T>(),
                                          rc::gen::inRange(-3, int(kReplicas))),
                           [](auto t) {
                             auto [replica, op, merge] = t;
                             return Step{replica, op, merge < 0 ? -1 : merge};
                           });
  return rc::gen::container<std::vector<Step>>(step);
}

// Runs the steps: each op at its replica with a global op counter per replica and an HLC that
// advances with the step index; returns the replica states and every delta in issue order.
template <typename T>
struct Execution {
  std::vector<T> states = std::vector<T>(kReplicas);
  std::vector<T> deltas;
};

template <typename T>
Execution<T> execute(const std::vector<Step>& steps) {
  Execution<T> run;
  std::vector<uint64_t> counters(kReplicas, 0);
  int64_t clock = 0;
  for (const Step& step : steps) {
    T& state = run.states[step.replica];
    if (step.merge_from >= 0) state.merge(run.states[size_t(step.merge_from)]);
    const CrdtStamp stamp{step.replica, ++counters[step.replica], HlcTimestamp{++clock, 0}};
    T delta;
    if (state.apply(step.op, stamp, delta).ok) run.deltas.push_back(delta);
  }
  return run;
}

template <typename T>
void check_merge_laws(const std::vector<Step>& steps) {
  const Execution<T> run = execute<T>(steps);
  const T& a = run.states[0];
  const T& b = run.states[1];
  const T& c = run.states[2];
  T ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  RC_ASSERT(ab.observe() == ba.observe());  // commutative
  T ab_c = ab, a_bc = a, bc = b;
  ab_c.merge(c);
  bc.merge(c);
  a_bc.merge(bc);
  RC_ASSERT(ab_c.observe() == a_bc.observe());  // associative
  T a_then_b = a;
  const bool changed = a_then_b.merge(b);
  RC_ASSERT(changed == !(a_then_b == a));  // merge reports exactly whether it changed the state
  T aa = a;
  RC_ASSERT(!aa.merge(a));
  RC_ASSERT(aa.observe() == a.observe());  // idempotent
  RC_ASSERT(aa == a);
}

template <typename T>
void check_delivery_orders(const std::vector<Step>& steps) {
  const Execution<T> run = execute<T>(steps);
  T in_order;
  for (const T& d : run.deltas) in_order.merge(d);
  // Any permutation, every delta twice.
  std::vector<size_t> order;
  for (size_t i = 0; i < run.deltas.size(); ++i) order.insert(order.end(), {i, i});
  const auto keys =
      *rc::gen::container<std::vector<uint32_t>>(order.size(), rc::gen::arbitrary<uint32_t>());
  std::vector<size_t> positions(order.size());
  for (size_t i = 0; i < positions.size(); ++i) positions[i] = i;
  std::stable_sort(positions.begin(), positions.end(),
                   [&](size_t x, size_t y) { return keys[x] < keys[y]; });
  T any_order;
  for (size_t p : positions) any_order.merge(run.deltas[order[p]]);
  RC_ASSERT(any_order.observe() == in_order.observe());
  // Delta-state reaches what state-based propagation (merging every replica's state) reaches.
  T by_state;
  for (const T& s : run.states) by_state.merge(s);
  RC_ASSERT(in_order.observe() == by_state.observe());
}

// `value` under key "k" of a keyed store, built through the wire format as a receiver sees it.
template <typename T>
KeyedCrdt<T> keyed_via_wire(const T& value) {
  const std::string bytes = wire_encode([&](Packer& out) {
    out.pack_map(1);
    out.pack(std::string("k"));
    value.pack(out);
  });
  const WireMessage parsed(bytes);
  return KeyedCrdt<T>::unpack(parsed.root());
}

template <typename T>
KeyedCrdt<T> wire_round_trip(const KeyedCrdt<T>& keyed) {
  const WireMessage parsed(wire_encode([&](Packer& out) { keyed.pack(out); }));
  return KeyedCrdt<T>::unpack(parsed.root());
}

template <typename T>
void check_delta_groups(const std::vector<Step>& steps) {
  const Execution<T> run = execute<T>(steps);
  T in_order;
  for (const T& d : run.deltas) in_order.merge(d);
  KeyedCrdt<T> group;
  for (const T& d : run.deltas) group.absorb(keyed_via_wire(d));
  KeyedCrdt<T> receiver;
  receiver.merge(wire_round_trip(group));
  const Value expected = run.deltas.empty() ? Value::object() : keyed_via_wire(in_order).observe();
  RC_ASSERT(receiver.observe().dump() == expected.dump());
}

// Delta sync relays what a merge reports as inflation instead of the incoming value. At any
// replica that holds what the relaying one held before the merge, the two must have the same
// effect.
template <typename T>
void check_relayed_inflation(const std::vector<Step>& steps) {
  const Execution<T> run = execute<T>(steps);
  const KeyedCrdt<T> before = keyed_via_wire(run.states[0]);
  const KeyedCrdt<T> incoming = keyed_via_wire(run.states[1]);
  KeyedCrdt<T> relaying = before;
  const KeyedCrdt<T> inflation = wire_round_trip(relaying.merge(incoming));
  KeyedCrdt<T> third = keyed_via_wire(run.states[2]);
  third.merge(before);
  KeyedCrdt<T> given_incoming = third;
  third.merge(inflation);
  given_incoming.merge(incoming);
  RC_ASSERT(third.observe().dump() == given_incoming.observe().dump());
  // join() reports a change exactly when merge() finds an inflation.
  KeyedCrdt<T> joining = before;
  RC_ASSERT(joining.join(incoming) == !inflation.empty());
  RC_ASSERT(joining.observe().dump() == relaying.observe().dump());
  RC_ASSERT(third.observe().dump() == [&] {
    KeyedCrdt<T> everything = given_incoming;
    everything.merge(relaying);
    return everything.observe().dump();
  }());
}

// A keyed state of `values`, the i-th under key "k<i>" where `present[i]`, packed in key order
// or (`reversed`) against it, as no sender of ours does but a receiver must still take.
template <typename T>
std::string packed_keyed(const std::vector<T>& values, const std::vector<bool>& present,
                         bool reversed) {
  std::vector<size_t> order;
  for (size_t i = 0; i < values.size(); ++i) {
    if (present[i]) order.push_back(i);
  }
  if (reversed) std::reverse(order.begin(), order.end());
  return wire_encode([&](Packer& out) {
    out.pack_map(static_cast<uint32_t>(order.size()));
    for (size_t i : order) {
      out.pack(std::string("k") + std::to_string(i));
      values[i].pack(out);
    }
  });
}

// join_packed() merges values in place from the wire where the type can (PackedMerging) and finds
// each key's place by walking on from the previous one: it must do exactly what joining (or
// merging, with an inflation) the unpacked state does, keys in order or not.
template <typename T>
void check_packed_join(const std::vector<Step>& steps) {
  const Execution<T> run = execute<T>(steps);
  // Keys k0..k(2n-1): the receiver holds a replica's state under some of them, the sender another
  // replica's under some, so that some keys are new to the receiver and some are merged.
  std::vector<T> mine, theirs;
  for (size_t i = 0; i < 2 * kReplicas; ++i) {
    mine.push_back(run.states[i % kReplicas]);
    theirs.push_back(run.states[(i + 1 + i / kReplicas) % kReplicas]);
  }
  const auto mine_present =
      *rc::gen::container<std::vector<bool>>(mine.size(), rc::gen::arbitrary<bool>());
  const auto theirs_present =
      *rc::gen::container<std::vector<bool>>(theirs.size(), rc::gen::arbitrary<bool>());
  const bool reversed = *rc::gen::arbitrary<bool>();
  const WireMessage receiver_bytes(packed_keyed(mine, mine_present, false));
  const WireMessage incoming(packed_keyed(theirs, theirs_present, reversed));
  const KeyedCrdt<T> receiver = KeyedCrdt<T>::unpack(receiver_bytes.root());
  const auto packed = [](const KeyedCrdt<T>& keyed) {
    return wire_encode([&](Packer& out) { keyed.pack(out); });
  };

  KeyedCrdt<T> joined_packed = receiver, joined = receiver;
  const bool joined_packed_changed = joined_packed.join_packed(incoming.root(), nullptr);
  RC_ASSERT(joined_packed_changed == joined.join(KeyedCrdt<T>::unpack(incoming.root())));
  RC_ASSERT(packed(joined_packed) == packed(joined));

  KeyedCrdt<T> merged_packed = receiver, merged = receiver, inflation;
  const bool changed = merged_packed.join_packed(incoming.root(), &inflation);
  RC_ASSERT(changed == !inflation.empty());
  const KeyedCrdt<T> expected_inflation = merged.merge(KeyedCrdt<T>::unpack(incoming.root()));
  RC_ASSERT(packed(merged_packed) == packed(merged));
  RC_ASSERT(packed(inflation) == packed(expected_inflation));
}

// KeyedCrdt::digest() as it was before it was remembered: a hash of the packed state.
template <typename T>
uint64_t fresh_state_digest(const KeyedCrdt<T>& keyed) {
  return TraceHash::digest(wire_encode([&](Packer& out) { keyed.pack(out); }));
}

// The observed digest kept up to date key by key (KeyedCrdt::observed_digest) equals the digest
// computed afresh from every key, whenever tracking was turned on and whatever changed the state
// since (local ops, joins from the wire or not, compaction erasing keys); and replicas' digests
// are equal exactly when they observe equal. So does the state digest (KeyedCrdt::digest),
// remembered between changes, for replicas and for the delta groups their ops' deltas go into.
template <typename T>
void check_observed_digest(const std::vector<Step>& steps) {
  const auto asked =
      *rc::gen::container<std::vector<bool>>(steps.size(), rc::gen::arbitrary<bool>());
  std::vector<KeyedCrdt<T>> replicas(kReplicas), groups(kReplicas);
  std::vector<uint64_t> counters(kReplicas, 0);
  int64_t clock = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    KeyedCrdt<T>& replica = replicas[step.replica];
    KeyedCrdt<T>& group = groups[step.replica];
    if (asked[i]) {
      replica.observed_digest();  // tracking starts (or goes on) here
      replica.digest();           // remembered from here
      group.digest();
    }
    if (step.merge_from >= 0 && i % 2 == 0) replica.join(replicas[size_t(step.merge_from)]);
    if (step.merge_from >= 0 && i % 2 == 1) {
      const WireMessage other(
          wire_encode([&](Packer& out) { replicas[size_t(step.merge_from)].pack(out); }));
      replica.join_packed(other.root(), nullptr);
    }
    if (asked[i]) RC_ASSERT(replica.digest() == fresh_state_digest(replica));
    Op op = step.op;
    op.key = "k" + std::to_string(i % 3);
    T delta;
    const Result result = replica.apply(
        op, CrdtStamp{step.replica, ++counters[step.replica], HlcTimestamp{++clock, 0}}, delta);
    if (result.ok && !op.is("read")) group.absorb(op.key, delta);
    if (i % 4 == 3) {
      if (asked[i]) replica.digest();    // remembered before compaction changes the state
      replica.compact(VersionVector{});  // erases values emptied by the op
    }
    if (asked[i]) {
      RC_ASSERT(replica.observed_digest() == wire_round_trip(replica).observed_digest());
      RC_ASSERT(replica.digest() == fresh_state_digest(replica));
      RC_ASSERT(group.digest() == fresh_state_digest(group));
    }
  }
  for (const KeyedCrdt<T>& a : replicas) {
    RC_ASSERT(a.observed_digest() == wire_round_trip(a).observed_digest());
    RC_ASSERT(a.digest() == fresh_state_digest(a));
    for (const KeyedCrdt<T>& b : replicas) {
      RC_ASSERT((a.observed_digest() == b.observed_digest()) == (a.observe() == b.observe()));
    }
  }
}

// Convergence compares observe() across replicas and re-observes one only when its
// observe_version() changed, which compaction does not do. So compaction must not change what a
// replica observes. A delete in a document never written left an empty document, observed as "",
// until compaction erased it; replicas that compacted at different times looked diverged for good
// (found with 200 text keys under random faults).
TEST(KeyedCrdt, CompactingAnEmptyValueAwayDoesNotChangeWhatIsObserved) {
  KeyedCrdt<Rga> doc;
  KeyedCrdt<Rga> delta;
  ASSERT_TRUE(
      doc.apply(Op{1, "delete", "d", Value{{"pos", 0}, {"len", 2}}}, CrdtStamp{0, 1, {}}, delta)
          .ok);
  ASSERT_EQ(doc.entries().size(), 1u);  // an empty document
  const std::string before = doc.observe().dump();
  doc.compact(VersionVector{});
  EXPECT_TRUE(doc.entries().empty());  // erased
  EXPECT_EQ(doc.observe().dump(), before);
  EXPECT_EQ(before, "{}");
}

TEST(KeyedCrdt, ANewKeyWithAnEmptyValueIsNewsToRelay) {
  // Removing an element the replica never saw leaves its key holding an empty set (and the
  // removed dot in its context). A replica that receives that delta must hold the key too and
  // relay it, or the removed element, arriving later from a third replica, would survive there.
  KeyedCrdt<OrSet> origin, delta;
  ASSERT_TRUE(origin.apply(Op{1, "remove", "k", Value(5)}, CrdtStamp{0, 1, {}}, delta).ok);
  KeyedCrdt<OrSet> receiver;
  const KeyedCrdt<OrSet> inflation = receiver.merge(wire_round_trip(delta));
  EXPECT_FALSE(inflation.empty());
  EXPECT_EQ(receiver.observe().dump(), origin.observe().dump());
  // An emptied key observes like one never written (compaction may erase it at any time).
  EXPECT_EQ(origin.observe().dump(), R"({})");
  KeyedCrdt<OrSet> joining;  // and a replica that does not relay sees a change (it must re-observe)
  EXPECT_TRUE(joining.join(wire_round_trip(delta)));
  EXPECT_EQ(joining.observe().dump(), origin.observe().dump());
}

#define CRDT_PROPERTIES(Type)                                                                      \
  RC_GTEST_PROP(Type##Properties, MergeIsCommutativeAssociativeIdempotent, ()) {                   \
    check_merge_laws<Type>(*gen_steps<Type>());                                                    \
  }                                                                                                \
  RC_GTEST_PROP(Type##Properties, AnyDeliveryOrderWithDuplicatesConverges, ()) {                   \
    check_delivery_orders<Type>(*gen_steps<Type>());                                               \
  }                                                                                                \
  RC_GTEST_PROP(Type##Properties, DeltaGroupsMergeLikeTheirDeltas, ()) {                           \
    check_delta_groups<Type>(*gen_steps<Type>());                                                  \
  }                                                                                                \
  RC_GTEST_PROP(Type##Properties, RelayedInflationActsLikeTheIncomingValue, ()) {                  \
    check_relayed_inflation<Type>(*gen_steps<Type>());                                             \
  }                                                                                                \
  RC_GTEST_PROP(Type##Properties, JoiningStraightFromTheWireActsLikeJoiningTheUnpackedState, ()) { \
    check_packed_join<Type>(*gen_steps<Type>());                                                   \
  }                                                                                                \
  RC_GTEST_PROP(Type##Properties, TheObservedDigestKeptKeyByKeyEqualsOneComputedAfresh, ()) {      \
    check_observed_digest<Type>(*gen_steps<Type>());                                               \
  }

CRDT_PROPERTIES(PnCounter)
CRDT_PROPERTIES(OrSet)
CRDT_PROPERTIES(MvRegister)
CRDT_PROPERTIES(LwwRegister)
CRDT_PROPERTIES(Rga)

// Sequential reference models: on a single replica each type is the plain data structure.
template <typename T>
std::vector<Op> single_replica_ops() {
  return *rc::gen::container<std::vector<Op>>(gen_op<T>());
}

template <typename T>
Value run_single(const std::vector<Op>& ops) {
  T state;
  uint64_t counter = 0;
  for (const Op& op : ops) {
    T delta;
    state.apply(op, CrdtStamp{0, ++counter, HlcTimestamp{int64_t(counter), 0}}, delta);
  }
  return state.observe();
}

RC_GTEST_PROP(SequentialModels, CounterIsASum, ()) {
  const auto ops = single_replica_ops<PnCounter>();
  int64_t sum = 0;
  for (const Op& op : ops) sum += op.arg.get<int64_t>();
  RC_ASSERT(run_single<PnCounter>(ops) == Value(sum));
}

RC_GTEST_PROP(SequentialModels, OrSetIsASet, ()) {
  const auto ops = single_replica_ops<OrSet>();
  std::set<int> model;
  for (const Op& op : ops) {
    if (op.f == "add") model.insert(op.arg.get<int>());
    if (op.f == "remove") model.erase(op.arg.get<int>());
  }
  RC_ASSERT(run_single<OrSet>(ops) == Value(std::vector<int>(model.begin(), model.end())));
}

// Elements of mixed JSON types, and a state that is now and then replaced by its own packed and
// unpacked copy (as a restart restores a snapshot): the set's value index is rebuilt from scratch
// there and kept up to date by the ops after it.
RC_GTEST_PROP(SequentialModels, AnOrSetRestoredFromItsPackedFormIsStillTheSet, ()) {
  const auto element =
      rc::gen::oneOf(rc::gen::map(rc::gen::inRange(0, 4), [](int i) { return Value(i); }),
                     rc::gen::map(rc::gen::inRange(0, 4),
                                  [](int i) { return Value(std::string(1, char('a' + i))); }));
  const auto ops = *rc::gen::container<std::vector<std::tuple<bool, Value, bool>>>(
      rc::gen::tuple(rc::gen::arbitrary<bool>(), element, rc::gen::arbitrary<bool>()));
  KeyedCrdt<OrSet> state;
  std::set<Value> model;
  uint64_t counter = 0;
  for (const auto& [add, value, restore] : ops) {
    KeyedCrdt<OrSet> delta;
    state.apply(op_of(add ? "add" : "remove", value),
                CrdtStamp{0, ++counter, HlcTimestamp{int64_t(counter), 0}}, delta);
    if (add)
      model.insert(value);
    else
      model.erase(value);
    if (restore) state = wire_round_trip(state);
  }
  const Value expected = model.empty()
                             ? Value::object()
                             : Value{{"k", Value(std::vector<Value>(model.begin(), model.end()))}};
  RC_ASSERT(state.observe() == expected);
}

RC_GTEST_PROP(SequentialModels, RegistersKeepTheLastWrite, ()) {
  const auto ops = single_replica_ops<LwwRegister>();
  Value model = nullptr;
  for (const Op& op : ops) model = op.f == "write" ? op.arg : Value(nullptr);
  RC_ASSERT(run_single<LwwRegister>(ops) == model);
  const auto writes = single_replica_ops<MvRegister>();
  const Value expected = writes.empty() ? Value::array() : Value::array({writes.back().arg});
  RC_ASSERT(run_single<MvRegister>(writes) == expected);
}

RC_GTEST_PROP(SequentialModels, RgaIsAString, ()) {
  const auto ops = single_replica_ops<Rga>();
  std::string model;
  for (const Op& op : ops) {
    const size_t pos = std::min<size_t>(op.arg["pos"].get<size_t>(), model.size());
    if (op.f == "insert") model.insert(pos, op.arg["text"].get<std::string>());
    if (op.f == "delete")
      model.erase(pos, std::min<size_t>(op.arg["len"].get<size_t>(), model.size() - pos));
  }
  RC_ASSERT(run_single<Rga>(ops) == Value(model));
}

// Garbage collection keeps the value: compacting against a frontier that covers every op drops
// tombstones without changing the text.
RC_GTEST_PROP(RgaCompaction, CollectingStableTombstonesKeepsTheText, ()) {
  const Execution<Rga> run = execute<Rga>(*gen_steps<Rga>());
  Rga all;
  for (const Rga& s : run.states) all.merge(s);
  VersionVector everything;
  for (ReplicaId r = 0; r < kReplicas; ++r) everything.set(r, 1'000'000);
  Rga compacted = all;
  compacted.compact(everything);
  RC_ASSERT(compacted.observe() == all.observe());
  RC_ASSERT(compacted.tombstones() == 0u);
  // An old copy of a collected element must not come back.
  compacted.merge(all);
  RC_ASSERT(compacted.observe() == all.observe());
  RC_ASSERT(compacted.tombstones() == 0u);
}

// The wire format (elements in runs) keeps every element: ids, origins, dots and tombstones.
RC_GTEST_PROP(RgaWire, PackingAndUnpackingKeepsEveryElement, ()) {
  const Execution<Rga> run = execute<Rga>(*gen_steps<Rga>());
  Rga all;
  for (const Rga& s : run.states) all.merge(s);
  for (const Rga& value : {all, run.states[0], run.deltas.empty() ? Rga{} : run.deltas.back()}) {
    const WireMessage parsed(wire_encode([&](Packer& out) { value.pack(out); }));
    const Rga back = Rga::unpack(parsed.root());
    RC_ASSERT(back.elements() == value.elements());
    RC_ASSERT(back == value);
  }
}

// An old copy of a collected element that arrives before the frontier is known again (after a
// restart) waits for its collected origin; the next compaction drops it.
// Replica 0 typed "ab" (op 1) and deleted "a" (op 2); `everything` has seen both ops. Compacted
// with it, the text holds "b" without its origin "a", which was collected.
struct OriginCollected {
  Rga only_b;
  VersionVector everything;
  OriginCollected() {
    Rga delta;
    EXPECT_TRUE(only_b
                    .apply(Op{1, "insert", "d", Value{{"pos", 0}, {"text", "ab"}}},
                           CrdtStamp{0, 1, {}}, delta)
                    .ok);
    EXPECT_TRUE(
        only_b
            .apply(Op{2, "delete", "d", Value{{"pos", 0}, {"len", 1}}}, CrdtStamp{0, 2, {}}, delta)
            .ok);
    everything.set(0, 2);
    only_b.compact(everything);
    EXPECT_EQ(only_b.observe(), Value("b"));
  }
};

TEST(RgaCompaction, StableElementsWaitingForACollectedOriginAreDropped) {
  const OriginCollected made;
  const Rga& only_b = made.only_b;
  const VersionVector& everything = made.everything;
  Rga restarted;
  restarted.merge(only_b);
  ASSERT_EQ(restarted.pending(), 1u);
  restarted.compact(VersionVector{});
  EXPECT_EQ(restarted.pending(), 1u);  // not stable: it may still find its origin
  restarted.compact(everything);
  EXPECT_EQ(restarted.pending(), 0u);
  EXPECT_EQ(restarted.observe(), Value(""));
}

// A value's waiting elements travel too (a state sent to a peer, or a relayed group), and joining
// them straight from the wire must keep them waiting as merging the unpacked value does.
TEST(RgaPending, AWaitingElementReadFromTheWireKeepsWaiting) {
  const OriginCollected made;
  Rga waiting;
  waiting.merge(made.only_b);
  ASSERT_EQ(waiting.pending(), 1u);
  const WireMessage wire(wire_encode([&](Packer& out) { waiting.pack(out); }));
  Rga from_wire;
  Rga unpacked;
  EXPECT_TRUE(from_wire.merge_packed(wire.root()));
  EXPECT_TRUE(unpacked.merge(Rga::unpack(wire.root())));
  EXPECT_EQ(from_wire.pending(), 1u);
  EXPECT_TRUE(from_wire == unpacked);
}

// A replica relaying what merges brought (`relay: true`) passes on its waiting elements, and they
// come back in others' groups: each copy must be kept once, not once per merge.
TEST(RgaPending, CopiesOfAWaitingElementAreKeptOnce) {
  const OriginCollected made;
  const Rga& origin_lost = made.only_b;
  Rga relaying;
  Rga inflation;
  relaying.merge(origin_lost, inflation);
  ASSERT_EQ(relaying.pending(), 1u);
  for (int round = 0; round < 5; ++round) {
    Rga echoed;  // what a peer relays back: our inflation, with the waiting element in it
    echoed.merge(inflation);
    Rga next;
    relaying.merge(echoed, next);
    relaying.merge(origin_lost, next);
    inflation = next;
  }
  EXPECT_EQ(relaying.pending(), 1u);
  EXPECT_EQ(inflation.pending(), 1u);
}

}  // namespace
}  // namespace edgesim::models

namespace edgesim::models {
namespace {

// meet() is the pointwise minimum, replicas missing from either counting as 0.
RC_GTEST_PROP(VersionVectors, MeetIsThePointwiseMinimum, ()) {
  const auto draw = [] {
    VersionVector vector;
    const auto settings = *rc::gen::container<std::vector<std::pair<ReplicaId, uint64_t>>>(
        rc::gen::pair(rc::gen::inRange<ReplicaId>(0, 12), rc::gen::inRange<uint64_t>(0, 5)));
    for (const auto& [replica, counter] : settings) vector.set(replica, counter);
    return vector;
  };
  const VersionVector a = draw(), b = draw();
  const VersionVector met = a.meet(b);
  for (ReplicaId replica = 0; replica < 12; ++replica) {
    RC_ASSERT(met.get(replica) == std::min(a.get(replica), b.get(replica)));
  }
  for (const auto& [replica, counter] : met.entries()) RC_ASSERT(counter != 0u);
  RC_ASSERT(met == b.meet(a));
}

// A received context is merged in place from the wire (PackedCausalContext) when it is in order,
// as pack() writes it; that must do what merging its unpacked copy does. The packed side is drawn
// raw, so it may hold zero counters, repeats and any order (the reader must then say so).
RC_GTEST_PROP(CausalContexts, MergingInPlaceFromTheWireEqualsMergingTheUnpackedCopy, ()) {
  using Pairs = std::vector<std::pair<ReplicaId, uint64_t>>;
  const auto draw_pairs = [](uint64_t most) {
    return *rc::gen::container<Pairs>(
        rc::gen::pair(rc::gen::inRange<ReplicaId>(0, 5), rc::gen::inRange<uint64_t>(0, most)));
  };
  CausalContext mine;
  for (const auto& dot : draw_pairs(12)) mine.insert(dot);
  Pairs vector = draw_pairs(8), cloud = draw_pairs(12);
  if (*rc::gen::arbitrary<bool>()) {  // often in order, as every well-formed message is
    std::sort(vector.begin(), vector.end());
    vector.erase(std::unique(vector.begin(), vector.end(),
                             [](const auto& a, const auto& b) { return a.first == b.first; }),
                 vector.end());
    std::sort(cloud.begin(), cloud.end());
    cloud.erase(std::unique(cloud.begin(), cloud.end()), cloud.end());
  }
  const auto pack_pairs = [](Packer& out, const Pairs& pairs) {
    out.pack_array(static_cast<uint32_t>(pairs.size() * 2));
    for (const auto& [replica, counter] : pairs) {
      out.pack_uint32(replica);
      out.pack_uint64(counter);
    }
  };
  const WireMessage wire(wire_encode([&](Packer& out) {
    out.pack_array(2);
    pack_pairs(out, vector);
    pack_pairs(out, cloud);
  }));
  const PackedCausalContext packed(wire.root());
  const auto strictly_increasing = [](const Pairs& pairs, auto key) {
    return std::adjacent_find(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
             return !(key(a) < key(b));
           }) == pairs.end();
  };
  RC_ASSERT(packed.ordered() ==
            (strictly_increasing(vector, [](const auto& pair) { return pair.first; }) &&
             strictly_increasing(cloud, [](const auto& pair) { return pair; })));
  const CausalContext unpacked = CausalContext::unpack(wire.root());
  const WireMessage repacked(wire_encode([&](Packer& out) { unpacked.pack(out); }));
  RC_ASSERT(PackedCausalContext(repacked.root()).ordered());
  RC_PRE(packed.ordered());
  CausalContext in_place = mine, from_copy = mine;
  const bool grew = in_place.merge(packed);
  RC_ASSERT(grew == from_copy.merge(unpacked));
  RC_ASSERT(in_place == from_copy);
  // Against the reference, sets of dots: the merge holds the union, says whether it grew, and is
  // compact (no cloud dot that the vector could absorb).
  bool reference_grew = false;
  for (ReplicaId replica = 0; replica < 6; ++replica) {
    for (uint64_t counter = 1; counter < 14; ++counter) {
      const Dot dot{replica, counter};
      const bool seen_before = mine.contains(dot);
      RC_ASSERT(in_place.contains(dot) == (seen_before || unpacked.contains(dot)));
      reference_grew = reference_grew || (!seen_before && unpacked.contains(dot));
    }
  }
  RC_ASSERT(grew == reference_grew);
  for (const Dot& dot : in_place.cloud())
    RC_ASSERT(dot.second > in_place.vector().get(dot.first) + 1);
}

}  // namespace
}  // namespace edgesim::models

// Properties of DeltaBuffer (rapidcheck; RC_PARAMS="seed=N" replays a failure): whatever groups
// were sealed, dropped or trimmed, what it sends a peer that acknowledged up to any held group
// is every later group exactly once, in order, in batches of at most `batch` groups whose bases
// chain from the acknowledgement to the newest group, each batch the join of its groups.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "models/crdt/delta_buffer.h"
#include "models/crdt/pn_counter.h"

namespace edgesim::models {
namespace {

std::string packed(const KeyedCrdt<PnCounter>& state) {
  return wire_encode([&](Packer& out) { state.pack(out); });
}

// A group of increments by replica `replica` on keys k0..k3.
KeyedCrdt<PnCounter> generated_group(ReplicaId replica, uint64_t counter) {
  const auto increments = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 4), rc::gen::inRange(-3, 4))));
  KeyedCrdt<PnCounter> state;
  KeyedCrdt<PnCounter> group;
  for (const auto& [key, by] : increments) {
    const Op op{0, "incr", "k" + std::to_string(key), by};
    RC_ASSERT(state.apply(op, CrdtStamp{replica, ++counter, {}}, group).ok);
  }
  return group;
}

RC_GTEST_PROP(DeltaBufferProperties, SendsEveryLaterGroupOnceInChainedBatches, ()) {
  const size_t max_groups = *rc::gen::inRange<size_t>(1, 8);
  const uint64_t start = *rc::gen::element<uint64_t>(0, uint64_t{3} << 32);
  DeltaBuffer<PnCounter> buffer;
  buffer.restart(start);
  std::map<uint64_t, KeyedCrdt<PnCounter>> model;  // seq -> group, what the buffer should hold
  uint64_t last = start;
  const int actions = *rc::gen::inRange(1, 40);
  for (int action = 0; action < actions; ++action) {
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
      case 1: {  // seal
        KeyedCrdt<PnCounter> group = generated_group(1, last * 8);
        model[++last] = group;
        while (model.size() > max_groups) model.erase(model.begin());
        buffer.seal(std::move(group), max_groups);
        break;
      }
      case 2: {  // every peer acknowledged up to some seq
        const uint64_t through = *rc::gen::inRange<uint64_t>(start, last + 1);
        model.erase(model.begin(), model.upper_bound(through));
        buffer.drop_through(through);
        break;
      }
      case 3:
        buffer.end_round();
        break;
    }
    RC_ASSERT(buffer.last_seq() == last);
    RC_ASSERT(buffer.size() == model.size());
    RC_ASSERT(buffer.first_seq() == (model.empty() ? last + 1 : model.begin()->first));
    if (model.empty()) continue;
    const uint64_t acked = *rc::gen::inRange<uint64_t>(model.begin()->first - 1, last);
    const size_t batch = *rc::gen::inRange<size_t>(1, 5);
    uint64_t expected_base = acked;
    buffer.for_each_batch_after(acked, batch,
                                [&](const std::string& bytes, uint64_t batch_last, uint64_t base) {
                                  RC_ASSERT(base == expected_base);
                                  RC_ASSERT(batch_last > base);
                                  RC_ASSERT(batch_last - base <= batch);
                                  KeyedCrdt<PnCounter> join;
                                  for (uint64_t seq = base + 1; seq <= batch_last; ++seq)
                                    join.absorb(model.at(seq));
                                  RC_ASSERT(bytes == packed(join));
                                  expected_base = batch_last;
                                });
    RC_ASSERT(expected_base == last);
  }
}

}  // namespace
}  // namespace edgesim::models

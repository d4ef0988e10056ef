#pragma once
// No lost writes, per data type, judged against the converged final state (a live replica's
// observe(): key -> value) and the history. Unique written values make every write attributable.
//   counter: the final value lies in [sum of acked increments, that + sum of unknown ones];
//   set:     every acked add(e) is present unless some remove(e) was attempted, and every acked
//            remove(e) holds (elements are unique per add and removed only after their add);
//   kv, map: an acked write that nothing could have superseded (no other write or delete of the
//            key that was concurrent with it or later, or of unknown outcome) is the final value;
//   text:    every acked insert's unique text is present unless a delete of that key was
//            concurrent with it or later (or of unknown outcome). Present allows a text split by
//            other inserts typed into its middle: inserts found whole are cut out of the text,
//            latest first, until nothing more is found, and a text found after its splitters
//            were cut out counts (sim/check/text_peel.h).
// Ops that failed had no effect and are ignored.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/check/history.h"
#include "sim/workload/workload_spec.h"

namespace edgesim {

struct LostWrite {
  uint64_t op = 0;  // the acknowledged op whose effect is missing (0 for a counter key)
  std::string key;
  std::string what;
  uint64_t final_op = 0;  // kv, map: the acknowledged op that left the final value (0: unknown)
};

struct NoLostWritesResult {
  uint64_t checked = 0;  // acknowledged updates (counter: keys) examined
  uint64_t lost = 0;
  std::vector<LostWrite> examples;  // the first few
  bool ok() const { return lost == 0; }
};

NoLostWritesResult find_lost_writes(DataType type, const History& history,
                                    const Value& final_values, size_t max_examples = 5);

}  // namespace edgesim

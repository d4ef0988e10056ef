#pragma once
// Lost updates (the LWW skew anomaly): an acknowledged write w to key k is lost if the final,
// converged value of k was written by a write W that completed before w was invoked. In real time w
// came strictly after W, so any linearizable store would keep w (or something later); a
// last-writer-wins store whose timestamps come from skewed clocks keeps W.
//
// Needs unique written values (the kv workload guarantees them) to attribute the final value.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/check/history.h"

namespace edgesim {

struct LostUpdate {
  uint64_t lost_op = 0;    // the acknowledged write that vanished
  uint64_t winner_op = 0;  // the earlier write whose value survived
  std::string key;
  std::string what;  // when and where each was acknowledged (op_text.h)
};

struct LostUpdatesResult {
  uint64_t count = 0;
  uint64_t acked_writes = 0;
  std::vector<LostUpdate> examples;  // the first few, in op order
};

// `final_values` is an object key -> value (a converged replica's observe()).
LostUpdatesResult find_lost_updates(const History& history, const Value& final_values,
                                    size_t max_examples = 5);

}  // namespace edgesim

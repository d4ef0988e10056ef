#pragma once
// Divergence: how the live replicas of a run that did not converge differ at its end, so that a
// failed convergence check says where to look rather than only how many values there were.
//
// Replicas are grouped by equal observed value (largest group first; ties in replica order). For
// the two largest groups, the keys whose values differ are listed (observed values are objects
// from key to value; anything else differs as a whole, under the key "").

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/value.h"

namespace edgesim {

struct KeyDifference {
  std::string key;
  Value first;   // in the largest group (null: absent)
  Value second;  // in the second largest
};

struct Divergence {
  std::vector<std::vector<std::string>> groups;  // replica names, largest group first
  size_t keys_differing = 0;                     // between the two largest groups
  std::vector<KeyDifference> examples;           // the first few of them, in key order
};

// `observed`: each live replica's name and observe(), in replica order.
Divergence describe_divergence(const std::vector<std::pair<std::string, Value>>& observed,
                               size_t max_examples = 3);

}  // namespace edgesim

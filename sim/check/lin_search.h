#pragma once
// The general linearizability search over one key's compiled ops: Wing & Gong's algorithm with
// Lowe's memoization (as in Knossos and Porcupine). It walks the ops in call order, linearizing any
// op that is minimal (called before every pending op returned) and legal in the current state,
// and backtracks when an op's return is reached unlinearized. Visited (linearized set, state)
// configurations are remembered, so no configuration is expanded twice.

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/check/lin_ops.h"

namespace edgesim {

enum class Verdict { kOk, kIllegal, kUnknown };

struct SearchLimits {
  const std::function<bool()>* should_stop = nullptr;  // polled every 1024 steps; true = give up
  size_t max_memo_bytes = size_t{1} << 30;              // past it the verdict is unknown
};

struct SearchOutcome {
  Verdict verdict = Verdict::kOk;
  std::vector<size_t> longest;          // op indices of the longest linearizable prefix found
  std::vector<StateId> longest_states;  // the model state after each op of `longest`
};

SearchOutcome search_linearization(const std::vector<LinOp>& ops, StateId initial, StateTable& states,
                                   const SearchLimits& limits);

}  // namespace edgesim

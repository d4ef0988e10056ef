#pragma once
// The general linearizability search over one key's compiled ops: Wing & Gong's algorithm with
// Lowe's memoization (as in Knossos and Porcupine). It walks the ops in call order, linearizing any
// op that is minimal (called before every pending op returned) and legal in the current state,
// and backtracks when an op's return is reached unlinearized. Visited (linearized set, state)
// configurations are remembered, so no configuration is expanded twice.
//
// Two prunings on top, both exact: a legal read-only op (read, failed cas) is linearized at once
// without trying alternatives (moving it earlier cannot break a linearization), and a bounded
// look-ahead drops configurations from which some pending read's value can no longer be built in
// time (lin_search.cc). The plain search (prune = false) is the benchmark's baseline.

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/check/lin_ops.h"

namespace edgesim {

enum class Verdict { kOk, kIllegal, kUnknown };

struct SearchOptions {
  const std::function<bool()>* should_stop = nullptr;  // polled every 1024 steps; true = give up
  size_t max_memo_bytes = size_t{1} << 30;             // past it the verdict is unknown
  uint64_t max_steps = UINT64_MAX;                     // past it the verdict is unknown
  bool prune = true;  // forced read-only steps (and the look-ahead); false = plain Wing-Gong/Lowe
  bool lookahead = true;  // the look-ahead; it also cuts prefixes short, so diagnostics turn it off
};

struct SearchOutcome {
  Verdict verdict = Verdict::kOk;
  std::vector<size_t> longest;          // op indices of the longest linearizable prefix found
  std::vector<StateId> longest_states;  // the model state after each op of `longest`
  uint64_t steps = 0;                   // search steps taken
};

SearchOutcome search_linearization(const std::vector<LinOp>& ops, StateId initial,
                                   StateTable& states, const SearchOptions& options);

}  // namespace edgesim

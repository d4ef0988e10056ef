#pragma once
// Linearizability checking of a History against a register or key-value model: split by key
// (P-compositionality), then per key either the polynomial unique-values path (lin_unique.h), when
// every write on the key stores a distinct value, or the general Wing-Gong / Lowe search
// (lin_search.h). A pure function of the history; a caller-supplied stop predicate (polled, e.g. a
// deadline) or the memo's memory budget turns an exhausted search into verdict `unknown`.
//
// Semantics (DESIGN.md): intervals [call, ret] are closed (an op precedes another only if it
// returned strictly before the other was called); `fail` ops had no effect and are dropped; `info`
// ops may take effect at any time after their call, or never (an info read constrains nothing).
// Models: register (read, write, cas [from, to] with out true/false) and kv (the same per key,
// plus append: string concatenation).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/check/history.h"
#include "sim/check/lin_search.h"

namespace edgesim {

const char* verdict_name(Verdict verdict);

enum class LinearizabilityModel { kRegister, kKv };

struct LinearizabilityOptions {
  LinearizabilityModel model = LinearizabilityModel::kKv;
  Value initial = nullptr;                  // every key's value before the history
  std::function<bool()> should_stop;        // polled; true = give up (verdict unknown)
  size_t max_memo_bytes = size_t{1} << 30;  // per key; the search's memo past it = unknown
  bool unique_values_fast_path = true;      // false: always the general search (benchmarks, tests)
  bool search_pruning = true;  // false: the plain Wing-Gong/Lowe search (benchmark baseline)
  uint64_t diagnostic_steps =
      200'000;  // budget of the longest-prefix search on a key that is not ok
};

struct KeyVerdict {
  std::string key;
  Verdict verdict = Verdict::kOk;
  size_t ops = 0;
  const char* method = "search";         // "search" or "unique-values"
  std::vector<uint64_t> longest_prefix;  // op ids of the longest linearization found (not ok)
  std::vector<Value> prefix_states;      // the model value after each op of longest_prefix
  std::vector<uint64_t> involved;        // the ops of the key, for keys that are not ok
  // Illegal keys: the ops the search had to place next after longest_prefix and could not. They
  // are outside the prefix, acknowledged, and called no later than every other unplaced
  // acknowledged op returned. In id order.
  std::vector<uint64_t> blocked;
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::kOk;
  size_t ops = 0;
  size_t keys = 0;
  size_t keys_by_unique_values = 0;  // keys decided by the polynomial path
  std::vector<KeyVerdict> failures;  // illegal or unknown keys, smallest first
};

LinearizabilityResult check_linearizability(const History& history,
                                            const LinearizabilityOptions& options);

// The ops of `key` (every op, for the register model), in history order: what a report draws.
History ops_of_key(const History& history, const std::string& key, LinearizabilityModel model);

}  // namespace edgesim

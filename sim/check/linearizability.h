#pragma once
// Linearizability checking of a History against a register or key-value model: the Wing-Gong /
// Lowe search (as in Knossos and Porcupine), split by key (P-compositionality), with memoization
// of (set of linearized ops, model state). A pure function of the history; a caller-supplied
// stop predicate (polled, e.g. a deadline) turns an exhausted budget into verdict `unknown`.
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

namespace edgesim {

enum class Verdict { kOk, kIllegal, kUnknown };
const char* verdict_name(Verdict verdict);

enum class LinearizabilityModel { kRegister, kKv };

struct LinearizabilityOptions {
  LinearizabilityModel model = LinearizabilityModel::kKv;
  Value initial = nullptr;                   // every key's value before the history
  std::function<bool()> should_stop;         // polled; true = give up (verdict unknown)
};

struct KeyVerdict {
  std::string key;
  Verdict verdict = Verdict::kOk;
  size_t ops = 0;
  std::vector<uint64_t> longest_prefix;  // op ids of the longest linearization found (illegal)
  std::vector<uint64_t> involved;        // the ops of the key, for illegal keys
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::kOk;
  size_t ops = 0;
  size_t keys = 0;
  std::vector<KeyVerdict> failures;  // illegal or unknown keys, smallest first
};

LinearizabilityResult check_linearizability(const History& history, const LinearizabilityOptions& options);

}  // namespace edgesim

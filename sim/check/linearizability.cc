#include "sim/check/linearizability.h"

#include <algorithm>
#include <map>
#include <set>

#include "sim/check/lin_unique.h"
#include "sim/core/assert.h"

namespace edgesim {
namespace {

struct KeyOps {
  std::vector<LinOp> ops;
  StateTable states;
};

// KeyVerdict::blocked: of the acknowledged ops outside the prefix, those called no later than the
// earliest of them returned.
std::vector<uint64_t> blocked_after(const std::vector<LinOp>& ops,
                                    const std::vector<uint64_t>& prefix_ids) {
  const std::set<uint64_t> prefix(prefix_ids.begin(), prefix_ids.end());
  std::vector<const HistoryOp*> unplaced;
  for (const LinOp& op : ops) {
    if (op.source->status == OpStatus::kOk && prefix.count(op.source->id) == 0)
      unplaced.push_back(op.source);
  }
  int64_t earliest_return = INT64_MAX;
  for (const HistoryOp* op : unplaced) earliest_return = std::min(earliest_return, *op->ret);
  std::vector<uint64_t> blocked;
  for (const HistoryOp* op : unplaced) {
    if (op->call <= earliest_return) blocked.push_back(op->id);
  }
  std::sort(blocked.begin(), blocked.end());
  return blocked;
}

KeyVerdict check_key(const std::string& key, KeyOps& input, const LinearizabilityOptions& options) {
  KeyVerdict verdict;
  verdict.key = key;
  verdict.ops = input.ops.size();
  const StateId initial = input.states.intern(options.initial);
  std::optional<bool> fast;
  if (options.unique_values_fast_path) fast = unique_values_linearizable(input.ops, initial);
  if (fast == true) {
    verdict.method = "unique-values";
    return verdict;
  }
  SearchOptions search{&options.should_stop, options.max_memo_bytes};
  search.prune = search.lookahead = options.search_pruning;
  SearchOutcome outcome;
  if (fast == false) {
    verdict.method = "unique-values";
    verdict.verdict = Verdict::kIllegal;
  } else {
    outcome = search_linearization(input.ops, initial, input.states, search);
    verdict.verdict = outcome.verdict;
    if (verdict.verdict == Verdict::kOk) return verdict;
  }
  // Not ok: search again for the longest linearizable prefix a report shows, without the
  // look-ahead (it drops prefixes that cannot be completed, which are the ones to show); keep the
  // longer of the two. After a search verdict this costs at most a quarter more (at least 16k
  // steps); after the fast path, up to diagnostic_steps.
  search.lookahead = false;
  search.max_steps = options.diagnostic_steps;
  if (fast != false)
    search.max_steps = std::min(search.max_steps, std::max<uint64_t>(outcome.steps / 4, 16'384));
  SearchOutcome diagnostic = search_linearization(input.ops, initial, input.states, search);
  EDGESIM_ASSERT(diagnostic.verdict != Verdict::kOk,
                 "key {}: judged {} but the prefix search linearized it", key,
                 verdict_name(verdict.verdict));
  if (diagnostic.longest.size() > outcome.longest.size()) outcome = std::move(diagnostic);
  for (size_t i : outcome.longest) verdict.longest_prefix.push_back(input.ops[i].source->id);
  for (StateId s : outcome.longest_states) verdict.prefix_states.push_back(input.states.value(s));
  for (const LinOp& op : input.ops) verdict.involved.push_back(op.source->id);
  if (verdict.verdict == Verdict::kIllegal)
    verdict.blocked = blocked_after(input.ops, verdict.longest_prefix);
  return verdict;
}

bool checked(const HistoryOp& op) {
  if (op.status == OpStatus::kFail) return false;
  return !(op.status == OpStatus::kInfo && op.f == "read");  // an unknown read constrains nothing
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOk:
      return "ok";
    case Verdict::kIllegal:
      return "illegal";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "?";
}

LinearizabilityResult check_linearizability(const History& history,
                                            const LinearizabilityOptions& options) {
  std::map<std::string, KeyOps> by_key;
  for (const HistoryOp& op : history) {
    if (!checked(op)) continue;
    // The register model is one register, whatever the ops' keys say (reported under the first).
    KeyOps& key =
        by_key[options.model == LinearizabilityModel::kRegister ? history.front().key : op.key];
    key.ops.push_back(compile_op(op, key.states));
  }
  LinearizabilityResult result;
  result.ops = history.size();
  result.keys = by_key.size();
  for (auto& [key, ops] : by_key) {
    KeyVerdict verdict = check_key(key, ops, options);
    if (std::string_view(verdict.method) == "unique-values") ++result.keys_by_unique_values;
    if (verdict.verdict == Verdict::kOk) continue;
    if (verdict.verdict == Verdict::kIllegal) result.verdict = Verdict::kIllegal;
    if (verdict.verdict == Verdict::kUnknown && result.verdict == Verdict::kOk)
      result.verdict = Verdict::kUnknown;
    result.failures.push_back(std::move(verdict));
  }
  std::stable_sort(result.failures.begin(), result.failures.end(),
                   [](const KeyVerdict& a, const KeyVerdict& b) { return a.ops < b.ops; });
  return result;
}

History ops_of_key(const History& history, const std::string& key, LinearizabilityModel model) {
  History ops;
  for (const HistoryOp& op : history) {
    if (model == LinearizabilityModel::kRegister || op.key == key) ops.push_back(op);
  }
  return ops;
}

}  // namespace edgesim

#include "sim/scenario/judge.h"

#include <fmt/format.h>

#include "sim/check/counter_sessions.h"
#include "sim/check/linearizability.h"
#include "sim/check/lost_updates.h"
#include "sim/check/no_lost_writes.h"
#include "sim/check/session_guarantees.h"
#include "sim/check/set_sessions.h"
#include "sim/check/staleness.h"
#include "sim/check/written_values.h"
#include "sim/report/timeline_html.h"
#include "sim/scenario/run_metrics.h"

namespace edgesim {
namespace {

using Checks = std::map<std::string, CheckOutcome>;

void judge_convergence(const JudgeInputs& in, Checks& checks) {
  const ConvergenceVerdict& v = in.convergence;
  CheckOutcome& outcome = checks["convergence"];
  outcome.ok = v.ok;
  outcome.details["converged"] = v.converged;
  outcome.details["within_ns"] = v.within.ns;
  outcome.details["reference_ns"] = v.reference.ns;
  outcome.details["time_to_converge_ns"] =
      v.time_to_converge ? Value(v.time_to_converge->ns) : Value(nullptr);
  outcome.details["live_replicas"] = v.live_replicas;
  outcome.details["distinct_values"] = v.distinct_values;
  if (!in.divergence) return;
  outcome.details["groups"] = in.divergence->groups;
  outcome.details["keys_differing"] = in.divergence->keys_differing;
  Value differences = Value::array();
  for (const KeyDifference& d : in.divergence->examples)
    differences.push_back({{"key", d.key}, {"values", Value::array({d.first, d.second})}});
  outcome.details["differences"] = std::move(differences);
}

void judge_lost_updates(const JudgeInputs& in, const LostUpdatesCheckSpec& spec, Checks& checks) {
  const LostUpdatesResult lost = find_lost_updates(in.history, in.final_values);
  CheckOutcome& outcome = checks["lost_updates"];
  outcome.ok = !spec.max || lost.count <= *spec.max;
  outcome.details["count"] = lost.count;
  outcome.details["acked_writes"] = lost.acked_writes;
  outcome.details["max"] = spec.max ? Value(*spec.max) : Value(nullptr);
  Value examples = Value::array();
  for (const LostUpdate& l : lost.examples) {
    examples.push_back(
        {{"key", l.key}, {"lost_op", l.lost_op}, {"winner_op", l.winner_op}, {"what", l.what}});
  }
  outcome.details["examples"] = std::move(examples);
}

void judge_lost_writes(const JudgeInputs& in, Checks& checks) {
  const NoLostWritesResult lost = find_lost_writes(in.type, in.history, in.final_values);
  CheckOutcome& outcome = checks["no_lost_writes"];
  outcome.ok = lost.ok();
  outcome.details["lost"] = lost.lost;
  outcome.details["checked"] = lost.checked;
  // A counter is judged per key (its final value against the sum of its acknowledged increments),
  // every other type per acknowledged update.
  outcome.details["checked_unit"] = in.type == DataType::kCounter ? "counters" : "updates";
  Value examples = Value::array();
  for (const LostWrite& l : lost.examples) {
    Value example = {{"op", l.op}, {"key", l.key}, {"what", l.what}};
    if (l.final_op != 0) example["final_op"] = l.final_op;
    examples.push_back(std::move(example));
  }
  outcome.details["examples"] = std::move(examples);
}

void judge_sessions(const JudgeInputs& in, Checks& checks) {
  // Each data type's reads show its writes differently (session_guarantees.h, counter_sessions.h,
  // set_sessions.h).
  const SessionGuaranteesResult sessions =
      in.type == DataType::kCounter ? check_counter_sessions(in.history)
      : in.type == DataType::kSet   ? check_set_sessions(in.history)
                                    : check_session_guarantees(in.history);
  CheckOutcome& outcome = checks["session_guarantees"];
  outcome.ok = sessions.ok();
  outcome.details = {{"sessions", sessions.sessions}, {"violations", sessions.violations}};
  Value examples = Value::array();
  for (const SessionViolation& v : sessions.examples) {
    examples.push_back({{"guarantee", v.guarantee},
                        {"session", v.session},
                        {"key", v.key},
                        {"ops", v.ops},
                        {"nodes", v.nodes}});
  }
  outcome.details["examples"] = std::move(examples);
}

// Acknowledged reads that returned an array no write wrote: a multi-value register's concurrent
// values, which no register history holds (the summary says so beside the verdict).
uint64_t multi_value_reads(const History& history) {
  WrittenValues written;
  for (const HistoryOp& op : history) {
    if (op.f == "write") written.add(op);
  }
  uint64_t reads = 0;
  for (const HistoryOp& op : history) {
    if (op.f == "read" && op.status == OpStatus::kOk && op.out.is_array() &&
        written.find(op.key, op.out) == nullptr)
      ++reads;
  }
  return reads;
}

void judge_linearizability(const JudgeInputs& in, const LinearizabilityCheckSpec& spec,
                           Checks& checks) {
  LinearizabilityOptions options;
  uint64_t polls = 0;  // the search polls every 1024 steps; a step budget keeps runs deterministic
  options.should_stop = [&] { return ++polls * 1024 > spec.budget_steps; };
  const LinearizabilityResult lin = check_linearizability(in.history, options);
  uint64_t illegal = 0, unknown = 0;
  Value keys = Value::array();
  for (const KeyVerdict& k : lin.failures) {
    (k.verdict == Verdict::kIllegal ? illegal : unknown) += 1;
    if (keys.size() < 5) keys.push_back(k.key);
  }
  CheckOutcome& outcome = checks["linearizability"];
  outcome.ok = lin.verdict == Verdict::kOk;
  outcome.details = {{"result", verdict_name(lin.verdict)},
                     {"keys", lin.keys},
                     {"illegal_keys", illegal},
                     {"unknown_keys", unknown},
                     {"failing_keys", std::move(keys)},
                     {"keys_by_unique_values", lin.keys_by_unique_values}};
  if (const uint64_t side_by_side = multi_value_reads(in.history); side_by_side > 0)
    outcome.details["multi_value_reads"] = side_by_side;
  if (!lin.failures.empty()) {
    const KeyVerdict& smallest = lin.failures.front();
    outcome.details["smallest"] = {{"key", smallest.key},
                                   {"result", verdict_name(smallest.verdict)},
                                   {"ops", smallest.ops},
                                   {"prefix_ops", smallest.longest_prefix.size()},
                                   {"blocked_ops", smallest.blocked}};
    outcome.report_html =
        linearizability_timeline_html(ops_of_key(in.history, smallest.key, options.model), smallest,
                                      "linearizability of key " + smallest.key);
  }
}

void judge_bounds(const JudgeInputs& in, const BoundsSpec& spec, Checks& checks) {
  CheckOutcome& outcome = checks["bounds"];
  uint64_t violations = 0;
  Value examples = Value::array();
  auto judge = [&](const Value& value, const std::string& where) {
    if (!value.is_number_integer()) return;
    // An unsigned value past INT64_MAX is above any bound (the bounds are int64).
    const bool huge = value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX;
    const int64_t v = huge ? INT64_MAX : value.get<int64_t>();
    if ((spec.min && v < *spec.min) || (spec.max && (huge || v > *spec.max))) {
      ++violations;
      if (examples.size() < 5) examples.push_back(fmt::format("{}: {}", where, value.dump()));
    }
  };
  for (const HistoryOp& op : in.history) {
    if (op.f == "read" && op.status == OpStatus::kOk)
      judge(op.out, fmt::format("read op {} of {}", op.id, op.key));
  }
  // An engine's state is an object of key -> value; one written by others may observe anything.
  if (in.final_values.is_object()) {
    for (auto it = in.final_values.begin(); it != in.final_values.end(); ++it)
      judge(it.value(), "final " + it.key());
  } else {
    judge(in.final_values, "final state");
  }
  outcome.ok = violations == 0;
  outcome.details = {{"violations", violations},
                     {"examples", std::move(examples)},
                     {"min", spec.min ? Value(*spec.min) : Value(nullptr)},
                     {"max", spec.max ? Value(*spec.max) : Value(nullptr)}};
}

// Runs after convergence was judged (it reads its time-to-converge).
void judge_claims(const JudgeInputs& in, const ClaimsSpec& spec, Checks& checks) {
  CheckOutcome& outcome = checks["claims"];
  bool all_met = true;
  auto claim = [&](const char* name, const std::optional<Duration>& bound,
                   std::optional<int64_t> measured) {
    if (!bound) return;
    const bool met = measured && *measured <= bound->ns;
    all_met = all_met && met;
    outcome.details[name] = {{"claim_ns", bound->ns},
                             {"measured_ns", measured ? Value(*measured) : Value(nullptr)},
                             {"met", met}};
  };
  claim("read_p99", spec.read_p99, in.read_latency.percentile(99));
  claim("write_p99", spec.write_p99, in.write_latency.percentile(99));
  std::optional<int64_t> converged;
  const Value& ttc = checks.at("convergence").details.at("time_to_converge_ns");
  if (!ttc.is_null()) converged = ttc.get<int64_t>();
  claim("convergence", spec.convergence, converged);
  outcome.details["all_met"] = all_met;
  outcome.details["enforce"] = spec.enforce;
  outcome.ok = all_met || !spec.enforce;
}

void judge_staleness(const JudgeInputs& in, const StalenessCheckSpec& spec, Checks& checks) {
  const ReadStaleness staleness = read_staleness(in.type, in.history);
  CheckOutcome& outcome = checks["staleness"];
  outcome.details = histogram_json(staleness.histogram());
  outcome.details["max_p99_ns"] = spec.max_p99 ? Value(spec.max_p99->ns) : Value(nullptr);
  if (const HistoryOp* read = staleness.stalest()) {
    outcome.details["stalest"] = {{"op", read->id},
                                  {"key", read->key},
                                  {"node", read->node},
                                  {"call_ns", read->call},
                                  {"behind_ns", staleness.stalest_ns()}};
  }
  outcome.ok = !spec.max_p99 || staleness.histogram().percentile(99) <= spec.max_p99->ns;
}

}  // namespace

std::map<std::string, CheckOutcome> judge_run(const JudgeInputs& in) {
  const ChecksSpec& spec = in.checks;
  Checks checks;
  if (spec.convergence) judge_convergence(in, checks);
  if (spec.lost_updates) judge_lost_updates(in, *spec.lost_updates, checks);
  if (spec.no_lost_writes) judge_lost_writes(in, checks);
  if (spec.claims) judge_claims(in, *spec.claims, checks);
  if (spec.bounds) judge_bounds(in, *spec.bounds, checks);
  if (spec.linearizability) judge_linearizability(in, *spec.linearizability, checks);
  if (spec.session_guarantees) judge_sessions(in, checks);
  if (spec.staleness) judge_staleness(in, *spec.staleness, checks);
  return checks;
}

}  // namespace edgesim

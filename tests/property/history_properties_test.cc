// Properties of the linearizability checker (rapidcheck):
//   - a history produced by executing a sequential kv model at random linearization points inside
//     random, overlapping real-time intervals is always ok (also with unknown-outcome ops);
//   - corrupting one read of a fully sequential history makes it illegal;
//   - on histories with unique written values, the polynomial path and the general search agree
//     (reads are drawn from any written value, so about half the histories are illegal).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "sim/check/lin_unique.h"
#include "sim/check/linearizability.h"

namespace edgesim {
namespace {

struct Planned {
  std::string f;
  std::string key;
  Value arg;
};

rc::Gen<Planned> gen_planned() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::inRange(0, 4), rc::gen::inRange(0, 2), rc::gen::inRange(0, 4)),
      [](auto t) {
        const auto [kind, key, value] = t;
        const std::string k = "k" + std::to_string(key);
        switch (kind) {
          case 0:
            return Planned{"read", k, nullptr};
          case 1:
            return Planned{"write", k, value};
          case 2:
            return Planned{"cas", k, Value::array({value, value + 1})};
          default:
            return Planned{"append", k, std::string(1, char('a' + value))};
        }
      });
}

// Executes `op` on the model state at its linearization point and fills in its output.
void execute(HistoryOp& op, std::map<std::string, Value>& state) {
  Value& current = state[op.key];
  if (op.f == "read") {
    op.out = current;
  } else if (op.f == "write") {
    current = op.arg;
  } else if (op.f == "cas") {
    op.out = current == op.arg[0];
    if (op.out == true) current = op.arg[1];
  } else {
    if (!current.is_null() && !current.is_string()) {
      op.f = "write";  // append needs a string value: fall back to a write
      current = op.arg;
      return;
    }
    current = (current.is_string() ? current.get<std::string>() : "") + op.arg.get<std::string>();
  }
}

// Up to 4 processes run planned ops one after another in random, overlapping intervals; each op
// takes effect at a random point inside its interval, on a sequential kv model. Some writes end
// unknown (info): they did take effect, the client just never heard.
History model_execution() {
  const int processes = *rc::gen::inRange(1, 5);
  History history;
  std::vector<std::pair<int64_t, size_t>> points;  // (linearization point, op index)
  for (int p = 0; p < processes; ++p) {
    const int count = *rc::gen::inRange(0, 13);
    int64_t now = *rc::gen::inRange(0, 20);
    for (int i = 0; i < count; ++i) {
      const Planned planned = *gen_planned();
      const int64_t call = now + *rc::gen::inRange(0, 10);
      const int64_t ret = call + *rc::gen::inRange(0, 30);
      HistoryOp op;
      op.id = history.size();
      op.proc = uint64_t(p);
      op.call = call;
      op.ret = ret;
      op.status = OpStatus::kOk;
      op.f = planned.f;
      op.key = planned.key;
      op.arg = planned.arg;
      // Points are distinct (x4 plus the op index) and inside [call, ret].
      points.emplace_back(4 * *rc::gen::inRange(call, ret + 1) * 1000 + int64_t(op.id), op.id);
      history.push_back(op);
      now = ret + 1;
    }
  }
  std::sort(points.begin(), points.end());
  std::map<std::string, Value> state;
  for (const auto& [point, index] : points) execute(history[index], state);
  for (HistoryOp& op : history) {
    if (op.f == "write" && *rc::gen::inRange(0, 5) == 0) {
      op.status = OpStatus::kInfo;
      op.ret.reset();
    }
  }
  return history;
}

RC_GTEST_PROP(LinearizabilityProperties, ExecutionsOfTheModelAreLinearizable, ()) {
  const History history = model_execution();
  RC_CLASSIFY(std::any_of(history.begin(), history.end(),
                          [](const HistoryOp& op) { return op.out.is_string(); }),
              "a read returns a string");
  RC_ASSERT(check_linearizability(history, LinearizabilityOptions{}).verdict == Verdict::kOk);
}

RC_GTEST_PROP(LinearizabilityProperties, PrunedSearchAgreesWithThePlainSearch, ()) {
  History history = model_execution();
  std::vector<size_t> reads;
  for (const HistoryOp& op : history) {
    if (op.f == "read") reads.push_back(op.id);
  }
  if (!reads.empty() && *rc::gen::arbitrary<bool>()) {  // corrupt one read: often illegal
    HistoryOp& victim = history[reads[*rc::gen::inRange<size_t>(0, reads.size())]];
    victim.out = *rc::gen::element(Value(nullptr), Value(0), Value(1), Value(2), Value("a"),
                                   Value("ab"), Value("ba"));
  }
  LinearizabilityOptions pruned, plain;
  pruned.unique_values_fast_path = plain.unique_values_fast_path = false;
  plain.search_pruning = false;
  const Verdict expected = check_linearizability(history, plain).verdict;
  RC_TAG(verdict_name(expected));
  RC_ASSERT(check_linearizability(history, pruned).verdict == expected);
}

RC_GTEST_PROP(LinearizabilityProperties, ACorruptedReadInASequentialHistoryIsIllegal, ()) {
  // (Counts are drawn apart from the ops: rc::gen::resize would also shrink each op's value range.)
  const int count = *rc::gen::inRange(1, 31);
  std::vector<Planned> plan;
  for (int i = 0; i < count; ++i) plan.push_back(*gen_planned());
  History history;
  std::map<std::string, Value> state;
  for (const Planned& planned : plan) {
    HistoryOp op;
    op.id = history.size();
    op.call = int64_t(2 * history.size());
    op.ret = op.call + 1;  // strictly sequential
    op.status = OpStatus::kOk;
    op.f = planned.f;
    op.key = planned.key;
    op.arg = planned.arg;
    execute(op, state);
    history.push_back(op);
  }
  std::vector<size_t> reads;
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].f == "read") reads.push_back(i);
  }
  RC_PRE(!reads.empty());
  const size_t victim = reads[*rc::gen::inRange<size_t>(0, reads.size())];
  history[victim].out = 1'000'000;  // a value no op ever wrote
  RC_ASSERT(check_linearizability(history, LinearizabilityOptions{}).verdict == Verdict::kIllegal);
}

// One register, unique writes 1, 2, ...; times from a small range so calls and returns tie often.
// Each read returns the value at a random point of its interval in some execution, or (one in
// three) any value written anywhere, or the initial null. Some writes end unknown (info).
History unique_writes_history() {
  const int processes = *rc::gen::inRange(1, 5);
  History history;
  std::vector<std::pair<int64_t, size_t>> points;
  int64_t next_value = 1;
  for (int p = 0; p < processes; ++p) {
    const int count = *rc::gen::inRange(0, 7);
    int64_t now = *rc::gen::inRange(0, 6);
    for (int i = 0; i < count; ++i) {
      HistoryOp op;
      op.id = history.size();
      op.proc = uint64_t(p);
      op.call = now + *rc::gen::inRange(0, 3);
      op.ret = op.call + *rc::gen::inRange(0, 6);
      op.status = OpStatus::kOk;
      op.key = "r";
      op.f = *rc::gen::inRange(0, 2) == 0 ? "write" : "read";
      if (op.f == "write") op.arg = next_value++;
      points.emplace_back(4 * *rc::gen::inRange(op.call, *op.ret + 1) * 1000 + int64_t(op.id),
                          op.id);
      now = *op.ret;  // the next op may touch this one's return
      history.push_back(op);
    }
  }
  std::sort(points.begin(), points.end());
  Value current = nullptr;
  for (const auto& [point, index] : points) {
    HistoryOp& op = history[index];
    if (op.f == "write") current = op.arg;
    if (op.f == "read") op.out = current;
  }
  for (HistoryOp& op : history) {
    if (op.f == "read" && *rc::gen::inRange(0, 3) == 0) {
      const int64_t v = *rc::gen::inRange<int64_t>(0, next_value);
      op.out = v == 0 ? Value(nullptr) : Value(v);
    }
    if (op.f == "write" && *rc::gen::inRange(0, 6) == 0) {
      op.status = OpStatus::kInfo;
      op.ret.reset();
    }
  }
  return history;
}

// The polynomial path's own answer (check_linearizability re-runs the search on illegal keys).
bool unique_values_linearizable_verdict(const History& history) {
  StateTable states;
  std::vector<LinOp> ops;
  for (const HistoryOp& op : history) {
    if (op.status == OpStatus::kInfo && op.f == "read") continue;
    ops.push_back(compile_op(op, states));
  }
  const std::optional<bool> verdict = unique_values_linearizable(ops, states.intern(nullptr));
  RC_ASSERT(verdict.has_value());
  return *verdict;
}

RC_GTEST_PROP(LinearizabilityProperties, UniqueValuesPathAgreesWithTheSearch, ()) {
  const History history = unique_writes_history();
  LinearizabilityOptions fast;
  LinearizabilityOptions search;
  search.unique_values_fast_path = false;
  const LinearizabilityResult by_zones = check_linearizability(history, fast);
  const LinearizabilityResult by_search = check_linearizability(history, search);
  RC_ASSERT(by_search.verdict != Verdict::kUnknown);
  RC_ASSERT(by_zones.keys_by_unique_values == by_zones.keys);
  RC_TAG(verdict_name(by_search.verdict));
  RC_ASSERT(unique_values_linearizable_verdict(history) == (by_search.verdict == Verdict::kOk));
  RC_ASSERT(by_zones.verdict == by_search.verdict);
}

}  // namespace
}  // namespace edgesim

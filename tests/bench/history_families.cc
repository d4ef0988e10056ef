#include "tests/bench/history_families.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace edgesim {
namespace {

const char* choose_f(const HistoryFamily& family, Prng& prng) {
  const int total =
      family.read_weight + family.write_weight + family.cas_weight + family.append_weight;
  int pick = int(prng.uniform(uint64_t(total)));
  if ((pick -= family.read_weight) < 0) return "read";
  if ((pick -= family.write_weight) < 0) return "write";
  if ((pick -= family.cas_weight) < 0) return "cas";
  return "append";
}

Value choose_value(const HistoryFamily& family, Prng& prng, uint64_t& next_unique) {
  if (family.value_domain == 0) return next_unique++;
  return prng.uniform(uint64_t(family.value_domain));
}

// Applies `op` at its linearization point and records what the client saw.
void execute(HistoryOp& op, Value& state) {
  if (op.f == "read") {
    op.out = state;
  } else if (op.f == "write") {
    state = op.arg;
  } else if (op.f == "cas") {
    op.out = state == op.arg[0];
    if (op.out == true) state = op.arg[1];
  } else {
    state = (state.is_string() ? state.get<std::string>() : "") + op.arg.get<std::string>();
  }
}

void end_last_ops_unknown(const HistoryFamily& family, History& history, Prng& prng,
                          std::vector<bool>& effective) {
  const int pending = int(prng.uniform_int(0, family.pending_at_end_max));
  std::vector<size_t> by_call(history.size());
  for (size_t i = 0; i < by_call.size(); ++i) by_call[i] = i;
  std::sort(by_call.begin(), by_call.end(),
            [&](size_t a, size_t b) { return history[a].call > history[b].call; });
  for (int i = 0; i < pending && size_t(i) < by_call.size(); ++i) {
    HistoryOp& op = history[by_call[size_t(i)]];
    op.status = OpStatus::kInfo;
    op.ret.reset();
    effective[op.id] = prng.bernoulli(0.5);
  }
}

void corrupt_a_read(const HistoryFamily& family, History& history, Prng& prng) {
  std::vector<size_t> reads;
  for (const HistoryOp& op : history) {
    if (op.f == "read" && op.status == OpStatus::kOk) reads.push_back(op.id);
  }
  if (reads.empty()) return;
  HistoryOp& victim = history[reads[prng.uniform(reads.size())]];
  if (victim.out.is_string()) {
    victim.out = victim.out.get<std::string>() + "x";
  } else if (family.value_domain > 0) {
    victim.out = (victim.out.is_number() ? victim.out.get<int>() + 1 : 0) % family.value_domain;
  } else {
    victim.out = 1'000'000'000;
  }
}

}  // namespace

History generate_history(const HistoryFamily& family, Prng& prng) {
  History history;
  history.reserve(size_t(family.ops));
  std::set<std::pair<int64_t, int>> free_at;  // (time the process is free, process)
  for (int p = 0; p < family.processes; ++p)
    free_at.insert({int64_t(prng.uniform_int(0, family.think_max)), p});
  std::vector<std::pair<int64_t, uint64_t>> points;  // (linearization point, op id)
  uint64_t next_unique = 1;
  for (int i = 0; i < family.ops; ++i) {
    const auto [free, process] = *free_at.begin();
    free_at.erase(free_at.begin());
    HistoryOp op;
    op.id = history.size();
    op.proc = uint64_t(process);
    op.call = free + prng.uniform_int(0, family.think_max);
    op.ret = op.call + prng.uniform_int(0, family.duration_max);
    op.status = OpStatus::kOk;
    op.f = choose_f(family, prng);
    op.key = family.keys == 1 ? "r" : "k" + std::to_string(prng.uniform(uint64_t(family.keys)));
    if (op.f == "write") op.arg = choose_value(family, prng, next_unique);
    if (op.f == "cas")
      op.arg = Value::array(
          {choose_value(family, prng, next_unique), choose_value(family, prng, next_unique)});
    if (op.f == "append") op.arg = "p" + std::to_string(process) + "." + std::to_string(i) + ";";
    points.emplace_back(prng.uniform_int(op.call, *op.ret), op.id);
    free_at.insert({*op.ret + 1, process});
    history.push_back(std::move(op));
  }
  std::vector<bool> effective(history.size(), true);
  end_last_ops_unknown(family, history, prng, effective);
  std::sort(points.begin(), points.end());
  std::map<std::string, Value> state;
  for (const auto& [point, id] : points) {
    HistoryOp& op = history[id];
    if (!effective[id]) continue;
    execute(op, state[op.key]);
    if (op.status == OpStatus::kInfo) op.out = nullptr;  // the client never heard back
  }
  if (family.corrupt_one_read) corrupt_a_read(family, history, prng);
  return history;
}

}  // namespace edgesim

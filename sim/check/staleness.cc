#include "sim/check/staleness.h"

#include <algorithm>
#include <map>

#include "sim/check/set_staleness.h"
#include "sim/check/written_values.h"
#include "sim/core/assert.h"

namespace edgesim {
namespace {

bool acked(const HistoryOp& op) { return op.status == OpStatus::kOk; }

bool acked_read(const HistoryOp& op) { return op.f == "read" && acked(op); }

// How far behind a read is that was superseded at `superseded_at` (INT64_MAX: never).
int64_t behind(const HistoryOp& read, int64_t superseded_at) {
  return superseded_at < read.call ? read.call - superseded_at : 0;
}

// ---- kv and map ----

// One key's acknowledged updates by invocation time, with the earliest completion among each
// update and those invoked after it: the first update that began after a time and completed is
// one binary search away.
struct Superseders {
  std::vector<int64_t> calls;
  std::vector<int64_t> earliest_ret_from;

  void add(const HistoryOp& update) {
    calls.push_back(update.call);
    earliest_ret_from.push_back(*update.ret);
  }
  void index();  // sorts by call and takes the suffix minima
  // The earliest completion of an update invoked after `since` (INT64_MAX if none).
  int64_t first_after(int64_t since) const {
    const size_t i = std::upper_bound(calls.begin(), calls.end(), since) - calls.begin();
    return i == calls.size() ? INT64_MAX : earliest_ret_from[i];
  }
};

void Superseders::index() {
  std::vector<size_t> order(calls.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return calls[a] < calls[b]; });
  std::vector<int64_t> sorted_calls, rets;
  for (size_t i : order) {
    sorted_calls.push_back(calls[i]);
    rets.push_back(earliest_ret_from[i]);
  }
  for (size_t i = rets.size(); i-- > 1;) rets[i - 1] = std::min(rets[i - 1], rets[i]);
  calls = std::move(sorted_calls);
  earliest_ret_from = std::move(rets);
}

struct RegisterKey {
  Superseders updates;  // acknowledged writes and deletes
  // Deletes that did not fail, by invocation time, each with the latest completion among it and
  // those invoked before it (INT64_MAX for unknown outcome): what a null read may reflect.
  std::vector<std::pair<int64_t, int64_t>> deletes;
};

struct RegisterHistory {
  std::map<std::string, RegisterKey> keys;
  WrittenValues writes;  // writes that did not fail

  const HistoryOp* write_of(const std::string& key, const Value& value) const {
    return writes.find(key, value);
  }
};

RegisterHistory index_registers(const History& history) {
  RegisterHistory registers;
  for (const HistoryOp& op : history) {
    if (op.status == OpStatus::kFail || (op.f != "write" && op.f != "delete")) continue;
    RegisterKey& key = registers.keys[op.key];
    if (op.f == "write") registers.writes.add(op);
    if (op.f == "delete") key.deletes.emplace_back(op.call, acked(op) ? *op.ret : INT64_MAX);
    if (acked(op)) key.updates.add(op);
  }
  for (auto& [name, key] : registers.keys) {
    key.updates.index();
    std::stable_sort(key.deletes.begin(), key.deletes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < key.deletes.size(); ++i)
      key.deletes[i].second = std::max(key.deletes[i].second, key.deletes[i - 1].second);
  }
  return registers;
}

// When the value a read returned was superseded (INT64_MAX: not before the read began, or it
// cannot be dated: a value of unknown origin or outcome, or a delete that may be the one it saw
// still going on when it began).
int64_t register_superseded_at(const RegisterHistory& registers, const RegisterKey& key,
                               const HistoryOp& read) {
  const Value& out = read.out;
  if (const HistoryOp* write = registers.write_of(read.key, out)) {
    return acked(*write) ? key.updates.first_after(*write->ret) : INT64_MAX;
  }
  if (out.is_array() && !out.empty()) {  // a multi-value read: concurrent values
    int64_t since = INT64_MIN;
    for (const Value& value : out) {
      const HistoryOp* write = registers.write_of(read.key, value);
      if (write == nullptr || !acked(*write)) return INT64_MAX;
      since = std::max(since, *write->ret);
    }
    return key.updates.first_after(since);
  }
  if (!out.is_null() && !out.is_array()) return INT64_MAX;
  // No value: the initial one, or what the latest delete invoked before the read ended left. A
  // later write supersedes it; a later delete cannot, since one begun after that delete completed
  // and done before the read began was itself invoked before the read ended (it would be the
  // latest).
  const auto invoked_end =
      std::lower_bound(key.deletes.begin(), key.deletes.end(), *read.ret,
                       [](const auto& entry, int64_t time) { return entry.first < time; });
  if (invoked_end == key.deletes.begin()) return key.updates.first_after(INT64_MIN);
  const int64_t latest = invoked_end[-1].second;
  return latest >= read.call ? INT64_MAX : key.updates.first_after(latest);
}

void judge_registers(const History& history, ReadStaleness& staleness) {
  const RegisterHistory registers = index_registers(history);
  for (const HistoryOp& read : history) {
    if (!acked_read(read)) continue;
    const auto key = registers.keys.find(read.key);
    staleness.record(read,
                     key == registers.keys.end()
                         ? 0
                         : behind(read, register_superseded_at(registers, key->second, read)));
  }
}

// ---- counter ----

struct CounterHistory {
  // Acknowledged increments by completion time, with the running total of the positive ones.
  std::vector<std::pair<int64_t, int64_t>> positive_by_completion;
  // Negative increments that did not fail (they may have counted), by invocation time, with the
  // running total.
  std::vector<std::pair<int64_t, int64_t>> negative_by_call;
};

void sort_and_accumulate(std::vector<std::pair<int64_t, int64_t>>& by_time) {
  std::stable_sort(by_time.begin(), by_time.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  int64_t total = 0;
  for (auto& [time, amount] : by_time) amount = total += amount;
}

void judge_counters(const History& history, ReadStaleness& staleness) {
  std::map<std::string, CounterHistory> counters;
  for (const HistoryOp& op : history) {
    if (op.f != "incr" || op.status == OpStatus::kFail) continue;
    // As no_lost_writes reads it: an increment without an integer argument counts 1.
    const int64_t by = op.arg.is_number_integer() ? op.arg.get<int64_t>() : 1;
    CounterHistory& counter = counters[op.key];
    if (acked(op)) counter.positive_by_completion.emplace_back(*op.ret, std::max<int64_t>(by, 0));
    if (by < 0) counter.negative_by_call.emplace_back(op.call, by);
  }
  for (auto& [key, counter] : counters) {
    sort_and_accumulate(counter.positive_by_completion);
    sort_and_accumulate(counter.negative_by_call);
  }
  for (const HistoryOp& read : history) {
    if (!acked_read(read)) continue;
    const auto counter = counters.find(read.key);
    if (counter == counters.end() || !(read.out.is_null() || read.out.is_number_integer())) {
      staleness.record(read, 0);
      continue;
    }
    const std::vector<std::pair<int64_t, int64_t>>& negative = counter->second.negative_by_call;
    const auto decrements_end =
        std::lower_bound(negative.begin(), negative.end(), *read.ret,
                         [](const auto& entry, int64_t time) { return entry.first < time; });
    const int64_t decrements = decrements_end == negative.begin() ? 0 : decrements_end[-1].second;
    // The most the read could show of the increments, had it counted every such decrement.
    const int64_t shown = (read.out.is_null() ? 0 : read.out.get<int64_t>()) - decrements;
    const std::vector<std::pair<int64_t, int64_t>>& positive =
        counter->second.positive_by_completion;
    const auto exceeded =
        std::upper_bound(positive.begin(), positive.end(), shown,
                         [](int64_t value, const auto& entry) { return value < entry.second; });
    staleness.record(read, behind(read, exceeded == positive.end() ? INT64_MAX : exceeded->first));
  }
}

}  // namespace

ReadStaleness read_staleness(DataType type, const History& history) {
  ReadStaleness staleness;
  switch (type) {
    case DataType::kKv:
    case DataType::kMap:
      judge_registers(history, staleness);
      break;
    case DataType::kCounter:
      judge_counters(history, staleness);
      break;
    case DataType::kSet:
      judge_set_reads(history, staleness);
      break;
    case DataType::kText:
      EDGESIM_ASSERT(false, "staleness is not judged for text");
  }
  return staleness;
}

}  // namespace edgesim

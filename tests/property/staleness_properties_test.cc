// Read staleness (sim/check/staleness.h) on generated histories, against a direct reading of its
// definition per data type: every read against every update, no indexes. The checker sorts,
// searches and scans bitmaps instead, so that runs with sets of thousands stay cheap; both must
// give the same samples. Histories mix acknowledged, unknown-outcome and failed ops on two keys,
// with reads that show arbitrary subsets, in order or reversed, including values nothing wrote.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "sim/check/staleness.h"

namespace edgesim {
namespace {

// Each generated case checks several histories: a wrong search or count often shows only when
// reads, updates and their times line up just so.
constexpr int kHistoriesPerCase = 4;

bool acked(const HistoryOp& op) { return op.status == OpStatus::kOk; }

int64_t behind(const HistoryOp& read, int64_t superseded_at) {
  return superseded_at < read.call ? read.call - superseded_at : 0;
}

// One op of a history with unique written values (1, 2, ...); reads get their output later.
HistoryOp generated_op(uint64_t id, const std::vector<std::string>& fs) {
  HistoryOp op;
  op.id = id;
  op.f = fs[*rc::gen::inRange<size_t>(0, fs.size())];
  op.key = *rc::gen::element<std::string>("a", "a", "a", "b");  // mostly one busy key
  op.call = *rc::gen::inRange<int64_t>(0, 60);
  const int status = *rc::gen::inRange(0, 10);  // mostly acknowledged
  op.status = status < 7 ? OpStatus::kOk : status < 9 ? OpStatus::kInfo : OpStatus::kFail;
  if (op.status != OpStatus::kInfo) op.ret = op.call + *rc::gen::inRange<int64_t>(0, 25);
  return op;
}

// Values a read may show: some of those written, maybe one nobody wrote, in order or reversed
// (the checker walks ordered reads as they are and sorts the others).
Value shown_values(const std::vector<Value>& written) {
  std::vector<Value> shown;
  for (const Value& value : written) {
    if (*rc::gen::inRange(0, 2) == 0) shown.push_back(value);
  }
  if (*rc::gen::inRange(0, 8) == 0) shown.push_back(999);
  if (*rc::gen::inRange(0, 2) == 0) std::reverse(shown.begin(), shown.end());
  return Value(shown);
}

std::vector<int64_t> sorted(std::vector<int64_t> samples) {
  std::sort(samples.begin(), samples.end());
  return samples;
}

// ---- sets ----

std::vector<int64_t> set_reference(const History& history) {
  std::vector<int64_t> samples;
  for (const HistoryOp& read : history) {
    if (read.f != "read" || !acked(read)) continue;
    const auto shows = [&](const Value& element) {
      return read.out.is_array() &&
             std::find(read.out.begin(), read.out.end(), element) != read.out.end();
    };
    int64_t superseded = INT64_MAX;
    for (const HistoryOp& update : history) {
      if (update.key != read.key || !acked(update) || *update.ret >= read.call) continue;
      bool missed = false;
      if (update.f == "add" && !shows(update.arg)) {
        missed = true;
        for (const HistoryOp& remove : history) {
          if (remove.f == "remove" && remove.key == read.key && remove.arg == update.arg &&
              remove.status != OpStatus::kFail && remove.call < *read.ret)
            missed = false;
        }
      }
      if (update.f == "remove" && shows(update.arg)) {
        for (const HistoryOp& add : history) {
          if (add.f == "add" && add.key == read.key && add.arg == update.arg && acked(add) &&
              *add.ret < update.call)
            missed = true;
        }
      }
      if (missed) superseded = std::min(superseded, *update.ret);
    }
    samples.push_back(behind(read, superseded));
  }
  return samples;
}

void check_set_history() {
  History history;
  std::map<std::string, std::vector<Value>> added;  // per key
  const int count = *rc::gen::inRange(0, 50);
  for (int i = 0; i < count; ++i) {
    HistoryOp op = generated_op(history.size() + 1, {"add", "add", "remove", "read"});
    std::vector<Value>& elements = added[op.key];
    if (op.f == "add") {
      op.arg = op.id;  // unique elements
      elements.push_back(op.arg);
    } else if (op.f == "remove") {
      op.arg = elements.empty() ? Value(0) : *rc::gen::elementOf(elements);
    }
    history.push_back(std::move(op));
  }
  for (HistoryOp& op : history) {
    if (op.f == "read")
      op.out = *rc::gen::inRange(0, 10) == 0 ? Value(nullptr) : shown_values(added[op.key]);
  }
  RC_ASSERT(read_staleness(DataType::kSet, history).histogram().samples() ==
            sorted(set_reference(history)));
}

RC_GTEST_PROP(StalenessProperties, SetsAgreeWithTheDefinition, ()) {
  for (int history = 0; history < kHistoriesPerCase; ++history) check_set_history();
}

// ---- counters ----

std::vector<int64_t> counter_reference(const History& history) {
  std::vector<int64_t> samples;
  for (const HistoryOp& read : history) {
    if (read.f != "read" || !acked(read)) continue;
    if (!read.out.is_null() && !read.out.is_number_integer()) {
      samples.push_back(0);
      continue;
    }
    int64_t decrements = 0;
    std::vector<const HistoryOp*> increments;
    for (const HistoryOp& op : history) {
      if (op.f != "incr" || op.key != read.key || op.status == OpStatus::kFail) continue;
      if (op.arg.get<int64_t>() < 0 && op.call < *read.ret) decrements += op.arg.get<int64_t>();
      if (acked(op)) increments.push_back(&op);
    }
    std::stable_sort(increments.begin(), increments.end(),
                     [](const HistoryOp* a, const HistoryOp* b) { return *a->ret < *b->ret; });
    const int64_t shown = (read.out.is_null() ? 0 : read.out.get<int64_t>()) - decrements;
    int64_t total = 0, superseded = INT64_MAX;
    for (const HistoryOp* increment : increments) {
      total += std::max<int64_t>(increment->arg.get<int64_t>(), 0);
      if (total > shown) {
        superseded = *increment->ret;
        break;
      }
    }
    samples.push_back(behind(read, superseded));
  }
  return samples;
}

void check_counter_history() {
  History history;
  const int count = *rc::gen::inRange(0, 50);
  for (int i = 0; i < count; ++i) {
    HistoryOp op = generated_op(history.size() + 1, {"incr", "incr", "read"});
    if (op.f == "incr") op.arg = *rc::gen::inRange<int64_t>(-3, 6);
    if (op.f == "read")
      op.out = *rc::gen::inRange(0, 8) == 0 ? Value(nullptr) : Value(*rc::gen::inRange(-5, 40));
    history.push_back(std::move(op));
  }
  RC_ASSERT(read_staleness(DataType::kCounter, history).histogram().samples() ==
            sorted(counter_reference(history)));
}

RC_GTEST_PROP(StalenessProperties, CountersAgreeWithTheDefinition, ()) {
  for (int history = 0; history < kHistoriesPerCase; ++history) check_counter_history();
}

// ---- registers ----

// The write of `value` to the read's key, or null.
const HistoryOp* write_of(const History& history, const HistoryOp& read, const Value& value) {
  for (const HistoryOp& op : history) {
    if (op.f == "write" && op.key == read.key && op.status != OpStatus::kFail && op.arg == value)
      return &op;
  }
  return nullptr;
}

std::vector<int64_t> register_reference(const History& history) {
  std::vector<int64_t> samples;
  for (const HistoryOp& read : history) {
    if (read.f != "read" || !acked(read)) continue;
    // What the value reflects: updates begun after `since` supersede it.
    std::optional<int64_t> since;
    bool deletes_supersede = true;
    const Value& out = read.out;
    if (const HistoryOp* write = write_of(history, read, out)) {
      if (acked(*write)) since = *write->ret;
    } else if (out.is_array() && !out.empty()) {
      since = INT64_MIN;
      for (const Value& value : out) {
        const HistoryOp* write = write_of(history, read, value);
        if (write == nullptr || !acked(*write)) {
          since.reset();
          break;
        }
        since = std::max(*since, *write->ret);
      }
    } else if (out.is_null() || out.is_array()) {
      since = INT64_MIN;
      deletes_supersede = false;
      for (const HistoryOp& op : history) {
        if (op.f != "delete" || op.key != read.key || op.status == OpStatus::kFail ||
            op.call >= *read.ret)
          continue;
        if (!acked(op) || *op.ret >= read.call) {
          since.reset();
          break;
        }
        since = std::max(*since, *op.ret);
      }
    }
    int64_t superseded = INT64_MAX;
    for (const HistoryOp& update : history) {
      if (!since || update.key != read.key || !acked(update) || update.call <= *since) continue;
      if (update.f == "write" || (update.f == "delete" && deletes_supersede))
        superseded = std::min(superseded, *update.ret);
    }
    samples.push_back(behind(read, superseded));
  }
  return samples;
}

void check_register_history() {
  History history;
  std::map<std::string, std::vector<Value>> written;  // per key
  const int count = *rc::gen::inRange(0, 50);
  for (int i = 0; i < count; ++i) {
    HistoryOp op = generated_op(history.size() + 1, {"write", "write", "delete", "read", "read"});
    if (op.f == "write") {
      op.arg = op.id;
      written[op.key].push_back(op.arg);
    }
    history.push_back(std::move(op));
  }
  for (HistoryOp& op : history) {
    const std::vector<Value>& values = written[op.key];
    if (op.f != "read" || values.empty()) continue;  // nothing written yet: null
    switch (*rc::gen::inRange(0, 5)) {
      case 0:  // one value
        op.out = *rc::gen::elementOf(values);
        break;
      case 1:  // two or three concurrent values, as an MV-register shows them
        op.out = *rc::gen::container<std::vector<Value>>(*rc::gen::inRange<size_t>(2, 4),
                                                         rc::gen::elementOf(values));
        break;
      case 2:  // any subset, maybe with a value nobody wrote
        op.out = shown_values(values);
        break;
      case 3:  // any number
        op.out = *rc::gen::inRange(0, 50);
        break;
      default:  // no value: null
        break;
    }
  }
  RC_ASSERT(read_staleness(DataType::kMap, history).histogram().samples() ==
            sorted(register_reference(history)));
}

RC_GTEST_PROP(StalenessProperties, RegistersAgreeWithTheDefinition, ()) {
  for (int history = 0; history < kHistoriesPerCase; ++history) check_register_history();
}

}  // namespace
}  // namespace edgesim

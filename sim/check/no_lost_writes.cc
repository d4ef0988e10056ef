#include "sim/check/no_lost_writes.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/check/op_text.h"
#include "sim/check/text_peel.h"

namespace edgesim {
namespace {

using OpsByKey = std::map<std::string, std::vector<const HistoryOp*>>;

OpsByKey group_by_key(const History& history) {
  OpsByKey groups;
  for (const HistoryOp& op : history) {
    if (op.status != OpStatus::kFail) groups[op.key].push_back(&op);
  }
  return groups;
}

Value final_of(const Value& final_values, const std::string& key) {
  if (!final_values.is_object()) return nullptr;
  auto it = final_values.find(key);
  return it == final_values.end() ? Value(nullptr) : *it;
}

// Whether another op of some kinds may have taken effect at or after an op began: one of unknown
// outcome, or one that completed after it began. The latest and second latest completions (an
// unknown outcome counts as never complete) answer that for every op of a key at once: checking
// each op against every other was quadratic, minutes for a long run with a busy key.
class LatestOtherEffect {
 public:
  template <typename IsKind>
  LatestOtherEffect(const std::vector<const HistoryOp*>& ops, IsKind&& is_kind) {
    for (const HistoryOp* op : ops) {
      if (!is_kind(*op)) continue;
      const int64_t until = op->status == OpStatus::kInfo ? INT64_MAX : *op->ret;
      if (until > latest_) {
        second_ = latest_;
        latest_ = until;
        latest_op_ = op;
      } else {
        second_ = std::max(second_, until);
      }
    }
  }
  // Whether some op other than `op` is concurrent with it or later.
  bool concurrent_or_later_than(const HistoryOp& op) const {
    return (&op == latest_op_ ? second_ : latest_) >= op.call;
  }

 private:
  int64_t latest_ = INT64_MIN;
  int64_t second_ = INT64_MIN;
  const HistoryOp* latest_op_ = nullptr;
};

// A final set's elements in order, for searches: it can hold thousands.
std::vector<const Value*> sorted_elements(const Value& final) {
  std::vector<const Value*> elements;
  if (final.is_array()) {
    for (const Value& element : final) elements.push_back(&element);
  }
  std::sort(elements.begin(), elements.end(),
            [](const Value* a, const Value* b) { return *a < *b; });
  return elements;
}

bool contains(const std::vector<const Value*>& sorted, const Value& value) {
  return std::binary_search(sorted.begin(), sorted.end(), &value,
                            [](const Value* a, const Value* b) { return *a < *b; });
}

void note(NoLostWritesResult& result, size_t max_examples, LostWrite lost) {
  ++result.lost;
  if (result.examples.size() < max_examples) result.examples.push_back(std::move(lost));
}

void check_counters(const OpsByKey& groups, const Value& final_values, size_t max,
                    NoLostWritesResult& result) {
  for (const auto& [key, ops] : groups) {
    int64_t acked = 0, unknown = 0;
    bool updated = false;
    for (const HistoryOp* op : ops) {
      if (op->f != "incr") continue;
      updated = true;
      const int64_t by = op->arg.is_number_integer() ? op->arg.get<int64_t>() : 1;
      (op->status == OpStatus::kOk ? acked : unknown) += by;
    }
    if (!updated) continue;
    ++result.checked;
    const Value final = final_of(final_values, key);
    const int64_t value = final.is_number_integer() ? final.get<int64_t>() : 0;
    if (value < acked || value > acked + unknown) {
      note(result, max,
           LostWrite{0, key,
                     fmt::format("final {} outside [{}, {}]", value, acked, acked + unknown)});
    }
  }
}

void check_sets(const OpsByKey& groups, const Value& final_values, size_t max,
                NoLostWritesResult& result) {
  for (const auto& [key, ops] : groups) {
    const Value final = final_of(final_values, key);
    const std::vector<const Value*> elements = sorted_elements(final);
    std::set<Value> removed;  // elements a remove was attempted of
    for (const HistoryOp* op : ops) {
      if (op->f == "remove") removed.insert(op->arg);
    }
    for (const HistoryOp* add : ops) {
      if (add->f != "add" || add->status != OpStatus::kOk) continue;
      ++result.checked;
      if (!contains(elements, add->arg) && removed.count(add->arg) == 0)
        note(result, max,
             LostWrite{
                 add->id, key,
                 fmt::format("element {} missing (acked at {})", add->arg.dump(), acked_at(*add))});
    }
    // Elements are unique per add, and a client removes only an element it saw added: the remove
    // follows its add, so once acknowledged it must stick (add-wins covers concurrent adds only).
    for (const HistoryOp* remove : ops) {
      if (remove->f != "remove" || remove->status != OpStatus::kOk || !final.is_array()) continue;
      ++result.checked;
      if (contains(elements, remove->arg)) {
        note(result, max,
             LostWrite{remove->id, key,
                       fmt::format("removed element {} is back (removal acked at {})",
                                   remove->arg.dump(), acked_at(*remove))});
      }
    }
  }
}

// The acknowledged op whose effect a register's final value is, if the history says: the write of
// that value (written values are unique), or for an absent value the delete that completed last.
const HistoryOp* final_writer(const std::vector<const HistoryOp*>& ops, const Value& final) {
  const HistoryOp* writer = nullptr;
  for (const HistoryOp* op : ops) {
    if (op->status != OpStatus::kOk) continue;
    if (op->f == "write" && op->arg == final) return op;
    if (op->f == "delete" && final.is_null() && (writer == nullptr || *op->ret > *writer->ret))
      writer = op;
  }
  return writer;
}

// Why a register's final value is not the write that completed last. The winner completed before
// the lost write began (else nothing is reported lost).
std::string register_loss(const HistoryOp& lost, const HistoryOp* winner, const Value& final) {
  std::string what = fmt::format("final {} instead of {}", final.dump(), lost.arg.dump());
  return winner == nullptr ? what : what + ": " + lost_to_earlier(lost, *winner);
}

void check_registers(const OpsByKey& groups, const Value& final_values, size_t max,
                     NoLostWritesResult& result) {
  for (const auto& [key, ops] : groups) {
    const Value final = final_of(final_values, key);
    const LatestOtherEffect updates(
        ops, [](const HistoryOp& op) { return op.f == "write" || op.f == "delete"; });
    for (const HistoryOp* write : ops) {
      if (write->f != "write" || write->status != OpStatus::kOk) continue;
      ++result.checked;
      // A multi-value register keeps concurrent values side by side: membership is enough.
      const bool holds = final.is_array()
                             ? std::find(final.begin(), final.end(), write->arg) != final.end()
                             : final == write->arg;
      if (!holds && !updates.concurrent_or_later_than(*write)) {
        const HistoryOp* winner = final.is_array() ? nullptr : final_writer(ops, final);
        note(result, max,
             LostWrite{write->id, key, register_loss(*write, winner, final),
                       winner == nullptr ? 0 : winner->id});
      }
    }
  }
}

// The text an insert typed ("" if its argument has none).
std::string inserted_text(const HistoryOp& op) {
  if (!op.arg.is_object()) return "";
  const auto it = op.arg.find("text");
  return it != op.arg.end() && it->is_string() ? it->get<std::string>() : "";
}

// The ids of the inserts whose texts the final text still holds (see text_peel.h), peeled latest
// call first (ties in history order).
std::set<uint64_t> peel_inserts(const std::string& text, const std::vector<const HistoryOp*>& ops) {
  std::vector<const HistoryOp*> inserts;
  for (const HistoryOp* op : ops) {
    if (op->f == "insert") inserts.push_back(op);
  }
  std::stable_sort(inserts.begin(), inserts.end(),
                   [](const HistoryOp* a, const HistoryOp* b) { return a->call > b->call; });
  std::vector<std::string> typed;
  for (const HistoryOp* insert : inserts) typed.push_back(inserted_text(*insert));
  const std::vector<bool> found = peel_texts(text, {typed.begin(), typed.end()});
  std::set<uint64_t> ids;
  for (size_t i = 0; i < inserts.size(); ++i) {
    if (found[i]) ids.insert(inserts[i]->id);
  }
  return ids;
}

void check_texts(const OpsByKey& groups, const Value& final_values, size_t max,
                 NoLostWritesResult& result) {
  for (const auto& [key, ops] : groups) {
    const Value final = final_of(final_values, key);
    const std::set<uint64_t> found =
        peel_inserts(final.is_string() ? final.get<std::string>() : "", ops);
    const LatestOtherEffect deletes(ops, [](const HistoryOp& op) { return op.f == "delete"; });
    for (const HistoryOp* insert : ops) {
      if (insert->f != "insert" || insert->status != OpStatus::kOk) continue;
      ++result.checked;
      if (found.count(insert->id) != 0) continue;
      if (!deletes.concurrent_or_later_than(*insert)) {
        note(result, max,
             LostWrite{insert->id, key,
                       fmt::format("inserted text {} missing (acked at {})", inserted_text(*insert),
                                   acked_at(*insert))});
      }
    }
  }
}

}  // namespace

NoLostWritesResult find_lost_writes(DataType type, const History& history,
                                    const Value& final_values, size_t max_examples) {
  NoLostWritesResult result;
  const OpsByKey groups = group_by_key(history);
  switch (type) {
    case DataType::kCounter:
      check_counters(groups, final_values, max_examples, result);
      break;
    case DataType::kSet:
      check_sets(groups, final_values, max_examples, result);
      break;
    case DataType::kKv:
    case DataType::kMap:
      check_registers(groups, final_values, max_examples, result);
      break;
    case DataType::kText:
      check_texts(groups, final_values, max_examples, result);
      break;
  }
  return result;
}

}  // namespace edgesim

#include "sim/check/lost_updates.h"

#include <map>

#include "sim/check/op_text.h"

namespace edgesim {

LostUpdatesResult find_lost_updates(const History& history, const Value& final_values,
                                    size_t max_examples) {
  LostUpdatesResult result;
  // Which write produced each key's final value. Values are unique per write.
  std::map<std::string, const HistoryOp*> winner;
  std::map<std::string, std::map<std::string, const HistoryOp*>> writes_by_value;  // key -> value
  for (const HistoryOp& op : history) {
    if (op.f != "write" || op.status == OpStatus::kFail) continue;
    writes_by_value[op.key][op.arg.dump()] = &op;
  }
  if (final_values.is_object()) {
    for (auto it = final_values.begin(); it != final_values.end(); ++it) {
      auto by_value = writes_by_value.find(it.key());
      if (by_value == writes_by_value.end()) continue;
      auto writer = by_value->second.find(it.value().dump());
      if (writer != by_value->second.end()) winner[it.key()] = writer->second;
    }
  }
  for (const HistoryOp& op : history) {
    if (op.f != "write" || op.status != OpStatus::kOk) continue;
    ++result.acked_writes;
    auto w = winner.find(op.key);
    if (w == winner.end() || w->second == &op) continue;
    const HistoryOp& survivor = *w->second;
    if (!survivor.ret || *survivor.ret >= op.call) continue;  // concurrent or later: fair loss
    ++result.count;
    if (result.examples.size() < max_examples) {
      result.examples.push_back(
          LostUpdate{op.id, survivor.id, op.key, lost_to_earlier(op, survivor)});
    }
  }
  return result;
}

}  // namespace edgesim

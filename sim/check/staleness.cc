#include "sim/check/staleness.h"

#include <algorithm>
#include <map>

namespace edgesim {

Histogram read_staleness(const History& history) {
  std::map<std::string, std::vector<const HistoryOp*>> writes;  // acked writes per key
  std::map<std::string, const HistoryOp*> writer;               // value (JSON) -> its write
  for (const HistoryOp& op : history) {
    if (op.f != "write" || op.status == OpStatus::kFail) continue;
    writer[op.key + "\n" + op.arg.dump()] = &op;
    if (op.status == OpStatus::kOk) writes[op.key].push_back(&op);
  }
  Histogram staleness;
  for (const HistoryOp& read : history) {
    if (read.f != "read" || read.status != OpStatus::kOk) continue;
    // The returned value's write completed at `since` (the initial value: at -infinity).
    int64_t since = INT64_MIN;
    if (!read.out.is_null()) {
      auto it = writer.find(read.key + "\n" + read.out.dump());
      if (it == writer.end() || !it->second->ret) {
        staleness.record(0);  // unknown origin or an unknown-outcome write: not judged stale
        continue;
      }
      since = *it->second->ret;
    }
    int64_t superseded_at = INT64_MAX;
    for (const HistoryOp* w : writes[read.key]) {
      if (w->call > since && *w->ret < read.call) superseded_at = std::min(superseded_at, *w->ret);
    }
    staleness.record(superseded_at == INT64_MAX ? 0 : read.call - superseded_at);
  }
  return staleness;
}

}  // namespace edgesim

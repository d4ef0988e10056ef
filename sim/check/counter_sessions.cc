#include "sim/check/counter_sessions.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace edgesim {
namespace {

constexpr const char* kReadYourWrites = "read_your_writes";
constexpr const char* kMonotonicReads = "monotonic_reads";

int64_t increment_of(const HistoryOp& op) {
  return op.arg.is_number_integer() ? op.arg.get<int64_t>() : 1;
}

// Per key: the decrements that had not failed, by call time, with the running sum of their sizes.
class Decrements {
 public:
  explicit Decrements(const History& history) {
    std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> by_key;  // (call, size)
    for (const HistoryOp& op : history) {
      if (op.f == "incr" && op.status != OpStatus::kFail && increment_of(op) < 0)
        by_key[op.key].emplace_back(op.call, -increment_of(op));
    }
    for (auto& [key, decrements] : by_key) {
      std::stable_sort(decrements.begin(), decrements.end());
      int64_t total = 0;
      for (auto& [call, size] : decrements) size = total += size;
      running_[key] = std::move(decrements);
    }
  }
  // How far every decrement of the key begun by the time `read` returned (intervals are closed)
  // could have lowered it.
  int64_t before_end_of(const HistoryOp& read) const {
    const auto decrements = running_.find(read.key);
    if (decrements == running_.end()) return 0;
    const auto begun = std::partition_point(
        decrements->second.begin(), decrements->second.end(),
        [&](const std::pair<int64_t, int64_t>& d) { return d.first <= *read.ret; });
    return begun == decrements->second.begin() ? 0 : begun[-1].second;
  }

 private:
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> running_;  // (call, sum so far)
};

// What a session has seen and done to one key.
struct SessionKey {
  const HistoryOp* last_read = nullptr;
  int64_t last_value = 0;
  int64_t own_since_read = 0;  // acknowledged increments since last_read (since the start if none)
  int64_t own_total = 0;       // every acknowledged increment
  const HistoryOp* last_own = nullptr;
};

class Checker {
 public:
  Checker(const History& history, size_t max_examples)
      : decrements_(history), log_({kReadYourWrites, kMonotonicReads}, max_examples) {
    const auto sessions = ops_by_session(
        history, [](const HistoryOp& op) { return op.f == "read" || op.f == "incr"; });
    log_.set_sessions(sessions.size());
    for (const auto& [session, ops] : sessions) check_session(session, ops);
  }
  SessionGuaranteesResult take() { return log_.take(); }

 private:
  void check_session(uint64_t session, const std::vector<const HistoryOp*>& ops) {
    std::map<std::string, SessionKey> keys;
    for (const HistoryOp* op : ops) {
      if (op->status != OpStatus::kOk) continue;
      SessionKey& k = keys[op->key];
      if (op->f == "incr") {
        k.own_since_read += increment_of(*op);
        k.own_total += increment_of(*op);
        k.last_own = op;
        continue;
      }
      if (!op->out.is_null() && !op->out.is_number_integer()) continue;
      const int64_t value = op->out.is_null() ? 0 : op->out.get<int64_t>();
      const int64_t lowered = decrements_.before_end_of(*op);
      if (k.last_read != nullptr && value < k.last_value - lowered) {
        log_.report(kMonotonicReads, session, op->key, {k.last_read, op});
      } else if (k.last_own != nullptr &&
                 value < std::max(k.last_value + k.own_since_read, k.own_total) - lowered) {
        log_.report(kReadYourWrites, session, op->key, {k.last_own, op});
      }
      k.last_read = op;
      k.last_value = value;
      k.own_since_read = 0;
    }
  }

  Decrements decrements_;
  ViolationLog log_;
};

}  // namespace

SessionGuaranteesResult check_counter_sessions(const History& history, size_t max_examples) {
  return Checker(history, max_examples).take();
}

}  // namespace edgesim

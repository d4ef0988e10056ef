#include "sim/check/session_guarantees.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/check/written_values.h"

namespace edgesim {
namespace {

constexpr const char* kReadYourWrites = "read_your_writes";
constexpr const char* kMonotonicReads = "monotonic_reads";
constexpr const char* kMonotonicWrites = "monotonic_writes";
constexpr const char* kWritesFollowReads = "writes_follow_reads";

uint64_t session_of(const HistoryOp& op) { return op.session.value_or(op.proc); }

bool acked(const HistoryOp& op) { return op.status == OpStatus::kOk; }
// `older` completed before `newer` began: real time says newer saw it, or should have.
bool completed_before(const HistoryOp& older, const HistoryOp& newer) {
  return older.ret && *older.ret < newer.call;
}

// The deletes of every key (map histories), for reads that return nothing. Such a read names no
// write: it shows the initial value or any delete, so it is behind a floor only if no delete could
// have produced it, that is none that began by the time the read returned (intervals are closed)
// and did not complete before the floor began. Per key: deletes by call time, with the latest end
// among the first i of them.
class Deletes {
 public:
  void add(const HistoryOp& op) { by_key_[op.key].push_back(&op); }
  void index() {
    for (auto& [key, deletes] : by_key_) {
      std::stable_sort(deletes.begin(), deletes.end(),
                       [](const HistoryOp* a, const HistoryOp* b) { return a->call < b->call; });
      std::vector<int64_t>& ends = latest_end_[key];
      int64_t latest = INT64_MIN;
      for (const HistoryOp* d : deletes) {
        latest = std::max(latest, d->ret.value_or(INT64_MAX));  // unknown outcome: may end late
        ends.push_back(latest);
      }
    }
  }
  // Could a delete of `read`'s key have left it empty, given a floor the session saw?
  bool could_explain_absence(const HistoryOp& read, const HistoryOp& floor) const {
    const auto deletes = by_key_.find(read.key);
    if (deletes == by_key_.end()) return false;
    const auto begun =
        std::partition_point(deletes->second.begin(), deletes->second.end(),
                             [&](const HistoryOp* d) { return d->call <= *read.ret; });
    if (begun == deletes->second.begin()) return false;
    const size_t count = static_cast<size_t>(begun - deletes->second.begin());
    return latest_end_.at(read.key)[count - 1] >= floor.call;
  }

 private:
  std::map<std::string, std::vector<const HistoryOp*>> by_key_;
  std::map<std::string, std::vector<int64_t>> latest_end_;
};

class Checker {
 public:
  static constexpr uint64_t kNoOrder = UINT64_MAX;

  Checker(const History& history, size_t max_examples)
      : history_(history),
        log_({kReadYourWrites, kMonotonicReads, kMonotonicWrites, kWritesFollowReads},
             max_examples) {
    for (const HistoryOp& op : history) {
      if (op.f == "write" && op.status != OpStatus::kFail) writer_.add(op);
      if (op.f == "delete" && op.status != OpStatus::kFail) deletes_.add(op);
    }
    deletes_.index();
    sessions_ = ops_by_session(history, [](const HistoryOp& op) {
      return op.f == "read" || op.f == "write" || op.f == "delete";
    });
    log_.set_sessions(sessions_.size());
    index_writes();
  }

  SessionGuaranteesResult run() {
    for (const auto& [session, ops] : sessions_) check_session(session, ops);
    return log_.take();
  }

 private:
  struct Floor {  // the newest write a session's later reads of a key must not fall behind
    const HistoryOp* write = nullptr;
    const HistoryOp* shown_by = nullptr;  // the op that set it
  };

  // The writes a read's value shows: one; several for a multi-value read (an MV register's array
  // of concurrent values); none for an absent value (null, or an empty array); or, `unknown`, a
  // value that no write (or only a failed one) wrote, which is never evidence.
  struct Shown {
    bool unknown = false;
    std::vector<const HistoryOp*> writes;

    // Of the writes, one that completed last (one of unknown outcome may complete at any time).
    const HistoryOp* newest() const {
      const HistoryOp* last = nullptr;
      for (const HistoryOp* w : writes) {
        if (last == nullptr || (last->ret && (!w->ret || *w->ret > *last->ret))) last = w;
      }
      return last;
    }
  };
  Shown shown_by(const HistoryOp& read) const {
    Shown shown;
    if (read.out.is_null()) return shown;
    if (const HistoryOp* write = writer_.find(read.key, read.out)) {
      shown.writes.push_back(write);
      return shown;
    }
    shown.unknown = !read.out.is_array();
    for (const Value& value : read.out) {
      const HistoryOp* write = writer_.find(read.key, value);
      if (write == nullptr) return Shown{true, {}};
      shown.writes.push_back(write);
    }
    return shown;
  }

  // Session order of each write among its session's writes of the same key, and what the session
  // had read of that key just before it (writes-follow-reads dependencies).
  void index_writes() {
    write_order_.assign(history_.size(), kNoOrder);
    depends_on_.assign(history_.size(), nullptr);
    for (const auto& [session, ops] : sessions_) {
      std::map<std::string, uint64_t> count;
      std::map<std::string, const HistoryOp*> last_read_writer;
      for (const HistoryOp* op : ops) {
        if (op->f == "read" && acked(*op)) {
          if (const HistoryOp* w = shown_by(*op).newest()) last_read_writer[op->key] = w;
        } else if (op->f == "write") {
          // Only acknowledged writes are ordered: one of unknown outcome may take effect at any
          // time after its call, after the session's later writes too (its client gave up on it).
          if (acked(*op)) write_order_[index(op)] = count[op->key]++;
          auto dep = last_read_writer.find(op->key);
          if (dep != last_read_writer.end()) depends_on_[index(op)] = dep->second;
        }
      }
    }
  }

  void check_session(uint64_t session, const std::vector<const HistoryOp*>& ops) {
    std::map<std::string, const HistoryOp*> own_write;  // RYW floor: a write or a delete
    std::map<std::string, Floor> read_floor;            // MR floor
    std::map<std::string, Floor> dependency_floor;      // WFR floor
    std::map<std::pair<std::string, uint64_t>, std::pair<uint64_t, const HistoryOp*>>
        seen_order;  // MW
    for (const HistoryOp* op : ops) {
      if (op->f == "write" || op->f == "delete") {
        if (acked(*op)) own_write[op->key] = op;
        continue;
      }
      if (!acked(*op)) continue;
      const Shown shown = shown_by(*op);
      if (shown.unknown) continue;
      // Behind a floor: every write shown completed before the floor began (so none is the floor,
      // or newer). A write of unknown outcome has no completion time: never evidence of "behind".
      auto behind = [&](const HistoryOp* floor) {
        if (shown.writes.empty()) return !deletes_.could_explain_absence(*op, *floor);
        return std::all_of(shown.writes.begin(), shown.writes.end(),
                           [&](const HistoryOp* w) { return completed_before(*w, *floor); });
      };
      if (auto w = own_write.find(op->key);
          w != own_write.end() && completed_before(*w->second, *op) && behind(w->second)) {
        log_.report(kReadYourWrites, session, op->key, {w->second, op});
      }
      if (const Floor& f = read_floor[op->key]; f.write && behind(f.write)) {
        log_.report(kMonotonicReads, session, op->key, {f.shown_by, op});
      }
      if (const Floor& f = dependency_floor[op->key]; f.write && behind(f.write)) {
        log_.report(kWritesFollowReads, session, op->key, {f.shown_by, op});
      }
      // Monotonic writes: a writer session's writes must be seen in its order. A read that shows
      // several of one writer's writes (side by side, in a multi-value read) is judged by the
      // latest of them: it goes back only if all of them come before one seen earlier.
      std::map<uint64_t, uint64_t> latest_shown;  // writer session -> its latest write shown
      for (const HistoryOp* source : shown.writes) {
        if (const uint64_t order = write_order_[index(source)]; order != kNoOrder) {
          auto [it, fresh] = latest_shown.try_emplace(session_of(*source), order);
          if (!fresh) it->second = std::max(it->second, order);
        }
      }
      for (const auto& [writer, order] : latest_shown) {
        auto& seen = seen_order[{op->key, writer}];
        if (seen.second && order < seen.first)
          log_.report(kMonotonicWrites, session, op->key, {seen.second, op});
        if (!seen.second || order > seen.first) seen = {order, op};
      }
      for (const HistoryOp* source : shown.writes) {
        if (const HistoryOp* dependency = depends_on_[index(source)]) {
          Floor& df = dependency_floor[op->key];
          if (!df.write || completed_before(*df.write, *dependency)) df = Floor{dependency, op};
        }
      }
      if (const HistoryOp* newest = shown.newest()) {
        Floor& rf = read_floor[op->key];
        if (!rf.write || completed_before(*rf.write, *newest)) rf = Floor{newest, op};
      }
    }
  }

  // Ops are keyed by their position in the history (never by address).
  size_t index(const HistoryOp* op) const { return static_cast<size_t>(op - history_.data()); }

  const History& history_;
  ViolationLog log_;
  WrittenValues writer_;
  Deletes deletes_;
  std::map<uint64_t, std::vector<const HistoryOp*>> sessions_;
  // By index(write), for every op (kNoOrder and nullptr for the others): indexed by position,
  // since every read looks its source up.
  std::vector<uint64_t> write_order_;
  std::vector<const HistoryOp*> depends_on_;
};

}  // namespace

bool SessionGuaranteesResult::ok() const {
  for (const auto& [guarantee, count] : violations) {
    if (count > 0) return false;
  }
  return true;
}

SessionGuaranteesResult check_session_guarantees(const History& history, size_t max_examples) {
  return Checker(history, max_examples).run();
}

std::map<uint64_t, std::vector<const HistoryOp*>> ops_by_session(
    const History& history, const std::function<bool(const HistoryOp&)>& include) {
  std::map<uint64_t, std::vector<const HistoryOp*>> sessions;
  for (const HistoryOp& op : history) {
    if (include(op)) sessions[session_of(op)].push_back(&op);
  }
  for (auto& [session, ops] : sessions) {
    std::stable_sort(ops.begin(), ops.end(),
                     [](const HistoryOp* a, const HistoryOp* b) { return a->call < b->call; });
  }
  return sessions;
}

ViolationLog::ViolationLog(std::initializer_list<const char*> guarantees, size_t max_examples)
    : max_examples_(max_examples) {
  for (const char* guarantee : guarantees) result_.violations[guarantee] = 0;
}

void ViolationLog::report(const char* guarantee, uint64_t session, const std::string& key,
                          const std::vector<const HistoryOp*>& ops) {
  ++result_.violations[guarantee];
  if (result_.examples.size() >= max_examples_) return;
  SessionViolation v{guarantee, session, key, {}, {}};
  for (const HistoryOp* op : ops) {
    v.ops.push_back(op->id);
    v.nodes.push_back(op->node);
  }
  result_.examples.push_back(std::move(v));
}

}  // namespace edgesim

#include "sim/check/linearizability.h"

#include <algorithm>
#include <map>
#include <set>

#include "sim/core/assert.h"

namespace edgesim {
namespace {

constexpr int64_t kNever = INT64_MAX;  // the return time of an info op

// One op as the search sees it.
struct Operation {
  const HistoryOp* op;
  int64_t call;
  int64_t ret;  // kNever for info
  bool info;
};

// Applies `op` to `state`; false if the op's observed result is impossible from `state`.
bool step(const Operation& operation, Value& state) {
  const HistoryOp& op = *operation.op;
  if (op.f == "read") return operation.info || op.out == state;
  if (op.f == "write") {
    state = op.arg;
    return true;
  }
  if (op.f == "cas") {
    if (!op.arg.is_array() || op.arg.size() != 2) return false;
    const bool matches = state == op.arg[0];
    if (operation.info) {  // unknown outcome: linearized only as the success (a failure is a no-op)
      if (!matches) return false;
      state = op.arg[1];
      return true;
    }
    const bool succeeded = op.out == true;
    if (succeeded != matches) return false;
    if (succeeded) state = op.arg[1];
    return true;
  }
  if (op.f == "append") {
    const std::string prefix = state.is_string() ? state.get<std::string>() : "";
    state = prefix + (op.arg.is_string() ? op.arg.get<std::string>() : op.arg.dump());
    return true;
  }
  return false;
}

// The Wing-Gong/Lowe search over one key's ops.
class Search {
 public:
  Search(std::vector<Operation> ops, Value initial, const std::function<bool()>& should_stop)
      : ops_(std::move(ops)), initial_(std::move(initial)), should_stop_(should_stop) {}

  KeyVerdict run(const std::string& key) {
    KeyVerdict verdict;
    verdict.key = key;
    verdict.ops = ops_.size();
    build_events();
    verdict.verdict = search();
    if (verdict.verdict != Verdict::kOk) {
      for (size_t i : longest_) verdict.longest_prefix.push_back(ops_[i].op->id);
      for (const Operation& o : ops_) verdict.involved.push_back(o.op->id);
    }
    return verdict;
  }

 private:
  struct Entry {
    int64_t time;
    bool is_call;
    size_t op;
    int prev = -1, next = -1;
  };

  void build_events() {
    std::vector<Entry> events;
    for (size_t i = 0; i < ops_.size(); ++i) {
      events.push_back(Entry{ops_[i].call, true, i});
      events.push_back(Entry{ops_[i].ret, false, i});
    }
    // Closed intervals: at equal times calls come first, so touching ops overlap.
    std::stable_sort(events.begin(), events.end(), [](const Entry& a, const Entry& b) {
      if (a.time != b.time) return a.time < b.time;
      return a.is_call && !b.is_call;
    });
    entries_ = std::move(events);
    return_of_.assign(ops_.size(), 0);
    for (size_t i = 0; i < entries_.size(); ++i) {
      entries_[i].prev = int(i) - 1;
      entries_[i].next = i + 1 < entries_.size() ? int(i + 1) : -1;
      if (!entries_[i].is_call) return_of_[entries_[i].op] = i;
    }
    head_ = entries_.empty() ? -1 : 0;
  }

  void unlink(size_t i) {
    Entry& e = entries_[i];
    if (e.prev >= 0) entries_[e.prev].next = e.next; else head_ = e.next;
    if (e.next >= 0) entries_[e.next].prev = e.prev;
  }
  void relink(size_t i) {
    Entry& e = entries_[i];
    if (e.prev >= 0) entries_[e.prev].next = int(i); else head_ = int(i);
    if (e.next >= 0) entries_[e.next].prev = int(i);
  }

  Verdict search() {
    std::vector<uint64_t> linearized((ops_.size() + 63) / 64, 0);
    std::set<std::pair<std::vector<uint64_t>, std::string>> seen;
    struct Frame {
      size_t entry;
      Value state;
    };
    std::vector<Frame> stack;
    std::vector<size_t> order;  // ops linearized so far
    Value state = initial_;
    int current = head_;
    uint64_t steps = 0;
    // Ops that must be linearized (info ops may never take effect).
    size_t required = static_cast<size_t>(std::count_if(ops_.begin(), ops_.end(), [](const Operation& o) { return !o.info; }));
    while (true) {
      if (required == 0) return Verdict::kOk;
      if ((++steps & 1023) == 0 && should_stop_ && should_stop_()) return Verdict::kUnknown;
      if (current >= 0 && entries_[current].is_call) {
        const size_t op = entries_[current].op;
        Value next_state = state;
        if (step(ops_[op], next_state)) {
          linearized[op / 64] |= uint64_t{1} << (op % 64);
          if (seen.insert({linearized, next_state.dump()}).second) {
            stack.push_back(Frame{size_t(current), state});
            order.push_back(op);
            if (order.size() > longest_.size()) longest_ = order;
            state = std::move(next_state);
            if (!ops_[op].info) --required;
            unlink(size_t(current));
            unlink(return_of_[op]);
            current = head_;
            continue;
          }
          linearized[op / 64] &= ~(uint64_t{1} << (op % 64));
        }
        current = entries_[current].next;
        continue;
      }
      // A return of an op not yet linearized (or the end): backtrack. Info returns sort last, so
      // reaching one means every op still required had its chance.
      if (stack.empty()) return Verdict::kIllegal;
      const Frame frame = std::move(stack.back());
      stack.pop_back();
      const size_t op = entries_[frame.entry].op;
      order.pop_back();
      if (!ops_[op].info) ++required;
      linearized[op / 64] &= ~(uint64_t{1} << (op % 64));
      relink(return_of_[op]);
      relink(frame.entry);
      state = frame.state;
      current = entries_[frame.entry].next;
    }
  }

  std::vector<Operation> ops_;
  Value initial_;
  const std::function<bool()>& should_stop_;
  std::vector<Entry> entries_;
  std::vector<size_t> return_of_;  // op -> its return entry
  int head_ = -1;
  std::vector<size_t> longest_;
};

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOk: return "ok";
    case Verdict::kIllegal: return "illegal";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

LinearizabilityResult check_linearizability(const History& history, const LinearizabilityOptions& options) {
  std::map<std::string, std::vector<Operation>> by_key;
  for (const HistoryOp& op : history) {
    if (op.status == OpStatus::kFail) continue;
    const bool info = op.status == OpStatus::kInfo;
    if (info && op.f == "read") continue;  // an unknown read constrains nothing
    // The register model is one register, whatever the ops' keys say (reported under the first).
    const std::string key = options.model == LinearizabilityModel::kRegister ? history.front().key : op.key;
    by_key[key].push_back(Operation{&op, op.call, info ? kNever : *op.ret, info});
  }
  LinearizabilityResult result;
  result.ops = history.size();
  result.keys = by_key.size();
  for (auto& [key, ops] : by_key) {
    KeyVerdict verdict = Search(std::move(ops), options.initial, options.should_stop).run(key);
    if (verdict.verdict == Verdict::kOk) continue;
    if (verdict.verdict == Verdict::kIllegal) result.verdict = Verdict::kIllegal;
    if (verdict.verdict == Verdict::kUnknown && result.verdict == Verdict::kOk) result.verdict = Verdict::kUnknown;
    result.failures.push_back(std::move(verdict));
  }
  std::sort(result.failures.begin(), result.failures.end(),
            [](const KeyVerdict& a, const KeyVerdict& b) { return a.ops < b.ops; });
  return result;
}

}  // namespace edgesim

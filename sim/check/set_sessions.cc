#include "sim/check/set_sessions.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/check/written_values.h"

namespace edgesim {
namespace {

constexpr const char* kReadYourWrites = "read_your_writes";
constexpr const char* kMonotonicReads = "monotonic_reads";

using Element = std::pair<std::string, ValueKey>;  // (key, element)

// Every add and remove of each element that did not definitely fail.
class ElementHistory {
 public:
  explicit ElementHistory(const History& history) {
    for (const HistoryOp& op : history) {
      if (op.status == OpStatus::kFail) continue;
      if (op.f == "add") adds_[{op.key, value_key(op.arg)}].push_back(&op);
      if (op.f == "remove") {
        auto [it, fresh] = first_remove_.try_emplace({op.key, value_key(op.arg)}, op.call);
        if (!fresh) it->second = std::min(it->second, op.call);
      }
    }
  }
  // A remove of `element` began by the time `read` returned (intervals are closed).
  bool removed_by(const Element& element, const HistoryOp& read) const {
    const auto it = first_remove_.find(element);
    return it != first_remove_.end() && it->second <= *read.ret;
  }
  // An add of `element` that began by the time `read` returned overlapped `remove` (add-wins).
  bool added_against(const Element& element, const HistoryOp& remove, const HistoryOp& read) const {
    const auto it = adds_.find(element);
    if (it == adds_.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](const HistoryOp* add) {
      return add->call <= *read.ret && !(add->ret && *add->ret < remove.call);
    });
  }

 private:
  std::map<Element, std::vector<const HistoryOp*>> adds_;
  std::map<Element, int64_t> first_remove_;
};

// What a session has done to and seen of one key's elements.
struct SessionKey {
  std::map<ValueKey, const HistoryOp*> added;    // its acknowledged adds
  std::map<ValueKey, const HistoryOp*> removed;  // its acknowledged removes
  std::map<ValueKey, const HistoryOp*> seen;     // elements it read, and the read that showed them
};

class Checker {
 public:
  Checker(const History& history, size_t max_examples)
      : elements_(history), log_({kReadYourWrites, kMonotonicReads}, max_examples) {
    const auto sessions = ops_by_session(history, [](const HistoryOp& op) {
      return op.f == "read" || op.f == "add" || op.f == "remove";
    });
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
      if (op->f == "add" || op->f == "remove") {
        const ValueKey element = value_key(op->arg);
        (op->f == "add" ? k.added : k.removed)[element] = op;
        (op->f == "add" ? k.removed : k.added).erase(element);
        continue;
      }
      if (!op->out.is_array()) continue;
      std::set<ValueKey> held;
      for (const Value& element : op->out) held.insert(value_key(element));
      // Presence the session is owed; an element a remove has since excused is owed no longer.
      auto expect_held = [&](std::map<ValueKey, const HistoryOp*>& owed, const char* guarantee) {
        for (auto it = owed.begin(); it != owed.end();) {
          if (held.count(it->first) != 0) {
            ++it;
          } else if (elements_.removed_by({op->key, it->first}, *op)) {
            it = owed.erase(it);
          } else {
            log_.report(guarantee, session, op->key, {it->second, op});
            ++it;
          }
        }
      };
      expect_held(k.added, kReadYourWrites);
      expect_held(k.seen, kMonotonicReads);
      for (const auto& [element, remove] : k.removed) {
        if (held.count(element) != 0 && !elements_.added_against({op->key, element}, *remove, *op))
          log_.report(kReadYourWrites, session, op->key, {remove, op});
      }
      for (const ValueKey& element : held) k.seen[element] = op;
    }
  }

  ElementHistory elements_;
  ViolationLog log_;
};

}  // namespace

SessionGuaranteesResult check_set_sessions(const History& history, size_t max_examples) {
  return Checker(history, max_examples).take();
}

}  // namespace edgesim

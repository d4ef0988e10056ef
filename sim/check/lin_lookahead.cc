#include "sim/check/lin_lookahead.h"

#include <algorithm>
#include <string>

namespace edgesim {
namespace {

constexpr int kWindowEntries = 256;
constexpr size_t kWindowProducers = 8;

// The text an append adds (the model's rule: a string, or the argument's JSON text).
std::string appended_text(const Value& arg) {
  return arg.is_string() ? arg.get<std::string>() : arg.dump();
}

}  // namespace

ReadLookahead::ReadLookahead(const std::vector<LinOp>& ops, StateTable& states)
    : ops_(ops),
      states_(states),
      occurrences_(ops.size()),
      occurrences_known_(ops.size(), false),
      seen_round_(ops.size(), 0) {
  for (uint32_t i = 0; i < ops.size(); ++i) {
    if (ops[i].kind == LinKind::kAppend) appends_.push_back(i);
  }
}

bool ReadLookahead::dead(const EventList& events, StateId state) {
  ++round_;
  producers_.clear();
  int entries = 0;
  for (int e = events.head(); e >= 0 && entries < kWindowEntries; e = events.next(e), ++entries) {
    const uint32_t index = uint32_t(events.op(e));
    const LinOp& op = ops_[index];
    if (!events.is_call(e)) {
      if (seen_round_[index] == round_ && op.kind == LinKind::kRead && !satisfiable(index, state))
        return true;
      continue;
    }
    seen_round_[index] = round_;
    if (op.kind == LinKind::kWrite || op.kind == LinKind::kCas) {
      producers_.push_back(op.kind == LinKind::kWrite ? op.a : op.b);
      if (producers_.size() > kWindowProducers) return false;
    }
  }
  return false;
}

bool ReadLookahead::satisfiable(uint32_t read, StateId state) {
  const LinOp& op = ops_[read];
  if (op.info || op.a == state) return true;
  const Value& want = states_.value(op.a);
  if (!want.is_string())
    return std::find(producers_.begin(), producers_.end(), op.a) != producers_.end();
  const std::string& text = want.get_ref<const std::string&>();
  reachable_.assign(text.size() + 1, 0);
  // Where the appends may start: after the current state, or after what a producer sets (a value
  // that is not a string counts as "" for appends).
  auto start_after = [&](StateId base) {
    const Value& value = states_.value(base);
    if (!value.is_string()) {
      reachable_[0] = 1;
    } else if (text.starts_with(value.get_ref<const std::string&>())) {
      reachable_[value.get_ref<const std::string&>().size()] = 1;
    }
  };
  start_after(state);
  for (StateId producer : producers_) start_after(producer);
  for (const Occurrence& o : occurrences(read)) {
    if (reachable_[o.position] && seen_round_[o.append] == round_)
      reachable_[o.position + o.length] = 1;
  }
  return reachable_[text.size()] != 0;
}

const std::vector<ReadLookahead::Occurrence>& ReadLookahead::occurrences(uint32_t read) {
  std::vector<Occurrence>& found = occurrences_[read];
  if (occurrences_known_[read]) return found;
  occurrences_known_[read] = true;
  const std::string& text = states_.value(ops_[read].a).get_ref<const std::string&>();
  for (uint32_t append : appends_) {
    const std::string piece = appended_text(states_.value(ops_[append].a));
    if (piece.empty()) continue;
    for (size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) {
      found.push_back(Occurrence{at, piece.size(), append});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const Occurrence& a, const Occurrence& b) { return a.position < b.position; });
  return found;
}

}  // namespace edgesim

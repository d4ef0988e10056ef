#pragma once
// The linearizability checker's compiled form of one key's operations: model states are interned
// as small integers, so a search step is integer compares instead of JSON compares and copies.
//
// StateTable owns every distinct model value seen (op arguments, read results, the initial value,
// and strings built by appends). Two values get the same id iff they are equal as JSON (1 == 1.0).
// Model semantics (DESIGN.md, register/kv): read (out = value), write (arg), cas ([from, to], out
// true/false; an unknown-outcome cas is linearized only as a success), append (arg string, or arg's
// JSON text, concatenated to the current string value; a non-string value counts as "").

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "sim/check/history.h"

namespace edgesim {

using StateId = uint32_t;

class StateTable {
 public:
  StateId intern(const Value& value);
  const Value& value(StateId id) const { return values_[id]; }
  // The state after appending `suffix` (an interned argument) to `state`; computed once per pair.
  StateId append(StateId state, StateId suffix);
  size_t size() const { return values_.size(); }

 private:
  std::vector<Value> values_;
  std::map<Value, StateId> ids_;
  std::map<std::pair<StateId, StateId>, StateId> appends_;
};

enum class LinKind : uint8_t { kRead, kWrite, kCas, kAppend, kImpossible };

constexpr int64_t kNeverReturns = INT64_MAX;  // the return time of an info op

struct LinOp {
  const HistoryOp* source = nullptr;
  int64_t call = 0;
  int64_t ret = kNeverReturns;
  bool info = false;
  LinKind kind = LinKind::kImpossible;
  StateId a = 0;  // read: the value returned; write: the value; cas: from; append: the suffix
  StateId b = 0;  // cas: to
  bool cas_succeeded = false;
};

// Compiles `op` (status ok or info, f one of the model's operations).
LinOp compile_op(const HistoryOp& op, StateTable& states);

// A completed op that cannot change the state (a read, a cas that failed). Once one is legal in
// the current state it can be linearized right away without losing any linearization: it is
// minimal, and moving it earlier changes no other op's state.
inline bool is_read_only(const LinOp& op) {
  return !op.info && (op.kind == LinKind::kRead || (op.kind == LinKind::kCas && !op.cas_succeeded));
}

// Applies `op` to `state`; false if the op's observed result is impossible from `state`.
inline bool apply_op(const LinOp& op, StateId& state, StateTable& states) {
  switch (op.kind) {
    case LinKind::kRead:
      return op.info || op.a == state;
    case LinKind::kWrite:
      state = op.a;
      return true;
    case LinKind::kCas:
      if (op.info) {  // unknown outcome: a failed cas is a no-op, so only the success matters
        if (state != op.a) return false;
        state = op.b;
        return true;
      }
      if ((state == op.a) != op.cas_succeeded) return false;
      if (op.cas_succeeded) state = op.b;
      return true;
    case LinKind::kAppend:
      state = states.append(state, op.a);
      return true;
    case LinKind::kImpossible:
      return false;
  }
  return false;
}

}  // namespace edgesim

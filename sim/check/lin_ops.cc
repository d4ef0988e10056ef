#include "sim/check/lin_ops.h"

#include <string>

namespace edgesim {

StateId StateTable::intern(const Value& value) {
  const auto [it, inserted] = ids_.emplace(value, StateId(values_.size()));
  if (inserted) values_.push_back(value);
  return it->second;
}

StateId StateTable::append(StateId state, StateId suffix) {
  const auto known = appends_.find({state, suffix});
  if (known != appends_.end()) return known->second;
  const Value& current = values_[state];
  const Value& tail = values_[suffix];
  std::string text = current.is_string() ? current.get<std::string>() : "";
  text += tail.is_string() ? tail.get<std::string>() : tail.dump();
  const StateId result = intern(Value(std::move(text)));
  appends_.emplace(std::make_pair(state, suffix), result);
  return result;
}

LinOp compile_op(const HistoryOp& op, StateTable& states) {
  LinOp compiled;
  compiled.source = &op;
  compiled.call = op.call;
  compiled.info = op.status == OpStatus::kInfo;
  compiled.ret = compiled.info ? kNeverReturns : *op.ret;
  if (op.f == "read") {
    compiled.kind = LinKind::kRead;
    compiled.a = states.intern(op.out);
  } else if (op.f == "write") {
    compiled.kind = LinKind::kWrite;
    compiled.a = states.intern(op.arg);
  } else if (op.f == "cas" && op.arg.is_array() && op.arg.size() == 2) {
    compiled.kind = LinKind::kCas;
    compiled.a = states.intern(op.arg[0]);
    compiled.b = states.intern(op.arg[1]);
    compiled.cas_succeeded = op.out == true;
  } else if (op.f == "append") {
    compiled.kind = LinKind::kAppend;
    compiled.a = states.intern(op.arg);
  }
  return compiled;
}

}  // namespace edgesim

#pragma once
// History ops for checker tests, written as (id, call, ret, f, key, arg[, status]); an op of
// unknown outcome (kInfo) gets no return time. session_op() is the same for the session checkers:
// in a session (its process), and with one value that is a read's result or any other op's
// argument.

#include <string>

#include "sim/check/history.h"

namespace edgesim {

inline HistoryOp op(uint64_t id, int64_t call, int64_t ret, std::string f, std::string key,
                    Value arg, OpStatus status = OpStatus::kOk) {
  HistoryOp o;
  o.id = id;
  o.call = call;
  if (status != OpStatus::kInfo) o.ret = ret;
  o.status = status;
  o.f = std::move(f);
  o.key = std::move(key);
  o.arg = std::move(arg);
  return o;
}

inline HistoryOp session_op(uint64_t id, uint64_t session, int64_t call, int64_t ret,
                            const std::string& f, const std::string& key, Value value,
                            OpStatus status = OpStatus::kOk) {
  const bool read = f == "read";
  HistoryOp o = op(id, call, ret, f, key, read ? Value() : std::move(value), status);
  o.proc = session;
  if (read) o.out = std::move(value);
  return o;
}

}  // namespace edgesim

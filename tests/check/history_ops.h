#pragma once
// History ops for checker tests, written as (id, call, ret, f, key, arg[, status]); an op of
// unknown outcome (kInfo) gets no return time.

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

}  // namespace edgesim

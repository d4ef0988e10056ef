#pragma once
// How checks describe history ops in their examples, so that every check says the same thing the
// same way.

#include <string>

#include "sim/check/history.h"

namespace edgesim {

// "23.925s on apac-1": when an acknowledged op completed, and at which PoP (if recorded).
std::string acked_at(const HistoryOp& op);

// Why an acknowledged update is not the final value although it came last in real time: "acked at
// 23.925s on apac-1, yet op 2650's write, acked at 23.891s on na-1 before it began, won". `winner`
// completed before `lost` began; its stamps put it after (clock skew, usually).
std::string lost_to_earlier(const HistoryOp& lost, const HistoryOp& winner);

}  // namespace edgesim

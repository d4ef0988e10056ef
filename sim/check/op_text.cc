#include "sim/check/op_text.h"

#include <fmt/format.h>

#include "sim/core/time.h"

namespace edgesim {

std::string acked_at(const HistoryOp& op) {
  const std::string when = op.ret ? format_duration(Duration{*op.ret}) : "(never)";
  return op.node.empty() ? when : when + " on " + op.node;
}

std::string lost_to_earlier(const HistoryOp& lost, const HistoryOp& winner) {
  return fmt::format("acked at {}, yet op {}'s {}, acked at {} before it began, won",
                     acked_at(lost), winner.id, winner.f, acked_at(winner));
}

}  // namespace edgesim

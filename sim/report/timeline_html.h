#pragma once
// The picture people debug linearizability failures with: one key's operations drawn as intervals
// on a timeline, one row per process, with the longest linearization the checker found numbered
// in order, the ops it could not place after that prefix highlighted, and the model value after
// each step of the prefix. A self-contained HTML page (inline SVG and CSS, no scripts).

#include <string>

#include "sim/check/history.h"
#include "sim/check/linearizability.h"

namespace edgesim {

// `ops`: every op of the failing key (ops_of_key), including failed ones (drawn dashed, ignored by
// the checker). `title` heads the page (e.g. the history file or the scenario and seed).
std::string linearizability_timeline_html(const History& ops, const KeyVerdict& verdict,
                                          const std::string& title);

}  // namespace edgesim

#pragma once
// EngineError: an engine broke its contract with the harness, so the run cannot go on. It threw
// out of a callback, answered an op that was not waiting for an answer, sent to a node that does
// not exist, asked for a timer in the past, or kept simulated time from moving. The message says
// what happened and where (node, simulated time, what the harness had asked of it); the CLI prints
// it and exits 2, as for any other bad input, rather than aborting.
//
// The harness's own broken invariants stay EDGESIM_ASSERTs: those are edgesim's bugs, not an
// engine's.

#include <stdexcept>

namespace edgesim {

class EngineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace edgesim

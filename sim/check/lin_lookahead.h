#pragma once
// ReadLookahead: an exact pruning for the linearizability search (lin_search.h). Appends permute
// freely and every order is a distinct state the memo cannot merge, so a wrong order is otherwise
// refuted only when the search reaches the return of a read that shows it, after exploring all
// that lies between. The look-ahead asks instead, for each pending read: can its value still be
// produced before it returns? It must come from the current state, or from a write or cas callable
// before that return, followed by appends not yet linearized and callable before that return, whose
// strings tile the rest of the value. If some read cannot, the configuration is dead.
//
// The answer over-approximates what is possible (an append may be counted twice), so it never
// drops a live configuration. Bounded work per call: a window of list entries and of producers.

#include <cstdint>
#include <vector>

#include "sim/check/lin_event_list.h"
#include "sim/check/lin_ops.h"

namespace edgesim {

class ReadLookahead {
 public:
  ReadLookahead(const std::vector<LinOp>& ops, StateTable& states);

  // True if some pending read can no longer get its value before it returns.
  bool dead(const EventList& events, StateId state);

 private:
  struct Occurrence {
    size_t position, length;
    uint32_t append;  // op index
  };
  bool satisfiable(uint32_t read, StateId state);
  const std::vector<Occurrence>& occurrences(uint32_t read);  // of append strings in its value

  const std::vector<LinOp>& ops_;
  StateTable& states_;
  std::vector<uint32_t> appends_;  // op indices
  std::vector<std::vector<Occurrence>> occurrences_;
  std::vector<bool> occurrences_known_;
  std::vector<uint64_t> seen_round_;  // call entry met in this round's walk (for appends, reads)
  uint64_t round_ = 0;
  std::vector<StateId> producers_;  // values writes and cas met in this walk could set
  std::vector<char> reachable_;     // scratch: value offsets the tiling reaches
};

}  // namespace edgesim

#include "sim/check/lin_search.h"

#include <algorithm>

#include "sim/check/lin_event_list.h"
#include "sim/check/lin_lookahead.h"
#include "sim/check/memo_set.h"
#include "sim/core/prng.h"

namespace edgesim {
namespace {

uint64_t state_hash(StateId state) {
  uint64_t mixed = uint64_t(state) + 0x51ed2701a2b3c4d5ULL;
  return splitmix64(mixed);
}

class WingGongSearch {
 public:
  WingGongSearch(const std::vector<LinOp>& ops, StateId initial, StateTable& states,
                 const SearchOptions& options)
      : ops_(ops),
        states_(states),
        options_(options),
        events_(ops),
        linearized_((ops.size() + 63) / 64, 0),
        op_hash_(ops.size()),
        seen_(linearized_.size()),
        lookahead_(ops, states),
        state_(initial) {
    uint64_t hash_seed = 0x2545f4914f6cdd1dULL;
    for (uint64_t& h : op_hash_) h = splitmix64(hash_seed);
    required_ =
        size_t(std::count_if(ops.begin(), ops.end(), [](const LinOp& o) { return !o.info; }));
  }

  SearchOutcome run() {
    int current = -1;     // the next candidate to try in the current configuration
    bool arrived = true;  // the current configuration is new
    uint64_t steps = 0;
    while (required_ > 0) {
      if ((++steps & 1023) == 0 && out_of_budget(steps)) {
        outcome_.verdict = Verdict::kUnknown;
        break;
      }
      if (arrived) {
        arrived = false;
        current = events_.head();
        const Arrival arrival = options_.prune ? take_forced_step() : Arrival::kChoose;
        if (arrival == Arrival::kForcedStep) {
          arrived = true;
          continue;
        }
        if (arrival == Arrival::kDead) current = -1;  // go straight to backtracking
      }
      if (current >= 0 && events_.is_call(current)) {
        const int entry = current;
        current = events_.next(current);
        // With pruning, read-only ops were tried on arrival: none of them is legal here.
        if (options_.prune && is_read_only(ops_[events_.op(entry)])) continue;
        arrived = try_linearize(entry, false);
        continue;
      }
      // A return of an op not yet linearized (or the end): backtrack past forced frames to the
      // last choice and try its next candidate. Info returns sort last, so reaching one means
      // every op still required had its chance.
      while (!stack_.empty() && stack_.back().forced) undo();
      if (stack_.empty()) {
        outcome_.verdict = Verdict::kIllegal;
        break;
      }
      current = events_.next(undo().call_entry);
    }
    save_if_longest();
    outcome_.steps = steps;
    return std::move(outcome_);
  }

 private:
  // A frame per linearized op. A forced frame linearized a legal read-only op: its configuration
  // has no alternatives, so backtracking passes through it.
  struct Frame {
    int call_entry;
    StateId state_before;
    bool forced;
  };
  enum class Arrival { kForcedStep, kDead, kChoose };

  bool out_of_budget(uint64_t steps) const {
    const std::function<bool()>* stop = options_.should_stop;
    return (stop && *stop && (*stop)()) || seen_.bytes() > options_.max_memo_bytes ||
           steps > options_.max_steps;
  }

  void flip(size_t op) {
    linearized_[op / 64] ^= uint64_t{1} << (op % 64);
    bits_hash_ ^= op_hash_[op];
  }

  // Linearizes the op whose call is `entry` next; false if illegal here or already explored.
  bool try_linearize(int entry, bool forced) {
    const size_t op = events_.op(entry);
    StateId next_state = state_;
    if (!apply_op(ops_[op], next_state, states_)) return false;
    flip(op);
    if (!seen_.insert(linearized_.data(), next_state, bits_hash_ ^ state_hash(next_state))) {
      flip(op);
      return false;
    }
    stack_.push_back(Frame{entry, state_, forced});
    order_.push_back(op);
    order_states_.push_back(next_state);
    if (order_.size() > outcome_.longest.size()) order_is_longest_ = true;
    state_ = next_state;
    if (!ops_[op].info) --required_;
    events_.lift(entry, op);
    return true;
  }

  Frame undo() {
    save_if_longest();
    const Frame frame = stack_.back();
    stack_.pop_back();
    const size_t op = order_.back();
    order_.pop_back();
    order_states_.pop_back();
    if (!ops_[op].info) ++required_;
    flip(op);
    events_.restore(frame.call_entry, op);
    state_ = frame.state_before;
    return frame;
  }

  // On arriving at a configuration: linearize a legal read-only candidate if there is one. Every
  // linearization from here may start with it, so if that step was explored before (and failed),
  // this configuration is dead too. Otherwise ask the look-ahead.
  Arrival take_forced_step() {
    for (int e = events_.head(); e >= 0 && events_.is_call(e); e = events_.next(e)) {
      const LinOp& candidate = ops_[events_.op(e)];
      StateId unchanged = state_;
      if (!is_read_only(candidate) || !apply_op(candidate, unchanged, states_)) continue;
      return try_linearize(e, true) ? Arrival::kForcedStep : Arrival::kDead;
    }
    return options_.lookahead && lookahead_.dead(events_, state_) ? Arrival::kDead
                                                                  : Arrival::kChoose;
  }

  // `order_` is copied out only when the search is about to leave a new record behind.
  void save_if_longest() {
    if (!order_is_longest_) return;
    outcome_.longest = order_;
    outcome_.longest_states = order_states_;
    order_is_longest_ = false;
  }

  const std::vector<LinOp>& ops_;
  StateTable& states_;
  const SearchOptions& options_;
  EventList events_;
  std::vector<uint64_t> linearized_;  // bitset of the ops linearized so far
  std::vector<uint64_t> op_hash_;     // Zobrist hash of each op
  uint64_t bits_hash_ = 0;            // XOR of op_hash_ over the linearized ops
  MemoSet seen_;
  ReadLookahead lookahead_;
  StateId state_;
  size_t required_ = 0;  // ops still to linearize (info ops may never take effect)
  std::vector<Frame> stack_;
  std::vector<size_t> order_;          // ops linearized so far
  std::vector<StateId> order_states_;  // the state after each of them
  bool order_is_longest_ = false;
  SearchOutcome outcome_;
};

}  // namespace

SearchOutcome search_linearization(const std::vector<LinOp>& ops, StateId initial,
                                   StateTable& states, const SearchOptions& options) {
  return WingGongSearch(ops, initial, states, options).run();
}

}  // namespace edgesim

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

}  // namespace

SearchOutcome search_linearization(const std::vector<LinOp>& ops, StateId initial, StateTable& states,
                                   const SearchOptions& options) {
  SearchOutcome outcome;
  EventList events(ops);
  const size_t words = (ops.size() + 63) / 64;
  std::vector<uint64_t> linearized(words, 0);
  std::vector<uint64_t> op_hash(ops.size());
  uint64_t hash_seed = 0x2545f4914f6cdd1dULL;
  for (uint64_t& h : op_hash) h = splitmix64(hash_seed);
  uint64_t bits_hash = 0;  // XOR of op_hash over the linearized ops
  MemoSet seen(words);

  // A frame per linearized op. A forced frame linearized a legal read-only op: its configuration
  // has no alternatives, so backtracking passes through it.
  struct Frame {
    int call_entry;
    StateId state_before;
    bool forced;
  };
  std::vector<Frame> stack;
  std::vector<size_t> order;          // ops linearized so far
  std::vector<StateId> order_states;  // the state after each of them
  bool order_is_longest = false;      // `order` is a new record not yet copied into the outcome
  auto save_if_longest = [&] {
    if (!order_is_longest) return;
    outcome.longest = order;
    outcome.longest_states = order_states;
    order_is_longest = false;
  };

  StateId state = initial;
  // Ops that must be linearized (info ops may never take effect).
  size_t required = size_t(std::count_if(ops.begin(), ops.end(), [](const LinOp& o) { return !o.info; }));
  // Tries to linearize the op whose call is `entry` next; false if illegal or already explored.
  auto try_linearize = [&](int entry, bool forced) {
    const size_t op = events.op(entry);
    StateId next_state = state;
    if (!apply_op(ops[op], next_state, states)) return false;
    linearized[op / 64] |= uint64_t{1} << (op % 64);
    if (!seen.insert(linearized.data(), next_state, bits_hash ^ op_hash[op] ^ state_hash(next_state))) {
      linearized[op / 64] &= ~(uint64_t{1} << (op % 64));
      return false;
    }
    bits_hash ^= op_hash[op];
    stack.push_back(Frame{entry, state, forced});
    order.push_back(op);
    order_states.push_back(next_state);
    if (order.size() > outcome.longest.size()) order_is_longest = true;
    state = next_state;
    if (!ops[op].info) --required;
    events.lift(entry, op);
    return true;
  };
  auto undo = [&]() {
    save_if_longest();
    const Frame frame = stack.back();
    stack.pop_back();
    const size_t op = order.back();
    order.pop_back();
    order_states.pop_back();
    if (!ops[op].info) ++required;
    linearized[op / 64] &= ~(uint64_t{1} << (op % 64));
    bits_hash ^= op_hash[op];
    events.restore(frame.call_entry, op);
    state = frame.state_before;
    return frame;
  };

  ReadLookahead lookahead(ops, states);

  // On arriving at a configuration: linearize a legal read-only candidate if there is one. Every
  // linearization from here may start with it, so if that step was explored before (and failed),
  // this configuration is dead too.
  enum class Arrival { kForcedStep, kDead, kChoose };
  auto take_forced_step = [&] {
    for (int e = events.head(); e >= 0 && events.is_call(e); e = events.next(e)) {
      const LinOp& candidate = ops[events.op(e)];
      StateId unchanged = state;
      if (!is_read_only(candidate) || !apply_op(candidate, unchanged, states)) continue;
      return try_linearize(e, true) ? Arrival::kForcedStep : Arrival::kDead;
    }
    return options.lookahead && lookahead.dead(events, state) ? Arrival::kDead : Arrival::kChoose;
  };

  int current = -1;      // the next candidate to try in the current configuration
  bool arrived = true;   // the current configuration is new: look for a forced op first
  uint64_t steps = 0;
  while (required > 0) {
    if ((++steps & 1023) == 0) {
      const bool stop = options.should_stop && *options.should_stop && (*options.should_stop)();
      if (stop || seen.bytes() > options.max_memo_bytes || steps > options.max_steps) {
        outcome.verdict = Verdict::kUnknown;
        break;
      }
    }
    if (arrived) {
      arrived = false;
      current = events.head();
      if (options.prune) {
        const Arrival arrival = take_forced_step();
        if (arrival == Arrival::kForcedStep) {
          arrived = true;
          continue;
        }
        if (arrival == Arrival::kDead) current = -1;  // go straight to backtracking
      }
    }
    if (current >= 0 && events.is_call(current)) {
      const int entry = current;
      current = events.next(current);
      // Read-only ops were tried by the forced pass: none of them is legal here.
      if (options.prune && is_read_only(ops[events.op(entry)])) continue;
      if (try_linearize(entry, false)) arrived = true;
      continue;
    }
    // A return of an op not yet linearized (or the end): backtrack past forced frames to the last
    // choice, and try the next candidate there. Info returns sort last, so reaching one means every
    // op still required had its chance.
    while (!stack.empty() && stack.back().forced) undo();
    if (stack.empty()) {
      outcome.verdict = Verdict::kIllegal;
      break;
    }
    current = events.next(undo().call_entry);
  }
  save_if_longest();
  return outcome;
}

}  // namespace edgesim

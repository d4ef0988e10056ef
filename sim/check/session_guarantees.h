#pragma once
// Session guarantees (Terry et al. 1994), judged against real time and unique written values, per
// client session (the history's "session" field, else its process), across PoPs and migrations:
//   read-your-writes:    after the session's acknowledged write w to k, a later read of k must not
//                        return the initial value or a value whose write completed before w began;
//   monotonic reads:     a later read of k must not return a value whose write completed before
//                        the write of an earlier read's value began (nor the initial value);
//   monotonic writes:    no session may read a session's later write of k and then its earlier one;
//   writes-follow-reads: if a session read value v (written by W) and then wrote w to the same key,
//                        whoever reads w must not later read a value whose write completed before
//                        W began.
// Writes of unknown outcome are never used as evidence. Reads, writes and deletes (kv and map
// histories): a delete is one of the session's writes for read-your-writes, and a read that
// returns nothing is behind a floor only if no delete can explain it (one that began by the time
// the read returned and did not complete before the floor began); it names no write, so it sets no
// floor of its own. A multi-value read (an MV register's array of concurrent values) shows every
// write in it: it is behind a floor only if all of them completed before the floor began.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "sim/check/history.h"

namespace edgesim {

struct SessionViolation {
  std::string guarantee;
  uint64_t session = 0;
  std::string key;
  std::vector<uint64_t> ops;       // the ops that show it, oldest first
  std::vector<std::string> nodes;  // the PoPs that served them, when recorded
};

struct SessionGuaranteesResult {
  std::map<std::string, uint64_t> violations;  // per guarantee (all four always present)
  std::vector<SessionViolation> examples;      // the first few
  uint64_t sessions = 0;
  bool ok() const;
};

SessionGuaranteesResult check_session_guarantees(const History& history, size_t max_examples = 5);

// The ops `include` accepts, by client session (the op's "session", else its process), each
// session's in call order.
std::map<uint64_t, std::vector<const HistoryOp*>> ops_by_session(
    const History& history, const std::function<bool(const HistoryOp&)>& include);

// What a session-guarantee checker accumulates: a count for each of its guarantees (each present,
// from 0) and the first `max_examples` violations.
class ViolationLog {
 public:
  ViolationLog(std::initializer_list<const char*> guarantees, size_t max_examples);
  void report(const char* guarantee, uint64_t session, const std::string& key,
              const std::vector<const HistoryOp*>& ops);
  void set_sessions(uint64_t sessions) { result_.sessions = sessions; }
  SessionGuaranteesResult take() { return std::move(result_); }

 private:
  SessionGuaranteesResult result_;
  size_t max_examples_;
};

}  // namespace edgesim

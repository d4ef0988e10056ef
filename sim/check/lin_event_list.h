#pragma once
// EventList: one key's op calls and returns in time order, as a doubly linked list the
// linearizability search unlinks linearized ops from (and relinks them on backtracking). Walking it
// from head() visits exactly the ops not yet linearized.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/check/lin_ops.h"

namespace edgesim {

class EventList {
 public:
  explicit EventList(const std::vector<LinOp>& ops) {
    for (size_t i = 0; i < ops.size(); ++i) {
      entries_.push_back(Entry{ops[i].call, true, i});
      entries_.push_back(Entry{ops[i].ret, false, i});
    }
    // Closed intervals: at equal times calls come first, so touching ops overlap.
    std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      if (a.time != b.time) return a.time < b.time;
      return a.is_call && !b.is_call;
    });
    return_of_.assign(ops.size(), 0);
    for (size_t i = 0; i < entries_.size(); ++i) {
      entries_[i].prev = int(i) - 1;
      entries_[i].next = i + 1 < entries_.size() ? int(i + 1) : -1;
      if (!entries_[i].is_call) return_of_[entries_[i].op] = i;
    }
    head_ = entries_.empty() ? -1 : 0;
  }

  int head() const { return head_; }
  int next(int i) const { return entries_[i].next; }
  bool is_call(int i) const { return entries_[i].is_call; }
  size_t op(int i) const { return entries_[i].op; }

  // Removes op `op` (whose call is entry `call`) from the list, or puts it back.
  void lift(int call, size_t op) {
    unlink(call);
    unlink(int(return_of_[op]));
  }
  void restore(int call, size_t op) {
    relink(int(return_of_[op]));
    relink(call);
  }

 private:
  struct Entry {
    int64_t time;
    bool is_call;
    size_t op;
    int prev = -1, next = -1;
  };

  void unlink(int i) {
    Entry& e = entries_[i];
    if (e.prev >= 0)
      entries_[e.prev].next = e.next;
    else
      head_ = e.next;
    if (e.next >= 0) entries_[e.next].prev = e.prev;
  }
  void relink(int i) {
    Entry& e = entries_[i];
    if (e.prev >= 0)
      entries_[e.prev].next = i;
    else
      head_ = i;
    if (e.next >= 0) entries_[e.next].prev = i;
  }

  std::vector<Entry> entries_;
  std::vector<size_t> return_of_;  // op -> its return entry
  int head_ = -1;
};

}  // namespace edgesim

#pragma once
// DeltaBuffer<T>: a CRDT replica's sealed delta groups for delta-state sync, numbered by
// consecutive sequence numbers and kept until every peer has acknowledged them (or until there
// are more than the buffer may hold: a peer that far behind is sent the full state instead).
//
// Each group is packed once, on first use, and joins of several groups once per sync round: most
// rounds send the same newest group to every peer, and peers that acknowledged up to the same
// group (those in one remote region, usually) are sent the same join.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "models/crdt/keyed_crdt.h"
#include "sim/core/assert.h"

namespace edgesim::models {

template <CrdtType T>
class DeltaBuffer {
 public:
  // Drops every group; the next group sealed is numbered `last_seq` + 1.
  void restart(uint64_t last_seq) {
    groups_.clear();
    round_joins_.clear();
    metadata_bytes_ = 0;
    last_seq_ = last_seq;
  }

  // Seals `open` (not empty) as the next group, then drops the oldest groups beyond `max_groups`.
  void seal(KeyedCrdt<T>&& open, size_t max_groups) {
    EDGESIM_ASSERT(!open.empty(), "an empty delta group");
    const uint64_t bytes = open.metadata_bytes();
    groups_.push_back(Group{++last_seq_, bytes, std::move(open)});
    metadata_bytes_ += bytes;
    while (groups_.size() > max_groups) pop_oldest();
  }

  // Drops the groups numbered `seq` or lower (every peer acknowledged them).
  void drop_through(uint64_t seq) {
    while (!groups_.empty() && groups_.front().seq <= seq) pop_oldest();
  }

  uint64_t last_seq() const { return last_seq_; }  // the newest group's, or restart()'s
  // The oldest group's; last_seq() + 1 when none is held.
  uint64_t first_seq() const { return groups_.empty() ? last_seq_ + 1 : groups_.front().seq; }

  // Calls send(packed, last, base) for the groups after `acked`, in order, at most `batch` groups
  // at a time: `packed` is their join, `last` the last one's seq and `base` the seq before the
  // first one's. `acked` must be at least first_seq() - 1 and below last_seq().
  template <typename Send>
  void for_each_batch_after(uint64_t acked, size_t batch, Send&& send) {
    EDGESIM_ASSERT(acked + 1 >= first_seq(), "groups after {} were dropped", acked);
    EDGESIM_ASSERT(acked < last_seq_, "no group after {}", acked);
    // Sequence numbers are consecutive, so the first unacknowledged group is found by arithmetic
    // rather than a scan past everything acknowledged.
    const uint64_t front = groups_.front().seq;
    for (size_t first = acked < front ? 0 : size_t(acked + 1 - front); first < groups_.size();) {
      const size_t end = std::min(groups_.size(), first + batch);
      EDGESIM_ASSERT(groups_[end - 1].seq == front + (end - 1), "delta buffer sequence has a gap");
      // The usual case is only the newest group.
      send(end - first == 1 ? packed(groups_[first]) : joined_packed(first, end),
           groups_[end - 1].seq, groups_[first].seq - 1);
      first = end;
    }
  }

  // Forgets this round's joins: the next round's peers are at other groups.
  void end_round() { round_joins_.clear(); }

  size_t size() const { return groups_.size(); }
  uint64_t metadata_bytes() const { return metadata_bytes_; }  // of the groups held

 private:
  struct Group {
    uint64_t seq;
    uint64_t metadata_bytes;
    KeyedCrdt<T> deltas;
    std::string packed = {};  // see packed()
  };
  struct RoundJoin {
    uint64_t first_seq;
    uint64_t last_seq;
    std::string packed;
  };

  void pop_oldest() {
    metadata_bytes_ -= groups_.front().metadata_bytes;
    groups_.pop_front();
  }

  static const std::string& packed(Group& group) {
    if (group.packed.empty())
      group.packed = wire_encode([&](Packer& out) { group.deltas.pack(out); });
    return group.packed;
  }

  // The join of groups_[first, end), packed once per round.
  const std::string& joined_packed(size_t first, size_t end) {
    const uint64_t first_seq = groups_[first].seq;
    const uint64_t last_seq = groups_[end - 1].seq;
    for (const RoundJoin& join : round_joins_) {
      if (join.first_seq == first_seq && join.last_seq == last_seq) return join.packed;
    }
    KeyedCrdt<T> join;
    for (size_t i = first; i < end; ++i) join.absorb(groups_[i].deltas);
    std::string packed = wire_encode([&](Packer& out) { join.pack(out); });
    return round_joins_.emplace_back(first_seq, last_seq, std::move(packed)).packed;
  }

  std::deque<Group> groups_;  // oldest first, consecutive seqs
  // This round's joins of several groups; a deque, so that a join stays put while more are added.
  std::deque<RoundJoin> round_joins_;
  uint64_t metadata_bytes_ = 0;
  uint64_t last_seq_ = 0;
};

}  // namespace edgesim::models

#include "models/crdt/causal_context.h"

#include <algorithm>

namespace edgesim::models {

ReplicaCounters unpack_replica_counters(const WireObject& in) {
  const uint32_t size = wire_tuples_size(in, 2);
  ReplicaCounters::sequence_type entries;
  entries.reserve(size / 2);
  for (uint32_t i = 0; i < size; i += 2) {
    entries.emplace_back(static_cast<ReplicaId>(wire_u64(wire_at(in, i))),
                         wire_u64(wire_at(in, i + 1)));
  }
  ReplicaCounters counters;
  const auto by_replica = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (std::adjacent_find(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
        return !by_replica(a, b);
      }) != entries.end()) {
    std::stable_sort(entries.begin(), entries.end(), by_replica);
    entries.erase(std::unique(entries.begin(), entries.end(),
                              [](const auto& a, const auto& b) { return a.first == b.first; }),
                  entries.end());
  }
  counters.adopt_sequence(boost::container::ordered_unique_range, std::move(entries));
  return counters;
}

void VersionVector::set(ReplicaId replica, uint64_t counter) {
  if (counter == 0) {
    counters_.erase(replica);
  } else {
    counters_[replica] = counter;
  }
}

bool VersionVector::merge(const VersionVector& other) { return merge_counters(other); }

template <typename Counters>
bool VersionVector::merge_counters(const Counters& other) {
  // Both are in replica order: one forward walk rather than a search per replica.
  bool changed = false;
  auto mine = counters_.begin();
  other.for_each_counter([&](ReplicaId replica, uint64_t counter) {
    while (mine != counters_.end() && mine->first < replica) ++mine;
    if (mine != counters_.end() && mine->first == replica) {
      if (counter > mine->second) {
        mine->second = counter;
        changed = true;
      }
    } else {
      mine = counters_.emplace_hint(mine, replica, counter);  // never 0: zeros are not stored
      changed = true;
    }
    ++mine;
  });
  return changed;
}

VersionVector VersionVector::meet(const VersionVector& other) const {
  // Both in replica order: one walk, appending to the result in order. Counters are never 0, so
  // neither is the lower of two.
  VersionVector result;
  result.counters_.reserve(std::min(counters_.size(), other.counters_.size()));
  auto theirs = other.counters_.begin();
  for (const auto& [replica, counter] : counters_) {
    while (theirs != other.counters_.end() && theirs->first < replica) ++theirs;
    if (theirs == other.counters_.end()) break;
    if (theirs->first == replica) {
      result.counters_.emplace_hint(result.counters_.end(), replica,
                                    std::min(counter, theirs->second));
    }
  }
  return result;
}

bool VersionVector::dominates(const VersionVector& other) const {
  for (const auto& [replica, counter] : other.counters_) {
    if (get(replica) < counter) return false;
  }
  return true;
}

VersionVector VersionVector::unpack(const WireObject& in) {
  VersionVector vv;
  vv.counters_ = unpack_replica_counters(in);
  for (auto it = vv.counters_.begin(); it != vv.counters_.end();)
    it = it->second == 0 ? vv.counters_.erase(it) : it + 1;
  return vv;
}

Dot CausalContext::next_dot(ReplicaId replica) {
  const Dot dot{replica, vector_.get(replica) + 1};
  vector_.set(replica, dot.second);
  return dot;
}

void CausalContext::insert(const Dot& dot) {
  if (contains(dot)) return;
  cloud_.insert(dot);
  compact();
}

bool CausalContext::merge(const CausalContext& other) { return merge_from(other); }

bool CausalContext::merge(const PackedCausalContext& other) { return merge_from(other); }

template <typename Context>
bool CausalContext::merge_from(const Context& other) {
  bool changed = vector_.merge_counters(other);
  // Their cloud's dots not seen here, in order. The vector is walked alongside them (both are in
  // replica order) rather than searched for each dot: a delta's cloud holds a few dots, and those
  // searches were most of a merge. A dot that continues the vector goes straight into it, as
  // compact() would fold it (and compact() below folds the cloud dots it may now continue): most
  // do, being a peer's next write.
  DotSet::sequence_type unseen;
  ReplicaCounters& counters = vector_.counters_;
  auto entry = counters.begin();
  other.for_each_cloud_dot([&](const Dot& dot) {
    while (entry != counters.end() && entry->first < dot.first) ++entry;
    const bool listed = entry != counters.end() && entry->first == dot.first;
    const uint64_t known = listed ? entry->second : 0;
    if (dot.second <= known || (!cloud_.empty() && cloud_.count(dot) != 0)) return;
    changed = true;
    if (dot.second != known + 1) {
      unseen.push_back(dot);
    } else if (listed) {
      entry->second = dot.second;
    } else {
      entry = counters.emplace_hint(entry, dot.first, dot.second);
    }
  });
  if (unseen.size() == 1) {
    cloud_.insert(unseen.front());
  } else if (!unseen.empty()) {
    cloud_.insert(boost::container::ordered_unique_range, unseen.begin(), unseen.end());
  }
  compact();
  return changed;
}

PackedCausalContext::PackedCausalContext(const WireObject& in)
    : vector_(wire_at(in, 0)),
      cloud_(wire_at(in, 1)),
      vector_pairs_(wire_tuples_size(vector_, 2) / 2),
      cloud_dots_(wire_tuples_size(cloud_, 2) / 2) {
  for (uint32_t i = 0; i < 2 * vector_pairs_; i += 2) {
    const auto replica = static_cast<ReplicaId>(wire_u64(wire_at(vector_, i)));
    wire_u64(wire_at(vector_, i + 1));
    if (i > 0 && static_cast<ReplicaId>(wire_vetted_u64(vector_, i - 2)) >= replica)
      ordered_ = false;
  }
  Dot previous;
  for (uint32_t i = 0; i < 2 * cloud_dots_; i += 2) {
    const Dot dot{static_cast<ReplicaId>(wire_u64(wire_at(cloud_, i))),
                  wire_u64(wire_at(cloud_, i + 1))};
    if (i > 0 && !(previous < dot)) ordered_ = false;
    previous = dot;
  }
}

CausalContext CausalContext::unseen_in(const CausalContext& other) const {
  CausalContext unseen;
  std::vector<Dot> dots;
  for (const auto& [replica, counter] : other.vector_.entries()) {
    const uint64_t known = vector_.get(replica);
    const auto beyond = cloud_.lower_bound(Dot{replica, 0});
    if (known == 0 && (beyond == cloud_.end() || beyond->first != replica)) {
      unseen.vector_.set(replica, counter);  // nothing of this replica seen: the whole range
      continue;
    }
    for (uint64_t c = known + 1; c <= counter; ++c) {
      if (cloud_.count(Dot{replica, c}) == 0) dots.push_back(Dot{replica, c});
    }
  }
  for (const Dot& dot : other.cloud_) {
    if (!contains(dot)) dots.push_back(dot);
  }
  unseen.insert_all(std::move(dots));
  return unseen;
}

void CausalContext::insert_all(std::vector<Dot> dots) {
  std::sort(dots.begin(), dots.end());
  dots.erase(std::unique(dots.begin(), dots.end()), dots.end());
  std::erase_if(dots, [this](const Dot& dot) { return contains(dot); });
  cloud_.insert(boost::container::ordered_unique_range, dots.begin(), dots.end());
  compact();
}

void CausalContext::compact() {
  // Cloud dots are ordered by (replica, counter): per replica, fold the run that continues the
  // vector, then skip to the next replica (the rest of its dots stay beyond a gap). This keeps a
  // merge O(replicas) when the cloud holds many dots waiting for a gap to fill.
  for (auto it = cloud_.begin(); it != cloud_.end();) {
    const ReplicaId replica = it->first;
    const uint64_t was_known = vector_.get(replica);
    uint64_t known = was_known;
    auto folded_end = it;
    while (folded_end != cloud_.end() && folded_end->first == replica &&
           folded_end->second <= known + 1) {
      known = std::max(known, folded_end->second);
      ++folded_end;
    }
    it = cloud_.erase(it, folded_end);
    if (known != was_known) vector_.set(replica, known);
    if (it != cloud_.end() && it->first == replica) it = cloud_.lower_bound(Dot{replica + 1, 0});
  }
}

void CausalContext::pack(Packer& out) const {
  out.pack_array(2);
  vector_.pack(out);
  out.pack_array(static_cast<uint32_t>(cloud_.size() * 2));
  for (const Dot& dot : cloud_) {
    out.pack_uint32(dot.first);
    out.pack_uint64(dot.second);
  }
}

CausalContext CausalContext::unpack(const WireObject& in) {
  CausalContext context;
  context.vector_ = VersionVector::unpack(wire_at(in, 0));
  const WireObject& cloud = wire_at(in, 1);
  const uint32_t cloud_size = wire_tuples_size(cloud, 2);
  // Read into the set's vector in one pass and adopted whole (inserting dot by dot grew it a
  // dot at a time); pack() writes dots in order, so only a malformed cloud is sorted here.
  DotSet::sequence_type dots;
  dots.reserve(cloud_size / 2);
  for (uint32_t i = 0; i < cloud_size; i += 2) {
    dots.emplace_back(static_cast<ReplicaId>(wire_u64(wire_at(cloud, i))),
                      wire_u64(wire_at(cloud, i + 1)));
  }
  if (std::adjacent_find(dots.begin(), dots.end(), std::greater_equal<>()) != dots.end()) {
    std::sort(dots.begin(), dots.end());
    dots.erase(std::unique(dots.begin(), dots.end()), dots.end());
  }
  context.cloud_.adopt_sequence(boost::container::ordered_unique_range, std::move(dots));
  return context;
}

}  // namespace edgesim::models

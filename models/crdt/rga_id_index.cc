#include "models/crdt/rga_id_index.h"

#include <algorithm>
#include <tuple>

#include "sim/core/assert.h"

namespace edgesim::models {
namespace {

constexpr uint32_t kNoPart = StoredRgaRun::kNoPart;

// The part of the chain from `slot` that holds `counter`, or the first after it (kNoPart if none).
uint32_t part_holding_or_after(const RgaDocument& document, uint32_t slot, uint64_t counter) {
  while (slot != kNoPart && document.run(slot).end_counter() <= counter)
    slot = document.run(slot).next_part;
  return slot;
}

}  // namespace

RgaIdIndex::Entries::const_iterator RgaIdIndex::holding_or_after(const Entries& entries,
                                                                 uint64_t counter) {
  return std::upper_bound(entries.begin(), entries.end(), counter,
                          [](uint64_t key, const Entry& entry) { return key < entry.end; });
}

std::optional<RgaIdIndex::Found> RgaIdIndex::find(const RgaId& id,
                                                  const RgaDocument& document) const {
  const auto replica = by_replica_.find(id.replica);
  if (replica == by_replica_.end()) return std::nullopt;
  const Entries& entries = replica->second;
  // Two cheap answers first: an id past the replica's last chain is new (a run being received),
  // and an id in or right after the chain found last is usually there (a state merged again).
  if (entries.empty() || entries.back().end <= id.counter) return std::nullopt;
  size_t index = last_found_.index;
  const auto holds = [&](size_t i) {
    return i < entries.size() && entries[i].counter <= id.counter && id.counter < entries[i].end;
  };
  if (id.replica != last_found_.replica || !holds(index)) {
    if (id.replica == last_found_.replica && holds(index + 1)) {
      ++index;
    } else {
      const auto it = holding_or_after(entries, id.counter);
      if (it == entries.end() || it->counter > id.counter) return std::nullopt;
      index = static_cast<size_t>(it - entries.begin());
    }
  }
  last_found_ = {id.replica, index};
  const uint32_t slot = part_holding_or_after(document, entries[index].slot, id.counter);
  EDGESIM_ASSERT(slot != kNoPart && document.run(slot).holds(id.counter),
                 "an RGA index entry's chain does not hold its id {}", id.counter);
  return Found{slot, static_cast<uint32_t>(id.counter - document.run(slot).id_counter)};
}

uint64_t RgaIdIndex::first_known_from(const RgaId& id) const {
  const auto replica = by_replica_.find(id.replica);
  if (replica == by_replica_.end()) return UINT64_MAX;
  // An entry's range holds exactly its chain's ids (drop() splits a chain where a part goes).
  const auto it = holding_or_after(replica->second, id.counter);
  return it == replica->second.end() ? UINT64_MAX : std::max(it->counter, id.counter);
}

void RgaIdIndex::insert(const StoredRgaRun& run, uint32_t slot) {
  Entries& entries = by_replica_[run.id_replica];
  ++size_;
  const Entry entry{run.id_counter, run.end_counter(), slot};
  if (entries.empty() || entries.back().end <= run.id_counter) {
    entries.push_back(entry);
    return;
  }
  const auto at = holding_or_after(entries, run.id_counter);
  EDGESIM_ASSERT(at->counter >= run.end_counter(), "an RGA id is indexed twice");
  entries.insert(entries.begin() + (at - entries.begin()), entry);
}

void RgaIdIndex::assign(const RgaDocument& document) {
  clear();
  std::vector<bool> is_next_part(document.pool_size(), false);
  document.for_each([&](uint32_t, const StoredRgaRun& run) {
    if (run.next_part != kNoPart) is_next_part[run.next_part] = true;
  });
  document.for_each([&](uint32_t slot, const StoredRgaRun& run) {
    if (is_next_part[slot]) return;
    uint64_t end = run.end_counter();
    for (uint32_t part = run.next_part; part != kNoPart; part = document.run(part).next_part)
      end = document.run(part).end_counter();
    by_replica_[run.id_replica].push_back(Entry{run.id_counter, end, slot});
  });
  for (auto& [replica, sorted] : by_replica_) {
    std::sort(sorted.begin(), sorted.end(),
              [](const Entry& a, const Entry& b) { return a.counter < b.counter; });
    size_ += sorted.size();
  }
}

// A chain whose middle part goes becomes two chains: an entry's ids stay exactly those its chain
// holds, so an old copy of the gone part (back after a restart) can be indexed again.
//
// Each run is cut out of its chain alone: a search for its chain's entry and a walk along the
// chain. Rebuilding every chain instead visited every run in the pool, and most of those visits
// missed the cache (compaction usually collects a few runs of a document). Replica by replica,
// latest ids first, so that a cut changes only the entry of a chain's head: the parts after a cut
// become new chains, whose runs are all later than any run still to be cut from that chain.
void RgaIdIndex::drop(RgaDocument& document, std::span<const uint32_t> slots) {
  std::vector<uint32_t> latest_first(slots.begin(), slots.end());
  std::sort(latest_first.begin(), latest_first.end(), [&](uint32_t a, uint32_t b) {
    const StoredRgaRun& x = document.run(a);
    const StoredRgaRun& y = document.run(b);
    return std::tie(x.id_replica, y.id_counter) < std::tie(y.id_replica, x.id_counter);
  });
  Entries split_off;  // chains that cuts left behind, of the replica being handled
  for (size_t i = 0; i < latest_first.size(); ++i) {
    const StoredRgaRun& run = document.run(latest_first[i]);
    Entries& entries = by_replica_[run.id_replica];
    const auto at = entries.begin() + (holding_or_after(entries, run.id_counter) - entries.begin());
    EDGESIM_ASSERT(at != entries.end() && at->counter <= run.id_counter && at->slot != kNoPart,
                   "a dropped RGA run {} is not indexed", run.id_counter);
    uint32_t before = kNoPart;  // the part before it in its chain
    for (uint32_t part = at->slot; part != latest_first[i]; part = document.run(part).next_part) {
      EDGESIM_ASSERT(part != kNoPart, "a dropped RGA run {} is not in its chain", run.id_counter);
      before = part;
    }
    const uint32_t after = run.next_part;
    if (before == kNoPart && after == kNoPart) {
      at->slot = kNoPart;  // erased below; its range stays, for the search, until then
    } else if (before == kNoPart) {
      at->counter = document.run(after).id_counter;
      at->slot = after;
    } else {
      if (after != kNoPart)
        split_off.push_back(Entry{document.run(after).id_counter, at->end, after});
      at->end = document.run(before).end_counter();
      document.set_next_part(before, kNoPart);
    }
    // The replica's last cut: erase the emptied entries, file the new chains in order.
    if (i + 1 == latest_first.size() ||
        document.run(latest_first[i + 1]).id_replica != run.id_replica) {
      size_ -= std::erase_if(entries, [](const Entry& entry) { return entry.slot == kNoPart; });
      size_ += split_off.size();
      const auto by_counter = [](const Entry& a, const Entry& b) { return a.counter < b.counter; };
      std::sort(split_off.begin(), split_off.end(), by_counter);
      const size_t kept = entries.size();
      entries.insert(entries.end(), split_off.begin(), split_off.end());
      std::inplace_merge(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(kept),
                         entries.end(), by_counter);
      split_off.clear();
    }
  }
}

}  // namespace edgesim::models

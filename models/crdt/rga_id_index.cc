#include "models/crdt/rga_id_index.h"

#include <algorithm>

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

void RgaIdIndex::drop(RgaDocument& document, const std::vector<bool>& gone) {
  // A chain whose middle part goes becomes two chains: an entry's ids stay exactly those its
  // chain holds, so an old copy of the gone part (back after a restart) can be indexed again.
  size_ = 0;
  for (auto& [replica, entries] : by_replica_) {
    Entries kept;
    kept.reserve(entries.size());
    for (const Entry& entry : entries) {
      uint32_t last = kNoPart;  // the last part kept in the current chain
      for (uint32_t part = entry.slot; part != kNoPart;) {
        const StoredRgaRun& run = document.run(part);
        const uint32_t next = run.next_part;
        if (gone[part]) {
          if (last != kNoPart) document.set_next_part(last, kNoPart);
          last = kNoPart;
        } else if (last == kNoPart) {
          kept.push_back(Entry{run.id_counter, run.end_counter(), part});
          last = part;
        } else {
          kept.back().end = run.end_counter();
          last = part;
        }
        part = next;
      }
    }
    entries = std::move(kept);
    size_ += entries.size();
  }
}

}  // namespace edgesim::models

#include "models/crdt/rga_document.h"

#include <algorithm>
#include <cstring>

#include "models/crdt/slot_pool.h"
#include "sim/core/assert.h"

namespace edgesim::models {

StoredRgaRun::StoredRgaRun(const RgaRunView& run, uint32_t chars_at)
    : id_counter(run.id.counter),
      origin_counter(run.origin ? run.origin->counter : 0),
      insert_counter(run.insert_dot.second),
      delete_counter(run.delete_dot ? run.delete_dot->second : 0),
      id_replica(run.id.replica),
      origin_replica(run.origin ? run.origin->replica : 0),
      insert_replica(run.insert_dot.first),
      delete_replica(run.delete_dot ? run.delete_dot->first : 0),
      chars_at(chars_at),
      length(static_cast<uint32_t>(run.size())),
      has_origin(run.origin.has_value()),
      deleted(run.delete_dot.has_value()) {}

bool StoredRgaRun::continued_by(const StoredRgaRun& next) const {
  const uint64_t last = id_counter + length - 1;
  const bool same_delete =
      next.deleted == deleted && (!deleted || (next.delete_replica == delete_replica &&
                                               next.delete_counter == delete_counter));
  return next.id_replica == id_replica && next.id_counter == last + 1 && next.has_origin &&
         next.origin_counter == last && next.origin_replica == id_replica &&
         next.insert_replica == insert_replica && next.insert_counter == insert_counter &&
         same_delete;
}

RgaRunView RgaDocument::view(uint32_t slot) const {
  const StoredRgaRun& run = pool_[slot];
  return RgaRunView{run.id(), run.origin(), chars(slot), run.insert_dot(), run.delete_dot()};
}

RgaDocument::Position RgaDocument::next(Position at) const {
  EDGESIM_ASSERT(!at_end(at), "stepping past the end of an RGA document");
  if (at.offset + 1 < chunks_[order_[at.rank]].entries.size())
    return Position{at.rank, at.offset + 1};
  return Position{at.rank + 1, 0};
}

RgaDocument::Position RgaDocument::next_visible(Position at) const {
  do {
    at = next(at);
  } while (!at_end(at) && !entry(at).visible);
  return at;
}

RgaDocument::ElementPosition RgaDocument::visible_position(size_t index) const {
  EDGESIM_ASSERT(index < visible_, "visible character {} of {}", index, visible_);
  for (uint32_t rank = 0; rank < order_.size(); ++rank) {
    const Chunk& chunk = chunks_[order_[rank]];
    if (index >= chunk.visible) {
      index -= chunk.visible;
      continue;
    }
    for (uint32_t offset = 0; offset < chunk.entries.size(); ++offset) {
      const uint32_t visible = visible_in(chunk.entries[offset]);
      if (index < visible) return ElementPosition{{rank, offset}, static_cast<uint32_t>(index)};
      index -= visible;
    }
  }
  EDGESIM_ASSERT(false, "RGA chunks count {} visible elements but hold fewer", visible_);
  return ElementPosition{{static_cast<uint32_t>(order_.size()), 0}, 0};
}

RgaDocument::Position RgaDocument::position_of(uint32_t slot) const {
  const Chunk& chunk = chunks_[chunk_of_[slot]];
  const uint32_t hint = offset_hint_[slot];
  if (hint < chunk.entries.size() && chunk.entries[hint].slot == slot) return {chunk.rank, hint};
  // Inserts before it move an entry right, so it is looked for after its hint first.
  const auto is_slot = [slot](const Entry& e) { return e.slot == slot; };
  const auto from = chunk.entries.begin() + std::min<size_t>(hint, chunk.entries.size());
  auto it = std::find_if(from, chunk.entries.end(), is_slot);
  if (it == chunk.entries.end()) {
    it = std::find_if(chunk.entries.begin(), from, is_slot);
    EDGESIM_ASSERT(it != from, "RGA slot {} is not in its chunk", slot);
  }
  offset_hint_[slot] = static_cast<uint32_t>(it - chunk.entries.begin());
  return Position{chunk.rank, offset_hint_[slot]};
}

uint32_t RgaDocument::store(const RgaRunView& run) {
  EDGESIM_ASSERT(run.size() > 0, "storing an empty RGA run");
  const size_t at = stored_chars();
  EDGESIM_ASSERT(at + run.size() <= UINT32_MAX, "an RGA document past 4 GB of text");
  const uint32_t slot = place_in_pool(pool_, free_, StoredRgaRun(run, static_cast<uint32_t>(at)));
  chars_.resize(at);
  chars_ += run.chars;
  chars_.append(kCopyPad, '\0');
  grow_slot_maps();
  return slot;
}

void RgaDocument::grow_slot_maps() {
  if (chunk_of_.size() >= pool_.size()) return;
  chunk_of_.resize(pool_.size());
  offset_hint_.resize(pool_.size());
}

RgaDocument::Entry RgaDocument::make_entry(uint32_t slot) const {
  const StoredRgaRun& run = pool_[slot];
  return Entry{slot, run.chars_at, run.length, !run.deleted};
}

uint32_t RgaDocument::new_chunk() {
  if (!spare_chunks_.empty()) {
    const uint32_t id = spare_chunks_.back();
    spare_chunks_.pop_back();
    chunks_[id] = Chunk{};
    return id;
  }
  chunks_.emplace_back();
  return static_cast<uint32_t>(chunks_.size() - 1);
}

void RgaDocument::insert(Position at, uint32_t slot) {
  if (order_.empty()) {
    order_.push_back(new_chunk());
    renumber_from(0);
    at = Position{};
  } else if (at_end(at)) {  // after the last run: the end of the last chunk
    const auto last = static_cast<uint32_t>(order_.size() - 1);
    at = Position{last, static_cast<uint32_t>(chunks_[order_[last]].entries.size())};
  }
  const uint32_t id = order_[at.rank];
  Chunk& chunk = chunks_[id];
  const Entry placed = make_entry(slot);
  chunk.entries.insert(chunk.entries.begin() + at.offset, placed);
  chunk_of_[slot] = id;
  offset_hint_[slot] = at.offset;
  chunk.visible += visible_in(placed);
  visible_ += visible_in(placed);
  size_ += placed.length;
  ++runs_;
  if (placed.visible) text_changed(chunk);
  split_chunk_if_full(at.rank);
}

uint32_t RgaDocument::append(const RgaRunView& run) {
  const uint32_t slot = store(run);
  insert(Position{static_cast<uint32_t>(order_.size()), 0}, slot);
  return slot;
}

uint32_t RgaDocument::split(uint32_t slot, size_t offset) {
  const size_t length = pool_[slot].length;
  EDGESIM_ASSERT(offset > 0 && offset < length, "splitting an RGA run of {} at {}", length, offset);
  StoredRgaRun right = pool_[slot];
  right.id_counter += offset;
  right.has_origin = true;
  right.origin_counter = right.id_counter - 1;
  right.origin_replica = right.id_replica;
  right.chars_at += static_cast<uint32_t>(offset);
  right.length -= static_cast<uint32_t>(offset);
  pool_[slot].length = static_cast<uint32_t>(offset);
  const uint32_t right_slot = place_in_pool(pool_, free_, right);  // its next is the left's
  pool_[slot].next_part = right_slot;
  ++linked_;  // the left part links to the right one, which links where the left one did
  grow_slot_maps();
  const Position at = position_of(slot);
  const uint32_t id = order_[at.rank];
  Chunk& chunk = chunks_[id];
  Entry& left = chunk.entries[at.offset];
  left.length = static_cast<uint32_t>(offset);
  const Entry placed{right_slot, pool_[right_slot].chars_at, static_cast<uint32_t>(length - offset),
                     left.visible};
  chunk.entries.insert(chunk.entries.begin() + at.offset + 1, placed);
  chunk_of_[right_slot] = id;
  offset_hint_[right_slot] = at.offset + 1;
  ++runs_;  // the elements, the visible count and the text stay as they were
  split_chunk_if_full(at.rank);
  return right_slot;
}

void RgaDocument::set_next_part(uint32_t slot, uint32_t next) {
  uint32_t& link = pool_[slot].next_part;
  linked_ += next != StoredRgaRun::kNoPart ? 1 : 0;
  linked_ -= link != StoredRgaRun::kNoPart ? 1 : 0;
  link = next;
}

bool RgaDocument::mark_deleted(uint32_t slot, const Dot& dot) {
  StoredRgaRun& run = pool_[slot];
  if (run.deleted && !(dot < Dot{run.delete_replica, run.delete_counter})) return false;
  const bool was_visible = !run.deleted;
  run.deleted = true;
  run.delete_replica = dot.first;
  run.delete_counter = dot.second;
  if (was_visible) {
    const Position at = position_of(slot);
    Chunk& chunk = chunks_[order_[at.rank]];
    Entry& e = chunk.entries[at.offset];
    e.visible = false;
    chunk.visible -= e.length;
    visible_ -= e.length;
    text_changed(chunk);
  }
  return true;
}

void RgaDocument::count_chunk(uint32_t id) {
  Chunk& chunk = chunks_[id];
  chunk.visible = 0;
  chunk.text_current = false;
  for (const Entry& e : chunk.entries) {
    chunk_of_[e.slot] = id;
    chunk.visible += visible_in(e);
  }
}

void RgaDocument::split_chunk_if_full(uint32_t rank) {
  const uint32_t first_id = order_[rank];
  if (chunks_[first_id].entries.size() <= kChunkMax) return;
  std::vector<Entry> all = std::move(chunks_[first_id].entries);
  const size_t pieces = std::max<size_t>(2, all.size() / kChunkTarget);
  std::vector<uint32_t> ids{first_id};
  for (size_t i = 1; i < pieces; ++i) ids.push_back(new_chunk());  // may reallocate chunks_
  for (size_t i = 0; i < pieces; ++i) {
    const size_t begin = all.size() * i / pieces;
    const size_t end = all.size() * (i + 1) / pieces;
    chunks_[ids[i]].entries.assign(all.begin() + static_cast<std::ptrdiff_t>(begin),
                                   all.begin() + static_cast<std::ptrdiff_t>(end));
    count_chunk(ids[i]);
  }
  order_.insert(order_.begin() + rank + 1, ids.begin() + 1, ids.end());
  renumber_from(rank + 1);
}

void RgaDocument::renumber_from(uint32_t rank) {
  for (uint32_t r = rank; r < order_.size(); ++r) chunks_[order_[r]].rank = r;
}

void RgaDocument::remove(std::span<const uint32_t> slots) {
  if (slots.empty()) return;
  std::vector<bool> gone(pool_.size(), false);
  std::vector<uint32_t> touched;  // chunk ids
  for (uint32_t slot : slots) {
    gone[slot] = true;
    touched.push_back(chunk_of_[slot]);
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint32_t id : touched) {
    Chunk& chunk = chunks_[id];
    std::erase_if(chunk.entries, [&](const Entry& e) {
      if (!gone[e.slot]) return false;
      if (e.visible) {
        chunk.visible -= e.length;
        visible_ -= e.length;
        text_changed(chunk);
      }
      size_ -= e.length;
      return true;
    });
  }
  for (uint32_t slot : slots) {
    linked_ -= pool_[slot].next_part != StoredRgaRun::kNoPart ? 1 : 0;
    pool_[slot] = StoredRgaRun{};
    free_.push_back(slot);
  }
  runs_ -= slots.size();
  const size_t chunks_before = order_.size();
  std::erase_if(order_, [&](uint32_t id) {
    if (!chunks_[id].entries.empty()) return false;
    spare_chunks_.push_back(id);
    return true;
  });
  if (order_.size() != chunks_before) renumber_from(0);
  if (order_.size() > 2 * (runs_ / kChunkTarget) + 2) rechunk();  // mostly small chunks left
}

void RgaDocument::rechunk() {
  std::vector<Entry> all;
  all.reserve(runs_);
  for (uint32_t id : order_) {
    all.insert(all.end(), chunks_[id].entries.begin(), chunks_[id].entries.end());
    chunks_[id].entries.clear();
    spare_chunks_.push_back(id);
  }
  order_.clear();
  append_chunks(all);
}

void RgaDocument::assign(const std::vector<RgaRunView>& runs) {
  *this = RgaDocument{};
  pool_.reserve(runs.size());
  for (const RgaRunView& run : runs) store(run);
  std::vector<Entry> all;
  all.reserve(pool_.size());
  for (uint32_t slot = 0; slot < pool_.size(); ++slot) {
    all.push_back(make_entry(slot));
    visible_ += visible_in(all.back());
    size_ += all.back().length;
  }
  runs_ = pool_.size();
  text_current_ = visible_ == 0;
  append_chunks(all);
}

void RgaDocument::append_chunks(const std::vector<Entry>& all) {
  for (size_t begin = 0; begin < all.size(); begin += kChunkTarget) {
    const uint32_t id = new_chunk();
    const size_t end = std::min(all.size(), begin + kChunkTarget);
    chunks_[id].entries.assign(all.begin() + static_cast<std::ptrdiff_t>(begin),
                               all.begin() + static_cast<std::ptrdiff_t>(end));
    count_chunk(id);
    order_.push_back(id);
  }
  renumber_from(0);
}

void RgaDocument::repack() {
  std::vector<StoredRgaRun> pool;
  std::string chars;
  std::vector<uint32_t> moved_to(pool_.size(), StoredRgaRun::kNoPart);
  pool.reserve(runs_);
  chars.reserve(size_);
  for (uint32_t id : order_) {
    for (Entry& e : chunks_[id].entries) {
      pool.push_back(pool_[e.slot]);
      pool.back().chars_at = static_cast<uint32_t>(chars.size());
      e.chars_at = pool.back().chars_at;
      chars += this->chars(e.slot);
      moved_to[e.slot] = static_cast<uint32_t>(pool.size() - 1);
      e.slot = static_cast<uint32_t>(pool.size() - 1);
    }
  }
  for (StoredRgaRun& run : pool) {
    if (run.next_part != StoredRgaRun::kNoPart) run.next_part = moved_to[run.next_part];
  }
  pool_ = std::move(pool);
  chars_ = std::move(chars);
  if (!chars_.empty()) chars_.append(kCopyPad, '\0');
  free_.clear();
  chunk_of_.assign(pool_.size(), 0);
  offset_hint_.assign(pool_.size(), 0);
  for (uint32_t id : order_) {
    for (const Entry& e : chunks_[id].entries) chunk_of_[e.slot] = id;
  }
}

const std::string& RgaDocument::text() const {
  if (text_current_) return text_;
  text_.clear();
  text_.reserve(visible_);
  for (uint32_t id : order_) {
    const Chunk& chunk = chunks_[id];
    if (!chunk.text_current) {
      // Runs are short (a few characters), so each is copied as one fixed kCopyPad-byte move
      // rather than a memcpy call of its length: the text and the store have that much room
      // past their ends.
      chunk.text.resize(chunk.visible + kCopyPad);
      char* out = chunk.text.data();
      char* const end = out + chunk.visible;
      for (const Entry& e : chunk.entries) {
        if (!e.visible) continue;
        EDGESIM_ASSERT(out + e.length <= end, "an RGA chunk holds more visible than it counts");
        const char* in = chars_.data() + e.chars_at;
        if (e.length <= kCopyPad) [[likely]] {
          std::memcpy(out, in, kCopyPad);  // a constant size: two moves, no call
        } else {
          std::memcpy(out, in, e.length);
        }
        out += e.length;
      }
      EDGESIM_ASSERT(out == end, "an RGA chunk counts {} visible but has {}", chunk.visible,
                     chunk.visible - (end - out));
      chunk.text.resize(chunk.visible);
      chunk.text_current = true;
    }
    text_ += chunk.text;
  }
  EDGESIM_ASSERT(text_.size() == visible_, "RGA visible count {} but {} visible characters",
                 visible_, text_.size());
  text_current_ = true;
  return text_;
}

void RgaDocument::check_invariants() const {
  size_t size = 0;
  size_t runs = 0;
  size_t visible = 0;
  for (uint32_t rank = 0; rank < order_.size(); ++rank) {
    const Chunk& chunk = chunks_[order_[rank]];
    EDGESIM_ASSERT(chunk.rank == rank, "RGA chunk at rank {} says rank {}", rank, chunk.rank);
    EDGESIM_ASSERT(!chunk.entries.empty(), "RGA chunk at rank {} is empty", rank);
    EDGESIM_ASSERT(chunk.entries.size() <= kChunkMax, "RGA chunk at rank {} holds {}", rank,
                   chunk.entries.size());
    uint32_t chunk_visible = 0;
    std::string chunk_text;
    for (const Entry& e : chunk.entries) {
      const StoredRgaRun& run = pool_[e.slot];
      EDGESIM_ASSERT(chunk_of_[e.slot] == order_[rank], "RGA slot {} is filed under another chunk",
                     e.slot);
      EDGESIM_ASSERT(run.size() > 0, "RGA slot {} holds an empty run", e.slot);
      EDGESIM_ASSERT(e.visible == !run.deleted, "RGA slot {} visibility", e.slot);
      EDGESIM_ASSERT(e.length == run.size() && e.chars_at == run.chars_at,
                     "RGA slot {} length or characters", e.slot);
      if (run.next_part != StoredRgaRun::kNoPart) {
        const StoredRgaRun& next = pool_[run.next_part];
        EDGESIM_ASSERT(next.length > 0 && next.id_replica == run.id_replica &&
                           next.id_counter >= run.end_counter() &&
                           next.insert_counter == run.insert_counter,
                       "RGA slot {}'s next part does not continue it", e.slot);
      }
      chunk_visible += visible_in(e);
      if (e.visible) chunk_text += chars(e.slot);
      size += e.length;
    }
    EDGESIM_ASSERT(!chunk.text_current || chunk.text == chunk_text,
                   "RGA chunk at rank {} caches stale text", rank);
    EDGESIM_ASSERT(chunk.visible == chunk_visible,
                   "RGA chunk at rank {} counts {} visible, holds {}", rank, chunk.visible,
                   chunk_visible);
    runs += chunk.entries.size();
    visible += chunk_visible;
  }
  EDGESIM_ASSERT(size == size_, "RGA document counts {} elements, holds {}", size_, size);
  EDGESIM_ASSERT(runs == runs_, "RGA document counts {} runs, holds {}", runs_, runs);
  size_t linked = 0;
  for_each([&](uint32_t, const StoredRgaRun& run) {
    linked += run.next_part != StoredRgaRun::kNoPart ? 1 : 0;
  });
  EDGESIM_ASSERT(linked == linked_, "RGA document counts {} linked runs, holds {}", linked_,
                 linked);
  EDGESIM_ASSERT(visible == visible_, "RGA document counts {} visible, holds {}", visible_,
                 visible);
  EDGESIM_ASSERT(runs + free_.size() == pool_.size(), "RGA pool of {} with {} free holds {} runs",
                 pool_.size(), free_.size(), runs);
}

uint64_t RgaDocument::metadata_bytes() const {
  return pool_.size() * sizeof(StoredRgaRun) + chars_.size() + runs_ * sizeof(Entry) +
         (free_.size() + chunk_of_.size() + offset_hint_.size()) * sizeof(uint32_t);
}

}  // namespace edgesim::models

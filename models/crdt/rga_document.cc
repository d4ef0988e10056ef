#include "models/crdt/rga_document.h"

#include <algorithm>

#include "models/crdt/slot_pool.h"
#include "sim/core/assert.h"

namespace edgesim::models {

RgaElement StoredRgaElement::element() const {
  RgaElement element;
  element.id = id();
  if (has_origin) element.origin = RgaId{origin_counter, origin_replica};
  element.ch = ch;
  element.insert_dot = Dot{insert_replica, insert_counter};
  element.delete_dot = delete_dot();
  return element;
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

RgaDocument::Position RgaDocument::visible_position(size_t index) const {
  EDGESIM_ASSERT(index < visible_, "visible character {} of {}", index, visible_);
  for (uint32_t rank = 0; rank < order_.size(); ++rank) {
    const Chunk& chunk = chunks_[order_[rank]];
    if (index >= chunk.visible) {
      index -= chunk.visible;
      continue;
    }
    for (uint32_t offset = 0; offset < chunk.entries.size(); ++offset) {
      if (!chunk.entries[offset].visible) continue;
      if (index == 0) return Position{rank, offset};
      --index;
    }
  }
  EDGESIM_ASSERT(false, "RGA chunks count {} visible elements but hold fewer", visible_);
  return Position{static_cast<uint32_t>(order_.size()), 0};
}

RgaDocument::Position RgaDocument::position_of(uint32_t slot) const {
  const Chunk& chunk = chunks_[chunk_of_[slot]];
  const auto it = std::find_if(chunk.entries.begin(), chunk.entries.end(),
                               [slot](const Entry& e) { return e.slot == slot; });
  EDGESIM_ASSERT(it != chunk.entries.end(), "RGA slot {} is not in its chunk", slot);
  return Position{chunk.rank, static_cast<uint32_t>(it - chunk.entries.begin())};
}

uint32_t RgaDocument::store(const RgaElement& element) {
  const uint32_t slot = place_in_pool(pool_, free_, StoredRgaElement(element));
  if (chunk_of_.size() < pool_.size()) chunk_of_.resize(pool_.size());
  return slot;
}

RgaDocument::Entry RgaDocument::make_entry(uint32_t slot) const {
  return Entry{slot, pool_[slot].ch, !pool_[slot].deleted};
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

RgaDocument::Position RgaDocument::insert(Position at, std::span<const uint32_t> slots) {
  if (slots.empty()) return at;
  if (order_.empty()) {
    order_.push_back(new_chunk());
    renumber_from(0);
    at = Position{};
  } else if (at_end(at)) {  // after the last element: the end of the last chunk
    const auto last = static_cast<uint32_t>(order_.size() - 1);
    at = Position{last, static_cast<uint32_t>(chunks_[order_[last]].entries.size())};
  }
  const uint32_t id = order_[at.rank];
  Chunk& chunk = chunks_[id];
  // Made in place: a received delta is unpacked by appending its elements one by one, and a
  // temporary per insert was a tenth of a run with 30 PoPs.
  const auto placed =
      chunk.entries.insert(chunk.entries.begin() + at.offset, slots.size(), Entry{});
  uint32_t visible = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    placed[static_cast<std::ptrdiff_t>(i)] = make_entry(slots[i]);
    chunk_of_[slots[i]] = id;
    visible += placed[static_cast<std::ptrdiff_t>(i)].visible ? 1 : 0;
  }
  chunk.visible += visible;
  visible_ += visible;
  size_ += slots.size();
  if (visible > 0) text_changed(chunk);
  if (chunk.entries.size() <= kChunkMax) {
    return Position{at.rank, static_cast<uint32_t>(at.offset + slots.size() - 1)};
  }
  split(at.rank);
  return position_of(slots.back());
}

uint32_t RgaDocument::append(const RgaElement& element) {
  const uint32_t slot = store(element);
  insert(Position{static_cast<uint32_t>(order_.size()), 0}, {&slot, 1});
  return slot;
}

bool RgaDocument::mark_deleted(uint32_t slot, const Dot& dot) {
  StoredRgaElement& stored = pool_[slot];
  if (stored.deleted && !(dot < Dot{stored.delete_replica, stored.delete_counter})) return false;
  const bool was_visible = !stored.deleted;
  stored.deleted = true;
  stored.delete_replica = dot.first;
  stored.delete_counter = dot.second;
  if (was_visible) {
    const Position at = position_of(slot);
    Chunk& chunk = chunks_[order_[at.rank]];
    chunk.entries[at.offset].visible = false;
    --chunk.visible;
    --visible_;
    text_changed(chunk);
  }
  return true;
}

void RgaDocument::split(uint32_t rank) {
  const uint32_t first_id = order_[rank];
  std::vector<Entry> all = std::move(chunks_[first_id].entries);
  const size_t pieces = std::max<size_t>(2, all.size() / kChunkTarget);
  std::vector<uint32_t> ids{first_id};
  for (size_t i = 1; i < pieces; ++i) ids.push_back(new_chunk());  // may reallocate chunks_
  for (size_t i = 0; i < pieces; ++i) {
    Chunk& piece = chunks_[ids[i]];
    const size_t begin = all.size() * i / pieces;
    const size_t end = all.size() * (i + 1) / pieces;
    piece.entries.assign(all.begin() + static_cast<std::ptrdiff_t>(begin),
                         all.begin() + static_cast<std::ptrdiff_t>(end));
    piece.visible = 0;
    piece.text_current = false;
    for (const Entry& e : piece.entries) {
      chunk_of_[e.slot] = ids[i];
      piece.visible += e.visible ? 1 : 0;
    }
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
        --chunk.visible;
        --visible_;
        text_changed(chunk);
      }
      return true;
    });
  }
  for (uint32_t slot : slots) {
    pool_[slot] = StoredRgaElement{};
    free_.push_back(slot);
  }
  size_ -= slots.size();
  const size_t chunks_before = order_.size();
  std::erase_if(order_, [&](uint32_t id) {
    if (!chunks_[id].entries.empty()) return false;
    spare_chunks_.push_back(id);
    return true;
  });
  if (order_.size() != chunks_before) renumber_from(0);
  if (order_.size() > 2 * (size_ / kChunkTarget) + 2) rechunk();  // mostly small chunks left
}

void RgaDocument::rechunk() {
  std::vector<Entry> all;
  all.reserve(size_);
  for (uint32_t id : order_) {
    all.insert(all.end(), chunks_[id].entries.begin(), chunks_[id].entries.end());
    chunks_[id].entries.clear();
    spare_chunks_.push_back(id);
  }
  order_.clear();
  append_chunks(all);
}

void RgaDocument::assign(const std::vector<RgaElement>& elements) {
  *this = RgaDocument{};
  pool_.reserve(elements.size());
  for (const RgaElement& element : elements) pool_.emplace_back(element);
  chunk_of_.resize(pool_.size());
  std::vector<Entry> all;
  all.reserve(pool_.size());
  for (uint32_t slot = 0; slot < pool_.size(); ++slot) {
    all.push_back(make_entry(slot));
    visible_ += all.back().visible ? 1 : 0;
  }
  size_ = pool_.size();
  text_current_ = visible_ == 0;
  append_chunks(all);
}

void RgaDocument::append_chunks(const std::vector<Entry>& all) {
  for (size_t begin = 0; begin < all.size(); begin += kChunkTarget) {
    const uint32_t id = new_chunk();
    Chunk& chunk = chunks_[id];
    const size_t end = std::min(all.size(), begin + kChunkTarget);
    chunk.entries.assign(all.begin() + static_cast<std::ptrdiff_t>(begin),
                         all.begin() + static_cast<std::ptrdiff_t>(end));
    chunk.visible = 0;
    chunk.text_current = false;
    for (const Entry& e : chunk.entries) {
      chunk_of_[e.slot] = id;
      chunk.visible += e.visible ? 1 : 0;
    }
    order_.push_back(id);
  }
  renumber_from(0);
}

void RgaDocument::repack() {
  std::vector<StoredRgaElement> pool;
  pool.reserve(size_);
  for (uint32_t id : order_) {
    for (Entry& e : chunks_[id].entries) {
      pool.push_back(pool_[e.slot]);
      e.slot = static_cast<uint32_t>(pool.size() - 1);
    }
  }
  pool_ = std::move(pool);
  free_.clear();
  chunk_of_.assign(pool_.size(), 0);
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
      // Without a branch per entry: every character is written, and the cursor moves past the
      // visible ones (room for all entries, so a wrong count cannot write past the end).
      chunk.text.resize(chunk.entries.size());
      char* out = chunk.text.data();
      for (const Entry& e : chunk.entries) {
        *out = e.ch;
        out += e.visible ? 1 : 0;
      }
      chunk.text.resize(static_cast<size_t>(out - chunk.text.data()));
      EDGESIM_ASSERT(chunk.text.size() == chunk.visible,
                     "an RGA chunk counts {} visible but has {}", chunk.visible, chunk.text.size());
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
      EDGESIM_ASSERT(chunk_of_[e.slot] == order_[rank], "RGA slot {} is filed under another chunk",
                     e.slot);
      EDGESIM_ASSERT(e.visible == !pool_[e.slot].deleted, "RGA slot {} visibility", e.slot);
      EDGESIM_ASSERT(e.ch == pool_[e.slot].ch, "RGA slot {} character", e.slot);
      chunk_visible += e.visible ? 1 : 0;
      if (e.visible) chunk_text.push_back(e.ch);
    }
    EDGESIM_ASSERT(!chunk.text_current || chunk.text == chunk_text,
                   "RGA chunk at rank {} caches stale text", rank);
    EDGESIM_ASSERT(chunk.visible == chunk_visible,
                   "RGA chunk at rank {} counts {} visible, holds {}", rank, chunk.visible,
                   chunk_visible);
    size += chunk.entries.size();
    visible += chunk_visible;
  }
  EDGESIM_ASSERT(size == size_, "RGA document counts {} elements, holds {}", size_, size);
  EDGESIM_ASSERT(visible == visible_, "RGA document counts {} visible, holds {}", visible_,
                 visible);
  EDGESIM_ASSERT(size + free_.size() == pool_.size(),
                 "RGA pool of {} with {} free holds {} elements", pool_.size(), free_.size(), size);
}

uint64_t RgaDocument::metadata_bytes() const {
  return pool_.size() * sizeof(StoredRgaElement) + size_ * sizeof(Entry) +
         (free_.size() + chunk_of_.size()) * sizeof(uint32_t);
}

}  // namespace edgesim::models

#pragma once
// The RGA document (models/crdt/rga.h): every element in document order, tombstones included,
// shaped for what RGA does on every op: find the element holding the n-th visible character, find
// where a given element is, insert after it.
//
// Elements live in a pool and stay in their slot until repack(), so callers (RGA's id index, its
// tombstone list) hold 4-byte slot numbers. The order is a list of chunks of up to kChunkMax
// entries; each entry carries its element's character and visibility, and each chunk counts its
// visible entries. Finding the n-th visible character walks the chunks' counts and then one chunk;
// finding an element looks only in its own chunk; an insert shifts one chunk. Each is
// O(chunks + chunk size) where a flat order was O(document length): with one document shared by
// every client, those scans and shifts were over 60% of a text run.
//
// The visible text is cached, whole and per chunk: a read returns the whole text, a replica often
// serves several reads between two changes, and a change touches one chunk, so rebuilding the text
// copies the other chunks' text instead of looking at each of their entries again.
//
// Positions are valid until the next insert, removal or repack; marking an element deleted keeps
// them valid.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/crdt/causal_context.h"

namespace edgesim::models {

struct RgaId {
  uint64_t counter = 0;  // Lamport: greater than every id the inserter had seen
  ReplicaId replica = 0;
  auto operator<=>(const RgaId&) const = default;
};

struct RgaElement {
  RgaId id;
  std::optional<RgaId> origin;  // nullopt: inserted at the head
  char ch = 0;
  Dot insert_dot;                 // the inserting op's global dot (stability of the insert)
  std::optional<Dot> delete_dot;  // the smallest dot of a delete that removed it
  bool operator==(const RgaElement&) const = default;
};

// An element as the document's pool keeps it: RgaElement's fields without std::optional's padding,
// 56 bytes rather than 88 (a document holds one per character, tombstones included).
struct StoredRgaElement {
  uint64_t id_counter = 0;
  uint64_t origin_counter = 0;
  uint64_t insert_counter = 0;
  uint64_t delete_counter = 0;
  ReplicaId id_replica = 0;
  ReplicaId origin_replica = 0;
  ReplicaId insert_replica = 0;
  ReplicaId delete_replica = 0;
  char ch = 0;
  bool has_origin = false;
  bool deleted = false;

  StoredRgaElement() = default;
  explicit StoredRgaElement(const RgaElement& element)
      : id_counter(element.id.counter),
        origin_counter(element.origin ? element.origin->counter : 0),
        insert_counter(element.insert_dot.second),
        delete_counter(element.delete_dot ? element.delete_dot->second : 0),
        id_replica(element.id.replica),
        origin_replica(element.origin ? element.origin->replica : 0),
        insert_replica(element.insert_dot.first),
        delete_replica(element.delete_dot ? element.delete_dot->first : 0),
        ch(element.ch),
        has_origin(element.origin.has_value()),
        deleted(element.delete_dot.has_value()) {}
  RgaElement element() const;
  RgaId id() const { return RgaId{id_counter, id_replica}; }
  std::optional<Dot> delete_dot() const {
    return deleted ? std::optional<Dot>(Dot{delete_replica, delete_counter}) : std::nullopt;
  }
};

static_assert(sizeof(StoredRgaElement) == 56, "the pool's layout has grown padding");

class RgaDocument {
 public:
  // A place in the document: the chunk's rank in document order and the entry's offset in it. The
  // end of the document is {chunk count, 0}.
  struct Position {
    uint32_t rank = 0;
    uint32_t offset = 0;
    bool operator==(const Position&) const = default;
  };

  size_t size() const { return size_; }        // elements, tombstones included
  size_t visible() const { return visible_; }  // elements not deleted
  RgaElement element(uint32_t slot) const { return pool_[slot].element(); }
  std::optional<Dot> delete_dot(uint32_t slot) const { return pool_[slot].delete_dot(); }
  uint32_t slot_at(Position at) const { return entry(at).slot; }
  RgaId id_at(Position at) const { return pool_[slot_at(at)].id(); }
  Position begin() const { return Position{}; }
  bool at_end(Position at) const { return at.rank >= order_.size(); }
  Position next(Position at) const;
  Position next_visible(Position at) const;  // the next element after `at` that is not deleted
  // The element holding visible character `index` (index < visible()).
  Position visible_position(size_t index) const;
  Position position_of(uint32_t slot) const;  // the slot must be in the document

  // Stores an element in the pool (a free slot or a new one) without placing it; returns its slot.
  uint32_t store(const RgaElement& element);
  // Places stored slots, in order, before the element at `at` (at the end if `at` is the end);
  // returns the position of the last one.
  Position insert(Position at, std::span<const uint32_t> slots);
  uint32_t append(const RgaElement& element);  // stores and places at the end
  // Replaces the document with `elements`, in this order (an unpacked value: one pass, no search).
  void assign(const std::vector<RgaElement>& elements);
  // Records `dot` as the element's delete if it has none or a greater one; true if that changed it.
  bool mark_deleted(uint32_t slot, const Dot& dot);
  // Takes the slots' elements out of the document and frees their slots.
  void remove(std::span<const uint32_t> slots);
  size_t pool_size() const { return pool_.size(); }
  // A document that shrank holds mostly free slots: repack() gives their memory back, and renumbers
  // every slot (callers rebuild what refers to slots).
  bool wants_repack() const { return free_.size() > size_; }
  void repack();

  template <typename Visit>  // visit(slot, element), in document order
  void for_each(Visit&& visit) const {
    for (uint32_t id : order_) {
      for (const Entry& e : chunks_[id].entries) visit(e.slot, pool_[e.slot].element());
    }
  }
  template <typename Visit>  // visit(stored element), in document order, as the pool keeps them
  void for_each_stored(Visit&& visit) const {
    for (uint32_t id : order_) {
      for (const Entry& e : chunks_[id].entries) visit(pool_[e.slot]);
    }
  }
  const std::string& text() const;
  uint64_t metadata_bytes() const;
  // Asserts the chunks' bookkeeping (sizes within bounds, counts, ranks, every slot's chunk); O(n),
  // for tests.
  void check_invariants() const;

 private:
  struct Entry {
    uint32_t slot;
    char ch;
    bool visible;
  };
  struct Chunk {
    std::vector<Entry> entries;
    uint32_t visible = 0;
    uint32_t rank = 0;         // its index in order_
    mutable std::string text;  // its visible characters, while text_current
    mutable bool text_current = false;
  };
  // A chunk splits when it grows past kChunkMax entries; chunks are rebuilt kChunkTarget long.
  static constexpr size_t kChunkMax = 256;
  static constexpr size_t kChunkTarget = 128;

  const Entry& entry(Position at) const { return chunks_[order_[at.rank]].entries[at.offset]; }
  Entry make_entry(uint32_t slot) const;
  uint32_t new_chunk();  // a spare chunk id or a new one, empty; not yet in order_
  void text_changed(const Chunk& chunk) {
    chunk.text_current = false;
    text_current_ = false;
  }
  // Splits the chunk at `rank` into chunks of about kChunkTarget entries.
  void split(uint32_t rank);
  void renumber_from(uint32_t rank);  // after order_ changed at `rank`
  // Rebuilds every chunk kChunkTarget long: after removals left many small ones.
  void rechunk();
  // Files `all` (in document order) into new chunks of kChunkTarget entries after the last one.
  void append_chunks(const std::vector<Entry>& all);

  std::vector<StoredRgaElement> pool_;
  std::vector<uint32_t> free_;      // free pool slots
  std::vector<uint32_t> chunk_of_;  // pool slot -> id of the chunk holding it
  // Chunks by id: an id stays valid while chunks split and others are dropped, so chunk_of_ needs
  // updating only for the entries that move.
  std::vector<Chunk> chunks_;
  std::vector<uint32_t> spare_chunks_;  // ids of chunks not in the document
  std::vector<uint32_t> order_;         // chunk ids in document order
  size_t size_ = 0;
  size_t visible_ = 0;
  mutable std::string text_;
  mutable bool text_current_ = true;
};

}  // namespace edgesim::models

#pragma once
// The RGA document (models/crdt/rga.h): every element in document order, tombstones included,
// stored as runs and shaped for what RGA does on every op: find the element holding the n-th
// visible character, find where a given run is, insert a run after it, split a run.
//
// A run is what one insert typed: consecutive elements, each the next Lamport id of the same
// replica with the one before as its origin, sharing the insert's dot and one delete dot. The
// document stores one run where it stored one element per character, as production sequence
// CRDTs do (Yjs' items, diamond-types' spans). A delete of part of a run, or an insert inside it,
// splits it in two; elements never move between runs otherwise, so a document is element for
// element what a one-element-per-character RGA would be. Edits land inside words, so runs stay
// short (under three characters on average in the engines benchmark's text): the saving is about
// half the memory (docs/performance.md, session 15), and splitting must be cheap.
//
// Runs live in a pool (their characters in one string beside it) and stay in their slot until
// repack(), so callers (RGA's id index, its tombstone list) hold 4-byte slot numbers. The order is
// a list of chunks of up to kChunkMax entries; each entry carries its run's slot, length and
// visibility, and each chunk counts its visible characters. Finding the n-th visible character
// walks the chunks' counts and then one chunk; finding a run looks only in its own chunk; an
// insert or a split shifts one chunk.
//
// The visible text is cached, whole and per chunk: a read returns the whole text, a replica often
// serves several reads between two changes, and a change touches one chunk, so rebuilding the text
// copies the other chunks' text instead of looking at each of their runs again.
//
// Positions are valid until the next insert, split, removal or repack; marking a run deleted keeps
// them valid.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/crdt/causal_context.h"
#include "sim/core/assert.h"

namespace edgesim::models {

struct RgaId {
  uint64_t counter = 0;  // Lamport: greater than every id the inserter had seen
  ReplicaId replica = 0;
  auto operator<=>(const RgaId&) const = default;
};

// One character of the sequence, as the RGA algorithm defines it.
struct RgaElement {
  RgaId id;
  std::optional<RgaId> origin;  // nullopt: inserted at the head
  char ch = 0;
  Dot insert_dot;                 // the inserting op's global dot (stability of the insert)
  std::optional<Dot> delete_dot;  // the smallest dot of a delete that removed it
  bool operator==(const RgaElement&) const = default;
};

// Consecutive elements one insert typed (see above); never empty. `Chars` is std::string for a
// run that owns its characters (RgaRun: waiting runs, local deltas) or std::string_view for one
// read where its characters already are (RgaRunView: a received message, another value's
// document), so that merging copies characters only into the pool.
template <typename Chars>
struct BasicRgaRun {
  RgaId id;                     // the first element's
  std::optional<RgaId> origin;  // the first element's; each later element's is the one before it
  Chars chars;
  Dot insert_dot;
  std::optional<Dot> delete_dot;

  size_t size() const { return chars.size(); }
  RgaId id_at(size_t offset) const { return RgaId{id.counter + offset, id.replica}; }
  RgaId last_id() const { return id_at(size() - 1); }
  bool holds(const RgaId& other) const {
    return other.replica == id.replica && other.counter >= id.counter &&
           other.counter - id.counter < size();
  }
  RgaElement element(size_t offset) const {
    return RgaElement{id_at(offset), offset == 0 ? origin : std::optional(id_at(offset - 1)),
                      chars[offset], insert_dot, delete_dot};
  }
  // Elements [offset, offset + count) as a run of their own (0 < count, offset + count <= size).
  BasicRgaRun slice(size_t offset, size_t count) const {
    EDGESIM_ASSERT(count > 0 && offset + count <= size(), "slicing {}+{} of an RGA run of {}",
                   offset, count, size());
    return BasicRgaRun{id_at(offset), offset == 0 ? origin : std::optional(id_at(offset - 1)),
                       Chars(chars.substr(offset, count)), insert_dot, delete_dot};
  }
  // True if `next`'s first element continues this run's last one: the two could be one run.
  bool continued_by(const BasicRgaRun& next) const {
    return next.id.replica == id.replica && next.id.counter == last_id().counter + 1 &&
           next.origin == last_id() && next.insert_dot == insert_dot &&
           next.delete_dot == delete_dot;
  }
  BasicRgaRun<std::string_view> view() const {
    return {id, origin, std::string_view(chars), insert_dot, delete_dot};
  }
  BasicRgaRun<std::string> owned() const {
    return {id, origin, std::string(chars), insert_dot, delete_dot};
  }
  bool operator==(const BasicRgaRun&) const = default;
};
using RgaRun = BasicRgaRun<std::string>;
using RgaRunView = BasicRgaRun<std::string_view>;

// A run as the document's pool keeps it: RgaRun's fields without std::optional's padding, and its
// characters as a range of the document's character store, so splitting a run copies 64 bytes and
// no characters (edits inside words split runs often: the engines benchmark's text averages under
// three characters a run).
struct StoredRgaRun {
  uint64_t id_counter = 0;
  uint64_t origin_counter = 0;
  uint64_t insert_counter = 0;
  uint64_t delete_counter = 0;
  ReplicaId id_replica = 0;
  ReplicaId origin_replica = 0;
  ReplicaId insert_replica = 0;
  ReplicaId delete_replica = 0;
  uint32_t chars_at = 0;  // the first character's offset in the document's character store
  uint32_t length = 0;
  // The slot of the part split off this run's end (ids continuing this run's), or kNoPart: the
  // parts of one stored run form a chain in id order, so the id index keeps one entry per stored
  // run and a split does not shift it.
  uint32_t next_part = kNoPart;
  bool has_origin = false;
  bool deleted = false;
  static constexpr uint32_t kNoPart = UINT32_MAX;

  StoredRgaRun() = default;
  StoredRgaRun(const RgaRunView& run, uint32_t chars_at);
  size_t size() const { return length; }
  RgaId id() const { return RgaId{id_counter, id_replica}; }
  RgaId id_at(size_t offset) const { return RgaId{id_counter + offset, id_replica}; }
  uint64_t end_counter() const { return id_counter + length; }  // one past its last id's
  bool holds(uint64_t counter) const { return counter >= id_counter && counter < end_counter(); }
  std::optional<RgaId> origin() const {
    return has_origin ? std::optional<RgaId>(RgaId{origin_counter, origin_replica}) : std::nullopt;
  }
  Dot insert_dot() const { return Dot{insert_replica, insert_counter}; }
  std::optional<Dot> delete_dot() const {
    return deleted ? std::optional<Dot>(Dot{delete_replica, delete_counter}) : std::nullopt;
  }
  // True if `next`'s first element continues this run's last one: the two could be one run.
  bool continued_by(const StoredRgaRun& next) const;
};

static_assert(sizeof(StoredRgaRun) == 64, "the pool's layout has grown padding");

class RgaDocument {
 public:
  // A run's place in the document: the chunk's rank in document order and the entry's offset in
  // it. The end of the document is {chunk count, 0}.
  struct Position {
    uint32_t rank = 0;
    uint32_t offset = 0;
    bool operator==(const Position&) const = default;
  };
  // An element's place: its run's position and its offset in the run.
  struct ElementPosition {
    Position run;
    uint32_t offset = 0;
  };

  size_t size() const { return size_; }              // elements, tombstones included
  size_t runs() const { return runs_; }              // runs, tombstones included
  size_t chains() const { return runs_ - linked_; }  // runs that are no run's next part
  size_t visible() const { return visible_; }        // elements not deleted
  const StoredRgaRun& run(uint32_t slot) const { return pool_[slot]; }
  std::string_view chars(uint32_t slot) const {
    return std::string_view(chars_).substr(pool_[slot].chars_at, pool_[slot].length);
  }
  RgaRunView view(uint32_t slot) const;  // the run in `slot`, its characters in the store
  uint32_t slot_at(Position at) const { return entry(at).slot; }
  const StoredRgaRun& run_at(Position at) const { return pool_[slot_at(at)]; }
  Position begin() const { return Position{}; }
  bool at_end(Position at) const { return at.rank >= order_.size(); }
  Position next(Position at) const;
  Position next_visible(Position at) const;  // the next run after `at` that is not deleted
  // The element holding visible character `index` (index < visible()).
  ElementPosition visible_position(size_t index) const;
  Position position_of(uint32_t slot) const;  // the slot must be in the document

  // Stores a run in the pool (a free slot or a new one) without placing it; returns its slot.
  uint32_t store(const RgaRunView& run);
  // Places a stored slot before the run at `at` (at the end if `at` is the end).
  void insert(Position at, uint32_t slot);
  uint32_t append(const RgaRunView& run);  // stores and places at the end
  // Splits the run in `slot` before its element `offset` (0 < offset < its size): the elements
  // from `offset` on become a run of their own, placed right after it and next in its chain of
  // parts; returns that run's slot.
  uint32_t split(uint32_t slot, size_t offset);
  // Links the run in `slot` to the part after it (kNoPart: none): RgaIdIndex::drop() mends
  // chains around removed parts.
  void set_next_part(uint32_t slot, uint32_t next);
  // Replaces the document with `runs`, in this order (an unpacked value: one pass, no search).
  void assign(const std::vector<RgaRunView>& runs);
  // Records `dot` as the run's delete if it has none or a greater one; true if that changed it.
  bool mark_deleted(uint32_t slot, const Dot& dot);
  // Takes the slots' runs out of the document and frees their slots (the caller has taken them out
  // of chains of parts).
  void remove(std::span<const uint32_t> slots);
  size_t pool_size() const { return pool_.size(); }
  // A document that shrank holds mostly free slots and removed runs' characters: repack() gives
  // their memory back, and renumbers every slot (callers rebuild what refers to slots).
  bool wants_repack() const { return free_.size() > runs_ || chars_.size() > 2 * size_ + 4096; }
  void repack();

  template <typename Visit>  // visit(slot, stored run), in document order
  void for_each(Visit&& visit) const {
    for (uint32_t id : order_) {
      for (const Entry& e : chunks_[id].entries) visit(e.slot, pool_[e.slot]);
    }
  }
  const std::string& text() const;
  uint64_t metadata_bytes() const;
  // Asserts the chunks' bookkeeping (sizes within bounds, counts, ranks, every slot's chunk); O(n),
  // for tests.
  void check_invariants() const;

 private:
  // A run's place in a chunk, with what reading the text needs (a copy of the pool's), so that
  // rebuilding a chunk's text reads its entries in order and no pool slot.
  struct Entry {
    uint32_t slot;
    uint32_t chars_at;
    uint32_t length : 31;
    uint32_t visible : 1;
  };
  struct Chunk {
    std::vector<Entry> entries;
    uint32_t visible = 0;      // visible characters
    uint32_t rank = 0;         // its index in order_
    mutable std::string text;  // its visible characters, while text_current
    mutable bool text_current = false;
  };
  // A chunk splits when it grows past kChunkMax entries; chunks are rebuilt kChunkTarget long.
  static constexpr size_t kChunkMax = 256;
  static constexpr size_t kChunkTarget = 128;

  const Entry& entry(Position at) const { return chunks_[order_[at.rank]].entries[at.offset]; }
  Entry make_entry(uint32_t slot) const;
  static uint32_t visible_in(const Entry& e) { return e.visible ? e.length : 0; }
  uint32_t new_chunk();  // a spare chunk id or a new one, empty; not yet in order_
  void text_changed(const Chunk& chunk) {
    chunk.text_current = false;
    text_current_ = false;
  }
  // Splits the chunk at `rank` into chunks of about kChunkTarget entries if it grew past kChunkMax.
  void split_chunk_if_full(uint32_t rank);
  void renumber_from(uint32_t rank);  // after order_ changed at `rank`
  // Rebuilds every chunk kChunkTarget long: after removals left many small ones.
  void rechunk();
  // Files `all` (in document order) into new chunks of kChunkTarget entries after the last one.
  void append_chunks(const std::vector<Entry>& all);
  void count_chunk(uint32_t id);  // sets the chunk's visible count and its entries' chunk_of_
  void grow_slot_maps();          // chunk_of_ and offset_hint_ as long as the pool

  std::vector<StoredRgaRun> pool_;
  std::vector<uint32_t> free_;  // free pool slots
  // Every stored run's characters, in the order they were stored, then kCopyPad zero bytes (so a
  // short run can be copied as a fixed-size block): split runs share it, removed runs leave theirs
  // until repack().
  static constexpr size_t kCopyPad = 16;
  std::string chars_;
  size_t stored_chars() const { return chars_.empty() ? 0 : chars_.size() - kCopyPad; }
  std::vector<uint32_t> chunk_of_;  // pool slot -> id of the chunk holding it
  // Pool slot -> where in its chunk it was last seen: a hint, checked before use (inserts shift
  // entries). A run is usually looked up again right after it was placed or split (a split, then
  // a delete mark or an insert after it), and scanning its chunk for it was 5% of a text run.
  mutable std::vector<uint32_t> offset_hint_;
  // Chunks by id: an id stays valid while chunks split and others are dropped, so chunk_of_ needs
  // updating only for the entries that move.
  std::vector<Chunk> chunks_;
  std::vector<uint32_t> spare_chunks_;  // ids of chunks not in the document
  std::vector<uint32_t> order_;         // chunk ids in document order
  size_t size_ = 0;
  size_t runs_ = 0;
  size_t linked_ = 0;  // runs whose next_part is set
  size_t visible_ = 0;
  mutable std::string text_;
  mutable bool text_current_ = true;
};

}  // namespace edgesim::models

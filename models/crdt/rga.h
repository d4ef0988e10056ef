#pragma once
// RGA (Replicated Growable Array, Roh et al. 2011): a text sequence CRDT.
//
// Each character is an element with a unique id (Lamport counter, replica) and the id of the
// element it was inserted after (its origin); the document stores them as runs of what one insert
// typed (models/crdt/rga_document.h), and merges, packs and collects run by run. A remote insert is
// placed right after its origin, skipping any elements with greater ids (inserted concurrently, or
// later, after the same origin), which orders concurrent inserts identically on every replica.
// Deletes only mark elements (tombstones). A tombstone is garbage-collected once its delete is
// collectible (causal_stability.h): every replica has seen the delete and every insert concurrent
// with it, so no insert that refers to it is still travelling, and no future insert can (clients
// insert only after visible text). Incoming copies of collected elements are recognized by their
// collectible insert dots.
//
// Ops: insert (arg = {"pos", "text"}), delete (arg = {"pos", "len"}; out = the deleted text),
// read (the text). Positions are clamped to the replica's current text.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/crdt/crdt_type.h"
#include "models/crdt/rga_document.h"
#include "models/crdt/rga_id_index.h"

namespace edgesim::models {

class Rga {
 public:
  using Id = RgaId;
  using Element = RgaElement;
  using Run = RgaRun;
  using RunView = RgaRunView;

  Result apply(const Op& op, const CrdtStamp& stamp, Rga& delta);
  bool merge(const Rga& other) { return merge(other, nullptr); }
  // Merges and collects into `inflation` the elements that were new here or newly deleted, the
  // ones left pending, and the Lamport clock: what delta sync relays onward.
  bool merge(const Rga& other, Rga& inflation) { return merge(other, &inflation); }
  // merge(unpack(in)) without building the incoming document (PackedMerging in crdt_type.h): a
  // received delta's runs go straight from the wire into the merge.
  bool merge_packed(const WireObject& in);
  // [elements, pending, lamport]; elements go in runs of 9 flat fields (see rga.cc).
  // Delta grouping: appends the delta's elements (a group is a bag that merges like its parts).
  void absorb(const Rga& delta);
  void pack(Packer& out) const;
  static Rga unpack(const WireObject& in);
  Value observe() const { return text(); }
  std::string text() const;
  size_t visible_length() const { return document_.visible(); }
  uint64_t metadata_bytes() const;
  void compact(const VersionVector& stable);
  bool obsolete(const VersionVector&) const { return false; }
  bool operator==(const Rga& other) const {
    // Sizes first: compaction compares every document with an empty one each round.
    return document_.size() == other.document_.size() && lamport_ == other.lamport_ &&
           pending() == other.pending() && elements() == other.elements() &&
           pending_elements() == other.pending_elements();
  }

  size_t tombstones() const;              // deleted elements still held
  size_t pending() const;                 // elements received before their origin
  std::vector<Element> elements() const;  // in document order, tombstones included

 private:
  using Position = RgaDocument::Position;
  using Found = RgaIdIndex::Found;

  Result insert(const Value& arg, const CrdtStamp& stamp, Rga& delta);
  Result erase(const Value& arg, const CrdtStamp& stamp, Rga& delta);
  // Builds the id index and the tombstone list of a value that was built by appending (deltas,
  // delta groups and unpacked values are; most are only merged from, never indexed).
  void index_if_needed();
  // Where a run none of whose ids is here goes: after its origin (found at `origin` when the
  // caller knows where), past runs with greater ids; nullopt if the origin is not here yet. It may
  // split the origin's run to make room.
  std::optional<Position> insertion_point(const RunView& run,
                                          std::optional<Found> origin = std::nullopt);
  void place(const RunView& run, Position at);  // stores, places and indexes a run
  // Splits the run in `slot` before its element `offset` (0 < offset < its size); returns the slot
  // of the part from `offset` on (listed as a tombstone if it is one; the index finds it through
  // the run's chain of parts).
  uint32_t split(uint32_t slot, size_t offset);
  // Splits as needed so that elements [offset, offset + count) of the run in `slot` are a run of
  // their own; returns its slot.
  uint32_t isolate(uint32_t slot, size_t offset, size_t count);
  // Deletes the run in pool slot `slot` with `dot`; true if this changed it.
  bool mark_deleted(uint32_t slot, const Dot& dot);
  // Lists the run in `slot` as a tombstone: just deleted, split off a tombstone, or placed deleted.
  void list_tombstone(uint32_t slot);
  bool merge(const Rga& other, Rga* inflation);  // inflation may be null
  // Merges `incoming` (runs and waiting runs of a value whose Lamport clock is `lamport`; their
  // characters stay where they are until the merge returns).
  bool merge_runs(std::vector<RunView> incoming, uint64_t lamport, Rga* inflation);
  // Merges the incoming elements of `run` from `offset` on that this replica holds, up to the end
  // of the run holding the first of them; returns how many it looked at.
  size_t merge_known(const RunView& run, size_t offset, const Found& found, bool& changed,
                     Rga* inflation);
  std::vector<Element> pending_elements() const;
  // One copy per id, with the smallest delete dot among the copies (as integrating them would
  // keep). A state and a delta can both carry an element still waiting for its origin; without
  // this, every merge of relayed pending elements doubled them (a run with `relay: true` ran out
  // of memory).
  static std::vector<Run> unique_by_id(std::vector<Run> runs);

  RgaDocument document_;
  // The indexed document's tombstones, what compaction looks at: each run's pool slot with a copy
  // of its delete dot, so that telling which are stable reads this list alone. Looking each one
  // up in the pool missed the cache for nearly every tombstone (docs/performance.md, session 22).
  struct Tombstone {
    uint32_t slot;
    ReplicaId replica;  // of the delete dot
    uint64_t counter;
  };
  std::vector<Tombstone> tombstones_;
  uint64_t lamport_ = 0;
  std::vector<Run> pending_;  // received before their origins; all of a local op's delta
  // The last stability frontier seen by compact(): an incoming element we lack whose insert is
  // stable was collected here. Local bookkeeping, not part of the replicated state.
  VersionVector stable_;
  // How many of tombstones_ (from the front) are known not to be stable under stable_: those the
  // last compact() kept. Tombstones are appended between compactions, so while the frontier holds
  // only the rest need looking at; reset when a listed tombstone's delete dot changes or the list
  // is rebuilt.
  size_t unstable_tombstones_ = 0;
  RgaIdIndex known_;
};

}  // namespace edgesim::models

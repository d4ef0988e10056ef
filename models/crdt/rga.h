#pragma once
// RGA (Replicated Growable Array, Roh et al. 2011): a text sequence CRDT.
//
// Each character is an element with a unique id (Lamport counter, replica) and the id of the
// element it was inserted after (its origin). A remote insert is placed right after its origin,
// skipping any elements with greater ids (inserted concurrently, or later, after the same origin),
// which orders concurrent inserts identically on every replica. Deletes only mark elements
// (tombstones). A tombstone is garbage-collected once its delete is collectible (crdt_replica.h):
// every replica has seen the delete and every insert concurrent with it, so no insert that refers
// to it is still travelling, and no future insert can (clients insert only after visible text).
// Incoming copies of collected elements are recognized by their collectible insert dots.
//
// Ops: insert (arg = {"pos", "text"}), delete (arg = {"pos", "len"}; out = the deleted text),
// read (the text). Positions are clamped to the replica's current text.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/container/flat_map.hpp>

#include "models/crdt/crdt_type.h"
#include "models/crdt/rga_document.h"

namespace edgesim::models {

class Rga {
 public:
  using Id = RgaId;
  using Element = RgaElement;

  Result apply(const Op& op, const CrdtStamp& stamp, Rga& delta);
  bool merge(const Rga& other) { return merge(other, nullptr); }
  // Merges and collects into `inflation` the elements that were new here or newly deleted, the
  // ones left pending, and the Lamport clock: what delta sync relays onward.
  bool merge(const Rga& other, Rga& inflation) { return merge(other, &inflation); }
  // merge(unpack(in)) without building the incoming document (PackedMerging in crdt_type.h): a
  // received delta's elements go straight from the wire into the merge.
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
    return document_.size() == other.document_.size() && pending_ == other.pending_ &&
           lamport_ == other.lamport_ && elements() == other.elements();
  }

  size_t tombstones() const;
  size_t pending() const { return pending_.size(); }
  std::vector<Element> elements() const;  // in document order, tombstones included

 private:
  using Position = RgaDocument::Position;

  Result insert(const Value& arg, const CrdtStamp& stamp, Rga& delta);
  Result erase(const Value& arg, const CrdtStamp& stamp, Rga& delta);
  // Builds the id index and the tombstone list of a value that was built by appending (deltas,
  // delta groups and unpacked values are; most are only merged from, never indexed).
  void index_if_needed();
  std::optional<Position> find(const Id& id) const;
  // Places a new element after its origin (at `origin_position` when the caller knows it); returns
  // where it went, or nullopt if the origin is not here yet.
  std::optional<Position> integrate(const Element& element,
                                    std::optional<Position> origin_position = std::nullopt);
  // After incoming[first - 1] was just integrated at `placed`: places the rest of its run (the
  // following elements that continue it and are not here yet) right after it in one insert;
  // returns how many it placed.
  size_t integrate_run_after(const std::vector<Element>& incoming, size_t first, Position placed);
  // Deletes the element in pool slot `slot` with `dot`; true if this changed the element.
  bool mark_deleted(uint32_t slot, const Dot& dot);
  bool merge(const Rga& other, Rga* inflation);  // inflation may be null
  // Merges `incoming` (elements and waiting elements of a value whose Lamport clock is `lamport`).
  bool merge_elements(std::vector<Element> incoming, uint64_t lamport, Rga* inflation);
  // One copy per id, with the smallest delete dot among the copies (as integrating them would
  // keep). A state and a delta can both carry an element still waiting for its origin; without
  // this, every merge of relayed pending elements doubled them (a run with `relay: true` ran out
  // of memory).
  static std::vector<Element> unique_by_id(std::vector<Element> elements);

  RgaDocument document_;
  // Pool slots of the indexed document's tombstones: what compaction looks at.
  std::vector<uint32_t> tombstones_;
  uint64_t lamport_ = 0;
  std::vector<Element> pending_;  // received before their origin; all of a local op's delta
  // The last stability frontier seen by compact(): an incoming element we lack whose insert is
  // stable was collected here. Local bookkeeping, not part of the replicated state.
  VersionVector stable_;
  // How many of tombstones_ (from the front) are known not to be stable under stable_: those the
  // last compact() kept. Tombstones are appended between compactions, so while the frontier holds
  // only the rest need looking at; reset when a listed tombstone's delete dot changes or the list
  // is rebuilt.
  size_t unstable_tombstones_ = 0;
  // Every element's id -> its pool slot, so merging a state (mostly elements we hold already)
  // looks each one up in O(log n) and searches for its position only when its delete dot is news.
  // One sorted vector per inserting replica, of trivially copyable entries (no node allocation per
  // element, as a std::map had: a fifth of integrating one): a replica's ids grow in the order it
  // typed them and mostly arrive in that order, so an insert lands at the end of its replica's
  // vector. In one vector for all replicas, a received run's ids landed among the others' and the
  // shifts were 18% of a run with one shared document.
  class IdIndex {
   public:
    const uint32_t* find(const Id& id) const;  // the pool slot, or null
    void insert(const Id& id, uint32_t slot);
    // The smallest counter at or after id.counter indexed for id.replica (UINT64_MAX if none).
    uint64_t first_known_from(const Id& id) const;
    // Indexes ids first, first + 1, ... (none indexed yet) at `slots`, in one insert.
    void insert_run(const Id& first, std::span<const uint32_t> slots);
    void assign(const std::vector<std::pair<Id, uint32_t>>& entries);  // any order, unique ids
    template <typename Gone>
    void erase_if(Gone&& gone) {  // gone(pool slot)
      size_ = 0;
      for (auto& [replica, entries] : by_replica_) {
        std::erase_if(entries, [&](const Entry& entry) { return gone(entry.slot); });
        size_ += entries.size();
      }
    }
    size_t size() const { return size_; }
    void clear() {
      by_replica_.clear();
      size_ = 0;
    }

   private:
    struct Entry {
      uint64_t counter;
      uint32_t slot;
    };
    boost::container::flat_map<ReplicaId, std::vector<Entry>> by_replica_;  // entries by counter
    size_t size_ = 0;
    // Where find() last found an id: a hint only, checked before use (inserts move entries).
    struct Found {
      ReplicaId replica = 0;
      size_t index = 0;
    };
    mutable Found last_found_;
  };
  IdIndex known_;
};

}  // namespace edgesim::models

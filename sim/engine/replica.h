#pragma once
// The contract between the harness and a reconciliation engine (see DESIGN.md, "Engines").
// A Replica is one engine instance's state on one node. It acts only through NodeContext: it never
// knows it is simulated, and every fault reaches it as a lost message, a skewed clock or a crash.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/key_order.h"
#include "sim/core/prng.h"
#include "sim/core/time.h"
#include "sim/engine/value.h"

namespace edgesim {

using NodeId = uint32_t;

// The only state that survives a crash: a key -> bytes map, written synchronously (a write that
// returned is on disk). Iteration is in key order (byte order).
class DurableStore {
 public:
  // Compared inline (KeyLess): through std::less, each comparison was a memcmp call (7% of an LWW
  // run's time while it kept a record per key). A tree, not a sorted vector: an engine may hold
  // many records and add and drop them all the time.
  using Entries = std::map<std::string, std::string, KeyLess>;

  void put(const std::string& key, std::string bytes);
  // Appends to the value under `key` (created if absent): one write, like appending a record to a
  // log file, however long the value has grown.
  void append(const std::string& key, std::string_view bytes);
  std::optional<std::string> get(const std::string& key) const;
  void erase(const std::string& key);
  const Entries& entries() const { return entries_; }
  uint64_t writes() const { return writes_; }
  uint64_t bytes() const;

  DurableStore() = default;
  // A copy or a move forgets the recently written entries (recent_): an iterator belongs to the
  // map object it came from.
  DurableStore(const DurableStore& other) : entries_(other.entries_), writes_(other.writes_) {}
  DurableStore(DurableStore&& other) noexcept
      : entries_(std::move(other.entries_)), writes_(other.writes_) {
    other.forget_recent();
  }
  DurableStore& operator=(DurableStore other) noexcept {
    entries_.swap(other.entries_);
    writes_ = other.writes_;
    forget_recent();
    return *this;
  }

 private:
  // The value under `key`, created empty if absent.
  std::string& value_of(const std::string& key);
  void forget_recent() { recent_.fill(entries_.end()); }

  Entries entries_;
  uint64_t writes_ = 0;
  // The entries written most recently, replaced in turn: engines write the same few records again
  // and again (a log appended to per write), and the search for one compared long common prefixes
  // ("hybrid/...") at every level. More than one: the hybrid appends to its outbox and to its
  // CRDT layer's log for each write, and with one entry remembered each search missed.
  std::array<Entries::iterator, 4> recent_ = {entries_.end(), entries_.end(), entries_.end(),
                                              entries_.end()};
  size_t next_recent_ = 0;  // the slot of recent_ to replace next
};

// What a replica may touch, from inside its callbacks only. A call against the rules below (a
// send to a node that does not exist, a negative timer, an answer to an op not waiting for one,
// anything from on_crash) ends the run with an EngineError (sim/engine/engine_error.h), as does
// an exception thrown out of any Replica method.
class NodeContext {
 public:
  virtual ~NodeContext() = default;
  virtual NodeId self() const = 0;
  // Every node hosting this service, self included, in id order.
  virtual const std::vector<NodeId>& peers() const = 0;
  virtual Instant now() const = 0;        // wall clock: offset, drift and steps
  virtual Instant monotonic() const = 0;  // drift only, never steps
  virtual Prng& prng() = 0;               // this replica's own stream
  // To the same service on `to`; may be delayed, lost, duplicated or reordered.
  virtual void send(NodeId to, std::string payload) = 0;
  // send() to every other node in peers(), in that order. The harness holds one copy of the
  // payload for all of them rather than one per message: engines that push the same bytes to
  // every peer should use it.
  virtual void send_to_peers(std::string payload) {
    for (NodeId peer : peers()) {
      if (peer != self()) send(peer, payload);
    }
  }
  virtual TimerId start_timer(Duration after) = 0;  // on the monotonic clock
  virtual void cancel_timer(TimerId timer) = 0;
  virtual void complete(OpId op, Result result) = 0;  // answers a client op, at most once
  virtual DurableStore& durable() = 0;
};

class Replica {
 public:
  virtual ~Replica() = default;
  virtual void on_start(NodeContext& context) = 0;  // first boot and every restart
  virtual void on_op(NodeContext& context, const Op& op) = 0;
  // `payload` stays valid until this returns, whatever the replica sends meanwhile.
  virtual void on_message(NodeContext& context, NodeId from, std::string_view payload) = 0;
  virtual void on_timer(NodeContext& context, TimerId timer) = 0;
  virtual void on_crash() = 0;  // drop volatile state; the next call is on_start
  // Canonical value of the replica's data; equal values <=> converged.
  virtual Value observe() const = 0;
  // Optional: a number that moves whenever observe() may return something new (a count of state
  // changes, never reset, not even by a crash), so the harness can skip re-observing an unchanged
  // replica. nullopt, the default, means "unknown: observe every time".
  virtual std::optional<uint64_t> observe_version() const { return std::nullopt; }
  // Optional: a digest of observe() that the replica keeps up to date more cheaply than observing
  // (for a large state, by re-observing only what changed). Equal observations must give equal
  // digests, on every replica of the engine; different ones give different digests with high
  // probability. The convergence probe uses digests to tell that replicas differ without observing
  // them, and still compares observe() before it calls them equal. nullopt, the default: none.
  virtual std::optional<uint64_t> observe_digest() const { return std::nullopt; }
  // Bytes of replication metadata held (timestamps, version vectors, ...), for metrics.
  virtual uint64_t metadata_bytes() const { return 0; }
  // Engine-specific counters (e.g. {"rejected_writes": 3}); numeric fields are summed over
  // replicas into the run's metrics under "engine".
  virtual Value stats() const { return Value::object(); }
};

}  // namespace edgesim

#pragma once
// LwwMap: a last-writer-wins replicated map (the "optimistic local-first" pattern).
//
// Every write is applied locally at once and stamped (timestamp, node id); a replica keeps, per
// key, the entry with the greatest stamp. Stamps come from the node's wall clock (`wall`: skew and
// backward steps silently lose writes), a hybrid logical clock (`hlc`) or a Lamport clock
// (`lamport`). Writes are pushed to every peer (`push: true`): at once, or, with a `push_interval`,
// coalesced per key and pushed in one message per peer at the end of each interval (fewer, larger
// messages for a later arrival: the cost/latency trade the interval sets). Lost pushes are
// repaired by periodic, digest-gated anti-entropy: every `sync_interval` a replica sends its
// digest to `fanout` random peers; a peer with a different digest answers with its entries, and
// the first side answers back with the entries where it is newer, so one exchange repairs both
// directions.
//
// Every applied entry is written through to the durable store, so a restarted replica serves what
// it acknowledged; its clock resumes past the greatest stored stamp, so it never reuses a stamp.
// Entries are appended to a log, as to a log file, and the whole map is snapshotted (and the log
// truncated) once the log holds twice as many records as there are keys: a record per key,
// rewritten in place, cost a lookup among all keys for every write every replica applied (8% of a
// run).

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>

#include "models/key_btree.h"
#include "models/key_lookup_cache.h"
#include "models/wire/msgpack_wire.h"
#include "sim/clock/hlc.h"
#include "sim/core/key_order.h"
#include "sim/engine/observed_digest.h"
#include "sim/engine/registry.h"

namespace edgesim::models {

enum class LwwClock { kWall, kHlc, kLamport };

struct LwwOptions {
  LwwClock clock = LwwClock::kHlc;      // timestamps: wall | hlc | lamport; default hlc
  Duration sync_interval{500'000'000};  // anti-entropy period; default 500ms
  bool push = true;                     // push each write to all peers; default true
  uint32_t fanout = 1;                  // peers per anti-entropy round; default 1
  Duration push_interval{0};            // 0: push each write at once; else coalesce for this long
};

// A write's stamp; greater wins. Ordered by (time, logical, node).
struct LwwStamp {
  int64_t time = 0;
  uint32_t logical = 0;
  uint32_t node = 0;
  auto operator<=>(const LwwStamp&) const = default;
};

class LwwMapReplica final : public Replica {
 public:
  // `reader` parses received messages; the engine shares one among its replicas (WireReader).
  LwwMapReplica(const LwwOptions& options, std::shared_ptr<WireReader> reader)
      : options_(options), reader_(std::move(reader)) {}

  void on_start(NodeContext& context) override;
  void on_op(NodeContext& context, const Op& op) override;
  void on_message(NodeContext& context, NodeId from, std::string_view payload) override;
  void on_timer(NodeContext& context, TimerId timer) override;
  void on_crash() override;
  Value observe() const override;
  std::optional<uint64_t> observe_version() const override { return version_; }
  std::optional<uint64_t> observe_digest() const override;
  uint64_t metadata_bytes() const override;

 private:
  struct Entry {
    Value value;
    LwwStamp stamp;
  };
  LwwStamp next_stamp(NodeContext& context);
  void witness(NodeContext& context, const LwwStamp& stamp);
  // A replica looks up a key for every write it applies (each write reaches every replica).
  using Entries = KeyBTree<Entry>;   // see key_btree.h
  using Item = Entries::value_type;  // an entries_ element
  // Applies (and stores) an entry if its stamp is newer; returns the key's entry either way.
  // `record`, if not empty, is the entry already packed as a log record (see store_applied).
  const Item& merge(NodeContext& context, std::string_view key, Entry&& entry,
                    std::string_view record = {});
  // The key's entry, or nullptr.
  const Item* find(const std::string& key);
  // Counts, publishes and stores an entry merge() changed or added.
  const Item& applied(NodeContext& context, const Item& item, std::string_view record);
  // Rebuilds entries_ from the durable snapshot and log; returns the greatest stamp among them.
  LwwStamp recover(const DurableStore& store);
  // Makes an applied entry durable: appends it to the log (`record`, if not empty, is its record
  // already packed), or snapshots when the log is long.
  void store_applied(DurableStore& store, const Item& item, std::string_view record);
  uint64_t digest() const;
  // Sends our entries (only those newer than `newer_than`'s, if given; then nothing if none are).
  void send_state(NodeContext& context, NodeId to, bool reply,
                  const std::map<std::string, LwwStamp, KeyLess>* newer_than) const;
  // Pushes `items` to every peer in one message.
  void push(NodeContext& context, std::span<const Item* const> items) const;

  LwwOptions options_;
  Entries entries_;
  KeyLookupCache<Entries> lookups_;  // where entries_ keeps recently merged keys
  Hlc hlc_;
  Lamport lamport_;
  TimerId sync_timer_ = 0;
  TimerId push_timer_ = 0;          // armed while pushes are coalescing
  std::set<std::string> unpushed_;  // keys written locally since the last push (push_interval > 0)
  uint64_t version_ = 0;            // changes to entries_ (observe_version)
  uint64_t log_records_ = 0;        // records in the durable log (since the last snapshot)
  WireBuffer record_;  // a log record being packed (kept: one allocation, not one per record)
  mutable ObservedDigest observed_;  // observe_digest()'s bookkeeping: told of every change
  std::shared_ptr<WireReader> reader_;
};

std::unique_ptr<Engine> make_lww_engine(const EngineParams& params);
EngineInfo lww_engine_info();

}  // namespace edgesim::models

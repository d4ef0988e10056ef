#pragma once
// CrdtJournal<T>: the durable side of a CrdtReplica (crdt_replica.h).
//
// Each local op's delta is appended to a write-ahead log before it is acknowledged; a snapshot
// writes the whole state with its version vector and clock, then truncates the log. Restart =
// snapshot + log replay. A snapshot is due once the log holds `snapshot_every` records and (as
// with Redis's auto-aof-rewrite-percentage) `snapshot_log_percent`% of the last snapshot's bytes:
// rewriting a large state (documents) after every few small deltas cost a quarter of an RGA run,
// and this way snapshot bytes written stay proportional to log bytes written. (Per-key snapshot
// records, rewriting only the keys that changed, were measured slower on the engines benchmark:
// with every replica merging everyone's ops, nearly every key changes between snapshots, and a
// record per small value costs more than one record.)
//
// The log is one durable value that records are appended to, as to a log file: a key per record
// ("wal/<counter>", earlier) cost a map node, a 24-byte key and a long-prefix key comparison per
// op, and a snapshot had to erase them one by one: 5-8% of a counter or LWW-map run.
//
// Records: "snapshot" = [state, version vector, hlc wall, hlc logical];
// "wal" = MessagePack records back to back, each [delta, counter, hlc wall, hlc logical] for a
// local op or [message, index] for a remote merge (the received message's bytes as a string, and
// the index of the merged keyed CRDT in it).

#include <string>

#include "models/crdt/keyed_crdt.h"
#include "sim/engine/replica.h"

namespace edgesim::models {

void pack_hlc(Packer& out, const HlcTimestamp& hlc);  // two fields: wall, logical
HlcTimestamp unpack_hlc(const WireObject& array, uint32_t at);

template <CrdtType T>
class CrdtJournal {
 public:
  CrdtJournal(uint32_t snapshot_every, uint32_t snapshot_log_percent)
      : snapshot_every_(snapshot_every), snapshot_log_percent_(snapshot_log_percent) {}

  // A remote merge that changed the state is logged too, so that a restarted replica shows at least
  // what it showed before its crash: as the bytes of the message that carried it, with the index of
  // the merged keyed CRDT in it (copying bytes costs little; packing what merged again was 15% of a
  // crdt.pn_counter run). It does not count toward the next snapshot: merges are snapshotted every
  // few sync rounds anyway (CrdtReplica::on_timer), which bounds the log they fill. Until then
  // they count as unsnapshotted: the replica's version vector after a restart does not cover them.
  void log_remote_merge(DurableStore& store, std::string_view message, uint32_t merged_at) {
    unsnapshotted_merges_ = true;
    const std::string_view record = wire_encode_into(record_, [&](Packer& out) {
      out.pack_array(2);
      pack_string(out, message);
      out.pack_uint32(merged_at);
    });
    store.append(kLogKey, record);
  }
  bool has_unsnapshotted_merges() const { return unsnapshotted_merges_; }

  // Logs a local op's delta to the value of `key`; true when a snapshot is due.
  bool log(DurableStore& store, std::string_view key, const T& delta, const CrdtStamp& stamp) {
    const std::string_view record = wire_encode_into(record_, [&](Packer& out) {
      out.pack_array(4);
      out.pack_map(1);  // a keyed CRDT of one key (KeyedCrdt::pack)
      pack_string(out, key);
      delta.pack(out);
      out.pack_uint64(stamp.counter);
      pack_hlc(out, stamp.hlc);
    });
    log_bytes_ += record.size();
    store.append(kLogKey, record);
    return ++log_records_ >= snapshot_every_ &&
           log_bytes_ * 100 >= snapshot_bytes_ * snapshot_log_percent_;
  }

  void snapshot(DurableStore& store, const KeyedCrdt<T>& state, const VersionVector& vv,
                const HlcTimestamp& hlc) {
    std::string snapshot = wire_encode([&](Packer& out) {
      out.pack_array(4);
      state.pack(out);
      vv.pack(out);
      pack_hlc(out, hlc);
    });
    snapshot_bytes_ = snapshot.size();
    store.put(kSnapshotKey, std::move(snapshot));
    if (log_records_ > 0) store.erase(kLogKey);
    log_records_ = 0;
    log_bytes_ = 0;
    unsnapshotted_merges_ = false;
  }

  // Rebuilds what was durable into the (empty) state, vector and clock.
  void recover(const DurableStore& store, ReplicaId self, KeyedCrdt<T>& state, VersionVector& vv,
               Hlc& hlc) {
    log_records_ = 0;
    log_bytes_ = 0;
    unsnapshotted_merges_ = false;
    if (auto snapshot = store.get(kSnapshotKey)) {
      snapshot_bytes_ = snapshot->size();
      const WireMessage parsed(*snapshot);
      state = KeyedCrdt<T>::unpack(wire_at(parsed.root(), 0));
      vv = VersionVector::unpack(wire_at(parsed.root(), 1));
      hlc.restore(unpack_hlc(parsed.root(), 2));
    }
    const auto log = store.entries().find(kLogKey);
    if (log == store.entries().end()) return;
    log_bytes_ = log->second.size();
    for_each_wire_record(log->second, [&](const WireObject& record) {
      if (wire_size(record) == 2) {  // a remote merge: [message, index of what merged]
        const WireMessage message(wire_str(wire_at(record, 0)));
        state.join(KeyedCrdt<T>::unpack(wire_at(message.root(), wire_u64(wire_at(record, 1)))));
        return;
      }
      state.join(KeyedCrdt<T>::unpack(wire_at(record, 0)));
      const uint64_t counter = wire_u64(wire_at(record, 1));
      if (counter > vv.get(self)) vv.set(self, counter);
      hlc.update(Instant{0}, unpack_hlc(record, 2));
      ++log_records_;
    });
  }

 private:
  inline static const std::string kSnapshotKey = "snapshot";
  inline static const std::string kLogKey = "wal";

  uint32_t snapshot_every_;
  uint32_t snapshot_log_percent_;
  uint32_t log_records_ = 0;           // log records since the last snapshot
  uint64_t log_bytes_ = 0;             // and their bytes
  uint64_t snapshot_bytes_ = 0;        // the last snapshot's bytes
  bool unsnapshotted_merges_ = false;  // remote merges since the last snapshot
  WireBuffer record_;  // a log record being packed (kept: one allocation, not one per op)
};

}  // namespace edgesim::models

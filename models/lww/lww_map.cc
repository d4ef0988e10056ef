#include "models/lww/lww_map.h"

#include "models/wire/msgpack_wire.h"
#include "sim/core/assert.h"
#include "sim/core/trace_hash.h"

namespace edgesim::models {
namespace {

// Messages are MessagePack arrays: [kDigest, digest] | [kPush or kState, reply, entries], where
// entries is flat (key, value, time, logical, node) quintuples. Durable records: "snapshot", every
// entry as such flat quintuples; "log", the entries applied since, appended one after another as
// [key, value, time, logical, node] records.
enum class LwwMessage : uint8_t { kDigest, kPush, kState };
constexpr uint32_t kEntryFields = 5;
const std::string kSnapshotKey = "snapshot";
const std::string kLogKey = "log";
// Log records allowed beyond twice the number of keys before a snapshot: a small map is not
// rewritten every few writes.
constexpr uint64_t kLogSlack = 64;

[[gnu::flatten]] void pack_stamp(Packer& out, const LwwStamp& stamp) {
  out.pack_int64(stamp.time);
  out.pack_uint32(stamp.logical);
  out.pack_uint32(stamp.node);
}

LwwStamp unpack_stamp(const WireObject& array, uint32_t at) {
  return LwwStamp{wire_i64(wire_at(array, at)),
                  static_cast<uint32_t>(wire_u64(wire_at(array, at + 1))),
                  static_cast<uint32_t>(wire_u64(wire_at(array, at + 2)))};
}

void pack_entry(Packer& out, const std::string& key, const Value& value, const LwwStamp& stamp) {
  pack_string(out, key);
  pack_value(out, value);
  pack_stamp(out, stamp);
}

// The entry of a push or state message that carries one, as a log record. Such a message packs as
// 0x93 (an array of 3), the type (a positive fixint, one byte), the flag (one byte), then the
// entries as an array of 5 fields (0x95): exactly the record store_applied() would pack for the
// entry once merged, since what a replica stores is what it received. Each write reaches every
// replica in a push of its own, so this spares packing it again at each.
std::string_view only_entry_record(std::string_view payload) {
  if (payload.size() <= 4 || static_cast<uint8_t>(payload[0]) != 0x93 ||
      static_cast<uint8_t>(payload[3]) != 0x90 + kEntryFields) [[unlikely]]
    wire_mismatch("an lww message of one entry laid out as lww packs it");
  return payload.substr(3);
}

// A push message of `count` entries, which pack_entries(out) packs.
template <typename PackEntries>
std::string encode_push(uint32_t count, PackEntries&& pack_entries) {
  return wire_encode([&](Packer& out) {
    out.pack_array(3);
    out.pack_uint8(static_cast<uint8_t>(LwwMessage::kPush));
    out.pack_false();
    out.pack_array(count * kEntryFields);
    pack_entries(out);
  });
}

}  // namespace

void LwwMapReplica::on_start(NodeContext& context) {
  ++version_;
  observed_.all_changed();
  // The clock resumes from the greatest stored stamp, which is at least every stamp this replica
  // issued (each was stored with its write, and only a greater stamp replaces it).
  const LwwStamp greatest = recover(context.durable());
  hlc_.restore(HlcTimestamp{greatest.time, greatest.logical});
  lamport_.restore(static_cast<uint64_t>(greatest.time));
  sync_timer_ = context.start_timer(options_.sync_interval);
}

LwwStamp LwwMapReplica::recover(const DurableStore& store) {
  entries_.clear();
  log_records_ = 0;
  LwwStamp greatest;
  lookups_.forget_all();
  // Later records of a key replace earlier ones only with a greater stamp, as merge() does.
  const auto restore = [&](const WireObject& items, uint32_t at) {
    Entry entry{unpack_value(wire_at(items, at + 1)), unpack_stamp(items, at + 2)};
    greatest = std::max(greatest, entry.stamp);
    auto [it, inserted] = entries_.try_emplace(std::string(wire_str(wire_at(items, at))));
    if (inserted || it->second.stamp < entry.stamp) it->second = std::move(entry);
  };
  if (const auto snapshot = store.get(kSnapshotKey)) {
    const WireMessage parsed(*snapshot);
    const uint32_t size = wire_tuples_size(parsed.root(), kEntryFields);
    for (uint32_t at = 0; at < size; at += kEntryFields) restore(parsed.root(), at);
  }
  if (const auto log = store.get(kLogKey)) {
    for_each_wire_record(*log, [&](const WireObject& record) {
      EDGESIM_ASSERT(wire_tuples_size(record, kEntryFields) == kEntryFields,
                     "an lww log record is one entry");
      restore(record, 0);
      ++log_records_;
    });
  }
  return greatest;
}

void LwwMapReplica::store_applied(DurableStore& store, const Item& item, std::string_view record) {
  if (++log_records_ <= 2 * entries_.size() + kLogSlack) {
    if (record.empty()) {
      record = wire_encode_into(record_, [&](Packer& out) {
        out.pack_array(kEntryFields);
        pack_entry(out, item.first, item.second.value, item.second.stamp);
      });
    }
    store.append(kLogKey, record);
    return;
  }
  store.put(kSnapshotKey, wire_encode([&](Packer& out) {
              out.pack_array(static_cast<uint32_t>(entries_.size() * kEntryFields));
              for (const auto& [key, entry] : entries_)
                pack_entry(out, key, entry.value, entry.stamp);
            }));
  store.erase(kLogKey);
  log_records_ = 0;
}

LwwStamp LwwMapReplica::next_stamp(NodeContext& context) {
  switch (options_.clock) {
    case LwwClock::kWall:
      return LwwStamp{context.now().ns, 0, context.self()};
    case LwwClock::kHlc: {
      const HlcTimestamp ts = hlc_.now(context.now());
      return LwwStamp{ts.wall_ns, ts.logical, context.self()};
    }
    case LwwClock::kLamport:
      return LwwStamp{static_cast<int64_t>(lamport_.tick()), 0, context.self()};
  }
  return {};
}

void LwwMapReplica::witness(NodeContext& context, const LwwStamp& stamp) {
  if (options_.clock == LwwClock::kHlc)
    hlc_.update(context.now(), HlcTimestamp{stamp.time, stamp.logical});
  if (options_.clock == LwwClock::kLamport) lamport_.update(static_cast<uint64_t>(stamp.time));
}

const LwwMapReplica::Item& LwwMapReplica::merge(NodeContext& context, std::string_view key,
                                                Entry&& entry, std::string_view record) {
  const uint64_t hash = hash_key(key);
  Item* item = lookups_.find(key, hash);
  if (item == nullptr) {
    // try_emplace moves from `entry` only if it inserts.
    const auto [it, inserted] = entries_.try_emplace(std::string(key), std::move(entry));
    if (inserted) lookups_.forget_all();
    lookups_.remember(hash, *it);
    if (inserted) return applied(context, *it, record);
    item = &*it;
  }
  if (!(item->second.stamp < entry.stamp)) return *item;
  // Swapped: assigning a Value moves it into a temporary and destroys that too.
  item->second.value.swap(entry.value);
  item->second.stamp = entry.stamp;
  return applied(context, *item, record);
}

const LwwMapReplica::Item* LwwMapReplica::find(const std::string& key) {
  return lookups_.lookup(entries_, key);
}

const LwwMapReplica::Item& LwwMapReplica::applied(NodeContext& context, const Item& item,
                                                  std::string_view record) {
  ++version_;
  observed_.changed(item.first, entries_.size());
  store_applied(context.durable(), item, record);
  return item;
}

void LwwMapReplica::on_op(NodeContext& context, const Op& op) {
  if (op.is("read")) {
    const Item* item = find(op.key);
    context.complete(op.id, Result::success(item == nullptr ? Value(nullptr) : item->second.value));
    return;
  }
  if (!op.is("write")) {
    context.complete(op.id, Result::failure("lww supports read and write, not " + op.f));
    return;
  }
  const LwwStamp stamp = next_stamp(context);
  if (!options_.push || options_.push_interval.ns > 0) {
    merge(context, op.key, Entry{op.arg, stamp});
    if (options_.push) {
      unpushed_.insert(op.key);
      if (push_timer_ == 0) push_timer_ = context.start_timer(options_.push_interval);
    }
    context.complete(op.id, Result::success());
    return;
  }
  // The push is packed first: its entry is the write's log record too (only_entry_record).
  std::string message =
      encode_push(1, [&](Packer& out) { pack_entry(out, op.key, op.arg, stamp); });
  const Item& stored = merge(context, op.key, Entry{op.arg, stamp}, only_entry_record(message));
  if (stored.second.stamp == stamp) {
    context.send_to_peers(std::move(message));
  } else {
    const Item* winner = &stored;  // a newer write is there already (wall-clock stamps): push it
    push(context, {&winner, 1});
  }
  context.complete(op.id, Result::success());
}

void LwwMapReplica::push(NodeContext& context, std::span<const Item* const> items) const {
  context.send_to_peers(encode_push(static_cast<uint32_t>(items.size()), [&](Packer& out) {
    for (const Item* item : items) {
      pack_entry(out, item->first, item->second.value, item->second.stamp);
    }
  }));
}

void LwwMapReplica::send_state(NodeContext& context, NodeId to, bool reply,
                               const std::map<std::string, LwwStamp, KeyLess>* newer_than) const {
  std::vector<const Item*> chosen;
  for (const auto& item : entries_) {
    if (newer_than != nullptr) {
      auto theirs = newer_than->find(item.first);
      if (theirs != newer_than->end() && !(theirs->second < item.second.stamp)) continue;
    }
    chosen.push_back(&item);
  }
  if (newer_than != nullptr && chosen.empty()) return;
  context.send(to, wire_encode([&](Packer& out) {
                 out.pack_array(3);
                 out.pack_uint8(static_cast<uint8_t>(LwwMessage::kState));
                 out.pack(reply);
                 out.pack_array(static_cast<uint32_t>(chosen.size() * kEntryFields));
                 for (const auto* item : chosen)
                   pack_entry(out, item->first, item->second.value, item->second.stamp);
               }));
}

uint64_t LwwMapReplica::digest() const {
  TraceHash hash;
  for (const auto& [key, entry] : entries_) {
    hash.mix(TraceHash::digest(key));
    hash.mix(static_cast<uint64_t>(entry.stamp.time));
    hash.mix((uint64_t{entry.stamp.logical} << 32) | entry.stamp.node);
  }
  return hash.value();
}

void LwwMapReplica::on_message(NodeContext& context, NodeId from, std::string_view payload) {
  const WireMessage parsed(payload, *reader_);
  const WireObject& message = parsed.root();
  const auto type = static_cast<LwwMessage>(wire_u64(wire_at(message, 0)));
  if (type == LwwMessage::kDigest) {
    if (wire_u64(wire_at(message, 1)) != digest())
      send_state(context, from, /*reply=*/true, nullptr);
    return;
  }
  EDGESIM_ASSERT(type == LwwMessage::kPush || type == LwwMessage::kState, "unknown lww message {}",
                 int(type));
  const bool reply = wire_bool(wire_at(message, 1));
  const WireObject& items = wire_at(message, 2);
  std::map<std::string, LwwStamp, KeyLess> theirs;
  const uint32_t items_size = wire_tuples_size(items, kEntryFields);
  const std::string_view record =
      items_size == kEntryFields ? only_entry_record(payload) : std::string_view{};
  for (uint32_t at = 0; at < items_size; at += kEntryFields) {
    const std::string_view key = wire_str(wire_at(items, at));
    Entry entry{unpack_value(wire_at(items, at + 1)), unpack_stamp(items, at + 2)};
    witness(context, entry.stamp);
    if (reply) theirs[std::string(key)] = entry.stamp;
    merge(context, key, std::move(entry), record);
  }
  if (reply) send_state(context, from, /*reply=*/false, &theirs);
}

void LwwMapReplica::on_timer(NodeContext& context, TimerId timer) {
  if (timer == push_timer_) {
    push_timer_ = 0;
    // The entries as they are now: a key written twice in the interval is pushed once, newest.
    std::vector<const Item*> items;
    items.reserve(unpushed_.size());
    for (const std::string& key : unpushed_) items.push_back(find(key));
    push(context, items);
    unpushed_.clear();
    return;
  }
  if (timer != sync_timer_) return;
  const std::vector<NodeId>& peers = context.peers();
  if (peers.size() > 1) {
    const std::string message = wire_encode([&](Packer& out) {
      out.pack_array(2);
      out.pack_uint8(static_cast<uint8_t>(LwwMessage::kDigest));
      out.pack_uint64(digest());
    });
    for (uint32_t i = 0; i < options_.fanout; ++i) {
      NodeId peer = peers[context.prng().uniform(peers.size())];
      if (peer == context.self()) continue;
      context.send(peer, message);
    }
  }
  sync_timer_ = context.start_timer(options_.sync_interval);
}

void LwwMapReplica::on_crash() {
  entries_.clear();
  lookups_.forget_all();
  hlc_ = Hlc{};
  lamport_ = Lamport{};
  sync_timer_ = 0;
  push_timer_ = 0;
  unpushed_.clear();  // never pushed: anti-entropy repairs peers from the durable entries
  ++version_;
  observed_.all_changed();
}

Value LwwMapReplica::observe() const {
  Value result = Value::object();
  for (const auto& [key, entry] : entries_) result[key] = entry.value;
  return result;
}

std::optional<uint64_t> LwwMapReplica::observe_digest() const {
  return observed_.digest(entries_,
                          [](const Entry& entry) -> std::optional<Value> { return entry.value; });
}

uint64_t LwwMapReplica::metadata_bytes() const { return entries_.size() * sizeof(LwwStamp); }

namespace {

class LwwEngine final : public Engine {
 public:
  explicit LwwEngine(LwwOptions options) : options_(options) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<LwwMapReplica>(options_, reader_);
  }

 private:
  LwwOptions options_;
  // A push per write to every peer: many small messages in flight (WireReader::Memory).
  std::shared_ptr<WireReader> reader_ =
      std::make_shared<WireReader>(WireReader::Memory{.messages = 512, .zone_bytes = 1024});
};

}  // namespace

std::unique_ptr<Engine> make_lww_engine(const EngineParams& params) {
  LwwOptions options;
  const std::string clock = params.string("timestamps");
  options.clock = clock == "wall"      ? LwwClock::kWall
                  : clock == "lamport" ? LwwClock::kLamport
                                       : LwwClock::kHlc;
  options.sync_interval = params.duration("sync_interval");
  options.push = params.flag("push");
  options.push_interval = params.duration("push_interval");
  options.fanout = static_cast<uint32_t>(params.integer("fanout"));
  return std::make_unique<LwwEngine>(options);
}

EngineInfo lww_engine_info() {
  EngineInfo info;
  info.name = "lww";
  info.workloads = {"kv"};
  info.help = "last-writer-wins map; immediate push plus digest-gated anti-entropy";
  // clang-format off
  info.params = {
      {"timestamps", ParamType::kEnum, "hlc", {"wall", "hlc", "lamport"}, INT64_MIN, INT64_MAX,
       "where write stamps come from (wall shows skew data loss)"},
      {"sync_interval", ParamType::kDuration, int64_t{500'000'000}, {}, 1'000'000, INT64_MAX,
       "anti-entropy period"},
      {"push", ParamType::kBool, true, {}, INT64_MIN, INT64_MAX, "push each write to all peers"},
      {"push_interval", ParamType::kDuration, int64_t{0}, {}, 0, INT64_MAX,
       "0: push each write at once; else coalesce writes per key and push every interval"},
      {"fanout", ParamType::kInt, 1, {}, 1, 64, "peers per anti-entropy round"},
  };
  // clang-format on
  info.factory = make_lww_engine;
  return info;
}

}  // namespace edgesim::models

#include "models/lww/lww_map.h"

#include "sim/core/assert.h"
#include "sim/core/trace_hash.h"

namespace edgesim::models {
namespace {

const std::string kClockKey = "clock";
const std::string kEntryPrefix = "e/";

Value stamp_json(const LwwStamp& stamp) { return Value::array({stamp.time, stamp.logical, stamp.node}); }

std::string msgpack_bytes(const Value& value) {
  const std::vector<uint8_t> bytes = Value::to_msgpack(value);
  return std::string(bytes.begin(), bytes.end());
}

LwwStamp stamp_from(const Value& json) {
  return LwwStamp{json.at(0).get<int64_t>(), json.at(1).get<uint32_t>(), json.at(2).get<uint32_t>()};
}

}  // namespace

void LwwMapReplica::on_start(NodeContext& context) {
  entries_.clear();
  for (const auto& [key, bytes] : context.durable().entries()) {
    if (key.rfind(kEntryPrefix, 0) != 0) continue;
    const Value entry = Value::from_msgpack(bytes);
    entries_[key.substr(kEntryPrefix.size())] = Entry{entry.at(0), stamp_from(entry.at(1))};
  }
  if (auto clock = context.durable().get(kClockKey)) {
    const LwwStamp last = stamp_from(Value::from_msgpack(*clock));
    hlc_.restore(HlcTimestamp{last.time, last.logical});
    lamport_.restore(static_cast<uint64_t>(last.time));
  }
  sync_timer_ = context.start_timer(options_.sync_interval);
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
  if (options_.clock == LwwClock::kHlc) hlc_.update(context.now(), HlcTimestamp{stamp.time, stamp.logical});
  if (options_.clock == LwwClock::kLamport) lamport_.update(static_cast<uint64_t>(stamp.time));
}

void LwwMapReplica::persist_clock(NodeContext& context) {
  LwwStamp last{0, 0, context.self()};
  if (options_.clock == LwwClock::kHlc) last = LwwStamp{hlc_.last().wall_ns, hlc_.last().logical, 0};
  if (options_.clock == LwwClock::kLamport) last = LwwStamp{int64_t(lamport_.last()), 0, 0};
  context.durable().put(kClockKey, msgpack_bytes(stamp_json(last)));
}

bool LwwMapReplica::merge(NodeContext& context, const std::string& key, const Entry& entry) {
  auto it = entries_.find(key);
  if (it != entries_.end() && !(it->second.stamp < entry.stamp)) return false;
  entries_[key] = entry;
  context.durable().put(kEntryPrefix + key, msgpack_bytes(Value::array({entry.value, stamp_json(entry.stamp)})));
  return true;
}

void LwwMapReplica::on_op(NodeContext& context, const Op& op) {
  if (op.f == "read") {
    auto it = entries_.find(op.key);
    context.complete(op.id, Result::success(it == entries_.end() ? Value(nullptr) : it->second.value));
    return;
  }
  if (op.f != "write") {
    context.complete(op.id, Result::failure("lww supports read and write, not " + op.f));
    return;
  }
  const Entry entry{op.arg, next_stamp(context)};
  merge(context, op.key, entry);
  persist_clock(context);
  if (options_.push) {
    const Value message = {{"t", "push"}, {"e", Value::array({Value::array({op.key, entry.value, stamp_json(entry.stamp)})})}};
    for (NodeId peer : context.peers()) {
      if (peer != context.self()) send(context, peer, message);
    }
  }
  context.complete(op.id, Result::success());
}

void LwwMapReplica::send(NodeContext& context, NodeId to, const Value& message) {
  context.send(to, msgpack_bytes(message));
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

Value LwwMapReplica::encode_entries(const std::map<std::string, LwwStamp>* newer_than) const {
  Value list = Value::array();
  for (const auto& [key, entry] : entries_) {
    if (newer_than != nullptr) {
      auto theirs = newer_than->find(key);
      if (theirs != newer_than->end() && !(theirs->second < entry.stamp)) continue;
    }
    list.push_back(Value::array({key, entry.value, stamp_json(entry.stamp)}));
  }
  return list;
}

void LwwMapReplica::on_message(NodeContext& context, NodeId from, std::string_view payload) {
  const Value message = Value::from_msgpack(payload.begin(), payload.end());
  const std::string& type = message.at("t").get_ref<const std::string&>();
  if (type == "digest") {
    if (message.at("d").get<uint64_t>() != digest()) {
      send(context, from, {{"t", "state"}, {"reply", true}, {"e", encode_entries(nullptr)}});
    }
    return;
  }
  EDGESIM_ASSERT(type == "push" || type == "state", "unknown lww message {}", type);
  std::map<std::string, LwwStamp> theirs;
  bool changed = false;
  for (const Value& item : message.at("e")) {
    const std::string key = item.at(0).get<std::string>();
    const Entry entry{item.at(1), stamp_from(item.at(2))};
    witness(context, entry.stamp);
    theirs[key] = entry.stamp;
    changed = merge(context, key, entry) || changed;
  }
  if (changed) persist_clock(context);
  if (type == "state" && message.value("reply", false)) {
    const Value newer = encode_entries(&theirs);
    if (!newer.empty()) send(context, from, {{"t", "state"}, {"e", newer}});
  }
}

void LwwMapReplica::on_timer(NodeContext& context, TimerId timer) {
  if (timer != sync_timer_) return;
  const std::vector<NodeId>& peers = context.peers();
  if (peers.size() > 1) {
    const Value message = {{"t", "digest"}, {"d", digest()}};
    for (uint32_t i = 0; i < options_.fanout; ++i) {
      NodeId peer = peers[context.prng().uniform(peers.size())];
      if (peer == context.self()) continue;
      send(context, peer, message);
    }
  }
  sync_timer_ = context.start_timer(options_.sync_interval);
}

void LwwMapReplica::on_crash() {
  entries_.clear();
  hlc_ = Hlc{};
  lamport_ = Lamport{};
  sync_timer_ = 0;
}

Value LwwMapReplica::observe() const {
  Value result = Value::object();
  for (const auto& [key, entry] : entries_) result[key] = entry.value;
  return result;
}

uint64_t LwwMapReplica::metadata_bytes() const { return entries_.size() * sizeof(LwwStamp); }

namespace {

class LwwEngine final : public Engine {
 public:
  explicit LwwEngine(LwwOptions options) : options_(options) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<LwwMapReplica>(options_);
  }

 private:
  LwwOptions options_;
};

}  // namespace

std::unique_ptr<Engine> make_lww_engine(const EngineParams& params) {
  LwwOptions options;
  const std::string clock = params.string("timestamps");
  options.clock = clock == "wall" ? LwwClock::kWall : clock == "lamport" ? LwwClock::kLamport : LwwClock::kHlc;
  options.sync_interval = params.duration("sync_interval");
  options.push = params.flag("push");
  options.fanout = static_cast<uint32_t>(params.integer("fanout"));
  return std::make_unique<LwwEngine>(options);
}

EngineInfo lww_engine_info() {
  EngineInfo info;
  info.name = "lww";
  info.help = "last-writer-wins map; immediate push plus digest-gated anti-entropy";
  info.params = {
      {"timestamps", ParamType::kEnum, "hlc", {"wall", "hlc", "lamport"}, INT64_MIN, INT64_MAX,
       "where write stamps come from (wall shows skew data loss)"},
      {"sync_interval", ParamType::kDuration, int64_t{500'000'000}, {}, 1'000'000, INT64_MAX,
       "anti-entropy period"},
      {"push", ParamType::kBool, true, {}, INT64_MIN, INT64_MAX, "push each write to all peers"},
      {"fanout", ParamType::kInt, 1, {}, 1, 64, "peers per anti-entropy round"},
  };
  info.factory = make_lww_engine;
  return info;
}

}  // namespace edgesim::models

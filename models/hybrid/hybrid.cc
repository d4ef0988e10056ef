#include "models/hybrid/hybrid.h"

#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <type_traits>

#include "models/crdt/crdt_replica.h"
#include "models/hybrid/event_outbox.h"
#include "models/hybrid/log_kinds.h"
#include "models/hybrid/log_values.h"

namespace edgesim::models {
namespace {

// The hybrid's own messages (after the 'h' tag) are MessagePack arrays [kind, body], like the CRDT
// engines' (building, encoding and parsing JSON documents was a third of a hybrid run):
//   events:    body = flat [seq, key, change, ...], an origin's unacknowledged events (a change is
//              an increment's `by`, or a field's new value: log_kinds.h)
//   ack:       body = the last event seq the authority applied from the receiver
//   published: body = [position, flat [key, value, key, value, ...]], the log's values (totals,
//              fields) after the events it has decided (position: their count, which only grows);
//              with optimistic reads, a third element: flat [origin, seq, ...], the last event
//              decided from each origin (what each replica can drop from its outbox, and stop
//              laying over the values; no acks are sent then)
enum class HybridMessage : uint8_t { kEvents = 0, kAck = 1, kPublished = 2 };
// The hybrid's messages start with this byte; the local CRDT layer's go out as it sends them. A
// CRDT message is a MessagePack array, whose first byte (0x90-0x9f, 0xdc or 0xdd) is never 'h',
// so no tag is needed on them (one was: a copy of every CRDT message).
constexpr char kHybridTag = 'h';

// Durable records besides the outbox's (event_outbox.h): "hybrid/log/<origin>", the last seq
// the authority applied from it; "hybrid/totals": its values, flat [key, value, ...]; at an edge,
// "hybrid/published": the last values published, [position, values].
constexpr std::string_view kLogPrefix = "hybrid/log/";
const std::string kPublishedKey = "hybrid/published";

struct HybridOptions {
  SyncOptions sync;                          // the local CRDT layer's (sync_options.h)
  uint32_t authority = 0;                    // peer index of the log's owner; default node 0
  Duration reconcile_interval{200'000'000};  // outbox shipping and publishing; default 200ms
  std::set<std::string> authoritative;       // keys read from the log (authoritative_keys)
  bool all_authoritative = false;            // every key is (authoritative_keys: *, the default)
  // Reads of authoritative keys lay this replica's own events that the log values it holds do not
  // include yet over them (authoritative_reads: optimistic), as a client rebases its pending
  // mutations on the server's state; by default they show the log's values alone (published).
  bool optimistic_reads = false;
  // The log refuses an increment that would take a total past it (a stock, a ballot's seats);
  // default none (max_value: -1). The local counters took it already: only the log holds the bound.
  // Counters only.
  std::optional<int64_t> max_value;
};

template <typename Kind>
class HybridReplica final : public Replica {
 public:
  // `reader` parses received messages, the local layer's too; the engine shares one among its
  // replicas (WireReader).
  HybridReplica(const HybridOptions& options, const std::shared_ptr<WireReader>& reader)
      : options_(options), local_(options.sync, reader), reader_(reader) {}

  void on_start(NodeContext& context) override {
    local_.on_start(context);
    load(context);
    reconcile_timer_ = context.start_timer(options_.reconcile_interval);
  }

  void on_op(NodeContext& context, const Op& op) override {
    if (op.is("read") && authoritative(op.key)) {
      context.complete(op.id, Result::success(Kind::read(read_value(context, op.key))));
      return;
    }
    if (const std::optional<Change> change = Kind::change_of(op)) {
      // The log would refuse it: what this replica knows of the log has no room left for it.
      // Refused now, it is a failed op (no effect) rather than an acknowledged one undone later.
      // Without a bound nothing is looked up (a lookup per increment was 3% of a hybrid run).
      if (options_.max_value && past_bound(read_value(context, op.key), *change)) {
        ++refused_ops_;
        context.complete(
            op.id, Result::failure(fmt::format("the log's total of {} is at its bound {}", op.key,
                                               *options_.max_value)));
        return;
      }
      outbox_.record(context.durable(), op.key, *change);  // durable before the local layer acks
    }
    local_.on_op(context, op);
  }

  void on_message(NodeContext& context, NodeId from, std::string_view payload) override {
    EDGESIM_ASSERT(!payload.empty(), "empty hybrid message");
    if (payload.front() != kHybridTag) {
      local_.on_message(context, from, payload);
      return;
    }
    const WireMessage parsed(payload.substr(1), *reader_);
    const WireObject& body = wire_at(parsed.root(), 1);
    switch (static_cast<HybridMessage>(wire_u64(wire_at(parsed.root(), 0)))) {
      case HybridMessage::kEvents: {
        std::vector<SeqEvent> events;
        const uint32_t size = wire_tuples_size(body, 3);
        for (uint32_t i = 0; i < size; i += 3) {
          events.push_back(SeqEvent{wire_u64(wire_at(body, i)), wire_str(wire_at(body, i + 1)),
                                    Kind::unpack_change(wire_at(body, i + 2))});
        }
        append(context, from, events);
        // With optimistic reads the edge empties its outbox by the publications instead.
        if (!options_.optimistic_reads) {
          context.send(from, tagged(HybridMessage::kAck,
                                    [&](Packer& out) { out.pack_uint64(applied_[from]); }));
        }
        break;
      }
      case HybridMessage::kAck:
        outbox_.acknowledge(context.durable(), wire_u64(body));
        break;
      case HybridMessage::kPublished:
        take_published(context, body);
        break;
      default:
        EDGESIM_ASSERT(false, "unknown hybrid message {}", wire_u64(wire_at(parsed.root(), 0)));
    }
  }

  void on_timer(NodeContext& context, TimerId timer) override {
    if (timer != reconcile_timer_) {
      local_.on_timer(context, timer);
      return;
    }
    reconcile(context);
    reconcile_timer_ = context.start_timer(options_.reconcile_interval);
  }

  void on_crash() override {
    ++version_;
    local_.on_crash();
    outbox_.clear();
    values_.clear();
    applied_.clear();
    published_.clear();
    published_position_ = 0;
    local_.state().note_view_all_changed();
  }

  // The local replica's observation, with every authoritative key's value the log's (the
  // authority's own, or the last one it published).
  Value observe() const override {
    Value view = local_.observe();
    if constexpr (std::is_same_v<Kind, CounterLog>) {
      for (auto it = view.begin(); it != view.end(); ++it) {
        if (authoritative(it.key())) it.value() = logged(it.key());
      }
    } else {
      // A field is the log's: listed exactly when the log holds a value for it (a map lists no
      // null), whatever the local layer holds.
      for (auto it = view.begin(); it != view.end();)
        it = authoritative(it.key()) ? view.erase(it) : std::next(it);
      observed_log().for_each([&](const std::string& key, const Value& value) {
        if (authoritative(key) && !value.is_null()) view[key] = value;
      });
    }
    return view;
  }

  // Both counts only grow, so their sum moves exactly when either does.
  std::optional<uint64_t> observe_version() const override {
    return *local_.observe_version() + version_;
  }

  // The local state's digest bookkeeping, over this view of it: a total that moves is reported
  // key by key (note_value_changed), a restart (which replaces the totals) as every key's. A map's
  // view lists fields the local layer may not hold, which that bookkeeping cannot see: observe()
  // serves it.
  std::optional<uint64_t> observe_digest() const override {
    if constexpr (std::is_same_v<Kind, CounterLog>) {
      return local_.state().observed_digest_of_view(
          [this](const std::string& key, const PnCounter& value) -> std::optional<Value> {
            std::optional<Value> observed = KeyedCrdt<PnCounter>::observed(value);
            if (observed && authoritative(key)) observed = logged(key);
            return observed;
          });
    } else {
      return std::nullopt;
    }
  }

  uint64_t metadata_bytes() const override {
    return local_.metadata_bytes() + outbox_.events().size() * 24 + applied_.size() * 16;
  }

  Value stats() const override {
    return {{"outbox_events", outbox_.events().size()},
            {"logged_events", logged_},
            {"refused_events", refused_},
            {"refused_ops", refused_ops_}};
  }

 private:
  using Change = typename Kind::Change;
  using Held = typename Kind::Held;
  struct SeqEvent {
    uint64_t seq;
    std::string_view key;
    Change change;
  };

  // The log's values as this replica knows them: the authority's own (it is never sent the
  // published ones, so reading them until its first event changed nothing) or the published ones.
  const LogValues<Kind>& observed_log() const { return values_.empty() ? published_ : values_; }
  const Held& logged(const std::string& key) const { return observed_log().at(key); }
  void note_value_changed(std::string_view key) const { local_.state().note_view_changed(key); }

  bool authoritative(const std::string& key) const {
    return options_.all_authoritative || options_.authoritative.count(key) != 0;
  }
  bool is_authority(NodeContext& context) const { return authority(context) == context.self(); }
  NodeId authority(NodeContext& context) const {
    return context.peers()[options_.authority % context.peers().size()];
  }
  // 'h', then [kind, body] with the body packed by `pack_body`.
  template <typename PackBody>
  static std::string tagged(HybridMessage kind, PackBody&& pack_body) {
    return wire_encode([&](Packer& out) {
      pack_packed(out, std::string_view(&kHybridTag, 1));
      out.pack_array(2);
      out.pack_uint8(static_cast<uint8_t>(kind));
      pack_body(out);
    });
  }

  // Authority: appends an origin's events in order, exactly once, folding each into the log's
  // values. An event past the bound is decided too (refused: it adds nothing), so its seq is
  // applied and it is not sent again.
  void append(NodeContext& context, NodeId origin, std::span<const SeqEvent> events) {
    uint64_t& applied = applied_[origin];
    for (const SeqEvent& e : events) {
      if (e.seq != applied + 1) continue;  // a duplicate, or after a gap: resent later
      applied = e.seq;
      if (past_bound(values_.at(e.key), e.change)) {
        ++refused_;
        continue;
      }
      values_.fold(e.key, e.change);
      note_value_changed(e.key);
      ++logged_;
      ++version_;
    }
    context.durable().put(std::string(kLogPrefix) + std::to_string(origin),
                          wire_encode([&](Packer& out) { out.pack_uint64(applied); }));
    context.durable().put("hybrid/totals", wire_encode([&](Packer& out) { values_.pack(out); }));
  }

  // Folding `change` into `held` would take a total past max_value (never for a map's fields).
  bool past_bound(const Held& held, const Change& change) const {
    if constexpr (Kind::kBounded) {
      return options_.max_value && change > 0 && held > *options_.max_value - change;
    } else {
      return false;
    }
  }
  // The log's values as this replica knows them: its own at the authority, else the last ones
  // published.
  LogValues<Kind>& known_values(NodeContext& context) {
    return is_authority(context) ? values_ : published_;
  }
  // What a read of authoritative `key` shows: the log's value as this replica knows it, with
  // optimistic_reads its own events that value does not include laid over it. Those are exactly
  // its outbox: the authority empties its own as it appends, and with optimistic reads an edge
  // empties its outbox as publications include its events (take_published), not on the
  // authority's acknowledgement. Each is folded in as the log would fold it there, so one that
  // the bound would refuse adds nothing: laid over a total that others' events have since taken
  // to max_value, it would show more than the log ever will.
  Held read_value(NodeContext& context, const std::string& key) {
    Held value = known_values(context).at(key);
    if (!options_.optimistic_reads) return value;
    for (const auto& e : outbox_.events()) {
      if (e.key == key && !past_bound(value, e.change)) Kind::fold(value, e.change);
    }
    return value;
  }

  void reconcile(NodeContext& context) {
    if (is_authority(context)) {
      std::vector<SeqEvent> own;
      for (const auto& e : outbox_.events()) own.push_back(SeqEvent{e.seq, e.key, e.change});
      append(context, context.self(), own);
      outbox_.acknowledge(context.durable(), applied_[context.self()]);
      std::string published = tagged(HybridMessage::kPublished, [&](Packer& out) {
        out.pack_array(options_.optimistic_reads ? 3 : 2);
        out.pack_uint64(log_position());
        values_.pack(out);
        if (!options_.optimistic_reads) return;
        out.pack_array(static_cast<uint32_t>(applied_.size() * 2));
        for (const auto& [origin, seq] : applied_) {
          out.pack_uint32(origin);
          out.pack_uint64(seq);
        }
      });
      context.send_to_peers(std::move(published));
      return;
    }
    if (outbox_.events().empty()) return;
    context.send(authority(context),
                 tagged(HybridMessage::kEvents, [&](Packer& out) { outbox_.pack(out); }));
  }

  // Authority: how many events the log has decided (appended or refused). It only grows, and it
  // is durable (applied_ is), so edges can tell a late copy of an older publication.
  uint64_t log_position() const {
    uint64_t position = 0;
    for (const auto& [origin, applied] : applied_) position += applied;
    return position;
  }

  // Edge: takes a publication unless it is older than the one it holds (publications can arrive
  // out of order), and keeps it durably, so that a restarted edge reads the official totals it
  // had rather than zeros until the next publication.
  void take_published(NodeContext& context, const WireObject& body) {
    const uint64_t position = wire_u64(wire_at(body, 0));
    if (position < published_position_) return;
    published_position_ = position;
    bool changed = false;  // the same totals are published every round while nothing happens
    published_.assign(wire_at(body, 1), [&](std::string_view key) {
      note_value_changed(key);
      changed = true;
    });
    if (body.via.array.size > 2) {
      const WireObject& decided = wire_at(body, 2);
      const uint32_t size = wire_tuples_size(decided, 2);
      for (uint32_t i = 0; i < size; i += 2) {
        if (wire_u64(wire_at(decided, i)) == context.self())
          outbox_.acknowledge(context.durable(), wire_u64(wire_at(decided, i + 1)));
      }
    }
    if (!changed) return;
    ++version_;
    context.durable().put(kPublishedKey, wire_encode([&](Packer& out) {
                            out.pack_array(2);
                            out.pack_uint64(published_position_);
                            published_.pack(out);
                          }));
  }

  void load(NodeContext& context) {
    ++version_;
    const DurableStore& store = context.durable();
    outbox_.load(store);
    if (auto bytes = store.get("hybrid/totals"))
      values_.assign(WireMessage(*bytes).root(), [](std::string_view) {});
    if (auto bytes = store.get(kPublishedKey)) {
      const WireMessage published(*bytes);
      published_position_ = wire_u64(wire_at(published.root(), 0));
      published_.assign(wire_at(published.root(), 1), [](std::string_view) {});
    }
    local_.state().note_view_all_changed();
    for (const auto& [key, bytes] : store.entries()) {
      if (key.starts_with(kLogPrefix)) {
        applied_[static_cast<NodeId>(std::stoul(key.substr(kLogPrefix.size())))] =
            wire_u64(WireMessage(bytes).root());
      }
    }
  }

  HybridOptions options_;
  CrdtReplica<typename Kind::Local> local_;
  TimerId reconcile_timer_ = 0;
  EventOutbox<Kind> outbox_;  // this replica's events until the authority has them, persisted
  LogValues<Kind> values_;    // authority: the log's values, persisted
  std::map<NodeId, uint64_t> applied_;  // authority: last event applied per origin, persisted
  LogValues<Kind> published_;           // the last values the authority published, persisted
  uint64_t published_position_ = 0;     // and the log position they were published at
  uint64_t logged_ = 0;                 // events the authority appended to its values
  uint64_t refused_ = 0;      // and events it refused (max_value), acknowledged at their edge
  uint64_t refused_ops_ = 0;  // increments refused at once, the known total being at max_value
  uint64_t version_ = 0;      // changes to values_ and published_ (observe_version, with local_'s)
  std::shared_ptr<WireReader> reader_;
};

template <typename Kind>
class HybridEngine final : public Engine {
 public:
  explicit HybridEngine(HybridOptions options) : options_(std::move(options)) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<HybridReplica<Kind>>(options_, reader_);
  }

 private:
  HybridOptions options_;
  std::shared_ptr<WireReader> reader_ = std::make_shared<WireReader>();
};

// A map or kv workload's fields are kept by FieldLog; anything else (a counter workload, or
// parameters made without a scenario) by CounterLog.
bool serves_fields(const EngineParams& params) {
  return params.workload() == "map" || params.workload() == "kv";
}

std::optional<EngineInfo::Problem> check_params(const EngineParams& params) {
  if (serves_fields(params) && params.integer("max_value") >= 0) {
    return EngineInfo::Problem{
        "max_value", fmt::format("max_value bounds a counter's total; a {} workload has none (set "
                                 "it to -1, or use a counter workload)",
                                 params.workload())};
  }
  return std::nullopt;
}

}  // namespace

EngineInfo hybrid_engine_info() {
  EngineInfo info;
  info.name = "hybrid";
  info.help =
      "local CRDTs reconciled into an authoritative event log (counter: incr, read; map and kv: "
      "write, delete, read)";
  info.workloads = {"counter", "map", "kv"};
  info.params = sync_param_specs();
  info.params.push_back(
      {"authority", ParamType::kNode, 0, {}, INT64_MIN, INT64_MAX, "the log's owner"});
  info.params.push_back({"reconcile_interval",
                         ParamType::kDuration,
                         int64_t{200'000'000},
                         {},
                         1'000'000,
                         INT64_MAX,
                         "outbox shipping and publishing period"});
  info.params.push_back({"authoritative_keys",
                         ParamType::kString,
                         "*",
                         {},
                         INT64_MIN,
                         INT64_MAX,
                         "keys whose reads come from the log: comma-separated, or *"});
  info.params.push_back({"authoritative_reads",
                         ParamType::kEnum,
                         "published",
                         {"published", "optimistic"},
                         INT64_MIN,
                         INT64_MAX,
                         "authoritative keys read the log's values alone (published), or with this "
                         "PoP's own events not in them yet laid over them (optimistic)"});
  info.params.push_back(
      {"max_value",
       ParamType::kInt,
       -1,
       {},
       -1,
       INT64_MAX,
       "the log refuses increments that would take a total beyond it (-1: none; counters only)"});
  info.check = check_params;
  info.factory = [](const EngineParams& params) -> std::unique_ptr<Engine> {
    HybridOptions options;
    options.sync = sync_options_from(params);
    options.authority = static_cast<uint32_t>(params.integer("authority"));
    options.reconcile_interval = params.duration("reconcile_interval");
    options.optimistic_reads = params.string("authoritative_reads") == "optimistic";
    if (params.integer("max_value") >= 0) options.max_value = params.integer("max_value");
    const std::string keys = params.string("authoritative_keys");
    options.all_authoritative = keys == "*";
    size_t start = 0;
    while (!options.all_authoritative && start < keys.size()) {
      const size_t comma = keys.find(',', start);
      options.authoritative.insert(
          keys.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (!serves_fields(params)) return std::make_unique<HybridEngine<CounterLog>>(options);
    if (const auto problem = check_params(params)) throw std::invalid_argument(problem->message);
    return std::make_unique<HybridEngine<FieldLog>>(options);
  };
  return info;
}

}  // namespace edgesim::models

#include "models/hybrid/hybrid.h"

#include <optional>
#include <set>
#include <span>

#include "models/crdt/crdt_replica.h"
#include "models/crdt/pn_counter.h"
#include "models/hybrid/event_outbox.h"
#include "models/hybrid/log_totals.h"

namespace edgesim::models {
namespace {

// The hybrid's own messages (after the 'h' tag) are MessagePack arrays [kind, body], like the CRDT
// engines' (building, encoding and parsing JSON documents was a third of a hybrid run):
//   events:    body = flat [seq, key, by, seq, key, by, ...], an origin's unacknowledged events
//   ack:       body = the last event seq the authority applied from the receiver
//   published: body = [position, flat [key, total, key, total, ...]], the log's totals after the
//              events it has decided (position: their count, which only grows)
enum class HybridMessage : uint8_t { kEvents = 0, kAck = 1, kPublished = 2 };
// The hybrid's messages start with this byte; the local CRDT layer's go out as it sends them. A
// CRDT message is a MessagePack array, whose first byte (0x90-0x9f, 0xdc or 0xdd) is never 'h',
// so no tag is needed on them (one was: a copy of every CRDT message).
constexpr char kHybridTag = 'h';

// Durable records besides the outbox's (event_outbox.h): "hybrid/log/<origin>", the last seq
// the authority applied from it; "hybrid/totals": its totals, flat [key, total, ...]; at an edge,
// "hybrid/published": the last totals published, as the published message's body.
constexpr std::string_view kLogPrefix = "hybrid/log/";
const std::string kPublishedKey = "hybrid/published";

struct HybridOptions {
  SyncOptions sync;                          // the local crdt.pn_counter layer's (sync_options.h)
  uint32_t authority = 0;                    // peer index of the log's owner; default node 0
  Duration reconcile_interval{200'000'000};  // outbox shipping and publishing; default 200ms
  std::set<std::string> authoritative;       // keys read from the log (authoritative_keys)
  bool all_authoritative = false;            // every key is (authoritative_keys: *, the default)
  // The log refuses an increment that would take a total past it (a stock, a ballot's seats);
  // default none (max_value: -1). The local counters took it already: only the log holds the bound.
  std::optional<int64_t> max_value;
};

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
      context.complete(op.id, Result::success(known_totals(context).at(op.key)));
      return;
    }
    if (op.is("incr")) {
      const int64_t by = op.arg.is_number_integer() ? op.arg.get<int64_t>() : 1;
      // The log would refuse it: what this replica knows of the log has no room left for it.
      // Refused now, it is a failed op (no effect) rather than an acknowledged one undone later.
      if (past_bound(known_totals(context).at(op.key), by)) {
        ++refused_ops_;
        context.complete(
            op.id, Result::failure(fmt::format("the log's total of {} is at its bound {}", op.key,
                                               *options_.max_value)));
        return;
      }
      outbox_.record(context.durable(), op.key, by);  // durable before the local layer acknowledges
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
                                    wire_i64(wire_at(body, i + 2))});
        }
        append(context, from, events);
        context.send(from, tagged(HybridMessage::kAck,
                                  [&](Packer& out) { out.pack_uint64(applied_[from]); }));
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
    totals_.clear();
    applied_.clear();
    published_.clear();
    published_position_ = 0;
    local_.state().note_view_all_changed();
  }

  // The local replica's observation, with every authoritative key's value replaced by the log's
  // total (the authority's own, or the last one it published).
  Value observe() const override {
    Value view = local_.observe();
    for (auto it = view.begin(); it != view.end(); ++it) {
      if (authoritative(it.key())) it.value() = total(it.key());
    }
    return view;
  }

  // Both counts only grow, so their sum moves exactly when either does.
  std::optional<uint64_t> observe_version() const override {
    return *local_.observe_version() + version_;
  }

  // The local state's digest bookkeeping, over this view of it: a total that moves is reported
  // key by key (note_total_changed), a restart (which replaces the totals) as every key's.
  std::optional<uint64_t> observe_digest() const override {
    return local_.state().observed_digest_of_view(
        [this](const std::string& key, const PnCounter& value) -> std::optional<Value> {
          std::optional<Value> observed = KeyedCrdt<PnCounter>::observed(value);
          if (observed && authoritative(key)) observed = total(key);
          return observed;
        });
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
  struct SeqEvent {
    uint64_t seq;
    std::string_view key;
    int64_t by;
  };

  // The log's total for `key`, as this replica knows it: the authority's own (it is never sent
  // the published totals, so reading them until its first event changed nothing) or the
  // published one.
  int64_t total(const std::string& key) const {
    return (totals_.empty() ? published_ : totals_).at(key);
  }
  void note_total_changed(std::string_view key) const { local_.state().note_view_changed(key); }

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

  // Authority: appends an origin's events in order, exactly once. An event past the bound is
  // decided too (refused: it adds nothing), so its seq is applied and it is not sent again.
  void append(NodeContext& context, NodeId origin, std::span<const SeqEvent> events) {
    uint64_t& applied = applied_[origin];
    for (const SeqEvent& e : events) {
      if (e.seq != applied + 1) continue;  // a duplicate, or after a gap: resent later
      applied = e.seq;
      if (past_bound(totals_.at(e.key), e.by)) {
        ++refused_;
        continue;
      }
      totals_.add(e.key, e.by);
      note_total_changed(e.key);
      ++logged_;
      ++version_;
    }
    context.durable().put(std::string(kLogPrefix) + std::to_string(origin),
                          wire_encode([&](Packer& out) { out.pack_uint64(applied); }));
    context.durable().put("hybrid/totals", wire_encode([&](Packer& out) { totals_.pack(out); }));
  }

  // Adding `by` to `total` would take it past max_value.
  bool past_bound(int64_t total, int64_t by) const {
    return options_.max_value && by > 0 && total > *options_.max_value - by;
  }
  // The log's totals as this replica knows them: its own at the authority, else the last ones
  // published.
  LogTotals& known_totals(NodeContext& context) {
    return is_authority(context) ? totals_ : published_;
  }

  void reconcile(NodeContext& context) {
    if (is_authority(context)) {
      std::vector<SeqEvent> own;
      for (const EventOutbox::Event& e : outbox_.events())
        own.push_back(SeqEvent{e.seq, e.key, e.by});
      append(context, context.self(), own);
      outbox_.acknowledge(context.durable(), applied_[context.self()]);
      std::string published = tagged(HybridMessage::kPublished, [&](Packer& out) {
        out.pack_array(2);
        out.pack_uint64(log_position());
        totals_.pack(out);
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
      note_total_changed(key);
      changed = true;
    });
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
      totals_.assign(WireMessage(*bytes).root(), [](std::string_view) {});
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
  CrdtReplica<PnCounter> local_;
  TimerId reconcile_timer_ = 0;
  EventOutbox outbox_;  // this replica's events until the authority has them, persisted
  LogTotals totals_;    // authority: the log's totals, persisted
  std::map<NodeId, uint64_t> applied_;  // authority: last event applied per origin, persisted
  LogTotals published_;                 // the last totals the authority published, persisted
  uint64_t published_position_ = 0;     // and the log position they were published at
  uint64_t logged_ = 0;                 // events the authority appended to its totals
  uint64_t refused_ = 0;      // and events it refused (max_value), acknowledged at their edge
  uint64_t refused_ops_ = 0;  // increments refused at once, the known total being at max_value
  uint64_t version_ = 0;      // changes to totals_ and published_ (observe_version, with local_'s)
  std::shared_ptr<WireReader> reader_;
};

class HybridEngine final : public Engine {
 public:
  explicit HybridEngine(HybridOptions options) : options_(std::move(options)) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<HybridReplica>(options_, reader_);
  }

 private:
  HybridOptions options_;
  std::shared_ptr<WireReader> reader_ = std::make_shared<WireReader>();
};

}  // namespace

EngineInfo hybrid_engine_info() {
  EngineInfo info;
  info.name = "hybrid";
  info.help =
      "local CRDT counters reconciled into an authoritative event log (counter: incr, read)";
  info.workloads = {"counter"};
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
  info.params.push_back(
      {"max_value",
       ParamType::kInt,
       -1,
       {},
       -1,
       INT64_MAX,
       "the log refuses increments that would take a total beyond it (-1: none)"});
  info.factory = [](const EngineParams& params) -> std::unique_ptr<Engine> {
    HybridOptions options;
    options.sync = sync_options_from(params);
    options.authority = static_cast<uint32_t>(params.integer("authority"));
    options.reconcile_interval = params.duration("reconcile_interval");
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
    return std::make_unique<HybridEngine>(std::move(options));
  };
  return info;
}

}  // namespace edgesim::models

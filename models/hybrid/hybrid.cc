#include "models/hybrid/hybrid.h"

#include <set>

#include <fmt/format.h>

#include "models/crdt/crdt_replica.h"
#include "models/crdt/pn_counter.h"

namespace edgesim::models {
namespace {

struct HybridOptions {
  SyncOptions sync;
  uint32_t authority = 0;                   // peer index of the log's owner
  Duration reconcile_interval{200'000'000};
  std::set<std::string> authoritative;      // empty with all_authoritative: every key
  bool all_authoritative = false;
};

// Gives the inner CRDT replica its own message channel: its sends are tagged 'c', the hybrid's 'h'.
class TaggedContext final : public NodeContext {
 public:
  explicit TaggedContext(NodeContext& outer) : outer_(outer) {}
  NodeId self() const override { return outer_.self(); }
  const std::vector<NodeId>& peers() const override { return outer_.peers(); }
  Instant now() const override { return outer_.now(); }
  Instant monotonic() const override { return outer_.monotonic(); }
  Prng& prng() override { return outer_.prng(); }
  void send(NodeId to, std::string payload) override { outer_.send(to, "c" + payload); }
  TimerId start_timer(Duration after) override { return outer_.start_timer(after); }
  void cancel_timer(TimerId timer) override { outer_.cancel_timer(timer); }
  void complete(OpId op, Result result) override { outer_.complete(op, std::move(result)); }
  DurableStore& durable() override { return outer_.durable(); }

 private:
  NodeContext& outer_;
};

class HybridReplica final : public Replica {
 public:
  explicit HybridReplica(const HybridOptions& options) : options_(options), local_(options.sync) {}

  void on_start(NodeContext& context) override {
    TaggedContext inner(context);
    local_.on_start(inner);
    load(context);
    reconcile_timer_ = context.start_timer(options_.reconcile_interval);
  }

  void on_op(NodeContext& context, const Op& op) override {
    if (op.f == "read" && authoritative(op.key)) {
      const auto& totals = is_authority(context) ? totals_ : published_;
      auto it = totals.find(op.key);
      context.complete(op.id, Result::success(it == totals.end() ? 0 : it->second));
      return;
    }
    if (op.f == "incr") {
      const int64_t by = op.arg.is_number_integer() ? op.arg.get<int64_t>() : 1;
      record(context, op.key, by);  // durable before the local layer acknowledges
    }
    TaggedContext inner(context);
    local_.on_op(inner, op);
  }

  void on_message(NodeContext& context, NodeId from, std::string_view payload) override {
    EDGESIM_ASSERT(!payload.empty(), "empty hybrid message");
    if (payload.front() == 'c') {
      TaggedContext inner(context);
      local_.on_message(inner, from, payload.substr(1));
      return;
    }
    const Value m = decode_value(payload.substr(1));
    const std::string& t = m.at("t").get_ref<const std::string&>();
    if (t == "events") {
      append(context, from, m.at("e"));
      context.send(from, tagged({{"t", "ack"}, {"seq", applied_[from]}}));
    } else if (t == "ack") {
      acknowledge(context, m.at("seq").get<uint64_t>());
    } else {
      EDGESIM_ASSERT(t == "published", "unknown hybrid message {}", t);
      for (auto it = m.at("totals").begin(); it != m.at("totals").end(); ++it) published_[it.key()] = it.value().get<int64_t>();
      ++version_;
    }
  }

  void on_timer(NodeContext& context, TimerId timer) override {
    if (timer != reconcile_timer_) {
      TaggedContext inner(context);
      local_.on_timer(inner, timer);
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
  }

  Value observe() const override {
    Value view = local_.observe();
    const auto& totals = totals_.empty() ? published_ : totals_;
    for (auto it = view.begin(); it != view.end(); ++it) {
      if (authoritative(it.key())) {
        auto total = totals.find(it.key());
        it.value() = total == totals.end() ? 0 : total->second;
      }
    }
    return view;
  }

  // Both counts only grow, so their sum moves exactly when either does.
  std::optional<uint64_t> observe_version() const override { return *local_.observe_version() + version_; }

  uint64_t metadata_bytes() const override {
    return local_.metadata_bytes() + outbox_.size() * 24 + applied_.size() * 16;
  }

  Value stats() const override { return {{"outbox_events", outbox_.size()}, {"logged_events", logged_}}; }

 private:
  struct Event {
    std::string key;
    int64_t by;
  };

  bool authoritative(const std::string& key) const {
    return options_.all_authoritative || options_.authoritative.count(key) != 0;
  }
  bool is_authority(NodeContext& context) const { return authority(context) == context.self(); }
  NodeId authority(NodeContext& context) const {
    return context.peers()[options_.authority % context.peers().size()];
  }
  static std::string tagged(const Value& message) { return "h" + encode_value(message); }

  void record(NodeContext& context, const std::string& key, int64_t by) {
    const uint64_t seq = ++last_event_;
    outbox_[seq] = Event{key, by};
    context.durable().put(fmt::format("hybrid/event/{:020}", seq), encode_value(Value::array({key, by})));
    context.durable().put("hybrid/seq", std::to_string(last_event_));
  }

  // Authority: appends an origin's events in order, exactly once.
  void append(NodeContext& context, NodeId origin, const Value& events) {
    uint64_t& applied = applied_[origin];
    for (const Value& e : events) {
      const uint64_t seq = e.at(0).get<uint64_t>();
      if (seq != applied + 1) continue;  // a duplicate, or after a gap: resent later
      applied = seq;
      totals_[e.at(1).get<std::string>()] += e.at(2).get<int64_t>();
      ++logged_;
      ++version_;
    }
    context.durable().put(fmt::format("hybrid/log/{}", origin), encode_value(Value{{"applied", applied}}));
    context.durable().put("hybrid/totals", encode_value(Value(totals_)));
  }

  void acknowledge(NodeContext& context, uint64_t seq) {
    while (!outbox_.empty() && outbox_.begin()->first <= seq) {
      context.durable().erase(fmt::format("hybrid/event/{:020}", outbox_.begin()->first));
      outbox_.erase(outbox_.begin());
    }
  }

  void reconcile(NodeContext& context) {
    if (is_authority(context)) {
      Value own = Value::array();
      for (const auto& [seq, e] : outbox_) own.push_back(Value::array({seq, e.key, e.by}));
      append(context, context.self(), own);
      acknowledge(context, applied_[context.self()]);
      const std::string published = tagged({{"t", "published"}, {"totals", totals_}});
      for (NodeId peer : context.peers()) {
        if (peer != context.self()) context.send(peer, published);
      }
      return;
    }
    if (outbox_.empty()) return;
    Value events = Value::array();
    for (const auto& [seq, e] : outbox_) events.push_back(Value::array({seq, e.key, e.by}));
    context.send(authority(context), tagged({{"t", "events"}, {"e", events}}));
  }

  void load(NodeContext& context) {
    ++version_;
    const DurableStore& store = context.durable();
    if (auto seq = store.get("hybrid/seq")) last_event_ = std::stoull(*seq);
    if (auto bytes = store.get("hybrid/totals")) {
      const Value totals = decode_value(*bytes);
      for (auto it = totals.begin(); it != totals.end(); ++it) totals_[it.key()] = it.value().get<int64_t>();
    }
    for (const auto& [key, bytes] : store.entries()) {
      if (key.rfind("hybrid/event/", 0) == 0) {
        const Value e = decode_value(bytes);
        outbox_[std::stoull(key.substr(13))] = Event{e.at(0).get<std::string>(), e.at(1).get<int64_t>()};
      } else if (key.rfind("hybrid/log/", 0) == 0) {
        applied_[static_cast<NodeId>(std::stoul(key.substr(11)))] = decode_value(bytes).at("applied").get<uint64_t>();
      }
    }
  }

  HybridOptions options_;
  CrdtReplica<PnCounter> local_;
  TimerId reconcile_timer_ = 0;
  uint64_t last_event_ = 0;                 // persisted: event seqs never repeat
  std::map<uint64_t, Event> outbox_;        // unacknowledged events, persisted
  std::map<std::string, int64_t> totals_;   // authority: the log's totals, persisted
  std::map<NodeId, uint64_t> applied_;      // authority: last event applied per origin, persisted
  std::map<std::string, int64_t> published_;  // the last totals the authority published
  uint64_t logged_ = 0;
  uint64_t version_ = 0;  // changes to totals_ and published_ (observe_version, with local_'s)
};

class HybridEngine final : public Engine {
 public:
  explicit HybridEngine(HybridOptions options) : options_(std::move(options)) {}
  std::unique_ptr<Replica> make_replica(NodeId) override { return std::make_unique<HybridReplica>(options_); }

 private:
  HybridOptions options_;
};

}  // namespace

EngineInfo hybrid_engine_info() {
  EngineInfo info;
  info.name = "hybrid";
  info.help = "local CRDT counters reconciled into an authoritative event log (counter: incr, read)";
  info.workloads = {"counter"};
  info.params = sync_param_specs();
  info.params.push_back(
      {"authority", ParamType::kNode, 0, {}, INT64_MIN, INT64_MAX, "the log's owner"});
  info.params.push_back({"reconcile_interval", ParamType::kDuration, int64_t{200'000'000}, {}, 1'000'000, INT64_MAX,
                         "outbox shipping and publishing period"});
  info.params.push_back({"authoritative_keys", ParamType::kString, "*", {}, INT64_MIN, INT64_MAX,
                         "keys whose reads come from the log: comma-separated, or *"});
  info.factory = [](const EngineParams& params) -> std::unique_ptr<Engine> {
    HybridOptions options;
    options.sync = sync_options_from(params);
    options.authority = static_cast<uint32_t>(params.integer("authority"));
    options.reconcile_interval = params.duration("reconcile_interval");
    const std::string keys = params.string("authoritative_keys");
    options.all_authoritative = keys == "*";
    size_t start = 0;
    while (!options.all_authoritative && start < keys.size()) {
      const size_t comma = keys.find(',', start);
      options.authoritative.insert(keys.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return std::make_unique<HybridEngine>(std::move(options));
  };
  return info;
}

}  // namespace edgesim::models

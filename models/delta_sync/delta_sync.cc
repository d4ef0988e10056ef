#include "models/delta_sync/delta_sync.h"

#include <fmt/format.h>

#include "models/delta_sync/applied_ops.h"
#include "models/delta_sync/entry_table.h"
#include "models/delta_sync/messages.h"
#include "models/wire/msgpack_wire.h"
#include "sim/core/assert.h"
#include "sim/core/key_order.h"
#include "sim/core/trace_hash.h"
#include "sim/engine/observed_digest.h"

namespace edgesim::models {
namespace {

class DeltaSyncReplica final : public Replica {
 public:
  // `reader` parses received messages; the engine shares one among its replicas (WireReader).
  DeltaSyncReplica(const DeltaSyncOptions& options, std::shared_ptr<WireReader> reader)
      : options_(options), reader_(std::move(reader)) {}

  void on_start(NodeContext& context) override {
    ++version_;
    observed_.all_changed();
    for (const auto& [record_key, bytes] : context.durable().entries()) {
      if (record_key.rfind("k/", 0) != 0) continue;
      const WireMessage record(bytes);
      truth_.entry(std::string_view(record_key).substr(2)) =
          Entry{wire_u64(wire_at(record.root(), 0)), unpack_value(wire_at(record.root(), 1))};
    }
    applied_.recover(context.durable());
    push_timer_ = context.start_timer(options_.batch_interval);
    resync_timer_ = context.start_timer(options_.resync_interval);
  }

  void on_op(NodeContext& context, const Op& op) override {
    if (op.is("read")) {
      read(context, op);
    } else if (op.is("write") || op.is("incr") || op.is("delete")) {
      Request request{op, 0, 0};
      propose(context, ++last_request_, request);
    } else {
      context.complete(
          op.id, Result::failure("delta_sync supports read, write, incr and delete, not " + op.f));
    }
  }

  void on_message(NodeContext& context, NodeId from, std::string_view payload) override {
    const WireMessage parsed(payload, *reader_);
    const WireObject& m = parsed.root();
    const auto type = static_cast<DsMessage>(wire_u64(wire_at(m, 0)));
    switch (type) {
      case DsMessage::kPropose:
        on_propose(context, from, m);
        return;
      case DsMessage::kRead: {
        const std::string_view key = wire_str(wire_at(m, 2));
        context.send(from, entry_answer(DsMessage::kReadOk, wire_u64(wire_at(m, 1)), key,
                                        lookup(truth_, key)));
        return;
      }
      case DsMessage::kSync:
        on_sync(context, from, wire_at(m, 1));
        return;
      case DsMessage::kPush: {
        const WireObject& entries = wire_at(m, 1);
        const uint32_t entries_size = wire_tuples_size(entries, kEntryFields);
        for (uint32_t at = 0; at < entries_size; at += kEntryFields) learn(entries, at);
        return;
      }
      case DsMessage::kAccepted:
      case DsMessage::kReject:
      case DsMessage::kReadOk:
      case DsMessage::kRefuse:
        on_answer(context, type, m);
        return;
    }
    EDGESIM_ASSERT(false, "unknown delta_sync message type {}", static_cast<int>(type));
  }

  void on_timer(NodeContext& context, TimerId timer) override {
    if (timer == push_timer_) {
      push(context);
      push_timer_ = context.start_timer(options_.batch_interval);
    } else if (timer == resync_timer_) {
      resync(context);
      resync_timer_ = context.start_timer(options_.resync_interval);
    } else {
      // A request timed out: stop waiting. The client's own timeout reports it as unknown.
      for (auto it = requests_.begin(); it != requests_.end(); ++it) {
        if (it->second.timer == timer) {
          requests_.erase(it);
          break;
        }
      }
    }
  }

  void on_crash() override {
    ++version_;
    observed_.all_changed();
    truth_.clear();
    applied_.clear();
    cache_.clear();
    unpushed_.clear();
    requests_.clear();
  }

  Value observe() const override {
    Value view = Value::object();
    for (const auto& source : {&cache_, &truth_}) {
      for (const auto& [key, e] : *source) {
        if (e.value.is_null()) {
          view.erase(key);
        } else {
          view[key] = e.value;
        }
      }
    }
    return view;
  }
  std::optional<uint64_t> observe_digest() const override {
    return observed_.digest_by(
        [this](auto&& add) {
          const Value view = observe();
          for (auto it = view.begin(); it != view.end(); ++it)
            add(it.key(), std::optional<Value>(it.value()));
        },
        [this](const std::string& key) { return observed_value(key); });
  }

  std::optional<uint64_t> observe_version() const override { return version_; }

  uint64_t metadata_bytes() const override {
    return (truth_.size() + cache_.size() + 2 * applied_.size()) * sizeof(uint64_t);
  }

  Value stats() const override {
    return {{"accepted_writes", accepted_},
            {"rejected_writes", rejected_},
            {"retries", retries_},
            {"refused_writes", refused_},
            {"duplicate_proposals", duplicates_}};
  }

 private:
  // What observe() shows for `key`: the authority's copy over the cache's; a null value is absent.
  std::optional<Value> observed_value(const std::string& key) const {
    for (const EntryTable* source : {&truth_, &cache_}) {
      const Entry* e = source->find(key);
      if (e == nullptr) continue;
      if (e->value.is_null()) return std::nullopt;
      return e->value;
    }
    return std::nullopt;
  }

  struct Request {
    Op op;
    uint32_t attempts;
    TimerId timer;
  };

  NodeId authority(NodeContext& context, std::string_view key) const {
    const std::vector<NodeId>& peers = context.peers();
    // Keys hash to ranges; with one range (the default) there is nothing to choose.
    const size_t ranges = options_.authorities.size();
    const uint64_t range = ranges == 1 ? 0 : TraceHash::digest(key) % ranges;
    return peers[options_.authorities[range] % peers.size()];
  }

  static const Entry& lookup(const EntryTable& entries, std::string_view key) {
    static const Entry kAbsent;
    const Entry* e = entries.find(key);
    return e == nullptr ? kAbsent : *e;
  }

  // What this node believes about a key whose authority is `owner`: the truth if it is the
  // authority, else its cache.
  const Entry& view(NodeContext& context, NodeId owner, std::string_view key) const {
    return lookup(owner == context.self() ? truth_ : cache_, key);
  }

  // Reads at the authority, or local ones from the cache. A key the cache has never heard of (as
  // after a start or a crash, before resync) is read through from the authority: the cache cannot
  // tell an absent key from one it has not learned yet, and answering absent would show a value
  // older than any the key has had.
  void read(NodeContext& context, const Op& op) {
    const NodeId owner = authority(context, op.key);
    const Entry* known = owner == context.self()       ? &lookup(truth_, op.key)
                         : options_.reads_at_authority ? nullptr
                                                       : cache_.find(op.key);
    if (known != nullptr) {
      context.complete(op.id, Result::success(known->value));
      return;
    }
    const uint64_t id = ++last_request_;
    requests_[id] = Request{op, 0, context.start_timer(options_.request_timeout)};
    context.send(owner, read_message(id, op.key));
  }

  // The value `op` proposes, computed from the current view (the read in read-modify-write).
  static Value proposal(const Op& op, const Entry& current) {
    if (op.is("write")) return op.arg;
    if (op.is("delete")) return nullptr;
    const int64_t base = current.value.is_number_integer() ? current.value.get<int64_t>() : 0;
    return base + (op.arg.is_number_integer() ? op.arg.get<int64_t>() : 1);
  }

  void propose(NodeContext& context, uint64_t id, Request request) {
    const Op& op = request.op;
    const NodeId owner = authority(context, op.key);
    // Not valid once decide() adds a key: read only for decide()'s arguments.
    const Entry& current = view(context, owner, op.key);
    if (owner == context.self()) {
      const Result result =
          decide(context, op.key, current.version, proposal(op, current), op.f, op.id);
      context.complete(op.id, result.ok ? Result::success() : result);
      return;
    }
    request.timer = context.start_timer(options_.request_timeout);
    context.send(owner,
                 propose_message(id, op.key, current.version, proposal(op, current), op.f, op.id));
    requests_[id] = std::move(request);
  }

  // The authority's decision on a proposal of op `op_id`.
  Result decide(NodeContext& context, std::string_view key, uint64_t base, const Value& value,
                std::string_view f, uint64_t op_id) {
    observed_.changed(key, truth_.size() + cache_.size());
    Entry& truth = truth_.entry(key);
    // Every copy of a proposal reaches the authority within this long of the op's first one: the
    // edge retries only while it waits (request_timeout per attempt).
    const Duration remembered = options_.request_timeout * int64_t{options_.max_retries + 2};
    applied_.forget_before(context.durable(), context.monotonic() - remembered);
    if (applied_.contains(op_id)) {
      ++duplicates_;
      return Result::success();
    }
    if (options_.check_versions && base != truth.version)
      return Result::failure("version mismatch");
    if (f == "incr" && options_.max_value && value.is_number_integer() &&
        value.get<int64_t>() > *options_.max_value) {
      ++refused_;
      return Result::failure(fmt::format("would exceed {}", *options_.max_value));
    }
    truth = Entry{truth.version + 1, value};
    applied_.add(context.durable(), op_id, context.monotonic());
    ++version_;
    context.durable().put(std::string("k/").append(key), wire_encode([&](Packer& out) {
                            out.pack_array(2);
                            out.pack_uint64(truth.version);
                            pack_value(out, truth.value);
                          }));
    unpushed_.entry(key) = truth;
    ++accepted_;
    return Result::success();
  }

  void on_propose(NodeContext& context, NodeId from, const WireObject& m) {
    const uint64_t req = wire_u64(wire_at(m, 1));
    const std::string_view key = wire_str(wire_at(m, 2));
    const Result result = decide(context, key, wire_u64(wire_at(m, 3)), unpack_value(wire_at(m, 4)),
                                 wire_str(wire_at(m, 5)), wire_u64(wire_at(m, 6)));
    if (result.ok || result.error == "version mismatch") {
      const DsMessage type = result.ok ? DsMessage::kAccepted : DsMessage::kReject;
      context.send(from, entry_answer(type, req, key, lookup(truth_, key)));
      return;
    }
    context.send(from, refuse_message(req, result.error));
  }

  void on_answer(NodeContext& context, DsMessage type, const WireObject& m) {
    if (type != DsMessage::kRefuse) learn(m, 2);
    auto it = requests_.find(wire_u64(wire_at(m, 1)));
    if (it == requests_.end()) return;  // timed out, or a duplicate answer
    Request request = std::move(it->second);
    requests_.erase(it);
    context.cancel_timer(request.timer);
    if (type == DsMessage::kAccepted) {
      context.complete(request.op.id, Result::success());
    } else if (type == DsMessage::kReadOk) {
      context.complete(request.op.id, Result::success(unpack_value(wire_at(m, 4))));
    } else if (type == DsMessage::kRefuse) {
      context.complete(request.op.id, Result::failure(std::string(wire_str(wire_at(m, 2)))));
    } else {
      ++rejected_;
      if (++request.attempts > options_.max_retries) {
        context.complete(request.op.id, Result::failure("rejected: too much contention"));
        return;
      }
      ++retries_;
      propose(context, ++last_request_, std::move(request));  // from the refreshed cache
    }
  }

  // Takes the (key, version, value) entry at `fields[at]` if it is newer than what the cache holds.
  void learn(const WireObject& fields, uint32_t at) {
    const std::string_view key = wire_str(wire_at(fields, at));
    Entry& cached = cache_.entry(key);
    const uint64_t version = wire_u64(wire_at(fields, at + 1));
    if (version > cached.version) {
      cached = Entry{version, unpack_value(wire_at(fields, at + 2))};
      ++version_;
      observed_.changed(key, truth_.size() + cache_.size());
    }
  }

  void push(NodeContext& context) {
    if (unpushed_.empty()) return;
    std::vector<const EntryTable::Item*> entries;
    entries.reserve(unpushed_.size());
    for (const auto& item : unpushed_) entries.push_back(&item);
    std::string message = push_message(entries);
    unpushed_.clear();
    context.send_to_peers(std::move(message));
  }

  void resync(NodeContext& context) {
    // Per authority: the (key, version) pairs this edge holds of its keys.
    std::map<NodeId, std::vector<const EntryTable::Item*>> held;
    for (NodeId peer : context.peers()) {
      if (peer != context.self()) held[peer];
    }
    for (const auto& item : cache_) {
      const NodeId owner = authority(context, item.first);
      if (owner != context.self()) held[owner].push_back(&item);
    }
    for (const auto& [owner, items] : held) {
      context.send(owner, sync_message(items));
    }
  }

  // Answers an edge's (key, version) pairs with the entries it holds older than the truth, or
  // lacks. Both lists are in key order (resync() sends its pairs so; others are sorted here), so
  // they are walked side by side: building a map of the pairs to look each key up in was 8% of a
  // delta_sync run.
  void on_sync(NodeContext& context, NodeId from, const WireObject& pairs) {
    std::vector<std::pair<std::string_view, uint64_t>> held;
    const uint32_t pairs_size = wire_tuples_size(pairs, 2);
    held.reserve(pairs_size / 2);
    for (uint32_t at = 0; at < pairs_size; at += 2)
      held.emplace_back(wire_str(wire_at(pairs, at)), wire_u64(wire_at(pairs, at + 1)));
    const auto key_before = [](const auto& a, const auto& b) {
      return compare_keys(a.first, b.first) < 0;
    };
    if (!std::is_sorted(held.begin(), held.end(), key_before)) {
      std::stable_sort(held.begin(), held.end(), key_before);
    }
    std::vector<const EntryTable::Item*> newer;
    auto peer = held.begin();
    for (const auto& item : truth_) {
      while (peer != held.end() && compare_keys(peer->first, item.first) < 0) ++peer;
      uint64_t known = 0;  // of a key listed twice (a malformed message), the last version counts
      for (; peer != held.end() && compare_keys(peer->first, item.first) == 0; ++peer)
        known = peer->second;
      if (item.second.version > known) newer.push_back(&item);
    }
    if (!newer.empty()) context.send(from, push_message(newer));
  }

  DeltaSyncOptions options_;
  EntryTable truth_;     // keys this node is the authority for
  AppliedOps applied_;   // ops this authority applied recently
  EntryTable cache_;     // everything else it has heard of
  EntryTable unpushed_;  // accepted since the last push
  std::map<uint64_t, Request> requests_;
  uint64_t last_request_ = 0;
  TimerId push_timer_ = 0, resync_timer_ = 0;
  uint64_t accepted_ = 0, rejected_ = 0, retries_ = 0, refused_ = 0, duplicates_ = 0;
  uint64_t version_ = 0;             // changes to truth_ and cache_ (observe_version)
  mutable ObservedDigest observed_;  // observe_digest()'s bookkeeping: told of every change
  std::shared_ptr<WireReader> reader_;
};

class DeltaSyncEngine final : public Engine {
 public:
  explicit DeltaSyncEngine(DeltaSyncOptions options) : options_(std::move(options)) {}
  std::unique_ptr<Replica> make_replica(NodeId) override {
    return std::make_unique<DeltaSyncReplica>(options_, reader_);
  }

 private:
  DeltaSyncOptions options_;
  std::shared_ptr<WireReader> reader_ = std::make_shared<WireReader>();
};

}  // namespace

std::unique_ptr<Engine> make_delta_sync_engine(const DeltaSyncOptions& options) {
  return std::make_unique<DeltaSyncEngine>(options);
}

EngineInfo delta_sync_engine_info() {
  EngineInfo info;
  info.name = "delta_sync";
  info.help =
      "server-authoritative: authority per key range, edge caches, versioned optimistic writes";
  info.workloads = {"kv", "counter", "map"};
  // One parameter per line reads as a table.
  // clang-format off
  info.params = {
      {"authorities", ParamType::kNodes, Value::array({0}), {}, INT64_MIN, INT64_MAX,
       "the key ranges' authorities, one range each (keys hash to ranges)"},
      {"reads", ParamType::kEnum, "local", {"local", "authority"}, INT64_MIN, INT64_MAX, "where reads are served"},
      {"batch_interval", ParamType::kDuration, int64_t{20'000'000}, {}, 1'000'000, INT64_MAX, "authority push period"},
      {"resync_interval", ParamType::kDuration, int64_t{500'000'000}, {}, 1'000'000, INT64_MAX, "edge read-repair period"},
      {"request_timeout", ParamType::kDuration, int64_t{1'000'000'000}, {}, 1'000'000, INT64_MAX, "edge request timeout"},
      {"max_retries", ParamType::kInt, 5, {}, 0, 1000, "retries of a rejected write"},
      {"max_value", ParamType::kInt, -1, {}, -1, INT64_MAX, "counters: reject increments beyond it (-1: none)"},
  };
  // clang-format on
  info.factory = [](const EngineParams& params) -> std::unique_ptr<Engine> {
    return make_delta_sync_engine(delta_sync_options_from(params));
  };
  return info;
}

DeltaSyncOptions delta_sync_options_from(const EngineParams& params) {
  DeltaSyncOptions options;
  options.authorities = params.nodes("authorities");
  options.reads_at_authority = params.string("reads") == "authority";
  options.batch_interval = params.duration("batch_interval");
  options.resync_interval = params.duration("resync_interval");
  options.request_timeout = params.duration("request_timeout");
  options.max_retries = static_cast<uint32_t>(params.integer("max_retries"));
  if (params.integer("max_value") >= 0) options.max_value = params.integer("max_value");
  return options;
}

}  // namespace edgesim::models

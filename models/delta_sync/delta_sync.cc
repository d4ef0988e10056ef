#include "models/delta_sync/delta_sync.h"

#include <fmt/format.h>

#include "models/wire/msgpack_wire.h"
#include "sim/core/assert.h"
#include "sim/core/trace_hash.h"

namespace edgesim::models {
namespace {

std::string encode(const Value& message) { return encode_value(message); }

struct Entry {
  uint64_t version = 0;
  Value value;
};

Value entry_json(const std::string& key, const Entry& e) { return Value::array({key, e.version, e.value}); }

class DeltaSyncReplica final : public Replica {
 public:
  explicit DeltaSyncReplica(const DeltaSyncOptions& options) : options_(options) {}

  void on_start(NodeContext& context) override {
    for (const auto& [key, bytes] : context.durable().entries()) {
      if (key.rfind("k/", 0) != 0) continue;
      const Value e = decode_value(bytes);
      truth_[key.substr(2)] = Entry{e.at(0).get<uint64_t>(), e.at(1)};
    }
    push_timer_ = context.start_timer(options_.batch_interval);
    resync_timer_ = context.start_timer(options_.resync_interval);
  }

  void on_op(NodeContext& context, const Op& op) override {
    if (op.f == "read") {
      read(context, op);
    } else if (op.f == "write" || op.f == "incr" || op.f == "delete") {
      Request request{op, 0, 0};
      propose(context, ++last_request_, request);
    } else {
      context.complete(op.id, Result::failure("delta_sync supports read, write, incr and delete, not " + op.f));
    }
  }

  void on_message(NodeContext& context, NodeId from, std::string_view payload) override {
    const Value m = decode_value(payload);
    const std::string& t = m.at("t").get_ref<const std::string&>();
    if (t == "propose") {
      on_propose(context, from, m);
    } else if (t == "read") {
      const Entry& e = truth_[m.at("key").get<std::string>()];
      context.send(from, encode({{"t", "read_ok"}, {"req", m.at("req")}, {"e", entry_json(m.at("key"), e)}}));
    } else if (t == "sync") {
      on_sync(context, from, m);
    } else if (t == "push") {
      for (const Value& e : m.at("e")) learn(e);
    } else {
      on_answer(context, t, m);
    }
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
    truth_.clear();
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

  uint64_t metadata_bytes() const override { return (truth_.size() + cache_.size()) * sizeof(uint64_t); }

  Value stats() const override {
    return {{"accepted_writes", accepted_}, {"rejected_writes", rejected_}, {"retries", retries_},
            {"refused_writes", refused_}};
  }

 private:
  struct Request {
    Op op;
    uint32_t attempts;
    TimerId timer;
  };

  NodeId authority(NodeContext& context, const std::string& key) const {
    const std::vector<NodeId>& peers = context.peers();
    const uint64_t range = TraceHash::digest(key) % options_.authorities.size();
    return peers[options_.authorities[range] % peers.size()];
  }

  // What this node believes about a key: the truth if it is the authority, else its cache.
  Entry& view(NodeContext& context, const std::string& key) {
    return authority(context, key) == context.self() ? truth_[key] : cache_[key];
  }

  void read(NodeContext& context, const Op& op) {
    if (!options_.reads_at_authority || authority(context, op.key) == context.self()) {
      context.complete(op.id, Result::success(view(context, op.key).value));
      return;
    }
    const uint64_t id = ++last_request_;
    requests_[id] = Request{op, 0, context.start_timer(options_.request_timeout)};
    context.send(authority(context, op.key), encode({{"t", "read"}, {"req", id}, {"key", op.key}}));
  }

  // The value `op` proposes, computed from the current view (the read in read-modify-write).
  static Value proposal(const Op& op, const Entry& current) {
    if (op.f == "write") return op.arg;
    if (op.f == "delete") return nullptr;
    const int64_t base = current.value.is_number_integer() ? current.value.get<int64_t>() : 0;
    return base + (op.arg.is_number_integer() ? op.arg.get<int64_t>() : 1);
  }

  void propose(NodeContext& context, uint64_t id, Request request) {
    const Op& op = request.op;
    const Entry& current = view(context, op.key);
    const NodeId owner = authority(context, op.key);
    if (owner == context.self()) {
      const Result result = decide(context, op.key, current.version, proposal(op, current), op.f);
      context.complete(op.id, result.ok ? Result::success() : result);
      return;
    }
    request.timer = context.start_timer(options_.request_timeout);
    context.send(owner, encode({{"t", "propose"}, {"req", id}, {"key", op.key}, {"base", current.version},
                                {"value", proposal(op, current)}, {"f", op.f}}));
    requests_[id] = std::move(request);
  }

  // The authority's decision on a proposal; ok results carry the new entry.
  Result decide(NodeContext& context, const std::string& key, uint64_t base, const Value& value, const std::string& f) {
    Entry& truth = truth_[key];
    if (options_.check_versions && base != truth.version) return Result::failure("version mismatch");
    if (f == "incr" && options_.max_value && value.is_number_integer() && value.get<int64_t>() > *options_.max_value) {
      ++refused_;
      return Result::failure(fmt::format("would exceed {}", *options_.max_value));
    }
    truth = Entry{truth.version + 1, value};
    context.durable().put("k/" + key, encode(Value::array({truth.version, truth.value})));
    unpushed_[key] = truth;
    ++accepted_;
    return Result::success(entry_json(key, truth));
  }

  void on_propose(NodeContext& context, NodeId from, const Value& m) {
    const std::string key = m.at("key").get<std::string>();
    const Result result = decide(context, key, m.at("base").get<uint64_t>(), m.at("value"), m.at("f").get<std::string>());
    if (result.ok) {
      context.send(from, encode({{"t", "accepted"}, {"req", m.at("req")}, {"e", result.value}}));
    } else if (result.error == "version mismatch") {
      context.send(from, encode({{"t", "reject"}, {"req", m.at("req")}, {"e", entry_json(key, truth_[key])}}));
    } else {
      context.send(from, encode({{"t", "refuse"}, {"req", m.at("req")}, {"why", result.error}}));
    }
  }

  void on_answer(NodeContext& context, const std::string& t, const Value& m) {
    if (m.contains("e")) learn(m.at("e"));
    auto it = requests_.find(m.at("req").get<uint64_t>());
    if (it == requests_.end()) return;  // timed out, or a duplicate answer
    Request request = std::move(it->second);
    requests_.erase(it);
    context.cancel_timer(request.timer);
    if (t == "accepted") {
      context.complete(request.op.id, Result::success());
    } else if (t == "read_ok") {
      context.complete(request.op.id, Result::success(m.at("e").at(2)));
    } else if (t == "refuse") {
      context.complete(request.op.id, Result::failure(m.at("why").get<std::string>()));
    } else {
      EDGESIM_ASSERT(t == "reject", "unknown delta_sync message {}", t);
      ++rejected_;
      if (++request.attempts > options_.max_retries) {
        context.complete(request.op.id, Result::failure("rejected: too much contention"));
        return;
      }
      ++retries_;
      propose(context, ++last_request_, std::move(request));  // from the refreshed cache
    }
  }

  // Takes a (key, version, value) entry if it is newer than what the cache holds.
  void learn(const Value& e) {
    Entry& cached = cache_[e.at(0).get<std::string>()];
    const uint64_t version = e.at(1).get<uint64_t>();
    if (version > cached.version) cached = Entry{version, e.at(2)};
  }

  void push(NodeContext& context) {
    if (unpushed_.empty()) return;
    Value entries = Value::array();
    for (const auto& [key, e] : unpushed_) entries.push_back(entry_json(key, e));
    unpushed_.clear();
    const std::string message = encode({{"t", "push"}, {"e", entries}});
    for (NodeId peer : context.peers()) {
      if (peer != context.self()) context.send(peer, message);
    }
  }

  void resync(NodeContext& context) {
    std::map<NodeId, Value> versions;  // per authority: the versions this edge holds
    for (NodeId peer : context.peers()) {
      if (peer != context.self()) versions[peer] = Value::object();
    }
    for (const auto& [key, e] : cache_) {
      const NodeId owner = authority(context, key);
      if (owner != context.self()) versions[owner][key] = e.version;
    }
    for (const auto& [owner, held] : versions) {
      context.send(owner, encode({{"t", "sync"}, {"v", held}}));
    }
  }

  void on_sync(NodeContext& context, NodeId from, const Value& m) {
    const Value& held = m.at("v");
    Value newer = Value::array();
    for (const auto& [key, e] : truth_) {
      if (e.version > held.value(key, uint64_t{0})) newer.push_back(entry_json(key, e));
    }
    if (!newer.empty()) context.send(from, encode({{"t", "push"}, {"e", newer}}));
  }

  DeltaSyncOptions options_;
  std::map<std::string, Entry> truth_;     // keys this node is the authority for
  std::map<std::string, Entry> cache_;     // everything else it has heard of
  std::map<std::string, Entry> unpushed_;  // accepted since the last push
  std::map<uint64_t, Request> requests_;
  uint64_t last_request_ = 0;
  TimerId push_timer_ = 0, resync_timer_ = 0;
  uint64_t accepted_ = 0, rejected_ = 0, retries_ = 0, refused_ = 0;
};

class DeltaSyncEngine final : public Engine {
 public:
  explicit DeltaSyncEngine(DeltaSyncOptions options) : options_(std::move(options)) {}
  std::unique_ptr<Replica> make_replica(NodeId) override { return std::make_unique<DeltaSyncReplica>(options_); }

 private:
  DeltaSyncOptions options_;
};

}  // namespace

std::unique_ptr<Engine> make_delta_sync_engine(const DeltaSyncOptions& options) {
  return std::make_unique<DeltaSyncEngine>(options);
}

EngineInfo delta_sync_engine_info() {
  EngineInfo info;
  info.name = "delta_sync";
  info.help = "server-authoritative: authority per key range, edge caches, versioned optimistic writes";
  info.params = {
      {"authorities", ParamType::kString, "0", {}, INT64_MIN, INT64_MAX,
       "comma-separated node indices (in PoP order) of the range authorities"},
      {"reads", ParamType::kEnum, "local", {"local", "authority"}, INT64_MIN, INT64_MAX, "where reads are served"},
      {"batch_interval", ParamType::kDuration, int64_t{20'000'000}, {}, 1'000'000, INT64_MAX, "authority push period"},
      {"resync_interval", ParamType::kDuration, int64_t{500'000'000}, {}, 1'000'000, INT64_MAX, "edge read-repair period"},
      {"request_timeout", ParamType::kDuration, int64_t{1'000'000'000}, {}, 1'000'000, INT64_MAX, "edge request timeout"},
      {"max_retries", ParamType::kInt, 5, {}, 0, 1000, "retries of a rejected write"},
      {"max_value", ParamType::kInt, -1, {}, -1, INT64_MAX, "counters: reject increments beyond it (-1: none)"},
  };
  info.factory = [](const EngineParams& params) -> std::unique_ptr<Engine> {
    return make_delta_sync_engine(delta_sync_options_from(params));
  };
  return info;
}

DeltaSyncOptions delta_sync_options_from(const EngineParams& params) {
    DeltaSyncOptions options;
    options.authorities.clear();
    const std::string list = params.string("authorities");
    size_t start = 0;
    while (start <= list.size()) {
      const size_t comma = list.find(',', start);
      const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (item.empty() || item.size() > 6 || item.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("engine.params.authorities: expected node indices like \"0,3\", got \"" + list + "\"");
      }
      options.authorities.push_back(static_cast<uint32_t>(std::stoul(item)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (options.authorities.empty()) options.authorities.push_back(0);
    options.reads_at_authority = params.string("reads") == "authority";
    options.batch_interval = params.duration("batch_interval");
    options.resync_interval = params.duration("resync_interval");
    options.request_timeout = params.duration("request_timeout");
    options.max_retries = static_cast<uint32_t>(params.integer("max_retries"));
    if (params.integer("max_value") >= 0) options.max_value = params.integer("max_value");
    return options;
}

}  // namespace edgesim::models

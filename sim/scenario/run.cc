#include "sim/scenario/run.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "sim/check/convergence.h"
#include "sim/core/assert.h"
#include "sim/engine/engine_error.h"
#include "sim/node/cluster.h"
#include "sim/scenario/build.h"
#include "sim/scenario/judge.h"
#include "sim/scenario/run_metrics.h"
#include "sim/workload/client_workload.h"

namespace edgesim {
namespace {

constexpr ServiceId kDataService = 0;

// Calls engine code that runs outside any node (making the engine and its replicas): what it
// throws, or a null it returns, is an EngineError that says what was being made.
template <typename Make>
auto made_by_engine(const std::string& made, Make&& make) {
  decltype(make()) result;
  try {
    result = make();
  } catch (const std::exception& thrown) {
    throw EngineError(fmt::format("{}: threw: {}", made, thrown.what()));
  }
  if (!result) throw EngineError(made + ": returned null");
  return result;
}

// One seed's world: every component, wired together, plus the convergence probe.
class Simulation final : public EventHandler {
 public:
  Simulation(const Scenario& scenario, uint64_t seed, const EngineRegistry& engines,
             const EventLoop::Limits& limits)
      : scenario_(scenario),
        root_(seed),
        loop_(limits),
        topology_(build_topology(scenario)),
        cluster_(loop_, topology_),
        network_(loop_, topology_, root_, cluster_),
        probe_kind_(loop_.register_kind("probe", this)),
        metadata_kind_(loop_.register_kind("metadata_sample", this)) {
    const EngineInfo* info = engines.find(scenario.engine.name);
    EDGESIM_ASSERT(info != nullptr, "engine {} is not registered", scenario.engine.name);
    engine_ = made_by_engine("while being created",
                             [&] { return info->factory(scenario.engine.params); });
    workload_ = std::make_unique<ClientWorkload>(loop_, cluster_, topology_, kDataService,
                                                 scenario.workload, root_.fork("workload"),
                                                 scenario.workload_stop());
    cluster_.attach(network_, *workload_);
    std::vector<NodeId> peers;
    for (NodeId id = 0; id < topology_.pops_count(); ++id) peers.push_back(id);
    for (NodeId id = 0; id < topology_.pops_count(); ++id) {
      Prng clock_prng = root_.fork("clock/" + topology_.pop(id).name);
      const ClockSpec clock = draw_clock(scenario.clocks, clock_prng);
      Node& node = cluster_.add_node(id, NodeClock(clock, clock_prng.next_u64()));
      node.add_replica(kDataService,
                       made_by_engine(fmt::format("making its replica for node {} (#{})",
                                                  topology_.pop(id).name, id),
                                      [&] { return engine_->make_replica(id); }),
                       peers, root_.fork("node/" + topology_.pop(id).name));
    }
    nemesis_ = std::make_unique<Nemesis>(
        loop_, network_, cluster_, topology_, resolve_faults(scenario, topology_),
        scenario.random_faults, root_.fork("nemesis"), scenario.quiet_start());
    schedule_probes();
    // 20 samples of replication metadata across the run show whether compaction keeps it bounded.
    const Duration every{std::max<int64_t>(scenario.duration.ns / 20, 1)};
    for (Instant at{every.ns}; at <= Instant{scenario.duration.ns}; at += every)
      loop_.schedule(at, metadata_kind_, 0, 0);
  }

  RunResult run(uint64_t seed, const RunOptions& options) {
    for (auto& node : cluster_.nodes()) node->start();
    loop_.run_until(Instant{scenario_.duration.ns});
    RunResult result;
    result.seed = seed;
    result.trace_hash = loop_.trace().value();
    judge(result);
    result.metrics =
        collect_metrics(MetricsSources{loop_, network_, cluster_, *workload_, kDataService});
    result.metrics["storage"]["metadata_bytes_samples"] = std::move(metadata_samples_);
    // Read staleness is measured only when its check is on (it walks the history); its
    // percentiles then sit beside the op latencies too.
    if (const auto staleness = result.checks.find("staleness"); staleness != result.checks.end()) {
      Value percentiles = staleness->second.details;
      percentiles.erase("max_p99_ns");
      percentiles.erase("stalest");
      result.metrics["staleness_ns"] = std::move(percentiles);
    }
    result.faults = nemesis_->log();
    if (options.keep_history) result.history = workload_->take_history();
    return result;
  }

  void on_event(const Event& event) override {
    if (event.kind == metadata_kind_) {
      sample_metadata();
    } else {
      on_probe();
    }
  }

 private:
  // Convergence probes run the whole run at one interval, one pending at a time (each schedules
  // the next). From when client ops stop (or the quiet phase starts) every probe samples the
  // replicas. Before that, a probe samples only if no op reached a PoP and no fault ended since
  // the previous probe; otherwise it just tells the tracker that the replicas may have changed
  // unseen. So a run whose last op or heal comes early (few clients, a sparse workload) is judged
  // from that moment, not from the quiet phase, while a busy run pays almost nothing before its
  // quiet phase (observe() is O(state)).
  void schedule_probes() {
    if (!scenario_.checks.convergence) return;  // nothing reads the samples
    sample_from_ = std::min(scenario_.workload_stop(), scenario_.quiet_start());
    // ~200 samples at >= 10 ms apart: 10 ms resolves time-to-converge well below any link
    // latency that matters.
    const Instant end{scenario_.duration.ns};
    probe_interval_ = Duration{std::max<int64_t>(10'000'000, (end - sample_from_).ns / 200)};
    // Aligned so that one probe falls on sample_from_.
    loop_.schedule(Instant{sample_from_.ns % probe_interval_.ns}, probe_kind_, 0, 0);
  }

  void on_probe() {
    probe();
    const Instant end{scenario_.duration.ns};
    if (loop_.now() < end)
      loop_.schedule(std::min(loop_.now() + probe_interval_, end), probe_kind_, 0, 0);
  }

  // The latest moment client ops or faults changed the system (the convergence reference).
  Instant last_disturbance() const {
    return std::max(nemesis_->last_recovery(), workload_->last_arrival());
  }

  void probe() {
    const Instant disturbance = last_disturbance();
    const bool disturbed = disturbance != last_seen_disturbance_;
    last_seen_disturbance_ = disturbance;
    if (loop_.now() < sample_from_ && disturbed) {
      convergence_.forget();
      return;
    }
    // Digests first: when they differ, the replicas do (observing a large state on every probe was
    // half of a run with 100,000 keys). Equal digests are confirmed by observing.
    std::set<uint64_t> digests;
    bool every_replica_digests = true;
    uint32_t live = 0;
    for (const auto& node : cluster_.nodes()) {
      if (!node->up()) continue;
      ++live;
      const std::optional<uint64_t> digest = node->observe_digest(kDataService);
      every_replica_digests = every_replica_digests && digest.has_value();
      if (digest) digests.insert(*digest);
    }
    if (every_replica_digests && digests.size() > 1) {
      convergence_.sample(loop_.now(), live, static_cast<uint32_t>(digests.size()));
      return;
    }
    std::set<std::string_view> distinct;
    for (const auto& node : cluster_.nodes()) {
      if (node->up()) distinct.insert(observed_dump(*node));
    }
    convergence_.sample(loop_.now(), live, static_cast<uint32_t>(distinct.size()));
  }

  // The replica's observed value in a canonical encoding (MessagePack: equal bytes for equal
  // values, and a third cheaper to produce than JSON text, which was a tenth of an OR-set run),
  // re-observed only if it may have changed.
  const std::string& observed_dump(const Node& node) {
    const std::optional<uint64_t> version = node.observe_version(kDataService);
    ObservedValue& cached = observed_[node.id()];
    if (!version || cached.version != version) {
      cached.dump.clear();
      Value::to_msgpack(node.observe(kDataService), cached.dump);
      cached.version = version;
    }
    return cached.dump;
  }

  // Total metadata bytes over the live replicas, as [time_ns, bytes].
  void sample_metadata() {
    uint64_t bytes = 0;
    for (const auto& node : cluster_.nodes()) {
      if (node->up()) bytes += node->metadata_bytes(kDataService);
    }
    metadata_samples_.push_back(Value::array({loop_.now().ns, bytes}));
  }

  const Node* first_live_node() const {
    for (const auto& node : cluster_.nodes()) {
      if (node->up()) return node.get();
    }
    return nullptr;
  }

  // How the live replicas differ now; nullopt when they are equal.
  std::optional<Divergence> divergence() const {
    std::vector<std::pair<std::string, Value>> observed;
    for (const auto& node : cluster_.nodes()) {
      if (node->up()) observed.emplace_back(node->name(), node->observe(kDataService));
    }
    Divergence divergence = describe_divergence(observed);
    if (divergence.groups.size() <= 1) return std::nullopt;
    return divergence;
  }

  // The live replicas observe equal values: their digests must be equal too (Replica's contract).
  // The probe trusts differing digests without observing, so a digest that lies reads as a run
  // that never converged.
  void require_equal_digests() const {
    const Node* first = nullptr;
    std::optional<uint64_t> first_digest;
    for (const auto& node : cluster_.nodes()) {
      if (!node->up()) continue;
      const std::optional<uint64_t> digest = node->observe_digest(kDataService);
      if (!digest) return;
      if (first == nullptr) {
        first = node.get();
        first_digest = digest;
      } else if (digest != first_digest) {
        throw EngineError(fmt::format(
            "on nodes {} (#{}) and {} (#{}) at the end: observe() gives equal values but "
            "observe_digest() gives {:016x} and {:016x} (equal observations must give equal "
            "digests)",
            first->name(), first->id(), node->name(), node->id(), *first_digest, *digest));
      }
    }
  }

  // A replica's observe_version() must move whenever observe() may change (Replica's contract).
  // The probe re-observes only replicas whose version moved, so a version that lies could make a
  // run that never converged look converged: each replica the probe last saw at its current
  // version is observed once more, and must be as the probe saw it.
  void require_honest_versions() const {
    for (const auto& node : cluster_.nodes()) {
      const auto cached = observed_.find(node->id());
      if (!node->up() || cached == observed_.end() || !cached->second.version) continue;
      const std::optional<uint64_t> version = node->observe_version(kDataService);
      if (version != cached->second.version) continue;
      std::string dump;
      Value::to_msgpack(node->observe(kDataService), dump);
      if (dump != cached->second.dump) {
        throw EngineError(fmt::format(
            "on node {} (#{}) at the end: observe() changed while observe_version() stayed {} "
            "(the version must move whenever the observed value may)",
            node->name(), node->id(), *version));
      }
    }
  }

  void judge(RunResult& result) {
    const ChecksSpec& checks = scenario_.checks;
    const Instant reference = last_disturbance();
    const Node* node = first_live_node();
    const ConvergenceVerdict verdict = convergence_.verdict(
        reference, checks.convergence ? checks.convergence->within : Duration{0});
    // Each replica is observed once more, to hold its version to what the probe saw; only a run
    // that did not converge is looked at again as a whole, for how it diverged (observe() is
    // O(state)).
    if (checks.convergence) require_honest_versions();
    std::optional<Divergence> diverged;
    if (checks.convergence && !verdict.converged) {
      diverged = divergence();
      if (!diverged) require_equal_digests();
    }
    const JudgeInputs inputs{checks,
                             workload_->history(),
                             workload_->type(),
                             node ? node->observe(kDataService) : Value::object(),
                             verdict,
                             std::move(diverged),
                             workload_->read_latency(),
                             workload_->write_latency()};
    result.checks = judge_run(inputs);
    for (const auto& [name, outcome] : result.checks) result.ok = result.ok && outcome.ok;
  }

  const Scenario& scenario_;
  Prng root_;
  EventLoop loop_;
  Topology topology_;
  Cluster cluster_;
  Network network_;
  EventKind probe_kind_;
  EventKind metadata_kind_;
  Value metadata_samples_ = Value::array();
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ClientWorkload> workload_;
  std::unique_ptr<Nemesis> nemesis_;
  ConvergenceTracker convergence_;
  Instant sample_from_{0};  // probes from here on always sample
  Duration probe_interval_{0};
  Instant last_seen_disturbance_{0};  // last_disturbance() at the previous probe
  struct ObservedValue {
    std::optional<uint64_t> version;
    std::string dump;
  };
  std::map<NodeId, ObservedValue> observed_;
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, uint64_t seed, const EngineRegistry& engines,
                       const RunOptions& options) {
  const RunContext context{scenario.path.empty() ? scenario.name : scenario.path, seed};
  const RunContextScope scope(&context);
  // Both errors come from inside the run, where neither the seed nor the engine's name is known.
  try {
    Simulation simulation(scenario, seed, engines, options.loop_limits);
    return simulation.run(seed, options);
  } catch (const EngineError& e) {
    throw EngineError(fmt::format("seed {}: engine `{}` {}", seed, scenario.engine.name, e.what()));
  } catch (const RunawayError& e) {
    throw EngineError(
        fmt::format("seed {}: engine `{}`: {}", seed, scenario.engine.name, e.what()));
  }
}

}  // namespace edgesim

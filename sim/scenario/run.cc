#include "sim/scenario/run.h"

#include <memory>

#include <fmt/format.h>
#include <set>

#include "sim/check/convergence.h"
#include "sim/check/linearizability.h"
#include "sim/check/lost_updates.h"
#include "sim/check/no_lost_writes.h"
#include "sim/check/session_guarantees.h"
#include "sim/check/staleness.h"
#include "sim/core/assert.h"
#include "sim/node/cluster.h"
#include "sim/scenario/build.h"
#include "sim/scenario/run_metrics.h"
#include "sim/workload/client_workload.h"

namespace edgesim {
namespace {

constexpr ServiceId kDataService = 0;

// One seed's world: every component, wired together, plus the convergence probe.
class Simulation final : public EventHandler {
 public:
  Simulation(const Scenario& scenario, uint64_t seed, const EngineRegistry& engines)
      : scenario_(scenario),
        root_(seed),
        topology_(build_topology(scenario)),
        cluster_(loop_, topology_),
        network_(loop_, topology_, root_, cluster_),
        probe_kind_(loop_.register_kind("probe", this)) {
    const EngineInfo* info = engines.find(scenario.engine.name);
    EDGESIM_ASSERT(info != nullptr, "engine {} is not registered", scenario.engine.name);
    engine_ = info->factory(scenario.engine.params);
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
      node.add_replica(kDataService, engine_->make_replica(id), peers,
                       root_.fork("node/" + topology_.pop(id).name));
    }
    nemesis_ = std::make_unique<Nemesis>(loop_, network_, cluster_, topology_,
                                         resolve_faults(scenario, topology_), scenario.random_faults,
                                         root_.fork("nemesis"), scenario.quiet_start());
    schedule_probes();
  }

  RunResult run(uint64_t seed, const RunOptions& options) {
    for (auto& node : cluster_.nodes()) node->start();
    loop_.run_until(Instant{scenario_.duration.ns});
    RunResult result;
    result.seed = seed;
    result.trace_hash = loop_.trace().value();
    judge(result);
    result.metrics = collect_metrics(MetricsSources{loop_, network_, cluster_, *workload_, kDataService});
    result.faults = nemesis_->log();
    if (options.keep_history) result.history = workload_->take_history();
    return result;
  }

  void on_event(const Event&) override { probe(); }

 private:
  void schedule_probes() {
    // Sample from when client ops stop (or the quiet phase starts) to the end of the run.
    const Instant from = std::min(scenario_.workload_stop(), scenario_.quiet_start());
    const Instant end{scenario_.duration.ns};
    // At most ~200 samples at >= 10 ms apart: observe() is O(state), and 10 ms resolves
    // time-to-converge well below any link latency that matters.
    const Duration interval{std::max<int64_t>(10'000'000, (end - from).ns / 200)};
    for (Instant at = from; at < end; at += interval) loop_.schedule(at, probe_kind_, 0, 0);
    loop_.schedule(end, probe_kind_, 0, 0);
  }

  void probe() {
    std::set<std::string> distinct;
    uint32_t live = 0;
    for (const auto& node : cluster_.nodes()) {
      if (!node->up()) continue;
      ++live;
      distinct.insert(node->replica(kDataService).observe().dump());
    }
    convergence_.sample(loop_.now(), live, static_cast<uint32_t>(distinct.size()));
  }

  const Replica* first_live_replica() const {
    for (const auto& node : cluster_.nodes()) {
      if (node->up()) return &node->replica(kDataService);
    }
    return nullptr;
  }

  void judge(RunResult& result) {
    const ChecksSpec& checks = scenario_.checks;
    const Instant reference = std::max(nemesis_->last_recovery(), workload_->last_arrival());
    if (checks.convergence) {
      const ConvergenceVerdict v = convergence_.verdict(reference, checks.convergence->within);
      CheckOutcome& outcome = result.checks["convergence"];
      outcome.ok = v.ok;
      outcome.details["converged"] = v.converged;
      outcome.details["within_ns"] = v.within.ns;
      outcome.details["reference_ns"] = v.reference.ns;
      outcome.details["time_to_converge_ns"] =
          v.time_to_converge ? Value(v.time_to_converge->ns) : Value(nullptr);
      outcome.details["live_replicas"] = v.live_replicas;
      outcome.details["distinct_values"] = v.distinct_values;
    }
    if (checks.lost_updates) {
      const Replica* replica = first_live_replica();
      const Value final_values = replica ? replica->observe() : Value::object();
      const LostUpdatesResult lost = find_lost_updates(workload_->history(), final_values);
      CheckOutcome& outcome = result.checks["lost_updates"];
      outcome.ok = !checks.lost_updates->max || lost.count <= *checks.lost_updates->max;
      outcome.details["count"] = lost.count;
      outcome.details["acked_writes"] = lost.acked_writes;
      outcome.details["max"] = checks.lost_updates->max ? Value(*checks.lost_updates->max) : Value(nullptr);
      Value examples = Value::array();
      for (const LostUpdate& l : lost.examples) {
        examples.push_back({{"key", l.key}, {"lost_op", l.lost_op}, {"winner_op", l.winner_op}});
      }
      outcome.details["examples"] = std::move(examples);
    }
    if (checks.no_lost_writes) judge_lost_writes(result);
    if (checks.claims) judge_claims(result, *checks.claims);
    if (checks.bounds) judge_bounds(result, *checks.bounds);
    if (checks.linearizability) judge_linearizability(result, *checks.linearizability);
    if (checks.session_guarantees) judge_sessions(result);
    if (checks.staleness) judge_staleness(result, *checks.staleness);
    for (const auto& [name, outcome] : result.checks) result.ok = result.ok && outcome.ok;
  }

  void judge_lost_writes(RunResult& result) {
    const Replica* replica = first_live_replica();
    const Value final_values = replica ? replica->observe() : Value::object();
    const NoLostWritesResult lost = find_lost_writes(workload_->type(), workload_->history(), final_values);
    CheckOutcome& outcome = result.checks["no_lost_writes"];
    outcome.ok = lost.ok();
    outcome.details["lost"] = lost.lost;
    outcome.details["checked"] = lost.checked;
    Value examples = Value::array();
    for (const LostWrite& l : lost.examples) examples.push_back({{"op", l.op}, {"key", l.key}, {"what", l.what}});
    outcome.details["examples"] = std::move(examples);
  }

  void judge_sessions(RunResult& result) {
    const SessionGuaranteesResult sessions = check_session_guarantees(workload_->history());
    CheckOutcome& outcome = result.checks["session_guarantees"];
    outcome.ok = sessions.ok();
    outcome.details = {{"sessions", sessions.sessions}, {"violations", sessions.violations}};
    Value examples = Value::array();
    for (const SessionViolation& v : sessions.examples) {
      examples.push_back({{"guarantee", v.guarantee}, {"session", v.session}, {"key", v.key}, {"ops", v.ops}, {"nodes", v.nodes}});
    }
    outcome.details["examples"] = std::move(examples);
  }

  void judge_linearizability(RunResult& result, const LinearizabilityCheckSpec& spec) {
    LinearizabilityOptions options;
    uint64_t polls = 0;  // the search polls every 1024 steps; a step budget keeps runs deterministic
    options.should_stop = [&] { return ++polls * 1024 > spec.budget_steps; };
    const LinearizabilityResult lin = check_linearizability(workload_->history(), options);
    uint64_t illegal = 0, unknown = 0;
    Value keys = Value::array();
    for (const KeyVerdict& k : lin.failures) {
      (k.verdict == Verdict::kIllegal ? illegal : unknown) += 1;
      if (keys.size() < 5) keys.push_back(k.key);
    }
    CheckOutcome& outcome = result.checks["linearizability"];
    outcome.ok = lin.verdict == Verdict::kOk;
    outcome.details = {{"result", verdict_name(lin.verdict)}, {"keys", lin.keys}, {"illegal_keys", illegal},
                       {"unknown_keys", unknown}, {"failing_keys", std::move(keys)}};
  }

  void judge_bounds(RunResult& result, const BoundsSpec& spec) {
    CheckOutcome& outcome = result.checks["bounds"];
    uint64_t violations = 0;
    Value examples = Value::array();
    auto judge = [&](const Value& value, const std::string& where) {
      if (!value.is_number_integer()) return;
      const int64_t v = value.get<int64_t>();
      if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
        ++violations;
        if (examples.size() < 5) examples.push_back(fmt::format("{}: {}", where, v));
      }
    };
    for (const HistoryOp& op : workload_->history()) {
      if (op.f == "read" && op.status == OpStatus::kOk) judge(op.out, fmt::format("read op {} of {}", op.id, op.key));
    }
    if (const Replica* replica = first_live_replica()) {
      const Value final_values = replica->observe();
      for (auto it = final_values.begin(); it != final_values.end(); ++it) judge(it.value(), "final " + it.key());
    }
    outcome.ok = violations == 0;
    outcome.details = {{"violations", violations}, {"examples", std::move(examples)},
                       {"min", spec.min ? Value(*spec.min) : Value(nullptr)}, {"max", spec.max ? Value(*spec.max) : Value(nullptr)}};
  }

  // Runs after convergence was judged (it reads its time-to-converge).
  void judge_claims(RunResult& result, const ClaimsSpec& spec) {
    CheckOutcome& outcome = result.checks["claims"];
    bool all_met = true;
    auto claim = [&](const char* name, const std::optional<Duration>& bound, std::optional<int64_t> measured) {
      if (!bound) return;
      const bool met = measured && *measured <= bound->ns;
      all_met = all_met && met;
      outcome.details[name] = {{"claim_ns", bound->ns}, {"measured_ns", measured ? Value(*measured) : Value(nullptr)}, {"met", met}};
    };
    claim("read_p99", spec.read_p99, workload_->read_latency().percentile(99));
    claim("write_p99", spec.write_p99, workload_->write_latency().percentile(99));
    std::optional<int64_t> converged;
    const Value& ttc = result.checks.at("convergence").details.at("time_to_converge_ns");
    if (!ttc.is_null()) converged = ttc.get<int64_t>();
    claim("convergence", spec.convergence, converged);
    outcome.details["all_met"] = all_met;
    outcome.details["enforce"] = spec.enforce;
    outcome.ok = all_met || !spec.enforce;
  }

  void judge_staleness(RunResult& result, const StalenessCheckSpec& spec) {
    const Histogram staleness = read_staleness(workload_->history());
    CheckOutcome& outcome = result.checks["staleness"];
    outcome.details = histogram_json(staleness);
    outcome.details["max_p99_ns"] = spec.max_p99 ? Value(spec.max_p99->ns) : Value(nullptr);
    outcome.ok = !spec.max_p99 || staleness.percentile(99) <= spec.max_p99->ns;
  }

  const Scenario& scenario_;
  Prng root_;
  EventLoop loop_;
  Topology topology_;
  Cluster cluster_;
  Network network_;
  EventKind probe_kind_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ClientWorkload> workload_;
  std::unique_ptr<Nemesis> nemesis_;
  ConvergenceTracker convergence_;
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, uint64_t seed, const EngineRegistry& engines,
                       const RunOptions& options) {
  const RunContext context{scenario.path.empty() ? scenario.name : scenario.path, seed};
  const RunContextScope scope(&context);
  Simulation simulation(scenario, seed, engines);
  return simulation.run(seed, options);
}

}  // namespace edgesim

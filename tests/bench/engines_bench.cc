// Per-engine throughput: simulated client ops per wall-clock second in a fixed 9-PoP scenario
// (engines-bench.yaml: 3 regions x 3 PoPs, 45 clients at 100 ops/s each, 5 s simulated, no
// faults), how fast simulated time passes and how many ops clients complete per simulated second
// (their product is the first), and replication metadata bytes per op at the end of the run.
// scripts/bench writes reports/bench/engines.json.
//
// Baseline, in the same run: `bench.noop`, an engine that answers every op at once and never
// replicates. Its rate is what the harness alone (workload, history, events, checks) allows, the
// ceiling for every real engine; the report gives each engine's ratio to it. A second reference,
// `bench.broadcast`, also sends one small message per update to every peer and drops what it
// receives: the harness plus the network, the ceiling for an engine that pushes each write to
// every replica (lww) whatever the engine itself costs.
//
// Besides each engine with default parameters, a few other configurations run as
// `BM_Engine/ENGINE@PATH=VALUE`, one scenario override each (lww coalescing its pushes, RGA on one
// document every client edits); the report lists them apart.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/register_builtin.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run.h"

namespace edgesim {
namespace {

class NoopReplica final : public Replica {
 public:
  void on_start(NodeContext&) override {}
  void on_op(NodeContext& context, const Op& op) override {
    context.complete(op.id, Result::success());
  }
  void on_message(NodeContext&, NodeId, std::string_view) override {}
  void on_timer(NodeContext&, TimerId) override {}
  void on_crash() override {}
  Value observe() const override { return Value::object(); }
  std::optional<uint64_t> observe_version() const override { return 0; }
};

class BroadcastReplica final : public Replica {
 public:
  void on_start(NodeContext&) override {}
  void on_op(NodeContext& context, const Op& op) override {
    if (op.f != "read") {
      // About what an LWW push of one small entry weighs: key, op id, a stamp.
      context.send_to_peers(op.key + std::string(24, 'x'));
    }
    context.complete(op.id, Result::success());
  }
  void on_message(NodeContext&, NodeId, std::string_view) override {}
  void on_timer(NodeContext&, TimerId) override {}
  void on_crash() override {}
  Value observe() const override { return Value::object(); }
  std::optional<uint64_t> observe_version() const override { return 0; }
};

template <typename R>
class ReferenceEngine final : public Engine {
 public:
  std::unique_ptr<Replica> make_replica(NodeId) override { return std::make_unique<R>(); }
};

template <typename R>
void register_reference_engine(EngineRegistry& engines, std::string name, std::string help) {
  EngineInfo info;
  info.name = std::move(name);
  info.help = std::move(help);
  info.factory = [](const EngineParams&) -> std::unique_ptr<Engine> {
    return std::make_unique<ReferenceEngine<R>>();
  };
  engines.add(std::move(info));
}

void register_reference_engines(EngineRegistry& engines) {
  register_reference_engine<NoopReplica>(
      engines, "bench.noop",
      "answers every op at once, never replicates (the harness-only baseline)");
  register_reference_engine<BroadcastReplica>(
      engines, "bench.broadcast",
      "bench.noop plus one small message per update to every peer, dropped");
}

struct BenchCase {
  std::string engine;
  std::string type;
  std::string setting;  // "" (defaults) or one scenario override, "path=value"
};

void BM_Engine(benchmark::State& state, const BenchCase& bench) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  register_reference_engines(engines);
  std::vector<Override> overrides = {{"engine.name", bench.engine}, {"workload.type", bench.type}};
  if (!bench.setting.empty()) overrides.push_back(parse_override(bench.setting));
  const Scenario scenario =
      load_scenario_file(EDGESIM_SOURCE_DIR "/tests/bench/engines-bench.yaml", engines, overrides);
  uint64_t ops = 0;
  double metadata_per_op = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    const RunResult result = run_scenario(scenario, seed++, engines);
    const uint64_t run_ops = result.metrics.at("ops").at("total").get<uint64_t>();
    ops += run_ops;
    metadata_per_op =
        double(result.metrics.at("storage").at("metadata_bytes").get<uint64_t>()) / double(run_ops);
  }
  const double simulated_s = double(state.iterations()) * double(scenario.duration.ns) / 1e9;
  state.counters["client_ops_per_s"] = benchmark::Counter(double(ops), benchmark::Counter::kIsRate);
  // How fast simulated time passes, whatever the clients do with it: an engine whose clients wait
  // on round trips (delta_sync writes go to the authority) completes fewer ops per simulated
  // second, and client_ops_per_s counts that against it.
  state.counters["simulated_s_per_s"] =
      benchmark::Counter(simulated_s, benchmark::Counter::kIsRate);
  state.counters["client_ops_per_simulated_s"] = double(ops) / simulated_s;
  state.counters["metadata_bytes_per_op"] = metadata_per_op;
}

void register_benchmarks() {
  const BenchCase cases[] = {
      {"bench.noop", "kv", ""},
      {"bench.broadcast", "kv", ""},
      {"lww", "kv", ""},
      {"crdt.pn_counter", "counter", ""},
      {"crdt.or_set", "set", ""},
      {"crdt.mv_register", "kv", ""},
      {"crdt.lww_map", "map", ""},
      {"crdt.rga", "text", ""},
      {"delta_sync", "kv", ""},
      {"hybrid", "counter", ""},
      {"lww", "kv", "engine.params.push_interval=10ms"},
      // One document every client edits, the usual shape of collaborative editing: each op
      // works on a long document.
      {"crdt.rga", "text", "workload.keys=1"},
  };
  for (const BenchCase& bench : cases) {
    const std::string name =
        "BM_Engine/" + bench.engine + (bench.setting.empty() ? "" : "@" + bench.setting);
    benchmark::RegisterBenchmark(name.c_str(),
                                 [bench](benchmark::State& s) { BM_Engine(s, bench); })
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5);
  }
}

}  // namespace
}  // namespace edgesim

int main(int argc, char** argv) {
  edgesim::register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

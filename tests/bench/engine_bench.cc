// Gossip benchmark of the simulator's hot path (issue 2): N nodes, every delivered message makes
// its receiver send one message to a random peer, 1-5 ms link latency, 1% loss (a lost message is
// re-sent at once, so the number in flight stays constant). Measured through the real Network,
// EventLoop and TraceHash, and, in the same run, as a bare std::priority_queue loop doing the same
// work without the simulator. scripts/bench turns the output into reports/bench/engine.json.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "sim/core/event_loop.h"
#include "sim/core/prng.h"
#include "sim/net/network.h"

namespace edgesim {
namespace {

constexpr int64_t kMinLatencyNs = 1'000'000;
constexpr int64_t kMaxLatencyNs = 5'000'000;
constexpr double kLoss = 0.01;
constexpr int64_t kMessagesPerIteration = 1'000'000;

// The baseline: the same gossip on a bare heap, with the same generator and draws.
void BM_BareHeap(benchmark::State& state) {
  const auto nodes = static_cast<uint32_t>(state.range(0));
  const auto in_flight = static_cast<size_t>(state.range(1));
  struct Entry {
    int64_t at;
    uint64_t seq;
    uint32_t to;
    bool operator>(const Entry& other) const {
      return at > other.at || (at == other.at && seq > other.seq);
    }
  };
  std::vector<Entry> storage;
  storage.reserve(in_flight + 1);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue(std::greater<>{},
                                                                       std::move(storage));
  Prng prng(1);
  uint64_t seq = 0;
  auto send = [&](int64_t now) {
    while (prng.bernoulli(kLoss)) {
    }
    const auto to = static_cast<uint32_t>(prng.uniform(nodes));
    queue.push(Entry{now + prng.uniform_int(kMinLatencyNs, kMaxLatencyNs), seq++, to});
  };
  for (size_t i = 0; i < in_flight; ++i) send(0);
  uint64_t checksum = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < kMessagesPerIteration; ++i) {
      const Entry top = queue.top();
      queue.pop();
      checksum += top.to;
      send(top.at);
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetItemsProcessed(state.iterations() * kMessagesPerIteration);
  state.counters["bytes_per_pending"] = double(sizeof(Entry));
  state.counters["queue_bytes_per_pending"] = double(sizeof(Entry));
}

// The simulator: every delivery makes its receiver send an 8-byte message to a random node, through
// the Network.
class Gossip final : public MessageSink {
 public:
  Gossip(uint32_t nodes, size_t in_flight) : nodes_(nodes) {
    LinkSpec mesh;
    mesh.latency =
        LatencyModel{LatencyKind::kUniform, Duration{kMinLatencyNs}, Duration{kMaxLatencyNs}, 0};
    mesh.loss_ratio = kLoss;
    const uint32_t region = topology_.add_region("bench", mesh);
    for (uint32_t i = 0; i < nodes; ++i) topology_.add_pop(region, "n" + std::to_string(i));
    topology_.finalize();
    network_ = std::make_unique<Network>(loop_, topology_, Prng(1), *this);
    for (size_t i = 0; i < in_flight; ++i) send(static_cast<NodeId>(prng_.uniform(nodes)));
  }
  bool on_deliver(NodeId to, NodeId, ServiceId, std::string_view) override {
    send(to);
    return true;
  }
  void run(int64_t messages) {
    for (int64_t i = 0; i < messages; ++i) loop_.step();
  }
  // Everything held per message in flight: queue entries and the payload pool.
  double bytes_per_pending() const {
    return double(loop_.queue_bytes() + network_->pool_bytes()) / double(loop_.pending());
  }
  double queue_bytes_per_pending() const {
    return double(loop_.queue_bytes()) / double(loop_.pending());
  }
  uint64_t trace() const { return loop_.trace().value(); }

 private:
  void send(NodeId from, std::string&& bytes = std::string(8, 'g')) {
    // Re-send lost messages at once so the number in flight stays constant, like the baseline.
    for (;;) {
      const uint64_t lost_before = network_->stats().dropped_loss;
      network_->send(from, static_cast<NodeId>(prng_.uniform(nodes_)), 0, std::move(bytes));
      if (network_->stats().dropped_loss == lost_before) return;
      bytes = std::string(8, 'g');
    }
  }
  uint32_t nodes_;
  Topology topology_;
  EventLoop loop_;
  std::unique_ptr<Network> network_;
  Prng prng_{2};
};

void BM_Simulator(benchmark::State& state) {
  Gossip gossip(static_cast<uint32_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  for (auto _ : state) gossip.run(kMessagesPerIteration);
  benchmark::DoNotOptimize(gossip.trace());
  state.SetItemsProcessed(state.iterations() * kMessagesPerIteration);
  state.counters["bytes_per_pending"] = gossip.bytes_per_pending();
  state.counters["queue_bytes_per_pending"] = gossip.queue_bytes_per_pending();
}

// Registered size by size, baseline then simulator, so both see the same machine conditions.
void register_benchmarks() {
  for (int64_t nodes : {100, 1000}) {
    for (int64_t in_flight : {1'000, 100'000, 1'000'000}) {
      for (auto [name, function] :
           {std::pair{"BM_BareHeap", &BM_BareHeap}, std::pair{"BM_Simulator", &BM_Simulator}}) {
        benchmark::RegisterBenchmark(name, function)
            ->Args({nodes, in_flight})
            ->ArgNames({"nodes", "in_flight"})
            ->Unit(benchmark::kMillisecond)
            ->MinTime(0.5);
      }
    }
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

#include "sim/scenario/run_metrics.h"

#include <algorithm>

namespace edgesim {

Value histogram_json(const Histogram& histogram) {
  return Value{{"count", histogram.count()},      {"p50", histogram.percentile(50)},
               {"p90", histogram.percentile(90)}, {"p99", histogram.percentile(99)},
               {"max", histogram.max()},          {"mean", static_cast<int64_t>(histogram.mean())}};
}

Value collect_metrics(const MetricsSources& sources) {
  Value metrics = Value::object();
  metrics["sim_time_ns"] = sources.loop.now().ns;
  metrics["events"] = sources.loop.dispatched();

  uint64_t ok = 0, fail = 0, info = 0;
  for (const HistoryOp& op : sources.workload.history()) {
    if (op.status == OpStatus::kOk) ++ok;
    if (op.status == OpStatus::kFail) ++fail;
    if (op.status == OpStatus::kInfo) ++info;
  }
  metrics["ops"] = {
      {"total", sources.workload.history().size()}, {"ok", ok}, {"fail", fail}, {"info", info}};
  metrics["sessions"] = {{"moves", sources.workload.moves()}};
  metrics["latency_ns"] = {{"read", histogram_json(sources.workload.read_latency())},
                           {"write", histogram_json(sources.workload.write_latency())}};

  const NetworkStats& net = sources.network.stats();
  metrics["network"] = {{"sent", net.sent},
                        {"delivered", net.delivered},
                        {"duplicated", net.duplicated},
                        {"dropped_loss", net.dropped_loss},
                        {"dropped_partition", net.dropped_partition},
                        {"dropped_down", net.dropped_down},
                        {"bytes_sent", net.bytes_sent},
                        {"bytes_delivered", net.bytes_delivered}};

  Value engine = Value::object();
  for (const auto& node : sources.cluster.nodes()) {
    if (!node->hosts(sources.service)) continue;
    const Value stats = node->stats(sources.service);
    for (auto it = stats.begin(); it != stats.end(); ++it) {
      if (!it.value().is_number()) continue;
      engine[it.key()] = engine.value(it.key(), int64_t{0}) + it.value().get<int64_t>();
    }
  }
  metrics["engine"] = std::move(engine);

  uint64_t durable_writes = 0, durable_bytes = 0, metadata_bytes = 0, metadata_bytes_max = 0;
  uint64_t replicas = 0;
  for (const auto& node : sources.cluster.nodes()) {
    if (!node->hosts(sources.service)) continue;
    ++replicas;
    durable_writes += node->durable(sources.service).writes();
    durable_bytes += node->durable(sources.service).bytes();
    const uint64_t held = node->metadata_bytes(sources.service);
    metadata_bytes += held;
    metadata_bytes_max = std::max(metadata_bytes_max, held);
  }
  // Per replica too: what one edge node must hold is what sizes it.
  metrics["storage"] = {
      {"durable_writes", durable_writes},
      {"durable_bytes", durable_bytes},
      {"metadata_bytes", metadata_bytes},
      {"metadata_bytes_per_replica",
       {{"mean", replicas == 0 ? 0 : metadata_bytes / replicas}, {"max", metadata_bytes_max}}}};
  return metrics;
}

}  // namespace edgesim

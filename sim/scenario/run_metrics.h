#pragma once
// Collects a run's metrics into JSON: ops by status, latency percentiles by f, network counters,
// storage and metadata sizes. Keys are stable: the --json summary and Python read them.

#include "sim/core/event_loop.h"
#include "sim/engine/value.h"
#include "sim/net/network.h"
#include "sim/node/cluster.h"
#include "sim/workload/client_workload.h"

namespace edgesim {

struct MetricsSources {
  const EventLoop& loop;
  const Network& network;
  const Cluster& cluster;
  const ClientWorkload& workload;
  ServiceId service;
};

Value collect_metrics(const MetricsSources& sources);
Value histogram_json(const Histogram& histogram);

}  // namespace edgesim

#include "models/crdt/sync_options.h"

namespace edgesim::models {

std::vector<ParamSpec> sync_param_specs() {
  return {
      {"sync",
       ParamType::kEnum,
       "delta",
       {"state", "delta", "digest"},
       INT64_MIN,
       INT64_MAX,
       "state: full states; delta: delta-state with acks; digest: digest-gated anti-entropy"},
      {"sync_interval",
       ParamType::kDuration,
       int64_t{200'000'000},
       {},
       1'000'000,
       INT64_MAX,
       "sync round period"},
      {"fanout", ParamType::kInt, 1, {}, 1, 64, "peers per sync round, taken in turn"},
      {"batch", ParamType::kInt, 256, {}, 1, 1'000'000, "max delta groups per message"},
      {"relay",
       ParamType::kBool,
       false,
       {},
       INT64_MIN,
       INT64_MAX,
       "delta: also pass on what others' deltas brought (epidemic), not only this replica's own"},
      {"max_buffer", ParamType::kInt, 4096, {}, 1, 10'000'000, "delta buffer bound"},
      {"snapshot_every",
       ParamType::kInt,
       64,
       {},
       1,
       1'000'000,
       "write-ahead records between snapshots (at least)"},
      {"snapshot_log_percent",
       ParamType::kInt,
       100,
       {},
       0,
       1'000'000,
       "a snapshot also waits until the log holds this % of the last snapshot's bytes (0: records "
       "alone)"},
  };
}

SyncOptions sync_options_from(const EngineParams& params) {
  SyncOptions options;
  const std::string mode = params.string("sync");
  options.mode = mode == "state"    ? SyncMode::kState
                 : mode == "digest" ? SyncMode::kDigest
                                    : SyncMode::kDelta;
  options.interval = params.duration("sync_interval");
  options.fanout = static_cast<uint32_t>(params.integer("fanout"));
  options.batch = static_cast<uint32_t>(params.integer("batch"));
  options.relay = params.flag("relay");
  options.max_buffer = static_cast<uint32_t>(params.integer("max_buffer"));
  options.snapshot_every = static_cast<uint32_t>(params.integer("snapshot_every"));
  options.snapshot_log_percent = static_cast<uint32_t>(params.integer("snapshot_log_percent"));
  return options;
}

}  // namespace edgesim::models

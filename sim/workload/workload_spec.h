#pragma once
// Parameters of the kv workload: closed-loop clients, each attached to one PoP, issuing reads and
// writes of unique values.

#include <cstdint>
#include <optional>

#include "sim/core/time.h"
#include "sim/net/link_model.h"

namespace edgesim {

enum class KeyDistribution { kUniform, kZipf };

struct WorkloadSpec {
  uint32_t clients_count = 9;             // spread round-robin over regions, then PoPs
  Duration think_time{100'000'000};       // mean pause between a client's ops (1 / rate)
  double read_ratio = 0.5;                // in [0, 1]
  uint32_t keys_count = 10;               // >= 1; keys are k0 .. k<N-1>
  KeyDistribution key_distribution = KeyDistribution::kZipf;
  double zipf_exponent = 1.0;             // > 0
  Duration timeout{1'000'000'000};        // an op without an answer by then is "info"
  LatencyModel access_latency;            // client <-> PoP, one way; default constant 0
  Duration start{0};
  std::optional<Duration> stop;           // default: when the quiet phase starts
};

}  // namespace edgesim

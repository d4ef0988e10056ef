#pragma once
// Parameters of the client workload: closed-loop clients, each attached to one PoP, issuing ops
// of one data type with unique written values.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/net/link_model.h"

namespace edgesim {

enum class KeyDistribution { kUniform, kZipf };

// The data type clients operate on, which decides the ops they issue:
//   kv: read, write;  counter: incr, read;  set: add, remove, read;
//   map: write, delete, read;  text: insert, delete, read.
enum class DataType { kKv, kCounter, kSet, kMap, kText };

// A window in which clients think `factor` times faster (a vote storm, a flash sale).
struct Burst {
  Duration at{0};
  Duration lasts{0};
  uint32_t factor = 1;
};

struct WorkloadSpec {
  DataType type = DataType::kKv;
  uint32_t clients_count = 9;  // spread round-robin over regions, then PoPs
  // Mean pause between a client's ops (1 / rate). Client i uses think_times[i mod size]: one entry
  // for uniform clients, several for a mix of heavy and light ones. Never empty.
  std::vector<Duration> think_times{Duration{100'000'000}};
  std::map<std::string, double> mix;  // op -> weight; empty = the type's default mix
  double read_ratio = 0.5;            // kv only, when `mix` is empty
  uint32_t keys_count = 10;           // >= 1; keys are k0 .. k<N-1>
  KeyDistribution key_distribution = KeyDistribution::kZipf;
  double zipf_exponent = 1.0;       // > 0
  Duration timeout{1'000'000'000};  // an op without an answer by then is "info"
  LatencyModel access_latency;      // client <-> PoP, one way; default constant 0
  Duration start{0};
  std::optional<Duration> stop;  // default: when the quiet phase starts
  std::vector<Burst> bursts;
  int64_t incr_min = 1;  // counter increments are uniform in [incr_min, incr_max]
  int64_t incr_max = 1;
  // Session mobility: each client moves to another PoP after exponentially distributed times of
  // this mean (none if unset), within its current region or anywhere. A move takes effect at the
  // client's next op, so an op is always answered by the PoP it was sent to.
  std::optional<Duration> move_every;
  bool move_within_region = false;

  Duration think_time_of(uint32_t client) const { return think_times[client % think_times.size()]; }
};

const char* data_type_name(DataType type);
// The ops a data type's clients issue, and their default weights.
std::map<std::string, double> default_mix(DataType type);

}  // namespace edgesim

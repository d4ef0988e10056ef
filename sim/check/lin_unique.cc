#include "sim/check/lin_unique.h"

#include <algorithm>
#include <climits>

namespace edgesim {
namespace {

struct Cluster {
  int64_t earliest_return = INT64_MAX;  // f
  int64_t latest_call = INT64_MIN;      // s
  bool read = false;                    // some read returned this value
  bool info_write = false;
};

struct Zone {
  int64_t low, high;
};

// Forward zones must be pairwise disjoint (touching is fine); a backward zone must not lie strictly
// inside one. `forward` is sorted by low end on return.
bool zones_compatible(std::vector<Zone>& forward, const std::vector<Zone>& backward) {
  std::sort(forward.begin(), forward.end(),
            [](const Zone& a, const Zone& b) { return a.low < b.low; });
  for (size_t i = 1; i < forward.size(); ++i) {
    // Disjoint so far, so the previous zone reaches furthest right.
    if (forward[i].low < forward[i - 1].high) return false;
  }
  for (const Zone& zone : backward) {
    // The forward zone starting last before zone.low is the only candidate: disjoint forward zones
    // sorted by low end are sorted by high end too.
    const auto after = std::partition_point(forward.begin(), forward.end(),
                                            [&](const Zone& f) { return f.low < zone.low; });
    if (after != forward.begin() && zone.high < std::prev(after)->high) return false;
  }
  return true;
}

}  // namespace

std::optional<bool> unique_values_linearizable(const std::vector<LinOp>& ops, StateId initial) {
  StateId max_id = initial;
  for (const LinOp& op : ops) {
    if (op.kind != LinKind::kRead && op.kind != LinKind::kWrite) return std::nullopt;
    max_id = std::max(max_id, op.a);
  }
  // cluster_of[value]: 0 = nobody wrote it; otherwise the index into `clusters` plus one.
  std::vector<uint32_t> cluster_of(size_t(max_id) + 1, 0);
  std::vector<Cluster> clusters(1);  // clusters[0]: the initial value, written at -infinity
  clusters[0].earliest_return = INT64_MIN;
  cluster_of[initial] = 1;
  std::vector<int64_t> write_call(1, INT64_MIN);
  for (const LinOp& op : ops) {
    if (op.kind != LinKind::kWrite) continue;
    if (cluster_of[op.a] != 0) return std::nullopt;  // a value written twice (or the initial one)
    cluster_of[op.a] = uint32_t(clusters.size() + 1);
    Cluster cluster;
    cluster.earliest_return = op.ret;
    cluster.latest_call = op.call;
    cluster.info_write = op.info;
    clusters.push_back(cluster);
    write_call.push_back(op.call);
  }
  for (const LinOp& op : ops) {
    if (op.kind != LinKind::kRead || op.info) continue;
    if (cluster_of[op.a] == 0) return false;  // a value nobody wrote
    const size_t index = cluster_of[op.a] - 1;
    if (op.ret < write_call[index]) return false;  // returned before its write was called
    Cluster& cluster = clusters[index];
    cluster.read = true;
    cluster.earliest_return = std::min(cluster.earliest_return, op.ret);
    cluster.latest_call = std::max(cluster.latest_call, op.call);
  }
  std::vector<Zone> forward, backward;
  for (const Cluster& cluster : clusters) {
    if (cluster.info_write && !cluster.read) continue;  // may never have taken effect
    if (cluster.latest_call == INT64_MIN) continue;     // the initial value, never read
    if (cluster.earliest_return < cluster.latest_call) {
      forward.push_back(Zone{cluster.earliest_return, cluster.latest_call});
    } else {
      backward.push_back(Zone{cluster.latest_call, cluster.earliest_return});
    }
  }
  return zones_compatible(forward, backward);
}

}  // namespace edgesim

#pragma once
// delta_sync: server-authoritative state with edge caches (the "server-authoritative delta sync"
// pattern).
//
// Keys are split into ranges by hash; each range has one authority node (`authorities`: node
// indices in peer order, range i -> authorities[i mod n]). The authority holds the truth: per key
// a version and a value, written to its durable store before it answers, so a restarted
// authority resumes where it was. Every other node is an edge with a cache of (version, value).
//
// Writes are optimistic: the edge sends the authority the new value together with the version it
// was computed from; the authority applies it only if that is still the current version (and the
// value respects `max_value`), otherwise it rejects with the current version and value, and the
// edge retries from the refreshed cache, up to `max_retries` times. Each proposal carries its op's
// id, and the authority remembers (durably, per key) the ops it applied for as long as copies of
// their proposals can still arrive: a network duplicate of an applied proposal, or the retry the
// edge makes when the duplicate's reject overtakes the accept, is answered as accepted instead of
// being applied twice. incr is a read-modify-write
// on the edge's cached value, so the version check is what prevents lost updates. Accepted
// deltas are batched and pushed to every edge every `batch_interval`; edges also resync
// (read-repair) every `resync_interval` by sending their versions and receiving newer entries,
// which repairs caches after a partition heals. Reads are served from the cache (`reads: local`,
// possibly stale) or by the authority (`reads: authority`, a round trip).
//
// An edge that cannot reach the authority never answers the op (the client times out: the write
// may or may not have happened), and never invents a result.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/registry.h"

namespace edgesim::models {

struct DeltaSyncOptions {
  std::vector<uint32_t> authorities{0};     // peer indices of the range authorities; default node 0
  bool reads_at_authority = false;          // reads: local | authority; default local
  Duration batch_interval{20'000'000};      // authority push period; default 20ms
  Duration resync_interval{500'000'000};    // edge read-repair period; default 500ms
  Duration request_timeout{1'000'000'000};  // edge gives up on an authority request; default 1s
  uint32_t max_retries = 5;                 // per client write, after rejections
  std::optional<int64_t> max_value;         // counters: reject increments beyond it (inventory)
  bool check_versions = true;               // false only for the planted-bug test
};

std::unique_ptr<Engine> make_delta_sync_engine(const DeltaSyncOptions& options);
// Options from validated parameters (the loader checked `authorities` against the topology).
DeltaSyncOptions delta_sync_options_from(const EngineParams& params);
EngineInfo delta_sync_engine_info();

}  // namespace edgesim::models

#pragma once
// How CRDT replicas exchange state (shared by every crdt.* engine).
//   state:  every sync_interval, send the full state to `fanout` peers, taken in turn from an
//           order shuffled anew for each pass over the peers (randomized round-robin).
//   delta:  delta-state sync (Almeida et al., Algorithm 2): local ops go into a delta buffer, one
//           group per sync round; each peer gets the join of the groups it has not acked, or the
//           full state if it fell behind the buffer; buffers shrink as every peer acks. With
//           `relay`, what a received delta changed is buffered too and passed on (epidemic: a
//           delta crosses a partial partition through a bridge; `fanout` peers per round, in
//           turn as in state).
//           Without it (the default) each replica ships only its own deltas, every round to every
//           peer still missing some (and heartbeats to `fanout` up-to-date peers in turn): about
//           8 deliveries of an op on 9 PoPs instead of 72; after a heal every buffer still
//           reaches every peer.
//   digest: send a digest; only a peer whose digest differs answers with its state (and the
//           first side answers back if it still differs): anti-entropy that is silent when in sync.

#include <cstdint>
#include <vector>

#include "sim/engine/registry.h"

namespace edgesim::models {

enum class SyncMode { kState, kDelta, kDigest };

struct SyncOptions {
  SyncMode mode = SyncMode::kDelta;     // default delta
  Duration interval{200'000'000};       // sync round period; default 200ms
  uint32_t fanout = 1;                  // peers per round; default 1
  uint32_t batch = 256;                 // max delta groups per message; default 256
  bool relay = false;                   // delta: pass on others' deltas too; default false
  uint32_t max_buffer = 4096;           // delta buffer bound (older peers get full state)
  uint32_t snapshot_every = 64;         // write-ahead records between durable snapshots (at least)
  uint32_t snapshot_log_percent = 100;  // and log bytes, as % of the last snapshot's, before one
};

std::vector<ParamSpec> sync_param_specs();
SyncOptions sync_options_from(const EngineParams& params);

}  // namespace edgesim::models

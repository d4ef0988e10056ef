#pragma once
// hybrid: local-first CRDTs for instant UX, reconciled into an authoritative event log that wins
// for the keys marked authoritative (the "CRDT + event-sourcing hybrid").
//
// Every replica runs a local CRDT replica (delta sync between PoPs) and answers ops at once: a
// crdt.pn_counter replica for counter workloads, a crdt.lww_map replica for map and kv workloads
// (log_kinds.h). Each increment, write or delete is also an event (origin, seq, key, change) kept
// in the replica's durable outbox; every `reconcile_interval` the outbox goes to the authority,
// which appends events in per-origin order to its durable log exactly once (duplicates and gaps
// are skipped), folds them into the log's values (a counter's total; a field's last value in log
// order), acknowledges, and publishes the values to every replica. Reads of authoritative keys
// (`authoritative_keys`: comma-separated, or "*") return the published values (what the log says,
// which may lag), reads of the others the local CRDT value.

#include <memory>

#include "sim/engine/registry.h"

namespace edgesim::models {

EngineInfo hybrid_engine_info();

}  // namespace edgesim::models

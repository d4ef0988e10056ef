#pragma once
// hybrid: local-first CRDT counters for instant UX, reconciled into an authoritative event log
// that wins for the keys marked authoritative (the "CRDT + event-sourcing hybrid").
//
// Every replica runs a crdt.pn_counter replica (delta sync between PoPs) and answers increments
// at once. Each increment is also an event (origin, seq, key, by) kept in the replica's durable
// outbox; every `reconcile_interval` the outbox goes to the authority, which appends events in
// per-origin order to its durable log exactly once (duplicates and gaps are skipped), folds them
// into authoritative totals, acknowledges, and publishes the totals to every replica. Reads of
// authoritative keys (`authoritative_keys`: comma-separated, or "*") return the published totals
// (what the log says, which may lag), reads of the others the local CRDT value.

#include <memory>

#include "sim/engine/registry.h"

namespace edgesim::models {

EngineInfo hybrid_engine_info();

}  // namespace edgesim::models

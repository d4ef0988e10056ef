#pragma once
#include "sim/engine/registry.h"

namespace edgesim::models {
// crdt.pn_counter, crdt.or_set, crdt.mv_register, crdt.lww_map, crdt.rga.
void register_crdt_engines(EngineRegistry& registry);
}  // namespace edgesim::models

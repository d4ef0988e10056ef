#include "models/crdt/register_crdts.h"

#include "models/crdt/crdt_replica.h"
#include "models/crdt/lww_register.h"
#include "models/crdt/or_set.h"
#include "models/crdt/pn_counter.h"
#include "models/crdt/rga.h"

namespace edgesim::models {

void register_crdt_engines(EngineRegistry& registry) {
  registry.add(crdt_engine_info<PnCounter>("crdt.pn_counter", "PN-counter per key (incr, read)",
                                           {"counter"}));
  registry.add(crdt_engine_info<OrSet>(
      "crdt.or_set", "add-wins OR-set per key (add, remove, read); no tombstones", {"set"}));
  registry.add(crdt_engine_info<MvRegister>("crdt.mv_register",
                                            "multi-value register per key (write, read)", {"kv"}));
  registry.add(crdt_engine_info<LwwRegister>(
      "crdt.lww_map", "LWW map with HLC stamps (write, delete, read)", {"map", "kv"}));
  registry.add(crdt_engine_info<Rga>(
      "crdt.rga", "RGA text per key (insert, delete, read); stable tombstones collected",
      {"text"}));
}

}  // namespace edgesim::models

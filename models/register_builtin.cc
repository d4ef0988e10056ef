#include "models/register_builtin.h"

#include "models/crdt/register_crdts.h"
#include "models/delta_sync/delta_sync.h"
#include "models/hybrid/hybrid.h"
#include "models/lww/lww_map.h"

namespace edgesim {

void register_builtin_engines(EngineRegistry& registry) {
  registry.add(models::lww_engine_info());
  models::register_crdt_engines(registry);
  registry.add(models::delta_sync_engine_info());
  registry.add(models::hybrid_engine_info());
}

}  // namespace edgesim

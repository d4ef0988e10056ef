#include "models/register_builtin.h"

#include "models/lww/lww_map.h"

namespace edgesim {

void register_builtin_engines(EngineRegistry& registry) { registry.add(models::lww_engine_info()); }

}  // namespace edgesim

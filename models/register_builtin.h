#pragma once
// Registers every built-in engine. Called explicitly by the CLI, the tests and the Python module
// (static self-registration from a static library is dropped by the linker).

#include "sim/engine/registry.h"

namespace edgesim {

void register_builtin_engines(EngineRegistry& registry);

}  // namespace edgesim

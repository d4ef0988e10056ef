#include "sim/core/assert.h"

#include <cstdio>
#include <cstdlib>

namespace edgesim {
namespace {
// The run an assertion failure names for its replay command: set and restored around each run on
// its own thread, read only when failing, so it never reaches a run's output.
thread_local const RunContext* current_run = nullptr;  // determinism-lint: allowed
}  // namespace

RunContextScope::RunContextScope(const RunContext* context) : previous_(current_run) {
  current_run = context;
}

RunContextScope::~RunContextScope() { current_run = previous_; }

void assert_fail(const char* condition, const char* file, int line, const std::string& message) {
  if (current_run != nullptr) {
    std::fprintf(
        stderr,
        "edgesim: assertion failed in seed %llu of %s (replay: edgesim run %s --seed %llu)\n",
        static_cast<unsigned long long>(current_run->seed), current_run->scenario_path.c_str(),
        current_run->scenario_path.c_str(), static_cast<unsigned long long>(current_run->seed));
  }
  std::fprintf(stderr, "edgesim: %s:%d: assertion `%s` failed%s%s\n", file, line, condition,
               message.empty() ? "" : ": ", message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace edgesim

#pragma once
// EDGESIM_ASSERT stays on in every build type. A failure prints the run's seed and scenario first
// (so the run can be replayed), then the condition, location and message, and aborts.

#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace edgesim {

// Describes the run executing on this thread, for assertion messages. Set by RunContextScope.
struct RunContext {
  std::string scenario_path;
  uint64_t seed = 0;
};

// Installs `context` as this thread's current run for its lifetime (runs nest; the previous one is
// restored).
class RunContextScope {
 public:
  explicit RunContextScope(const RunContext* context);
  ~RunContextScope();
  RunContextScope(const RunContextScope&) = delete;
  RunContextScope& operator=(const RunContextScope&) = delete;

 private:
  const RunContext* previous_;
};

[[noreturn]] void assert_fail(const char* condition, const char* file, int line,
                              const std::string& message);

}  // namespace edgesim

#define EDGESIM_ASSERT(cond, ...)                                                       \
  do {                                                                                  \
    if (!(cond)) [[unlikely]] {                                                         \
      ::edgesim::assert_fail(#cond, __FILE__, __LINE__, ::fmt::format("" __VA_ARGS__)); \
    }                                                                                   \
  } while (0)

#pragma once
// The edgesim subcommands. Each returns the process exit code: 0 all checks held, 1 a property was
// violated, 2 bad input or usage, 3 inconclusive.

#include <cstdint>
#include <string>
#include <vector>

namespace edgesim {

class EngineRegistry;

constexpr int kExitOk = 0;
constexpr int kExitViolated = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInconclusive = 3;

struct RunCommandOptions {
  std::string scenario_path;
  std::string seed;   // "N"
  std::string seeds;  // "A..B"
  unsigned jobs = 1;
  std::vector<std::string> overrides;  // "path=value"
  std::string report_dir;
  bool json = false;
  std::string history_path;
  std::string shard;     // "I/N", 0-based I
  double timeout_s = 0;  // wall seconds per seed; past it the command exits 3. 0: none
};

struct CheckCommandOptions {
  std::vector<std::string> files;  // "-" reads standard input
  std::string model = "kv";        // kv | register
  std::string init = "null";       // JSON: every key's initial value
  double timeout_s = 60;           // per file; past it the verdict is unknown
  bool json = false;
  std::string report_dir;  // HTML timelines of failing keys, one page per history that is not ok
};

int run_command(const RunCommandOptions& options);
// The same with the engines of `engines` (tests add engines that are not built in).
int run_command(const RunCommandOptions& options, const EngineRegistry& engines);
int check_command(const CheckCommandOptions& options);
int validate_command(const std::string& scenario_path, const std::vector<std::string>& overrides);
int engines_command();

}  // namespace edgesim

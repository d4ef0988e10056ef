// `edgesim run`, `edgesim validate` and `edgesim engines`.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>

#include "models/register_builtin.h"
#include "sim/cli/commands.h"
#include "sim/cli/output_file.h"
#include "sim/cli/seed_pool.h"
#include "sim/engine/engine_error.h"
#include "sim/report/summary.h"
#include "sim/scenario/loader.h"

namespace edgesim {
namespace {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

uint64_t parse_seed_number(const std::string& text, const std::string& flag) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError(fmt::format("{}: `{}` is not a seed (a non-negative integer)", flag, text));
  }
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("{}: `{}` is too large", flag, text));
  }
}

std::vector<uint64_t> choose_seeds(const RunCommandOptions& options, const Scenario& scenario) {
  uint64_t first = scenario.seed_first, last = scenario.seed_last;
  if (!options.seed.empty()) {
    first = last = parse_seed_number(options.seed, "--seed");
  } else if (!options.seeds.empty()) {
    const size_t dots = options.seeds.find("..");
    if (dots == std::string::npos) throw UsageError("--seeds: expected A..B, e.g. --seeds 1..100");
    first = parse_seed_number(options.seeds.substr(0, dots), "--seeds");
    last = parse_seed_number(options.seeds.substr(dots + 2), "--seeds");
    if (last < first) throw UsageError("--seeds: A..B needs A <= B");
    if (last - first >= 10'000'000) throw UsageError("--seeds: at most 10,000,000 seeds per run");
  }
  uint64_t shard = 0, shards = 1;
  if (!options.shard.empty()) {
    const size_t slash = options.shard.find('/');
    if (slash == std::string::npos) throw UsageError("--shard: expected I/N, e.g. --shard 0/4");
    shard = parse_seed_number(options.shard.substr(0, slash), "--shard");
    shards = parse_seed_number(options.shard.substr(slash + 1), "--shard");
    if (shards == 0 || shard >= shards) throw UsageError("--shard: I/N needs 0 <= I < N");
  }
  std::vector<uint64_t> seeds;
  for (uint64_t s = first, index = 0;; ++s, ++index) {
    if (index % shards == shard) seeds.push_back(s);
    if (s == last) break;
  }
  return seeds;
}

std::vector<Override> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<Override> overrides;
  for (const std::string& text : texts) overrides.push_back(parse_override(text));
  return overrides;
}

std::string replay_suffix(const RunCommandOptions& options) {
  std::string suffix;
  for (const std::string& o : options.overrides) suffix += fmt::format(" --set '{}'", o);
  return suffix;
}

std::string history_path_for(const std::string& path, uint64_t seed, size_t seeds_count) {
  if (seeds_count == 1) return path;
  const std::filesystem::path p(path);
  return (p.parent_path() /
          fmt::format("{}.seed-{}{}", p.stem().string(), seed, p.extension().string()))
      .string();
}

void print_failures(std::FILE* out, const Scenario& scenario, const std::vector<RunResult>& results,
                    const RunCommandOptions& options) {
  for (const RunResult& r : results) {
    if (r.ok) continue;
    std::vector<std::string> failed;
    for (const auto& [name, check] : r.checks) {
      if (!check.ok) failed.push_back(name);
    }
    std::fprintf(out, "FAIL seed %llu: %s violated; replay: %s%s\n",
                 static_cast<unsigned long long>(r.seed),
                 fmt::format("{}", fmt::join(failed, ", ")).c_str(),
                 replay_command(scenario, r.seed).c_str(), replay_suffix(options).c_str());
  }
}

// "8 of 10 seeds passed every check; violated: no_lost_writes (2 seeds), convergence (1 seed)":
// in a sweep, which checks failed how often, most often first.
std::string sweep_line(const std::vector<RunResult>& results) {
  size_t passed = 0;
  std::map<std::string, size_t> seeds_by_check;
  for (const RunResult& r : results) {
    passed += r.ok ? 1 : 0;
    for (const auto& [name, check] : r.checks) seeds_by_check[name] += check.ok ? 0 : 1;
  }
  std::vector<std::pair<std::string, size_t>> violated;
  for (const auto& [name, seeds] : seeds_by_check)
    if (seeds > 0) violated.emplace_back(name, seeds);
  std::stable_sort(violated.begin(), violated.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text = fmt::format("{} of {} seeds passed every check", passed, results.size());
  for (size_t i = 0; i < violated.size(); ++i) {
    text += fmt::format("{}{} ({} seed{})", i == 0 ? "; violated: " : ", ", violated[i].first,
                        violated[i].second, violated[i].second == 1 ? "" : "s");
  }
  return text + "\n";
}

// A seed past --timeout cannot be stopped (its engine may be stuck inside a callback): the
// command ends here, before anything is written, as inconclusive.
[[noreturn]] void stop_at_timeout(uint64_t seed, double timeout_s, bool after_progress_line) {
  std::fflush(stdout);
  std::fprintf(
      stderr,
      "%sedgesim: error: seed %llu did not finish within --timeout %gs of wall time (an "
      "engine stuck in a loop, or a run longer than the bound); stopped, nothing written\n",
      after_progress_line ? "\n" : "", static_cast<unsigned long long>(seed), timeout_s);
  std::fflush(stderr);
  std::_Exit(kExitInconclusive);
}

int run_loaded(const RunCommandOptions& options, const Scenario& scenario,
               const EngineRegistry& engines) {
  const std::vector<uint64_t> seeds = choose_seeds(options, scenario);
  // Output paths are checked before the seeds run, not found wanting after.
  if (!options.history_path.empty()) check_output_directory_of(options.history_path);
  if (!options.report_dir.empty()) check_output_directory_creatable(options.report_dir);
  const bool show_progress = !options.json && seeds.size() > 1 && isatty(STDERR_FILENO);
  auto progress = [&](size_t done, size_t total, size_t failed) {
    if (!show_progress) return;
    std::fprintf(stderr, "\r[%zu/%zu] seeds done, %zu failed", done, total, failed);
    if (done == total) std::fputc('\n', stderr);
    std::fflush(stderr);
  };
  const SeedTimeout timeout{options.timeout_s, [&](uint64_t seed) {
                              stop_at_timeout(seed, options.timeout_s, show_progress);
                            }};
  const std::vector<RunResult> results = run_seeds(
      scenario, seeds, engines, options.jobs, !options.history_path.empty(), progress, timeout);
  bool ok = true;
  for (const RunResult& r : results) ok = ok && r.ok;

  if (!options.history_path.empty()) {
    for (const RunResult& r : results) {
      std::ostringstream text;
      write_history(text, r.history);
      write_file_atomically(history_path_for(options.history_path, r.seed, results.size()),
                            text.str());
    }
  }
  const Value summary = summary_json(scenario, results);
  std::string text = describe_scenario(scenario) + "\n";
  for (const RunResult& r : results) text += describe_run(r) + "\n";
  text += sweep_line(results);
  if (!options.report_dir.empty()) {
    create_output_directory(options.report_dir);
    write_file_atomically(options.report_dir + "/summary.json", json_text(summary, 2) + "\n");
    write_file_atomically(options.report_dir + "/summary.txt", text);
    for (const RunResult& r : results) {
      for (const auto& [name, check] : r.checks) {
        if (check.report_html.empty()) continue;
        write_file_atomically(fmt::format("{}/{}-seed-{}.html", options.report_dir, name, r.seed),
                              check.report_html);
      }
    }
  }
  if (options.json) {
    print_failures(stderr, scenario, results, options);
    std::cout << json_text(summary) << std::endl;
  } else {
    print_failures(stdout, scenario, results, options);
    std::cout << text << std::flush;
  }
  return ok ? kExitOk : kExitViolated;
}

}  // namespace

int run_command(const RunCommandOptions& options) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  return run_command(options, engines);
}

int run_command(const RunCommandOptions& options, const EngineRegistry& engines) {
  try {
    const Scenario scenario =
        load_scenario_file(options.scenario_path, engines, parse_overrides(options.overrides));
    return run_loaded(options, scenario, engines);
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
  } catch (const UsageError& e) {
    std::fprintf(stderr, "edgesim: error: %s\n", e.what());
  } catch (const OutputError& e) {
    std::fprintf(stderr, "edgesim: error: %s\n", e.what());
  } catch (const EngineError& e) {
    std::fprintf(stderr, "edgesim: error: %s\n", e.what());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: error: %s\n", options.scenario_path.c_str(), e.what());
  }
  return kExitBadInput;
}

int validate_command(const std::string& scenario_path, const std::vector<std::string>& overrides) {
  EngineRegistry engines;
  register_builtin_engines(engines);
  try {
    const Scenario scenario =
        load_scenario_file(scenario_path, engines, parse_overrides(overrides));
    std::printf("%s: ok (scenario %s, engine %s)\n", scenario_path.c_str(), scenario.name.c_str(),
                scenario.engine.name.c_str());
    return kExitOk;
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return kExitBadInput;
  }
}

int engines_command() {
  EngineRegistry engines;
  register_builtin_engines(engines);
  for (const auto& [name, info] : engines.all()) {
    std::printf("%s — %s\n", name.c_str(), info.help.c_str());
    if (!info.workloads.empty())
      std::printf("  %-16s %s\n", "workload.type",
                  fmt::format("{}", fmt::join(info.workloads, " | ")).c_str());
    for (const ParamSpec& p : info.params) {
      std::printf("  %-16s %s (default %s): %s\n", p.name.c_str(), describe_param(p).c_str(),
                  p.type == ParamType::kDuration
                      ? format_duration(Duration{p.default_value.get<int64_t>()}).c_str()
                      : p.default_value.dump().c_str(),
                  p.help.c_str());
    }
  }
  return kExitOk;
}

}  // namespace edgesim

// `edgesim check`: linearizability of history files on their own.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/check/linearizability.h"
#include "sim/cli/commands.h"

namespace edgesim {
namespace {

Value failure_json(const KeyVerdict& k) {
  return {{"key", k.key}, {"result", verdict_name(k.verdict)}, {"ops", k.ops},
          {"longest_linearizable_prefix", k.longest_prefix}, {"involved", k.involved}};
}

std::string failure_text(const KeyVerdict& k) {
  return fmt::format("  key {:?}: {} ({} ops: {})\n  longest linearizable prefix: [{}]\n", k.key,
                     verdict_name(k.verdict), k.ops, fmt::join(k.involved, ", "), fmt::join(k.longest_prefix, ", "));
}

}  // namespace

int check_command(const CheckCommandOptions& options) {
  LinearizabilityOptions check;
  check.model = options.model == "register" ? LinearizabilityModel::kRegister : LinearizabilityModel::kKv;
  check.initial = Value::parse(options.init, nullptr, false);
  if (check.initial.is_discarded()) {
    std::fprintf(stderr, "edgesim: error: --init: `%s` is not JSON\n", options.init.c_str());
    return kExitBadInput;
  }
  bool bad_input = false, illegal = false, unknown = false;
  Value reports = Value::array();
  for (const std::string& file : options.files) {
    History history;
    try {
      if (file == "-") {
        history = read_history(std::cin, "<stdin>");
      } else {
        std::ifstream in(file);
        if (!in) throw HistoryError(file + ": cannot read the history file");
        history = read_history(in, file);
      }
    } catch (const HistoryError& e) {
      std::fprintf(stderr, "%s\n", e.what());
      bad_input = true;
      continue;
    }
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration<double>(options.timeout_s);
    check.should_stop = [&] { return std::chrono::steady_clock::now() > deadline; };
    const LinearizabilityResult result = check_linearizability(history, check);
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    illegal = illegal || result.verdict == Verdict::kIllegal;
    unknown = unknown || result.verdict == Verdict::kUnknown;
    Value failures = Value::array();
    for (const KeyVerdict& k : result.failures) failures.push_back(failure_json(k));
    reports.push_back({{"file", file}, {"result", verdict_name(result.verdict)}, {"ops", result.ops},
                       {"keys", result.keys}, {"elapsed_ms", elapsed_ms}, {"failures", std::move(failures)}});
    if (!options.json) {
      std::printf("%s: %s (%zu ops, %zu keys, %.2f ms)\n", file.c_str(), verdict_name(result.verdict), result.ops,
                  result.keys, elapsed_ms);
      if (!result.failures.empty()) std::fputs(failure_text(result.failures.front()).c_str(), stdout);
    }
  }
  if (options.json) std::cout << (reports.size() == 1 ? reports[0] : reports).dump() << std::endl;
  if (bad_input) return kExitBadInput;
  if (illegal) return kExitViolated;
  if (unknown) return kExitInconclusive;
  return kExitOk;
}

}  // namespace edgesim

// `edgesim check`: linearizability of history files on their own.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/check/linearizability.h"
#include "sim/cli/commands.h"
#include "sim/cli/output_file.h"
#include "sim/report/timeline_html.h"

namespace edgesim {
namespace {

Value failure_json(const KeyVerdict& k) {
  return {{"key", k.key},
          {"result", verdict_name(k.verdict)},
          {"ops", k.ops},
          {"method", k.method},
          {"longest_linearizable_prefix", k.longest_prefix},
          {"prefix_values", k.prefix_states},
          {"involved", k.involved},
          {"blocked_ops", k.blocked}};
}

std::string failure_text(const KeyVerdict& k) {
  std::string text =
      fmt::format("  key {:?}: {} ({} ops: {})\n  longest linearizable prefix: [{}]\n", k.key,
                  verdict_name(k.verdict), k.ops, fmt::join(k.involved, ", "),
                  fmt::join(k.longest_prefix, ", "));
  if (k.verdict == Verdict::kIllegal) {
    text += fmt::format("  after it, no order places op(s): [{}]\n", fmt::join(k.blocked, ", "));
  }
  return text;
}

// DIR/<file name without .jsonl>.html; "stdin.html" for "-".
std::string report_path(const std::string& dir, const std::string& file) {
  if (file == "-") return dir + "/stdin.html";
  std::string stem = std::filesystem::path(file).filename().string();
  if (stem.size() > 6 && stem.ends_with(".jsonl")) stem.resize(stem.size() - 6);
  return dir + "/" + stem + ".html";
}

void write_report(const CheckCommandOptions& options, const std::string& file,
                  const History& history, const LinearizabilityResult& result,
                  LinearizabilityModel model) {
  if (options.report_dir.empty() || result.failures.empty()) return;
  const KeyVerdict& smallest = result.failures.front();
  create_output_directory(options.report_dir);
  write_file_atomically(report_path(options.report_dir, file),
                        linearizability_timeline_html(ops_of_key(history, smallest.key, model),
                                                      smallest, file + ": linearizability"));
}

// The register/kv model's ops (lin_ops.h): anything else in a history is a mistake to report,
// not an op that makes the history illegal.
void validate_kv_op(const HistoryOp& op, const HistoryLocation& where) {
  if (op.f != "read" && op.f != "write" && op.f != "cas" && op.f != "append") {
    throw HistoryError(
        fmt::format("{}: f {:?} is not an op of the kv model (allowed: read, write, cas, append)",
                    where.of("f"), op.f));
  }
  if (op.f == "cas" && !(op.arg.is_array() && op.arg.size() == 2)) {
    throw HistoryError(
        fmt::format("{}: cas needs \"arg\": [from, to], got {}", where.of("arg"), op.arg.dump()));
  }
  if (op.f == "cas" && op.status == OpStatus::kOk && !op.out.is_boolean()) {
    throw HistoryError(fmt::format("{}: an ok cas needs \"out\": true or false, got {}",
                                   where.of("out"), op.out.dump()));
  }
}

}  // namespace

int check_command(const CheckCommandOptions& options) {
  LinearizabilityOptions check;
  check.model =
      options.model == "register" ? LinearizabilityModel::kRegister : LinearizabilityModel::kKv;
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
        history = read_history(std::cin, "<stdin>", validate_kv_op);
      } else {
        if (std::filesystem::is_directory(file))
          throw HistoryError(file + ": is a directory, not a history file");
        std::ifstream in(file);
        if (!in) throw HistoryError(file + ": cannot read the history file");
        history = read_history(in, file, validate_kv_op);
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
    try {
      write_report(options, file, history, result, check.model);
    } catch (const OutputError& e) {
      std::fprintf(stderr, "edgesim: error: --report: %s\n", e.what());
      bad_input = true;
    }
    illegal = illegal || result.verdict == Verdict::kIllegal;
    unknown = unknown || result.verdict == Verdict::kUnknown;
    Value failures = Value::array();
    for (const KeyVerdict& k : result.failures) failures.push_back(failure_json(k));
    reports.push_back({{"file", file},
                       {"result", verdict_name(result.verdict)},
                       {"ops", result.ops},
                       {"keys", result.keys},
                       {"keys_by_unique_values", result.keys_by_unique_values},
                       {"elapsed_ms", elapsed_ms},
                       {"failures", std::move(failures)}});
    if (!options.json) {
      std::printf("%s: %s (%zu ops, %zu keys, %.2f ms)\n", file.c_str(),
                  verdict_name(result.verdict), result.ops, result.keys, elapsed_ms);
      if (!result.failures.empty())
        std::fputs(failure_text(result.failures.front()).c_str(), stdout);
    }
  }
  if (options.json) std::cout << (reports.size() == 1 ? reports[0] : reports).dump() << std::endl;
  if (bad_input) return kExitBadInput;
  if (illegal) return kExitViolated;
  if (unknown) return kExitInconclusive;
  return kExitOk;
}

}  // namespace edgesim

// edgesim: the command-line entry point (see DESIGN.md, "CLI contract").
#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/version.h"
#include "sim/core/time.h"

namespace {

// --timeout's values: seconds ("30", "0.5"), or a duration with a unit as in a scenario ("90s",
// "500ms", "2m"), passed on as seconds. CLI::PositiveNumber names its range with DBL_MAX spelled
// out, 300 digits long.
CLI::Validator positive_seconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double seconds = std::strtod(text.c_str(), &end);
        if (!text.empty() && *end == '\0' && seconds > 0) return "";
        if (const auto duration = edgesim::parse_duration(text); duration && duration->ns > 0) {
          text = fmt::format("{}", static_cast<double>(duration->ns) / 1e9);
          return "";
        }
        return "`" + text + "` is not a positive number of seconds (or a duration: 90s, 500ms)";
      },
      "SECONDS");
}

// `run`'s options, filled into `run` when the command line is parsed.
CLI::App* add_run_command(CLI::App& app, edgesim::RunCommandOptions& run) {
  CLI::App* run_cmd = app.add_subcommand("run", "run a scenario over one or more seeds");
  run_cmd->add_option("scenario", run.scenario_path, "scenario YAML")->required();
  auto* seed = run_cmd->add_option("--seed", run.seed, "run this one seed");
  run_cmd->add_option("--seeds", run.seeds, "run seeds A..B inclusive")->excludes(seed);
  run_cmd->add_option("--jobs,-j", run.jobs, "seeds to run in parallel")
      ->check(CLI::Range(1u, 1024u));
  run_cmd->add_option("--set", run.overrides, "override a field: path=value (repeatable)");
  run_cmd->add_option(
      "--report", run.report_dir,
      "write summary.json, summary.txt and <check>-seed-N.html (failure timelines) into DIR");
  run_cmd->add_flag("--json", run.json, "print one machine-readable JSON summary");
  run_cmd->add_option("--history", run.history_path, "write the op history (JSON Lines) to FILE");
  run_cmd->add_option("--shard", run.shard, "run only shard I of N of the seeds (I/N, I from 0)");
  run_cmd
      ->add_option("--timeout", run.timeout_s,
                   "wall time per seed, in seconds or with a unit (90s, 500ms); a seed past it "
                   "stops the command (exit 3)")
      ->transform(positive_seconds());
  return run_cmd;
}

// `check`'s options, filled into `check` when the command line is parsed.
CLI::App* add_check_command(CLI::App& app, edgesim::CheckCommandOptions& check) {
  CLI::App* check_cmd = app.add_subcommand("check", "check history files for linearizability");
  check_cmd->add_option("histories", check.files, "history files (JSON Lines), or - for stdin")
      ->required();
  check_cmd->add_option("--model", check.model, "kv (per key) or register (one key)")
      ->required()
      ->check(CLI::IsMember({"kv", "register"}));
  check_cmd->add_option("--init", check.init, "initial value of every key, as JSON (default null)");
  check_cmd
      ->add_option("--timeout", check.timeout_s,
                   "wall time per file, in seconds or with a unit (90s, 500ms), before the verdict "
                   "is unknown")
      ->transform(positive_seconds());
  check_cmd->add_flag("--json", check.json,
                      "print JSON (one object, or an array for several files)");
  check_cmd->add_option(
      "--report", check.report_dir,
      "write DIR/<history>.html for each file that is not ok: the failing key on a timeline");
  return check_cmd;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgesim;
  CLI::App app{"edgesim: deterministic simulator and test harness for edge state reconciliation"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("edgesim ") + kVersion);

  RunCommandOptions run;
  CLI::App* run_cmd = add_run_command(app, run);

  std::string validate_path;
  std::vector<std::string> validate_overrides;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "check a scenario file without running it");
  validate_cmd->add_option("scenario", validate_path, "scenario YAML")->required();
  validate_cmd->add_option("--set", validate_overrides,
                           "override a field: path=value (repeatable)");

  CheckCommandOptions check;
  CLI::App* check_cmd = add_check_command(app, check);

  CLI::App* engines_cmd =
      app.add_subcommand("engines", "list the registered engines and their parameters");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "edgesim: error: %s\n(run `edgesim --help` for usage)\n", e.what());
    return kExitBadInput;
  }
  if (*run_cmd) return run_command(run);
  if (*validate_cmd) return validate_command(validate_path, validate_overrides);
  if (*check_cmd) return check_command(check);
  if (*engines_cmd) return engines_command();
  std::fputs(app.help().c_str(), stderr);
  return kExitBadInput;
}

// Planted bugs must be caught: each mutant engine replaces the real one in a shipped scenario,
// and some seed in 1..100 must violate the expected check, while the real engine passes that seed.
#include <gtest/gtest.h>

#include "models/crdt/crdt_replica.h"
#include "models/delta_sync/delta_sync.h"
#include "models/register_builtin.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run.h"
#include "tests/mutants/mutant_types.h"

namespace edgesim {
namespace {

struct MutantCase {
  const char* mutant_engine;
  const char* real_engine;
  const char* scenario;
  const char* expected_check;
};

class MutantTest : public ::testing::TestWithParam<MutantCase> {
 protected:
  MutantTest() {
    register_builtin_engines(engines_);
    engines_.add(
        models::crdt_engine_info<mutants::AddingCounter>("mutant.adding_counter", "merge adds"));
    engines_.add(models::crdt_engine_info<mutants::ContextFreeOrSet>("mutant.context_free_or_set",
                                                                     "no causal context"));
    engines_.add(models::crdt_engine_info<mutants::ArrivalTieLww>("mutant.arrival_tie_lww",
                                                                  "ties by arrival"));
    // delta_sync whose authority skips the version check: edges' read-modify-writes from stale
    // caches overwrite each other.
    EngineInfo unversioned = models::delta_sync_engine_info();
    unversioned.name = "mutant.unversioned_delta_sync";
    unversioned.factory = [](const EngineParams& params) {
      models::DeltaSyncOptions options = models::delta_sync_options_from(params);
      options.check_versions = false;
      return models::make_delta_sync_engine(options);
    };
    engines_.add(std::move(unversioned));
  }
  Scenario load(const char* scenario, const char* engine) {
    return load_scenario_file(std::string(EDGESIM_SOURCE_DIR) + "/scenarios/" + scenario, engines_,
                              {{"engine.name", engine}});
  }
  EngineRegistry engines_;
};

TEST_P(MutantTest, IsCaughtByTheExpectedCheck) {
  const MutantCase& c = GetParam();
  const Scenario mutant = load(c.scenario, c.mutant_engine);
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const RunResult result = run_scenario(mutant, seed, engines_);
    if (result.ok) continue;
    EXPECT_FALSE(result.checks.at(c.expected_check).ok)
        << c.mutant_engine << " failed seed " << seed << " but not through " << c.expected_check;
    const RunResult real = run_scenario(load(c.scenario, c.real_engine), seed, engines_);
    EXPECT_TRUE(real.ok) << c.real_engine << " fails seed " << seed << " of " << c.scenario
                         << " too";
    return;
  }
  FAIL() << c.mutant_engine << " survived seeds 1..100 of " << c.scenario;
}

INSTANTIATE_TEST_SUITE_P(PlantedBugs, MutantTest,
                         ::testing::Values(MutantCase{"mutant.adding_counter", "crdt.pn_counter",
                                                      "leaderboard.yaml", "no_lost_writes"},
                                           MutantCase{"mutant.context_free_or_set", "crdt.or_set",
                                                      "shopping-cart.yaml", "no_lost_writes"},
                                           MutantCase{"mutant.arrival_tie_lww", "crdt.lww_map",
                                                      "user-profiles.yaml", "convergence"},
                                           MutantCase{"mutant.unversioned_delta_sync", "delta_sync",
                                                      "inventory.yaml", "no_lost_writes"}),
                         [](const auto& info) {
                           return std::string(info.param.mutant_engine).substr(7);
                         });

}  // namespace
}  // namespace edgesim

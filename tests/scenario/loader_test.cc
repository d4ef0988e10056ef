#include "sim/scenario/loader.h"

#include <gtest/gtest.h>

#include "models/register_builtin.h"

namespace edgesim {
namespace {

using namespace literals;

const char* kMinimal = R"(name: minimal
topology:
  regions:
    - {name: a, pops: 2}
engine: {name: lww}
)";

class LoaderTest : public ::testing::Test {
 protected:
  LoaderTest() { register_builtin_engines(engines_); }
  Scenario load(const std::string& text, const std::vector<Override>& overrides = {}) {
    return load_scenario_text(text, "test.yaml", engines_, overrides);
  }
  std::string error_of(const std::string& text, const std::vector<Override>& overrides = {}) {
    try {
      load(text, overrides);
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "(no error)";
  }
  EngineRegistry engines_;
};

TEST_F(LoaderTest, MinimalScenarioGetsDefaults) {
  const Scenario s = load(kMinimal);
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.duration, 10_s);
  EXPECT_EQ(s.topology.regions.at(0).pops_count, 2u);
  EXPECT_EQ(s.engine.params.string("timestamps"), "hlc");
  EXPECT_EQ(s.engine.params.duration("sync_interval"), 500_ms);
}

TEST_F(LoaderTest, OverridesApplyBeforeValidation) {
  const Scenario s = load(kMinimal, {{"engine.params.timestamps", "wall"},
                                     {"workload.clients", "20"},
                                     {"topology.regions.0.pops", "5"}});
  EXPECT_EQ(s.engine.params.string("timestamps"), "wall");
  EXPECT_EQ(s.workload.clients_count, 20u);
  EXPECT_EQ(s.topology.regions[0].pops_count, 5u);
}

TEST_F(LoaderTest, BadOverrideNamesTheFlag) {
  const std::string error = error_of(kMinimal, {{"workload.clients", "lots"}});
  EXPECT_NE(error.find("--set workload.clients=lots"), std::string::npos) << error;
}

// `*` alone is not valid YAML (an alias without a name); on the command line it means itself.
TEST_F(LoaderTest, AnOverrideThatIsNotYamlIsAPlainString) {
  const Scenario s = load(std::string(kMinimal) + "workload: {type: counter}\n",
                          {{"engine.name", "hybrid"},
                           {"engine.params", "{}"},
                           {"engine.params.authoritative_keys", "*"}});
  EXPECT_EQ(s.engine.params.string("authoritative_keys"), "*");
}

// `--set key=` gives YAML null; the error says so rather than only what was expected.
TEST_F(LoaderTest, AnEmptyStringValueSaysItFoundNothing) {
  const std::string error = error_of(std::string(kMinimal) + "workload: {type: counter}\n",
                                     {{"engine.name", "hybrid"},
                                      {"engine.params", "{}"},
                                      {"engine.params.authoritative_keys", ""}});
  EXPECT_NE(error.find("--set engine.params.authoritative_keys=: error: "
                       "engine.params.authoritative_keys: expected a string, found no value"),
            std::string::npos)
      << error;
}

TEST_F(LoaderTest, AnOverrideThatOpensAListOrMapMustBeValidYaml) {
  for (const std::string value : {"[1, 2", "{min: 1ms", "\"unterminated"}) {
    const std::string error = error_of(kMinimal, {{"workload.rate", value}});
    EXPECT_NE(error.find("--set workload.rate=" + value + ": value is not valid YAML"),
              std::string::npos)
        << error;
  }
}

TEST_F(LoaderTest, AnErrorNamesTheMostSpecificOverrideThatSetTheField) {
  const std::string error = error_of(
      kMinimal,
      {{"engine.params", "{}"}, {"engine.params.timestamps", "sundial"}, {"seeds", "1..2"}});
  EXPECT_EQ(error.find("--set engine.params.timestamps=sundial: error: engine.params.timestamps"),
            0u)
      << error;
}

// An override's path counts list items with plain numbers; the error names that override, not a
// line of the file (it used to say test.yaml:1:1).
TEST_F(LoaderTest, AnErrorInAListItemNamesTheOverrideThatSetIt) {
  const std::string error = error_of(kMinimal, {{"topology.regions.0.pops", "100000"}});
  EXPECT_EQ(error.find("--set topology.regions.0.pops=100000: error: topology.regions[0].pops: "
                       "100000 is out of range"),
            0u)
      << error;
}

// A duration too large for 64-bit nanoseconds is out of range, not "expected a duration".
TEST_F(LoaderTest, AnEnormousDurationIsOutOfRange) {
  const std::string error = error_of(std::string(kMinimal) + "quiet: 100000000h\n");
  EXPECT_NE(error.find("test.yaml:6:8: error: quiet: 100000000h is out of range (allowed: 0ns or "
                       "more)"),
            std::string::npos)
      << error;
  EXPECT_NE(error_of(std::string(kMinimal) + "quiet: 5 parsecs\n").find("expected a duration"),
            std::string::npos);
}

// The hybrid serves maps with another log (log_kinds.h), which has no bound: the loader knows the
// workload type, so max_value with a map is an error at the parameter, before anything runs.
TEST_F(LoaderTest, AnEnginesOwnParameterRuleIsReportedAtTheParameter) {
  const std::string hybrid = R"(name: h
topology:
  regions:
    - {name: a, pops: 2}
engine:
  name: hybrid
  params: {max_value: 10}
)";
  const std::string error = error_of(hybrid + "workload: {type: map}\n");
  EXPECT_NE(error.find("test.yaml:7:23: error: engine.params.max_value: max_value bounds a "
                       "counter's total; a map workload has none"),
            std::string::npos)
      << error;
  const Scenario counter = load(hybrid + "workload: {type: counter}\n");
  EXPECT_EQ(counter.engine.params.integer("max_value"), 10);
  EXPECT_EQ(counter.engine.params.workload(), "counter");
}

TEST_F(LoaderTest, UnknownKeyReportsLineColumnAndAllowedKeys) {
  const std::string error = error_of(std::string(kMinimal) + "workload:\n  clinets: 3\n");
  EXPECT_NE(error.find("test.yaml:7:3"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key `clinets`"), std::string::npos) << error;
  EXPECT_NE(error.find("clients"), std::string::npos) << error;
}

TEST_F(LoaderTest, ChecksAreTurnedOnByAMapNullOrTrueAndOffByFalse) {
  const std::string with_checks = std::string(kMinimal) +
                                  "checks: {convergence: {within: 500ms}, lost_updates: , "
                                  "staleness: true, linearizability: false}\n";
  const Scenario s = load(with_checks);
  ASSERT_TRUE(s.checks.convergence);
  EXPECT_EQ(s.checks.convergence->within, 500_ms);
  EXPECT_TRUE(s.checks.lost_updates);
  EXPECT_TRUE(s.checks.staleness);
  EXPECT_FALSE(s.checks.linearizability);
  const Scenario off =
      load(with_checks, {{"checks.convergence", "false"}, {"checks.staleness", "false"}});
  EXPECT_FALSE(off.checks.convergence);
  EXPECT_FALSE(off.checks.staleness);
  EXPECT_TRUE(off.checks.lost_updates);
  const std::string error = error_of(std::string(kMinimal) + "checks:\n  lost_updates: 5\n");
  EXPECT_NE(error.find("test.yaml:7:17"), std::string::npos) << error;
  EXPECT_NE(error.find("expected a map of fields, true or false"), std::string::npos) << error;
}

TEST_F(LoaderTest, StalenessIsJudgedForEveryTypeButText) {
  const std::pair<std::string, std::string> engines_by_type[] = {{"kv", "lww"},
                                                                 {"map", "crdt.lww_map"},
                                                                 {"counter", "crdt.pn_counter"},
                                                                 {"set", "crdt.or_set"}};
  for (const auto& [type, engine] : engines_by_type) {
    const Scenario s =
        load(std::string(kMinimal) + "workload: {type: " + type + "}\nchecks: {staleness: true}\n",
             {{"engine.name", engine}});
    EXPECT_TRUE(s.checks.staleness) << type;
  }
  const std::string error =
      error_of(std::string(kMinimal) + "workload: {type: text}\nchecks: {staleness: true}\n",
               {{"engine.name", "crdt.rga"}});
  EXPECT_NE(error.find("staleness is judged for kv, map, counter and set workloads, not text"),
            std::string::npos)
      << error;
}

TEST_F(LoaderTest, SessionGuaranteesAreJudgedForEveryTypeButText) {
  const std::pair<std::string, std::string> engines_by_type[] = {{"kv", "lww"},
                                                                 {"map", "crdt.lww_map"},
                                                                 {"counter", "crdt.pn_counter"},
                                                                 {"set", "crdt.or_set"}};
  for (const auto& [type, engine] : engines_by_type) {
    const Scenario s = load(std::string(kMinimal) + "workload: {type: " + type +
                                "}\nchecks: {session_guarantees: true}\n",
                            {{"engine.name", engine}});
    EXPECT_TRUE(s.checks.session_guarantees) << type;
  }
  const std::string error = error_of(
      std::string(kMinimal) + "workload: {type: text}\nchecks: {session_guarantees: true}\n",
      {{"engine.name", "crdt.rga"}});
  EXPECT_NE(
      error.find("session guarantees are judged for kv, map, counter and set workloads, not text"),
      std::string::npos)
      << error;
}

TEST_F(LoaderTest, DurationsNeedUnits) {
  const std::string error = error_of(std::string(kMinimal) + "duration: 20\n");
  EXPECT_NE(error.find("test.yaml:6:11"), std::string::npos) << error;
  EXPECT_NE(error.find("unit"), std::string::npos) << error;
}

TEST_F(LoaderTest, RatesAreOneForAllClientsOrAListDealtInClientOrder) {
  EXPECT_EQ(load(std::string(kMinimal) + "workload: {rate: 20/s}\n").workload.think_times,
            std::vector<Duration>{50_ms});
  const WorkloadSpec w =
      load(std::string(kMinimal) + "workload: {clients: 5, rate: [100/s, 10/s]}\n").workload;
  EXPECT_EQ(w.think_times, (std::vector<Duration>{10_ms, 100_ms}));
  EXPECT_EQ(w.think_time_of(0), 10_ms);
  EXPECT_EQ(w.think_time_of(3), 100_ms);
  EXPECT_EQ(w.think_time_of(4), 10_ms);

  const std::string empty = error_of(std::string(kMinimal) + "workload: {rate: []}\n");
  EXPECT_NE(empty.find("test.yaml:6:18: error: workload.rate: a list of rates needs at least one"),
            std::string::npos)
      << empty;
  const std::string bad = error_of(std::string(kMinimal) + "workload: {rate: [5/s, fast]}\n");
  EXPECT_NE(bad.find("test.yaml:6:24: error: workload.rate[1]: expected a rate"), std::string::npos)
      << bad;
}

TEST_F(LoaderTest, EngineParamsAreTypedAndListed) {
  const std::string error = error_of(R"(name: x
topology: {regions: [{name: a}]}
engine: {name: lww, params: {timestamps: atomic}}
)");
  EXPECT_NE(error.find("test.yaml:3:42"), std::string::npos) << error;
  EXPECT_NE(error.find("wall, hlc, lamport"), std::string::npos) << error;
  EXPECT_NE(
      error_of("name: x\ntopology: {regions: [{name: a}]}\nengine: {name: paxos}\n").find("lww"),
      std::string::npos);
}

const char* kTwoRegions = R"(name: x
topology:
  regions: [{name: a, pops: 2}, {name: b, pops: 2}]
  links: [{between: [a, b], latency: 5ms}]
workload: {type: counter}
)";

TEST_F(LoaderTest, PopParamsTakeNamesOrIndicesCheckedAgainstTheTopology) {
  const std::string scenario =
      std::string(kTwoRegions) + "engine: {name: delta_sync, params: {authorities: \"b-2, 1\"}}\n";
  EXPECT_EQ(load(scenario).engine.params.nodes("authorities"), (std::vector<uint32_t>{3, 1}));
  EXPECT_EQ(load(scenario, {{"engine.params.authorities", "[a-1, 2]"}})
                .engine.params.nodes("authorities"),
            (std::vector<uint32_t>{0, 2}));
  const std::string out_of_range = error_of(scenario, {{"engine.params.authorities", "4"}});
  EXPECT_NE(out_of_range.find("`4` is not a PoP of this topology"), std::string::npos)
      << out_of_range;
  EXPECT_NE(out_of_range.find("a-1, a-2, b-1, b-2 or an index 0 to 3"), std::string::npos)
      << out_of_range;
  EXPECT_NE(error_of(scenario, {{"engine.params.authorities", "a-1,0"}}).find("listed twice"),
            std::string::npos);
  EXPECT_NE(error_of(scenario, {{"engine.params.authorities", "\"\""}}).find("at least one PoP"),
            std::string::npos);
  const std::string hybrid =
      std::string(kTwoRegions) + "engine: {name: hybrid, params: {authority: c-1}}\n";
  const std::string unknown = error_of(hybrid);
  EXPECT_NE(unknown.find("test.yaml:6:44"), std::string::npos) << unknown;
  EXPECT_EQ(load(hybrid, {{"engine.params.authority", "b-1"}}).engine.params.integer("authority"),
            2);
}

TEST_F(LoaderTest, TheEngineMustServeTheWorkloadType) {
  const std::string text_engine = std::string(kTwoRegions) + "engine: {name: crdt.rga}\n";
  const std::string error = error_of(text_engine);
  EXPECT_NE(error.find("test.yaml:5:18"), std::string::npos) << error;  // at workload.type
  EXPECT_NE(error.find("engine `crdt.rga` serves text workloads, not counter"), std::string::npos)
      << error;
  EXPECT_EQ(load(text_engine, {{"workload.type", "text"}}).workload.type, DataType::kText);
  // No workload section: the default kv type, so the error points at the engine.
  const std::string no_workload =
      error_of("name: x\ntopology: {regions: [{name: a}]}\nengine: {name: crdt.or_set}\n");
  EXPECT_NE(no_workload.find("test.yaml:3:16"), std::string::npos) << no_workload;
  EXPECT_NE(no_workload.find("serves set workloads, not kv"), std::string::npos) << no_workload;
  // Several types read as a list.
  const std::string several =
      error_of(text_engine, {{"engine.name", "delta_sync"}, {"workload.type", "set"}});
  EXPECT_NE(several.find("engine `delta_sync` serves kv, counter or map workloads, not set"),
            std::string::npos)
      << several;
}

TEST_F(LoaderTest, AFieldGivenTwiceIsAnError) {
  const std::string error =
      error_of(std::string(kMinimal) + "engine: {name: lww, params: {push: true, push: false}}\n");
  // The top-level `engine` repeats first (line 6), before its params are looked at.
  EXPECT_NE(error.find("test.yaml:6:1: error: engine: `engine` is given twice (first on line 5)"),
            std::string::npos)
      << error;
  const std::string nested = error_of(
      "name: x\ntopology: {regions: [{name: a, pops: 2, pops: 3}]}\nengine: {name: lww}\n");
  EXPECT_NE(nested.find("test.yaml:2:41: error: topology.regions[0].pops: `pops` is given twice"),
            std::string::npos)
      << nested;
}

TEST_F(LoaderTest, TopologiesHaveAtMost2048Pops) {
  const char* big = R"(name: x
topology:
  regions: [{name: a, pops: 2000}, {name: b, pops: 49}]
  links: [{between: [a, b], latency: 1ms}]
engine: {name: lww}
)";
  const std::string error = error_of(big);
  EXPECT_NE(error.find("test.yaml:3:52"), std::string::npos) << error;
  EXPECT_NE(error.find("at most 2048 PoPs; these regions have 2049"), std::string::npos) << error;
  EXPECT_EQ(load(big, {{"topology.regions.1.pops", "48"}}).topology.regions[1].pops_count, 48u);
}

TEST_F(LoaderTest, FaultTargetsMustExist) {
  const std::string error =
      error_of(std::string(kMinimal) + "faults:\n  schedule:\n    - {at: 1s, crash: b-1}\n");
  EXPECT_NE(error.find("`b-1` is neither a region nor a PoP"), std::string::npos) << error;
  EXPECT_NE(error.find("test.yaml:8:"), std::string::npos) << error;
}

// Faults end where the quiet phase starts; the error says so rather than "allowed: 1ns to 0ns".
TEST_F(LoaderTest, AFaultThatRunsIntoTheQuietPhaseSaysWhenItStarts) {
  const std::string error =
      error_of(std::string(kMinimal) +
               "duration: 2s\nquiet: 1s\nfaults:\n  schedule:\n    - {at: 1s, crash: a-1, "
               "for: 200ms}\n");
  EXPECT_NE(error.find("test.yaml:10:33: error: faults.schedule[0].for: 200ms from 1s runs into "
                       "the quiet phase, which starts at 1s (duration - quiet)"),
            std::string::npos)
      << error;
}

TEST_F(LoaderTest, DisconnectedRegionsAreRejected) {
  const std::string error = error_of(R"(name: x
topology:
  regions: [{name: a}, {name: b}, {name: c}]
  links: [{between: [a, b], latency: 5ms}]
engine: {name: lww}
)");
  // At the links, as every other scenario error is at its place (it named no position before).
  EXPECT_NE(error.find("test.yaml:4:10: error: topology.links: no route a-1 -> c-1"),
            std::string::npos)
      << error;
}

TEST_F(LoaderTest, MalformedYamlReportsItsPosition) {
  const std::string error = error_of("name: x\ntopology: {regions: [\n");
  EXPECT_NE(error.find("test.yaml:"), std::string::npos) << error;
  EXPECT_NE(error.find("not valid YAML"), std::string::npos) << error;
}

TEST_F(LoaderTest, QuietMustBeShorterThanDuration) {
  const std::string error = error_of(std::string(kMinimal) + "duration: 2s\nquiet: 5s\n");
  EXPECT_NE(error.find("test.yaml:7:8"), std::string::npos) << error;
}

}  // namespace
}  // namespace edgesim

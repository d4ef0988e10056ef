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
  const Scenario s = load(kMinimal, {{"engine.params.timestamps", "wall"}, {"workload.clients", "20"},
                                     {"topology.regions.0.pops", "5"}});
  EXPECT_EQ(s.engine.params.string("timestamps"), "wall");
  EXPECT_EQ(s.workload.clients_count, 20u);
  EXPECT_EQ(s.topology.regions[0].pops_count, 5u);
}

TEST_F(LoaderTest, BadOverrideNamesTheFlag) {
  const std::string error = error_of(kMinimal, {{"workload.clients", "lots"}});
  EXPECT_NE(error.find("--set workload.clients=lots"), std::string::npos) << error;
}

TEST_F(LoaderTest, UnknownKeyReportsLineColumnAndAllowedKeys) {
  const std::string error = error_of(std::string(kMinimal) + "workload:\n  clinets: 3\n");
  EXPECT_NE(error.find("test.yaml:7:3"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key `clinets`"), std::string::npos) << error;
  EXPECT_NE(error.find("clients"), std::string::npos) << error;
}

TEST_F(LoaderTest, DurationsNeedUnits) {
  const std::string error = error_of(std::string(kMinimal) + "duration: 20\n");
  EXPECT_NE(error.find("test.yaml:6:11"), std::string::npos) << error;
  EXPECT_NE(error.find("unit"), std::string::npos) << error;
}

TEST_F(LoaderTest, EngineParamsAreTypedAndListed) {
  const std::string error = error_of(R"(name: x
topology: {regions: [{name: a}]}
engine: {name: lww, params: {timestamps: atomic}}
)");
  EXPECT_NE(error.find("test.yaml:3:42"), std::string::npos) << error;
  EXPECT_NE(error.find("wall, hlc, lamport"), std::string::npos) << error;
  EXPECT_NE(error_of("name: x\ntopology: {regions: [{name: a}]}\nengine: {name: paxos}\n").find("lww"),
            std::string::npos);
}

TEST_F(LoaderTest, FaultTargetsMustExist) {
  const std::string error = error_of(std::string(kMinimal) + "faults:\n  schedule:\n    - {at: 1s, crash: b-1}\n");
  EXPECT_NE(error.find("`b-1` is neither a region nor a PoP"), std::string::npos) << error;
  EXPECT_NE(error.find("test.yaml:8:"), std::string::npos) << error;
}

TEST_F(LoaderTest, DisconnectedRegionsAreRejected) {
  const std::string error = error_of(R"(name: x
topology:
  regions: [{name: a}, {name: b}, {name: c}]
  links: [{between: [a, b], latency: 5ms}]
engine: {name: lww}
)");
  EXPECT_NE(error.find("no route"), std::string::npos) << error;
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

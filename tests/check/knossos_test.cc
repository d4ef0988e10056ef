// Every real Jepsen cas-register history shipped with Knossos (../shared/data/histories/knossos)
// must get the verdict Knossos expects.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "sim/check/linearizability.h"

namespace edgesim {
namespace {

const std::string kDirectory =
    std::string(EDGESIM_SOURCE_DIR) + "/../shared/data/histories/knossos/";

TEST(Knossos, EveryHistoryGetsTheExpectedVerdict) {
  std::ifstream manifest(kDirectory + "MANIFEST.jsonl");
  ASSERT_TRUE(manifest) << "missing " << kDirectory << "MANIFEST.jsonl";
  size_t checked = 0, illegal = 0;
  for (std::string line; std::getline(manifest, line);) {
    if (line.empty()) continue;
    const Value entry = Value::parse(line);
    const std::string file = entry.at("file").get<std::string>();
    std::ifstream in(kDirectory + file);
    ASSERT_TRUE(in) << file;
    const History history = read_history(in, file);
    LinearizabilityOptions options;
    options.model = LinearizabilityModel::kRegister;
    options.initial = entry.at("init");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    options.should_stop = [&] { return std::chrono::steady_clock::now() > deadline; };
    const LinearizabilityResult result = check_linearizability(history, options);
    EXPECT_EQ(verdict_name(result.verdict), entry.at("expected").get<std::string>()) << file;
    ++checked;
    illegal += result.verdict == Verdict::kIllegal ? 1 : 0;
  }
  EXPECT_EQ(checked, 120u);
  EXPECT_GT(illegal, 0u);
}

}  // namespace
}  // namespace edgesim

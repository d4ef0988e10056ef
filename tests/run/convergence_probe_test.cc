// The convergence probe (sim/scenario/run.cc): it runs only when convergence is judged, it uses
// replicas' observe digests to see differences without observing, and equal digests never stand
// in for equal observations.
#include <gtest/gtest.h>

#include <memory>

#include "models/register_builtin.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/run.h"

namespace edgesim {
namespace {

// How a probed replica answers observe_digest().
enum class Digest {
  kReal,      // the wrapped engine's
  kNone,      // none: the probe must observe
  kConstant,  // the same on every replica, whatever it holds (a collision everywhere)
};

struct Probed {
  uint64_t observes = 0;  // observe() calls, all replicas
};

// lww, counting observe() calls; with kConstant each replica also observes as a different value
// (its node id beside the data), so the replicas never converge.
class ProbedReplica final : public Replica {
 public:
  ProbedReplica(std::unique_ptr<Replica> inner, NodeId self, Digest digest,
                std::shared_ptr<Probed> probed)
      : inner_(std::move(inner)), self_(self), digest_(digest), probed_(std::move(probed)) {}
  void on_start(NodeContext& context) override { inner_->on_start(context); }
  void on_op(NodeContext& context, const Op& op) override { inner_->on_op(context, op); }
  void on_message(NodeContext& context, NodeId from, std::string_view payload) override {
    inner_->on_message(context, from, payload);
  }
  void on_timer(NodeContext& context, TimerId timer) override { inner_->on_timer(context, timer); }
  void on_crash() override { inner_->on_crash(); }
  Value observe() const override {
    ++probed_->observes;
    if (digest_ == Digest::kConstant) return Value{{"node", self_}, {"data", inner_->observe()}};
    return inner_->observe();
  }
  std::optional<uint64_t> observe_version() const override { return inner_->observe_version(); }
  std::optional<uint64_t> observe_digest() const override {
    switch (digest_) {
      case Digest::kReal:
        return inner_->observe_digest();
      case Digest::kNone:
        return std::nullopt;
      case Digest::kConstant:
        return 42;
    }
    return std::nullopt;
  }

 private:
  std::unique_ptr<Replica> inner_;
  NodeId self_;
  Digest digest_;
  std::shared_ptr<Probed> probed_;
};

class ProbedEngine final : public Engine {
 public:
  ProbedEngine(std::unique_ptr<Engine> inner, Digest digest, std::shared_ptr<Probed> probed)
      : inner_(std::move(inner)), digest_(digest), probed_(std::move(probed)) {}
  std::unique_ptr<Replica> make_replica(NodeId node) override {
    return std::make_unique<ProbedReplica>(inner_->make_replica(node), node, digest_, probed_);
  }

 private:
  std::unique_ptr<Engine> inner_;
  Digest digest_;
  std::shared_ptr<Probed> probed_;
};

class ConvergenceProbeTest : public ::testing::Test {
 protected:
  ConvergenceProbeTest() { register_builtin_engines(builtin_); }

  // Registers "probed" (lww answering digests as `digest`) and runs quickstart.yaml's seed 1 on it.
  RunResult run(Digest digest, const std::vector<Override>& overrides = {}) {
    probed_ = std::make_shared<Probed>();
    EngineRegistry engines = builtin_;
    EngineInfo info = *builtin_.find("lww");
    info.name = "probed";
    info.factory = [lww = info.factory, digest, probed = probed_](const EngineParams& params) {
      return std::make_unique<ProbedEngine>(lww(params), digest, probed);
    };
    engines.add(std::move(info));
    std::vector<Override> all = {{"engine.name", "probed"}};
    all.insert(all.end(), overrides.begin(), overrides.end());
    const Scenario s = load_scenario_file(
        std::string(EDGESIM_SOURCE_DIR) + "/scenarios/quickstart.yaml", engines, all);
    return run_scenario(s, 1, engines);
  }

  EngineRegistry builtin_;
  std::shared_ptr<Probed> probed_;
};

TEST_F(ConvergenceProbeTest, DigestsThatDifferSpareTheObservingAndChangeNoVerdict) {
  const RunResult observed = run(Digest::kNone);
  const uint64_t observes_without_digests = probed_->observes;
  const RunResult digested = run(Digest::kReal);
  // Both runs end by observing each of quickstart's 9 replicas once more (the check that
  // observe_version() did not hide a change); the probe is what digests spare.
  constexpr uint64_t kEndOfRunObserves = 9;
  EXPECT_LT((probed_->observes - kEndOfRunObserves) * 2,
            observes_without_digests - kEndOfRunObserves);
  EXPECT_EQ(digested.trace_hash, observed.trace_hash);
  EXPECT_EQ(digested.checks.at("convergence").details, observed.checks.at("convergence").details);
  EXPECT_TRUE(digested.checks.at("convergence").ok);
}

TEST_F(ConvergenceProbeTest, EqualDigestsAreConfirmedByObserving) {
  const RunResult r = run(Digest::kConstant);
  const CheckOutcome& convergence = r.checks.at("convergence");
  EXPECT_FALSE(convergence.ok) << convergence.details.dump();
  EXPECT_GT(convergence.details.at("distinct_values").get<uint32_t>(), 1u);
}

TEST_F(ConvergenceProbeTest, NoReplicaIsProbedWithoutAConvergenceCheck) {
  const RunResult r = run(Digest::kNone, {{"checks.convergence", "false"}});
  EXPECT_EQ(r.checks.count("convergence"), 0u);
  EXPECT_LE(probed_->observes, 1u);  // the final state, for the other checks
}

}  // namespace
}  // namespace edgesim

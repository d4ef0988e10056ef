#pragma once
// A NodeContext for driving one replica by hand in unit tests: the test sets the clocks, and
// collects what the replica sends, completes and schedules.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/replica.h"

namespace edgesim::testing {

class FakeContext final : public NodeContext {
 public:
  FakeContext(NodeId self, std::vector<NodeId> peers)
      : self_(self), peers_(std::move(peers)), prng_(self) {}

  NodeId self() const override { return self_; }
  const std::vector<NodeId>& peers() const override { return peers_; }
  Instant now() const override { return wall; }
  Instant monotonic() const override { return mono; }
  Prng& prng() override { return prng_; }
  void send(NodeId to, std::string payload) override { outbox.push_back({to, std::move(payload)}); }
  TimerId start_timer(Duration) override { return ++last_timer; }
  void cancel_timer(TimerId) override {}
  void complete(OpId op, Result result) override { completed[op] = std::move(result); }
  DurableStore& durable() override { return durable_; }

  struct Sent {
    NodeId to;
    std::string payload;
  };
  Instant wall{0};
  Instant mono{0};
  std::vector<Sent> outbox;
  std::map<OpId, Result> completed;
  TimerId last_timer = 0;

 private:
  NodeId self_;
  std::vector<NodeId> peers_;
  Prng prng_;
  DurableStore durable_;
};

// Hands what two replicas sent each other over, in rounds, until neither sends more: each round,
// `to_b` gets the messages `a` sent, then `to_a` those `b` sent (each a vector, in send order, for
// the caller to deliver, drop, duplicate or reorder).
template <typename ToB, typename ToA>
void exchange_until_quiet(FakeContext& a, FakeContext& b, ToB&& to_b, ToA&& to_a) {
  while (!a.outbox.empty() || !b.outbox.empty()) {
    const std::vector<FakeContext::Sent> from_a = std::exchange(a.outbox, {});
    const std::vector<FakeContext::Sent> from_b = std::exchange(b.outbox, {});
    to_b(from_a);
    to_a(from_b);
  }
}

}  // namespace edgesim::testing

#include "sim/net/network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace edgesim {
namespace {

using namespace literals;

LinkSpec constant(Duration latency, double loss = 0) {
  LinkSpec spec;
  spec.latency = LatencyModel{LatencyKind::kConstant, latency, {}, 0};
  spec.loss_ratio = loss;
  return spec;
}

// Records every delivery: (time, from, to, bytes).
struct Inbox final : MessageSink {
  struct Delivery {
    Instant at;
    NodeId from, to;
    std::string bytes;
  };
  EventLoop* loop = nullptr;
  std::vector<Delivery> deliveries;
  bool on_deliver(NodeId to, NodeId from, ServiceId, std::string_view bytes) override {
    deliveries.push_back(Delivery{loop->now(), from, to, std::string(bytes)});
    return true;
  }
};

// A network over `topology` whose deliveries land in an Inbox.
struct Harness {
  Harness(const Topology& topology, uint64_t seed) : network(loop, topology, Prng(seed), inbox) {
    inbox.loop = &loop;
  }
  EventLoop loop;
  Inbox inbox;
  Network network;
};

// Three regions of two PoPs: a <-> b 10 ms, b <-> c 10 ms, a <-> c 50 ms; 1 ms inside a region.
Topology three_regions() {
  Topology topology;
  for (const char* name : {"a", "b", "c"}) {
    const uint32_t region = topology.add_region(name, constant(1_ms));
    topology.add_pop(region, std::string(name) + "-1");
    topology.add_pop(region, std::string(name) + "-2");
  }
  topology.add_link(0, 2, constant(10_ms));
  topology.add_link(2, 4, constant(10_ms));
  topology.add_link(0, 4, constant(50_ms));
  EXPECT_EQ(topology.finalize(), "");
  return topology;
}

TEST(Topology, RoutesTakeTheShortestMeanLatencyPath) {
  const Topology topology = three_regions();
  EXPECT_EQ(topology.route_mean_latency(0, 4), 20_ms);  // a-1 -> b-1 -> c-1, not the 50 ms link
  EXPECT_EQ(topology.route_mean_latency(1, 5), 22_ms);  // a-2 -> a-1 -> b-1 -> c-1 -> c-2
  EXPECT_EQ(topology.route_mean_latency(0, 1), 1_ms);   // inside a region: one mesh hop
  EXPECT_TRUE(topology.route(3, 3).empty());
}

TEST(Topology, ReportsUnreachableRegions) {
  Topology topology;
  topology.add_pop(topology.add_region("a", constant(1_ms)), "a-1");
  topology.add_pop(topology.add_region("b", constant(1_ms)), "b-1");
  EXPECT_NE(topology.finalize(), "");
}

TEST(Network, DeliversAfterTheRouteLatency) {
  const Topology topology = three_regions();
  Harness h(topology, 1);
  EventLoop& loop = h.loop;
  Inbox& inbox = h.inbox;
  Network& network = h.network;
  network.send(1, 5, 0, "hello");
  loop.run_until(Instant{0} + 1_s);
  ASSERT_EQ(inbox.deliveries.size(), 1u);
  EXPECT_EQ(inbox.deliveries[0].at, Instant{0} + 22_ms);
  EXPECT_EQ(inbox.deliveries[0].bytes, "hello");
  EXPECT_EQ(network.stats().delivered, 1u);
}

TEST(Network, LossCompoundsAlongTheRoute) {
  Topology topology;
  for (const char* name : {"a", "b"}) {
    topology.add_pop(topology.add_region(name, constant(1_ms, 0.1)), std::string(name) + "-1");
  }
  topology.add_link(0, 1, constant(5_ms, 0.1));
  topology.finalize();
  Harness h(topology, 2);
  EventLoop& loop = h.loop;
  Inbox& inbox = h.inbox;
  Network& network = h.network;
  const int n = 50000;
  for (int i = 0; i < n; ++i) network.send(0, 1, 0, "x");
  loop.run_until(Instant{0} + 1_s);
  EXPECT_NEAR(double(inbox.deliveries.size()) / n, 0.9, 0.006);
  EXPECT_EQ(network.stats().dropped_loss + network.stats().delivered, uint64_t(n));
}

TEST(Network, MeasuredLatencyPercentilesMatchTheDistribution) {
  Topology topology;
  LinkSpec mesh;
  mesh.latency = LatencyModel{LatencyKind::kUniform, 10_ms, 30_ms, 0};
  const uint32_t region = topology.add_region("a", mesh);
  topology.add_pop(region, "a-1");
  topology.add_pop(region, "a-2");
  topology.finalize();
  Harness h(topology, 3);
  EventLoop& loop = h.loop;
  Inbox& inbox = h.inbox;
  Network& network = h.network;
  for (int i = 0; i < 20000; ++i) network.send(0, 1, 0, "x");
  loop.run_until(Instant{0} + 1_s);
  std::vector<int64_t> delays;
  for (const auto& d : inbox.deliveries) delays.push_back(d.at.ns);
  std::sort(delays.begin(), delays.end());
  EXPECT_NEAR(double(delays[delays.size() / 2]), 20e6, 0.3e6);
  EXPECT_NEAR(double(delays[delays.size() * 99 / 100]), 29.8e6, 0.3e6);
}

TEST(Network, DuplicatesArriveTwiceAndReorderingHappens) {
  Topology topology;
  LinkSpec mesh = constant(10_ms);
  mesh.duplicate_ratio = 0.1;
  mesh.reorder_ratio = 0.2;
  mesh.reorder_delay = 20_ms;
  const uint32_t region = topology.add_region("a", mesh);
  topology.add_pop(region, "a-1");
  topology.add_pop(region, "a-2");
  topology.finalize();
  Harness h(topology, 4);
  EventLoop& loop = h.loop;
  Inbox& inbox = h.inbox;
  Network& network = h.network;
  const int n = 10000;
  for (int i = 0; i < n; ++i) network.send(0, 1, 0, std::to_string(i));
  loop.run_until(Instant{0} + 1_s);
  EXPECT_NEAR(double(inbox.deliveries.size() - n) / n, 0.1, 0.01);
  EXPECT_EQ(network.stats().duplicated, inbox.deliveries.size() - n);
  int inversions = 0;
  for (size_t i = 1; i < inbox.deliveries.size(); ++i) {
    if (std::stoi(inbox.deliveries[i].bytes) < std::stoi(inbox.deliveries[i - 1].bytes))
      ++inversions;
  }
  EXPECT_GT(inversions, 0);
}

TEST(Network, PartitionsBlockBothDirectionsOrOneAndHeal) {
  const Topology topology = three_regions();
  Harness h(topology, 5);
  EventLoop& loop = h.loop;
  Inbox& inbox = h.inbox;
  Network& network = h.network;
  network.block(0, 4);  // one way: a-1 cannot reach c-1
  network.send(0, 4, 0, "blocked");
  network.send(4, 0, 0, "passes");
  loop.run_until(Instant{0} + 1_s);
  ASSERT_EQ(inbox.deliveries.size(), 1u);
  EXPECT_EQ(inbox.deliveries[0].bytes, "passes");
  EXPECT_EQ(network.stats().dropped_partition, 1u);
  // A message in flight when a partition starts is dropped at delivery.
  network.send(0, 4, 0, "in flight");
  network.heal_all();
  network.send(0, 4, 0, "after heal");
  network.block(0, 4);
  loop.run_until(Instant{0} + 2_s);
  EXPECT_EQ(inbox.deliveries.size(), 1u);
  network.heal_all();
  network.send(0, 4, 0, "healed");
  loop.run_until(Instant{0} + 3_s);
  ASSERT_EQ(inbox.deliveries.size(), 2u);
  EXPECT_EQ(inbox.deliveries[1].bytes, "healed");
}

TEST(Network, NonTransitivePartitionLeavesTheBridgeConnected) {
  const Topology topology = three_regions();
  Harness h(topology, 6);
  EventLoop& loop = h.loop;
  Inbox& inbox = h.inbox;
  Network& network = h.network;
  network.block(0, 4);
  network.block(4, 0);
  for (NodeId to : {2u, 4u}) network.send(0, to, 0, "from a");
  for (NodeId to : {0u, 4u}) network.send(2, to, 0, "from bridge");
  loop.run_until(Instant{0} + 1_s);
  EXPECT_EQ(inbox.deliveries.size(), 3u);  // everything but a-1 -> c-1
}

// A lossy, duplicating, reordering, partly partitioned and degraded topology, sent to the same way
// either message by message or with send_to_all: everything observable must be the same.
TEST(Network, SendingToAllIsSendingToEachInTurn) {
  Topology topology;
  LinkSpec mesh;
  mesh.latency = LatencyModel{LatencyKind::kUniform, 1_ms, 9_ms, 0};
  mesh.loss_ratio = 0.1;
  mesh.duplicate_ratio = 0.2;
  mesh.reorder_ratio = 0.2;
  mesh.reorder_delay = 5_ms;
  const uint32_t region = topology.add_region("a", mesh);
  for (int i = 0; i < 5; ++i) topology.add_pop(region, "a-" + std::to_string(i));
  ASSERT_EQ(topology.finalize(), "");
  Harness each(topology, 8), all(topology, 8);
  const std::vector<NodeId> peers = {1, 2, 3, 4};
  for (Harness* h : {&each, &all}) {
    h->network.block(0, 3);
    h->network.degrade(4, Degradation{0.3, 2_ms});
  }
  for (int i = 0; i < 2000; ++i) {
    const std::string bytes = "message " + std::to_string(i);
    for (NodeId to : peers) each.network.send(0, to, 0, bytes);
    all.network.send_to_all(0, peers, 0, bytes);
  }
  each.loop.run_until(Instant{0} + 1_s);
  all.loop.run_until(Instant{0} + 1_s);
  ASSERT_EQ(each.inbox.deliveries.size(), all.inbox.deliveries.size());
  for (size_t i = 0; i < each.inbox.deliveries.size(); ++i) {
    const Inbox::Delivery& a = each.inbox.deliveries[i];
    const Inbox::Delivery& b = all.inbox.deliveries[i];
    ASSERT_EQ(std::tie(a.at, a.from, a.to, a.bytes), std::tie(b.at, b.from, b.to, b.bytes)) << i;
  }
  const NetworkStats& x = each.network.stats();
  const NetworkStats& y = all.network.stats();
  EXPECT_EQ(std::tie(x.sent, x.delivered, x.duplicated, x.dropped_loss, x.dropped_partition),
            std::tie(y.sent, y.delivered, y.duplicated, y.dropped_loss, y.dropped_partition));
  EXPECT_GT(x.duplicated, 0u);
  EXPECT_GT(x.dropped_partition, 0u);
  EXPECT_EQ(each.loop.trace().value(), all.loop.trace().value());
}

TEST(Network, OnePayloadServesEveryDeliveryOfIt) {
  const Topology topology = three_regions();
  Harness each(topology, 9), all(topology, 9);
  const std::vector<NodeId> peers = {1, 2, 3, 4, 5};
  for (NodeId to : peers) each.network.send(0, to, 0, "to everyone");
  all.network.send_to_all(0, peers, 0, "to everyone");
  const size_t one_payload = all.network.pool_bytes();
  EXPECT_LT(one_payload, each.network.pool_bytes() / 2);  // one slot, not five
  all.loop.run_until(Instant{0} + 1_s);
  EXPECT_EQ(all.inbox.deliveries.size(), peers.size());
  // Delivered to all, the slot is free again: the next payload reuses it (the pool grows only by
  // the free list's few bytes).
  all.network.send_to_all(0, peers, 0, "again");
  EXPECT_LT(all.network.pool_bytes(), 2 * one_payload);
  all.loop.run_until(Instant{0} + 2_s);
  EXPECT_EQ(all.inbox.deliveries.back().bytes, "again");
}

TEST(Network, DegradationAddsLossAndLatency) {
  const Topology topology = three_regions();
  Harness h(topology, 7);
  EventLoop& loop = h.loop;
  Inbox& inbox = h.inbox;
  Network& network = h.network;
  network.degrade(1, Degradation{0.5, 100_ms});
  const int n = 10000;
  for (int i = 0; i < n; ++i) network.send(0, 1, 0, "x");
  loop.run_until(Instant{0} + 1_s);
  EXPECT_NEAR(double(inbox.deliveries.size()) / n, 0.5, 0.02);
  EXPECT_EQ(inbox.deliveries.front().at, Instant{0} + 101_ms);
  network.restore(1);
  network.send(0, 1, 0, "x");
  loop.run_until(Instant{0} + 2_s);
  EXPECT_EQ(inbox.deliveries.back().at, Instant{0} + 1_s + 1_ms);
}

}  // namespace
}  // namespace edgesim

#include "sim/core/event_loop.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/core/prng.h"

namespace edgesim {
namespace {

struct Recorder final : EventHandler {
  std::vector<std::pair<int64_t, uint64_t>> seen;  // (time, payload)
  void on_event(const Event& event) override { seen.emplace_back(event.at.ns, event.payload); }
};

TEST(EventLoop, DispatchesInTimeThenInsertionOrder) {
  EventLoop loop;
  Recorder recorder;
  const EventKind kind = loop.register_kind("test", &recorder);
  loop.schedule(Instant{30}, kind, 0, 1);
  loop.schedule(Instant{10}, kind, 0, 2);
  loop.schedule(Instant{30}, kind, 0, 3);
  loop.schedule(Instant{20}, kind, 0, 4);
  loop.schedule(Instant{10}, kind, 0, 5);
  loop.run_until(Instant{100});
  const std::vector<std::pair<int64_t, uint64_t>> expected = {
      {10, 2}, {10, 5}, {20, 4}, {30, 1}, {30, 3}};
  EXPECT_EQ(recorder.seen, expected);
  EXPECT_EQ(loop.now(), Instant{100});
}

// Re-arms itself with no delay: simulated time never moves on.
struct ZeroDelayLoop final : EventHandler {
  EventLoop* loop = nullptr;
  EventKind kind = 0;
  void on_event(const Event& event) override { loop->schedule(event.at, kind, 7, 0); }
};

TEST(EventLoop, ARunWhoseTimeStandsStillEndsWithARunawayError) {
  EventLoop loop(EventLoop::Limits{.events_at_one_instant = 1000});
  ZeroDelayLoop handler;
  handler.loop = &loop;
  handler.kind = loop.register_kind("spin", &handler);
  loop.schedule(Instant{5'000'000}, handler.kind, 7, 0);
  try {
    loop.run_until(Instant{1'000'000'000});
    FAIL() << "the loop ended";
  } catch (const RunawayError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("simulated time stopped at 5ms: 1000 events in a row ran "
                                          "at that instant (the last: a `spin` event, target 7)",
                                          0),
              0u)
        << e.what();
  }
  EXPECT_EQ(loop.dispatched(), 1000u);  // the 1001st is refused, not run
}

TEST(EventLoop, TooManyWaitingEventsEndTheRunWithARunawayError) {
  EventLoop loop(EventLoop::Limits{.pending_events = 100});
  Recorder recorder;
  const EventKind kind = loop.register_kind("flood", &recorder);
  for (int i = 0; i < 100; ++i) loop.schedule(Instant{i}, kind, 3, 0);
  EXPECT_THROW(loop.schedule(Instant{1}, kind, 3, 0), RunawayError);
  EXPECT_EQ(loop.pending(), 100u);
  // Events at distinct instants, however many, are no runaway.
  EXPECT_EQ(loop.run_until(Instant{1000}), 100u);
}

TEST(EventLoop, RunUntilStopsAtTheBoundAndKeepsTheRest) {
  EventLoop loop;
  Recorder recorder;
  const EventKind kind = loop.register_kind("test", &recorder);
  loop.schedule(Instant{5}, kind, 0, 1);
  loop.schedule(Instant{15}, kind, 0, 2);
  EXPECT_EQ(loop.run_until(Instant{10}), 1u);
  EXPECT_EQ(loop.pending(), 1u);
  EXPECT_EQ(loop.now(), Instant{10});
  EXPECT_EQ(loop.run_until(Instant{15}), 1u);
}

TEST(EventLoop, OrderMatchesAStableSortOfRandomEvents) {
  EventLoop loop;
  Recorder recorder;
  const EventKind kind = loop.register_kind("test", &recorder);
  Prng prng(5);
  std::vector<std::pair<int64_t, uint64_t>> expected;
  for (uint64_t i = 0; i < 5000; ++i) {
    const int64_t at = prng.uniform_int(0, 1000);
    loop.schedule(Instant{at}, kind, 0, i);
    expected.emplace_back(at, i);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  loop.run_until(Instant{2000});
  EXPECT_EQ(recorder.seen, expected);
}

TEST(EventLoop, RunUntilThenScheduleBeforeThePeekedEvent) {
  // run_until peeks at the next event (moving the queue's window forward); events scheduled
  // afterwards between `end` and that event must still run first.
  EventLoop loop;
  Recorder recorder;
  const EventKind kind = loop.register_kind("test", &recorder);
  loop.schedule(Instant{0} + Duration::seconds(2), kind, 0, 1);
  loop.run_until(Instant{0} + Duration::millis(1));
  loop.schedule(Instant{0} + Duration::millis(2), kind, 0, 2);
  loop.run_until(Instant{0} + Duration::seconds(3));
  ASSERT_EQ(recorder.seen.size(), 2u);
  EXPECT_EQ(recorder.seen[0].second, 2u);
  EXPECT_EQ(recorder.seen[1].second, 1u);
}

TEST(EventLoop, TraceHashDependsOnEveryDispatchedEvent) {
  auto hash_of = [](int64_t second_time) {
    EventLoop loop;
    Recorder recorder;
    const EventKind kind = loop.register_kind("test", &recorder);
    loop.schedule(Instant{1}, kind, 3, 0);
    loop.schedule(Instant{second_time}, kind, 4, 0);
    loop.run_until(Instant{100});
    return loop.trace().value();
  };
  EXPECT_EQ(hash_of(7), hash_of(7));
  EXPECT_NE(hash_of(7), hash_of(8));
}

TEST(EventLoopDeathTest, SchedulingInThePastAsserts) {
  EventLoop loop;
  Recorder recorder;
  const EventKind kind = loop.register_kind("test", &recorder);
  loop.run_until(Instant{50});
  EXPECT_DEATH(loop.schedule(Instant{10}, kind, 0, 0), "scheduling in the past");
}

}  // namespace
}  // namespace edgesim

#include "sim/clock/node_clock.h"

#include <gtest/gtest.h>

#include "sim/clock/hlc.h"

namespace edgesim {
namespace {

using namespace literals;

TEST(NodeClock, OffsetShiftsWallButNotMonotonic) {
  NodeClock clock(ClockSpec{50_ms, 0, {}, {}}, 1);
  EXPECT_EQ(clock.wall(Instant{0} + 1_s), Instant{0} + 1_s + 50_ms);
  EXPECT_EQ(clock.monotonic(Instant{0} + 1_s), Instant{0} + 1_s);
}

TEST(NodeClock, DriftAccumulatesInPartsPerBillion) {
  // 100 ppm fast: after 10 s the clock is 1 ms ahead, on both readings.
  NodeClock clock(ClockSpec{Duration{0}, 100'000, {}, {}}, 1);
  EXPECT_EQ(clock.monotonic(Instant{0} + 10_s), Instant{0} + 10_s + 1_ms);
  EXPECT_EQ(clock.wall(Instant{0} + 10_s), Instant{0} + 10_s + 1_ms);
  NodeClock slow(ClockSpec{Duration{0}, -250'000, {}, {}}, 1);
  EXPECT_EQ(slow.monotonic(Instant{0} + 4_s), Instant{0} + 4_s - 1_ms);
}

TEST(NodeClock, DriftIsExactPastWhereTheProductFitsIn64Bits) {
  // 400'000'000 ppb (the largest drift allowed is under half a billion) over 1e17 ns (three
  // years) of true time: span x drift is 4e25, far past int64; the drift is 0.4 of the span.
  const Instant late{int64_t{100'000'000'000'000'000}};
  NodeClock fast(ClockSpec{Duration{0}, 400'000'000, {}, {}}, 1);
  EXPECT_EQ(fast.monotonic(late).ns, late.ns + late.ns / 10 * 4);
  NodeClock slow(ClockSpec{Duration{0}, -399'999'999, {}, {}}, 1);
  EXPECT_EQ(slow.monotonic(late).ns, late.ns - int64_t{399'999'999} * 100'000'000);
  // Short spans truncate toward zero: -0.999999999 ns of drift is none, -1.999999998 ns is -1.
  NodeClock third(ClockSpec{Duration{0}, -333'333'333, {}, {}}, 1);
  EXPECT_EQ(third.monotonic(Instant{3}).ns, 3);
  EXPECT_EQ(third.monotonic(Instant{6}).ns, 6 - 1);
}

TEST(NodeClock, StepsJumpTheWallClockOnlyFromTheirTime) {
  NodeClock clock(ClockSpec{}, 1);
  clock.step(Instant{0} + 5_s, -(200_ms));
  EXPECT_EQ(clock.wall(Instant{0} + 4_s), Instant{0} + 4_s);
  EXPECT_EQ(clock.wall(Instant{0} + 6_s), Instant{0} + 6_s - 200_ms);
  EXPECT_EQ(clock.monotonic(Instant{0} + 6_s), Instant{0} + 6_s);  // monotonic never steps
  clock.step(Instant{0} + 7_s, 500_ms);
  EXPECT_EQ(clock.wall(Instant{0} + 8_s), Instant{0} + 8_s + 300_ms);
}

TEST(NodeClock, ResyncBoundsTheErrorAndCorrectsSteps) {
  NodeClock clock(ClockSpec{2_s, 0, 10_s, 5_ms}, 99);
  EXPECT_EQ(clock.wall(Instant{0} + 1_s), Instant{0} + 3_s);  // before the first resync
  clock.step(Instant{0} + 12_s, 1_s);
  for (int64_t t = 10; t < 100; t += 3) {
    const Instant now = Instant{0} + Duration::seconds(t);
    const Duration error = clock.wall(now) - now;
    const bool stepped = t >= 12 && t < 20;
    const Duration expected_step = stepped ? 1_s : Duration{0};
    EXPECT_LE((error - expected_step).ns, (5_ms).ns) << t;
    EXPECT_GE((error - expected_step).ns, -(5_ms).ns) << t;
  }
  // Readings are pure: the same instant reads the same, in any order.
  EXPECT_EQ(clock.wall(Instant{0} + 33_s), clock.wall(Instant{0} + 33_s));
}

TEST(NodeClock, TrueSpanMakesTimersFireOnTheLocalClock) {
  NodeClock fast(ClockSpec{Duration{0}, 1'000'000, {}, {}}, 1);  // 1000 ppm fast
  const Duration span = fast.true_span(1_s);
  EXPECT_LT(span, 1_s);
  EXPECT_GE(fast.monotonic(Instant{0} + span) - Instant{0}, 1_s);
  EXPECT_LT(fast.monotonic(Instant{0} + span - 1_ns) - Instant{0}, 1_s);
}

TEST(Hlc, IsMonotonicAndTracksTheMaxPhysicalTime) {
  Hlc hlc;
  const HlcTimestamp a = hlc.now(Instant{100});
  const HlcTimestamp b = hlc.now(Instant{100});
  const HlcTimestamp c = hlc.now(Instant{90});  // clock stepped back
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(c.wall_ns, 100);
  const HlcTimestamp d = hlc.update(Instant{95}, HlcTimestamp{500, 7});
  EXPECT_EQ(d, (HlcTimestamp{500, 8}));
  EXPECT_LT(d, hlc.now(Instant{96}));
  EXPECT_EQ(hlc.now(Instant{600}), (HlcTimestamp{600, 0}));
}

TEST(Lamport, UpdateExceedsBothSides) {
  Lamport clock;
  EXPECT_EQ(clock.tick(), 1u);
  EXPECT_EQ(clock.update(10), 11u);
  EXPECT_EQ(clock.update(3), 12u);
}

}  // namespace
}  // namespace edgesim

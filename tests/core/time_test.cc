#include "sim/core/time.h"

#include <gtest/gtest.h>

namespace edgesim {
namespace {

using namespace literals;

TEST(ParseDuration, AcceptsUnitsAndFractions) {
  EXPECT_EQ(parse_duration("80ms"), 80_ms);
  EXPECT_EQ(parse_duration("2s"), 2_s);
  EXPECT_EQ(parse_duration("1.5us"), Duration::nanos(1500));
  EXPECT_EQ(parse_duration("0.001s"), 1_ms);
  EXPECT_EQ(parse_duration("-200ms"), -(200_ms));
  EXPECT_EQ(parse_duration("3m"), 180_s);
  EXPECT_EQ(parse_duration("1h"), 3600_s);
  EXPECT_EQ(parse_duration("0"), Duration{0});
  EXPECT_EQ(parse_duration("750ns"), 750_ns);
}

TEST(ParseDuration, RejectsMissingOrUnknownUnits) {
  EXPECT_FALSE(parse_duration("80"));
  EXPECT_FALSE(parse_duration("ms"));
  EXPECT_FALSE(parse_duration("80 ms"));
  EXPECT_FALSE(parse_duration("80msec"));
  EXPECT_FALSE(parse_duration("1.s"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("99999999999999999999s"));
}

TEST(FormatDuration, UsesTheLargestFittingUnit) {
  EXPECT_EQ(format_duration(1500_us), "1.5ms");
  EXPECT_EQ(format_duration(2_s), "2s");
  EXPECT_EQ(format_duration(750_ns), "750ns");
  EXPECT_EQ(format_duration(-(80_ms)), "-80ms");
  EXPECT_EQ(format_duration(Duration{0}), "0ns");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (int64_t ns : {1LL, 999LL, 1000LL, 1234000LL, 5000000000LL, 42000LL}) {
    EXPECT_EQ(parse_duration(format_duration(Duration{ns})), Duration{ns}) << ns;
  }
  EXPECT_EQ(format_duration(Duration{1234567}), "1.234ms");  // display keeps three decimals
}

}  // namespace
}  // namespace edgesim

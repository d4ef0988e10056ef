// describe_divergence: replicas grouped by equal value, largest group first, and the keys on which
// the two largest groups differ.
#include "sim/check/divergence.h"

#include <gtest/gtest.h>

namespace edgesim {
namespace {

using Names = std::vector<std::vector<std::string>>;

TEST(Divergence, GroupsReplicasByValueLargestFirstTiesInReplicaOrder) {
  const Value a = {{"k", 1}}, b = {{"k", 2}}, c = {{"k", 3}};
  const Divergence d =
      describe_divergence({{"r1", c}, {"r2", a}, {"r3", b}, {"r4", a}, {"r5", b}, {"r6", a}});
  EXPECT_EQ(d.groups, (Names{{"r2", "r4", "r6"}, {"r3", "r5"}, {"r1"}}));
  ASSERT_EQ(d.keys_differing, 1u);
  EXPECT_EQ(d.examples.at(0).key, "k");
  EXPECT_EQ(d.examples.at(0).first, 1);
  EXPECT_EQ(d.examples.at(0).second, 2);
}

TEST(Divergence, ListsEveryDifferingKeyIncludingAbsentOnesAndKeepsTheFirstFew) {
  const Value first = {{"a", 1}, {"b", {1, 2}}, {"c", "x"}, {"e", 5}};
  const Value second = {{"a", 1}, {"b", {1}}, {"d", true}, {"e", 6}};
  const Divergence d = describe_divergence({{"r1", first}, {"r2", first}, {"r3", second}}, 3);
  EXPECT_EQ(d.groups, (Names{{"r1", "r2"}, {"r3"}}));
  EXPECT_EQ(d.keys_differing, 4u);  // b, c, d, e
  ASSERT_EQ(d.examples.size(), 3u);
  EXPECT_EQ(d.examples[0].key, "b");
  EXPECT_EQ(d.examples[1].key, "c");
  EXPECT_EQ(d.examples[1].second, nullptr);  // absent from the second group
  EXPECT_EQ(d.examples[2].key, "d");
  EXPECT_EQ(d.examples[2].first, nullptr);
}

TEST(Divergence, EqualReplicasMakeOneGroupAndOtherValuesDifferWhole) {
  const Divergence equal = describe_divergence({{"r1", {{"k", 1}}}, {"r2", {{"k", 1}}}});
  EXPECT_EQ(equal.groups, (Names{{"r1", "r2"}}));
  EXPECT_EQ(equal.keys_differing, 0u);
  const Divergence whole = describe_divergence({{"r1", 7}, {"r2", 8}});
  ASSERT_EQ(whole.examples.size(), 1u);
  EXPECT_EQ(whole.examples[0].key, "");
  EXPECT_EQ(whole.examples[0].first, 7);
}

}  // namespace
}  // namespace edgesim

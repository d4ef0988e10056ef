#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/engine/replica.h"

namespace edgesim {
namespace {

TEST(DurableStore, AppendExtendsAValueOneWriteAtATime) {
  DurableStore store;
  store.append("log", "ab");  // creates it
  store.append("log", "");
  store.append("log", "cd");
  EXPECT_EQ(store.get("log"), "abcd");
  EXPECT_EQ(store.writes(), 3u);
  store.put("log", "x");
  store.append("log", "y");
  EXPECT_EQ(store.get("log"), "xy");
}

// The store remembers the entries it wrote lately (engines append to a few logs again and again):
// erasing one, writing others in between, and copying or moving the store all leave every value
// right.
TEST(DurableStore, WritesAfterEraseCopyAndMoveLandWhereTheyShould) {
  DurableStore store;
  store.append("log", "a");
  store.erase("log");
  store.append("log", "b");
  EXPECT_EQ(store.get("log"), "b");
  store.put("snapshot", "s");
  store.append("log", "c");
  store.erase("snapshot");
  store.append("log", "d");
  EXPECT_EQ(store.get("log"), "bcd");
  EXPECT_EQ(store.get("snapshot"), std::nullopt);

  DurableStore copy = store;
  copy.append("log", "e");
  store.append("log", "f");
  EXPECT_EQ(copy.get("log"), "bcde");
  EXPECT_EQ(store.get("log"), "bcdf");

  DurableStore moved = std::move(copy);
  moved.append("log", "g");
  EXPECT_EQ(moved.get("log"), "bcdeg");
  copy = store;  // assigned after being moved from
  copy.append("log", "h");
  EXPECT_EQ(copy.get("log"), "bcdfh");
  EXPECT_EQ(store.get("log"), "bcdf");
  moved = std::move(store);
  moved.append("log", "i");
  EXPECT_EQ(moved.get("log"), "bcdfi");
  EXPECT_EQ(moved.entries().size(), size_t(1));
}

// More logs written in turn than the store remembers, and one of them erased while remembered and
// then written again: each write lands in its own key's value.
TEST(DurableStore, ManyLogsWrittenInTurnKeepTheirOwnRecords) {
  DurableStore store;
  const std::vector<std::string> logs = {"a", "b", "c", "d", "e", "f"};
  for (int round = 0; round < 3; ++round) {
    for (const std::string& log : logs) store.append(log, log + std::to_string(round));
    if (round == 1) store.erase("b");
  }
  EXPECT_EQ(store.get("a"), "a0a1a2");
  EXPECT_EQ(store.get("b"), "b2");
  EXPECT_EQ(store.get("f"), "f0f1f2");
  EXPECT_EQ(store.entries().size(), logs.size());
  EXPECT_EQ(store.writes(), 19u);
}

}  // namespace
}  // namespace edgesim

#include <gtest/gtest.h>

#include "sim/engine/replica.h"

namespace edgesim {
namespace {

TEST(DurableStore, ErasePrefixErasesExactlyTheKeysThatStartWithIt) {
  DurableStore store;
  for (const char* key : {"wa", "wal/1", "wal/2", "wal/10", "walrus", "snapshot", "x/wal/3"}) store.put(key, "v");
  const uint64_t writes = store.writes();
  store.erase_prefix("wal/");
  std::vector<std::string> left;
  for (const auto& [key, bytes] : store.entries()) left.push_back(key);
  EXPECT_EQ(left, (std::vector<std::string>{"snapshot", "wa", "walrus", "x/wal/3"}));
  EXPECT_EQ(store.writes(), writes + 3);  // one write per key erased
  store.erase_prefix("none/");
  EXPECT_EQ(store.writes(), writes + 3);
}

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

}  // namespace
}  // namespace edgesim

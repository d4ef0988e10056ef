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

}  // namespace
}  // namespace edgesim

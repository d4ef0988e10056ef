#include <gtest/gtest.h>

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

}  // namespace
}  // namespace edgesim

#include "sim/core/key_order.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace edgesim {
namespace {

int sign(int x) { return (x > 0) - (x < 0); }

// Keys around the eight bytes compared one by one or as a word: shorter, longer, prefixes of each
// other, and bytes above 0x7f (which a signed char comparison would put first).
std::vector<std::string> tricky_keys() {
  std::vector<std::string> keys = {"", "k", "k1", "k10", "k2", "k99", "\x80", "a\xff", "a\x01"};
  keys.insert(keys.end(),
              {"abcdefg", "abcdefgh", "abcdefghi", "abcdefgha", "abcdefgz", "abcdefghij"});
  // Keys longer than eight bytes are compared as big-endian words: first words that differ in
  // their first or last byte, above 0x7f or not.
  keys.insert(keys.end(), {"abcdefg\x80", "abcdefg\x01", "abcdefg\x80z", "abcdefg\x01z",
                           "\xffyyyyyyyyy", "\x01yyyyyyyyy"});
  keys.push_back(std::string("a\0b", 3));
  keys.push_back(std::string("a\0", 2));
  // Long shared prefixes, as durable-store keys can have ("a/" and an id's big-endian bytes), then
  // tails that differ in the next word's first or last byte, or after it.
  for (const std::string& prefix : {std::string("a/\0\0\0\0\0\0", 8), std::string(15, 'x')}) {
    for (const char* tail :
         {"", "\x01", "\xff", "12345678", "12345679", "1234567\x80", "\x80yyyyyyy", "\x01yyyyyyy",
          "123456789abcdefgh", "123456789abcdefgi"}) {
      keys.push_back(prefix + tail);
    }
  }
  for (int i = 0; i < 40; ++i) {
    keys.push_back(std::string(size_t(i % 13), char('a' + i % 3)) + char(i));
  }
  return keys;
}

TEST(KeyOrder, IsTheByteOrderOfStringViewCompare) {
  const std::vector<std::string> keys = tricky_keys();
  for (const std::string& a : keys) {
    for (const std::string& b : keys) {
      EXPECT_EQ(sign(compare_keys(a, b)), sign(std::string_view(a).compare(b))) << a << " vs " << b;
      EXPECT_EQ(KeyLess{}(a, b), std::string_view(a) < std::string_view(b)) << a << " vs " << b;
    }
  }
}

}  // namespace
}  // namespace edgesim

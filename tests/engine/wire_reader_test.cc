#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/wire/msgpack_wire.h"

namespace edgesim::models {
namespace {

std::vector<Value> values_of_every_shape() {
  return {Value(nullptr),
          Value(true),
          Value(-5),
          Value(uint64_t{1} << 40),
          Value(2.5),
          Value("a string longer than the thirty-one bytes of a fixstr header"),
          Value::array({1, "two", Value::array({3, Value::array()}), nullptr}),
          Value::object({{"key", Value::array({"x", "y"})}, {"n", 7}}),
          Value::binary({1, 2, 3}),
          Value("short")};
}

TEST(WireReader, ReadsEveryMessageItIsGivenWhateverCameBefore) {
  // One reader for all of them, in both orders: nothing of one parse may leak into the next.
  WireReader reader;
  std::vector<Value> values = values_of_every_shape();
  for (int pass = 0; pass < 2; ++pass) {
    for (const Value& value : values) {
      const std::string bytes = encode_value(value);
      EXPECT_EQ(unpack_value(WireMessage(bytes, reader).root()), decode_value(bytes))
          << value.dump();
    }
    std::reverse(values.begin(), values.end());
  }
}

TEST(WireReader, StringsPointIntoTheReceivedBytes) {
  WireReader reader;
  const std::string bytes = encode_value(Value::array({"first", "second"}));
  const WireMessage message(bytes, reader);
  for (uint32_t i = 0; i < 2; ++i) {
    const std::string_view text = wire_str(wire_at(message.root(), i));
    EXPECT_GE(text.data(), bytes.data());
    EXPECT_LE(text.data() + text.size(), bytes.data() + bytes.size());
  }
  EXPECT_EQ(wire_str(wire_at(message.root(), 1)), "second");
}

TEST(WireReader, IgnoresBytesAfterOneWholeObjectAsUnpackDoes) {
  WireReader reader;
  const std::string bytes = encode_value(Value::array({1, 2})) + encode_value(Value(3));
  EXPECT_EQ(unpack_value(WireMessage(bytes, reader).root()), Value::array({1, 2}));
}

TEST(WireReaderDeathTest, AMalformedMessageFailsLoudly) {
  WireReader reader;
  const std::string whole = encode_value(Value::array({1, "two"}));
  EXPECT_DEATH(reader.parse(""), "malformed engine message: insufficient bytes");
  EXPECT_DEATH(reader.parse(whole.substr(0, whole.size() - 1)),
               "malformed engine message: insufficient bytes");
  EXPECT_DEATH(reader.parse("\xc1"),
               "malformed engine message: parse error");  // 0xc1 is never used
}

}  // namespace
}  // namespace edgesim::models

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

TEST(WireReader, ASmallMemoryStillReadsLargeMessages) {
  // Zones of a few bytes grow past their first chunk; two remembered parses are forgotten often.
  WireReader reader(WireReader::Memory{.messages = 2, .zone_bytes = 16});
  Value large = Value::array();
  for (int i = 0; i < 10'000; ++i) large.push_back(Value::array({i, "item"}));
  std::vector<Value> values = values_of_every_shape();
  values.push_back(large);
  for (int pass = 0; pass < 2; ++pass) {
    for (const Value& value : values) {
      const std::string bytes = encode_value(value);
      EXPECT_EQ(unpack_value(WireMessage(bytes, reader).root()), value) << value.dump();
    }
  }
}

TEST(WireReader, TheSameBytesReceivedTwiceAreParsedOnce) {
  // As when a replica sends one delta group to every peer: each receiver has its own copy.
  WireReader reader;
  const std::string sent = encode_value(Value::array({"group", 1, 2}));
  const std::string first_copy = sent, second_copy = sent;
  const WireMessage first(first_copy, reader);
  const WireMessage second(second_copy, reader);
  EXPECT_EQ(first.root().via.array.ptr, second.root().via.array.ptr);
  // Other bytes of the same size are another message.
  const std::string other = encode_value(Value::array({"grouq", 1, 2}));
  ASSERT_EQ(other.size(), sent.size());
  const WireMessage third(other, reader);
  EXPECT_NE(third.root().via.array.ptr, first.root().via.array.ptr);
  EXPECT_EQ(wire_str(wire_at(third.root(), 0)), "grouq");
  EXPECT_EQ(wire_str(wire_at(first.root(), 0)), "group");
}

TEST(WireReader, MessagesAlikeButInTheMiddleAreReadApart) {
  // The reader tells messages apart by their size and ends first; these two agree in all of that.
  WireReader reader;
  const Value a = Value::array({"the same first bytes", "middle A", "the same last bytes"});
  const Value b = Value::array({"the same first bytes", "middle B", "the same last bytes"});
  const std::string a_bytes = encode_value(a), b_bytes = encode_value(b);
  ASSERT_EQ(a_bytes.size(), b_bytes.size());
  for (int round = 0; round < 3; ++round) {
    const WireMessage held(a_bytes, reader);
    EXPECT_EQ(unpack_value(WireMessage(b_bytes, reader).root()), b);
    EXPECT_EQ(unpack_value(held.root()), a);
    EXPECT_EQ(unpack_value(WireMessage(a_bytes, reader).root()), a);
  }
}

TEST(WireReader, AMessageStaysReadableWhileHeldWhateverIsParsedMeanwhile) {
  WireReader reader;
  std::string bytes = encode_value(Value::array({"held", 42}));
  const WireMessage held(bytes, reader);
  bytes.assign(bytes.size(), '\0');  // the received bytes may go: the reader keeps its own copy
  // Far more messages than the reader remembers, so it forgets (and reuses) everything it can.
  for (int i = 0; i < 5000; ++i) {
    const std::string other = encode_value(Value::array({"other", i}));
    EXPECT_EQ(wire_u64(wire_at(WireMessage(other, reader).root(), 1)), uint64_t(i));
  }
  EXPECT_EQ(wire_str(wire_at(held.root(), 0)), "held");
  EXPECT_EQ(wire_u64(wire_at(held.root(), 1)), 42u);
}

TEST(WireReader, StringsPointIntoTheBytesNotIntoACopyPerString) {
  WireReader reader;
  const std::string bytes = encode_value(Value::array({"first", "second"}));
  const WireMessage message(bytes, reader);
  const std::string_view first = wire_str(wire_at(message.root(), 0));
  const std::string_view second = wire_str(wire_at(message.root(), 1));
  // One buffer holds both, laid out as in the message.
  EXPECT_EQ(second.data() - first.data(), bytes.find("second") - bytes.find("first"));
  EXPECT_EQ(second, "second");
}

TEST(WireReader, IgnoresBytesAfterOneWholeObjectAsUnpackDoes) {
  WireReader reader;
  const std::string bytes = encode_value(Value::array({1, 2})) + encode_value(Value(3));
  EXPECT_EQ(unpack_value(WireMessage(bytes, reader).root()), Value::array({1, 2}));
}

TEST(WireReaderDeathTest, AMalformedMessageFailsLoudly) {
  WireReader reader;
  const std::string whole = encode_value(Value::array({1, "two"}));
  EXPECT_DEATH(WireMessage("", reader), "malformed engine message: insufficient bytes");
  EXPECT_DEATH(WireMessage(whole.substr(0, whole.size() - 1), reader),
               "malformed engine message: insufficient bytes");
  EXPECT_DEATH(WireMessage("\xc1", reader),
               "malformed engine message: parse error");  // 0xc1 is never used
}

}  // namespace
}  // namespace edgesim::models

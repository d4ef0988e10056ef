#include "sim/check/history.h"

#include <gtest/gtest.h>

#include <sstream>

namespace edgesim {
namespace {

TEST(History, RoundTripsTheDesignFormat) {
  const std::string text =
      "{\"id\":13,\"proc\":1,\"call\":26,\"ret\":28,\"status\":\"ok\",\"f\":\"cas\",\"key\":\"r\","
      "\"arg\":[0,3],\"out\":false}\n"
      "{\"id\":27,\"proc\":4,\"call\":53,\"ret\":null,\"status\":\"info\",\"f\":\"write\",\"key\":"
      "\"r\",\"arg\":1,\"out\":null,\"node\":\"us-east-1\",\"session\":4,\"zone\":\"b\"}\n";
  std::istringstream in(text);
  const History history = read_history(in, "h.jsonl");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].f, "cas");
  EXPECT_EQ(history[0].arg, Value::array({0, 3}));
  EXPECT_EQ(history[0].out, false);
  EXPECT_EQ(history[1].status, OpStatus::kInfo);
  EXPECT_FALSE(history[1].ret.has_value());
  EXPECT_EQ(history[1].node, "us-east-1");
  EXPECT_EQ(history[1].session, 4u);
  EXPECT_EQ(history[1].extra["zone"], "b");
  EXPECT_FALSE(history[0].session.has_value());
  std::ostringstream out;
  write_history(out, history);
  EXPECT_EQ(out.str(), text);
}

TEST(History, MalformedLinesNameFileAndLine) {
  auto error_of = [](const std::string& text) {
    std::istringstream in(text);
    try {
      read_history(in, "h.jsonl");
    } catch (const HistoryError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const std::string ok =
      "{\"id\":1,\"proc\":1,\"call\":1,\"ret\":2,\"status\":\"ok\",\"f\":\"read\",\"key\":\"x\","
      "\"out\":null}\n";
  EXPECT_EQ(error_of(ok + "\n{\"id\":2"), "h.jsonl:3: not valid JSON");
  EXPECT_NE(
      error_of(ok + "{\"id\":2,\"proc\":1,\"call\":5,\"ret\":3,\"status\":\"ok\",\"f\":\"read\"}")
          .find("h.jsonl:2: ret 3 is before call 5"),
      std::string::npos);
  EXPECT_NE(error_of("{\"id\":2,\"proc\":1,\"call\":5,\"status\":\"done\",\"f\":\"read\"}")
                .find("unknown status"),
            std::string::npos);
  EXPECT_NE(error_of("{\"id\":2,\"proc\":1,\"call\":5,\"status\":\"ok\",\"f\":\"read\"}")
                .find("needs an integer \"ret\""),
            std::string::npos);
  EXPECT_NE(error_of("{\"proc\":1,\"call\":5,\"status\":\"ok\"}").find("missing field \"id\""),
            std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("expected a JSON object"), std::string::npos);
  EXPECT_EQ(error_of(ok + ok), "h.jsonl:2: id 1 is used twice (also on line 1)");
}

TEST(History, TheValidatorSeesEveryOpWithItsLine) {
  std::istringstream in(
      "{\"id\":1,\"proc\":1,\"call\":1,\"ret\":2,\"status\":\"ok\",\"f\":\"read\",\"key\":\"x\","
      "\"out\":null}\n"
      "{\"id\":2,\"proc\":1,\"call\":3,\"ret\":4,\"status\":\"ok\",\"f\":\"frob\",\"key\":\"x\"}"
      "\n");
  auto no_frob = [](const HistoryOp& op, const std::string& where) {
    if (op.f == "frob") throw HistoryError(where + ": no frob");
  };
  EXPECT_THROW(
      {
        try {
          read_history(in, "h.jsonl", no_frob);
        } catch (const HistoryError& e) {
          EXPECT_STREQ(e.what(), "h.jsonl:2: no frob");
          throw;
        }
      },
      HistoryError);
}

}  // namespace
}  // namespace edgesim

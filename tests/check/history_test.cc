#include "sim/check/history.h"

#include <gtest/gtest.h>

#include <algorithm>
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

TEST(History, MalformedLinesNameFileLineAndColumn) {
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
  // Syntax errors where the parser stopped: the end of a cut line, the end of a bad literal.
  EXPECT_EQ(error_of(ok + "\n{\"id\":2").rfind("h.jsonl:3:8: not valid JSON (syntax error", 0), 0u);
  EXPECT_EQ(error_of("{\"id\":tru}").rfind("h.jsonl:1:10: not valid JSON (syntax error", 0), 0u);
  // A number past a double's range is valid JSON syntax the parser cannot hold (it aborted the
  // program before: nlohmann throws out_of_range, not parse_error).
  EXPECT_EQ(error_of("{\"id\":1e400}"), "h.jsonl:1:7: number 1e400 is out of range");
  // Other tools' histories are named, with the converter to use.
  const std::string converter = "scripts/jepsen_history.py converts it";
  EXPECT_NE(
      error_of("{:process 0, :type :invoke, :f :read, :value nil}")
          .find("; this looks like an EDN history (Jepsen, Knossos, Porcupine): " + converter),
      std::string::npos);
  EXPECT_NE(error_of("[{:process 0, :type :invoke}").find(converter), std::string::npos);
  EXPECT_NE(error_of("#jepsen.history.Op{:index 0}").find(converter), std::string::npos);
  EXPECT_NE(error_of("INFO  jepsen.util - 1\t:invoke\t:read\tnil")
                .find("; this looks like a Jepsen log: " + converter),
            std::string::npos);
  EXPECT_EQ(error_of("{\"id\":tru}").find(converter), std::string::npos);
  // The parser quotes what it last read; a cut UTF-8 character is escaped, not copied.
  const std::string cut = error_of("{\"f\":\"\xc3");
  EXPECT_NE(cut.find("\\xc3"), std::string::npos) << cut;
  EXPECT_TRUE(std::all_of(cut.begin(), cut.end(), [](char c) { return c > 0; })) << cut;
  // Field errors at the field's value, whatever the field order and spacing.
  EXPECT_EQ(
      error_of(ok + "{\"id\":2,\"proc\":1,\"call\":5,\"ret\":3,\"status\":\"ok\",\"f\":\"read\"}"),
      "h.jsonl:2:33: ret 3 is before call 5");
  EXPECT_EQ(error_of("{\"id\":2,\"proc\":1,\"call\":5,\"status\": \"done\",\"f\":\"read\"}"),
            "h.jsonl:1:37: unknown status \"done\" (allowed: ok, fail, info)");
  // A key of the same name inside a value is not the field.
  EXPECT_EQ(error_of("  {\"f\":\"read\",\"arg\":{\"status\":1},\"status\":\"bad\",\"id\":2,"
                     "\"proc\":1,\"call\":5}"),
            "h.jsonl:1:43: unknown status \"bad\" (allowed: ok, fail, info)");
  // An error about a missing field points at the line.
  EXPECT_EQ(error_of("{\"id\":2,\"proc\":1,\"call\":5,\"status\":\"ok\",\"f\":\"read\"}"),
            "h.jsonl:1:1: status \"ok\" needs an integer \"ret\"");
  EXPECT_EQ(error_of("{\"id\":\"two\",\"proc\":1}"),
            "h.jsonl:1:7: field \"id\" must be an integer, got \"two\"");
  EXPECT_EQ(error_of("  {\"proc\":1,\"call\":5,\"status\":\"ok\"}"),
            "h.jsonl:1:3: missing field \"id\"");
  EXPECT_EQ(error_of("[1,2]"), "h.jsonl:1:1: expected a JSON object");
  // Jepsen's one-event-per-line form is named as such, not reported as a missing "id".
  EXPECT_EQ(error_of(ok + " {\"type\":\"invoke\",\"f\":\"write\",\"value\":1,\"process\":0}")
                .rfind("h.jsonl:2:2: a Jepsen-style event (\"type\", \"process\"), not an op: ", 0),
            0u);
  EXPECT_EQ(error_of(ok + ok), "h.jsonl:2:7: id 1 is used twice (also on line 1)");
}

TEST(History, TheValidatorSeesEveryOpWithItsLine) {
  std::istringstream in(
      "{\"id\":1,\"proc\":1,\"call\":1,\"ret\":2,\"status\":\"ok\",\"f\":\"read\",\"key\":\"x\","
      "\"out\":null}\n"
      "{\"id\":2,\"proc\":1,\"call\":3,\"ret\":4,\"status\":\"ok\",\"f\":\"frob\",\"key\":\"x\"}"
      "\n");
  auto no_frob = [](const HistoryOp& op, const HistoryLocation& where) {
    if (op.f == "frob") throw HistoryError(where.of("f") + ": no frob");
  };
  EXPECT_THROW(
      {
        try {
          read_history(in, "h.jsonl", no_frob);
        } catch (const HistoryError& e) {
          EXPECT_STREQ(e.what(), "h.jsonl:2:53: no frob");
          throw;
        }
      },
      HistoryError);
}

}  // namespace
}  // namespace edgesim

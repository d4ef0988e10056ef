#include "sim/check/history.h"

#include <algorithm>
#include <istream>
#include <map>
#include <ostream>

#include <fmt/format.h>

namespace edgesim {
namespace {

const char* const kStandardFields[] = {"id", "proc", "call", "ret", "status",
                                       "f",  "key",  "arg",  "out"};

bool is_standard(const std::string& field) {
  for (const char* name : kStandardFields) {
    if (field == name) return true;
  }
  return false;
}

int64_t need_integer(const Value& line, const char* field, const HistoryLocation& where) {
  auto it = line.find(field);
  if (it == line.end()) {
    throw HistoryError(fmt::format("{}: missing field \"{}\"", where.start(), field));
  }
  if (!it->is_number_integer()) {
    throw HistoryError(fmt::format("{}: field \"{}\" must be an integer, got {}", where.of(field),
                                   field, it->dump()));
  }
  return it->get<int64_t>();
}

OpStatus parse_status(const Value& line, const HistoryLocation& where) {
  auto it = line.find("status");
  if (it == line.end() || !it->is_string()) {
    throw HistoryError(fmt::format("{}: field \"status\" must be \"ok\", \"fail\" or \"info\"",
                                   where.of("status")));
  }
  const std::string& text = it->get_ref<const std::string&>();
  if (text == "ok") return OpStatus::kOk;
  if (text == "fail") return OpStatus::kFail;
  if (text == "info") return OpStatus::kInfo;
  throw HistoryError(
      fmt::format("{}: unknown status \"{}\" (allowed: ok, fail, info)", where.of("status"), text));
}

// Jepsen writes one event per line, an invocation and later its completion ({"type": "invoke" |
// "ok" | "fail" | "info", "process", "f", "value", ...}); an edgesim op is both in one line.
void reject_event_lines(const Value& line, const HistoryLocation& where) {
  if (line.contains("id") || !line.contains("type") || !line.contains("process")) return;
  throw HistoryError(fmt::format(
      "{}: a Jepsen-style event (\"type\", \"process\"), not an op: each line must be a whole "
      "op, its invocation and completion paired (id, proc, call, ret, status, f, key, arg, out); "
      "scripts/jepsen_history.py converts event histories",
      where.start()));
}

HistoryOp parse_op(const Value& line, const HistoryLocation& where) {
  if (!line.is_object())
    throw HistoryError(fmt::format("{}: expected a JSON object", where.start()));
  reject_event_lines(line, where);
  HistoryOp op;
  op.id = static_cast<uint64_t>(need_integer(line, "id", where));
  op.proc = static_cast<uint64_t>(need_integer(line, "proc", where));
  op.call = need_integer(line, "call", where);
  op.status = parse_status(line, where);
  auto ret = line.find("ret");
  if (ret != line.end() && !ret->is_null()) {
    if (!ret->is_number_integer()) {
      throw HistoryError(
          fmt::format("{}: field \"ret\" must be an integer or null", where.of("ret")));
    }
    op.ret = ret->get<int64_t>();
    if (*op.ret < op.call) {
      throw HistoryError(
          fmt::format("{}: ret {} is before call {}", where.of("ret"), *op.ret, op.call));
    }
  }
  if (op.status != OpStatus::kInfo && !op.ret) {
    throw HistoryError(fmt::format("{}: status \"{}\" needs an integer \"ret\"", where.of("ret"),
                                   status_name(op.status)));
  }
  auto f = line.find("f");
  if (f == line.end() || !f->is_string()) {
    throw HistoryError(fmt::format("{}: field \"f\" must be a string", where.of("f")));
  }
  op.f = f->get<std::string>();
  auto key = line.find("key");
  if (key != line.end() && !key->is_null()) {
    op.key = key->is_string() ? key->get<std::string>() : key->dump();
  }
  if (auto arg = line.find("arg"); arg != line.end()) op.arg = *arg;
  if (auto out = line.find("out"); out != line.end()) op.out = *out;
  for (auto it = line.begin(); it != line.end(); ++it) {
    if (it.key() == "node" && it->is_string()) {
      op.node = it->get<std::string>();
    } else if (it.key() == "session" && it->is_number_unsigned()) {
      op.session = it->get<uint64_t>();
    } else if (!is_standard(it.key())) {
      op.extra[it.key()] = it.value();
    }
  }
  return op;
}

// A hint when a line that is not JSON looks like another tool's history: EDN as Jepsen and Knossos
// write it ({:type :invoke ...}, [{:process ...}], #jepsen.history.Op{...}), or a Jepsen log.
std::string other_tools_format(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t[");
  const bool edn = first != std::string_view::npos && (text.substr(first).starts_with("{:") ||
                                                       text.substr(first).starts_with("#jepsen"));
  const bool log = text.find("jepsen.") != std::string_view::npos &&
                   text.find(" - ") != std::string_view::npos;  // "INFO  jepsen.util - 3 ..."
  if (!edn && !log) return "";
  return fmt::format("; this looks like {}: scripts/jepsen_history.py converts it",
                     edn ? "an EDN history (Jepsen, Knossos, Porcupine)" : "a Jepsen log");
}

// The line as JSON; a syntax error is reported at its column, with the parser's reason.
Value parse_line(const std::string& text, const HistoryLocation& where) {
  try {
    return Value::parse(text);
  } catch (const Value::parse_error& error) {
    // what(): "[json.exception.parse_error.101] parse error at line 1, column 8: <reason>".
    const std::string what = error.what();
    const size_t column_at = what.find("column ");
    const size_t reason_at = what.find(": ", column_at == std::string::npos ? 0 : column_at);
    std::string reason;  // the parser quotes what it last read, bytes of a cut UTF-8 character too
    for (const char c : reason_at == std::string::npos ? what : what.substr(reason_at + 2)) {
      const auto byte = static_cast<unsigned char>(c);
      reason += byte < 0x80 ? std::string(1, c) : fmt::format("\\x{:02x}", byte);
    }
    const size_t column = std::max<size_t>(1, std::min(error.byte, text.size() + 1));
    throw HistoryError(fmt::format("{}: not valid JSON ({}){}", where.at(column), reason,
                                   other_tools_format(text)));
  } catch (const Value::out_of_range& error) {
    // A number past a double's range: "[json.exception.out_of_range.406] number overflow parsing
    // '1e400'". Reported at the number (its first occurrence in the line).
    const std::string what = error.what();
    const size_t open = what.find('\'');
    const size_t close = what.rfind('\'');
    const std::string number =
        open < close && close != std::string::npos ? what.substr(open + 1, close - open - 1) : "";
    const size_t at = number.empty() ? std::string::npos : text.find(number);
    throw HistoryError(fmt::format("{}: number {} is out of range",
                                   where.at(at == std::string::npos ? 1 : at + 1), number));
  }
}

// The 0-based offset of the value of `line`'s top-level `field` (of the line's first character if
// it has none). `line` is valid JSON, so keys are exactly the strings at depth 1 that follow '{'
// or ','.
size_t value_offset(std::string_view line, std::string_view field) {
  const size_t first = std::min(line.find_first_not_of(" \t\r"), line.size());
  int depth = 0;
  bool expecting_key = false;
  for (size_t i = first; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      size_t end = i + 1;
      while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
      if (depth == 1 && expecting_key && line.substr(i + 1, end - i - 1) == field) {
        const size_t colon = line.find(':', end);
        return std::min(line.find_first_not_of(" \t\r", colon + 1), line.size());
      }
      expecting_key = false;
      i = end;
    } else if (c == '{' || c == '[') {
      ++depth;
      expecting_key = depth == 1 && c == '{';
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',') {
      expecting_key = depth == 1;
    }
  }
  return first;
}

}  // namespace

const char* status_name(OpStatus status) {
  switch (status) {
    case OpStatus::kOk:
      return "ok";
    case OpStatus::kFail:
      return "fail";
    case OpStatus::kInfo:
      return "info";
  }
  return "?";
}

void release_values(History& history) {
  for (HistoryOp& op : history) {
    for (Value* value : {&op.arg, &op.out}) {
      if (value->is_array()) value->get_ref<Value::array_t&>().clear();
      if (value->is_object()) value->get_ref<Value::object_t&>().clear();
    }
  }
}

void write_history(std::ostream& out, const History& history) {
  for (const HistoryOp& op : history) {
    // Field order follows DESIGN.md; ordered_json keeps insertion order.
    nlohmann::ordered_json line;
    line["id"] = op.id;
    line["proc"] = op.proc;
    line["call"] = op.call;
    line["ret"] = op.ret ? nlohmann::ordered_json(*op.ret) : nlohmann::ordered_json(nullptr);
    line["status"] = status_name(op.status);
    line["f"] = op.f;
    line["key"] = op.key;
    line["arg"] = op.arg;
    line["out"] = op.out;
    if (!op.node.empty()) line["node"] = op.node;
    if (op.session) line["session"] = *op.session;
    if (op.extra.is_object()) {
      for (auto it = op.extra.begin(); it != op.extra.end(); ++it) line[it.key()] = it.value();
    }
    out << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  }
}

std::string HistoryLocation::at(size_t column) const {
  return fmt::format("{}:{}:{}", source_, line_, column);
}

std::string HistoryLocation::of(std::string_view field) const {
  return at(value_offset(text_, field) + 1);
}

std::string HistoryLocation::start() const {
  return at(std::min(text_.find_first_not_of(" \t\r"), text_.size()) + 1);
}

History read_history(std::istream& in, const std::string& source, const OpValidator& validate) {
  History history;
  std::map<uint64_t, size_t> line_of_id;
  std::string text;
  size_t line_number = 0;
  while (std::getline(in, text)) {
    ++line_number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const HistoryLocation where(source, line_number, text);
    HistoryOp op = parse_op(parse_line(text, where), where);
    if (const auto [seen, fresh] = line_of_id.emplace(op.id, line_number); !fresh) {
      throw HistoryError(fmt::format("{}: id {} is used twice (also on line {})", where.of("id"),
                                     op.id, seen->second));
    }
    if (validate) validate(op, where);
    history.push_back(std::move(op));
  }
  if (in.bad()) throw HistoryError(fmt::format("{}: cannot read the history file", source));
  return history;
}

}  // namespace edgesim

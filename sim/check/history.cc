#include "sim/check/history.h"

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

int64_t need_integer(const Value& line, const char* field, const std::string& where) {
  auto it = line.find(field);
  if (it == line.end()) throw HistoryError(fmt::format("{}: missing field \"{}\"", where, field));
  if (!it->is_number_integer()) {
    throw HistoryError(
        fmt::format("{}: field \"{}\" must be an integer, got {}", where, field, it->dump()));
  }
  return it->get<int64_t>();
}

OpStatus parse_status(const Value& line, const std::string& where) {
  auto it = line.find("status");
  if (it == line.end() || !it->is_string()) {
    throw HistoryError(
        fmt::format("{}: field \"status\" must be \"ok\", \"fail\" or \"info\"", where));
  }
  const std::string& text = it->get_ref<const std::string&>();
  if (text == "ok") return OpStatus::kOk;
  if (text == "fail") return OpStatus::kFail;
  if (text == "info") return OpStatus::kInfo;
  throw HistoryError(
      fmt::format("{}: unknown status \"{}\" (allowed: ok, fail, info)", where, text));
}

HistoryOp parse_op(const Value& line, const std::string& where) {
  if (!line.is_object()) throw HistoryError(fmt::format("{}: expected a JSON object", where));
  HistoryOp op;
  op.id = static_cast<uint64_t>(need_integer(line, "id", where));
  op.proc = static_cast<uint64_t>(need_integer(line, "proc", where));
  op.call = need_integer(line, "call", where);
  op.status = parse_status(line, where);
  auto ret = line.find("ret");
  if (ret != line.end() && !ret->is_null()) {
    if (!ret->is_number_integer()) {
      throw HistoryError(fmt::format("{}: field \"ret\" must be an integer or null", where));
    }
    op.ret = ret->get<int64_t>();
    if (*op.ret < op.call) {
      throw HistoryError(fmt::format("{}: ret {} is before call {}", where, *op.ret, op.call));
    }
  }
  if (op.status != OpStatus::kInfo && !op.ret) {
    throw HistoryError(
        fmt::format("{}: status \"{}\" needs an integer \"ret\"", where, status_name(op.status)));
  }
  auto f = line.find("f");
  if (f == line.end() || !f->is_string()) {
    throw HistoryError(fmt::format("{}: field \"f\" must be a string", where));
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
    out << line.dump() << '\n';
  }
}

History read_history(std::istream& in, const std::string& source, const OpValidator& validate) {
  History history;
  std::map<uint64_t, size_t> line_of_id;
  std::string text;
  size_t line_number = 0;
  while (std::getline(in, text)) {
    ++line_number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", source, line_number);
    Value line = Value::parse(text, nullptr, false);
    if (line.is_discarded()) throw HistoryError(fmt::format("{}: not valid JSON", where));
    HistoryOp op = parse_op(line, where);
    if (const auto [seen, fresh] = line_of_id.emplace(op.id, line_number); !fresh) {
      throw HistoryError(
          fmt::format("{}: id {} is used twice (also on line {})", where, op.id, seen->second));
    }
    if (validate) validate(op, where);
    history.push_back(std::move(op));
  }
  if (in.bad()) throw HistoryError(fmt::format("{}: cannot read the history file", source));
  return history;
}

}  // namespace edgesim

#pragma once
// Values, operations and results exchanged between clients, the harness and engines.
// A Value is JSON (nlohmann::json with ordered std::map objects, so serialization is canonical and
// deterministic); the same shape crosses the out-of-process engine protocol unchanged.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace edgesim {

using Value = nlohmann::json;
using OpId = uint64_t;
using TimerId = uint64_t;

// `value` as JSON text (`indent` as Value::dump). A string that is not UTF-8 (an engine may return
// any bytes) gets U+FFFD for each bad byte instead of making the dump throw: the harness writes
// summaries and histories of whatever engines return.
inline std::string json_text(const Value& value, int indent = -1) {
  return value.dump(indent, ' ', false, Value::error_handler_t::replace);
}

// A client operation: f in read, write, cas, append, incr, add, remove, insert, delete.
struct Op {
  OpId id = 0;
  std::string f;
  std::string key;
  Value arg;  // write: value; cas: [from, to]; append: string; incr: by; ...

  // Whether f is `name`. Sizes first, then the bytes inline: libstdc++ 12's f == "read" is a
  // compare() call (a strlen and a memcmp), and engines test f several times per op.
  bool is(std::string_view name) const { return std::string_view(f) == name; }
};

struct Result {
  bool ok = false;
  Value value;        // read: the value (null = absent); cas: true/false; write: null
  std::string error;  // when !ok: why (the op definitely had no effect)

  static Result success(Value value = nullptr) { return Result{true, std::move(value), {}}; }
  static Result failure(std::string error) { return Result{false, nullptr, std::move(error)}; }
};

}  // namespace edgesim

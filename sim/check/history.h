#pragma once
// History: every client operation with its true invocation and completion times, in the JSON
// Lines format of DESIGN.md:
//   {"id":13,"proc":1,"call":26,"ret":28,"status":"ok","f":"cas","key":"r","arg":[0,3],"out":false}
// status: ok (out is the result), fail (definitely no effect), info (unknown; ret is null).
// edgesim adds "node" (the PoP that served the op) and "session" (the client session, which may
// span processes); any other extra fields are kept when reading and written back.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/engine/value.h"

namespace edgesim {

enum class OpStatus { kOk, kFail, kInfo };

struct HistoryOp {
  uint64_t id = 0;
  uint64_t proc = 0;
  int64_t call = 0;
  std::optional<int64_t> ret;  // null for info
  OpStatus status = OpStatus::kInfo;
  std::string f;
  std::string key;
  Value arg;
  Value out;
  std::string node = {};                 // "node": the PoP that served it ("" = not recorded)
  std::optional<uint64_t> session = {};  // "session": the client session (nullopt = not recorded)
  Value extra = nullptr;  // other fields beyond the standard ones (an object, or null)
};

using History = std::vector<HistoryOp>;

// A malformed history; the message starts with "file:line:col".
class HistoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where an op of a history file is, for error messages: one line of JSON. Columns count bytes
// from 1 and are found only when asked for (an error is being reported). It refers to the line
// being read, so it is valid only during the call that receives it.
class HistoryLocation {
 public:
  HistoryLocation(const std::string& source, size_t line, std::string_view text)
      : source_(source), line_(line), text_(text) {}
  // "file:line:col" of the value of the line's top-level `field`, or of the line's first
  // character if it has no such field.
  std::string of(std::string_view field) const;
  std::string start() const;            // "file:line:col" of the line's first character
  std::string at(size_t column) const;  // "file:line:column"

 private:
  const std::string& source_;
  size_t line_;
  std::string_view text_;
};

// Frees the ops' array and object values element by element. Destroying a Value array the usual
// way costs nlohmann ~200 instructions per element: it first moves every element onto a heap
// stack (against deep recursion). Histories hold a whole set or document per read, and freeing
// them that way was 9% of an OR-set benchmark run. The ops stay valid, their values emptied.
void release_values(History& history);

void write_history(std::ostream& out, const History& history);
// Checks one parsed op against what a consumer accepts (a model's ops); throws HistoryError
// starting with where.of(the field at fault).
using OpValidator = std::function<void(const HistoryOp& op, const HistoryLocation& where)>;

// Reads JSON Lines; blank lines are skipped. Throws HistoryError naming `source:line:col`, also
// for an id used twice and for an op `validate` rejects.
History read_history(std::istream& in, const std::string& source, const OpValidator& validate = {});

const char* status_name(OpStatus status);

}  // namespace edgesim

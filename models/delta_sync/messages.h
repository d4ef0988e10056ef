#pragma once
// delta_sync's messages on the wire, built here and read field by field in delta_sync.cc.
//
// Messages are MessagePack arrays [type, fields...]. An entry is three fields: key, version, value.
//   propose  [req, key, base version, value, f, op]  read    [req, key]
//   accepted [req, entry]   reject [req, entry]   read_ok [req, entry]   refuse [req, why]
//   push     [entries (flat)]                          sync    [(key, version) pairs (flat)]

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/delta_sync/entry_table.h"

namespace edgesim::models {

enum class DsMessage : uint8_t {
  kPropose,
  kRead,
  kAccepted,
  kReject,
  kReadOk,
  kRefuse,
  kPush,
  kSync
};
constexpr uint32_t kEntryFields = 3;

// An edge's proposal to the authority: `value` for `key`, computed from `base_version`.
std::string propose_message(uint64_t req, std::string_view key, uint64_t base_version,
                            const Value& value, std::string_view f, uint64_t op_id);
std::string read_message(uint64_t req, std::string_view key);  // a read at the authority
// An answer carrying what the authority holds for `key`: accepted, reject or read_ok.
std::string entry_answer(DsMessage type, uint64_t req, std::string_view key, const Entry& entry);
std::string refuse_message(uint64_t req, std::string_view why);
// A push of `entries`, in the order given.
std::string push_message(const std::vector<const EntryTable::Item*>& entries);
// An edge's (key, version) pairs of the entries it caches, in the order given.
std::string sync_message(const std::vector<const EntryTable::Item*>& entries);

}  // namespace edgesim::models

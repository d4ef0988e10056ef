#include "models/delta_sync/messages.h"

#include "models/wire/msgpack_wire.h"

namespace edgesim::models {
namespace {

void pack_type(Packer& out, DsMessage type) { out.pack_uint8(static_cast<uint8_t>(type)); }

void pack_entry(Packer& out, std::string_view key, const Entry& e) {
  pack_string(out, key);
  out.pack_uint64(e.version);
  pack_value(out, e.value);
}

// [type, req, text]: a read's key, or a refusal's reason.
std::string text_message(DsMessage type, uint64_t req, std::string_view text) {
  return wire_encode([&](Packer& out) {
    out.pack_array(3);
    pack_type(out, type);
    out.pack_uint64(req);
    pack_string(out, text);
  });
}

}  // namespace

std::string propose_message(uint64_t req, std::string_view key, uint64_t base_version,
                            const Value& value, std::string_view f, uint64_t op_id) {
  return wire_encode([&](Packer& out) {
    out.pack_array(7);
    pack_type(out, DsMessage::kPropose);
    out.pack_uint64(req);
    pack_string(out, key);
    out.pack_uint64(base_version);
    pack_value(out, value);
    pack_string(out, f);
    out.pack_uint64(op_id);
  });
}

std::string read_message(uint64_t req, std::string_view key) {
  return text_message(DsMessage::kRead, req, key);
}

std::string entry_answer(DsMessage type, uint64_t req, std::string_view key, const Entry& entry) {
  return wire_encode([&](Packer& out) {
    out.pack_array(2 + kEntryFields);
    pack_type(out, type);
    out.pack_uint64(req);
    pack_entry(out, key, entry);
  });
}

std::string refuse_message(uint64_t req, std::string_view why) {
  return text_message(DsMessage::kRefuse, req, why);
}

std::string push_message(const std::vector<const EntryTable::Item*>& entries) {
  return wire_encode([&](Packer& out) {
    out.pack_array(2);
    pack_type(out, DsMessage::kPush);
    out.pack_array(static_cast<uint32_t>(entries.size() * kEntryFields));
    for (const auto* item : entries) pack_entry(out, item->first, item->second);
  });
}

std::string sync_message(const std::vector<const EntryTable::Item*>& entries) {
  return wire_encode([&](Packer& out) {
    out.pack_array(2);
    pack_type(out, DsMessage::kSync);
    out.pack_array(static_cast<uint32_t>(entries.size() * 2));
    for (const auto* item : entries) {
      pack_string(out, item->first);
      out.pack_uint64(item->second.version);
    }
  });
}

}  // namespace edgesim::models

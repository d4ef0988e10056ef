// Encoding helpers shared by the CRDT engines.
#include "models/crdt/crdt_replica.h"

namespace edgesim::models {

std::string to_msgpack_bytes(const Value& value) {
  const std::vector<uint8_t> bytes = Value::to_msgpack(value);
  return std::string(bytes.begin(), bytes.end());
}

Value from_msgpack_bytes(std::string_view bytes) { return Value::from_msgpack(bytes.begin(), bytes.end()); }

Value hlc_json(const HlcTimestamp& hlc) { return Value::array({hlc.wall_ns, hlc.logical}); }

HlcTimestamp hlc_from(const Value& json) { return HlcTimestamp{json.at(0).get<int64_t>(), json.at(1).get<uint32_t>()}; }

}  // namespace edgesim::models

#include "models/wire/msgpack_wire.h"

#include "sim/core/assert.h"

namespace edgesim::models {

void pack_value(Packer& out, const Value& value) {
  switch (value.type()) {
    case Value::value_t::null:
    case Value::value_t::discarded:
      out.pack_nil();
      return;
    case Value::value_t::boolean:
      value.get<bool>() ? out.pack_true() : out.pack_false();
      return;
    case Value::value_t::number_integer:
      out.pack_int64(value.get<int64_t>());
      return;
    case Value::value_t::number_unsigned:
      out.pack_uint64(value.get<uint64_t>());
      return;
    case Value::value_t::number_float:
      out.pack_double(value.get<double>());
      return;
    case Value::value_t::string:
      pack_string(out, value.get_ref<const std::string&>());
      return;
    case Value::value_t::binary: {
      const auto& bytes = value.get_binary();
      out.pack_bin(static_cast<uint32_t>(bytes.size()));
      out.pack_bin_body(reinterpret_cast<const char*>(bytes.data()), static_cast<uint32_t>(bytes.size()));
      return;
    }
    case Value::value_t::array:
      out.pack_array(static_cast<uint32_t>(value.size()));
      for (const Value& item : value) pack_value(out, item);
      return;
    case Value::value_t::object:
      out.pack_map(static_cast<uint32_t>(value.size()));
      for (auto it = value.begin(); it != value.end(); ++it) {
        pack_string(out, it.key());
        pack_value(out, it.value());
      }
      return;
  }
}

Value unpack_value(const WireObject& in) {
  switch (in.type) {
    case msgpack::type::NIL:
      return nullptr;
    case msgpack::type::BOOLEAN:
      return in.via.boolean;
    case msgpack::type::POSITIVE_INTEGER:
      return in.via.u64;
    case msgpack::type::NEGATIVE_INTEGER:
      return in.via.i64;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return in.via.f64;
    case msgpack::type::STR:
      return std::string(in.via.str.ptr, in.via.str.size);
    case msgpack::type::BIN:
      return Value::binary(std::vector<uint8_t>(in.via.bin.ptr, in.via.bin.ptr + in.via.bin.size));
    case msgpack::type::ARRAY: {
      Value array = Value::array();
      array.get_ref<Value::array_t&>().reserve(in.via.array.size);
      for (uint32_t i = 0; i < in.via.array.size; ++i) array.push_back(unpack_value(in.via.array.ptr[i]));
      return array;
    }
    case msgpack::type::MAP: {
      Value object = Value::object();
      for (uint32_t i = 0; i < in.via.map.size; ++i) {
        const msgpack::object_kv& entry = in.via.map.ptr[i];
        object[std::string(wire_str(entry.key))] = unpack_value(entry.val);
      }
      return object;
    }
    case msgpack::type::EXT:
      break;
  }
  EDGESIM_ASSERT(false, "a MessagePack extension type cannot be a value");
  return nullptr;
}

std::string encode_value(const Value& value) {
  return wire_encode([&](Packer& out) { pack_value(out, value); });
}

Value decode_value(std::string_view bytes) {
  const WireMessage parsed(bytes);
  return unpack_value(parsed.root());
}

WireMessage::WireMessage(std::string_view bytes) {
  try {
    handle_ = msgpack::unpack(bytes.data(), bytes.size());
    root_ = handle_.get();
  } catch (const std::exception& error) {
    EDGESIM_ASSERT(false, "malformed engine message or record: {}", error.what());
  }
}

WireMessage::WireMessage(std::string_view bytes, msgpack::zone& reuse) {
  reuse.clear();
  try {
    root_ = msgpack::unpack(reuse, bytes.data(), bytes.size());
  } catch (const std::exception& error) {
    EDGESIM_ASSERT(false, "malformed engine message or record: {}", error.what());
  }
}

WireMessage::WireMessage(std::string_view records, size_t& offset) {
  try {
    handle_ = msgpack::unpack(records.data(), records.size(), offset);
    root_ = handle_.get();
  } catch (const std::exception& error) {
    EDGESIM_ASSERT(false, "malformed engine record: {}", error.what());
  }
}

uint32_t wire_size(const WireObject& array) {
  EDGESIM_ASSERT(array.type == msgpack::type::ARRAY, "expected an array in an engine message");
  return array.via.array.size;
}

uint32_t wire_tuples_size(const WireObject& array, uint32_t fields) {
  const uint32_t size = wire_size(array);
  EDGESIM_ASSERT(size % fields == 0, "an engine message array of {}-field tuples has {} fields", fields, size);
  return size;
}

const WireObject& wire_at(const WireObject& array, uint32_t index) {
  EDGESIM_ASSERT(index < wire_size(array), "engine message field {} is missing", index);
  return array.via.array.ptr[index];
}

uint64_t wire_u64(const WireObject& object) {
  EDGESIM_ASSERT(object.type == msgpack::type::POSITIVE_INTEGER, "expected an unsigned integer in an engine message");
  return object.via.u64;
}

int64_t wire_i64(const WireObject& object) {
  if (object.type == msgpack::type::NEGATIVE_INTEGER) return object.via.i64;
  EDGESIM_ASSERT(object.type == msgpack::type::POSITIVE_INTEGER && object.via.u64 <= uint64_t(INT64_MAX),
                 "expected a signed integer in an engine message");
  return static_cast<int64_t>(object.via.u64);
}

bool wire_bool(const WireObject& object) {
  EDGESIM_ASSERT(object.type == msgpack::type::BOOLEAN, "expected a boolean in an engine message");
  return object.via.boolean;
}

std::string_view wire_str(const WireObject& object) {
  EDGESIM_ASSERT(object.type == msgpack::type::STR, "expected a string in an engine message");
  return {object.via.str.ptr, object.via.str.size};
}

}  // namespace edgesim::models

#include "models/wire/msgpack_wire.h"

#include <bit>
#include <cstring>

#include "sim/core/assert.h"
#include "sim/core/trace_hash.h"

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
      out.pack_bin_body(reinterpret_cast<const char*>(bytes.data()),
                        static_cast<uint32_t>(bytes.size()));
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
      for (uint32_t i = 0; i < in.via.array.size; ++i)
        array.push_back(unpack_value(in.via.array.ptr[i]));
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

// What msgpack::unpack() builds afresh for every call (v2/unpack.hpp, unpack_imp), kept. These
// are msgpack-cxx's detail classes, pinned by Debian's package version (4.1.3 in bookworm).
struct WireReader::Parser {
  using Builder = msgpack::v2::detail::create_object_visitor;

  // Tells the builder to point strings and binaries at the parsed bytes rather than copy them.
  static bool refer_to_bytes(msgpack::type::object_type, size_t, void*) { return true; }

  Builder builder{refer_to_bytes, nullptr, msgpack::unpack_limit()};
  msgpack::v2::detail::parse_helper<Builder> parser{builder};
};

struct WireReader::Parsed {
  explicit Parsed(size_t zone_bytes) : zone(zone_bytes) {}

  uint64_t hash = 0;
  std::string bytes;  // the tree's strings point into these
  msgpack::zone zone;
  WireObject root;
  uint32_t holders = 0;  // live WireMessages reading it: not forgotten while any are
};

namespace {

// How much is remembered (Memory). A message reaches its receivers within the largest link
// latency, and the replicas of a 9-PoP CRDT run parse a few dozen other messages in between: 128
// parses suffice. An LWW replica pushes every write to every peer, several hundred messages in
// that time: with 128 it parsed each push three times. Remembering more parses of msgpack-cxx's
// default 8 KiB zones measured slower in wall time on every engine tried (megabytes of remembered
// trees cost the caches); lww's pushes need a few hundred bytes each, so it remembers 512 in
// 1 KiB zones (docs/performance.md, session 20). Full states can be large, hence the bound on
// bytes as well.
constexpr size_t kRememberedBytes = size_t{16} << 20;
// Forgotten parses kept for their memory (a zone chunk, a string's capacity).
constexpr size_t kSpareParses = 8;

}  // namespace

WireReader::WireReader() : WireReader(Memory{}) {}

// The hash slots are a power of two, a few times the parses remembered.
WireReader::WireReader(Memory memory)
    : memory_(memory),
      parser_(std::make_unique<Parser>()),
      by_hash_(std::bit_ceil(4 * std::max<size_t>(memory.messages, 1)), nullptr) {}
WireReader::~WireReader() = default;

namespace {

// Tells messages apart for the parse cache from their size and their first and last eight bytes,
// not all of them (hashing every byte of every message every replica received was 2% of an lww
// run). Two messages alike in those but different elsewhere only cost a parse: acquire() compares
// the whole bytes before it reuses one. Messages rarely are: a message's last bytes are its
// newest stamps or clock readings.
uint64_t message_fingerprint(std::string_view bytes) {
  if (bytes.size() < 8) return TraceHash::digest(bytes);
  uint64_t head, tail;
  std::memcpy(&head, bytes.data(), 8);
  std::memcpy(&tail, bytes.data() + bytes.size() - 8, 8);
  uint64_t hash = (head ^ (bytes.size() * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
  hash = (hash ^ tail) * 0xc4ceb9fe1a85ec53ULL;
  return hash ^ (hash >> 32);
}

}  // namespace

WireReader::Parsed& WireReader::acquire(std::string_view bytes) {
  const uint64_t hash = message_fingerprint(bytes);
  Parsed* known = by_hash_[hash & (by_hash_.size() - 1)];
  Parsed& parsed = known != nullptr && known->bytes == bytes ? *known : parse_new(bytes, hash);
  ++parsed.holders;
  return parsed;
}

void WireReader::release(Parsed& parsed) { --parsed.holders; }

WireReader::Parsed& WireReader::parse_new(std::string_view bytes, uint64_t hash) {
  while (!remembered_.empty() && (remembered_.size() >= memory_.messages ||
                                  remembered_bytes_ + bytes.size() > kRememberedBytes)) {
    if (!forget_oldest()) break;
  }
  std::unique_ptr<Parsed> parsed;
  if (spare_.empty()) {
    parsed = std::make_unique<Parsed>(memory_.zone_bytes);
  } else {
    parsed = std::move(spare_.back());
    spare_.pop_back();
  }
  parsed->hash = hash;
  parsed->bytes.assign(bytes);
  parsed->zone.clear();
  Parser& p = *parser_;
  // Resets the builder too. After a whole parse there is nothing to reset; this keeps each parse
  // independent of how the last one ended.
  p.parser.init();
  p.builder.set_zone(parsed->zone);
  size_t offset = 0;
  msgpack::parse_return result = msgpack::PARSE_CONTINUE;
  try {
    if (!bytes.empty())
      result = p.parser.execute(parsed->bytes.data(), parsed->bytes.size(), offset);
  } catch (const std::exception& error) {  // the builder throws on a parse error or a size limit
    EDGESIM_ASSERT(false, "malformed engine message: {}", error.what());
  }
  // The same outcomes as msgpack::unpack(zone, ...), which ignores bytes after one whole object.
  EDGESIM_ASSERT(result == msgpack::PARSE_SUCCESS || result == msgpack::PARSE_EXTRA_BYTES,
                 "malformed engine message: {}",
                 result == msgpack::PARSE_CONTINUE ? "insufficient bytes" : "parse error");
  parsed->root = p.builder.data();
  // The parse in this slot before, if any, stays readable by whoever holds it until forgotten.
  by_hash_[hash & (by_hash_.size() - 1)] = parsed.get();
  remembered_bytes_ += bytes.size();
  return *remembered_.emplace_back(std::move(parsed));
}

// Forgets the oldest parse no WireMessage holds (a replica does not parse a message while it
// handles another, so all but the newest one or two are free); false if every one is held.
bool WireReader::forget_oldest() {
  const auto oldest =
      std::find_if(remembered_.begin(), remembered_.end(),
                   [](const std::unique_ptr<Parsed>& parsed) { return parsed->holders == 0; });
  if (oldest == remembered_.end()) return false;
  Parsed& parsed = **oldest;
  Parsed*& slot = by_hash_[parsed.hash & (by_hash_.size() - 1)];
  if (slot == &parsed) slot = nullptr;
  remembered_bytes_ -= parsed.bytes.size();
  if (spare_.size() < kSpareParses) spare_.push_back(std::move(*oldest));
  remembered_.erase(oldest);
  return true;
}

WireMessage::WireMessage(std::string_view bytes, WireReader& reader)
    : reader_(&reader), parsed_(&reader.acquire(bytes)) {
  root_ = parsed_->root;
}

WireMessage::~WireMessage() {
  if (parsed_ != nullptr) reader_->release(*parsed_);
}

WireMessage::WireMessage(std::string_view records, size_t& offset) {
  try {
    handle_ = msgpack::unpack(records.data(), records.size(), offset);
    root_ = handle_.get();
  } catch (const std::exception& error) {
    EDGESIM_ASSERT(false, "malformed engine record: {}", error.what());
  }
}

void wire_mismatch(const char* expected) {
  EDGESIM_ASSERT(false, "expected {} in an engine message", expected);
}

void wire_missing_field(uint32_t index) {
  EDGESIM_ASSERT(false, "engine message field {} is missing", index);
}

void wire_partial_tuple(uint32_t fields, uint32_t size) {
  EDGESIM_ASSERT(false, "an engine message array of {}-field tuples has {} fields", fields, size);
}

}  // namespace edgesim::models

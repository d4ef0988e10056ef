#pragma once
// MessagePack for replica messages and durable records, written straight from an engine's
// structures by msgpack-cxx's packer and read back from its zone-allocated object tree.
//
// Why not nlohmann's to_msgpack/from_msgpack: that route builds a JSON document on both sides,
// and every node of a document is a heap allocation; building, encoding, parsing and freeing
// those documents was over half of a simulated run. Records are positional arrays (the engine
// that wrote a record is the one that reads it), so no field names travel either.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <msgpack.hpp>

#include "sim/core/assert.h"
#include "sim/engine/value.h"

namespace edgesim::models {

// The packer's sink: appends to a string. The packer writes a few bytes at a time, so this grows
// the string geometrically itself and copies inline, instead of a library append per field.
//
// Functions that pack many fields in a row are marked [[gnu::flatten]]: without it GCC keeps
// write() out of line in them, and every field's few bytes go through a memcpy call of a size it
// no longer knows (RGA's runs: 10% of a text run's instructions; 1-2% for the other engines).
// Marking write() itself always_inline grew the code and cost more than it saved.
class WireBuffer {
 public:
  void write(const char* data, size_t size) {
    if (used_ + size > bytes_.size()) [[unlikely]]
      grow(size);
    std::memcpy(bytes_.data() + used_, data, size);
    used_ += size;
  }
  std::string take() {
    bytes_.resize(used_);
    used_ = 0;
    return std::move(bytes_);
  }
  // What was written since the last clear(), for a buffer kept and reused: a record appended to a
  // log is copied there, so it need not be a string of its own.
  std::string_view written() const { return {bytes_.data(), used_}; }
  void clear() { used_ = 0; }

 private:
  [[gnu::noinline]] void grow(size_t size) {
    bytes_.resize(std::max(2 * bytes_.size(), used_ + size + 64));
  }

  std::string bytes_;
  size_t used_ = 0;
};

using Packer = msgpack::packer<WireBuffer>;
using WireObject = msgpack::object;

// Runs `fill(packer)` and returns the bytes it wrote.
template <typename Fill>
std::string wire_encode(Fill&& fill) {
  WireBuffer buffer;
  Packer packer(buffer);
  fill(packer);
  return buffer.take();
}

// Runs `fill(packer)` into `buffer` (emptied first) and returns what it wrote, valid until the
// buffer is used again.
template <typename Fill>
std::string_view wire_encode_into(WireBuffer& buffer, Fill&& fill) {
  buffer.clear();
  Packer packer(buffer);
  fill(packer);
  return buffer.written();
}

// A MessagePack string.
inline void pack_string(Packer& out, std::string_view text) {
  out.pack_str(static_cast<uint32_t>(text.size()));
  out.pack_str_body(text.data(), static_cast<uint32_t>(text.size()));
}

// Appends `packed`, which is already one whole MessagePack object (packed once, sent many times).
inline void pack_packed(Packer& out, std::string_view packed) {
  out.pack_str_body(packed.data(), static_cast<uint32_t>(packed.size()));  // raw bytes, no header
}

// A JSON value as MessagePack, and back (maps must have string keys; positive integers come
// back unsigned, which compares equal to the signed original).
void pack_value(Packer& out, const Value& value);
Value unpack_value(const WireObject& in);

// A whole JSON value as MessagePack bytes, and back (for small messages where a document is
// the natural shape).
std::string encode_value(const Value& value);
Value decode_value(std::string_view bytes);

// Parses the messages an engine's replicas receive, for all the replicas of one engine in one run
// (a run is one thread). A replica sends the same bytes to many peers (a delta group, a full
// state, a heartbeat), so each distinct message is parsed once and remembered for a while: the
// other receivers get the same tree. Parsing is a function of the bytes alone, so a remembered
// tree is exactly what parsing again would give; nothing a replica does depends on whether it was.
//
// It also keeps msgpack-cxx's parser from one message to the next (unpack() built one per call,
// and its two stacks were two allocations per message), and strings in a tree point into the
// reader's copy of the bytes instead of being copied into the tree's zone.
class WireReader {
 public:
  // How much a reader remembers. The defaults suit engines whose replicas send a few messages per
  // sync round, each to several peers; an engine that sends a message per write to every peer
  // (lww) has many more distinct messages in flight, each small.
  struct Memory {
    size_t messages = 128;     // parses remembered at most
    size_t zone_bytes = 8192;  // the first chunk of each parse's zone (msgpack-cxx's default)
  };

  WireReader();  // Memory's defaults
  explicit WireReader(Memory memory);
  ~WireReader();
  WireReader(const WireReader&) = delete;
  WireReader& operator=(const WireReader&) = delete;

 private:
  friend class WireMessage;
  struct Parser;  // msgpack-cxx's parser and object builder, kept out of this header
  struct Parsed;  // one message's bytes and tree

  // The parse of `bytes` (a malformed message fails EDGESIM_ASSERT), kept until release().
  Parsed& acquire(std::string_view bytes);
  void release(Parsed& parsed);
  Parsed& parse_new(std::string_view bytes, uint64_t hash);
  bool forget_oldest();

  Memory memory_;
  std::unique_ptr<Parser> parser_;
  // Remembered parses by a hash of their size and ends (see acquire()), one per slot: a parse
  // whose slot another took is not found again, which only costs a parse.
  std::vector<Parsed*> by_hash_;
  std::deque<std::unique_ptr<Parsed>> remembered_;  // oldest first
  std::vector<std::unique_ptr<Parsed>> spare_;      // forgotten, their memory kept
  size_t remembered_bytes_ = 0;
};

// A parsed message or record.
class WireMessage {
 public:
  // Owns the object tree (one allocation for the zone it lives in).
  explicit WireMessage(std::string_view bytes);
  // A received message, parsed by (or remembered in) `reader`; valid as long as this lives.
  WireMessage(std::string_view bytes, WireReader& reader);
  // Parses the record that starts at `offset` in a sequence of records, and moves `offset` past it.
  WireMessage(std::string_view records, size_t& offset);
  ~WireMessage();
  WireMessage(const WireMessage&) = delete;
  WireMessage& operator=(const WireMessage&) = delete;

  const WireObject& root() const { return root_; }

 private:
  msgpack::object_handle handle_;
  WireObject root_;
  WireReader* reader_ = nullptr;  // with parsed_: the reader's parse this holds
  WireReader::Parsed* parsed_ = nullptr;
};

// Records appended one after another (a write-ahead log): calls `visit` with each one's root,
// oldest first.
template <typename Visit>
void for_each_wire_record(std::string_view records, Visit&& visit) {
  for (size_t offset = 0; offset < records.size();) {
    const WireMessage record(records, offset);
    visit(record.root());
  }
}

// Per-replica counters (an ordered map from uint32 to uint64) as a flat array
// [replica, counter, replica, counter, ...], read back by unpack_replica_counters()
// (models/crdt/causal_context.h).
template <typename Map>
void pack_counters(Packer& out, const Map& counters);

// Checked reads. These are our own engines' messages and records, so a mismatch is a bug: it
// fails loudly (EDGESIM_ASSERT) with what was expected rather than reading garbage. Inline, with
// the failure out of line: engines make these reads for every field they receive.
[[noreturn, gnu::cold]] void wire_mismatch(const char* expected);
[[noreturn, gnu::cold]] void wire_missing_field(uint32_t index);
[[noreturn, gnu::cold]] void wire_partial_tuple(uint32_t fields, uint32_t size);

inline uint32_t wire_size(const WireObject& array) {
  if (array.type != msgpack::type::ARRAY) [[unlikely]]
    wire_mismatch("an array");
  return array.via.array.size;
}
// The size of a flat array of `fields`-field tuples (asserts it holds whole tuples).
inline uint32_t wire_tuples_size(const WireObject& array, uint32_t fields) {
  const uint32_t size = wire_size(array);
  if (size % fields != 0) [[unlikely]]
    wire_partial_tuple(fields, size);
  return size;
}
inline const WireObject& wire_at(const WireObject& array, uint32_t index) {
  if (index >= wire_size(array)) [[unlikely]]
    wire_missing_field(index);
  return array.via.array.ptr[index];
}
inline uint64_t wire_u64(const WireObject& object) {
  if (object.type != msgpack::type::POSITIVE_INTEGER) [[unlikely]]
    wire_mismatch("an unsigned integer");
  return object.via.u64;
}
// An unsigned integer field of `array` that a checked read (wire_at and wire_u64) has already
// vouched for: a walk that checks a packed structure once reads it again with this.
inline uint64_t wire_vetted_u64(const WireObject& array, uint32_t index) {
  return array.via.array.ptr[index].via.u64;
}
inline int64_t wire_i64(const WireObject& object) {
  if (object.type == msgpack::type::NEGATIVE_INTEGER) return object.via.i64;
  if (object.type != msgpack::type::POSITIVE_INTEGER || object.via.u64 > uint64_t(INT64_MAX))
      [[unlikely]]
    wire_mismatch("a signed integer");
  return static_cast<int64_t>(object.via.u64);
}
inline bool wire_bool(const WireObject& object) {
  if (object.type != msgpack::type::BOOLEAN) [[unlikely]]
    wire_mismatch("a boolean");
  return object.via.boolean;
}
inline std::string_view wire_str(const WireObject& object) {
  if (object.type != msgpack::type::STR) [[unlikely]]
    wire_mismatch("a string");
  return {object.via.str.ptr, object.via.str.size};
}

template <typename Map>
[[gnu::flatten]] void pack_counters(Packer& out, const Map& counters) {
  out.pack_array(static_cast<uint32_t>(counters.size() * 2));
  for (const auto& [replica, counter] : counters) {
    out.pack_uint32(replica);
    out.pack_uint64(counter);
  }
}

}  // namespace edgesim::models

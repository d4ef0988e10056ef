#pragma once
// What the hybrid's event log holds, per data type (models/hybrid/hybrid.h). A kind names the local
// CRDT layer, what one event changes, and how the log folds an event into the value it holds for
// a key:
//   CounterLog (counter workloads): an event adds `by` to the key's total; the local layer is
//     crdt.pn_counter's. A bound (max_value) makes the log refuse an event.
//   FieldLog (map and kv workloads): an event sets the field to a value, or deletes it (null);
//     the log's order decides, the last event appended wins. The local layer is crdt.lww_map's,
//     whose HLC stamps decide among the fields that are not authoritative.

#include <cstdint>
#include <optional>
#include <string_view>

#include "models/crdt/lww_register.h"
#include "models/crdt/pn_counter.h"
#include "models/wire/msgpack_wire.h"
#include "sim/engine/replica.h"

namespace edgesim::models {

struct CounterLog {
  using Local = PnCounter;
  using Change = int64_t;                 // what an event adds
  using Held = int64_t;                   // the log's total for a key (0: none yet)
  static constexpr bool kBounded = true;  // max_value applies
  // A total stays in the log at 0, and a publication that leaves a key out leaves it unchanged.
  static constexpr bool kForgetsAbsent = false;

  // The event an op makes, or nullopt for an op that changes nothing (a read; the local layer
  // answers whatever else comes).
  static std::optional<Change> change_of(const Op& op) {
    if (!op.is("incr")) return std::nullopt;
    return op.arg.is_number_integer() ? op.arg.get<int64_t>() : 1;
  }
  static void fold(Held& held, const Change& by) { held += by; }
  static Value read(const Held& total) { return total; }

  static void pack_change(Packer& out, const Change& by) { out.pack_int64(by); }
  static Change unpack_change(const WireObject& in) { return wire_i64(in); }
  static void pack_held(Packer& out, const Held& total) { out.pack_int64(total); }
  static Held unpack_held(const WireObject& in) { return wire_i64(in); }
};

struct FieldLog {
  using Local = LwwRegister;
  using Change = Value;  // the field's new value; null: deleted
  using Held = Value;    // the field's value in the log; null: absent or deleted
  static constexpr bool kBounded = false;
  // A deleted field leaves the log at once, and every publication lists every field the log holds
  // (a field it leaves out is absent): deletions need no tombstones, so a log of an open set of
  // fields holds and publishes only the live ones.
  static constexpr bool kForgetsAbsent = true;

  // A write of null deletes, as it does in the local layer's observation (a map lists no null).
  static std::optional<Change> change_of(const Op& op) {
    if (op.is("write")) return op.arg;
    if (op.is("delete")) return Value(nullptr);
    return std::nullopt;
  }
  static void fold(Held& held, const Change& value) { held = value; }
  static Value read(const Held& value) { return value; }

  static void pack_change(Packer& out, const Change& value) { pack_value(out, value); }
  static Change unpack_change(const WireObject& in) { return unpack_value(in); }
  static void pack_held(Packer& out, const Held& value) { pack_value(out, value); }
  static Held unpack_held(const WireObject& in) { return unpack_value(in); }
};

}  // namespace edgesim::models

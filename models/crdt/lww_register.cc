#include "models/crdt/lww_register.h"

namespace edgesim::models {

Result LwwRegister::apply(const Op& op, const CrdtStamp& stamp, LwwRegister& delta) {
  if (op.is("read")) return Result::success(observe());
  if (!op.is("write") && !op.is("delete")) {
    return Result::failure("a map supports write, delete and read, not " + op.f);
  }
  set_ = true;
  stamp_ = Stamp{stamp.hlc, stamp.self, stamp.counter};
  value_ = op.is("write") ? std::optional<Value>(op.arg) : std::nullopt;
  delta = *this;
  return Result::success();
}

bool LwwRegister::merge(const LwwRegister& other) {
  if (!other.set_ || (set_ && !(stamp_ < other.stamp_))) return false;
  *this = other;
  return true;
}

bool LwwRegister::merge_packed(const WireObject& in) {
  if (in.is_nil()) return false;
  const Stamp theirs = unpack_stamp(in);
  if (set_ && !(stamp_ < theirs)) return false;
  set_ = true;
  stamp_ = theirs;
  value_ =
      wire_bool(wire_at(in, 1)) ? std::nullopt : std::optional<Value>(unpack_value(wire_at(in, 0)));
  return true;
}

void LwwRegister::compact(const VersionVector& stable) {
  if (set_ && !value_ && stable.get(stamp_.replica) >= stamp_.counter) *this = LwwRegister{};
}

bool LwwRegister::obsolete(const VersionVector& stable) const {
  return set_ && stable.get(stamp_.replica) >= stamp_.counter;
}

[[gnu::flatten]] void LwwRegister::pack(Packer& out) const {
  if (!set_) {
    out.pack_nil();
    return;
  }
  out.pack_array(6);
  if (value_) {
    pack_value(out, *value_);
  } else {
    out.pack_nil();
  }
  out.pack(!value_.has_value());
  out.pack_int64(stamp_.hlc.wall_ns);
  out.pack_uint32(stamp_.hlc.logical);
  out.pack_uint32(stamp_.replica);
  out.pack_uint64(stamp_.counter);
}

LwwRegister LwwRegister::unpack(const WireObject& in) {
  LwwRegister reg;
  if (in.is_nil()) return reg;
  reg.set_ = true;
  if (!wire_bool(wire_at(in, 1))) reg.value_ = unpack_value(wire_at(in, 0));
  reg.stamp_ = unpack_stamp(in);
  return reg;
}

LwwRegister::Stamp LwwRegister::unpack_stamp(const WireObject& in) {
  return Stamp{
      HlcTimestamp{wire_i64(wire_at(in, 2)), static_cast<uint32_t>(wire_u64(wire_at(in, 3)))},
      static_cast<ReplicaId>(wire_u64(wire_at(in, 4))), wire_u64(wire_at(in, 5))};
}

}  // namespace edgesim::models

#include "models/crdt/lww_register.h"

namespace edgesim::models {

Result LwwRegister::apply(const Op& op, const CrdtStamp& stamp, LwwRegister& delta) {
  if (op.f == "read") return Result::success(observe());
  if (op.f != "write" && op.f != "delete") {
    return Result::failure("a map supports write, delete and read, not " + op.f);
  }
  set_ = true;
  stamp_ = Stamp{stamp.hlc, stamp.self, stamp.counter};
  value_ = op.f == "write" ? std::optional<Value>(op.arg) : std::nullopt;
  delta = *this;
  return Result::success();
}

bool LwwRegister::merge(const LwwRegister& other) {
  if (!other.set_ || (set_ && !(stamp_ < other.stamp_))) return false;
  *this = other;
  return true;
}

void LwwRegister::compact(const VersionVector& stable) {
  if (set_ && !value_ && stable.get(stamp_.replica) >= stamp_.counter) *this = LwwRegister{};
}

bool LwwRegister::obsolete(const VersionVector& stable) const {
  return set_ && stable.get(stamp_.replica) >= stamp_.counter;
}

Value LwwRegister::to_json() const {
  if (!set_) return nullptr;
  return Value{{"v", value_ ? *value_ : Value(nullptr)},
               {"tomb", !value_.has_value()},
               {"t", Value::array({stamp_.hlc.wall_ns, stamp_.hlc.logical, stamp_.replica, stamp_.counter})}};
}

LwwRegister LwwRegister::from_json(const Value& json) {
  LwwRegister reg;
  if (json.is_null()) return reg;
  reg.set_ = true;
  if (!json.at("tomb").get<bool>()) reg.value_ = json.at("v");
  const Value& t = json.at("t");
  reg.stamp_ = Stamp{HlcTimestamp{t.at(0).get<int64_t>(), t.at(1).get<uint32_t>()}, t.at(2).get<ReplicaId>(),
                     t.at(3).get<uint64_t>()};
  return reg;
}

}  // namespace edgesim::models

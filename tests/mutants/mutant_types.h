#pragma once
// Planted bugs: CRDT types that look plausible and are wrong in the ways real implementations
// have been. Registered only in tests (mutants_test.cc), never in the product.

#include <map>
#include <optional>

#include "models/crdt/crdt_type.h"
#include "models/crdt/pn_counter.h"

namespace edgesim::mutants {

using models::CrdtStamp;
using models::Dot;
using models::PnCounter;
using models::VersionVector;

// A counter whose merge adds the other side's totals instead of taking the maximum: every
// duplicated or repeated sync message counts again.
class AddingCounter {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, AddingCounter& delta) {
    PnCounter delta_counter;
    const Result result = counter_.apply(op, stamp, delta_counter);
    // The delta carries only this op's increment, so adding it is right the first time.
    PnCounter::Totals inc, dec;
    if (result.ok && op.f == "incr") {
      const int64_t by = op.arg.is_null() ? 1 : op.arg.get<int64_t>();
      (by >= 0 ? inc : dec)[stamp.self] = static_cast<uint64_t>(by >= 0 ? by : -by);
    }
    delta.counter_ = PnCounter::from_totals(inc, dec);
    return result;
  }
  bool merge(const AddingCounter& other) {
    PnCounter::Totals inc = counter_.increments(), dec = counter_.decrements();
    for (const auto& [r, n] : other.counter_.increments()) inc[r] += n;
    for (const auto& [r, n] : other.counter_.decrements()) dec[r] += n;
    counter_ = PnCounter::from_totals(inc, dec);
    return !other.counter_.increments().empty() || !other.counter_.decrements().empty();
  }
  void pack(models::Packer& out) const { counter_.pack(out); }
  static AddingCounter unpack(const models::WireObject& in) {
    AddingCounter c;
    c.counter_ = PnCounter::unpack(in);
    return c;
  }
  Value observe() const { return counter_.observe(); }
  uint64_t metadata_bytes() const { return counter_.metadata_bytes(); }
  void compact(const VersionVector&) {}
  bool obsolete(const VersionVector&) const { return false; }
  bool operator==(const AddingCounter&) const = default;

 private:
  PnCounter counter_;
};

// An OR-set without a causal context: adds are tagged, merge is the union of tags, and a remove
// only deletes the tags locally. Nothing remembers the remove, so the next merge brings the
// element back.
class ContextFreeOrSet {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, ContextFreeOrSet& delta) {
    if (op.f == "read") return Result::success(observe());
    if (op.f == "add") {
      tags_[Dot{stamp.self, stamp.counter}] = op.arg;
      delta.tags_[Dot{stamp.self, stamp.counter}] = op.arg;
      return Result::success();
    }
    if (op.f != "remove") return Result::failure("unsupported");
    std::erase_if(tags_, [&](const auto& tag) { return tag.second == op.arg; });
    return Result::success();
  }
  bool merge(const ContextFreeOrSet& other) {
    const size_t before = tags_.size();
    tags_.insert(other.tags_.begin(), other.tags_.end());
    return tags_.size() != before;
  }
  // On the wire as a JSON document: these types are small and only tests use them.
  void pack(models::Packer& out) const { models::pack_value(out, to_json()); }
  static ContextFreeOrSet unpack(const models::WireObject& in) {
    return from_json(models::unpack_value(in));
  }
  Value to_json() const {
    Value list = Value::array();
    for (const auto& [dot, v] : tags_) list.push_back(Value::array({dot.first, dot.second, v}));
    return list;
  }
  static ContextFreeOrSet from_json(const Value& json) {
    ContextFreeOrSet set;
    for (const Value& t : json)
      set.tags_[Dot{t.at(0).get<uint32_t>(), t.at(1).get<uint64_t>()}] = t.at(2);
    return set;
  }
  Value observe() const {
    std::map<std::string, Value> distinct;
    for (const auto& [dot, v] : tags_) distinct.emplace(v.dump(), v);
    Value result = Value::array();
    for (const auto& [text, v] : distinct) result.push_back(v);
    return result;
  }
  uint64_t metadata_bytes() const { return tags_.size() * sizeof(Dot); }
  void compact(const VersionVector&) {}
  bool obsolete(const VersionVector&) const { return false; }
  bool operator==(const ContextFreeOrSet&) const = default;

 private:
  std::map<Dot, Value> tags_;
};

// An LWW register that stores millisecond stamps (as many databases do) and takes an incoming
// value only if its stamp is greater, so a tie keeps whichever write arrived first: replicas that
// receive tied writes in different orders disagree forever, whatever the sync mode. (Letting the
// later arrival win instead diverges only until gossip spreads one of the values everywhere; in
// user-profiles.yaml that outlasted the convergence bound on 4 seeds of 400.)
class ArrivalTieLww {
 public:
  Result apply(const Op& op, const CrdtStamp& stamp, ArrivalTieLww& delta) {
    if (op.f == "read") return Result::success(observe());
    if (op.f != "write" && op.f != "delete") return Result::failure("unsupported");
    set_ = true;
    millis_ = stamp.hlc.wall_ns / 1'000'000;
    value_ = op.f == "write" ? std::optional<Value>(op.arg) : std::nullopt;
    delta = *this;
    return Result::success();
  }
  bool merge(const ArrivalTieLww& other) {
    if (!other.set_ || (set_ && other.millis_ <= millis_) || *this == other) return false;
    *this = other;
    return true;
  }
  void pack(models::Packer& out) const { models::pack_value(out, to_json()); }
  static ArrivalTieLww unpack(const models::WireObject& in) {
    return from_json(models::unpack_value(in));
  }
  Value to_json() const {
    return Value{{"s", set_}, {"m", millis_}, {"v", value_ ? *value_ : Value()}, {"t", !value_}};
  }
  static ArrivalTieLww from_json(const Value& json) {
    ArrivalTieLww r;
    r.set_ = json.at("s").get<bool>();
    r.millis_ = json.at("m").get<int64_t>();
    if (!json.at("t").get<bool>()) r.value_ = json.at("v");
    return r;
  }
  Value observe() const { return value_ ? *value_ : Value(nullptr); }
  uint64_t metadata_bytes() const { return 16; }
  void compact(const VersionVector&) {}
  bool obsolete(const VersionVector&) const { return false; }
  bool operator==(const ArrivalTieLww&) const = default;

 private:
  bool set_ = false;
  int64_t millis_ = 0;
  std::optional<Value> value_;
};

}  // namespace edgesim::mutants

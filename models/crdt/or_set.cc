#include "models/crdt/or_set.h"

#include <set>

namespace edgesim::models {
namespace {

// Distinct values in a canonical order: the value index's (JSON ordering: by type, then numbers
// numerically and strings lexicographically).
Value sorted_values(const DotKernel& kernel) {
  Value result = Value::array();
  auto& values = result.get_ref<Value::array_t&>();
  values.reserve(kernel.size());
  kernel.for_each_distinct_value([&](const Value& value) {
    // Unsigned numbers (unique written values are op ids) built directly: nlohmann's copy
    // constructor dispatches on the type out of line, for every element of every read.
    if (value.is_number_unsigned()) {
      values.emplace_back(value.get_ref<const uint64_t&>());
    } else {
      values.push_back(value);
    }
  });
  return result;
}

}  // namespace

Result OrSet::apply(const Op& op, const CrdtStamp& stamp, OrSet& delta) {
  if (op.is("read")) return Result::success(observe());
  if (op.is("add")) {
    kernel_.remove_value(op.arg, delta.kernel_);
    kernel_.add(stamp.self, op.arg, delta.kernel_);
    return Result::success();
  }
  if (op.is("remove")) {
    kernel_.remove_value(op.arg, delta.kernel_);
    return Result::success();
  }
  return Result::failure("a set supports add, remove and read, not " + op.f);
}

OrSet OrSet::unpack(const WireObject& in) {
  OrSet set;
  set.kernel_ = DotKernel::unpack(in);
  return set;
}

Value OrSet::observe() const { return sorted_values(kernel_); }

Result MvRegister::apply(const Op& op, const CrdtStamp& stamp, MvRegister& delta) {
  if (op.is("read")) return Result::success(observe());
  if (!op.is("write")) return Result::failure("a register supports write and read, not " + op.f);
  kernel_.remove_all(delta.kernel_);
  kernel_.add(stamp.self, op.arg, delta.kernel_);
  return Result::success();
}

MvRegister MvRegister::unpack(const WireObject& in) {
  MvRegister reg;
  reg.kernel_ = DotKernel::unpack(in);
  return reg;
}

Value MvRegister::observe() const { return sorted_values(kernel_); }

}  // namespace edgesim::models

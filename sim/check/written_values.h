#pragma once
// Written values, indexed for attributing reads: with unique written values (every workload's),
// a read's value names the write that produced it. Checkers look one up per read.
//
// ValueKey orders values cheaply: non-negative integers (the workloads' values: op ids) as
// numbers, anything else by its JSON text. Two values get equal keys exactly when their JSON texts
// are equal. WrittenValues indexes writes per key, then by ValueKey: one string map of
// "key\nJSON" entries compared long common prefixes at every level, and with a million ops that
// lookup was most of a check's time.

#include <compare>
#include <cstdint>
#include <map>
#include <string>

#include "sim/check/history.h"

namespace edgesim {

struct ValueKey {
  bool is_number = false;
  uint64_t number = 0;
  std::string json;  // when it is not a non-negative integer
  auto operator<=>(const ValueKey&) const = default;
};

inline ValueKey value_key(const Value& value) {
  if (value.is_number_unsigned()) return {true, value.get_ref<const uint64_t&>(), {}};
  if (value.is_number_integer() && value.get_ref<const int64_t&>() >= 0)
    return {true, static_cast<uint64_t>(value.get_ref<const int64_t&>()), {}};
  return {false, 0, value.dump()};
}

class WrittenValues {
 public:
  // Records `write` (its key and argument); a later write of an equal value replaces it.
  void add(const HistoryOp& write) { by_key_[write.key][value_key(write.arg)] = &write; }
  // The write of `value` to `key`, or nullptr.
  const HistoryOp* find(const std::string& key, const Value& value) const {
    const auto values = by_key_.find(key);
    if (values == by_key_.end()) return nullptr;
    const auto write = values->second.find(value_key(value));
    return write == values->second.end() ? nullptr : write->second;
  }

 private:
  std::map<std::string, std::map<ValueKey, const HistoryOp*>> by_key_;
};

}  // namespace edgesim

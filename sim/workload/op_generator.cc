#include "sim/workload/op_generator.h"

#include <charconv>
#include <iterator>
#include <limits>

#include "sim/core/assert.h"

namespace edgesim {

const char* data_type_name(DataType type) {
  switch (type) {
    case DataType::kKv:
      return "kv";
    case DataType::kCounter:
      return "counter";
    case DataType::kSet:
      return "set";
    case DataType::kMap:
      return "map";
    case DataType::kText:
      return "text";
  }
  return "?";
}

std::map<std::string, double> default_mix(DataType type) {
  switch (type) {
    case DataType::kKv:
      return {{"read", 0.5}, {"write", 0.5}};
    case DataType::kCounter:
      return {{"incr", 0.8}, {"read", 0.2}};
    case DataType::kSet:
      return {{"add", 0.5}, {"remove", 0.2}, {"read", 0.3}};
    case DataType::kMap:
      return {{"write", 0.5}, {"delete", 0.1}, {"read", 0.4}};
    case DataType::kText:
      return {{"insert", 0.5}, {"delete", 0.2}, {"read", 0.3}};
  }
  return {};
}

OpGenerator::OpGenerator(DataType type, const std::map<std::string, double>& mix, int64_t incr_min,
                         int64_t incr_max)
    : type_(type), incr_min_(incr_min), incr_max_(incr_max) {
  double total = 0;
  for (const auto& [f, weight] : mix) {
    if (weight <= 0) continue;
    total += weight;
    weights_.emplace_back(f, total);
  }
  EDGESIM_ASSERT(total > 0, "an op mix needs a positive weight");
  for (auto& [f, cumulative] : weights_) cumulative /= total;
}

const std::string& OpGenerator::choose_f(Prng& prng) const {
  const double u = prng.unit();
  for (const auto& [f, cumulative] : weights_) {
    if (u < cumulative) return f;
  }
  return weights_.back().first;
}

std::string OpGenerator::text_token(uint64_t op_id) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string digits;
  do {
    digits.insert(digits.begin(), kDigits[op_id % 36]);
    op_id /= 36;
  } while (op_id > 0);
  return "(" + digits + ")";
}

GeneratedOp OpGenerator::next(uint64_t op_id, const KeyChooser& keys, Prng& prng) {
  GeneratedOp op;
  next_into(op_id, keys, prng, op.f, op.key, op.arg);
  return op;
}

void OpGenerator::next_into(uint64_t op_id, const KeyChooser& keys, Prng& prng, std::string& f,
                            std::string& key, Value& arg) {
  // Assigned in place, without temporaries: this runs for every op of every run.
  char digits[std::numeric_limits<uint64_t>::digits10 + 1];
  const char* digits_end = std::to_chars(std::begin(digits), std::end(digits), keys.next(prng)).ptr;
  key.assign("k").append(digits, static_cast<size_t>(digits_end - digits));
  const std::string& chosen = choose_f(prng);
  f.assign(chosen);
  // Tested as views: sizes first, no compare() call (see Op::is).
  const std::string_view name = chosen;
  if (name == "write" || name == "add") {
    arg = op_id;
  } else if (name == "incr") {
    arg = incr_min_ == incr_max_ ? incr_min_ : prng.uniform_int(incr_min_, incr_max_);
  } else if (name == "remove") {
    // The chosen key if this client has an element there, else the next key (in key order,
    // wrapping) where it has one. Removing only on the chosen key turned the remove into an add
    // whenever that key held none of this client's elements (with many clients, most of the
    // time), and sets grew faster than the mix says.
    auto holding = added_.lower_bound(key);
    if (holding == added_.end()) holding = added_.begin();
    if (holding == added_.end()) {
      f = "add";  // nothing this client knows of to remove yet
      arg = op_id;
    } else {
      key = holding->first;
      std::vector<Value>& added = holding->second;
      const size_t index = prng.uniform(added.size());
      arg.swap(added[index]);
      added.erase(added.begin() + static_cast<std::ptrdiff_t>(index));
      if (added.empty()) added_.erase(holding);  // so every listed key has something to remove
    }
  } else if (name == "insert") {
    // Field by field: nlohmann's initializer-list constructor copies every element through
    // temporaries, and it cost more than the rest of generating a text op.
    const size_t length = text_length_[key];
    arg = Value::object();
    arg["pos"] = prng.uniform(length + 1);
    arg["text"] = text_token(op_id);
  } else if (name == "delete" && type_ == DataType::kText) {
    const size_t length = text_length_[key];
    arg = Value::object();
    arg["pos"] = length == 0 ? 0 : prng.uniform(length);
    arg["len"] = 1 + prng.uniform(3);
  }
}

void OpGenerator::observe(std::string_view f, const std::string& key, const Value& arg,
                          const Value& out) {
  if (f == "add") added_[key].push_back(arg);
  if (type_ != DataType::kText) return;
  size_t& length = text_length_[key];
  // By reference: a read returns the whole document.
  if (f == "read" && out.is_string()) length = out.get_ref<const std::string&>().size();
  if (f == "insert") length += arg.at("text").get_ref<const std::string&>().size();
  if (f == "delete" && out.is_string())
    length -= std::min(length, out.get_ref<const std::string&>().size());
}

}  // namespace edgesim

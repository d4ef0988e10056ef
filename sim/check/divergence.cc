#include "sim/check/divergence.h"

#include <algorithm>
#include <map>

namespace edgesim {
namespace {

void add_differences(const Value& first, const Value& second, size_t max_examples,
                     Divergence& divergence) {
  auto note = [&](const std::string& key, const Value& a, const Value& b) {
    ++divergence.keys_differing;
    if (divergence.examples.size() < max_examples) divergence.examples.push_back({key, a, b});
  };
  if (!first.is_object() || !second.is_object()) {
    note("", first, second);
    return;
  }
  // Both objects keep their keys sorted: one merge-like pass over the union.
  auto a = first.begin(), b = second.begin();
  while (a != first.end() || b != second.end()) {
    if (b == second.end() || (a != first.end() && a.key() < b.key())) {
      note(a.key(), a.value(), nullptr);
      ++a;
    } else if (a == first.end() || b.key() < a.key()) {
      note(b.key(), nullptr, b.value());
      ++b;
    } else {
      if (a.value() != b.value()) note(a.key(), a.value(), b.value());
      ++a;
      ++b;
    }
  }
}

}  // namespace

Divergence describe_divergence(const std::vector<std::pair<std::string, Value>>& observed,
                               size_t max_examples) {
  // Groups in order of their first replica; the sort below is stable, so ties keep that order.
  std::vector<std::pair<const Value*, std::vector<std::string>>> groups;
  std::map<Value, size_t> group_of;
  for (const auto& [name, value] : observed) {
    const auto [it, added] = group_of.try_emplace(value, groups.size());
    if (added) groups.push_back({&value, {}});
    groups[it->second].second.push_back(name);
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  Divergence divergence;
  for (const auto& group : groups) divergence.groups.push_back(group.second);
  if (groups.size() >= 2)
    add_differences(*groups[0].first, *groups[1].first, max_examples, divergence);
  return divergence;
}

}  // namespace edgesim

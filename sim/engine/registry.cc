#include "sim/engine/registry.h"

#include <fmt/format.h>

#include "sim/core/assert.h"

namespace edgesim {

const Value& EngineParams::at(const std::string& name) const {
  auto it = values_.find(name);
  EDGESIM_ASSERT(it != values_.end(), "engine parameter `{}` was not declared", name);
  return *it;
}

std::string EngineParams::string(const std::string& name) const {
  return at(name).get<std::string>();
}
Duration EngineParams::duration(const std::string& name) const {
  return Duration{at(name).get<int64_t>()};
}
int64_t EngineParams::integer(const std::string& name) const { return at(name).get<int64_t>(); }
double EngineParams::real(const std::string& name) const { return at(name).get<double>(); }
bool EngineParams::flag(const std::string& name) const { return at(name).get<bool>(); }
std::vector<uint32_t> EngineParams::nodes(const std::string& name) const {
  return at(name).get<std::vector<uint32_t>>();
}

std::vector<std::string> EngineParams::describe() const {
  std::vector<std::string> parts;
  for (const ParamSpec& spec : specs_) {
    const Value& value = at(spec.name);
    std::string text = value.dump();
    if (spec.type == ParamType::kDuration) text = format_duration(Duration{value.get<int64_t>()});
    if (spec.type == ParamType::kNodes)
      text = fmt::format("{}", fmt::join(value.get<std::vector<uint32_t>>(), ","));
    if (value.is_string()) text = value.get<std::string>();
    parts.push_back(spec.name + "=" + text);
  }
  return parts;
}

void EngineRegistry::add(EngineInfo info) {
  EDGESIM_ASSERT(!info.name.empty());
  EDGESIM_ASSERT(info.factory != nullptr, "engine {} has no factory", info.name);
  EDGESIM_ASSERT(engines_.count(info.name) == 0, "engine {} registered twice", info.name);
  std::string name = info.name;
  engines_.emplace(std::move(name), std::move(info));
}

const EngineInfo* EngineRegistry::find(const std::string& name) const {
  auto it = engines_.find(name);
  return it == engines_.end() ? nullptr : &it->second;
}

std::vector<std::string> EngineRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, info] : engines_) names.push_back(name);
  return names;
}

std::string describe_param(const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kString:
      return "string";
    case ParamType::kEnum:
      return fmt::format("one of {}", fmt::join(spec.choices, " | "));
    case ParamType::kDuration:
      return "duration (e.g. 200ms)";
    case ParamType::kInt:
      return fmt::format("integer in [{}, {}]", spec.min, spec.max);
    case ParamType::kDouble:
      return "number";
    case ParamType::kBool:
      return "true | false";
    case ParamType::kNode:
      return "a PoP: its name (e.g. us-east-1) or index in PoP order";
    case ParamType::kNodes:
      return "PoPs: names or indices in PoP order, a list or comma-separated";
  }
  return "?";
}

}  // namespace edgesim

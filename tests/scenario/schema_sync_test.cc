// scenarios/schema.json must describe exactly the keys the loader accepts.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "sim/scenario/yaml_reader.h"

namespace edgesim {
namespace {

using Json = nlohmann::json;
using Tables = std::map<std::string, std::set<std::string>>;

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// Records the property names of every object schema reachable from `schema` under `path`.
// $ref'd definitions are recorded once under their own name.
void walk(const Json& schema, const std::string& path, Tables& tables) {
  if (schema.contains("$ref")) return;
  if (schema.contains("oneOf")) {
    for (const Json& option : schema["oneOf"]) walk(option, path, tables);
  }
  if (schema.contains("items")) walk(schema["items"], path + "[]", tables);
  if (!schema.contains("properties")) return;
  std::set<std::string>& keys = tables[path];
  for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it) {
    keys.insert(it.key());
    walk(it.value(), join(path, it.key()), tables);
  }
}

TEST(SchemaSync, SchemaAndLoaderAcceptTheSameKeys) {
  std::ifstream in(std::string(EDGESIM_SOURCE_DIR) + "/scenarios/schema.json");
  ASSERT_TRUE(in) << "scenarios/schema.json is missing";
  const Json schema = Json::parse(in);
  Tables from_schema;
  walk(schema, "", from_schema);
  for (auto it = schema["$defs"].begin(); it != schema["$defs"].end(); ++it) {
    walk(it.value(), it.key(), from_schema);
  }
  Tables from_loader;
  for (const auto& [table, keys] : scenario_keys()) from_loader[table] = {keys.begin(), keys.end()};
  EXPECT_EQ(from_schema, from_loader);
}

}  // namespace
}  // namespace edgesim

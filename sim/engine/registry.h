#pragma once
// EngineRegistry: engines by name, each with typed, documented parameters. The scenario loader
// validates YAML parameters against these specs (so a bad value is reported with its file
// position), and the factory receives only validated, defaulted values.
//
// Registration is explicit (models/register_builtin.h): static self-registration from a static
// library is silently dropped by the linker.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/time.h"
#include "sim/engine/replica.h"

namespace edgesim {

// kNode and kNodes name PoPs of the scenario's topology, by name (us-east-1) or index in PoP order,
// and are checked against it when the scenario loads; the engine receives indices (kNode: an
// integer; kNodes: a non-empty list of distinct indices).
enum class ParamType { kString, kEnum, kDuration, kInt, kDouble, kBool, kNode, kNodes };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  Value default_value;               // canonical form: durations as int64 ns
  std::vector<std::string> choices;  // kEnum only
  int64_t min = INT64_MIN;           // kInt and kDuration (ns) bounds, inclusive
  int64_t max = INT64_MAX;
  std::string help;
};

// Validated parameter values, every declared parameter present (defaults filled in).
class EngineParams {
 public:
  EngineParams() = default;
  EngineParams(Value values, std::vector<ParamSpec> specs)
      : values_(std::move(values)), specs_(std::move(specs)) {}
  std::string string(const std::string& name) const;
  Duration duration(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool flag(const std::string& name) const;
  std::vector<uint32_t> nodes(const std::string& name) const;
  const Value& json() const { return values_; }
  // The scenario's workload type (kv, counter, set, map, text), for an engine that serves several
  // with different replicas; set by the scenario loader ("" where no scenario made these).
  const std::string& workload() const { return workload_; }
  void set_workload(std::string type) { workload_ = std::move(type); }
  // "name=value" per parameter, durations with units, in declaration order.
  std::vector<std::string> describe() const;

 private:
  const Value& at(const std::string& name) const;
  Value values_ = Value::object();
  std::vector<ParamSpec> specs_;
  std::string workload_;
};

// One engine instance of a run (a service): makes the replica for each node hosting it.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::unique_ptr<Replica> make_replica(NodeId node) = 0;
};

struct EngineInfo {
  std::string name;
  std::string help;
  std::vector<ParamSpec> params;
  // The workload types (data type names: kv, counter, set, map, text) the engine serves; a
  // scenario pairing it with another is rejected at load. Empty: any (an engine that decides per
  // op).
  std::vector<std::string> workloads;
  std::function<std::unique_ptr<Engine>(const EngineParams&)> factory;
  // Optional: a rule across parameters, or between them and the workload type, that the specs
  // cannot state. The loader reports a problem at the parameter it names, as for a bad value.
  struct Problem {
    std::string param;
    std::string message;
  };
  std::function<std::optional<Problem>(const EngineParams&)> check;
};

class EngineRegistry {
 public:
  void add(EngineInfo info);
  const EngineInfo* find(const std::string& name) const;
  const std::map<std::string, EngineInfo>& all() const { return engines_; }
  std::vector<std::string> names() const;

 private:
  std::map<std::string, EngineInfo> engines_;
};

// Describes a parameter type for error messages and `edgesim engines`.
std::string describe_param(const ParamSpec& spec);

}  // namespace edgesim

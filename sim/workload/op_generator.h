#pragma once
// OpGenerator: what one client does next, for one data type. Written values are unique (derived
// from the op id) so checkers can attribute every read, element and character. The generator
// remembers what its client has seen (its acknowledged set elements, the text length it last knew)
// so removes and deletes aim at things that exist, as a real client's would.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/prng.h"
#include "sim/engine/value.h"
#include "sim/workload/key_chooser.h"
#include "sim/workload/workload_spec.h"

namespace edgesim {

struct GeneratedOp {
  std::string f;
  std::string key;
  Value arg;
};

class OpGenerator {
 public:
  OpGenerator(DataType type, const std::map<std::string, double>& mix, int64_t incr_min = 1,
              int64_t incr_max = 1);

  GeneratedOp next(uint64_t op_id, const KeyChooser& keys, Prng& prng);
  // The same, written into an op's fields (as the history holds them): f and key are assigned,
  // arg must be null.
  void next_into(uint64_t op_id, const KeyChooser& keys, Prng& prng, std::string& f,
                 std::string& key, Value& arg);
  // Feeds back an acknowledged result, so later ops can aim at what the client saw.
  void observe(std::string_view f, const std::string& key, const Value& arg, const Value& out);

  // The unique text an insert op writes: "(" + base-36 id + ")".
  static std::string text_token(uint64_t op_id);

 private:
  const std::string& choose_f(Prng& prng) const;

  DataType type_;
  int64_t incr_min_, incr_max_;
  std::vector<std::pair<std::string, double>> weights_;  // cumulative
  std::map<std::string, std::vector<Value>> added_;      // set: acked adds not removed (none empty)
  std::map<std::string, size_t> text_length_;            // text: last known length per key
};

}  // namespace edgesim

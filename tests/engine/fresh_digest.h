#pragma once
// The digest a replica's observe_digest() must equal: ObservedDigest computed afresh over every
// key of an observed map (as a replica that just started tracking would compute it).

#include <optional>
#include <string>

#include "sim/engine/observed_digest.h"
#include "sim/engine/value.h"

namespace edgesim::testing {

inline uint64_t fresh_digest(const Value& observed) {
  ObservedDigest digest;
  return digest.digest_by(
      [&](auto&& add) {
        for (auto it = observed.begin(); it != observed.end(); ++it)
          add(it.key(), std::optional<Value>(it.value()));
      },
      [](const std::string&) { return std::optional<Value>(); });
}

}  // namespace edgesim::testing

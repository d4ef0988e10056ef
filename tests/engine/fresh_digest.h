#pragma once
// The digest a replica's observe_digest() must equal: ObservedDigest computed afresh over every
// key of an observed map (as a replica that just started tracking would compute it); and the
// check the engine tests make with it.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sim/engine/observed_digest.h"
#include "sim/engine/replica.h"
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

// Each replica's digest equals one computed afresh from what it observes, and the two replicas'
// digests agree exactly when their observed values do.
inline void expect_digests_follow(const Replica& a, const Replica& b) {
  for (const Replica* replica : {&a, &b}) {
    EXPECT_EQ(replica->observe_digest(), fresh_digest(replica->observe()));
  }
  EXPECT_EQ(a.observe_digest() == b.observe_digest(), a.observe() == b.observe());
}

}  // namespace edgesim::testing

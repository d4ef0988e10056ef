#include "sim/clock/hlc.h"

#include <algorithm>

#include "sim/core/assert.h"

namespace edgesim {

HlcTimestamp Hlc::now(Instant physical) {
  if (physical.ns > last_.wall_ns) {
    last_ = HlcTimestamp{physical.ns, 0};
  } else {
    EDGESIM_ASSERT(last_.logical < UINT32_MAX, "HLC logical counter overflow");
    ++last_.logical;
  }
  return last_;
}

HlcTimestamp Hlc::update(Instant physical, HlcTimestamp received) {
  const int64_t wall = std::max({last_.wall_ns, received.wall_ns, physical.ns});
  uint32_t logical = 0;
  if (wall == last_.wall_ns && wall == received.wall_ns) {
    logical = std::max(last_.logical, received.logical) + 1;
  } else if (wall == last_.wall_ns) {
    logical = last_.logical + 1;
  } else if (wall == received.wall_ns) {
    logical = received.logical + 1;
  }
  last_ = HlcTimestamp{wall, logical};
  return last_;
}

}  // namespace edgesim

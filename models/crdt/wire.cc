// Encoding helpers shared by the CRDT engines.
#include "models/crdt/crdt_replica.h"

namespace edgesim::models {

[[gnu::flatten]] void pack_hlc(Packer& out, const HlcTimestamp& hlc) {
  out.pack_int64(hlc.wall_ns);
  out.pack_uint32(hlc.logical);
}

HlcTimestamp unpack_hlc(const WireObject& array, uint32_t at) {
  return HlcTimestamp{wire_i64(wire_at(array, at)),
                      static_cast<uint32_t>(wire_u64(wire_at(array, at + 1)))};
}

}  // namespace edgesim::models

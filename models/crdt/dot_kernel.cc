#include "models/crdt/dot_kernel.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "models/crdt/slot_pool.h"
#include "sim/core/assert.h"

namespace edgesim::models {

DotKernel::HeldList::iterator DotKernel::lower_bound(const Dot& dot) {
  return std::lower_bound(slots_.begin(), slots_.end(), dot,
                          [](const Held& held, const Dot& key) { return held.dot() < key; });
}

bool DotKernel::holds(const Dot& dot) const {
  const auto it =
      std::lower_bound(slots_.begin(), slots_.end(), dot,
                       [](const Held& held, const Dot& key) { return held.dot() < key; });
  return it != slots_.end() && it->dot() == dot;
}

DotKernel::Slot DotKernel::store(const Value& value) {
  return place_in_pool(pool_, free_slots_, value);
}

void DotKernel::put(const Dot& dot, const Value& value) {
  auto at = lower_bound(dot);
  if (at != slots_.end() && at->dot() == dot) at = erase(at);
  put_at(at, dot, value);
}

void DotKernel::put_at(HeldList::iterator at, const Dot& dot, const Value& value) {
  const Held held{dot.first, store(value), dot.second};
  slots_.insert(at, held);
  if (indexed_) by_value_.insert(index_position(value, dot), held);
}

DotKernel::HeldList::iterator DotKernel::erase(HeldList::iterator it) {
  if (indexed_) by_value_.erase(index_position(pool_[it->slot], it->dot()));
  pool_[it->slot] = nullptr;  // frees a string or container now rather than when the slot is reused
  free_slots_.push_back(it->slot);
  return slots_.erase(it);
}

const DotKernel::HeldList& DotKernel::by_value() const {
  if (!indexed_) {
    by_value_ = slots_;
    std::sort(by_value_.begin(), by_value_.end(), [this](const Held& a, const Held& b) {
      const Value& x = pool_[a.slot];
      const Value& y = pool_[b.slot];
      return value_less(x, y) || (!value_less(y, x) && a.dot() < b.dot());
    });
    indexed_ = true;
  }
  return by_value_;
}

// The first entry of by_value_ not ordered before (value, dot).
DotKernel::HeldList::iterator DotKernel::index_position(const Value& value, const Dot& dot) const {
  return std::lower_bound(by_value_.begin(), by_value_.end(), dot,
                          [&](const Held& held, const Dot& key) {
                            const Value& held_value = pool_[held.slot];
                            return value_less(held_value, value) ||
                                   (!value_less(value, held_value) && held.dot() < key);
                          });
}

void DotKernel::add(ReplicaId self, const Value& value, DotKernel& delta) {
  const Dot dot = context_.next_dot(self);
  put(dot, value);
  delta.put(dot, value);
  delta.context_.insert(dot);
}

void DotKernel::remove_all(DotKernel& delta) {
  for (const Held& held : slots_) {
    delta.context_.insert(held.dot());
    pool_[held.slot] = nullptr;
    free_slots_.push_back(held.slot);
  }
  slots_.clear();
  by_value_.clear();  // still the (empty) value order, if it was built
}

void DotKernel::remove_value(const Value& value, DotKernel& delta) {
  by_value();  // builds the value order if this is its first use
  std::vector<Dot> dots;
  for (auto it = index_position(value, Dot{0, 0});
       it != by_value_.end() && same_value(pool_[it->slot], value); ++it) {
    dots.push_back(it->dot());
  }
  for (const Dot& dot : dots) {
    delta.context_.insert(dot);
    erase(lower_bound(dot));
  }
}

// A DotKernel as the other side of a merge.
struct DotKernel::HeldSide {
  const DotKernel& kernel;

  const CausalContext& context() const { return kernel.context_; }
  bool holds(const Dot& dot) const { return kernel.holds(dot); }
  // Calls visit(dot, value) for each held dot, in dot order.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (const Held& held : kernel.slots_)
      visit(held.dot(), [&]() -> const Value& { return kernel.pool_[held.slot]; });
  }
};

// A packed DotKernel (see pack()) as the other side of a merge, read in place: its dots are found
// by binary search over the flat (replica, counter, value) triples, and a value is unpacked only
// when it is taken.
struct DotKernel::PackedSide {
  const WireObject& values;
  uint32_t count;  // triples
  PackedCausalContext context_;

  // pack() lists dots in strictly increasing order; the search below needs that. Call this first:
  // it checks each dot's fields, and the reads after it trust them.
  bool in_order() const {
    Dot previous;
    for (uint32_t i = 0; i < count; ++i) {
      const Dot next{static_cast<ReplicaId>(wire_u64(wire_at(values, 3 * i))),
                     wire_u64(wire_at(values, 3 * i + 1))};
      if (i > 0 && !(previous < next)) return false;
      previous = next;
    }
    return true;
  }
  Dot dot(uint32_t i) const {
    return {static_cast<ReplicaId>(wire_vetted_u64(values, 3 * i)),
            wire_vetted_u64(values, 3 * i + 1)};
  }
  const PackedCausalContext& context() const { return context_; }
  bool holds(const Dot& wanted) const {
    uint32_t low = 0, high = count;
    while (low < high) {
      const uint32_t middle = low + (high - low) / 2;
      if (dot(middle) < wanted) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low < count && dot(low) == wanted;
  }
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (uint32_t i = 0; i < count; ++i)
      visit(dot(i), [&] { return unpack_value(wire_at(values, 3 * i + 2)); });
  }
};

bool DotKernel::merge(const DotKernel& other) { return merge_from(HeldSide{other}, nullptr); }

bool DotKernel::merge(const DotKernel& other, DotKernel& changed) {
  return merge_from(HeldSide{other}, &changed);
}

bool DotKernel::merge_packed(const WireObject& in) {
  const WireObject& values = wire_at(in, 0);
  const PackedSide side{values, wire_tuples_size(values, 3) / 3,
                        PackedCausalContext(wire_at(in, 1))};
  // Only a malformed message is out of order: unpack() sorts it.
  if (!side.in_order() || !side.context().ordered()) return merge(unpack(in));
  return merge_from(side, nullptr);
}

template <typename Side>
bool DotKernel::merge_from(const Side& other, DotKernel* changed) {
  // The inflation's context: dots of `other` not seen here (taken before our context absorbs
  // `other`'s), plus the dots of values dropped below.
  if constexpr (std::is_same_v<Side, HeldSide>) {
    if (changed) changed->context_ = context_.unseen_in(other.context());
  } else {
    // Only merge_packed() merges a packed side, and it records no inflation.
    EDGESIM_ASSERT(changed == nullptr, "a packed DotKernel merged with an inflation");
  }
  std::vector<Dot> dropped_dots;
  bool dropped = false;
  auto drop = [&](HeldList::iterator it) {
    if (changed) dropped_dots.push_back(it->dot());
    dropped = true;
    return erase(it);
  };
  // Drop our values whose dots the other side has seen but no longer holds (removed there). Only
  // dots in its context qualify, so visit those (a delta's context is a few dots) rather than all
  // of our values: per replica the range its vector covers, then the cloud.
  other.context().for_each_counter([&](ReplicaId replica, uint64_t counter) {
    for (auto it = lower_bound(Dot{replica, 0});
         it != slots_.end() && it->replica == replica && it->counter <= counter;) {
      it = other.holds(it->dot()) ? std::next(it) : drop(it);
    }
  });
  other.context().for_each_cloud_dot([&](const Dot& dot) {
    const auto it = lower_bound(dot);
    if (it != slots_.end() && it->dot() == dot && !other.holds(dot)) drop(it);
  });
  // Take their values whose dots we have never seen.
  bool taken = false;
  other.for_each([&](const Dot& dot, auto&& value_of) {
    const auto at = lower_bound(dot);
    if ((at != slots_.end() && at->dot() == dot) || context_.contains(dot)) return;
    const Value& value = value_of();
    put_at(at, dot, value);
    if (changed) changed->put(dot, value);
    taken = true;
  });
  const bool context_grew = context_.merge(other.context());
  if (changed) changed->context_.insert_all(std::move(dropped_dots));
  return context_grew || dropped || taken;
}

bool DotKernel::operator==(const DotKernel& other) const {
  if (slots_.size() != other.slots_.size() || !(context_ == other.context_)) return false;
  return std::equal(slots_.begin(), slots_.end(), other.slots_.begin(),
                    [&](const Held& a, const Held& b) {
                      return a.dot() == b.dot() && same_value(pool_[a.slot], other.pool_[b.slot]);
                    });
}

[[gnu::flatten]] void DotKernel::pack(Packer& out) const {
  out.pack_array(2);
  out.pack_array(static_cast<uint32_t>(slots_.size() * 3));
  for (const Held& held : slots_) {
    out.pack_uint32(held.replica);
    out.pack_uint64(held.counter);
    pack_value(out, pool_[held.slot]);
  }
  context_.pack(out);
}

DotKernel DotKernel::unpack(const WireObject& in) {
  // Built in bulk rather than by put(), which would shift the sorted list on every insert: a
  // full state carries thousands of values.
  DotKernel kernel;
  const WireObject& values = wire_at(in, 0);
  const uint32_t values_size = wire_tuples_size(values, 3);
  HeldList& held = kernel.slots_;
  held.reserve(values_size / 3);
  kernel.pool_.reserve(values_size / 3);
  for (uint32_t i = 0; i < values_size; i += 3) {
    const auto replica = static_cast<ReplicaId>(wire_u64(wire_at(values, i)));
    held.push_back(
        Held{replica, static_cast<Slot>(kernel.pool_.size()), wire_u64(wire_at(values, i + 1))});
    kernel.pool_.push_back(unpack_value(wire_at(values, i + 2)));
  }
  // Packed kernels list their dots in order; only a malformed message does not. Of a repeated
  // dot the first copy is kept and the others' slots are freed.
  const auto by_dot = [](const Held& a, const Held& b) { return a.dot() < b.dot(); };
  if (!std::is_sorted(held.begin(), held.end(), by_dot))
    std::stable_sort(held.begin(), held.end(), by_dot);
  size_t kept = 0;
  for (size_t i = 0; i < held.size(); ++i) {
    if (kept > 0 && held[kept - 1].dot() == held[i].dot()) {
      kernel.pool_[held[i].slot] = nullptr;
      kernel.free_slots_.push_back(held[i].slot);
    } else {
      held[kept++] = held[i];
    }
  }
  held.resize(kept);
  kernel.context_ = CausalContext::unpack(wire_at(in, 1));
  return kernel;
}

uint64_t DotKernel::metadata_bytes() const {
  return slots_.size() * sizeof(Dot) +
         (context_.vector().entries().size() + context_.cloud_size()) * sizeof(Dot);
}

}  // namespace edgesim::models

#include "models/crdt/rga.h"

#include <algorithm>
#include <map>

#include "models/crdt/slot_pool.h"
#include "sim/core/assert.h"

namespace edgesim::models {
namespace {

// Elements travel as runs: consecutive elements that one insert typed one after another (each
// the next Lamport id of the same replica, its origin the one before, the same insert dot) and that
// share their delete dot. A run is 9 flat fields: id counter and replica of its first element,
// that element's origin counter and replica (both nil at the head), the run's characters (a
// string), insert dot replica and counter, delete dot replica and counter (nil, nil while
// visible). Inserts type words, so a run is usually a whole insert: 9 fields instead of 9 per
// character (packing, parsing and unpacking those was about a quarter of an RGA run's instructions).
constexpr uint32_t kRunFields = 9;

void pack_optional_pair(Packer& out, bool present, uint64_t first, uint64_t second) {
  if (!present) {
    out.pack_nil();
    out.pack_nil();
    return;
  }
  out.pack_uint64(first);
  out.pack_uint64(second);
}

bool continues_run(const Rga::Element& last, const Rga::Element& next) {
  return next.id.replica == last.id.replica && next.id.counter == last.id.counter + 1 &&
         next.origin == last.id && next.insert_dot == last.insert_dot && next.delete_dot == last.delete_dot;
}

// Packs `count` elements, the i-th being `element(i)`, as runs.
template <typename ElementAt>
void pack_elements(Packer& out, size_t count, ElementAt&& element) {
  uint32_t runs = 0;
  for (size_t i = 0; i < count; ++i) runs += i == 0 || !continues_run(element(i - 1), element(i)) ? 1 : 0;
  out.pack_array(runs * kRunFields);
  std::string chars;
  for (size_t start = 0; start < count;) {
    const Rga::Element& e = element(start);
    chars.assign(1, e.ch);
    size_t end = start + 1;
    for (; end < count && continues_run(element(end - 1), element(end)); ++end) chars.push_back(element(end).ch);
    out.pack_uint64(e.id.counter);
    out.pack_uint32(e.id.replica);
    pack_optional_pair(out, e.origin.has_value(), e.origin ? e.origin->counter : 0, e.origin ? e.origin->replica : 0);
    pack_string(out, chars);
    out.pack_uint32(e.insert_dot.first);
    out.pack_uint64(e.insert_dot.second);
    pack_optional_pair(out, e.delete_dot.has_value(), e.delete_dot ? e.delete_dot->first : 0,
                       e.delete_dot ? e.delete_dot->second : 0);
    start = end;
  }
}

std::vector<Rga::Element> unpack_elements(const WireObject& in) {
  const uint32_t size = wire_tuples_size(in, kRunFields);
  auto u64 = [&](uint32_t i) { return wire_u64(wire_at(in, i)); };
  std::vector<Rga::Element> elements;
  elements.reserve(size / kRunFields);
  for (uint32_t at = 0; at < size; at += kRunFields) {
    Rga::Element e;
    e.id = Rga::Id{u64(at), static_cast<ReplicaId>(u64(at + 1))};
    if (!wire_at(in, at + 2).is_nil()) e.origin = Rga::Id{u64(at + 2), static_cast<ReplicaId>(u64(at + 3))};
    const std::string_view chars = wire_str(wire_at(in, at + 4));
    EDGESIM_ASSERT(!chars.empty(), "an RGA run without characters");
    e.insert_dot = Dot{static_cast<ReplicaId>(u64(at + 5)), u64(at + 6)};
    if (!wire_at(in, at + 7).is_nil()) e.delete_dot = Dot{static_cast<ReplicaId>(u64(at + 7)), u64(at + 8)};
    for (const char ch : chars) {
      e.ch = ch;
      elements.push_back(e);
      e.origin = e.id;
      ++e.id.counter;
    }
  }
  return elements;
}

}  // namespace

void Rga::index_if_needed() {
  if (known_.size() == order_.size()) return;  // a document's ids are unique: indexed already
  tombstones_.clear();
  std::vector<std::pair<Id, uint32_t>> ids;
  ids.reserve(order_.size());
  for (uint32_t index : order_) {
    ids.emplace_back(pool_[index].id, index);
    if (pool_[index].delete_dot) tombstones_.push_back(index);
  }
  known_.assign(ids);
}

std::vector<Rga::IdIndex::Entry>::const_iterator Rga::IdIndex::lower_bound(const Id& id) const {
  return std::lower_bound(entries_.begin(), entries_.end(), id,
                          [](const Entry& entry, const Id& key) { return entry.id() < key; });
}

const uint32_t* Rga::IdIndex::find(const Id& id) const {
  const auto it = lower_bound(id);
  return it != entries_.end() && it->id() == id ? &it->slot : nullptr;
}

void Rga::IdIndex::insert(const Id& id, uint32_t slot) {
  // New ids are usually Lamport-greater than every id seen: try the end first.
  if (entries_.empty() || entries_.back().id() < id) {
    entries_.push_back(Entry{id.counter, id.replica, slot});
    return;
  }
  const auto at = lower_bound(id);
  EDGESIM_ASSERT(at == entries_.end() || at->id() != id, "an RGA id is indexed twice");
  entries_.insert(at, Entry{id.counter, id.replica, slot});
}

void Rga::IdIndex::assign(const std::vector<std::pair<Id, uint32_t>>& entries) {
  entries_.clear();
  entries_.reserve(entries.size());
  for (const auto& [id, slot] : entries) entries_.push_back(Entry{id.counter, id.replica, slot});
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return a.id() < b.id(); });
}

uint32_t Rga::place(const Element& element) { return place_in_pool(pool_, free_, element); }

void Rga::append(const Element& element) {
  order_.push_back(place(element));
  if (!element.delete_dot) ++visible_;
}

std::vector<Rga::Element> Rga::elements() const {
  std::vector<Element> result;
  result.reserve(order_.size());
  for (uint32_t index : order_) result.push_back(pool_[index]);
  return result;
}

std::optional<size_t> Rga::find(const Id& id) const {
  const uint32_t* known = known_.find(id);
  if (known == nullptr) return std::nullopt;
  const uint32_t index = *known;
  // Runs of characters arrive together, each one's origin the one before: look next to the last
  // element placed before searching the document.
  for (size_t i = last_placed_; i < order_.size() && i < last_placed_ + 2; ++i) {
    if (order_[i] == index) return i;
  }
  const auto it = std::find(order_.begin(), order_.end(), index);
  EDGESIM_ASSERT(it != order_.end(), "an RGA element is indexed but not in the document");
  return static_cast<size_t>(it - order_.begin());
}

size_t Rga::visible_index(size_t pos) const {
  for (size_t i = 0; i < order_.size(); ++i) {
    if (at(i).delete_dot) continue;
    if (pos == 0) return i;
    --pos;
  }
  return order_.size();
}

std::string Rga::text() const {
  // Every character is written and the cursor advances past visible ones only: no branch on
  // whether an element is deleted, which in a long document with tombstones mispredicted often
  // (reads were a tenth of a text run). One spare byte takes the write after the last visible
  // character.
  std::string result(visible_ + 1, '\0');
  size_t length = 0;
  for (uint32_t index : order_) {
    if (length > visible_) break;  // a miscount: never write past the buffer (asserted below)
    const Element& element = pool_[index];
    result[length] = element.ch;
    length += !element.delete_dot.has_value();
  }
  EDGESIM_ASSERT(length == visible_, "RGA visible count {} but {} visible characters", visible_,
                 length);
  result.resize(length);
  return result;
}

// A local op's delta is a bag of elements (all in pending_, as if received before their origins):
// merged anywhere it places them like a document would, and a delta group takes it with one
// vector insert rather than placing each element in its pool (6% fewer instructions on the
// engines benchmark's text run than deltas normalized into documents).
Result Rga::apply(const Op& op, const CrdtStamp& stamp, Rga& delta) {
  index_if_needed();
  if (op.f == "read") return Result::success(text());
  if (op.f == "insert") return insert(op.arg, stamp, delta);
  if (op.f == "delete") return erase(op.arg, stamp, delta);
  return Result::failure("text supports insert, delete and read, not " + op.f);
}

Result Rga::insert(const Value& arg, const CrdtStamp& stamp, Rga& delta) {
  if (!arg.is_object() || !arg.contains("text") || !arg["text"].is_string()) {
    return Result::failure("insert needs {\"pos\": N, \"text\": \"...\"}");
  }
  const size_t pos = std::min<size_t>(arg.value("pos", size_t{0}), visible_length());
  std::optional<Id> origin;
  std::optional<size_t> origin_position;
  if (pos > 0) {
    origin_position = visible_index(pos - 1);
    origin = at(*origin_position).id;
  }
  for (char ch : arg["text"].get<std::string>()) {
    const Element element{Id{++lamport_, stamp.self}, origin, ch, Dot{stamp.self, stamp.counter}, std::nullopt};
    integrate(element, origin_position);
    origin_position = last_placed_;
    delta.pending_.push_back(element);  // a bag: see apply()
    origin = element.id;
  }
  delta.lamport_ = lamport_;
  return Result::success();
}

Result Rga::erase(const Value& arg, const CrdtStamp& stamp, Rga& delta) {
  if (!arg.is_object() || !arg.contains("pos")) return Result::failure("delete needs {\"pos\": N, \"len\": N}");
  const size_t length = visible_length();
  const size_t pos = std::min<size_t>(arg.value("pos", size_t{0}), length);
  const size_t count = std::min<size_t>(arg.value("len", size_t{1}), length - pos);
  std::string deleted;
  for (size_t k = 0; k < count; ++k) {
    const size_t index = visible_index(pos);  // the next visible one shifts into `pos`
    mark_deleted(order_[index], Dot{stamp.self, stamp.counter});
    deleted.push_back(at(index).ch);
    delta.pending_.push_back(at(index));
  }
  return Result::success(deleted);
}

bool Rga::mark_deleted(uint32_t slot, const Dot& dot) {
  std::optional<Dot>& current = pool_[slot].delete_dot;
  if (current && !(dot < *current)) return false;
  if (!current) {
    tombstones_.push_back(slot);
    --visible_;
  }
  current = dot;
  return true;
}

bool Rga::integrate(const Element& element, std::optional<size_t> origin_position) {
  size_t position = 0;
  if (element.origin) {
    if (!origin_position) origin_position = find(*element.origin);
    if (!origin_position) return false;
    position = *origin_position + 1;
  }
  while (position < order_.size() && at(position).id > element.id) ++position;
  const uint32_t index = place(element);
  if (element.delete_dot) {
    tombstones_.push_back(index);
  } else {
    ++visible_;
  }
  order_.insert(order_.begin() + static_cast<std::ptrdiff_t>(position), index);
  last_placed_ = position;
  known_.insert(element.id, index);
  lamport_ = std::max(lamport_, element.id.counter);
  return true;
}

size_t Rga::integrate_run_after(const std::vector<Element>& incoming, size_t first) {
  // The element just placed is incoming[first - 1], at last_placed_. Integrating its run's next
  // characters one by one would put each right after the one before: the element following the
  // placed one has a smaller id than it (integrate() skipped every greater one), and the run's
  // ids only grow, so none would be skipped. So they go in together, with one shift of order_.
  size_t end = first;
  while (end < incoming.size() && continues_run(incoming[end - 1], incoming[end]) &&
         known_.find(incoming[end].id) == nullptr) {
    ++end;
  }
  if (end == first) return 0;
  const size_t position = last_placed_ + 1;
  std::vector<uint32_t> slots;
  slots.reserve(end - first);
  for (size_t i = first; i < end; ++i) {
    const Element& element = incoming[i];
    const uint32_t slot = place(element);
    slots.push_back(slot);
    if (element.delete_dot) {
      tombstones_.push_back(slot);
    } else {
      ++visible_;
    }
    known_.insert(element.id, slot);
    lamport_ = std::max(lamport_, element.id.counter);
  }
  order_.insert(order_.begin() + static_cast<std::ptrdiff_t>(position), slots.begin(), slots.end());
  last_placed_ = position + slots.size() - 1;
  return end - first;
}

// Up to this many waiting elements are checked for copies pairwise (most merges leave 0-10).
constexpr size_t kFewWaiting = 16;

std::vector<Rga::Element> Rga::unique_by_id(std::vector<Element> elements) {
  // The usual case: a few waiting elements, no copies (told without allocating anything).
  if (elements.size() <= kFewWaiting) {
    bool copies = false;
    for (size_t i = 0; i < elements.size() && !copies; ++i) {
      for (size_t j = i + 1; j < elements.size() && !copies; ++j) {
        copies = elements[i].id == elements[j].id;
      }
    }
    if (!copies) return elements;
  }
  std::map<Id, size_t> kept_at;  // id -> its copy's index in `kept`
  std::vector<Element> kept;
  for (Element& element : elements) {
    const auto [at, first] = kept_at.try_emplace(element.id, kept.size());
    if (first) {
      kept.push_back(std::move(element));
      continue;
    }
    std::optional<Dot>& deleted = kept[at->second].delete_dot;
    if (element.delete_dot && (!deleted || *element.delete_dot < *deleted)) {
      deleted = element.delete_dot;
    }
  }
  return kept;
}

bool Rga::merge(const Rga& other, Rga* inflation) {
  index_if_needed();
  const size_t pending_before = pending_.size();
  bool changed = false;
  std::vector<Element> incoming = other.elements();
  incoming.insert(incoming.end(), other.pending_.begin(), other.pending_.end());
  incoming.insert(incoming.end(), pending_.begin(), pending_.end());
  pending_.clear();
  // Integrate in rounds: an element whose origin is itself incoming waits for a later round.
  bool progress = true;
  while (!incoming.empty() && progress) {
    progress = false;
    std::vector<Element> waiting;
    for (size_t i = 0; i < incoming.size(); ++i) {
      const Element& element = incoming[i];
      if (const uint32_t* known = known_.find(element.id)) {
        const std::optional<Dot>& ours = pool_[*known].delete_dot;
        if (element.delete_dot && (!ours || *element.delete_dot < *ours)) {
          changed = mark_deleted(*known, *element.delete_dot) || changed;
          if (inflation) inflation->append(element);
        }
        progress = true;
      } else if (stable_.get(element.insert_dot.first) >= element.insert_dot.second) {
        // Every replica has seen this insert, so we had it: missing means collected (its delete
        // became stable here). An old copy must not resurrect it.
        progress = true;
      } else if (integrate(element)) {
        progress = true;
        changed = true;
        const size_t placed = 1 + integrate_run_after(incoming, i + 1);
        if (inflation) {
          for (size_t k = i; k < i + placed; ++k) inflation->append(incoming[k]);
        }
        i += placed - 1;
      } else {
        waiting.push_back(element);
      }
    }
    incoming = std::move(waiting);
  }
  pending_ = unique_by_id(std::move(incoming));
  changed = changed || pending_.size() != pending_before || other.lamport_ > lamport_;
  lamport_ = std::max(lamport_, other.lamport_);
  if (inflation) {
    inflation->pending_ = pending_;
    inflation->lamport_ = lamport_;
  }
  return changed;
}

void Rga::absorb(const Rga& delta) {
  for (uint32_t index : delta.order_) append(delta.pool_[index]);
  pending_.insert(pending_.end(), delta.pending_.begin(), delta.pending_.end());
  lamport_ = std::max(lamport_, delta.lamport_);
}

void Rga::compact(const VersionVector& stable) {
  stable_ = stable;
  index_if_needed();
  // Only tombstones can be collected, so only they are looked at.
  std::vector<uint32_t> collected;
  std::erase_if(tombstones_, [&](uint32_t index) {
    const Dot& deleted = *pool_[index].delete_dot;
    if (stable.get(deleted.first) < deleted.second) return false;
    collected.push_back(index);
    return true;
  });
  // A waiting element whose insert is stable was seen by every replica, this one included (it
  // counts only durable state as seen): its origin is missing only because this replica collected
  // the element itself, and this copy is an old one that came back while the frontier was unknown
  // (after a restart).
  std::erase_if(pending_, [&](const Element& e) {
    return stable.get(e.insert_dot.first) >= e.insert_dot.second;
  });
  if (collected.empty()) return;
  std::vector<bool> gone(pool_.size(), false);
  for (uint32_t index : collected) {
    gone[index] = true;
    pool_[index] = Element{};
  }
  std::erase_if(order_, [&](uint32_t index) { return gone[index]; });
  known_.erase_if([&](uint32_t index) { return gone[index]; });
  free_.insert(free_.end(), collected.begin(), collected.end());
  last_placed_ = 0;
  if (free_.size() > order_.size()) repack();  // a shrunken document gives its memory back
}

void Rga::repack() {
  std::vector<Element> pool;
  pool.reserve(order_.size());
  for (uint32_t& index : order_) {
    pool.push_back(pool_[index]);
    index = static_cast<uint32_t>(pool.size() - 1);
  }
  pool_ = std::move(pool);
  free_.clear();
  known_.clear();
  index_if_needed();
}

size_t Rga::tombstones() const {
  return static_cast<size_t>(
      std::count_if(order_.begin(), order_.end(), [this](uint32_t index) { return pool_[index].delete_dot.has_value(); }));
}

uint64_t Rga::metadata_bytes() const {
  return (pool_.size() + pending_.size()) * sizeof(Element) + (order_.size() + free_.size()) * sizeof(uint32_t);
}

void Rga::pack(Packer& out) const {
  out.pack_array(3);
  pack_elements(out, order_.size(), [this](size_t i) -> const Element& { return at(i); });
  pack_elements(out, pending_.size(), [this](size_t i) -> const Element& { return pending_[i]; });
  out.pack_uint64(lamport_);
}

Rga Rga::unpack(const WireObject& in) {
  Rga rga;
  // The id index is built when this value is first merged into or edited (index_if_needed):
  // most unpacked values are received deltas that are only merged from.
  for (const Element& e : unpack_elements(wire_at(in, 0))) rga.append(e);
  rga.pending_ = unpack_elements(wire_at(in, 1));
  rga.lamport_ = wire_u64(wire_at(in, 2));
  return rga;
}

}  // namespace edgesim::models

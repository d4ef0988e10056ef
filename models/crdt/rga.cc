#include "models/crdt/rga.h"

#include <algorithm>

#include "sim/core/assert.h"

namespace edgesim::models {
namespace {

// An element on the wire: id counter, id replica, origin counter, origin replica (both nil at
// the head), character, insert dot replica and counter, delete dot replica and counter (nil, nil
// while visible).
constexpr uint32_t kElementFields = 9;

void pack_optional_pair(Packer& out, bool present, uint64_t first, uint64_t second) {
  if (!present) {
    out.pack_nil();
    out.pack_nil();
    return;
  }
  out.pack_uint64(first);
  out.pack_uint64(second);
}

void pack_elements(Packer& out, const std::vector<Rga::Element>& elements) {
  out.pack_array(static_cast<uint32_t>(elements.size() * kElementFields));
  for (const Rga::Element& e : elements) {
    out.pack_uint64(e.id.counter);
    out.pack_uint32(e.id.replica);
    pack_optional_pair(out, e.origin.has_value(), e.origin ? e.origin->counter : 0, e.origin ? e.origin->replica : 0);
    out.pack_uint8(static_cast<uint8_t>(e.ch));
    out.pack_uint32(e.insert_dot.first);
    out.pack_uint64(e.insert_dot.second);
    pack_optional_pair(out, e.delete_dot.has_value(), e.delete_dot ? e.delete_dot->first : 0,
                       e.delete_dot ? e.delete_dot->second : 0);
  }
}

std::vector<Rga::Element> unpack_elements(const WireObject& in) {
  const uint32_t size = wire_size(in);
  EDGESIM_ASSERT(size % kElementFields == 0, "an RGA element list has a partial element");
  auto u64 = [&](uint32_t i) { return wire_u64(wire_at(in, i)); };
  std::vector<Rga::Element> elements;
  elements.reserve(size / kElementFields);
  for (uint32_t at = 0; at < size; at += kElementFields) {
    Rga::Element e;
    e.id = Rga::Id{u64(at), static_cast<ReplicaId>(u64(at + 1))};
    if (!wire_at(in, at + 2).is_nil()) e.origin = Rga::Id{u64(at + 2), static_cast<ReplicaId>(u64(at + 3))};
    e.ch = static_cast<char>(u64(at + 4));
    e.insert_dot = Dot{static_cast<ReplicaId>(u64(at + 5)), u64(at + 6)};
    if (!wire_at(in, at + 7).is_nil()) e.delete_dot = Dot{static_cast<ReplicaId>(u64(at + 7)), u64(at + 8)};
    elements.push_back(e);
  }
  return elements;
}

}  // namespace

std::optional<size_t> Rga::find(const Id& id) const {
  // Runs of characters arrive together, each one's origin the one before: look next to the last
  // element placed before scanning the document.
  for (size_t i = last_placed_; i < elements_.size() && i < last_placed_ + 2; ++i) {
    if (elements_[i].id == id) return i;
  }
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (elements_[i].id == id) return i;
  }
  return std::nullopt;
}

size_t Rga::visible_index(size_t pos) const {
  for (size_t i = 0; i < elements_.size(); ++i) {
    if (elements_[i].delete_dot) continue;
    if (pos == 0) return i;
    --pos;
  }
  return elements_.size();
}

size_t Rga::visible_length() const {
  return static_cast<size_t>(
      std::count_if(elements_.begin(), elements_.end(), [](const Element& e) { return !e.delete_dot; }));
}

std::string Rga::text() const {
  std::string result;
  for (const Element& e : elements_) {
    if (!e.delete_dot) result.push_back(e.ch);
  }
  return result;
}

Result Rga::apply(const Op& op, const CrdtStamp& stamp, Rga& delta) {
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
  if (pos > 0) origin = elements_[visible_index(pos - 1)].id;
  for (char ch : arg["text"].get<std::string>()) {
    const Element element{Id{++lamport_, stamp.self}, origin, ch, Dot{stamp.self, stamp.counter}, std::nullopt};
    integrate(element);
    delta.elements_.push_back(element);
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
    mark_deleted(index, Dot{stamp.self, stamp.counter});
    deleted.push_back(elements_[index].ch);
    delta.elements_.push_back(elements_[index]);
  }
  return Result::success(deleted);
}

bool Rga::mark_deleted(size_t index, const Dot& dot) {
  std::optional<Dot>& current = elements_[index].delete_dot;
  if (current && !(dot < *current)) return false;
  current = dot;
  known_[elements_[index].id] = dot;
  return true;
}

bool Rga::integrate(const Element& element) {
  size_t position = 0;
  if (element.origin) {
    const std::optional<size_t> origin = find(*element.origin);
    if (!origin) return false;
    position = *origin + 1;
  }
  while (position < elements_.size() && elements_[position].id > element.id) ++position;
  elements_.insert(elements_.begin() + static_cast<std::ptrdiff_t>(position), element);
  last_placed_ = position;
  known_[element.id] = element.delete_dot;
  lamport_ = std::max(lamport_, element.id.counter);
  return true;
}

bool Rga::merge(const Rga& other, Rga& inflation) {
  const size_t pending_before = pending_.size();
  bool changed = false;
  std::vector<Element> incoming = other.elements_;
  incoming.insert(incoming.end(), other.pending_.begin(), other.pending_.end());
  incoming.insert(incoming.end(), pending_.begin(), pending_.end());
  pending_.clear();
  // Integrate in rounds: an element whose origin is itself incoming waits for a later round.
  bool progress = true;
  while (!incoming.empty() && progress) {
    progress = false;
    std::vector<Element> waiting;
    for (const Element& element : incoming) {
      if (const auto known = known_.find(element.id); known != known_.end()) {
        const std::optional<Dot>& ours = known->second;
        if (element.delete_dot && (!ours || *element.delete_dot < *ours)) {
          changed = mark_deleted(*find(element.id), *element.delete_dot) || changed;
          inflation.elements_.push_back(element);
        }
        progress = true;
      } else if (stable_.get(element.insert_dot.first) >= element.insert_dot.second) {
        // Every replica has seen this insert, so we had it: missing means collected (its delete
        // became stable here). An old copy must not resurrect it.
        progress = true;
      } else if (integrate(element)) {
        progress = true;
        changed = true;
        inflation.elements_.push_back(element);
      } else {
        waiting.push_back(element);
      }
    }
    incoming = std::move(waiting);
  }
  pending_ = std::move(incoming);
  changed = changed || pending_.size() != pending_before || other.lamport_ > lamport_;
  lamport_ = std::max(lamport_, other.lamport_);
  inflation.pending_ = pending_;
  inflation.lamport_ = lamport_;
  return changed;
}

void Rga::absorb(const Rga& delta) {
  elements_.insert(elements_.end(), delta.elements_.begin(), delta.elements_.end());
  pending_.insert(pending_.end(), delta.pending_.begin(), delta.pending_.end());
  lamport_ = std::max(lamport_, delta.lamport_);
}

void Rga::compact(const VersionVector& stable) {
  auto stable_delete = [&](const Element& e) {
    return e.delete_dot && stable.get(e.delete_dot->first) >= e.delete_dot->second;
  };
  stable_ = stable;
  for (const Element& e : elements_) {
    if (stable_delete(e)) known_.erase(e.id);
  }
  elements_.erase(std::remove_if(elements_.begin(), elements_.end(), stable_delete), elements_.end());
}

size_t Rga::tombstones() const {
  return static_cast<size_t>(std::count_if(elements_.begin(), elements_.end(),
                                           [](const Element& e) { return e.delete_dot.has_value(); }));
}

uint64_t Rga::metadata_bytes() const {
  return (elements_.size() + pending_.size()) * sizeof(Element);
}

void Rga::pack(Packer& out) const {
  out.pack_array(3);
  pack_elements(out, elements_);
  pack_elements(out, pending_);
  out.pack_uint64(lamport_);
}

Rga Rga::unpack(const WireObject& in) {
  Rga rga;
  rga.elements_ = unpack_elements(wire_at(in, 0));
  for (const Element& e : rga.elements_) rga.known_[e.id] = e.delete_dot;
  rga.pending_ = unpack_elements(wire_at(in, 1));
  rga.lamport_ = wire_u64(wire_at(in, 2));
  return rga;
}

}  // namespace edgesim::models

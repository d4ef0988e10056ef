#include "models/crdt/rga.h"

#include <algorithm>
#include <map>

#include <boost/container/small_vector.hpp>

#include "sim/core/assert.h"

namespace edgesim::models {
namespace {

// Elements travel as runs: consecutive elements that one insert typed one after another (each
// the next Lamport id of the same replica, its origin the one before, the same insert dot) and that
// share their delete dot. A run is 9 flat fields: id counter and replica of its first element,
// that element's origin counter and replica (both nil at the head), the run's characters (a
// string), insert dot replica and counter, delete dot replica and counter (nil, nil while
// visible). Inserts type words, so a run is usually a whole insert: 9 fields instead of 9 per
// character (packing, parsing and unpacking those was about a quarter of an RGA run's
// instructions).
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

// Runs are found among elements in the pool's layout: comparing its plain fields is cheaper than
// comparing RgaElement's optionals, and a document's pool holds them so already.
bool continues_run(const StoredRgaElement& last, const StoredRgaElement& next) {
  const bool same_delete = next.deleted == last.deleted &&
                           (!next.deleted || (next.delete_replica == last.delete_replica &&
                                              next.delete_counter == last.delete_counter));
  return next.id_replica == last.id_replica && next.id_counter == last.id_counter + 1 &&
         next.has_origin && next.origin_counter == last.id_counter &&
         next.origin_replica == last.id_replica && next.insert_replica == last.insert_replica &&
         next.insert_counter == last.insert_counter && same_delete;
}

bool continues_run(const Rga::Element& last, const Rga::Element& next) {
  return next.id.replica == last.id.replica && next.id.counter == last.id.counter + 1 &&
         next.origin == last.id && next.insert_dot == last.insert_dot &&
         next.delete_dot == last.delete_dot;
}

void pack_run(Packer& out, const StoredRgaElement& first, std::string_view chars) {
  out.pack_uint64(first.id_counter);
  out.pack_uint32(first.id_replica);
  pack_optional_pair(out, first.has_origin, first.origin_counter, first.origin_replica);
  pack_string(out, chars);
  out.pack_uint32(first.insert_replica);
  out.pack_uint64(first.insert_counter);
  pack_optional_pair(out, first.deleted, first.delete_replica, first.delete_counter);
}

// Packs elements as runs; for_each(visit) calls visit(element) for each element, in the pool's
// layout, in order. One pass finds the runs (the array header needs their count before them);
// finding them again while packing was a fifth of packing a document.
template <typename ForEach>
void pack_elements(Packer& out, ForEach&& for_each) {
  struct Run {
    const StoredRgaElement* first;
    size_t chars_at;  // its characters' offset in `chars`
  };
  std::vector<Run> runs;
  std::string chars;
  const StoredRgaElement* last = nullptr;
  for_each([&](const StoredRgaElement& e) {
    if (last == nullptr || !continues_run(*last, e)) runs.push_back(Run{&e, chars.size()});
    chars.push_back(e.ch);
    last = &e;
  });
  out.pack_array(static_cast<uint32_t>(runs.size()) * kRunFields);
  for (size_t i = 0; i < runs.size(); ++i) {
    const size_t end = i + 1 < runs.size() ? runs[i + 1].chars_at : chars.size();
    pack_run(out, *runs[i].first,
             std::string_view(chars).substr(runs[i].chars_at, end - runs[i].chars_at));
  }
}

// The first of `entries` (sorted by counter) whose counter is not below `counter`.
template <typename Entries>
auto lower_bound_by_counter(Entries& entries, uint64_t counter) {
  return std::lower_bound(entries.begin(), entries.end(), counter,
                          [](const auto& entry, uint64_t key) { return entry.counter < key; });
}

// Appends the elements of packed runs to `elements`.
void unpack_elements_into(const WireObject& in, std::vector<Rga::Element>& elements) {
  const uint32_t size = wire_tuples_size(in, kRunFields);
  auto u64 = [&](uint32_t i) { return wire_u64(wire_at(in, i)); };
  size_t characters = 0;  // one element each: reserved at once rather than grown run by run
  for (uint32_t at = 0; at < size; at += kRunFields)
    characters += wire_str(wire_at(in, at + 4)).size();
  elements.reserve(elements.size() + characters);
  for (uint32_t at = 0; at < size; at += kRunFields) {
    Rga::Element e;
    e.id = Rga::Id{u64(at), static_cast<ReplicaId>(u64(at + 1))};
    if (!wire_at(in, at + 2).is_nil())
      e.origin = Rga::Id{u64(at + 2), static_cast<ReplicaId>(u64(at + 3))};
    const std::string_view chars = wire_str(wire_at(in, at + 4));
    EDGESIM_ASSERT(!chars.empty(), "an RGA run without characters");
    e.insert_dot = Dot{static_cast<ReplicaId>(u64(at + 5)), u64(at + 6)};
    if (!wire_at(in, at + 7).is_nil())
      e.delete_dot = Dot{static_cast<ReplicaId>(u64(at + 7)), u64(at + 8)};
    for (const char ch : chars) {
      e.ch = ch;
      elements.push_back(e);
      e.origin = e.id;
      ++e.id.counter;
    }
  }
}

std::vector<Rga::Element> unpack_elements(const WireObject& in) {
  std::vector<Rga::Element> elements;
  unpack_elements_into(in, elements);
  return elements;
}

}  // namespace

void Rga::index_if_needed() {
  if (known_.size() == document_.size()) return;  // a document's ids are unique: indexed already
  tombstones_.clear();
  unstable_tombstones_ = 0;  // listed anew, in another order
  std::vector<std::pair<Id, uint32_t>> ids;
  ids.reserve(document_.size());
  document_.for_each([&](uint32_t slot, const Element& element) {
    ids.emplace_back(element.id, slot);
    if (element.delete_dot) tombstones_.push_back(slot);
  });
  known_.assign(ids);
}

const uint32_t* Rga::IdIndex::find(const Id& id) const {
  const auto replica = by_replica_.find(id.replica);
  if (replica == by_replica_.end()) return nullptr;
  const std::vector<Entry>& entries = replica->second;
  // Two cheap answers first: an id past the replica's last is new (a run being received), and an
  // id right after the one found last is usually next to it (a run merged again).
  if (entries.empty() || entries.back().counter < id.counter) return nullptr;
  if (id.replica == last_found_.replica && last_found_.index + 1 < entries.size() &&
      entries[last_found_.index + 1].counter == id.counter) {
    ++last_found_.index;
    return &entries[last_found_.index].slot;
  }
  const auto it = lower_bound_by_counter(entries, id.counter);
  if (it == entries.end() || it->counter != id.counter) return nullptr;
  last_found_ = {id.replica, static_cast<size_t>(it - entries.begin())};
  return &it->slot;
}

void Rga::IdIndex::insert(const Id& id, uint32_t slot) {
  std::vector<Entry>& entries = by_replica_[id.replica];
  ++size_;
  if (entries.empty() || entries.back().counter < id.counter) {
    entries.push_back(Entry{id.counter, slot});
    return;
  }
  const auto at = lower_bound_by_counter(entries, id.counter);
  EDGESIM_ASSERT(at == entries.end() || at->counter != id.counter, "an RGA id is indexed twice");
  entries.insert(at, Entry{id.counter, slot});
}

uint64_t Rga::IdIndex::first_known_from(const Id& id) const {
  const auto replica = by_replica_.find(id.replica);
  if (replica == by_replica_.end()) return UINT64_MAX;
  const std::vector<Entry>& entries = replica->second;
  if (entries.empty() || entries.back().counter < id.counter) return UINT64_MAX;
  return lower_bound_by_counter(entries, id.counter)->counter;
}

void Rga::IdIndex::insert_run(const Id& first, std::span<const uint32_t> slots) {
  std::vector<Entry>& entries = by_replica_[first.replica];
  size_ += slots.size();
  auto at = entries.end();
  if (!entries.empty() && entries.back().counter >= first.counter) {
    at = lower_bound_by_counter(entries, first.counter);
    EDGESIM_ASSERT(at->counter >= first.counter + slots.size(), "an RGA id is indexed twice");
  }
  const auto placed = entries.insert(at, slots.size(), Entry{});
  for (size_t i = 0; i < slots.size(); ++i)
    placed[static_cast<std::ptrdiff_t>(i)] = Entry{first.counter + i, slots[i]};
}

void Rga::IdIndex::assign(const std::vector<std::pair<Id, uint32_t>>& entries) {
  clear();
  for (const auto& [id, slot] : entries) by_replica_[id.replica].push_back(Entry{id.counter, slot});
  for (auto& [replica, sorted] : by_replica_) {
    std::sort(sorted.begin(), sorted.end(),
              [](const Entry& a, const Entry& b) { return a.counter < b.counter; });
    size_ += sorted.size();
  }
}

std::vector<Rga::Element> Rga::elements() const {
  std::vector<Element> result;
  result.reserve(document_.size());
  document_.for_each([&](uint32_t, const Element& element) { result.push_back(element); });
  return result;
}

std::optional<Rga::Position> Rga::find(const Id& id) const {
  const uint32_t* slot = known_.find(id);
  if (slot == nullptr) return std::nullopt;
  return document_.position_of(*slot);
}

std::string Rga::text() const { return document_.text(); }

// A local op's delta is a bag of elements (all in pending_, as if received before their origins):
// merged anywhere it places them like a document would, and a delta group takes it with one
// vector insert rather than placing each element in its pool (6% fewer instructions on the
// engines benchmark's text run than deltas normalized into documents).
Result Rga::apply(const Op& op, const CrdtStamp& stamp, Rga& delta) {
  index_if_needed();
  if (op.is("read")) return Result::success(text());
  if (op.is("insert")) return insert(op.arg, stamp, delta);
  if (op.is("delete")) return erase(op.arg, stamp, delta);
  return Result::failure("text supports insert, delete and read, not " + op.f);
}

Result Rga::insert(const Value& arg, const CrdtStamp& stamp, Rga& delta) {
  if (!arg.is_object() || !arg.contains("text") || !arg["text"].is_string()) {
    return Result::failure("insert needs {\"pos\": N, \"text\": \"...\"}");
  }
  const size_t pos = std::min<size_t>(arg.value("pos", size_t{0}), visible_length());
  std::optional<Id> origin;
  std::optional<Position> origin_position;
  if (pos > 0) {
    origin_position = document_.visible_position(pos - 1);
    origin = document_.id_at(*origin_position);
  }
  for (char ch : arg["text"].get<std::string>()) {
    const Element element{Id{++lamport_, stamp.self}, origin, ch, Dot{stamp.self, stamp.counter},
                          std::nullopt};
    origin_position = integrate(element, origin_position);
    EDGESIM_ASSERT(origin_position.has_value(), "a local insert's origin is not in the document");
    delta.pending_.push_back(element);  // a bag: see apply()
    origin = element.id;
  }
  delta.lamport_ = lamport_;
  return Result::success();
}

Result Rga::erase(const Value& arg, const CrdtStamp& stamp, Rga& delta) {
  if (!arg.is_object() || !arg.contains("pos"))
    return Result::failure("delete needs {\"pos\": N, \"len\": N}");
  const size_t length = visible_length();
  const size_t pos = std::min<size_t>(arg.value("pos", size_t{0}), length);
  const size_t count = std::min<size_t>(arg.value("len", size_t{1}), length - pos);
  std::string deleted;
  if (count == 0) return Result::success(deleted);
  // Marking an element deleted moves nothing, so the position stays valid as it walks on.
  Position at = document_.visible_position(pos);
  for (size_t k = 0; k < count; ++k) {
    if (k > 0) at = document_.next_visible(at);
    const uint32_t slot = document_.slot_at(at);
    mark_deleted(slot, Dot{stamp.self, stamp.counter});
    delta.pending_.push_back(document_.element(slot));
    deleted.push_back(delta.pending_.back().ch);
  }
  return Result::success(deleted);
}

bool Rga::mark_deleted(uint32_t slot, const Dot& dot) {
  const bool was_visible = !document_.delete_dot(slot).has_value();
  if (!document_.mark_deleted(slot, dot)) return false;
  if (was_visible) {
    tombstones_.push_back(slot);
  } else {
    unstable_tombstones_ = 0;  // an earlier delete dot: a listed tombstone may be stable now
  }
  return true;
}

std::optional<Rga::Position> Rga::integrate(const Element& element,
                                            std::optional<Position> origin_position) {
  Position position = document_.begin();
  if (element.origin) {
    if (!origin_position) origin_position = find(*element.origin);
    if (!origin_position) return std::nullopt;
    position = document_.next(*origin_position);
  }
  while (!document_.at_end(position) && document_.id_at(position) > element.id)
    position = document_.next(position);
  const uint32_t slot = document_.store(element);
  if (element.delete_dot) tombstones_.push_back(slot);
  const Position placed = document_.insert(position, {&slot, 1});
  known_.insert(element.id, slot);
  lamport_ = std::max(lamport_, element.id.counter);
  return placed;
}

size_t Rga::integrate_run_after(const std::vector<Element>& incoming, size_t first,
                                Position placed) {
  // The element just placed is incoming[first - 1], at `placed`. Integrating its run's next
  // characters one by one would put each right after the one before: the element following the
  // placed one has a smaller id than it (integrate() skipped every greater one), and the run's
  // ids only grow, so none would be skipped. So they go in together, with one insert, and the id
  // index takes them as one range (a run's ids are consecutive).
  if (first >= incoming.size()) return 0;
  const uint64_t known_from = known_.first_known_from(incoming[first].id);
  size_t end = first;
  while (end < incoming.size() && continues_run(incoming[end - 1], incoming[end]) &&
         incoming[end].id.counter < known_from) {
    ++end;
  }
  if (end == first) return 0;
  boost::container::small_vector<uint32_t, 16> slots;  // a run is usually one typed word
  slots.reserve(end - first);
  for (size_t i = first; i < end; ++i) {
    const uint32_t slot = document_.store(incoming[i]);
    slots.push_back(slot);
    if (incoming[i].delete_dot) tombstones_.push_back(slot);
  }
  const std::span<const uint32_t> run(slots.data(), slots.size());
  known_.insert_run(incoming[first].id, run);
  lamport_ = std::max(lamport_, incoming[end - 1].id.counter);
  document_.insert(document_.next(placed), run);
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
  std::vector<Element> incoming = other.elements();
  incoming.insert(incoming.end(), other.pending_.begin(), other.pending_.end());
  return merge_elements(std::move(incoming), other.lamport_, inflation);
}

bool Rga::merge_packed(const WireObject& in) {
  std::vector<Element> incoming = unpack_elements(wire_at(in, 0));
  unpack_elements_into(wire_at(in, 1), incoming);  // its waiting elements
  return merge_elements(std::move(incoming), wire_u64(wire_at(in, 2)), nullptr);
}

bool Rga::merge_elements(std::vector<Element> incoming, uint64_t lamport, Rga* inflation) {
  index_if_needed();
  const size_t pending_before = pending_.size();
  bool changed = false;
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
        const std::optional<Dot> ours = document_.delete_dot(*known);
        if (element.delete_dot && (!ours || *element.delete_dot < *ours)) {
          changed = mark_deleted(*known, *element.delete_dot) || changed;
          if (inflation) inflation->document_.append(element);
        }
        progress = true;
      } else if (stable_.get(element.insert_dot.first) >= element.insert_dot.second) {
        // Every replica has seen this insert, so we had it: missing means collected (its delete
        // became stable here). An old copy must not resurrect it.
        progress = true;
      } else if (const std::optional<Position> at = integrate(element)) {
        progress = true;
        changed = true;
        const size_t placed = 1 + integrate_run_after(incoming, i + 1, *at);
        if (inflation) {
          for (size_t k = i; k < i + placed; ++k) inflation->document_.append(incoming[k]);
        }
        i += placed - 1;
      } else {
        waiting.push_back(element);
      }
    }
    incoming = std::move(waiting);
  }
  pending_ = unique_by_id(std::move(incoming));
  changed = changed || pending_.size() != pending_before || lamport > lamport_;
  lamport_ = std::max(lamport_, lamport);
  if (inflation) {
    inflation->pending_ = pending_;
    inflation->lamport_ = lamport_;
  }
  return changed;
}

void Rga::absorb(const Rga& delta) {
  delta.document_.for_each([this](uint32_t, const Element& element) { document_.append(element); });
  pending_.insert(pending_.end(), delta.pending_.begin(), delta.pending_.end());
  lamport_ = std::max(lamport_, delta.lamport_);
}

void Rga::compact(const VersionVector& stable) {
  index_if_needed();
  // Only tombstones can be collected, so only they are looked at: only new ones (appended since
  // the last compaction) unless the frontier moved.
  std::vector<uint32_t> collected;
  const size_t unchanged =
      stable == stable_ ? std::min(unstable_tombstones_, tombstones_.size()) : 0;
  stable_ = stable;
  const auto collectible = [&](uint32_t slot) {
    const Dot deleted = *document_.delete_dot(slot);
    if (stable.get(deleted.first) < deleted.second) return false;
    collected.push_back(slot);
    return true;
  };
  tombstones_.erase(std::remove_if(tombstones_.begin() + static_cast<std::ptrdiff_t>(unchanged),
                                   tombstones_.end(), collectible),
                    tombstones_.end());
  unstable_tombstones_ = tombstones_.size();
  // A waiting element whose insert is stable was seen by every replica, this one included (it
  // counts only durable state as seen): its origin is missing only because this replica collected
  // the element itself, and this copy is an old one that came back while the frontier was unknown
  // (after a restart).
  std::erase_if(pending_, [&](const Element& e) {
    return stable.get(e.insert_dot.first) >= e.insert_dot.second;
  });
  if (collected.empty()) return;
  std::vector<bool> gone(document_.pool_size(), false);
  for (uint32_t slot : collected) gone[slot] = true;
  known_.erase_if([&](uint32_t slot) { return gone[slot]; });
  document_.remove(collected);
  if (document_.wants_repack()) {  // a shrunken document gives its memory back, renumbering slots
    document_.repack();
    known_.clear();
    index_if_needed();
  }
}

size_t Rga::tombstones() const {
  size_t count = 0;
  document_.for_each(
      [&](uint32_t, const Element& element) { count += element.delete_dot ? 1 : 0; });
  return count;
}

uint64_t Rga::metadata_bytes() const {
  return document_.metadata_bytes() + pending_.size() * sizeof(Element);
}

void Rga::pack(Packer& out) const {
  out.pack_array(3);
  pack_elements(out, [this](auto&& visit) { document_.for_each_stored(visit); });
  // Waiting elements are few: each is put in the pool's layout for packing, and kept as long as
  // the packer may look back at it.
  std::vector<StoredRgaElement> waiting(pending_.begin(), pending_.end());
  pack_elements(out, [&](auto&& visit) {
    for (const StoredRgaElement& element : waiting) visit(element);
  });
  out.pack_uint64(lamport_);
}

Rga Rga::unpack(const WireObject& in) {
  Rga rga;
  // The id index is built when this value is first merged into or edited (index_if_needed):
  // most unpacked values are received deltas that are only merged from.
  rga.document_.assign(unpack_elements(wire_at(in, 0)));
  rga.pending_ = unpack_elements(wire_at(in, 1));
  rga.lamport_ = wire_u64(wire_at(in, 2));
  return rga;
}

}  // namespace edgesim::models

#include "models/crdt/rga.h"

#include <algorithm>
#include <map>

#include "sim/core/assert.h"

namespace edgesim::models {
namespace {

// Elements travel as runs: consecutive elements that one insert typed one after another (each
// the next Lamport id of the same replica, its origin the one before, the same insert dot) and that
// share their delete dot (RgaRun, rga_document.h). A run is 9 flat fields: id counter and replica
// of its first element, that element's origin counter and replica (both nil at the head), the run's
// characters (a string), insert dot replica and counter, delete dot replica and counter (nil, nil
// while visible). Inserts type words, so a run is usually a whole insert: 9 fields instead of 9 per
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

[[gnu::flatten]] void pack_run(Packer& out, const StoredRgaRun& first, std::string_view chars) {
  out.pack_uint64(first.id_counter);
  out.pack_uint32(first.id_replica);
  pack_optional_pair(out, first.has_origin, first.origin_counter, first.origin_replica);
  pack_string(out, chars);
  out.pack_uint32(first.insert_replica);
  out.pack_uint64(first.insert_counter);
  pack_optional_pair(out, first.deleted, first.delete_replica, first.delete_counter);
}

// Packs runs, joining those that continue each other (parts of a run that a delete or an insert
// split, the insert since collected), so a value packs the same whatever its runs' history.
// for_each(visit) calls visit(run, characters) for each run, in the pool's layout, in order.
template <typename ForEach>
void pack_runs(Packer& out, ForEach&& for_each) {
  constexpr uint32_t kNotJoined = UINT32_MAX;
  struct Packed {
    const StoredRgaRun* first;
    std::string_view chars;  // while it is one stored run, or parts adjacent in the store
    uint32_t joined;         // otherwise: its characters in joined[this]
  };
  std::vector<Packed> runs;
  std::vector<std::string> joined;
  const StoredRgaRun* last = nullptr;
  for_each([&](const StoredRgaRun& run, std::string_view chars) {
    if (last == nullptr || !last->continued_by(run)) {
      runs.push_back(Packed{&run, chars, kNotJoined});
    } else if (Packed& packed = runs.back(); packed.joined != kNotJoined) {
      joined[packed.joined] += chars;
    } else if (packed.chars.data() + packed.chars.size() == chars.data()) {
      packed.chars = std::string_view(packed.chars.data(), packed.chars.size() + chars.size());
    } else {
      packed.joined = static_cast<uint32_t>(joined.size());
      joined.push_back(std::string(packed.chars) + std::string(chars));
    }
    last = &run;
  });
  out.pack_array(static_cast<uint32_t>(runs.size()) * kRunFields);
  for (const Packed& run : runs)
    pack_run(out, *run.first, run.joined == kNotJoined ? run.chars : joined[run.joined]);
}

// Appends packed runs to `runs`, their characters viewed in the message.
void unpack_runs_into(const WireObject& in, std::vector<Rga::RunView>& runs) {
  const uint32_t size = wire_tuples_size(in, kRunFields);
  auto u64 = [&](uint32_t i) { return wire_u64(wire_at(in, i)); };
  runs.reserve(runs.size() + size / kRunFields);
  for (uint32_t at = 0; at < size; at += kRunFields) {
    Rga::RunView& run = runs.emplace_back();
    run.id = Rga::Id{u64(at), static_cast<ReplicaId>(u64(at + 1))};
    if (!wire_at(in, at + 2).is_nil())
      run.origin = Rga::Id{u64(at + 2), static_cast<ReplicaId>(u64(at + 3))};
    run.chars = wire_str(wire_at(in, at + 4));
    EDGESIM_ASSERT(!run.chars.empty(), "an RGA run without characters");
    run.insert_dot = Dot{static_cast<ReplicaId>(u64(at + 5)), u64(at + 6)};
    if (!wire_at(in, at + 7).is_nil())
      run.delete_dot = Dot{static_cast<ReplicaId>(u64(at + 7)), u64(at + 8)};
  }
}

std::vector<Rga::RunView> unpack_runs(const WireObject& in) {
  std::vector<Rga::RunView> runs;
  unpack_runs_into(in, runs);
  return runs;
}

size_t count_elements(const std::vector<Rga::Run>& runs) {
  size_t count = 0;
  for (const Rga::Run& run : runs) count += run.size();
  return count;
}

// The runs' elements, in order.
std::vector<Rga::Element> expand(const std::vector<Rga::Run>& runs) {
  std::vector<Rga::Element> elements;
  elements.reserve(count_elements(runs));
  for (const Rga::Run& run : runs) {
    for (size_t k = 0; k < run.size(); ++k) elements.push_back(run.element(k));
  }
  return elements;
}

}  // namespace

void Rga::index_if_needed() {
  // A document's ids are unique, so as many chains as index entries means indexed already.
  if (known_.size() == document_.chains()) return;
  tombstones_.clear();
  unstable_tombstones_ = 0;  // listed anew, in another order
  document_.for_each([&](uint32_t slot, const StoredRgaRun& run) {
    if (run.deleted) list_tombstone(slot);
  });
  known_.assign(document_);
}

std::vector<Rga::Element> Rga::elements() const {
  std::vector<Element> result;
  result.reserve(document_.size());
  document_.for_each([&](uint32_t slot, const StoredRgaRun&) {
    const RunView run = document_.view(slot);
    for (size_t k = 0; k < run.size(); ++k) result.push_back(run.element(k));
  });
  return result;
}

std::vector<Rga::Element> Rga::pending_elements() const { return expand(pending_); }

size_t Rga::pending() const { return count_elements(pending_); }

std::string Rga::text() const { return document_.text(); }

// A local op's delta is a bag of runs (all in pending_, as if received before their origins):
// merged anywhere it places them like a document would, and a delta group takes it with one
// vector insert rather than placing each run in its pool (6% fewer instructions on the engines
// benchmark's text run than deltas normalized into documents).
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
  Run run;
  run.chars = arg["text"].get<std::string>();
  delta.lamport_ = lamport_ + run.chars.size();
  if (run.chars.empty()) return Result::success();
  std::optional<Found> origin;
  if (pos > 0) {
    const RgaDocument::ElementPosition at = document_.visible_position(pos - 1);
    origin = Found{document_.slot_at(at.run), at.offset};
    run.origin = document_.run(origin->slot).id_at(at.offset);
  }
  run.id = Id{lamport_ + 1, stamp.self};
  run.insert_dot = Dot{stamp.self, stamp.counter};
  delta.pending_.push_back(run);  // a bag: see apply()
  const std::optional<Position> at = insertion_point(run.view(), origin);
  EDGESIM_ASSERT(at.has_value(), "a local insert's origin is not in the document");
  place(run.view(), *at);
  return Result::success();
}

Result Rga::erase(const Value& arg, const CrdtStamp& stamp, Rga& delta) {
  if (!arg.is_object() || !arg.contains("pos"))
    return Result::failure("delete needs {\"pos\": N, \"len\": N}");
  const size_t length = visible_length();
  const size_t pos = std::min<size_t>(arg.value("pos", size_t{0}), length);
  size_t left = std::min<size_t>(arg.value("len", size_t{1}), length - pos);
  std::string deleted;
  if (left == 0) return Result::success(deleted);
  const RgaDocument::ElementPosition first = document_.visible_position(pos);
  uint32_t slot = document_.slot_at(first.run);
  size_t offset = first.offset;
  while (true) {
    const size_t count = std::min(left, document_.run(slot).size() - offset);
    slot = isolate(slot, offset, count);
    mark_deleted(slot, Dot{stamp.self, stamp.counter});
    delta.pending_.push_back(document_.view(slot).owned());
    deleted += document_.chars(slot);
    left -= count;
    if (left == 0) break;
    slot = document_.slot_at(document_.next_visible(document_.position_of(slot)));
    offset = 0;
  }
  return Result::success(deleted);
}

uint32_t Rga::split(uint32_t slot, size_t offset) {
  const uint32_t right = document_.split(slot, offset);
  if (document_.run(right).deleted) list_tombstone(right);
  return right;
}

uint32_t Rga::isolate(uint32_t slot, size_t offset, size_t count) {
  if (offset > 0) slot = split(slot, offset);
  if (count < document_.run(slot).size()) split(slot, count);
  return slot;
}

bool Rga::mark_deleted(uint32_t slot, const Dot& dot) {
  const bool was_visible = !document_.run(slot).deleted;
  if (!document_.mark_deleted(slot, dot)) return false;
  if (was_visible) {
    list_tombstone(slot);
    return true;
  }
  // An earlier delete dot: the listed copy changes, and that tombstone may be stable now.
  for (Tombstone& listed : tombstones_) {
    if (listed.slot == slot) listed = Tombstone{slot, dot.first, dot.second};
  }
  unstable_tombstones_ = 0;
  return true;
}

void Rga::list_tombstone(uint32_t slot) {
  const Dot deleted = *document_.run(slot).delete_dot();
  tombstones_.push_back(Tombstone{slot, deleted.first, deleted.second});
}

std::optional<Rga::Position> Rga::insertion_point(const RunView& run, std::optional<Found> origin) {
  Position position = document_.begin();
  if (run.origin) {
    if (!origin) origin = known_.find(*run.origin, document_);
    if (!origin) return std::nullopt;
    // The origin may be inside a run. Its next element is the one after it there, and RGA skips
    // it (and the rest of that run, whose ids only grow) if its id is greater than the new run's;
    // otherwise the new run goes between the two, which splits the run.
    const StoredRgaRun& holder = document_.run(origin->slot);
    if (origin->offset + 1 < holder.size() && holder.id_at(origin->offset + 1) < run.id)
      split(origin->slot, origin->offset + 1);
    position = document_.next(document_.position_of(origin->slot));
  }
  // Runs with greater ids were inserted concurrently, or later, after the same origin: skipped. A
  // run's first id is its smallest, so comparing it decides for the whole run.
  while (!document_.at_end(position) && document_.run_at(position).id() > run.id)
    position = document_.next(position);
  return position;
}

void Rga::place(const RunView& run, Position at) {
  lamport_ = std::max(lamport_, run.last_id().counter);
  const uint32_t slot = document_.store(run);
  if (run.delete_dot) list_tombstone(slot);
  document_.insert(at, slot);
  known_.insert(document_.run(slot), slot);
}

// Up to this many waiting runs are checked for copies pairwise (most merges leave 0-10).
constexpr size_t kFewWaiting = 16;

std::vector<Rga::Run> Rga::unique_by_id(std::vector<Run> runs) {
  // The usual case: a few waiting runs, no copies (told without allocating anything).
  if (runs.size() <= kFewWaiting) {
    bool copies = false;
    for (size_t i = 0; i < runs.size() && !copies; ++i) {
      for (size_t j = i + 1; j < runs.size() && !copies; ++j) {
        copies = runs[i].holds(runs[j].id) || runs[j].holds(runs[i].id);
      }
    }
    if (!copies) return runs;
  }
  std::map<Id, size_t> kept_at;  // id -> its copy's index in `kept`
  std::vector<Element> kept;
  for (Element& element : expand(runs)) {
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
  std::vector<Run> unique;  // the kept elements, joined into runs again where they continue
  for (const Element& element : kept) {
    const Run single{element.id, element.origin, std::string(1, element.ch), element.insert_dot,
                     element.delete_dot};
    if (!unique.empty() && unique.back().continued_by(single)) {
      unique.back().chars.push_back(element.ch);
    } else {
      unique.push_back(single);
    }
  }
  return unique;
}

bool Rga::merge(const Rga& other, Rga* inflation) {
  // The incoming runs view the other value's characters, which merging into it would move.
  if (&other == this || &other == inflation) return merge(Rga(other), inflation);
  std::vector<RunView> incoming;
  incoming.reserve(other.document_.runs() + other.pending_.size());
  other.document_.for_each(
      [&](uint32_t slot, const StoredRgaRun&) { incoming.push_back(other.document_.view(slot)); });
  for (const Run& run : other.pending_) incoming.push_back(run.view());
  return merge_runs(std::move(incoming), other.lamport_, inflation);
}

bool Rga::merge_packed(const WireObject& in) {
  std::vector<RunView> incoming = unpack_runs(wire_at(in, 0));
  unpack_runs_into(wire_at(in, 1), incoming);  // its waiting runs
  return merge_runs(std::move(incoming), wire_u64(wire_at(in, 2)), nullptr);
}

size_t Rga::merge_known(const RunView& run, size_t offset, const Found& found, bool& changed,
                        Rga* inflation) {
  const StoredRgaRun& holder = document_.run(found.slot);
  const size_t count = std::min(run.size() - offset, holder.size() - found.offset);
  if (run.delete_dot && (!holder.deleted || *run.delete_dot < *holder.delete_dot())) {
    const uint32_t slot = isolate(found.slot, found.offset, count);
    changed = mark_deleted(slot, *run.delete_dot) || changed;
    if (inflation) inflation->document_.append(run.slice(offset, count));
  }
  return count;
}

bool Rga::merge_runs(std::vector<RunView> incoming, uint64_t lamport, Rga* inflation) {
  index_if_needed();
  const size_t pending_before = pending();
  bool changed = false;
  // Runs that wait own their characters: the incoming ones view a message or another value that
  // will be gone. `waiting` holds those the current round's views may point into.
  std::vector<Run> waiting = std::move(pending_);
  pending_.clear();
  for (const Run& run : waiting) incoming.push_back(run.view());
  // Integrate in rounds: a run whose origin is itself incoming waits for a later round. A run is
  // taken in parts: those of its elements held here already, and those that are not.
  bool progress = true;
  while (!incoming.empty() && progress) {
    progress = false;
    std::vector<Run> still_waiting;
    for (const RunView& run : incoming) {
      // Every replica has seen a stable insert, so we had it: missing means collected (its delete
      // became stable here). An old copy must not resurrect it.
      const bool collected = stable_.get(run.insert_dot.first) >= run.insert_dot.second;
      for (size_t offset = 0; offset < run.size();) {
        const Id id = run.id_at(offset);
        if (const std::optional<Found> found = known_.find(id, document_)) {
          offset += merge_known(run, offset, *found, changed, inflation);
          progress = true;
          continue;
        }
        const size_t count =
            std::min<uint64_t>(run.size() - offset, known_.first_known_from(id) - id.counter);
        const RunView part = count == run.size() ? run : run.slice(offset, count);
        offset += count;
        if (collected) {
          progress = true;
          continue;
        }
        const std::optional<Position> at = insertion_point(part);
        if (!at) {
          still_waiting.push_back(part.owned());
          continue;
        }
        progress = changed = true;
        if (inflation) inflation->document_.append(part);
        place(part, *at);
      }
    }
    waiting = std::move(still_waiting);  // the views below point into its moved buffer
    incoming.clear();
    for (const Run& run : waiting) incoming.push_back(run.view());
  }
  pending_ = unique_by_id(std::move(waiting));
  changed = changed || pending() != pending_before || lamport > lamport_;
  lamport_ = std::max(lamport_, lamport);
  if (inflation) {
    inflation->pending_ = pending_;
    inflation->lamport_ = lamport_;
  }
  return changed;
}

void Rga::absorb(const Rga& delta) {
  EDGESIM_ASSERT(&delta != this, "an RGA delta group absorbing itself");
  delta.document_.for_each(
      [&](uint32_t slot, const StoredRgaRun&) { document_.append(delta.document_.view(slot)); });
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
  const auto collectible = [&](const Tombstone& tombstone) {
    if (stable.get(tombstone.replica) < tombstone.counter) return false;
    collected.push_back(tombstone.slot);
    return true;
  };
  tombstones_.erase(std::remove_if(tombstones_.begin() + static_cast<std::ptrdiff_t>(unchanged),
                                   tombstones_.end(), collectible),
                    tombstones_.end());
  unstable_tombstones_ = tombstones_.size();
  // A waiting run whose insert is stable was seen by every replica, this one included (it counts
  // only durable state as seen): its origin is missing only because this replica collected the
  // elements themselves, and this copy is an old one that came back while the frontier was
  // unknown (after a restart).
  std::erase_if(pending_, [&](const Run& run) {
    return stable.get(run.insert_dot.first) >= run.insert_dot.second;
  });
  if (collected.empty()) return;
  known_.drop(document_, collected);
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
      [&](uint32_t, const StoredRgaRun& run) { count += run.deleted ? run.length : 0; });
  return count;
}

uint64_t Rga::metadata_bytes() const {
  return document_.metadata_bytes() + pending_.size() * sizeof(Run);
}

void Rga::pack(Packer& out) const {
  out.pack_array(3);
  pack_runs(out, [this](auto&& visit) {
    document_.for_each(
        [&](uint32_t slot, const StoredRgaRun& run) { visit(run, document_.chars(slot)); });
  });
  // Waiting runs are few: each is put in the pool's layout for packing, and kept as long as the
  // packer may look back at it.
  std::vector<StoredRgaRun> waiting;
  waiting.reserve(pending_.size());
  for (const Run& run : pending_) waiting.emplace_back(run.view(), 0);
  pack_runs(out, [&](auto&& visit) {
    for (size_t i = 0; i < pending_.size(); ++i) visit(waiting[i], pending_[i].chars);
  });
  out.pack_uint64(lamport_);
}

Rga Rga::unpack(const WireObject& in) {
  Rga rga;
  // The id index is built when this value is first merged into or edited (index_if_needed):
  // most unpacked values are received deltas that are only merged from.
  rga.document_.assign(unpack_runs(wire_at(in, 0)));
  for (const RunView& run : unpack_runs(wire_at(in, 1))) rga.pending_.push_back(run.owned());
  rga.lamport_ = wire_u64(wire_at(in, 2));
  return rga;
}

}  // namespace edgesim::models

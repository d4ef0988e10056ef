#include "models/crdt/rga.h"

#include <algorithm>

namespace edgesim::models {
namespace {

Value id_json(const Rga::Id& id) { return Value::array({id.counter, id.replica}); }
Rga::Id id_from(const Value& json) { return Rga::Id{json.at(0).get<uint64_t>(), json.at(1).get<ReplicaId>()}; }

}  // namespace

std::optional<size_t> Rga::find(const Id& id) const {
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
  const std::string visible = text();
  const size_t pos = std::min<size_t>(arg.value("pos", size_t{0}), visible.size());
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
  const size_t length = text().size();
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

Value Rga::to_json() const {
  auto element_json = [](const Element& e) {
    return Value::array({id_json(e.id), e.origin ? id_json(*e.origin) : Value(nullptr), std::string(1, e.ch),
                         Value::array({e.insert_dot.first, e.insert_dot.second}),
                         e.delete_dot ? Value::array({e.delete_dot->first, e.delete_dot->second}) : Value(nullptr)});
  };
  Value elements = Value::array();
  for (const Element& e : elements_) elements.push_back(element_json(e));
  Value pending = Value::array();
  for (const Element& e : pending_) pending.push_back(element_json(e));
  return Value{{"e", std::move(elements)}, {"p", std::move(pending)}, {"l", lamport_}};
}

Rga Rga::from_json(const Value& json) {
  auto element_from = [](const Value& item) {
    Element e;
    e.id = id_from(item.at(0));
    if (!item.at(1).is_null()) e.origin = id_from(item.at(1));
    e.ch = item.at(2).get<std::string>().at(0);
    e.insert_dot = Dot{item.at(3).at(0).get<ReplicaId>(), item.at(3).at(1).get<uint64_t>()};
    if (!item.at(4).is_null()) e.delete_dot = Dot{item.at(4).at(0).get<ReplicaId>(), item.at(4).at(1).get<uint64_t>()};
    return e;
  };
  Rga rga;
  for (const Value& item : json.at("e")) {
    rga.elements_.push_back(element_from(item));
    rga.known_[rga.elements_.back().id] = rga.elements_.back().delete_dot;
  }
  for (const Value& item : json.at("p")) rga.pending_.push_back(element_from(item));
  rga.lamport_ = json.at("l").get<uint64_t>();
  return rga;
}

}  // namespace edgesim::models

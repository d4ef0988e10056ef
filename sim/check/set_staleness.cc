#include "sim/check/set_staleness.h"

#include <algorithm>
#include <bit>
#include <map>
#include <string>
#include <vector>

namespace edgesim {
namespace {

// An element, compared cheaply: the workloads' elements are non-negative integers (op ids).
struct ElementKey {
  bool is_number = false;
  uint64_t number = 0;
  std::string json;  // when it is not a non-negative integer
  auto operator<=>(const ElementKey&) const = default;
};

ElementKey element_key(const Value& value) {
  if (value.is_number_unsigned()) return {true, value.get<uint64_t>(), {}};
  if (value.is_number_integer() && value.get<int64_t>() >= 0)
    return {true, static_cast<uint64_t>(value.get<int64_t>()), {}};
  return {false, 0, value.dump()};
}

// What a set's history says of one element.
struct Element {
  size_t add = SIZE_MAX;                    // its add's position in SetKey::add_rets
  int64_t add_ret = INT64_MAX;              // when that add completed
  int64_t first_remove_call = INT64_MAX;    // a read that ended later need not show it
  int64_t sticking_remove_ret = INT64_MAX;  // the first acknowledged remove begun after its add
};

// Counts at positions 0..n-1 (a Fenwick tree): the acknowledged adds a read must still show.
class PositionCounts {
 public:
  explicit PositionCounts(size_t n) : tree_(n + 1, 0) {}
  void add(size_t position, int64_t delta) {
    for (size_t i = position + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += delta;
  }
  int64_t before(size_t end) const {  // the sum over positions [0, end)
    int64_t total = 0;
    for (size_t i = end; i > 0; i -= i & (~i + 1)) total += tree_[i];
    return total;
  }
  // The position holding the (k+1)-th count (k from 0), for counts of 0 or 1.
  size_t select(int64_t k) const {
    size_t position = 0;
    for (size_t step = std::bit_floor(tree_.size() - 1); step > 0; step >>= 1) {
      if (position + step < tree_.size() && tree_[position + step] <= k) {
        position += step;
        k -= tree_[position];
      }
    }
    return position;
  }

 private:
  std::vector<int64_t> tree_;
};

struct SetKey {
  std::vector<std::pair<ElementKey, Element>> elements;  // by key
  std::vector<int64_t> add_rets;        // acknowledged adds by completion time (their positions)
  std::vector<size_t> by_first_remove;  // their positions, by their elements' first remove call
  std::vector<int64_t> first_removes;   // those calls, in that order
  std::vector<const HistoryOp*> reads;  // acknowledged reads, by completion time
};

std::map<std::string, SetKey> index_sets(const History& history) {
  std::map<std::string, std::map<ElementKey, Element>> elements;
  std::map<std::string, SetKey> sets;
  for (const HistoryOp& op : history) {
    if (op.status == OpStatus::kFail) continue;
    if (op.f == "read" && op.status == OpStatus::kOk) sets[op.key].reads.push_back(&op);
    if (op.f != "add" && op.f != "remove") continue;
    Element& element = elements[op.key][element_key(op.arg)];
    if (op.f == "add" && op.status == OpStatus::kOk)
      element.add_ret = std::min(element.add_ret, *op.ret);
    if (op.f == "remove") element.first_remove_call = std::min(element.first_remove_call, op.call);
  }
  for (const HistoryOp& op : history) {  // removes that stick: begun after their add completed
    if (op.f != "remove" || op.status != OpStatus::kOk) continue;
    Element& element = elements[op.key][element_key(op.arg)];
    if (element.add_ret < op.call)
      element.sticking_remove_ret = std::min(element.sticking_remove_ret, *op.ret);
  }
  for (auto& [name, by_key] : elements) {
    SetKey& set = sets[name];
    set.elements.assign(std::make_move_iterator(by_key.begin()),
                        std::make_move_iterator(by_key.end()));
    std::vector<Element*> added;
    for (auto& [key, element] : set.elements) {
      if (element.add_ret != INT64_MAX) added.push_back(&element);
    }
    std::stable_sort(added.begin(), added.end(),
                     [](const Element* a, const Element* b) { return a->add_ret < b->add_ret; });
    for (size_t i = 0; i < added.size(); ++i) {
      added[i]->add = i;
      set.add_rets.push_back(added[i]->add_ret);
      set.by_first_remove.push_back(i);
    }
    std::stable_sort(set.by_first_remove.begin(), set.by_first_remove.end(),
                     [&](size_t a, size_t b) {
                       return added[a]->first_remove_call < added[b]->first_remove_call;
                     });
    for (size_t position : set.by_first_remove)
      set.first_removes.push_back(added[position]->first_remove_call);
  }
  for (auto& [name, set] : sets) {
    std::stable_sort(set.reads.begin(), set.reads.end(),
                     [](const HistoryOp* a, const HistoryOp* b) { return *a->ret < *b->ret; });
  }
  return sets;
}

// When the read was superseded (INT64_MAX: not before it began). `must_show` counts, at each
// add's position, whether a read ending when this one did must show its element.
int64_t superseded_at(const SetKey& set, const HistoryOp& read, const PositionCounts& must_show,
                      const std::vector<bool>& counted, std::vector<size_t>& shown) {
  if (!read.out.is_array() && !read.out.is_null()) return INT64_MAX;  // not a set: not judged
  // Adds that completed before the read began.
  const size_t limit =
      std::lower_bound(set.add_rets.begin(), set.add_rets.end(), read.call) - set.add_rets.begin();
  int64_t superseded = INT64_MAX;
  shown.clear();
  // The read's elements in key order (sets are usually read sorted already), walked alongside
  // the key's: a search per element cost more than the simulation when sets hold thousands.
  std::vector<ElementKey> keys;
  if (read.out.is_array()) {
    keys.reserve(read.out.size());
    for (const Value& value : read.out) keys.push_back(element_key(value));
  }
  if (!std::is_sorted(keys.begin(), keys.end())) std::sort(keys.begin(), keys.end());
  auto known = set.elements.begin();
  for (const ElementKey& key : keys) {
    while (known != set.elements.end() && known->first < key) ++known;
    if (known == set.elements.end()) break;
    if (known->first != key) continue;
    const Element& element = known->second;
    superseded = std::min(superseded, element.sticking_remove_ret);  // a remove it missed
    if (element.add < limit && counted[element.add]) shown.push_back(element.add);
  }
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  if (static_cast<int64_t>(shown.size()) < must_show.before(limit)) {
    // An add it missed. The positions it shows are some of those it must show, both in order,
    // so they match the first ones up to the first it misses.
    size_t low = 0, high = shown.size();
    while (low < high) {
      const size_t middle = low + (high - low) / 2;
      if (must_show.select(static_cast<int64_t>(middle)) == shown[middle]) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    superseded = std::min(superseded, set.add_rets[must_show.select(static_cast<int64_t>(low))]);
  }
  return superseded;
}

// Reads in the order they ended, so that an add stops counting once a read could have seen a
// remove of its element, and never counts again.
void judge_key(const SetKey& set, Histogram& staleness) {
  PositionCounts must_show(set.add_rets.size());
  std::vector<bool> counted(set.add_rets.size(), true);
  for (size_t i = 0; i < set.add_rets.size(); ++i) must_show.add(i, 1);
  size_t excused = 0;  // adds in first-remove order no longer counted
  std::vector<size_t> shown;
  for (const HistoryOp* read : set.reads) {
    for (; excused < set.first_removes.size() && set.first_removes[excused] < *read->ret;
         ++excused) {
      counted[set.by_first_remove[excused]] = false;
      must_show.add(set.by_first_remove[excused], -1);
    }
    const int64_t superseded = superseded_at(set, *read, must_show, counted, shown);
    staleness.record(superseded < read->call ? read->call - superseded : 0);
  }
}

}  // namespace

void judge_set_reads(const History& history, Histogram& staleness) {
  for (const auto& [name, set] : index_sets(history)) judge_key(set, staleness);
}

}  // namespace edgesim

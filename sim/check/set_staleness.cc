#include "sim/check/set_staleness.h"

#include <algorithm>
#include <bit>
#include <map>
#include <string>
#include <vector>

#include "sim/check/written_values.h"

namespace edgesim {
namespace {

// What a set's history says of one element.
struct Element {
  size_t add = SIZE_MAX;                    // its add's position in SetKey::add_rets
  int64_t add_ret = INT64_MAX;              // when that add completed
  int64_t first_remove_call = INT64_MAX;    // a read that ended later need not show it
  int64_t sticking_remove_ret = INT64_MAX;  // the first acknowledged remove begun after its add
};

// Bits by add position (an add's index in SetKey::add_rets), 64 to a word.
class PositionBits {
 public:
  explicit PositionBits(size_t n, bool value) : words_((n + 63) / 64, value ? ~uint64_t{0} : 0) {}
  void set(size_t position) { words_[position / 64] |= uint64_t{1} << (position % 64); }
  void clear(size_t position) { words_[position / 64] &= ~(uint64_t{1} << (position % 64)); }
  // The first position below `end` set here and not in `other` (`end` if none).
  size_t first_missing_from(const PositionBits& other, size_t end) const {
    for (size_t word = 0; word * 64 < end; ++word) {
      uint64_t missing = words_[word] & ~other.words_[word];
      if (end - word * 64 < 64) missing &= (uint64_t{1} << (end - word * 64)) - 1;
      if (missing != 0) return word * 64 + static_cast<size_t>(std::countr_zero(missing));
    }
    return end;
  }
  void clear_below(size_t end) { std::fill_n(words_.begin(), (end + 63) / 64, 0); }

 private:
  std::vector<uint64_t> words_;
};

struct SetKey {
  std::vector<std::pair<ValueKey, Element>> elements;  // by key
  std::vector<int64_t> add_rets;        // acknowledged adds by completion time (their positions)
  std::vector<size_t> by_first_remove;  // their positions, by their elements' first remove call
  std::vector<int64_t> first_removes;   // those calls, in that order
  std::vector<const HistoryOp*> reads;  // acknowledged reads, by completion time
};

std::map<std::string, SetKey> index_sets(const History& history) {
  std::map<std::string, std::map<ValueKey, Element>> elements;
  std::map<std::string, SetKey> sets;
  for (const HistoryOp& op : history) {
    if (op.status == OpStatus::kFail) continue;
    if (op.f == "read" && op.status == OpStatus::kOk) sets[op.key].reads.push_back(&op);
    if (op.f != "add" && op.f != "remove") continue;
    Element& element = elements[op.key][value_key(op.arg)];
    if (op.f == "add" && op.status == OpStatus::kOk)
      element.add_ret = std::min(element.add_ret, *op.ret);
    if (op.f == "remove") element.first_remove_call = std::min(element.first_remove_call, op.call);
  }
  for (const HistoryOp& op : history) {  // removes that stick: begun after their add completed
    if (op.f != "remove" || op.status != OpStatus::kOk) continue;
    Element& element = elements[op.key][value_key(op.arg)];
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

// When the read was superseded (INT64_MAX: not before it began). `must_show` has the adds a read
// ending when this one did must show; `shown` is scratch (all clear).
int64_t superseded_at(const SetKey& set, const HistoryOp& read, const PositionBits& must_show,
                      PositionBits& shown, std::vector<ValueKey>& keys) {
  if (!read.out.is_array() && !read.out.is_null()) return INT64_MAX;  // not a set: not judged
  // Adds that completed before the read began.
  const size_t limit =
      std::lower_bound(set.add_rets.begin(), set.add_rets.end(), read.call) - set.add_rets.begin();
  int64_t superseded = INT64_MAX;
  // The read's elements are walked in key order alongside the key's (a search per element cost
  // more than the simulation when sets hold thousands). Reads usually list them in that order;
  // otherwise they are sorted and walked again (what a walk marks, marking again changes nothing).
  const auto walk = [&](auto&& each_key) {
    auto known = set.elements.begin();
    return each_key([&](const ValueKey& key) {
      while (known != set.elements.end() && known->first < key) ++known;
      if (known == set.elements.end() || known->first != key) return;
      const Element& element = known->second;
      superseded = std::min(superseded, element.sticking_remove_ret);  // a remove it missed
      if (element.add < limit) shown.set(element.add);
    });
  };
  const bool in_order = !read.out.is_array() || walk([&](auto&& visit) {
    ValueKey previous;
    bool first = true;
    for (const Value& value : read.out) {
      ValueKey key = value_key(value);
      if (!first && key < previous) return false;
      visit(key);
      previous = std::move(key);
      first = false;
    }
    return true;
  });
  if (!in_order) {
    keys.clear();
    for (const Value& value : read.out) keys.push_back(value_key(value));
    std::sort(keys.begin(), keys.end());
    walk([&](auto&& visit) {
      for (const ValueKey& key : keys) visit(key);
      return true;
    });
  }
  // The first add it must show and does not: adds are in completion order.
  const size_t missed = must_show.first_missing_from(shown, limit);
  if (missed < limit) superseded = std::min(superseded, set.add_rets[missed]);
  shown.clear_below(limit);
  return superseded;
}

// Reads in the order they ended, so that an add stops counting once a read could have seen a
// remove of its element, and never counts again.
void judge_key(const SetKey& set, ReadStaleness& staleness) {
  PositionBits must_show(set.add_rets.size(), true);
  PositionBits shown(set.add_rets.size(), false);
  std::vector<ValueKey> keys;
  size_t excused = 0;  // adds in first-remove order no longer counted
  for (const HistoryOp* read : set.reads) {
    for (; excused < set.first_removes.size() && set.first_removes[excused] < *read->ret;
         ++excused) {
      must_show.clear(set.by_first_remove[excused]);
    }
    const int64_t superseded = superseded_at(set, *read, must_show, shown, keys);
    staleness.record(*read, superseded < read->call ? read->call - superseded : 0);
  }
}

}  // namespace

void judge_set_reads(const History& history, ReadStaleness& staleness) {
  for (const auto& [name, set] : index_sets(history)) judge_key(set, staleness);
}

}  // namespace edgesim

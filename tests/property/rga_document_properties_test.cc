// RgaDocument and RgaIdIndex (models/crdt/rga_document.h, rga_id_index.h) against a flat list of
// elements: generated runs of inserts (long enough to split chunks many times, often inside other
// runs), deletes of ranges (splitting the runs at their ends), collection of tombstones (enough to
// leave small chunks behind and rebuild them, and to take parts out of chains), old copies of
// collected runs coming back, repacks and reloads. After every step the document must hold the
// list's elements in the list's order, and every way of finding a place in it (the n-th visible
// character, a run's slot, an element's id, walking on) must agree with the list.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "models/crdt/rga_document.h"
#include "models/crdt/rga_id_index.h"

namespace edgesim::models {
namespace {

struct Insert {
  size_t index = 0;  // before the element at index % (size + 1)
  size_t count = 1;  // elements in the run
  bool deleted = false;
};
struct Delete {
  size_t index = 0;  // the first element, index % size
  size_t count = 1;
  uint64_t dot = 1;  // a smaller dot replaces a greater one
};
struct Collect {
  // Every n-th tombstone run goes (1: all): several parts of one chain, or a few runs here and
  // there (RgaIdIndex::drop() cuts them out of their chains one by one).
  size_t keep_every = 1;
};
struct Revive {
  size_t which = 0;  // the collected run which % count comes back (an old copy after a restart)
  size_t index = 0;  // before the element at index % (size + 1)
};
struct Repack {};
struct Reload {};  // assign() the runs in order, as unpacking a document does
using Step = std::variant<Insert, Delete, Collect, Revive, Repack, Reload>;

rc::Gen<Step> gen_step() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::tuple(rc::gen::inRange<size_t>(0, 10'000),
                                  rc::gen::inRange<size_t>(1, 40), rc::gen::inRange(0, 5)),
                   [](auto t) {
                     return Step{Insert{std::get<0>(t), std::get<1>(t), std::get<2>(t) == 0}};
                   }),
      rc::gen::map(
          rc::gen::tuple(rc::gen::inRange<size_t>(0, 10'000), rc::gen::inRange<size_t>(1, 60),
                         rc::gen::inRange<uint64_t>(1, 50)),
          [](auto t) {
            return Step{Delete{std::get<0>(t), std::get<1>(t), std::get<2>(t)}};
          }),
      rc::gen::map(rc::gen::inRange<size_t>(1, 40),
                   [](size_t keep) { return Step{Collect{keep}}; }),
      rc::gen::map(
          rc::gen::tuple(rc::gen::inRange<size_t>(0, 1'000), rc::gen::inRange<size_t>(0, 10'000)),
          [](auto t) {
            return Step{Revive{std::get<0>(t), std::get<1>(t)}};
          }),
      rc::gen::just(Step{Repack{}}), rc::gen::just(Step{Reload{}}));
}

class Harness {
 public:
  void run(const Step& step) {
    std::visit([this](const auto& s) { apply(s); }, step);
    document_.check_invariants();
    check_contents();
  }

  // Every position the document and the index can give, checked against the list.
  void check_positions() const {
    RgaDocument::Position at = document_.begin();
    size_t element = 0;
    size_t visible = 0;
    while (!document_.at_end(at)) {
      const uint32_t slot = document_.slot_at(at);
      RC_ASSERT(document_.position_of(slot) == at);
      const StoredRgaRun& run = document_.run(slot);
      for (uint32_t offset = 0; offset < run.size(); ++offset, ++element) {
        RC_ASSERT(element < list_.size());
        const std::optional<RgaIdIndex::Found> found = index_.find(list_[element].id, document_);
        RC_ASSERT(found.has_value());
        RC_ASSERT(found->slot == slot);
        RC_ASSERT(found->offset == offset);
        RC_ASSERT(index_.first_known_from(list_[element].id) == list_[element].id.counter);
        if (list_[element].delete_dot) continue;
        const RgaDocument::ElementPosition holding = document_.visible_position(visible++);
        RC_ASSERT(holding.run == at);
        RC_ASSERT(holding.offset == offset);
      }
      at = document_.next(at);
    }
    RC_ASSERT(element == list_.size());
    // Collected ids are not found, and the first id held at or after any id is the index's.
    std::vector<bool> held(next_id_ + 2, false);
    for (const RgaElement& e : list_) held[e.id.counter] = true;
    uint64_t next_held = UINT64_MAX;
    for (uint64_t counter = next_id_ + 1; counter >= 1; --counter) {
      if (held[counter]) next_held = counter;
      const RgaId id{counter, 1};
      RC_ASSERT(index_.find(id, document_).has_value() == held[counter]);
      RC_ASSERT(index_.first_known_from(id) == next_held);
    }
  }

 private:
  // The run holding list element `index` and the element's offset in it (index < size).
  std::pair<uint32_t, size_t> locate(size_t index) const {
    for (RgaDocument::Position at = document_.begin();; at = document_.next(at)) {
      const size_t size = document_.run_at(at).size();
      if (index < size) return {document_.slot_at(at), index};
      index -= size;
    }
  }

  // The slot of a run that starts at list element `index` (splitting the run holding it).
  uint32_t run_starting_at(size_t index) {
    const auto [slot, offset] = locate(index);
    return offset == 0 ? slot : document_.split(slot, offset);
  }

  void apply(const Insert& step) {
    RgaRun run;
    run.id = RgaId{next_id_ + 1, 1};
    run.insert_dot = Dot{1, next_id_ + 1};
    if (step.deleted) run.delete_dot = Dot{2, next_id_ + 1};
    for (size_t k = 0; k < step.count; ++k) {
      ++next_id_;
      run.chars.push_back(static_cast<char>('a' + next_id_ % 26));
    }
    place(run, step.index % (list_.size() + 1));
  }

  void apply(const Revive& step) {
    if (collected_.empty()) return;
    const size_t which = step.which % collected_.size();
    const RgaRun run = collected_[which];
    collected_.erase(collected_.begin() + static_cast<std::ptrdiff_t>(which));
    place(run, step.index % (list_.size() + 1));
  }

  // Places `run` before list element `index` (at the end if index is the list's size).
  void place(const RgaRun& run, size_t index) {
    const RgaDocument::Position at = index == list_.size()
                                         ? RgaDocument::Position{UINT32_MAX, 0}
                                         : document_.position_of(run_starting_at(index));
    const uint32_t slot = document_.store(run.view());
    document_.insert(at, slot);
    index_.insert(document_.run(slot), slot);
    std::vector<RgaElement> elements;
    for (size_t k = 0; k < run.size(); ++k) elements.push_back(run.element(k));
    list_.insert(list_.begin() + static_cast<std::ptrdiff_t>(index), elements.begin(),
                 elements.end());
  }

  void apply(const Delete& step) {
    if (list_.empty()) return;
    const size_t first = step.index % list_.size();
    const size_t end = std::min(list_.size(), first + step.count);
    if (end < list_.size()) run_starting_at(end);
    uint32_t slot = run_starting_at(first);
    const Dot dot{3, step.dot};
    for (size_t i = first; i < end;) {
      const std::optional<Dot> before = list_[i].delete_dot;
      const bool changes = !before || dot < *before;
      RC_ASSERT(document_.mark_deleted(slot, dot) == changes);
      for (size_t k = 0; k < document_.run(slot).size(); ++k, ++i) {
        RC_ASSERT(list_[i].delete_dot == before);  // a run has one delete dot
        if (changes) list_[i].delete_dot = dot;
      }
      if (i < end) slot = document_.slot_at(document_.next(document_.position_of(slot)));
    }
  }

  void apply(const Collect& step) {
    std::vector<uint32_t> gone;
    std::vector<bool> is_gone(document_.pool_size(), false);
    size_t tombstones = 0;
    document_.for_each([&](uint32_t slot, const StoredRgaRun& run) {
      if (run.deleted && tombstones++ % step.keep_every == 0) {
        gone.push_back(slot);
        is_gone[slot] = true;
        collected_.push_back(document_.view(slot).owned());
      }
    });
    std::vector<RgaElement> kept;
    size_t element = 0;
    document_.for_each([&](uint32_t slot, const StoredRgaRun& run) {
      for (size_t k = 0; k < run.size(); ++k, ++element) {
        if (!is_gone[slot]) kept.push_back(list_[element]);
      }
    });
    index_.drop(document_, gone);
    document_.remove(gone);
    list_ = std::move(kept);
    check_positions();
  }

  void apply(const Repack&) {
    document_.repack();
    index_.assign(document_);
    RC_ASSERT(document_.pool_size() == document_.runs());
    check_positions();
  }

  void apply(const Reload&) {
    // Owned copies first: assign() replaces the store the views would point into.
    std::vector<RgaRun> runs;
    document_.for_each(
        [&](uint32_t slot, const StoredRgaRun&) { runs.push_back(document_.view(slot).owned()); });
    std::vector<RgaRunView> views;
    for (const RgaRun& run : runs) views.push_back(run.view());
    document_.assign(views);
    index_.assign(document_);
    check_positions();
  }

  void check_contents() const {
    RC_ASSERT(document_.size() == list_.size());
    std::string text;
    for (const RgaElement& e : list_) {
      if (!e.delete_dot) text.push_back(e.ch);
    }
    RC_ASSERT(document_.visible() == text.size());
    RC_ASSERT(document_.text() == text);
    size_t i = 0;
    document_.for_each([&](uint32_t slot, const StoredRgaRun&) {
      const RgaRun run = document_.view(slot).owned();
      for (size_t k = 0; k < run.size(); ++k, ++i) {
        RC_ASSERT(i < list_.size());
        RC_ASSERT(run.element(k) == list_[i]);
      }
    });
    RC_ASSERT(i == list_.size());
    RC_ASSERT(index_.size() == document_.chains());
  }

  RgaDocument document_;
  RgaIdIndex index_;
  std::vector<RgaElement> list_;
  std::vector<RgaRun> collected_;
  uint64_t next_id_ = 0;
};

RC_GTEST_PROP(RgaDocumentProperties, ActsLikeAFlatListOfItsElements, ()) {
  // Up to 300 steps: enough for documents of thousands of elements in dozens of chunks.
  const auto steps = *rc::gen::scale(3.0, rc::gen::container<std::vector<Step>>(gen_step()));
  Harness harness;
  for (const Step& step : steps) harness.run(step);
  harness.check_positions();
}

// Text typed at one place grows one chunk past its limit again and again; a long document must
// still find each run where it is.
TEST(RgaDocument, AThousandSingleInsertsAtTheSamePlaceSplitChunksAndStayInOrder) {
  RgaDocument document;
  std::vector<uint32_t> slots;
  for (uint64_t i = 0; i < 1000; ++i) {
    const uint32_t slot =
        document.store(RgaRunView{RgaId{i + 1, 1}, std::nullopt, "x", Dot{1, i + 1}, std::nullopt});
    // Each new run goes right after the first one, so the document reads 0, n-1, ..., 1.
    const auto at =
        slots.empty() ? document.begin() : document.next(document.position_of(slots.front()));
    document.insert(at, slot);
    slots.push_back(slot);
  }
  ASSERT_EQ(document.size(), 1000u);
  std::vector<uint32_t> order;
  document.for_each([&](uint32_t slot, const StoredRgaRun&) { order.push_back(slot); });
  ASSERT_EQ(order.front(), slots.front());
  for (size_t i = 1; i < order.size(); ++i)
    EXPECT_EQ(order[i], slots[slots.size() - i]) << "at " << i;
  EXPECT_EQ(document.visible_position(999).run, document.position_of(slots[1]));
  document.check_invariants();
}

// A run split again and again keeps its parts chained in id order: the index still holds one
// entry for it and finds every element in its part.
TEST(RgaDocument, ARunSplitEverywhereIsFoundPartByPart) {
  RgaDocument document;
  RgaIdIndex index;
  const uint32_t first =
      document.append(RgaRunView{RgaId{1, 7}, std::nullopt, "abcdefghij", Dot{7, 1}, std::nullopt});
  index.insert(document.run(first), first);
  for (size_t offset : {9, 5, 1, 3, 7}) {
    const std::optional<RgaIdIndex::Found> holder = index.find(RgaId{offset + 1, 7}, document);
    ASSERT_TRUE(holder.has_value());
    document.split(holder->slot, holder->offset);
  }
  document.check_invariants();
  EXPECT_EQ(document.runs(), 6u);
  EXPECT_EQ(document.chains(), 1u);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(document.text(), "abcdefghij");
  for (uint64_t counter = 1; counter <= 10; ++counter) {
    const std::optional<RgaIdIndex::Found> found = index.find(RgaId{counter, 7}, document);
    ASSERT_TRUE(found.has_value()) << counter;
    EXPECT_EQ(document.run(found->slot).id_at(found->offset), (RgaId{counter, 7}));
    EXPECT_EQ(document.chars(found->slot)[found->offset], static_cast<char>('a' + counter - 1));
  }
  EXPECT_FALSE(index.find(RgaId{11, 7}, document).has_value());
}

}  // namespace
}  // namespace edgesim::models

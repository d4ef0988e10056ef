// RgaDocument (models/crdt/rga_document.h) against a flat list of its elements: generated runs
// of inserts (long enough to split chunks many times), deletes of ranges, collection of tombstones
// (enough to leave small chunks behind and rebuild them), repacks and reloads. After every step the
// document must hold the list's elements in the list's order, and every way of finding a place in
// it (the n-th visible character, an element's slot, walking on) must agree with the list.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "models/crdt/rga_document.h"

namespace edgesim::models {
namespace {

struct Insert {
  size_t index = 0;          // before the element at index % (size + 1)
  size_t count = 1;          // elements in the run
  size_t deleted_every = 0;  // every n-th inserted element arrives deleted (0: none)
};
struct Delete {
  size_t index = 0;  // the first element, index % size
  size_t count = 1;
  uint64_t dot = 1;  // a smaller dot replaces a greater one
};
struct Collect {
  size_t keep_every = 1;  // every n-th tombstone stays (1: all go)
};
struct Repack {};
struct Reload {};  // assign() the elements in order, as unpacking a document does
using Step = std::variant<Insert, Delete, Collect, Repack, Reload>;

rc::Gen<Step> gen_step() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::tuple(rc::gen::inRange<size_t>(0, 10'000),
                                  rc::gen::inRange<size_t>(1, 90), rc::gen::inRange<size_t>(0, 4)),
                   [](auto t) {
                     return Step{Insert{std::get<0>(t), std::get<1>(t), std::get<2>(t)}};
                   }),
      rc::gen::map(
          rc::gen::tuple(rc::gen::inRange<size_t>(0, 10'000), rc::gen::inRange<size_t>(1, 120),
                         rc::gen::inRange<uint64_t>(1, 50)),
          [](auto t) {
            return Step{Delete{std::get<0>(t), std::get<1>(t), std::get<2>(t)}};
          }),
      rc::gen::map(rc::gen::inRange<size_t>(1, 4), [](size_t keep) { return Step{Collect{keep}}; }),
      rc::gen::just(Step{Repack{}}), rc::gen::just(Step{Reload{}}));
}

struct Placed {
  uint32_t slot;
  RgaElement element;
};

class Harness {
 public:
  void run(const Step& step) {
    std::visit([this](const auto& s) { apply(s); }, step);
    document_.check_invariants();
    check_contents();
  }

  // Every position the document can give, checked against the list.
  void check_positions() const {
    RgaDocument::Position at = document_.begin();
    size_t visible = 0;
    for (size_t i = 0; i < list_.size(); ++i) {
      RC_ASSERT(!document_.at_end(at));
      RC_ASSERT(document_.slot_at(at) == list_[i].slot);
      RC_ASSERT(document_.position_of(list_[i].slot) == at);
      if (!list_[i].element.delete_dot) {
        RC_ASSERT(document_.visible_position(visible) == at);
        ++visible;
      }
      at = document_.next(at);
    }
    RC_ASSERT(document_.at_end(at));
  }

 private:
  RgaDocument::Position position(size_t index) const {
    RgaDocument::Position at = document_.begin();
    for (size_t i = 0; i < index; ++i) at = document_.next(at);
    return at;
  }

  void apply(const Insert& step) {
    const size_t index = step.index % (list_.size() + 1);
    std::vector<uint32_t> slots;
    std::vector<Placed> placed;
    for (size_t k = 0; k < step.count; ++k) {
      RgaElement element{RgaId{++next_id_, 1}, std::nullopt, static_cast<char>('a' + next_id_ % 26),
                         Dot{1, next_id_}, std::nullopt};
      if (step.deleted_every > 0 && k % step.deleted_every == 0)
        element.delete_dot = Dot{2, next_id_};
      if (k > 0) element.origin = RgaId{next_id_ - 1, 1};  // typed after the one before
      slots.push_back(document_.store(element));
      placed.push_back(Placed{slots.back(), element});
    }
    const RgaDocument::Position last = document_.insert(position(index), slots);
    list_.insert(list_.begin() + static_cast<std::ptrdiff_t>(index), placed.begin(), placed.end());
    RC_ASSERT(document_.slot_at(last) == slots.back());
  }

  void apply(const Delete& step) {
    if (list_.empty()) return;
    const size_t first = step.index % list_.size();
    for (size_t i = first; i < std::min(list_.size(), first + step.count); ++i) {
      std::optional<Dot>& deleted = list_[i].element.delete_dot;
      const Dot dot{3, step.dot};
      const bool changes = !deleted || dot < *deleted;
      RC_ASSERT(document_.mark_deleted(list_[i].slot, dot) == changes);
      if (changes) deleted = dot;
    }
  }

  void apply(const Collect& step) {
    std::vector<uint32_t> gone;
    std::vector<Placed> kept;
    size_t tombstones = 0;
    for (const Placed& p : list_) {
      if (p.element.delete_dot && tombstones++ % step.keep_every == 0) {
        gone.push_back(p.slot);
      } else {
        kept.push_back(p);
      }
    }
    document_.remove(gone);
    list_ = std::move(kept);
    check_positions();
  }

  void apply(const Repack&) {
    document_.repack();
    size_t i = 0;
    document_.for_each([&](uint32_t slot, const RgaElement&) { list_[i++].slot = slot; });
    RC_ASSERT(document_.pool_size() == list_.size());
    check_positions();
  }

  void apply(const Reload&) {
    std::vector<RgaElement> elements;
    for (const Placed& p : list_) elements.push_back(p.element);
    document_.assign(elements);
    for (size_t i = 0; i < list_.size(); ++i) list_[i].slot = static_cast<uint32_t>(i);
    check_positions();
  }

  void check_contents() const {
    RC_ASSERT(document_.size() == list_.size());
    std::string text;
    for (const Placed& p : list_) {
      if (!p.element.delete_dot) text.push_back(p.element.ch);
    }
    RC_ASSERT(document_.visible() == text.size());
    RC_ASSERT(document_.text() == text);
    size_t i = 0;
    document_.for_each([&](uint32_t slot, const RgaElement& element) {
      RC_ASSERT(i < list_.size());
      RC_ASSERT(slot == list_[i].slot);
      RC_ASSERT(element == list_[i].element);
      ++i;
    });
    RC_ASSERT(i == list_.size());
  }

  RgaDocument document_;
  std::vector<Placed> list_;
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
// still find each element where it is.
TEST(RgaDocument, AThousandSingleInsertsAtTheSamePlaceSplitChunksAndStayInOrder) {
  RgaDocument document;
  std::vector<uint32_t> slots;
  for (uint64_t i = 0; i < 1000; ++i) {
    const uint32_t slot =
        document.store(RgaElement{RgaId{i + 1, 1}, std::nullopt, 'x', Dot{1, i + 1}, std::nullopt});
    // Each new element goes right after the first one, so the document reads 0, n-1, ..., 1.
    const auto at =
        slots.empty() ? document.begin() : document.next(document.position_of(slots.front()));
    document.insert(at, {&slot, 1});
    slots.push_back(slot);
  }
  ASSERT_EQ(document.size(), 1000u);
  std::vector<uint32_t> order;
  document.for_each([&](uint32_t slot, const RgaElement&) { order.push_back(slot); });
  ASSERT_EQ(order.front(), slots.front());
  for (size_t i = 1; i < order.size(); ++i)
    EXPECT_EQ(order[i], slots[slots.size() - i]) << "at " << i;
  EXPECT_EQ(document.visible_position(999), document.position_of(slots[1]));
}

}  // namespace
}  // namespace edgesim::models

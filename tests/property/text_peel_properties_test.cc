// Text peeling (sim/check/text_peel.h): the index must cut out exactly the texts that the
// definition's searches cut out. Documents are typed the way a text workload types them: texts
// inserted at random places (splitting earlier ones), some characters deleted, some noise, over
// a four-letter alphabet so that texts overlap, repeat and form across cuts all the time.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "sim/check/text_peel.h"

namespace edgesim {
namespace {

std::string generated_text(size_t max_length) {
  const size_t length = *rc::gen::inRange<size_t>(1, max_length + 1);
  std::string text;
  for (size_t i = 0; i < length; ++i) text.push_back(*rc::gen::element('(', ')', 'a', 'b'));
  return text;
}

// Each text typed at a random place; then deletions and noise.
std::string typed_document(const std::vector<std::string>& texts) {
  std::string document;
  for (const std::string& text : texts) {
    if (*rc::gen::inRange(0, 5) == 0) continue;  // never typed, or typed and lost
    document.insert(*rc::gen::inRange<size_t>(0, document.size() + 1), text);
  }
  const int edits = *rc::gen::inRange(0, 4);
  for (int i = 0; i < edits && !document.empty(); ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, document.size());
    if (*rc::gen::inRange(0, 2) == 0) {
      document.erase(at, *rc::gen::inRange<size_t>(1, 3));
    } else {
      document.insert(at, generated_text(2));
    }
  }
  return document;
}

// Each generated case checks several documents: a wrong choice between two live occurrences
// shows only when both exist at once, about once in a few hundred documents.
constexpr int kDocumentsPerCase = 20;

RC_GTEST_PROP(TextPeel, IndexCutsOutWhatTheSearchesCutOut, ()) {
  for (int i = 0; i < kDocumentsPerCase; ++i) {
    std::vector<std::string> texts(*rc::gen::inRange<size_t>(0, 16));
    for (std::string& text : texts) text = generated_text(5);
    if (*rc::gen::inRange(0, 4) == 0 && !texts.empty()) texts.push_back(texts.front());  // repeat
    const std::string document = typed_document(texts);
    const std::vector<std::string_view> views(texts.begin(), texts.end());

    const std::optional<std::vector<bool>> indexed = peel_texts_indexed(document, views);
    RC_ASSERT(indexed.has_value());
    RC_ASSERT(*indexed == peel_texts_by_search(document, views));
  }
}

TEST(TextPeel, TextSplitByLaterInsertsIsFoundOnceTheyAreCutOut) {
  const std::vector<std::string_view> latest_first = {"(c)", "(b)", "(a)"};
  const std::vector<bool> all = {true, true, true};
  EXPECT_EQ(peel_texts("(((c)b)a)", latest_first), all);
  EXPECT_EQ(peel_texts("((c)a)", latest_first), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(peel_texts("", latest_first), (std::vector<bool>{false, false, false}));
}

TEST(TextPeel, ManyDistinctLengthsAreSearchedNotIndexed) {
  std::vector<std::string> texts;
  for (size_t length = 1; length <= 40; ++length) texts.emplace_back(length, 'x');
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  EXPECT_FALSE(peel_texts_indexed(std::string(100, 'x'), views).has_value());
  // 1 + ... + 13 = 91 characters of x: the first 13 texts fit, nothing longer is left.
  std::vector<bool> expected(40, false);
  for (size_t i = 0; i < 13; ++i) expected[i] = true;
  EXPECT_EQ(peel_texts(std::string(91, 'x'), views), expected);
}

}  // namespace
}  // namespace edgesim

#include "sim/check/text_peel.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "sim/core/assert.h"

namespace edgesim {
namespace {

// Above this sum of distinct text lengths, indexing costs more than searching (see the header).
constexpr size_t kMaxLengthsSum = 512;

// The positions of a document that have not been cut yet. Nearest live positions come from two
// union-find arrays (a cut position points past itself), counts from a Fenwick tree of cuts.
class LivePositions {
 public:
  explicit LivePositions(uint32_t size)
      : size_(size), next_(size + 1), previous_(size + 1), cuts_(size + 1, 0) {
    for (uint32_t i = 0; i <= size; ++i) next_[i] = previous_[i] = i;
  }
  uint32_t size() const { return size_; }
  // The first live position at or after `from`, or size() if there is none.
  uint32_t next_live(uint32_t from) {
    while (next_[from] != from) from = next_[from] = next_[next_[from]];
    return from;
  }
  // The last live position at or before `at`, if any.
  std::optional<uint32_t> previous_live(uint32_t at) {
    uint32_t shifted = at + 1;  // previous_ is shifted by one so that 0 can mean "none"
    while (previous_[shifted] != shifted)
      shifted = previous_[shifted] = previous_[previous_[shifted]];
    if (shifted == 0) return std::nullopt;
    return shifted - 1;
  }
  // Live positions in [first, last].
  uint32_t live_between(uint32_t first, uint32_t last) const {
    return (last - first + 1) - static_cast<uint32_t>(cuts_before(last + 1) - cuts_before(first));
  }
  void cut(uint32_t position) {
    EDGESIM_ASSERT(next_[position] == position, "a document position cut twice");
    next_[position] = position + 1;
    previous_[position + 1] = position;
    for (uint32_t i = position + 1; i <= size_; i += i & (~i + 1)) ++cuts_[i];
  }

 private:
  uint64_t cuts_before(uint32_t end) const {
    uint64_t cuts = 0;
    for (uint32_t i = end; i > 0; i -= i & (~i + 1)) cuts += cuts_[i];
    return cuts;
  }

  uint32_t size_;
  std::vector<uint32_t> next_;      // next_[i] == i while i is live; next_[size] is the end
  std::vector<uint32_t> previous_;  // previous_[i + 1] == i + 1 while i is live; [0] is "none"
  std::vector<uint32_t> cuts_;      // Fenwick tree over cut positions
};

// An occurrence of a text in what is left of the document: its first and last positions. The
// positions between them that it does not use were cut before it was found. It is still an
// occurrence while all of its own positions are live, i.e. while [first, last] holds as many
// live positions as the text has characters.
struct Occurrence {
  uint32_t first = 0;
  uint32_t last = 0;
  bool operator<(const Occurrence& other) const {
    return std::pair(first, last) < std::pair(other.first, other.last);
  }
};

// Where one distinct text occurs. Every occurrence is either whole in the uncut document (all
// listed up front) or spans one or more cuts. One that spans cuts became an occurrence when the
// last of its cuts joined its two sides, and is recorded then (IndexedPeel::index_seam).
struct TextOccurrences {
  uint32_t length = 0;
  std::vector<uint32_t> whole_starts;  // ascending; those before next_whole are no longer live
  size_t next_whole = 0;
  std::set<Occurrence> across_cuts;  // stale ones are dropped when met
};

class IndexedPeel {
 public:
  IndexedPeel(std::string_view document, const std::vector<std::string_view>& texts)
      : document_(document), live_(static_cast<uint32_t>(document.size())) {
    text_ids_.reserve(texts.size());
    for (std::string_view text : texts) {
      if (text.empty()) {
        text_ids_.push_back(kNoText);
        continue;
      }
      const auto [it, added] = ids_.try_emplace(text, static_cast<uint32_t>(occurrences_.size()));
      if (added) {
        occurrences_.emplace_back();
        occurrences_.back().length = static_cast<uint32_t>(text.size());
      }
      text_ids_.push_back(it->second);
      lengths_[text.size()][static_cast<unsigned char>(text.front())] = true;
    }
    index_whole_document();
  }

  std::vector<bool> run() {
    std::vector<bool> found(text_ids_.size(), false);
    for (bool progress = true; progress;) {
      progress = false;
      for (size_t i = 0; i < text_ids_.size(); ++i) {
        if (found[i] || text_ids_[i] == kNoText) continue;
        const std::optional<Occurrence> at = leftmost(occurrences_[text_ids_[i]]);
        if (!at) continue;
        cut(*at);
        found[i] = true;
        progress = true;
      }
    }
    return found;
  }

 private:
  using FirstBytes = std::array<bool, 256>;  // which bytes begin a text of a given length
  static constexpr uint32_t kNoText = std::numeric_limits<uint32_t>::max();  // an empty text

  // The id of `candidate` if it is one of the texts (first_bytes: those of its length).
  std::optional<uint32_t> text_at(std::string_view candidate, const FirstBytes& first_bytes) const {
    if (!first_bytes[static_cast<unsigned char>(candidate.front())]) return std::nullopt;
    const auto it = ids_.find(candidate);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }

  void index_whole_document() {
    for (const auto& [length, first_bytes] : lengths_) {
      for (size_t start = 0; start + length <= document_.size(); ++start) {
        if (const auto id = text_at(document_.substr(start, length), first_bytes))
          occurrences_[*id].whole_starts.push_back(static_cast<uint32_t>(start));
      }
    }
  }

  std::optional<Occurrence> leftmost(TextOccurrences& text) {
    std::optional<Occurrence> best;
    for (; text.next_whole < text.whole_starts.size(); ++text.next_whole) {
      const uint32_t start = text.whole_starts[text.next_whole];
      const Occurrence whole{start, start + text.length - 1};
      if (still_live(whole, text.length)) {
        best = whole;
        break;
      }
    }
    while (!text.across_cuts.empty()) {
      const Occurrence spanning = *text.across_cuts.begin();
      if (still_live(spanning, text.length)) {
        if (!best || spanning.first < best->first) best = spanning;
        break;
      }
      text.across_cuts.erase(text.across_cuts.begin());
    }
    return best;
  }

  bool still_live(const Occurrence& at, uint32_t length) const {
    return live_.live_between(at.first, at.last) == length;
  }

  // Cuts an occurrence's positions out and records what the join of its two sides spells.
  void cut(const Occurrence& at) {
    for (uint32_t p = live_.next_live(at.first); p <= at.last; p = live_.next_live(p + 1))
      live_.cut(p);
    if (at.first == 0) return;
    const std::optional<uint32_t> left = live_.previous_live(at.first - 1);
    const uint32_t right = live_.next_live(at.last + 1);
    if (left && right < live_.size()) index_seam(*left, right);
  }

  // Records every occurrence of a text that uses both `left` and `right`, live positions that
  // have just become neighbours: it reads the longest text's length minus one live characters on
  // each side.
  void index_seam(uint32_t left, uint32_t right) {
    const size_t reach = lengths_.rbegin()->first - 1;
    std::vector<uint32_t> positions;  // left side reversed, then the right side
    for (std::optional<uint32_t> p = left; p && positions.size() < reach;
         p = *p == 0 ? std::nullopt : live_.previous_live(*p - 1)) {
      positions.push_back(*p);
    }
    const size_t left_count = positions.size();
    std::reverse(positions.begin(), positions.end());
    for (uint32_t p = right; p < live_.size() && positions.size() < left_count + reach;
         p = live_.next_live(p + 1)) {
      positions.push_back(p);
    }
    std::string window;
    window.reserve(positions.size());
    for (uint32_t p : positions) window.push_back(document_[p]);
    for (const auto& [length, first_bytes] : lengths_) {
      // Starts that keep both window[left_count - 1] and window[left_count] inside.
      const size_t lowest = left_count + 1 > length ? left_count + 1 - length : 0;
      for (size_t start = lowest; start < left_count && start + length <= window.size(); ++start) {
        if (const auto id = text_at(std::string_view(window).substr(start, length), first_bytes))
          occurrences_[*id].across_cuts.insert({positions[start], positions[start + length - 1]});
      }
    }
  }

  std::string_view document_;
  std::map<std::string_view, uint32_t, std::less<>> ids_;  // distinct text -> occurrences_ index
  std::map<size_t, FirstBytes> lengths_;                   // distinct text lengths
  std::vector<uint32_t> text_ids_;                         // per given text, or kNoText
  std::vector<TextOccurrences> occurrences_;
  LivePositions live_;
};

}  // namespace

std::vector<bool> peel_texts_by_search(std::string_view document,
                                       const std::vector<std::string_view>& texts) {
  std::string remaining(document);
  std::vector<bool> found(texts.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < texts.size(); ++i) {
      if (found[i] || texts[i].empty()) continue;
      const size_t at = remaining.find(texts[i]);
      if (at == std::string::npos) continue;
      remaining.erase(at, texts[i].size());
      found[i] = true;
      progress = true;
    }
  }
  return found;
}

std::optional<std::vector<bool>> peel_texts_indexed(std::string_view document,
                                                    const std::vector<std::string_view>& texts) {
  if (document.size() >= std::numeric_limits<uint32_t>::max()) return std::nullopt;
  std::set<size_t> lengths;
  for (std::string_view text : texts) lengths.insert(text.size());
  size_t lengths_sum = 0;
  for (size_t length : lengths) lengths_sum += length;
  if (lengths_sum > kMaxLengthsSum) return std::nullopt;
  return IndexedPeel(document, texts).run();
}

std::vector<bool> peel_texts(std::string_view document,
                             const std::vector<std::string_view>& texts) {
  if (auto indexed = peel_texts_indexed(document, texts)) return *std::move(indexed);
  return peel_texts_by_search(document, texts);
}

}  // namespace edgesim

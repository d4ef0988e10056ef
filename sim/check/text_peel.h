#pragma once
// Which inserted texts a final document still contains (no_lost_writes for text). Texts are cut
// out of the document one at a time, in the order given (the checker gives latest call first),
// each at its leftmost occurrence in what is left, in passes until a pass cuts nothing: a text
// that a later insert split in two is whole again once that insert's text is out.
//
// peel_texts_by_search is that definition, written as searches of a string: each pass searches
// the whole document once per text still missing, so a long run's check was quadratic (tens of
// seconds for a 120 s RGA run, nearly doubling its time). peel_texts_indexed gives the same
// answer from an index: every occurrence of every text in the document, plus the occurrences each
// cut creates across its seam, found once. peel_texts uses the index whenever its cost is bounded,
// and the search otherwise.

#include <optional>
#include <string_view>
#include <vector>

namespace edgesim {

// found[i] says whether texts[i] was cut out. Empty texts are never found.
std::vector<bool> peel_texts(std::string_view document, const std::vector<std::string_view>& texts);

std::vector<bool> peel_texts_by_search(std::string_view document,
                                       const std::vector<std::string_view>& texts);

// nullopt when the texts have so many distinct lengths (their sum above 512) that indexing every
// document position and every seam by each length would cost more than the searches.
std::optional<std::vector<bool>> peel_texts_indexed(std::string_view document,
                                                    const std::vector<std::string_view>& texts);

}  // namespace edgesim

#pragma once
// MemoSet: the linearizability search's memo of visited configurations, each a (set of linearized
// ops as a fixed-width bitset, model state) pair. Open addressing over one flat arena of words, so
// an entry costs its bitset plus 12 bytes and lookups touch one or two cache lines.
//
// Membership only: there is no iteration, so nothing about the table's layout can reach output
// (which is why the determinism lint's ban on unordered containers does not apply in spirit; this
// table is also smaller than a standard hash set would be). The caller supplies the hash, which the
// search maintains incrementally (Zobrist hashing).

#include <cstdint>
#include <cstring>
#include <vector>

namespace edgesim {

class MemoSet {
 public:
  explicit MemoSet(size_t bitset_words) : words_(bitset_words), slots_(1024, 0) {}

  // Inserts (bits, state); false if it was already present.
  bool insert(const uint64_t* bits, uint32_t state, uint64_t hash) {
    if ((hashes_.size() + 1) * 2 > slots_.size()) grow();
    size_t slot = hash & (slots_.size() - 1);
    while (slots_[slot] != 0) {
      const uint32_t entry = slots_[slot] - 1;
      if (hashes_[entry] == hash && states_[entry] == state &&
          std::memcmp(&arena_[size_t(entry) * words_], bits, words_ * sizeof(uint64_t)) == 0) {
        return false;
      }
      slot = (slot + 1) & (slots_.size() - 1);
    }
    slots_[slot] = uint32_t(hashes_.size() + 1);
    hashes_.push_back(hash);
    states_.push_back(state);
    arena_.insert(arena_.end(), bits, bits + words_);
    return true;
  }

  size_t size() const { return hashes_.size(); }
  size_t bytes() const {
    return arena_.capacity() * sizeof(uint64_t) + hashes_.capacity() * sizeof(uint64_t) +
           states_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint32_t);
  }

 private:
  void grow() {
    std::vector<uint32_t> bigger(slots_.size() * 2, 0);
    for (uint32_t entry = 0; entry < hashes_.size(); ++entry) {
      size_t slot = hashes_[entry] & (bigger.size() - 1);
      while (bigger[slot] != 0) slot = (slot + 1) & (bigger.size() - 1);
      bigger[slot] = entry + 1;
    }
    slots_ = std::move(bigger);
  }

  size_t words_;
  std::vector<uint32_t> slots_;  // entry index + 1; 0 = empty
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> states_;
  std::vector<uint64_t> arena_;  // entry i's bitset at [i * words_, (i + 1) * words_)
};

}  // namespace edgesim

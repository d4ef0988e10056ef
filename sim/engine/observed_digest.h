#pragma once
// ObservedDigest: the bookkeeping behind Replica::observe_digest() for a replica that observes as
// a map from keys to values. The digest is the sum (mod 2^64) of a hash of each observed key with
// its value's canonical encoding, so a key's change moves it by that key's terms alone: the replica
// reports each changed key (changed()), and digest() re-observes only those.
//
// Until the first digest() nothing is recorded, so a replica pays nothing for a digest nobody asks
// for (the convergence probe asks from the quiet phase on). The list of changed keys is bounded by
// the number of keys; past that, the next digest() re-observes everything.
//
// It must be told of every change: a key changed unreported keeps a stale term, and the digest
// then disagrees with observe() (the CRDT properties check it against one computed afresh).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/key_order.h"
#include "sim/engine/value.h"

namespace edgesim {

class ObservedDigest {
 public:
  // `key`'s value may observe differently now; `keys_count` is how many keys the replica holds.
  void changed(std::string_view key, size_t keys_count) {
    if (tracking_ && !all_changed_)
      note(key, keys_count);  // the rest out of line: hot paths call this
  }
  void all_changed() { all_changed_ = true; }  // e.g. a restart replaced the whole state

  // The digest of `entries` (a map from std::string keys), where observe(mapped value) gives a
  // key's observed value, or nullopt for a key that observes as absent.
  template <typename Map, typename Observe>
  uint64_t digest(const Map& entries, Observe&& observe) {
    return digest_by(
        [&](auto&& add) {
          for (const auto& [key, value] : entries) add(key, observe(value));
        },
        [&](const std::string& key) -> std::optional<Value> {
          const auto entry = entries.find(key);
          if (entry == entries.end()) return std::nullopt;
          return observe(entry->second);
        });
  }

  // The same for any shape of state: for_each(add) calls add(key, observed or nullopt) for every
  // key (in key order is fastest), and observe_key(key) gives one key's observed value or nullopt.
  template <typename ForEach, typename ObserveKey>
  uint64_t digest_by(ForEach&& for_each, ObserveKey&& observe_key) {
    if (!tracking_ || all_changed_) {
      terms_.clear();
      digest_ = 0;
      for_each([this](const std::string& key, const std::optional<Value>& observed) {
        if (observed) add_term(terms_.end(), key, *observed);
      });
    } else {
      // A key can be listed twice; the second time finds it up to date and redoes the same.
      for (const std::string& key : changed_) {
        const auto next = remove_term(key);
        if (const std::optional<Value> observed = observe_key(key)) add_term(next, key, *observed);
      }
    }
    tracking_ = true;
    all_changed_ = false;
    changed_.clear();
    return digest_;
  }

 private:
  using Terms = std::map<std::string, uint64_t, KeyLess>;
  void note(std::string_view key, size_t keys_count);
  // Adds `key`'s term; it goes just before `hint` in terms_.
  void add_term(Terms::const_iterator hint, const std::string& key, const Value& observed);
  // Removes `key`'s term, if it has one; returns where a term for it would go.
  Terms::const_iterator remove_term(const std::string& key);

  Terms terms_;          // observed key -> its term
  uint64_t digest_ = 0;  // the sum of terms_
  std::vector<std::string> changed_;
  bool tracking_ = false;
  bool all_changed_ = false;
};

}  // namespace edgesim

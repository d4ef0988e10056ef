#include "sim/engine/observed_digest.h"

#include "sim/core/trace_hash.h"

namespace edgesim {

void ObservedDigest::note(std::string_view key, size_t keys_count) {
  changed_.emplace_back(key);
  if (changed_.size() > keys_count + 16) {
    all_changed_ = true;
    changed_.clear();
  }
}

void ObservedDigest::add_term(Terms::const_iterator hint, const std::string& key,
                              const Value& observed) {
  std::string encoded;
  Value::to_msgpack(observed, encoded);
  TraceHash term;
  term.mix_bytes(key);
  term.mix_bytes(encoded);
  terms_.emplace_hint(hint, key, term.value());
  digest_ += term.value();
}

ObservedDigest::Terms::const_iterator ObservedDigest::remove_term(const std::string& key) {
  const auto term = terms_.lower_bound(key);
  if (term == terms_.end() || term->first != key) return term;
  digest_ -= term->second;
  return terms_.erase(term);
}

}  // namespace edgesim

#include "sim/engine/replica.h"

namespace edgesim {

std::string& DurableStore::value_of(const std::string& key) {
  for (Entries::iterator entry : recent_) {
    if (entry != entries_.end() && entry->first == key) return entry->second;
  }
  Entries::iterator& slot = recent_[next_recent_];
  next_recent_ = (next_recent_ + 1) % recent_.size();
  slot = entries_.try_emplace(key).first;
  return slot->second;
}

void DurableStore::put(const std::string& key, std::string bytes) {
  value_of(key) = std::move(bytes);
  ++writes_;
}

void DurableStore::append(const std::string& key, std::string_view bytes) {
  value_of(key).append(bytes);
  ++writes_;
}

std::optional<std::string> DurableStore::get(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void DurableStore::erase(const std::string& key) {
  ++writes_;
  const auto entry = entries_.find(key);
  if (entry == entries_.end()) return;
  for (Entries::iterator& recent : recent_) {
    if (recent == entry) recent = entries_.end();
  }
  entries_.erase(entry);
}

uint64_t DurableStore::bytes() const {
  uint64_t total = 0;
  for (const auto& [key, value] : entries_) total += key.size() + value.size();
  return total;
}

}  // namespace edgesim

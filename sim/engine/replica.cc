#include "sim/engine/replica.h"

namespace edgesim {

std::string& DurableStore::value_of(const std::string& key) {
  if (last_written_ == entries_.end() || compare_keys(last_written_->first, key) != 0)
    last_written_ = entries_.try_emplace(key).first;
  return last_written_->second;
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
  if (last_written_ != entries_.end() && compare_keys(last_written_->first, key) == 0) {
    last_written_ = entries_.end();
  }
  entries_.erase(key);
  ++writes_;
}

uint64_t DurableStore::bytes() const {
  uint64_t total = 0;
  for (const auto& [key, value] : entries_) total += key.size() + value.size();
  return total;
}

}  // namespace edgesim

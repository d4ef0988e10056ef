#include "sim/core/event_queue.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "sim/core/assert.h"

namespace edgesim {

EventQueue::EventQueue()
    : buckets_(kBuckets), tail_counts_(kBuckets, 0), occupied_(kBuckets / 64, 0) {}

EventQueue::~EventQueue() = default;

size_t EventQueue::memory_bytes() const {
  return chunks_.size() * sizeof(Chunk) +
         (current_.capacity() + scratch_.capacity()) * sizeof(QueueEntry) +
         overflow_.capacity() * sizeof(OverflowEntry);
}

void EventQueue::push(const QueueEntry& entry) {
  EDGESIM_ASSERT(entry.at >= last_popped_at_, "push at {} before the last pop at {}", entry.at,
                 last_popped_at_);
  ++size_;
  // A peek may have moved base_ past times that are still in the future of the last pop: such
  // entries join the current bucket, where the sorted insert keeps them in order.
  if (entry.at < base_ + kBucketWidthNs) {
    insert_current(entry);
  } else if (entry.at < horizon_end()) {
    append(entry);
  } else {
    overflow_push(entry);
  }
}

void EventQueue::insert_current(const QueueEntry& entry) {
  // Descending by time; among equal times the newest sits furthest from the back, so it pops last.
  auto position = std::lower_bound(current_.begin(), current_.end(), entry.at,
                                   [](const QueueEntry& e, int64_t at) { return e.at > at; });
  current_.insert(position, entry);
}

void EventQueue::append(const QueueEntry& entry) {
  const uint32_t index = bucket_index(entry.at);
  Bucket& bucket = buckets_[index];
  uint8_t& count = tail_counts_[index];
  if (bucket.tail == nullptr || count == kChunkEntries) {
    Chunk* chunk = take_chunk();
    if (bucket.tail == nullptr) {
      bucket.head = chunk;
      occupied_[index / 64] |= uint64_t{1} << (index % 64);
    } else {
      bucket.tail->next = chunk;
    }
    bucket.tail = chunk;
    count = 0;
  }
  bucket.tail->entries[count++] = entry;
  ++wheel_size_;
}

EventQueue::Chunk* EventQueue::take_chunk() {
  if (free_chunks_ == nullptr) {
    chunks_.push_back(std::make_unique<Chunk>());
    return chunks_.back().get();
  }
  Chunk* chunk = free_chunks_;
  free_chunks_ = chunk->next;
  chunk->next = nullptr;
  return chunk;
}

QueueEntry EventQueue::pop() {
  EDGESIM_ASSERT(size_ > 0, "pop from an empty queue");
  if (current_.empty()) refill();
  const QueueEntry entry = current_.back();
  current_.pop_back();
  --size_;
  last_popped_at_ = entry.at;
  return entry;
}

int64_t EventQueue::peek_time() {
  EDGESIM_ASSERT(size_ > 0);
  if (current_.empty()) refill();
  return current_.back().at;
}

void EventQueue::refill() {
  if (wheel_size_ > 0) {
    // The next non-empty bucket after the current one; the bitmap skips empty words at once.
    const uint32_t start = bucket_index(base_);
    for (uint32_t step = 1; step < kBuckets;) {
      const uint32_t index = (start + step) & (kBuckets - 1);
      const uint64_t word = occupied_[index / 64] >> (index % 64);
      if (word == 0) {
        step += 64 - index % 64;
        continue;
      }
      step += static_cast<uint32_t>(std::countr_zero(word));
      base_ += kBucketWidthNs * step;
      migrate_overflow();
      load_bucket(bucket_index(base_));
      EDGESIM_ASSERT(!current_.empty(), "an occupied bucket was empty");
      return;
    }
    EDGESIM_ASSERT(false, "{} entries in the wheel but no occupied bucket", wheel_size_);
  }
  // The wheel is empty: jump to the earliest overflow entry.
  EDGESIM_ASSERT(!overflow_.empty(), "queue of size {} has nothing to pop", size_);
  base_ = overflow_.front().entry.at & ~(kBucketWidthNs - 1);
  migrate_overflow();
  EDGESIM_ASSERT(!current_.empty());
}

void EventQueue::migrate_overflow() {
  while (!overflow_.empty() && overflow_.front().entry.at < horizon_end()) {
    const QueueEntry entry = overflow_pop();
    if (entry.at < base_ + kBucketWidthNs) {
      insert_current(entry);
    } else {
      append(entry);
    }
  }
}

void EventQueue::load_bucket(uint32_t index) {
  Bucket& bucket = buckets_[index];
  if (bucket.head == nullptr) return;
  const size_t first = current_.size();
  for (Chunk* chunk = bucket.head; chunk != nullptr;) {
    const uint32_t count = chunk == bucket.tail ? tail_counts_[index] : kChunkEntries;
    current_.insert(current_.end(), chunk->entries.begin(), chunk->entries.begin() + count);
    wheel_size_ -= count;
    Chunk* next = chunk->next;
    chunk->next = free_chunks_;
    free_chunks_ = chunk;
    chunk = next;
  }
  bucket = Bucket{};
  occupied_[index / 64] &= ~(uint64_t{1} << (index % 64));
  EDGESIM_ASSERT(first == 0, "a bucket loads only into an empty current bucket");
  sort_current();
}

void EventQueue::sort_current() {
  // Every entry is within [base_, base_ + kBucketWidthNs), so its offset has kBucketWidthLog2 bits:
  // a two-pass LSD radix sort orders them in linear time, stably (equal times keep insertion
  // order). Reversing then puts the earliest, first-inserted entry at the back for pop().
  static_assert(kBucketWidthLog2 <= 2 * kRadixBits, "two radix passes must cover a bucket");
  const size_t n = current_.size();
  if (n <= kInsertionSortMax) {
    // Few entries (the common case outside message storms): a stable insertion sort, which costs
    // less than the radix passes' fixed work of clearing and summing 2 x 512 counters.
    for (size_t i = 0; i < n; ++i) {
      const QueueEntry entry = current_[i];
      EDGESIM_ASSERT(
          static_cast<uint64_t>(entry.at - base_) < static_cast<uint64_t>(kBucketWidthNs),
          "entry outside its bucket");
      size_t j = i;
      for (; j > 0 && current_[j - 1].at > entry.at; --j) current_[j] = current_[j - 1];
      current_[j] = entry;
    }
    std::reverse(current_.begin(), current_.end());
    return;
  }
  scratch_.resize(n);
  std::array<uint32_t, kRadixSize> low{}, high{};
  for (const QueueEntry& e : current_) {
    const auto offset = static_cast<uint64_t>(e.at - base_);
    EDGESIM_ASSERT(offset < static_cast<uint64_t>(kBucketWidthNs), "entry outside its bucket");
    ++low[offset & (kRadixSize - 1)];
    ++high[offset >> kRadixBits];
  }
  uint32_t low_sum = 0, high_sum = 0;
  for (uint32_t d = 0; d < kRadixSize; ++d) {
    low_sum += std::exchange(low[d], low_sum);
    high_sum += std::exchange(high[d], high_sum);
  }
  for (const QueueEntry& e : current_) {
    scratch_[low[static_cast<uint64_t>(e.at - base_) & (kRadixSize - 1)]++] = e;
  }
  for (const QueueEntry& e : scratch_) {
    current_[high[static_cast<uint64_t>(e.at - base_) >> kRadixBits]++] = e;
  }
  std::reverse(current_.begin(), current_.end());
}

void EventQueue::overflow_push(const QueueEntry& entry) {
  const OverflowEntry item{entry, overflow_seq_++};
  size_t hole = overflow_.size();
  overflow_.push_back(item);
  auto earlier = [](const OverflowEntry& a, const OverflowEntry& b) {
    return a.entry.at < b.entry.at || (a.entry.at == b.entry.at && a.seq < b.seq);
  };
  while (hole > 0) {
    const size_t parent = (hole - 1) / 4;
    if (!earlier(item, overflow_[parent])) break;
    overflow_[hole] = overflow_[parent];
    hole = parent;
  }
  overflow_[hole] = item;
}

QueueEntry EventQueue::overflow_pop() {
  auto earlier = [](const OverflowEntry& a, const OverflowEntry& b) {
    return a.entry.at < b.entry.at || (a.entry.at == b.entry.at && a.seq < b.seq);
  };
  const QueueEntry top = overflow_.front().entry;
  const OverflowEntry last = overflow_.back();
  overflow_.pop_back();
  const size_t size = overflow_.size();
  size_t hole = 0;
  while (size > 0) {
    const size_t first = hole * 4 + 1;
    if (first >= size) break;
    size_t best = first;
    for (size_t child = first + 1; child < std::min(first + 4, size); ++child) {
      if (earlier(overflow_[child], overflow_[best])) best = child;
    }
    if (!earlier(overflow_[best], last)) break;
    overflow_[hole] = overflow_[best];
    hole = best;
  }
  if (size > 0) overflow_[hole] = last;
  return top;
}

}  // namespace edgesim

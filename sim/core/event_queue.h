#pragma once
// EventQueue: the pending-event set of the EventLoop, a calendar queue (timing wheel) specialized
// for simulated time, which only moves forward.
//
// Order: by time, ties in insertion order (the "seq" of DESIGN.md is implicit: it is the position
// in which an entry was pushed). Structure:
//   - a wheel of kBuckets buckets, each covering kBucketWidthNs of time; bucket contents are
//     chains of fixed-size chunks from a shared free list, so memory follows the pending count
//     with no per-bucket slack (at most one partly filled chunk per non-empty bucket);
//   - the current bucket, copied out and sorted once when time reaches it, consumed from the back;
//     entries pushed into the current bucket's span are inserted in place (they are rare: they are
//     zero-delay events);
//   - an overflow heap for entries beyond the wheel's horizon, moved into the wheel as it turns
//     (eagerly, so they always precede later direct pushes with the same time).
// Chosen by measurement against a 4-ary heap and std::priority_queue: see docs/performance.md.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace edgesim {

// 24 bytes: time, payload handle, target, kind, tag.
struct QueueEntry {
  int64_t at;
  uint64_t payload;
  uint32_t target;
  uint16_t kind;
  uint16_t aux;
};
static_assert(sizeof(QueueEntry) == 24, "queue entries must stay small");

class EventQueue {
 public:
  static constexpr int kBucketWidthLog2 = 18;  // 262 us per bucket
  static constexpr int64_t kBucketWidthNs = int64_t{1} << kBucketWidthLog2;
  static constexpr uint32_t kBuckets = 4096;     // horizon = 4096 * 262 us = 1.07 s
  static constexpr uint32_t kChunkEntries = 16;  // fits tail_counts_'s uint8_t
  static constexpr int kRadixBits = 9;
  static constexpr uint32_t kRadixSize = 1u << kRadixBits;
  static constexpr size_t kInsertionSortMax = 48;  // buckets this small skip the radix sort

  EventQueue();
  ~EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // at must be >= the time of the last popped entry.
  void push(const QueueEntry& entry);
  // The earliest entry (ties: first pushed). The queue must not be empty.
  QueueEntry pop();
  // Time of the earliest entry; the queue must not be empty.
  int64_t peek_time();
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // Bytes held for pending entries (chunks, the current bucket, the overflow heap).
  size_t memory_bytes() const;

 private:
  // A chunk's entries are full but for a bucket's tail chunk, whose count is tail_counts_[bucket]:
  // an append then touches the bucket and the entry's line, not a third for a count in the chunk
  // (appends land in buckets all over the wheel, so each line touched is likely a cache miss).
  struct Chunk {
    std::array<QueueEntry, kChunkEntries> entries;
    Chunk* next = nullptr;
  };
  struct Bucket {
    Chunk* head = nullptr;
    Chunk* tail = nullptr;
  };
  struct OverflowEntry {
    QueueEntry entry;
    uint64_t seq;  // insertion order, for ties inside the overflow heap
  };

  uint32_t bucket_index(int64_t at) const {
    return static_cast<uint32_t>(static_cast<uint64_t>(at) >> kBucketWidthLog2) & (kBuckets - 1);
  }
  int64_t horizon_end() const { return base_ + kBucketWidthNs * kBuckets; }
  void append(const QueueEntry& entry);
  void insert_current(const QueueEntry& entry);
  void refill();
  void load_bucket(uint32_t index);
  void sort_current();
  void migrate_overflow();
  Chunk* take_chunk();
  void overflow_push(const QueueEntry& entry);
  QueueEntry overflow_pop();

  std::vector<Bucket> buckets_;
  std::vector<uint8_t> tail_counts_;  // entries in each bucket's tail chunk
  std::vector<uint64_t> occupied_;    // bitmap of non-empty buckets
  std::vector<QueueEntry> current_;   // the current bucket, sorted descending (next at back)
  std::vector<QueueEntry> scratch_;   // radix sort buffer
  int64_t base_ = 0;                  // start time of the current bucket
  int64_t last_popped_at_ = 0;
  std::vector<OverflowEntry> overflow_;  // 4-ary min-heap by (at, seq)
  uint64_t overflow_seq_ = 0;
  std::vector<std::unique_ptr<Chunk>> chunks_;  // owns every chunk
  Chunk* free_chunks_ = nullptr;
  size_t wheel_size_ = 0;  // entries in buckets (not current, not overflow)
  size_t size_ = 0;
};

}  // namespace edgesim

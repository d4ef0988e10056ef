#include "sim/core/event_queue.h"

#include <gtest/gtest.h>

#include <map>

#include "sim/core/prng.h"

namespace edgesim {
namespace {

// Reference model: a multimap keeps equal times in insertion order.
class Reference {
 public:
  void push(int64_t at, uint64_t id) { entries_.emplace(at, id); }
  std::pair<int64_t, uint64_t> pop() {
    auto it = entries_.begin();
    const auto result = *it;
    entries_.erase(it);
    return result;
  }
  bool empty() const { return entries_.empty(); }

 private:
  std::multimap<int64_t, uint64_t> entries_;
};

// Interleaves pushes and pops with delays drawn from `max_delay` scales, checking every pop
// against the reference. Covers ties, zero delays (into the current bucket), far-future entries
// (the overflow heap) and long idle gaps (jumps over empty buckets).
void check_against_reference(uint64_t seed, int64_t max_delay, int operations) {
  EventQueue queue;
  Reference reference;
  Prng prng(seed);
  int64_t now = 0;
  uint64_t next_id = 0;
  for (int i = 0; i < operations; ++i) {
    if (reference.empty() || prng.bernoulli(0.55)) {
      int64_t delay = 0;
      switch (prng.uniform(5)) {
        case 0:
          delay = 0;
          break;
        case 1:
          delay = prng.uniform_int(0, 1000);
          break;
        case 2:
          delay = prng.uniform_int(0, max_delay);
          break;
        case 3:
          delay = prng.uniform_int(0, 20) * 1'000'000;
          break;  // many ties
        default:
          delay = prng.uniform_int(0, 5) * max_delay * 10;
          break;  // past the horizon
      }
      queue.push(QueueEntry{now + delay, next_id, 0, 0, 0});
      reference.push(now + delay, next_id);
      ++next_id;
    } else {
      const auto [at, id] = reference.pop();
      const QueueEntry entry = queue.pop();
      ASSERT_EQ(entry.at, at) << "operation " << i;
      ASSERT_EQ(entry.payload, id) << "operation " << i;
      now = at;
    }
  }
  while (!reference.empty()) {
    const auto [at, id] = reference.pop();
    const QueueEntry entry = queue.pop();
    ASSERT_EQ(entry.at, at);
    ASSERT_EQ(entry.payload, id);
  }
  EXPECT_TRUE(queue.empty());
}

TEST(EventQueue, MatchesTheReferenceAtMicrosecondScales) {
  check_against_reference(1, 50'000, 200'000);
}
TEST(EventQueue, MatchesTheReferenceAtMillisecondScales) {
  check_against_reference(2, 5'000'000, 200'000);
}
TEST(EventQueue, MatchesTheReferenceAtSecondScales) {
  check_against_reference(3, 2'000'000'000, 200'000);
}

TEST(EventQueue, PeekThenEarlierPushStaysOrdered) {
  EventQueue queue;
  queue.push(QueueEntry{10'000'000'000, 1, 0, 0, 0});  // beyond the horizon
  EXPECT_EQ(queue.peek_time(), 10'000'000'000);        // moves the window to it
  queue.push(QueueEntry{5, 2, 0, 0, 0});
  queue.push(QueueEntry{5, 3, 0, 0, 0});
  EXPECT_EQ(queue.pop().payload, 2u);
  EXPECT_EQ(queue.pop().payload, 3u);
  EXPECT_EQ(queue.pop().payload, 1u);
}

TEST(EventQueue, MemoryFollowsThePendingCount) {
  EventQueue queue;
  Prng prng(4);
  for (uint64_t i = 0; i < 100'000; ++i)
    queue.push(QueueEntry{prng.uniform_int(1'000'000, 5'000'000), i, 0, 0, 0});
  // Chunks hold 24-byte entries; partly filled chunks (one per bucket) are the only slack.
  EXPECT_LT(double(queue.memory_bytes()) / 100'000, 32.0);
}

}  // namespace
}  // namespace edgesim

#include "sim/cli/seed_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace edgesim {

std::vector<RunResult> run_seeds(const Scenario& scenario, const std::vector<uint64_t>& seeds,
                                 const EngineRegistry& engines, unsigned jobs, bool keep_history,
                                 const ProgressCallback& progress, const SeedTimeout& timeout) {
  using Clock = std::chrono::steady_clock;
  std::vector<RunResult> results(seeds.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;
  std::condition_variable changed;
  size_t done = 0;
  size_t failed = 0;
  std::exception_ptr error;
  std::map<size_t, Clock::time_point> running;  // seed index -> when it started
  auto worker = [&] {
    for (;;) {
      const size_t index = next.fetch_add(1);
      if (index >= seeds.size()) return;
      {
        const std::lock_guard<std::mutex> lock(mutex);
        running[index] = Clock::now();
      }
      try {
        results[index] =
            run_scenario(scenario, seeds[index], engines, RunOptions{.keep_history = keep_history});
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        next = seeds.size();
      }
      const std::lock_guard<std::mutex> lock(mutex);
      running.erase(index);
      ++done;
      if (!results[index].ok) ++failed;
      changed.notify_one();
    }
  };
  const unsigned threads = std::max(1u, std::min<unsigned>(jobs, unsigned(seeds.size())));
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lock(mutex);
    size_t reported = 0;
    const auto news = [&] { return done > reported || error; };
    // Clamped to 30 years: a larger --timeout (1e300, inf) would overflow the clock's ticks.
    const auto bound = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::min(timeout.seconds, 1e9)));
    while (done < seeds.size() && !error) {
      if (timeout.seconds <= 0) {
        changed.wait(lock, news);
      } else if (!changed.wait_for(lock, std::chrono::milliseconds(20), news)) {
        for (const auto& [index, since] : running) {
          if (Clock::now() - since <= bound) continue;
          const uint64_t seed = seeds[index];
          lock.unlock();
          timeout.expired(seed);
          std::abort();  // expired() must not return; see SeedTimeout
        }
        continue;
      }
      reported = done;
      if (progress) progress(done, seeds.size(), failed);
    }
  }
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return results;
}

}  // namespace edgesim

#include "sim/cli/seed_pool.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace edgesim {

std::vector<RunResult> run_seeds(const Scenario& scenario, const std::vector<uint64_t>& seeds,
                                 const EngineRegistry& engines, unsigned jobs, bool keep_history,
                                 const ProgressCallback& progress) {
  std::vector<RunResult> results(seeds.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;
  std::condition_variable changed;
  size_t done = 0;
  size_t failed = 0;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      const size_t index = next.fetch_add(1);
      if (index >= seeds.size()) return;
      try {
        results[index] = run_scenario(scenario, seeds[index], engines, RunOptions{keep_history});
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        next = seeds.size();
      }
      const std::lock_guard<std::mutex> lock(mutex);
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
    while (done < seeds.size() && !error) {
      changed.wait(lock, [&] { return done > reported || error; });
      reported = done;
      if (progress) progress(done, seeds.size(), failed);
    }
  }
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return results;
}

}  // namespace edgesim

// Linearizability checker benchmark (issue families, fixed seed), written to a JSON report:
//   a  Jepsen-etcd-like single registers: ~80 ops, 15-20 processes, values 0-4, read/write/cas,
//      up to 20 ops pending (info) at the end; 100 histories, a quarter with one corrupted read
//   b  kv: 10 keys, 50 clients, 1,700 ops of read/write/append; 20 histories, a quarter corrupted
//   c  kv: 1,000,000 ops over 1,000 keys from a linearizable store with unique written values
// Times are the checking alone (no parsing), on one core. Baselines measured in the same run: for a
// and b the plain Wing-Gong/Lowe search with memoization (Knossos' and Porcupine's algorithm, 60 s
// budget each); for c the shipped search without the unique-values path (120 s budget).
// Exits 1 if a history generated without corruption is not judged ok (the generator's histories
// are linearizable by construction), so the benchmark also checks the checker.
//
//   edgesim_bench_checker OUT.json [--quick]   (--quick: fewer and smaller histories, for ctest)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "sim/check/linearizability.h"
#include "tests/bench/history_families.h"

namespace edgesim {
namespace {

struct Timing {
  double elapsed_ms = 0;
  Verdict verdict = Verdict::kOk;
};

// The checker as shipped, or a baseline: the plain Wing-Gong/Lowe search with memoization (the
// algorithm of Knossos and Porcupine) without the unique-values path and the search's prunings.
enum class Checker { kShipped, kPlainSearch, kSearchWithoutUniqueValues };

Timing time_check(const History& history, Checker checker, double budget_s = 600) {
  LinearizabilityOptions options;
  options.unique_values_fast_path = checker == Checker::kShipped;
  options.search_pruning = checker != Checker::kPlainSearch;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(budget_s);
  options.should_stop = [&] { return std::chrono::steady_clock::now() > deadline; };
  const LinearizabilityResult result = check_linearizability(history, options);
  return {
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
      result.verdict};
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, size_t(p / 100.0 * double(values.size())))];
}

// Checks `count` histories of `family`; corrupts every fourth. Fails loudly on a wrong verdict.
Value run_family(const std::string& name, HistoryFamily family, int count, int min_processes,
                 int max_processes, bool& wrong) {
  Prng prng(20261122);
  std::vector<double> times, baseline;
  int ok = 0, illegal = 0, unknown = 0, total_ops = 0;
  for (int i = 0; i < count; ++i) {
    family.processes = int(prng.uniform_int(min_processes, max_processes));
    family.corrupt_one_read = i % 4 == 3;
    const History history = generate_history(family, prng);
    total_ops += int(history.size());
    const Timing timing = time_check(history, Checker::kShipped);
    times.push_back(timing.elapsed_ms);
    baseline.push_back(time_check(history, Checker::kPlainSearch, 60).elapsed_ms);
    (timing.verdict == Verdict::kOk        ? ok
     : timing.verdict == Verdict::kIllegal ? illegal
                                           : unknown) += 1;
    if (!family.corrupt_one_read && timing.verdict != Verdict::kOk) {
      std::fprintf(stderr, "family %s history %d: a linearizable history judged %s\n", name.c_str(),
                   i, verdict_name(timing.verdict));
      wrong = true;
    }
  }
  const double median = percentile(times, 50), base_median = percentile(baseline, 50);
  std::printf(
      "%s: %d histories, median %.3f ms, p99 %.3f ms, max %.3f ms (ok %d, illegal %d, unknown %d); "
      "plain search median %.3f ms\n",
      name.c_str(), count, median, percentile(times, 99), percentile(times, 100), ok, illegal,
      unknown, base_median);
  return {{"histories", count},
          {"mean_ops", total_ops / count},
          {"median_ms", median},
          {"p99_ms", percentile(times, 99)},
          {"max_ms", percentile(times, 100)},
          {"ok", ok},
          {"illegal", illegal},
          {"unknown", unknown},
          {"baseline_median_ms", base_median},
          {"baseline_max_ms", percentile(baseline, 100)},
          {"ratio_median_to_baseline", base_median > 0 ? median / base_median : 0.0}};
}

Value run_big_history(int ops, bool& wrong) {
  HistoryFamily family;
  family.keys = 1000;
  family.processes = 200;
  family.ops = ops;
  family.value_domain = 0;
  family.pending_at_end_max = 20;
  Prng prng(20261122);
  const History history = generate_history(family, prng);
  const double rss_before = peak_rss_mib();
  const Timing fast = time_check(history, Checker::kShipped);
  const double rss_after = peak_rss_mib();
  const Timing search = time_check(history, Checker::kSearchWithoutUniqueValues, 120);
  if (fast.verdict != Verdict::kOk) {
    std::fprintf(stderr, "family c: a linearizable history judged %s\n",
                 verdict_name(fast.verdict));
    wrong = true;
  }
  std::printf(
      "c: %d ops, %.1f ms (%s), peak RSS %.0f MiB (%.0f MiB with the history alone); general "
      "search "
      "%.1f ms (%s)\n",
      ops, fast.elapsed_ms, verdict_name(fast.verdict), rss_after, rss_before, search.elapsed_ms,
      verdict_name(search.verdict));
  return {{"ops", ops},
          {"keys", family.keys},
          {"clients", family.processes},
          {"elapsed_ms", fast.elapsed_ms},
          {"result", verdict_name(fast.verdict)},
          {"peak_rss_mib", rss_after},
          {"peak_rss_mib_before_checking", rss_before},
          {"baseline_elapsed_ms", search.elapsed_ms},
          {"baseline_result", verdict_name(search.verdict)},
          {"ratio_to_baseline", search.elapsed_ms > 0 ? fast.elapsed_ms / search.elapsed_ms : 0.0}};
}

}  // namespace
}  // namespace edgesim

int main(int argc, char** argv) {
  using namespace edgesim;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.json [--quick]\n", argv[0]);
    return 2;
  }
  const bool quick = argc > 2 && std::string(argv[2]) == "--quick";
  bool wrong = false;
  HistoryFamily etcd;  // a
  etcd.ops = 80;
  etcd.pending_at_end_max = 20;
  etcd.cas_weight = 1;
  etcd.value_domain = 5;
  HistoryFamily kv;  // b
  kv.keys = 10;
  kv.ops = 1700;
  kv.append_weight = 1;
  kv.value_domain = 10;
  kv.pending_at_end_max = 10;
  Value report = {
      {"benchmark",
       "linearizability checker, generated histories (tests/bench/history_families.h), seed "
       "20261122"},
      {"command", "scripts/bench"},
      {"targets",
       {{"a", "median <= 1 ms, worst <= 20 ms over 100 histories"},
        {"b", "<= 30 ms"},
        {"c", "<= 10 s and <= 2 GiB"}}},
      {"reference",
       "Porcupine: up to ~200 ms on the hardest Jepsen etcd histories, ~300 ms on 50-client kv"}};
  report["a_etcd_register"] = run_family("a", etcd, quick ? 8 : 100, 15, 20, wrong);
  report["b_kv_50_clients"] = run_family("b", kv, quick ? 4 : 20, 50, 50, wrong);
  report["c_kv_1m_unique"] = run_big_history(quick ? 20'000 : 1'000'000, wrong);
  const Value& a = report["a_etcd_register"];
  const Value& b = report["b_kv_50_clients"];
  const Value& c = report["c_kv_1m_unique"];
  report["targets_met"] = {
      {"a", a["median_ms"].get<double>() <= 1 && a["max_ms"].get<double>() <= 20},
      {"b", b["max_ms"].get<double>() <= 30},
      {"c", c["elapsed_ms"].get<double>() <= 10'000 && c["peak_rss_mib"].get<double>() <= 2048}};
  std::printf("targets met: %s\n", report["targets_met"].dump().c_str());
  std::ofstream(argv[1]) << report.dump(2) << "\n";
  return wrong ? 1 : 0;
}

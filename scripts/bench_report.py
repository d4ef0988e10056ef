"""Turns Google Benchmark output into the reports under reports/bench/.

  bench_report.py engine RAW OUT   (tests/bench/engine_bench.cc) for each (nodes, in_flight):
      simulator msgs/s, ns/message, bytes per pending event, the bare std::priority_queue loop's
      msgs/s from the same run, and their ratio.
  bench_report.py engines RAW OUT  (tests/bench/engines_bench.cc) per engine: simulated client ops
      per wall second, its ratio to the harness-only baseline (bench.noop) from the same run,
      replication metadata bytes per op, and whether it meets the 1 M ops/s target; simulated
      seconds per wall second and client ops per simulated second (an engine whose clients wait
      on round trips completes fewer ops per simulated second, whatever it costs); and the
      push-to-all reference (bench.broadcast) with its ratio to the harness; engines run with one
      scenario override (BM_Engine/ENGINE@PATH=VALUE, e.g. a non-default engine parameter or one
      shared document) are listed apart as other_configurations.
Prints a table either way.
"""
import json
import re
import sys


def engines_report(raw_path, out_path):
    raw = json.load(open(raw_path))
    rows = []
    for bench in raw["benchmarks"]:
        if bench.get("run_type") == "aggregate" and bench.get("aggregate_name") != "median":
            continue
        match = re.match(r"BM_Engine/([\w.]+)(?:@([\w.]+=[\w.]+))?", bench["name"])
        if match:
            rows.append({"engine": match.group(1), "param": match.group(2),
                         "client_ops_per_wall_s": round(bench["client_ops_per_s"]),
                         "simulated_s_per_wall_s": round(bench["simulated_s_per_s"], 1),
                         "client_ops_per_simulated_s": round(bench["client_ops_per_simulated_s"]),
                         "metadata_bytes_per_op": round(bench["metadata_bytes_per_op"], 2)})
    baseline = next((r for r in rows if r["engine"] == "bench.noop"), None)
    floor = next((r for r in rows if r["engine"] == "bench.broadcast"), None)
    engines = [r for r in rows if not r["engine"].startswith("bench.") and not r["param"]]
    configurations = [r for r in rows if r["param"]]
    if baseline and floor:
        floor["ratio_to_harness_baseline"] = round(floor["client_ops_per_wall_s"] / baseline["client_ops_per_wall_s"], 3)
    target = 1_000_000
    for r in engines + [baseline, floor]:
        if r:
            del r["param"]  # defaults: only the configurations carry one
    for r in engines + configurations:
        r["meets_1m_target"] = r["client_ops_per_wall_s"] >= target
        if baseline:
            r["ratio_to_harness_baseline"] = round(r["client_ops_per_wall_s"] / baseline["client_ops_per_wall_s"], 3)
    report = {
        "benchmark": "9 PoPs (3 regions), 45 clients x 100 ops/s, 100 keys, 5 s simulated, no faults; "
                     "each engine with its data type's default op mix and default parameters",
        "baseline": "bench.noop: answers every op at once and never replicates (the harness alone), same run",
        "target_client_ops_per_wall_s": target,
        "command": "scripts/bench",
        "harness_baseline": baseline,
        "push_to_all_reference": floor,
        "push_to_all_reference_is": "bench.broadcast: bench.noop plus one small message per update to every peer, "
                                    "dropped on receipt (the harness and the network: the ceiling for an engine "
                                    "that pushes every write to every replica), same run",
        "engines": engines,
        "targets_met": bool(engines) and all(r["meets_1m_target"] for r in engines),
        "other_configurations": configurations,
        "other_configurations_are": "engines run with one scenario override (`param`: path=value); "
                                    "not counted in targets_met",
        "rates_are": "client_ops_per_wall_s = simulated_s_per_wall_s x client_ops_per_simulated_s: how fast "
                     "simulated time passes, times how many ops the clients complete in a simulated second "
                     "(clients issue one op at a time, so an engine that answers after a round trip "
                     "completes fewer)",
    }
    with open(out_path, "w") as out:
        json.dump(report, out, indent=2)
        out.write("\n")
    print(f"{'engine':>36} {'client ops/s (wall)':>20} {'vs harness':>11} {'sim s/s':>8} "
          f"{'ops/sim s':>10} {'metadata B/op':>14}")
    for r in [r for r in (baseline, floor) if r] + engines + configurations:
        ratio = r.get("ratio_to_harness_baseline", 1.0)
        name = r["engine"] + (f" ({r['param']})" if r.get("param") else "")
        print(f"{name:>36} {r['client_ops_per_wall_s']:>20,} {ratio:>11} {r['simulated_s_per_wall_s']:>8} "
              f"{r['client_ops_per_simulated_s']:>10,} {r['metadata_bytes_per_op']:>14}")
    print(f"wrote {out_path}")


def main(raw_path, out_path):
    raw = json.load(open(raw_path))
    runs = {}
    for bench in raw["benchmarks"]:
        if bench.get("run_type") == "aggregate" and bench.get("aggregate_name") != "median":
            continue
        match = re.match(r"BM_(\w+)/nodes:(\d+)/in_flight:(\d+)", bench["name"])
        if not match:
            continue
        kind, nodes, in_flight = match.group(1), int(match.group(2)), int(match.group(3))
        runs[(kind, nodes, in_flight)] = bench
    sizes = []
    for (kind, nodes, in_flight), sim in sorted(runs.items()):
        if kind != "Simulator":
            continue
        bare = runs.get(("BareHeap", nodes, in_flight))
        sim_rate = sim["items_per_second"]
        entry = {
            "nodes": nodes,
            "in_flight": in_flight,
            "msgs_per_s": round(sim_rate),
            "ns_per_msg": round(1e9 / sim_rate, 1),
            "bytes_per_pending_event": round(sim["bytes_per_pending"], 1),
            "queue_bytes_per_pending_event": round(sim["queue_bytes_per_pending"], 1),
        }
        if bare:
            entry["bare_heap_msgs_per_s"] = round(bare["items_per_second"])
            entry["ratio_to_bare_heap"] = round(sim_rate / bare["items_per_second"], 2)
        sizes.append(entry)
    report = {
        "benchmark": "gossip: N nodes, each delivery sends one message to a random peer, "
                     "uniform 1-5 ms latency, 1% loss (re-sent), through Network + EventLoop + TraceHash",
        "baseline": "bare std::priority_queue loop doing the same gossip, same run",
        "command": "scripts/bench",
        "context": {k: raw["context"].get(k) for k in ("date", "host_name", "num_cpus", "mhz_per_cpu")},
        "sizes": sizes,
    }
    with open(out_path, "w") as out:
        json.dump(report, out, indent=2)
        out.write("\n")
    print(f"{'nodes':>6} {'in flight':>10} {'msgs/s':>12} {'ns/msg':>8} {'B/pending':>10} {'queue B':>8} {'bare msgs/s':>12} {'ratio':>6}")
    for s in sizes:
        print(f"{s['nodes']:>6} {s['in_flight']:>10} {s['msgs_per_s']:>12,} {s['ns_per_msg']:>8} "
              f"{s['bytes_per_pending_event']:>10} {s['queue_bytes_per_pending_event']:>8} "
              f"{s.get('bare_heap_msgs_per_s', 0):>12,} {s.get('ratio_to_bare_heap', 0):>6}")
    print(f"wrote {out_path}")


if __name__ == "__main__":
    kind, raw, out = sys.argv[1:4]
    (main if kind == "engine" else engines_report)(raw, out)

"""scripts/bench_report.py on a short real run of the engines benchmark: the report scripts/bench
writes (reports/bench/engines.json) keeps its fields, and its rates agree with one another."""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BENCH = pathlib.Path(os.environ.get(
    "EDGESIM_BENCH_ENGINES", ROOT / "build" / "release" / "tests" / "bench" / "edgesim_bench_engines"))


def test_engines_report_rates_agree(tmp_path):
    assert BENCH.exists(), f"build the benchmarks first (scripts/build): {BENCH}"
    raw = tmp_path / "raw.json"
    out = tmp_path / "engines.json"
    subprocess.run([str(BENCH), "--benchmark_filter=BM_Engine/(bench.noop|bench.broadcast|crdt.lww_map|delta_sync)/",
                    "--benchmark_min_time=0.01", f"--benchmark_out={raw}", "--benchmark_out_format=json"],
                   check=True, capture_output=True, timeout=300)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_report.py"), "engines", str(raw), str(out)],
                   check=True, capture_output=True, timeout=60)
    report = json.loads(out.read_text())

    baseline = report["harness_baseline"]
    assert baseline["engine"] == "bench.noop"
    assert report["push_to_all_reference"]["engine"] == "bench.broadcast"
    assert [r["engine"] for r in report["engines"]] == ["crdt.lww_map", "delta_sync"]
    assert report["targets_met"] == all(r["meets_1m_target"] for r in report["engines"])
    for row in [baseline, report["push_to_all_reference"]] + report["engines"]:
        ops = row["client_ops_per_wall_s"]
        product = row["simulated_s_per_wall_s"] * row["client_ops_per_simulated_s"]
        # Only rounding separates them (simulated seconds are rounded to 0.1).
        assert abs(product - ops) <= 0.01 * ops, row
    for row in report["engines"]:
        assert row["meets_1m_target"] == (row["client_ops_per_wall_s"] >= 1_000_000)
        ratio = row["client_ops_per_wall_s"] / baseline["client_ops_per_wall_s"]
        assert abs(row["ratio_to_harness_baseline"] - ratio) <= 0.001, row
    # The benchmark's clients issue 45 x 100 ops/s for 4 of its 5 simulated seconds; delta_sync's
    # wait for the authority on writes, so they complete fewer.
    rows = {r["engine"]: r for r in report["engines"]}
    assert 3000 < baseline["client_ops_per_simulated_s"] < 4200
    assert rows["delta_sync"]["client_ops_per_simulated_s"] < 0.6 * baseline["client_ops_per_simulated_s"]

"""scripts/compare_engines.py (behind scripts/compare): one scenario, several engines, one table."""
import json
import os
import pathlib
import subprocess
import sys

from conftest import ROOT

EDGESIM = os.environ.get("EDGESIM_BIN", str(ROOT / "build" / "release" / "edgesim"))
COMPARE = ROOT / "scripts" / "compare_engines.py"


def compare(*args):
    return subprocess.run([sys.executable, str(COMPARE), EDGESIM, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_inventory_authority_against_local_first_counters(tmp_path):
    out = tmp_path / "compare.json"
    reads_at_authority = '{name: delta_sync, params: {authorities: "0", reads: authority, max_value: 40}}'
    result = compare("scenarios/inventory.yaml", "--seeds", "1..3", "--engine", "scenario",
                     "--engine", "crdt.pn_counter", "--engine", reads_at_authority, "--json", out)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| engine | seeds passed | failed checks (seeds) |")
    assert len(lines) == 5  # header, rule, one row per engine
    authority, local_first, authority_reads = json.loads(out.read_text())["engines"]
    assert authority["engine"] == "scenario: delta_sync" and local_first["engine"] == "crdt.pn_counter"
    # The authority never oversells and refuses sales instead; the counters oversell on every seed
    # but answer at once.
    assert authority["seeds_passed"] == 3 and authority["failed_checks"] == {}
    assert authority["failed_ops"] > 0
    assert local_first["seeds_passed"] == 0 and local_first["failed_checks"] == {"bounds": 3}
    assert local_first["failed_ops"] == 0
    assert local_first["write_p99_ns"] < authority["write_p99_ns"]
    assert authority["lost_writes"] == 0 and local_first["lost_writes"] == 0
    assert authority["metadata_bytes_per_replica_max"] > 0 and local_first["metadata_bytes_per_replica_max"] > 0
    assert "`crdt.pn_counter` | 0 of 3 | bounds (3) |" in lines[3]
    # A YAML map configures the engine fully: reads that go to the authority are slower (local
    # reads wait only on a product an edge has not heard of yet).
    assert authority_reads["engine"] == reads_at_authority and authority_reads["seeds_passed"] == 3
    assert authority_reads["read_p50_ns"] > 1.5 * authority["read_p50_ns"]
    assert authority_reads["read_p99_ns"] > 2 * authority["read_p99_ns"]


def test_register_patterns_as_docs_patterns_describes_them(tmp_path):
    # docs/patterns.md, "Registers": last-writer-wins loses acknowledged writes under skew, the
    # multi-value register keeps them all (and, without session moves, every session guarantee),
    # the authority keeps everything when read there.
    out = tmp_path / "compare.json"
    checks = ["--set", "checks.no_lost_writes=true", "--set", "checks.session_guarantees=true",
              "--set", "checks.linearizability=true"]
    result = compare("scenarios/quickstart.yaml", "--seeds", "1..3", *checks, "--engine", "scenario",
                     "--engine", "crdt.mv_register", "--engine", "delta_sync",
                     "--engine", "{name: delta_sync, params: {reads: authority}}", "--json", out)
    assert result.returncode == 0, result.stderr
    lww, mv, local, authority = json.loads(out.read_text())["engines"]
    assert lww["lost_writes"] > 0 and "no_lost_writes" in lww["failed_checks"]
    assert mv["lost_writes"] == 0 and set(mv["failed_checks"]) == {"linearizability"}
    assert local["lost_writes"] == 0 and set(local["failed_checks"]) == {"linearizability"}
    assert authority["seeds_passed"] == 3 and authority["failed_checks"] == {}
    assert authority["read_p99_ns"] > 10 * local["read_p99_ns"]  # reads cross regions


def test_bad_engine_spec_exits_2_and_names_it(tmp_path):
    out = tmp_path / "compare.json"
    result = compare("scenarios/inventory.yaml", "--seeds", "1..2", "--engine", "crdt.rga", "--json", out)
    assert result.returncode == 2
    assert "engine crdt.rga:" in result.stderr and "text" in result.stderr
    assert not out.exists() and not pathlib.Path(str(out) + ".partial").exists()


def test_a_json_path_without_a_directory_is_refused_before_running(tmp_path):
    out = tmp_path / "missing" / "compare.json"
    result = compare("scenarios/inventory.yaml", "--seeds", "1..2", "--engine", "scenario", "--json", out)
    assert result.returncode == 2, result.stderr  # was a Python traceback after every engine ran
    assert f"--json: cannot write {out}: no directory" in result.stderr
    assert result.stdout == "" and list(tmp_path.iterdir()) == []

"""End-to-end tests of the edgesim CLI contract (DESIGN.md, "CLI contract")."""
import json
import re

from conftest import ROOT

QUICKSTART = "scenarios/quickstart.yaml"


def run_json(edgesim, *args):
    result = edgesim("run", QUICKSTART, "--json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def hashes(summary):
    return {s["seed"]: s["trace_hash"] for s in summary["seeds"]}


def test_json_summary_has_the_documented_shape(edgesim):
    summary = run_json(edgesim, "--seeds", "1..2")
    assert summary["scenario"] == "quickstart"
    assert summary["engine"]["name"] == "lww" and summary["engine"]["params"]["timestamps"] == "wall"
    assert summary["ok"] is True
    assert [s["seed"] for s in summary["seeds"]] == [1, 2]
    for seed in summary["seeds"]:
        assert re.fullmatch(r"[0-9a-f]{16}", seed["trace_hash"])
        assert seed["ok"] is True
        assert set(seed["checks"]) == {"convergence", "lost_updates"}
        assert all(isinstance(c["ok"], bool) for c in seed["checks"].values())
        assert seed["metrics"]["ops"]["total"] > 1000
        assert seed["metrics"]["network"]["dropped_partition"] > 0  # the scheduled partition bit
        assert any("partition" in f["what"] for f in seed["faults"])


def test_replication_metadata_is_reported_per_replica(edgesim):
    result = edgesim("run", "scenarios/collab-text.yaml", "--seed", "1", "--json")
    storage = json.loads(result.stdout)["seeds"][0]["metrics"]["storage"]
    per_replica = storage["metadata_bytes_per_replica"]
    assert 0 < per_replica["mean"] <= per_replica["max"] <= storage["metadata_bytes"]
    replicas = round(storage["metadata_bytes"] / per_replica["mean"])
    assert replicas >= 2 and storage["metadata_bytes"] // replicas == per_replica["mean"]
    text = edgesim("run", "scenarios/collab-text.yaml", "--seed", "1").stdout
    line = next(l for l in text.splitlines() if l.strip().startswith("storage:"))
    assert re.fullmatch(r"storage: replication metadata \d+ (B|KiB) per replica \(max \d+ (B|KiB)\) at the end; "
                        r"durable store \d+ (B|KiB) after \d+ writes", line.strip()), line


def test_staleness_percentiles_are_metrics_when_the_check_is_on(edgesim):
    plain = run_json(edgesim, "--seed", "1")["seeds"][0]
    assert "staleness_ns" not in plain["metrics"]
    judged = run_json(edgesim, "--seed", "1", "--set", "checks.staleness={max_p99: 10s}")["seeds"][0]
    check, metric = judged["checks"]["staleness"], judged["metrics"]["staleness_ns"]
    assert metric["count"] > 500 and 0 < metric["p50"] <= metric["p99"] <= metric["max"]
    assert metric == {k: v for k, v in check.items() if k not in ("ok", "max_p99_ns", "stalest")}
    assert judged["trace_hash"] == plain["trace_hash"]  # measuring does not change the run
    # The stalest read is named: it is as far behind as the maximum.
    stalest = check["stalest"]
    assert stalest["behind_ns"] == metric["max"] and re.fullmatch(r"k\d+", stalest["key"])
    strict = edgesim("run", QUICKSTART, "--seed", "1", "--set", "checks.staleness={max_p99: 1ms}")
    line = next(l for l in strict.stdout.splitlines() if "check staleness" in l)
    begun = re.search(rf"; stalest: op {stalest['op']} on {stalest['key']}, begun at ([\d.]+)s "
                      rf"on {stalest['node']}$", line)
    assert begun and abs(float(begun.group(1)) - stalest["call_ns"] / 1e9) < 1e-3, line


def test_same_seed_same_hash_across_runs_and_jobs(edgesim):
    one = hashes(run_json(edgesim, "--seeds", "1..6", "--jobs", "1"))
    two = hashes(run_json(edgesim, "--seeds", "1..6", "--jobs", "2"))
    again = hashes(run_json(edgesim, "--seeds", "1..6", "--jobs", "2"))
    assert one == two == again
    assert len(set(one.values())) == 6, "different seeds must give different hashes"


def test_single_seed_matches_the_sweep(edgesim):
    sweep = hashes(run_json(edgesim, "--seeds", "3..5"))
    single = hashes(run_json(edgesim, "--seed", "4"))
    assert single == {4: sweep[4]}


def test_shards_partition_the_seeds(edgesim):
    full = hashes(run_json(edgesim, "--seeds", "1..7"))
    first = hashes(run_json(edgesim, "--seeds", "1..7", "--shard", "0/2"))
    second = hashes(run_json(edgesim, "--seeds", "1..7", "--shard", "1/2"))
    assert set(first).isdisjoint(second)
    assert {**first, **second} == full


def test_a_violation_exits_1_and_names_seed_check_and_replay(edgesim):
    result = edgesim("run", QUICKSTART, "--seed", "2", "--set", "clocks.skew=300ms",
                     "--set", "checks.lost_updates.max=0")
    assert result.returncode == 1, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("FAIL seed 2: lost_updates violated")
    assert f"edgesim run {QUICKSTART} --seed 2 --set 'clocks.skew=300ms'" in first
    # The check's line shows one loss: when and where each write was acknowledged.
    line = next(l for l in result.stdout.splitlines() if "check lost_updates" in l)
    assert re.search(r"; e\.g\. op \d+ on k\d+: acked at [\d.]+m?s on [a-z-]+\d, yet op \d+'s write, "
                     r"acked at [\d.]+m?s on [a-z-]+\d before it began, won$", line), line
    # A sweep's last line counts the seeds each violated check failed.
    sweep = edgesim("run", QUICKSTART, "--seeds", "1..3", "--set", "clocks.skew=300ms",
                    "--set", "checks.lost_updates.max=0", "--json")
    failed = sum(not s["checks"]["lost_updates"]["ok"] for s in json.loads(sweep.stdout)["seeds"])
    last = edgesim("run", QUICKSTART, "--seeds", "1..3", "--set", "clocks.skew=300ms",
                   "--set", "checks.lost_updates.max=0").stdout.splitlines()[-1]
    assert failed > 0 and last == (f"{3 - failed} of 3 seeds passed every check; violated: lost_updates "
                                   f"({failed} seed{'' if failed == 1 else 's'})"), last


def test_overrides_change_the_run(edgesim):
    base = hashes(run_json(edgesim, "--seed", "1"))
    hlc = run_json(edgesim, "--seed", "1", "--set", "engine.params.timestamps=hlc")
    assert hashes(hlc) != base


def test_history_is_written_as_json_lines(edgesim, tmp_path):
    history = tmp_path / "h.jsonl"
    assert edgesim("run", QUICKSTART, "--seed", "1", "--history", history).returncode == 0
    lines = [json.loads(line) for line in history.read_text().splitlines()]
    assert len(lines) > 1000
    for op in lines[:200]:
        assert {"id", "proc", "call", "ret", "status", "f", "key", "arg", "out"} <= set(op)
        assert op["status"] in ("ok", "fail", "info")
        if op["status"] == "ok":
            assert op["ret"] >= op["call"]
    writes = [op["arg"] for op in lines if op["f"] == "write"]
    assert len(writes) == len(set(writes)), "written values must be unique"


def test_history_per_seed_and_report_dir(edgesim, tmp_path):
    report = tmp_path / "report"
    result = edgesim("run", QUICKSTART, "--seeds", "1..2", "--history", tmp_path / "h.jsonl",
                     "--report", report)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "h.seed-1.jsonl").exists() and (tmp_path / "h.seed-2.jsonl").exists()
    summary = json.loads((report / "summary.json").read_text())
    assert len(summary["seeds"]) == 2
    assert "seed 1" in (report / "summary.txt").read_text()


def test_text_summary_is_readable(edgesim):
    result = edgesim("run", QUICKSTART, "--seed", "1")
    assert result.returncode == 0
    out = result.stdout
    for expected in ("topology: 3 regions, 9 PoPs", "clocks: skew ±50ms", "partition", "heal",
                     "check convergence ok", "check lost_updates ok", "read p50", "network:",
                     "trace ", "1 of 1 seeds passed",
                     "workload: 18 clients (kv), one op per ~50ms each, read 50% write 50%, 8 keys"):
        assert expected in out, expected
    votes = edgesim("run", "scenarios/votes.yaml", "--seed", "1", "--set",
                    "workload.rate=[60/s, 5/s, 5/s]")
    assert votes.returncode == 0, votes.stdout + votes.stderr
    assert ("workload: 27 clients (counter), one op per ~16.666ms / ~200ms / ~200ms each "
            "(dealt in client order), incr 80% read 20%, 6 keys (zipf)") in votes.stdout


def check_lines(result):
    return [l.strip() for l in result.stdout.splitlines() if l.strip().startswith("check ")]


def test_text_summary_has_a_line_per_check(edgesim):
    # The inventory with local-first counters oversells: bounds fails while the others hold.
    oversold = edgesim("run", "scenarios/inventory.yaml", "--seed", "1", "--set",
                       "engine={name: crdt.pn_counter}")
    assert oversold.returncode == 1
    kv = edgesim("run", QUICKSTART, "--seed", "1", "--set", "checks.staleness=true")
    assert kv.returncode == 0
    patterns = [
        r"check bounds VIOLATED: [1-9]\d* values outside \[0, 40\]; .+",
        r"check convergence ok: 6 live replicas equal \S+ after the last heal/write \(bound 1.5s\)",
        r"check no_lost_writes ok: 0 of 5 counters outside their acknowledged increments",
        r"check convergence ok: 9 live replicas equal \S+ after the last heal/write \(bound \S+\)",
        r"check lost_updates ok: \d+ of [1-9]\d* acked writes lost to an earlier write "
        r"\(report only\)",
        r"check staleness ok: reads p50 \S+ p99 \S+ max \S+ behind the newest completed update "
        r"\(report only\)",
    ]
    lines = check_lines(oversold) + check_lines(kv)
    assert len(lines) == len(patterns), lines
    for line, pattern in zip(lines, patterns):
        assert re.fullmatch(pattern, line), line


def test_a_failed_convergence_says_which_replicas_differ_and_on_what(edgesim):
    # No pushes and no anti-entropy within the run: every replica keeps its own clients' writes.
    frozen = ("--seed", "1", "--set", "engine.params.push=false", "--set", "engine.params.sync_interval=1h")
    details = run_json(edgesim, *frozen)["seeds"][0]["checks"]["convergence"]
    assert details["ok"] is False and details["converged"] is False
    assert len(details["groups"]) == details["distinct_values"] == 9
    assert sorted(name for group in details["groups"] for name in group) == sorted(
        f"{region}-{i}" for region in ("us-east", "eu-west", "ap-south") for i in (1, 2, 3))
    assert details["keys_differing"] >= len(details["differences"]) > 0
    first = details["differences"][0]
    assert first["values"][0] != first["values"][1]
    line = next(l for l in edgesim("run", QUICKSTART, *frozen).stdout.splitlines()
                if "check convergence" in l)
    assert re.search(r"at the end: \{us-east-1\} \| .* \| \{ap-south-3\}; the first two differ on \d+ keys?, "
                     r"e\.g\. " + re.escape(first["key"]) + ": ", line), line


def test_usage_errors_exit_2(edgesim, tmp_path):
    assert edgesim("run", QUICKSTART, "--seeds", "5..1").returncode == 2
    assert edgesim("run", QUICKSTART, "--seeds", "x").returncode == 2
    assert edgesim("run", QUICKSTART, "--shard", "2/2").returncode == 2
    assert edgesim("run", QUICKSTART, "--frobnicate").returncode == 2
    assert edgesim("run", QUICKSTART, "--set", "novalue").returncode == 2
    assert edgesim("run", tmp_path / "missing.yaml").returncode == 2
    directory = edgesim("validate", tmp_path)  # used to be reported as an empty scenario
    assert directory.returncode == 2 and f"{tmp_path}: error: is a directory" in directory.stderr
    assert edgesim("bogus").returncode == 2
    assert edgesim().returncode == 2
    for seed in ("-1", "1x", "99999999999999999999999"):  # -1 used to wrap around to 2^64 - 1
        result = edgesim("run", QUICKSTART, "--seed", seed)
        assert result.returncode == 2 and f"--seed: `{seed}`" in result.stderr, result.stderr


def test_unusable_output_paths_exit_2_before_running(edgesim, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    # --report on a file used to end in an uncaught std::filesystem error (abort, exit 134).
    result = edgesim("run", QUICKSTART, "--seed", "1", "--report", a_file / "sub")
    assert result.returncode == 2, result.stderr
    assert f"cannot create directory {a_file / 'sub'}" in result.stderr
    result = edgesim("run", QUICKSTART, "--seed", "1", "--history", tmp_path / "missing" / "h.jsonl")
    assert result.returncode == 2 and result.stdout == ""
    assert f"no directory {tmp_path / 'missing'}" in result.stderr
    result = edgesim("check", ROOT / "tests/check/golden/failed-cas-bad.jsonl", "--model", "kv",
                     "--report", a_file / "sub")
    assert result.returncode == 2 and "--report: cannot create directory" in result.stderr
    assert list(tmp_path.iterdir()) == [a_file]


def test_check_timeout_must_be_a_positive_number_of_seconds_or_a_duration(edgesim):
    history = ROOT / "tests/check/golden/failed-cas-ok.jsonl"
    for timeout in ("0.5", "500ms", "2m"):
        assert edgesim("check", history, "--model", "kv", "--timeout", timeout).returncode == 0
    for timeout in ("0", "-1", "abc", "nan", "0s", "-5s", "5 s", "5parsecs"):
        result = edgesim("check", history, "--model", "kv", "--timeout", timeout)
        assert result.returncode == 2
        assert f"--timeout: `{timeout}` is not a positive number of seconds" in result.stderr


def test_a_seed_past_the_run_timeout_ends_the_command_as_inconclusive(edgesim, tmp_path):
    # A day of simulated time takes far longer than a second of wall time.
    report, history = tmp_path / "report", tmp_path / "h.jsonl"
    result = edgesim("run", "scenarios/quickstart.yaml", "--set", "duration=86400s", "--seeds", "1..2",
                     "--jobs", "2", "--timeout", "500ms", "--report", report, "--history", history)
    assert result.returncode == 3, result.stderr
    assert "did not finish within --timeout 0.5s of wall time" in result.stderr
    # Not even the report directory: it is created only when there is something to write.
    assert result.stdout == "" and list(tmp_path.iterdir()) == []
    assert edgesim("run", "scenarios/quickstart.yaml", "--seed", "1", "--timeout", "60").returncode == 0
    for timeout in ("0", "-1", "abc", "0ms"):
        result = edgesim("run", "scenarios/quickstart.yaml", "--timeout", timeout)
        assert result.returncode == 2
        assert f"--timeout: `{timeout}` is not a positive number of seconds" in result.stderr


def test_engines_and_version(edgesim):
    engines = edgesim("engines")
    assert engines.returncode == 0 and "lww" in engines.stdout and "timestamps" in engines.stdout
    version = edgesim("--version")
    assert version.returncode == 0 and version.stdout.startswith("edgesim ")


def test_every_shipped_scenario_validates(edgesim):
    scenarios = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert len(scenarios) >= 3
    for path in scenarios:
        result = edgesim("validate", path)
        assert result.returncode == 0, result.stderr


def test_inventory_local_first_counters_oversell(edgesim):
    # delta_sync holds the stock bound through the partition; the CRDT counter takes every sale.
    authoritative = edgesim("run", "scenarios/inventory.yaml", "--seed", "1", "--json")
    assert authoritative.returncode == 0, authoritative.stderr
    seed = json.loads(authoritative.stdout)["seeds"][0]
    assert seed["metrics"]["engine"]["refused_writes"] > 0  # sold out: refused, not oversold
    local_first = edgesim("run", "scenarios/inventory.yaml", "--seed", "1", "--set",
                          "engine={name: crdt.pn_counter}")
    assert local_first.returncode == 1
    assert local_first.stdout.splitlines()[0].startswith("FAIL seed 1: bounds violated")


def test_inventory_hybrid_never_oversells_but_undoes_acknowledged_sales(edgesim):
    # The hybrid's log refuses sales past the stock: reads of the official count stay within it,
    # edges that know the product is sold out refuse at once, and the sales an edge acknowledged
    # before it knew are undone by the log, which no_lost_writes reports product by product.
    hybrid = edgesim("run", "scenarios/inventory.yaml", "--seed", "1", "--json", "--set",
                     "engine={name: hybrid, params: {max_value: 40}}")
    assert hybrid.returncode == 1, hybrid.stderr
    seed = json.loads(hybrid.stdout)["seeds"][0]
    assert {name: check["ok"] for name, check in seed["checks"].items()} == {
        "bounds": True, "convergence": True, "no_lost_writes": False}
    engine = seed["metrics"]["engine"]
    assert engine["refused_events"] > 0  # acknowledged, then refused by the log
    assert engine["refused_ops"] > engine["refused_events"]  # most are refused at once
    assert seed["metrics"]["ops"]["fail"] == engine["refused_ops"]
    text = edgesim("run", "scenarios/inventory.yaml", "--seed", "1", "--set",
                   "engine={name: hybrid, params: {max_value: 40}}")
    assert re.search(r"check no_lost_writes VIOLATED: 5 of 5 counters outside their acknowledged "
                     r"increments; k0: final 40 outside \[(\d+), \1\]", text.stdout), text.stdout
    # Optimistic reads count an edge's own pending sales, as the bounded log would take them: no
    # read passes the stock, and an edge refuses sooner, so the log undoes fewer sales.
    for seed_number in ("1", "2", "3"):
        runs = [json.loads(edgesim("run", "scenarios/inventory.yaml", "--seed", seed_number, "--json",
                                   "--set", "engine={name: hybrid, params: {max_value: 40}}",
                                   "--set", "engine.params.authoritative_reads=" + reads
                                   ).stdout)["seeds"][0]
                for reads in ("published", "optimistic")]
        assert all(run["checks"]["bounds"]["ok"] for run in runs)
        undone = [run["metrics"]["engine"]["refused_events"] for run in runs]
        assert undone[1] < undone[0], undone


def test_bad_engine_parameter_value_exits_2(edgesim):
    result = edgesim("run", "scenarios/inventory.yaml", "--seed", "1", "--set",
                     "engine.params.authorities=x,1")
    assert result.returncode == 2
    assert "authorities" in result.stderr


KNOSSOS = ROOT.parent / "shared" / "data" / "histories" / "knossos"
GOLDEN = ROOT / "tests" / "check" / "golden"


def test_check_exit_codes_and_json(edgesim, tmp_path):
    ok = edgesim("check", GOLDEN / "failed-cas-ok.jsonl", "--model", "kv", "--json")
    assert ok.returncode == 0
    report = json.loads(ok.stdout)
    assert report["result"] == "ok" and report["ops"] == 4 and report["keys"] == 1
    assert report["elapsed_ms"] >= 0
    bad = edgesim("check", GOLDEN / "failed-cas-bad.jsonl", "--model", "kv")
    assert bad.returncode == 1
    assert "illegal" in bad.stdout and "longest linearizable prefix" in bad.stdout
    both = edgesim("check", GOLDEN / "failed-cas-ok.jsonl", GOLDEN / "failed-cas-bad.jsonl",
                   "--model", "kv", "--json")
    assert both.returncode == 1  # the worst verdict decides
    assert [r["result"] for r in json.loads(both.stdout)] == ["ok", "illegal"]


def test_check_knossos_register_with_init(edgesim):
    result = edgesim("check", KNOSSOS / "bad_cas-failure.jsonl", "--model", "register", "--init", "0")
    assert result.returncode == 1
    result = edgesim("check", KNOSSOS / "good_cas-register-bug.jsonl", "--model", "register", "--init", "0")
    assert result.returncode == 0
    # The longest prefix is w2 w4 r4 w0 r0 w1 (ops 0 2 3 4 5 6); reads of 3 and 2 (ops 7, 8) are stuck.
    result = edgesim("check", KNOSSOS / "bad_bad-analysis.jsonl", "--model", "register", "--init", "0")
    assert result.stdout.splitlines()[2:] == ["  longest linearizable prefix: [0, 2, 3, 4, 5, 6]",
                                              "  after it, no order places op(s): [7, 8]"]
    result = edgesim("check", KNOSSOS / "bad_bad-analysis.jsonl", "--model", "register", "--init", "0", "--json")
    assert json.loads(result.stdout)["failures"][0]["blocked_ops"] == [7, 8]


def test_check_reads_stdin_and_rejects_malformed_lines(edgesim, tmp_path):
    text = (GOLDEN / "initial-read-ok.jsonl").read_text()
    result = edgesim("check", "-", "--model", "kv", input=text)
    assert result.returncode == 0 and "<stdin>" not in result.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text(text + '{"id": 9, "proc": 1, "call": "soon"}\n')
    result = edgesim("check", broken, "--model", "kv")
    assert result.returncode == 2
    assert f'{broken}:4:30: field "call" must be an integer, got "soon"' in result.stderr
    assert edgesim("check", broken, "--model", "paxos").returncode == 2
    assert edgesim("check", GOLDEN / "initial-read-ok.jsonl", "--model", "kv", "--init", "{oops").returncode == 2


def test_check_reports_ops_outside_the_model_as_bad_input(edgesim, tmp_path):
    op = '{{"id": {id}, "proc": 0, "call": {call}, "ret": {ret}, "status": "ok", "f": "{f}", "key": "x", "arg": {arg}, "out": {out}}}\n'
    cases = {
        "unknown-op": (op.format(id=1, call=1, ret=2, f="incr", arg=1, out="null"), ':1:64: f "incr" is not an op of the kv model'),
        "cas-arg": (op.format(id=1, call=1, ret=2, f="cas", arg=5, out="true"), ':1:90: cas needs "arg": [from, to]'),
        "duplicate-id": (op.format(id=3, call=1, ret=2, f="write", arg=1, out="null") * 2, ":2:8: id 3 is used twice"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text(text)
        result = edgesim("check", path, "--model", "kv")
        assert result.returncode == 2, (name, result.stdout)
        assert f"{path}{message}" in result.stderr, result.stderr
    result = edgesim("check", tmp_path, "--model", "kv")
    assert result.returncode == 2 and "is a directory" in result.stderr



def test_check_report_draws_the_failing_key(edgesim, tmp_path):
    report = tmp_path / "report"
    result = edgesim("check", KNOSSOS / "bad_bad-analysis.jsonl", KNOSSOS / "good_cas-register-bug.jsonl",
                     "--model", "register", "--init", "0", "--report", report)
    assert result.returncode == 1
    assert sorted(p.name for p in report.iterdir()) == ["bad_bad-analysis.html"]  # ok files get none
    page = (report / "bad_bad-analysis.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    # The longest prefix is w2 w4 r4 w0 r0 w1 (ops 0 2 3 4 5 6); reads of 3 and 2 (ops 7, 8) are stuck.
    assert "no order places op(s) 7, 8." in page
    assert page.count("class='blocked'") == 2
    assert page.count("class='prefix") == 6
    assert "#6 w 1" in page


def test_run_report_includes_a_linearizability_timeline(edgesim, tmp_path):
    report = tmp_path / "report"
    result = edgesim("run", "scenarios/quickstart.yaml", "--seed", "1", "--set", "checks.linearizability=null",
                     "--report", report)
    assert result.returncode == 1  # lww with local reads is not linearizable
    page = (report / "linearizability-seed-1.html").read_text()
    assert "illegal" in page and "class='blocked'" in page
    summary = json.loads((report / "summary.json").read_text())
    details = summary["seeds"][0]["checks"]["linearizability"]
    assert details["result"] == "illegal"
    smallest = details["smallest"]
    assert smallest["key"] in details["failing_keys"] and smallest["result"] == "illegal"
    assert smallest["blocked_ops"] and f"no order places op(s) {smallest['blocked_ops'][0]}" in page
    line = next(l for l in result.stdout.splitlines() if "check linearizability" in l)
    assert (f"; smallest failing key {smallest['key']} ({smallest['ops']} ops): after a linearizable prefix of "
            f"{smallest['prefix_ops']}, no order places op(s) ") in line, line


def test_session_guarantees_break_across_moves_with_local_reads(edgesim):
    # Authority reads keep every guarantee while sessions roam (the scenario as shipped) ...
    assert edgesim("run", "scenarios/roaming-sessions.yaml", "--seeds", "1..2").returncode == 0
    # ... reads from the PoP's eventually consistent cache break them right after a move.
    result = edgesim("run", "scenarios/roaming-sessions.yaml", "--seed", "1", "--set", "engine={name: lww}", "--json")
    assert result.returncode == 1
    seed = json.loads(result.stdout)["seeds"][0]
    assert seed["metrics"]["sessions"]["moves"] > 100
    sessions = seed["checks"]["session_guarantees"]
    assert not sessions["ok"] and sessions["violations"]["read_your_writes"] > 0
    # The evidence names the ops and the two PoPs: the session's write and its read elsewhere.
    moved = [v for v in sessions["examples"] if len(set(v["nodes"])) == 2]
    assert moved and all(len(v["ops"]) == 2 for v in moved)


def test_counter_session_guarantees(edgesim):
    # The hybrid's official counts lag a voter's own votes (read-your-writes breaks, by design)
    # but never go back, not even on the PoP that restarts (us-east-2, seeds 3 and 4).
    for seed in ("3", "4"):
        result = edgesim("run", "scenarios/votes.yaml", "--seed", seed, "--json", "--set",
                         "checks.session_guarantees=true")
        violations = json.loads(result.stdout)["seeds"][0]["checks"]["session_guarantees"]["violations"]
        assert violations["read_your_writes"] > 0 and violations["monotonic_reads"] == 0, violations
        # With optimistic reads a PoP lays its own unpublished votes over the official count.
        result = edgesim("run", "scenarios/votes.yaml", "--seed", seed, "--json", "--set",
                         "checks.session_guarantees=true", "--set",
                         "engine.params.authoritative_reads=optimistic")
        violations = json.loads(result.stdout)["seeds"][0]["checks"]["session_guarantees"]["violations"]
        assert violations == {"monotonic_reads": 0, "read_your_writes": 0}, violations
    # A CRDT replica that restarts shows at least what it showed before its crash (remote merges
    # are logged): a counter on the PoP leaderboard.yaml crashes, an OR-set on shopping-cart.yaml's.
    for scenario, seed, engine in (("leaderboard", "9", "engine={name: crdt.pn_counter}"),
                                   ("shopping-cart", "9", "engine.name=crdt.or_set")):
        result = edgesim("run", f"scenarios/{scenario}.yaml", "--seed", seed, "--json", "--set",
                         "checks.session_guarantees=true", "--set", engine)
        sessions = json.loads(result.stdout)["seeds"][0]["checks"]["session_guarantees"]
        assert sessions["ok"], (scenario, sessions)
        assert sessions["violations"] == {"monotonic_reads": 0, "read_your_writes": 0}


def test_multi_value_reads_are_judged_for_session_guarantees(edgesim):
    # An MV register's reads are arrays of concurrent values; each value names its write, so a
    # roaming session that reads only older values at its new PoP breaks read-your-writes.
    result = edgesim("run", "scenarios/roaming-sessions.yaml", "--seed", "1", "--json", "--set",
                     "engine={name: crdt.mv_register}")
    assert result.returncode == 1
    checks = json.loads(result.stdout)["seeds"][0]["checks"]
    sessions = checks["session_guarantees"]
    assert not sessions["ok"]
    assert sessions["violations"]["read_your_writes"] > 0
    assert sessions["violations"]["monotonic_reads"] > 0
    # Linearizability cannot hold, and says why: the reads are not a register's.
    assert checks["linearizability"]["multi_value_reads"] > 0
    text = edgesim("run", "scenarios/roaming-sessions.yaml", "--seed", "1", "--set",
                   "engine={name: crdt.mv_register}")
    assert "reads returned arrays of concurrent values (a multi-value register's)" in text.stdout
    register = edgesim("run", "scenarios/roaming-sessions.yaml", "--seed", "1", "--json")
    assert "multi_value_reads" not in json.loads(register.stdout)["seeds"][0]["checks"]["linearizability"]


def test_hybrid_map_fields_follow_the_log(edgesim, tmp_path):
    # profile-settings.yaml: the hybrid on a map, fields k0 and k1 decided by the log. Every PoP
    # ends with the same values, every event reaches the log, and lost_updates reports the writes
    # that lost to earlier ones (log order is arrival order at the authority, not real time).
    result = edgesim("run", "scenarios/profile-settings.yaml", "--seed", "1", "--json")
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout)["seeds"][0]
    assert run["checks"]["convergence"]["ok"] and run["checks"]["convergence"]["live_replicas"] == 9
    stats = run["metrics"]["engine"]
    assert stats["logged_events"] > 0 and stats["outbox_events"] == 0, stats
    # A bound is a counter's: with a map workload the scenario is rejected at the parameter.
    scenario = tmp_path / "bounded.yaml"
    text = (ROOT / "scenarios/profile-settings.yaml").read_text()
    scenario.write_text(text.replace("authority: 0,", "authority: 0, max_value: 3,"))
    result = edgesim("run", str(scenario))
    assert result.returncode == 2
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "authority: 0," in l)
    assert f"bounded.yaml:{line}:" in result.stderr and "max_value bounds a counter" in result.stderr
    assert result.stdout == ""

"""Runs one scenario with several engines over the same seeds and prints how each fared, side by
side: which checks failed on how many seeds, op latency, read staleness, time to converge, lost
writes, failed ops, bytes sent per op and replication metadata held per replica (the largest, at
the end of the run). Called by scripts/compare (which builds edgesim first):

  compare_engines.py EDGESIM SCENARIO --engine SPEC [--engine SPEC]... [--seeds A..B] [--jobs N]
                     [--set path=value]... [--json FILE]

SPEC is `scenario` (the scenario's engine as the file configures it, labelled with its name), an
engine name (`crdt.pn_counter`: that engine with its default parameters) or a YAML map for
`--set engine=` (`{name: delta_sync, params: {reads: authority}}`). Per-seed figures (a p99, a
time to converge) are summarized over the seeds by their median, and times to converge also by
their maximum. Exit code: 0, or 2 when a run reports bad input (its message is printed).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("edgesim")
    parser.add_argument("scenario")
    parser.add_argument("--engine", action="append", required=True, metavar="SPEC")
    parser.add_argument("--seeds", default=None, help="A..B (default: the scenario's seeds)")
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    parser.add_argument("--json", default=None, metavar="FILE", help="also write the rows as JSON")
    return parser.parse_args(argv)


def engine_override(spec):
    if spec == "scenario":
        return []
    return ["--set", "engine=" + (spec if spec.lstrip().startswith("{") else f"{{name: {spec}}}")]


def run_engine(args, spec):
    command = [args.edgesim, "run", args.scenario, "--json", "--jobs", args.jobs] + engine_override(spec)
    if args.seeds:
        command += ["--seeds", args.seeds]
    for override in args.set:
        command += ["--set", override]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.stderr.write(f"scripts/compare: engine {spec}: {result.stderr}")
        sys.exit(2)
    return json.loads(result.stdout)


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(spec, summary):
    if spec == "scenario":
        spec = f"scenario: {summary['engine']['name']}"
    seeds = summary["seeds"]
    failed_checks = {}
    for seed in seeds:
        for name, check in seed["checks"].items():
            if not check["ok"]:
                failed_checks[name] = failed_checks.get(name, 0) + 1
    metrics = [seed["metrics"] for seed in seeds]
    converge = [seed["checks"].get("convergence", {}).get("time_to_converge_ns") for seed in seeds]
    lost = [seed["checks"]["no_lost_writes"]["lost"] for seed in seeds if "no_lost_writes" in seed["checks"]]
    ops = sum(m["ops"]["total"] for m in metrics)
    return {
        "engine": spec,
        "seeds": len(seeds),
        "seeds_passed": sum(1 for seed in seeds if seed["ok"]),
        "failed_checks": failed_checks,
        "write_p99_ns": median_or_none(m["latency_ns"]["write"]["p99"] for m in metrics),
        "read_p99_ns": median_or_none(m["latency_ns"]["read"]["p99"] for m in metrics),
        "write_p50_ns": median_or_none(m["latency_ns"]["write"]["p50"] for m in metrics),
        "read_p50_ns": median_or_none(m["latency_ns"]["read"]["p50"] for m in metrics),
        "staleness_p99_ns": median_or_none(m.get("staleness_ns", {}).get("p99") for m in metrics),
        "converge_median_ns": median_or_none(converge),
        "converge_max_ns": max((c for c in converge if c is not None), default=None),
        "lost_writes": sum(lost) if lost else None,
        "ops": ops,
        "failed_ops": sum(m["ops"]["fail"] for m in metrics),
        "unknown_ops": sum(m["ops"]["info"] for m in metrics),
        "bytes_sent_per_op": round(sum(m["network"]["bytes_sent"] for m in metrics) / ops, 1) if ops else None,
        "metadata_bytes_per_replica_max": median_or_none(
            m["storage"]["metadata_bytes_per_replica"]["max"] for m in metrics),
    }


def duration(ns):
    if ns is None:
        return "-"
    if ns >= 1e9:
        return f"{ns / 1e9:.2f}s"
    if ns >= 1e6:
        return f"{ns / 1e6:.1f}ms"
    return f"{ns / 1e3:.0f}us"


def size(nbytes):
    if nbytes is None:
        return "-"
    return f"{nbytes:.0f} B" if nbytes < 10 * 1024 else f"{nbytes / 1024:.0f} KiB"


def table(rows):
    header = ["engine", "seeds passed", "failed checks (seeds)", "write p99", "read p99", "staleness p99",
              "converge median / max", "lost writes", "failed / unknown ops", "bytes sent per op",
              "metadata per replica"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        failed = ", ".join(f"{name} ({n})" for name, n in sorted(r["failed_checks"].items())) or "none"
        cells = [f"`{r['engine']}`", f"{r['seeds_passed']} of {r['seeds']}", failed,
                 duration(r["write_p99_ns"]), duration(r["read_p99_ns"]), duration(r["staleness_p99_ns"]),
                 f"{duration(r['converge_median_ns'])} / {duration(r['converge_max_ns'])}",
                 "-" if r["lost_writes"] is None else str(r["lost_writes"]),
                 f"{r['failed_ops']} / {r['unknown_ops']} of {r['ops']}",
                 "-" if r["bytes_sent_per_op"] is None else f"{r['bytes_sent_per_op']:.0f}",
                 size(r["metadata_bytes_per_replica_max"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fail(message):
    sys.stderr.write(f"scripts/compare: error: {message}\n")
    sys.exit(2)


def write_json(path, document):  # written whole or not at all
    partial = path + ".partial"
    try:
        with open(partial, "w") as out:
            json.dump(document, out, indent=2)
            out.write("\n")
        os.replace(partial, path)
    except OSError as error:
        if os.path.exists(partial):
            os.remove(partial)
        fail(f"--json: cannot write {path}: {error.strerror}")


def main(argv):
    args = parse_args(argv)
    # Refused before the engines run, not after.
    if args.json and not os.path.isdir(os.path.dirname(args.json) or "."):
        fail(f"--json: cannot write {args.json}: no directory {os.path.dirname(args.json)}")
    rows = [summarize(spec, run_engine(args, spec)) for spec in args.engine]
    print(table(rows))
    if args.json:
        write_json(args.json, {"scenario": args.scenario, "seeds": args.seeds, "overrides": args.set,
                               "engines": rows})


if __name__ == "__main__":
    main(sys.argv[1:])

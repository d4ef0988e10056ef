"""scripts/jepsen_history.py: Jepsen-style event histories into edgesim histories for `edgesim check`."""
import json
import subprocess
import sys

import pytest
from conftest import ROOT

CONVERT = ROOT / "scripts" / "jepsen_history.py"
KNOSSOS = ROOT.parent / "shared" / "data" / "histories" / "knossos"


def convert(*args, input=None):
    return subprocess.run([sys.executable, str(CONVERT), *map(str, args)], capture_output=True, text=True,
                          input=input, timeout=60)


def events_text(events):
    return "".join(json.dumps(e) + "\n" for e in events)


def test_events_pair_into_ops():
    events = [{"type": "invoke", "f": "write", "value": 1, "process": 0},
              {"type": ":invoke", "f": ":read", "value": None, "process": 1},  # keyword spellings
              {"type": "ok", "f": "write", "value": 1, "process": 0},
              {"type": "ok", "f": "read", "value": 2, "process": 1},
              {"type": "info", "f": "start", "process": "nemesis"},
              {"type": "invoke", "f": "cas", "value": [1, 3], "process": 2},
              {"type": "invoke", "f": "read", "process": 0},
              {"type": "fail", "f": "cas", "value": [1, 3], "process": 2},
              {"type": "invoke", "f": "write", "value": 4, "process": 3},
              {"type": "info", "f": "write", "value": 4, "process": 3},
              {"type": "invoke", "f": "read", "process": 4},
              {"type": "ok", "f": "read", "value": None, "process": 4}]
    result = convert("-", input=events_text(events))
    assert result.returncode == 0, result.stderr
    ops = [json.loads(line) for line in result.stdout.splitlines()]
    def op(id, proc, call, ret, status, f, arg, out):
        return {"id": id, "proc": proc, "call": call, "ret": ret, "status": status, "f": f, "key": "r",
                "arg": arg, "out": out}
    assert ops == [op(0, 0, 0, 2, "ok", "write", 1, None),
                   op(1, 1, 1, 3, "ok", "read", None, 2),
                   op(2, 2, 5, 7, "fail", "cas", [1, 3], None),
                   op(3, 0, 6, None, "info", "read", None, None),  # never completed
                   op(4, 3, 8, None, "info", "write", 4, None),  # completed :info
                   op(5, 4, 10, None, "info", "read", None, None)]  # Knossos: a nil read is a wildcard
    absent = convert("-", "--nil-is-absent", input=events_text(events))
    assert json.loads(absent.stdout.splitlines()[-1])["status"] == "ok"


def events_of(ops):
    """The Jepsen events an edgesim history's ops came from (their call and ret times order them)."""
    timed = []
    for op in ops:
        invoke_value = op["arg"] if op["f"] != "read" else None
        timed.append((op["call"], {"type": "invoke", "f": op["f"], "value": invoke_value, "process": op["proc"]}))
        if op["ret"] is not None:
            value = op["out"] if op["f"] == "read" else op["arg"]
            timed.append((op["ret"], {"type": op["status"], "f": op["f"], "value": value, "process": op["proc"]}))
        else:  # an :info completion right away (Knossos' wildcard reads went on to invoke again)
            timed.append((op["call"] + 0.5, {"type": "info", "f": op["f"], "value": None, "process": op["proc"]}))
    return [event for _, event in sorted(timed, key=lambda t: t[0])]


def edn(value):
    """EDN text of a JSON-shaped value; strings starting with ':' are keywords."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(edn(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f":{k} {edn(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str) and value.startswith(":"):
        return value
    return json.dumps(value)


def knossos_edn(events):
    """As Knossos' data files are written: one vector of maps, keywords for types and functions."""
    maps = [edn({**e, "type": ":" + e["type"], "f": ":" + e["f"]}) for e in events]
    return "[" + "\n ".join(maps) + "]\n"


@pytest.mark.parametrize("form", ["json", "edn"])
def test_knossos_histories_round_trip_to_the_same_verdicts(edgesim, tmp_path, form):
    manifest = [json.loads(line) for line in (KNOSSOS / "MANIFEST.jsonl").read_text().splitlines()]
    converted = []
    for entry in manifest:
        ops = [json.loads(line) for line in (KNOSSOS / entry["file"]).read_text().splitlines() if line]
        events = events_of(ops)
        result = convert("-", input=events_text(events) if form == "json" else knossos_edn(events))
        assert result.returncode == 0, (entry["file"], result.stderr)
        path = tmp_path / entry["file"]
        path.write_text(result.stdout)
        converted.append(path)
    check = edgesim("check", *converted, "--model", "register", "--init", "0", "--json")
    verdicts = {pathlib_name(r["file"]): r["result"] for r in json.loads(check.stdout)}
    assert len(verdicts) == len(manifest) >= 100
    assert verdicts == {entry["file"]: entry["expected"] for entry in manifest}


def pathlib_name(path):
    return path.rsplit("/", 1)[-1]


def test_independent_tuples_become_keys(edgesim, tmp_path):
    events = [{"type": "invoke", "f": "write", "value": ["a", 1], "process": 0},
              {"type": "ok", "f": "write", "value": ["a", 1], "process": 0},
              {"type": "invoke", "f": "read", "value": ["b", None], "process": 1},
              {"type": "ok", "f": "read", "value": ["b", 1], "process": 1}]  # b was never written
    result = convert("-", "--independent", input=events_text(events))
    ops = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(op["key"], op["arg"], op["out"]) for op in ops] == [("a", 1, None), ("b", None, 1)]
    history = tmp_path / "h.jsonl"
    history.write_text(result.stdout)
    check = json.loads(edgesim("check", history, "--model", "kv", "--json").stdout)
    assert check["result"] == "illegal" and check["failures"][0]["key"] == "b"


def test_jepsen_edn_lines_with_tags_comments_and_discards():
    text = """; a Jepsen 0.3 history.edn: one map per line
{:index 0, :time 10, :type :invoke, :process 0, :f :write, :value 5}
#jepsen.history.Op{:index 1, :time 12, :type :invoke, :process :nemesis, :f :start, :value #{:n1}}
#_{:index 99, :type :ok, :process 7}
{:index 2, :time 15, :type :ok, :process 0, :f :write, :value 5, :note "a \\"quoted\\" word"}
{:index 3, :time 20, :type :invoke, :process 1, :f :cas, :value [5 6]}
{:index 4, :time 25, :type :ok, :process 1, :f :cas, :value [5 6]}
"""
    result = convert("-", input=text)
    assert result.returncode == 0, result.stderr
    ops = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(op["f"], op["call"], op["ret"], op["status"], op["arg"], op["out"]) for op in ops] == [
        ("write", 0, 2, "ok", 5, None), ("cas", 3, 4, "ok", [5, 6], True)]


# A Jepsen log as Porcupine's etcd test data has it: event lines among other log lines, tabs between
# the fields, a timed-out write, a nemesis event, and reads of nil (an absent key, in etcd).
JEPSEN_LOG = """2017-03-01 12:00:00,001{GMT}\tINFO\t[jepsen worker 0] jepsen.core - Running test
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 2\t:invoke\t:write\t3
INFO  jepsen.util - 1\t:ok\t:read\tnil
INFO  jepsen.util - 2\t:ok\t:write\t3
INFO  jepsen.util - :nemesis\t:info\t:start\tnil
INFO  jepsen.util - 3\t:invoke\t:cas\t[3 4]
INFO  jepsen.util - 4\t:invoke\t:cas\t[0 1]
INFO  jepsen.util - 3\t:ok\t:cas\t[3 4]
INFO  jepsen.util - 4\t:fail\t:cas\t[0 1]
INFO  jepsen.util - 2\t:invoke\t:write\t0
INFO  jepsen.util - 2\t:info\t:write\t:timed-out
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 1\t:ok\t:read\t4
"""


def test_jepsen_log_lines_become_ops(edgesim, tmp_path):
    result = convert("-", "--nil-is-absent", input=JEPSEN_LOG)
    assert result.returncode == 0, result.stderr
    ops = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(op["proc"], op["f"], op["status"], op["arg"], op["out"]) for op in ops] == [
        (1, "read", "ok", None, None), (2, "write", "ok", 3, None), (3, "cas", "ok", [3, 4], True),
        (4, "cas", "fail", [0, 1], None), (2, "write", "info", 0, None), (1, "read", "ok", None, 4)]
    verdicts = {}
    for name, last_read in [("ok", "4"), ("stale", "3"), ("timed-out-write", "0")]:
        history = tmp_path / f"{name}.jsonl"
        log = JEPSEN_LOG.rsplit("\t", 1)[0] + "\t" + last_read + "\n"
        history.write_text(convert("-", "--nil-is-absent", input=log).stdout)
        verdicts[name] = json.loads(edgesim("check", history, "--model", "kv", "--json").stdout)["result"]
    # 3 was overwritten by the cas before the read began; the timed-out write of 0 may have happened.
    assert verdicts == {"ok": "ok", "stale": "illegal", "timed-out-write": "ok"}


# Porcupine's key-value histories: a :key per event, get/put/append, "" for a key never written.
PORCUPINE_KV = """{:process 0, :type :invoke, :f :get, :key "6", :value nil}
{:process 1, :type :invoke, :f :put, :key "6", :value "x 1 0 y"}
{:process 0, :type :ok, :f :get, :key "6", :value ""}
{:process 1, :type :ok, :f :put, :key "6", :value nil}
{:process 2, :type :invoke, :f :append, :key "6", :value "x 2 0 y"}
{:process 0, :type :invoke, :f :get, :key "7", :value nil}
{:process 2, :type :ok, :f :append, :key "6", :value nil}
{:process 0, :type :ok, :f :get, :key "7", :value ""}
{:process 0, :type :invoke, :f :get, :key "6", :value nil}
{:process 0, :type :ok, :f :get, :key "6", :value "x 1 0 yx 2 0 y"}
"""


def test_porcupine_key_value_events_keep_their_keys(edgesim, tmp_path):
    result = convert("-", input=PORCUPINE_KV)
    assert result.returncode == 0, result.stderr
    ops = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(op["key"], op["f"], op["arg"], op["out"]) for op in ops] == [
        ("6", "read", None, ""), ("6", "write", "x 1 0 y", None), ("6", "append", "x 2 0 y", None),
        ("7", "read", None, ""), ("6", "read", None, "x 1 0 yx 2 0 y")]
    verdicts = {}
    for name, text in [("ok", PORCUPINE_KV), ("lost-put", PORCUPINE_KV.replace('"x 1 0 yx 2 0 y"', '"x 2 0 y"'))]:
        history = tmp_path / f"{name}.jsonl"
        history.write_text(convert("-", input=text).stdout)
        check = edgesim("check", history, "--model", "kv", "--init", '""', "--json")
        verdicts[name] = json.loads(check.stdout)["result"]
    assert verdicts == {"ok": "ok", "lost-put": "illegal"}


def test_malformed_events_exit_2_with_file_and_line(tmp_path):
    cases = {
        "twice": ([{"type": "invoke", "f": "read", "process": 0}, {"type": "invoke", "f": "read", "process": 0}],
                  ":2: process 0 invoked again before its op (line 1) completed"),
        "orphan": ([{"type": "ok", "f": "read", "value": 1, "process": 5}],
                   ":1: a completion of process 5, which has no open invocation"),
        "type": ([{"type": "done", "f": "read", "process": 0}], ':1: "type" must be one of'),
        "process": ([{"type": "invoke", "f": "read", "process": [1, 2]}],
                    ':1: "process" must be an integer or a name, got [1, 2]'),
        "tuple": ([{"type": "invoke", "f": "write", "value": 3, "process": 0}],
                  ":1: --independent needs each value as [key, value], got 3"),
    }
    for name, (events, message) in cases.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text(events_text(events))
        result = convert(path, *(["--independent"] if name == "tuple" else []))
        assert result.returncode == 2 and result.stdout == "", name
        assert result.stderr.startswith(f"{path}{message}"), (name, result.stderr)
    bad_json = tmp_path / "cut.jsonl"
    bad_json.write_text('{"type": "invoke", "f": "read", "process": 0}\n{"type": "ok", "f"\n')
    result = convert(bad_json)
    assert result.returncode == 2 and result.stderr.startswith(f"{bad_json}:2: ")
    assert convert(tmp_path / "missing.jsonl").returncode == 2
    cut_edn = tmp_path / "cut.edn"
    cut_edn.write_text("[{:process 0, :type :invoke, :f :read}\n {:process 0, :type :ok\n")
    result = convert(cut_edn)
    assert result.returncode == 2 and result.stderr.startswith(f"{cut_edn}:3: not EDN: missing '}}'")
    not_a_map = tmp_path / "vector.edn"
    for name, text, message in [("escape.edn", '[{:a "\\uZZ"}]', "not EDN: \\uZZ"),
                                ("deep.edn", "[" * 5000, "not EDN: forms nested too deeply")]:
        path = tmp_path / name
        path.write_text(text)
        result = convert(path)
        assert result.returncode == 2 and result.stderr.startswith(f"{path}:1: {message}"), result.stderr
    bad_log = tmp_path / "jepsen.log"
    bad_log.write_text("INFO  jepsen.util - 1\t:invoke\t:cas\t[3 4\n")
    result = convert(bad_log)
    assert result.returncode == 2 and result.stderr.startswith(f"{bad_log}:1: the value is not EDN: ")
    not_a_map.write_text("[{:process 0, :type :invoke, :f :read}\n [1 2]]\n")
    assert convert(not_a_map).stderr.startswith(f"{not_a_map}:2: expected an event (a map)")

#!/usr/bin/python3
"""Converts a Jepsen or Knossos event history into edgesim's history format (one op per line), for
`edgesim check`.

  scripts/jepsen_history.py [EVENTS | -] [--independent] [--key NAME] [--nil-is-absent]

EVENTS is EDN, as Jepsen (history.edn) and Knossos (a vector of maps) write it, JSON Lines, or a
Jepsen log (jepsen.log: "INFO  jepsen.util - P<TAB>:type<TAB>:f<TAB>value" lines, as Porcupine's
etcd test data has them; other log lines are skipped). An event is {:type :invoke|:ok|:fail|:info,
:process P, :f F, :value V} (in JSON {"type": "invoke", ...}; ":invoke"-style strings too), with an
optional :key (as Porcupine's key-value histories have); other fields are ignored. The rules are
the ones docs/checkers.md ("Histories from Jepsen") gives:
  - an invocation is paired with the next completion of its process; a process runs one op at a
    time (Jepsen gives a crashed process a new number), so a second invocation before the first
    completed is an error;
  - call and ret are the events' positions in the file; ops are numbered in invocation order;
  - ok -> status ok; fail -> status fail; info, or no completion at all -> status info, ret null;
  - read: out is the completion's value; a read that completed with null is Knossos's wildcard and
    becomes status info, unless --nil-is-absent (then null means the key was absent);
    write: arg is the value; cas: arg is [from, to], out true; anything else: arg is the
    invocation's value and out the completion's;
  - get and put are read and write (Porcupine's key-value model names them so);
  - --independent: values are [key, value] tuples (Jepsen's independent checker); otherwise an
    event's :key is its op's key, and without one every op is on --key (default "r");
  - events of the "nemesis" process are skipped; a process is an integer or a name, and names are
    numbered from 2^32 in order of first appearance.
Malformed input exits 2 with FILE:LINE: and writes nothing.
"""
import argparse
import json
import re
import sys

from edn_reader import EdnError, read_forms

STATUSES = {"invoke", "ok", "fail", "info"}
# Other names for edgesim's ops: Porcupine's key-value histories say get and put.
F_ALIASES = {"get": "read", "put": "write"}
# A Jepsen log's event line: "... jepsen.util - PROCESS<whitespace>:TYPE<whitespace>:F<whitespace>VALUE".
JEPSEN_LOG_EVENT = re.compile(r"jepsen\.util\s+-\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*$")


class EventError(Exception):
    pass


def bare(text):
    """Jepsen keywords arrive as ":read" from some exporters and "read" from others."""
    return text[1:] if isinstance(text, str) and text.startswith(":") else text


def key_and_value(value, independent):
    if not independent:
        return None, value
    if not (isinstance(value, list) and len(value) == 2):
        raise EventError(f"--independent needs each value as [key, value], got {json.dumps(value)}")
    return key_text(value[0]), value[1]


def key_text(key):
    """edgesim keys are strings: a key that is not one is named by its JSON."""
    return key if isinstance(key, str) else json.dumps(key)


class Converter:
    def __init__(self, independent, key, nil_is_absent):
        self.independent, self.key, self.nil_is_absent = independent, key, nil_is_absent
        self.ops = []  # edgesim ops, in invocation order
        self.pending = {}  # process -> its open op
        self.process_numbers = {}

    def process_number(self, process):
        """Integers as they are; names from 2^32 up, clear of any integer process."""
        if isinstance(process, int):
            return process
        return self.process_numbers.setdefault(process, 2**32 + len(self.process_numbers))

    def event(self, event, position, line):
        if not isinstance(event, dict):
            raise EventError("expected an event (a map)")
        kind = bare(event.get("type"))
        if not isinstance(kind, str) or kind not in STATUSES:
            raise EventError('"type" must be one of invoke, ok, fail, info, got '
                             + json.dumps(event.get("type")))
        if "process" not in event:
            raise EventError('missing field "process"')
        process = bare(event["process"])
        if process == "nemesis":
            return
        if not isinstance(process, (int, str)) or isinstance(process, bool):
            raise EventError(f'"process" must be an integer or a name, got {json.dumps(process)}')
        f = bare(event.get("f"))
        if not isinstance(f, str):
            raise EventError('field "f" must be a string')
        f = F_ALIASES.get(f, f)
        if kind == "invoke":
            self.invoke(process, f, event.get("value"), event.get("key"), position, line)
        else:
            self.complete(process, kind, f, event.get("value"), position)

    def invoke(self, process, f, value, event_key, position, line):
        if process in self.pending:
            raise EventError(f"process {json.dumps(process)} invoked again before its op "
                             f"(line {self.pending[process]['line']}) completed")
        key, arg = key_and_value(value, self.independent)
        if not self.independent:
            key = self.key if event_key is None else key_text(bare(event_key))
        op = {"id": len(self.ops), "proc": self.process_number(process), "call": position, "ret": None,
              "status": "info", "f": f, "key": key,
              "arg": None if f == "read" else arg, "out": None, "line": line}
        self.pending[process] = op
        self.ops.append(op)

    def complete(self, process, kind, f, value, position):
        op = self.pending.pop(process, None)
        if op is None:
            raise EventError(f"a completion of process {json.dumps(process)}, which has no open invocation")
        if f != op["f"]:
            raise EventError(f'completes a "{f}" but its invocation (line {op["line"]}) was a "{op["f"]}"')
        if kind == "info":
            return  # unknown outcome: stays info with ret null
        _, result = key_and_value(value, self.independent) if value is not None else (None, None)
        op["status"], op["ret"] = kind, position
        if kind != "ok":
            return
        if op["f"] == "read":
            if result is None and not self.nil_is_absent:
                op["status"], op["ret"] = "info", None  # Knossos: a nil read matches anything
            op["out"] = result
        elif op["f"] == "cas":
            op["out"] = True
        elif op["f"] != "write":
            op["out"] = result

    def history(self):
        lines = []
        for op in self.ops:
            line = {k: v for k, v in op.items() if k != "line"}
            lines.append(json.dumps(line, separators=(",", ":")))
        return "".join(line + "\n" for line in lines)


def read_text(path):
    if path == "-":
        return "<stdin>", sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as source:
            return path, source.read()
    except (OSError, UnicodeDecodeError) as error:
        raise EventError(f"cannot read the file: {error}") from None


def is_json_lines(text):
    """JSON Lines start with {" (an object with a quoted key); EDN with {:, [ or #."""
    stripped = text.lstrip()
    return stripped.startswith("{") and stripped[1:].lstrip().startswith('"')


def json_events(text):
    """(event, line) for each non-blank line; EventError names the line of bad JSON."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield json.loads(line), number
            except ValueError as error:
                raise EventError(f"{number}: {error}") from None


def edn_events(text):
    """(event, line): the maps of the top-level forms, or of one top-level vector or list of them."""
    try:
        forms, lines = read_forms(text)
    except EdnError as error:
        raise EventError(f"{error.line}: not EDN: {error}") from None
    outer = 1
    if len(forms) == 1 and isinstance(forms[0], list):
        outer = lines.get(id(forms[0]), 1)
        forms = forms[0]
    return [(form, lines.get(id(form), outer)) for form in forms]


def is_jepsen_log(text):
    return JEPSEN_LOG_EVENT.search(text) is not None and not text.lstrip().startswith(("{", "["))


def jepsen_log_events(text):
    """(event, line) for each "jepsen.util - " event line of a Jepsen log; the value is EDN."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = JEPSEN_LOG_EVENT.search(line)
        if match is None:
            continue
        process, kind, f, value_text = match.groups()
        try:
            values, _ = read_forms(value_text or "nil")
        except EdnError as error:
            raise EventError(f"{number}: the value is not EDN: {error}") from None
        if len(values) != 1:
            raise EventError(f"{number}: expected one value after {f}, got {json.dumps(value_text)}")
        yield {"process": int(process) if process.isdigit() else process, "type": kind, "f": f,
               "value": values[0]}, number


def main(argv):
    parser = argparse.ArgumentParser(prog="scripts/jepsen_history.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("events", nargs="?", default="-")
    parser.add_argument("--independent", action="store_true")
    parser.add_argument("--key", default="r")
    parser.add_argument("--nil-is-absent", action="store_true")
    args = parser.parse_args(argv)
    name = args.events
    try:
        name, text = read_text(args.events)
    except EventError as error:
        sys.stderr.write(f"{name}: {error}\n")
        return 2
    converter = Converter(args.independent, args.key, args.nil_is_absent)
    try:
        if is_json_lines(text):
            events = list(json_events(text))
        elif is_jepsen_log(text):
            events = list(jepsen_log_events(text))
        else:
            events = edn_events(text)
        # The event's place in the history is its call or ret time.
        for position, (event, number) in enumerate(events):
            try:
                converter.event(event, position, number)
            except EventError as error:
                raise EventError(f"{number}: {error}") from None
    except EventError as error:
        sys.stderr.write(f"{name}:{error}\n")
        return 2
    sys.stdout.write(converter.history())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

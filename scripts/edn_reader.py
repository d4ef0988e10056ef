"""A reader for the part of EDN (extensible data notation) that Jepsen and Knossos histories use, for
scripts/jepsen_history.py. Debian packages no EDN library for Python, hence this one.

Read as Python values: maps -> dict, vectors, lists and sets -> list, nil -> None, true/false ->
bool, integers (a trailing N too) -> int, decimals (a trailing M too) -> float, strings -> str,
keywords -> ":name" strings, symbols -> their name. A map's keyword keys become plain names
({:type :invoke} -> {"type": ":invoke"}). Tagged values (#jepsen.history.Op{...}) read as the value;
#_ discards the next form; ; starts a comment; commas are whitespace.
"""

DELIMITERS = set("()[]{}\"; \t\r\n,")


class EdnError(Exception):
    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


class Reader:
    def __init__(self, text):
        self.text, self.at, self.line = text, 0, 1
        self.lines = {}  # id() of each map, vector, list or set read -> the line it starts on

    def fail(self, message):
        raise EdnError(message, self.line)

    def skip_space(self):
        while self.at < len(self.text):
            c = self.text[self.at]
            if c == "\n":
                self.line += 1
            if c == ";":
                while self.at < len(self.text) and self.text[self.at] != "\n":
                    self.at += 1
                continue
            if self.text.startswith("#_", self.at):  # discards the next form
                self.at += 2
                self.form()
                continue
            if c not in " \t\r\n,":
                return
            self.at += 1

    def forms(self):
        """Every top-level form."""
        while True:
            self.skip_space()
            if self.at >= len(self.text):
                return
            yield self.form()

    def form(self):
        self.skip_space()
        if self.at >= len(self.text):
            self.fail("the text ends inside a form")
        c = self.text[self.at]
        if c in "([{":
            line = self.line
            self.at += 1
            items = self.until({"(": ")", "[": "]", "{": "}"}[c])
            collection = self.map_of(items) if c == "{" else items
            self.lines[id(collection)] = line
            return collection
        if c in ")]}":
            self.fail(f"unexpected {c!r}")
        if c == '"':
            return self.string()
        if c == "#":
            return self.dispatch()
        return self.atom(self.token())

    def until(self, closing):
        items = []
        while True:
            self.skip_space()
            if self.at >= len(self.text):
                self.fail(f"missing {closing!r}")
            if self.text[self.at] == closing:
                self.at += 1
                return items
            items.append(self.form())

    def map_of(self, items):
        if len(items) % 2:
            self.fail("a map needs an even number of forms")
        return {key_name(items[i]): items[i + 1] for i in range(0, len(items), 2)}


    def dispatch(self):
        self.at += 1
        if self.at < len(self.text) and self.text[self.at] == "{":  # a set
            self.at += 1
            return self.until("}")
        self.token()  # a tag: the value that follows stands for itself
        return self.form()

    def string(self):
        escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
        self.at += 1
        out = []
        while self.at < len(self.text):
            c = self.text[self.at]
            if c == '"':
                self.at += 1
                return "".join(out)
            if c == "\n":
                self.line += 1
            if c == "\\":
                self.at += 1
                if self.at >= len(self.text):
                    break
                escaped = self.text[self.at]
                if escaped == "u":
                    digits = self.text[self.at + 1:self.at + 5]
                    if len(digits) != 4 or any(d not in "0123456789abcdefABCDEF" for d in digits):
                        self.fail(f"\\u{digits} is not a character escape")
                    out.append(chr(int(digits, 16)))
                    self.at += 4
                else:
                    out.append(escapes.get(escaped, escaped))
            else:
                out.append(c)
            self.at += 1
        self.fail("a string is not closed")

    def token(self):
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in DELIMITERS:
            self.at += 1
        if start == self.at:
            self.fail(f"unexpected {self.text[self.at]!r}")
        return self.text[start:self.at]

    def atom(self, token):
        if token == "nil":
            return None
        if token in ("true", "false"):
            return token == "true"
        if token.startswith(":"):
            return token
        number = token[:-1] if token[-1] in "NM" and len(token) > 1 else token
        try:
            return int(number)
        except ValueError:
            pass
        try:
            return float(number)
        except ValueError:
            pass
        if token[0].isdigit() or (token[0] in "+-" and len(token) > 1 and token[1].isdigit()):
            self.fail(f"{token!r} is not a number")
        return token  # a symbol


def key_name(key):
    if isinstance(key, str):
        return key[1:] if key.startswith(":") else key
    return key if isinstance(key, (int, float, bool, type(None))) else repr(key)


def read_forms(text):
    """The top-level forms of `text` and the line each collection among them starts on (by id());
    EdnError (with .line) if it is not EDN."""
    reader = Reader(text)
    try:
        return list(reader.forms()), reader.lines
    except RecursionError:
        raise EdnError("forms nested too deeply", reader.line) from None

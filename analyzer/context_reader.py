"""Read a repository context (the text ``serialize.py`` writes) back into data.

This module owns the *format*: delimiters, short codes, the escaping of
repository text, and the value types a context parses into.  It needs no
networkx, so tests, the pipeline and tools can check what a model was shown.
The format itself is documented in :mod:`analyzer.serialize`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .domain import CALL, IMPORT, INHERIT, Symbol

BEGIN = "<<<REPOSITORY-CONTEXT"
END = "REPOSITORY-CONTEXT>>>"

#: symbol kind -> one-letter code (unknown kinds are written ``{kind}``)
SYMBOL_CODES: dict[str, str] = {
    "class": "C", "interface": "I", "struct": "S", "enum": "E", "trait": "T", "type": "Y",
    "function": "F", "method": "M", "constant": "K", "macro": "X", "module": "N",
}
#: dependency kind -> one-letter code (unknown kinds are written ``{kind}``)
EDGE_CODES: dict[str, str] = {IMPORT: "i", CALL: "c", INHERIT: "h"}
_SYMBOL_KINDS = {v: k for k, v in SYMBOL_CODES.items()}
_EDGE_KINDS = {v: k for k, v in EDGE_CODES.items()}
#: sort position of known dependency kinds; unknown ones follow by name
KIND_ORDER: dict[str, int] = {IMPORT: 0, CALL: 1, INHERIT: 2}
TYPE_ONLY = "type-only"
ROOT_PACKAGE = "."


class ContextFormatError(ValueError):
    """The text is not a well-formed repository context."""


# --- value types ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the graph a context shows in full detail.

    ``files_full``: files listed with their symbols; ``files_listed``: files
    listed individually (path, language, loc, edges, externals), with or
    without symbols; the rest are rolled up into package summaries.
    ``edges_*`` count (source, target) file pairs; an edge is in full detail
    when both ends are listed.
    """

    files_full: int
    files_total: int
    symbols_full: int
    symbols_total: int
    edges_full: int
    edges_total: int
    rolled_up_packages: tuple[str, ...]
    files_listed: int

    @property
    def files_share(self) -> float:
        return _share(self.files_full, self.files_total)

    @property
    def listed_share(self) -> float:
        return _share(self.files_listed, self.files_total)

    @property
    def symbols_share(self) -> float:
        return _share(self.symbols_full, self.symbols_total)

    @property
    def edges_share(self) -> float:
        return _share(self.edges_full, self.edges_total)

    @property
    def is_complete(self) -> bool:
        return self.files_full == self.files_total and self.files_listed == self.files_total


@dataclass(frozen=True, slots=True)
class ContextFile:
    """A file listed individually; ``symbol_count`` is known even when symbols are dropped."""

    path: str
    language: str
    loc: int
    package: str
    symbol_count: int


@dataclass(frozen=True, slots=True)
class ContextEdge:
    """One kind of a file -> file edge; ``line`` is the first line (0 = unknown)."""

    source: str
    target: str
    kind: str
    weight: int
    line: int
    type_only: bool

    def sort_key(self) -> tuple[str, str, int, str]:
        return (self.source, self.target, KIND_ORDER.get(self.kind, 9), self.kind)


@dataclass(frozen=True, slots=True)
class ContextExternal:
    """One kind of a file -> external package edge."""

    source: str
    package: str
    kind: str
    weight: int
    line: int

    def sort_key(self) -> tuple[str, str, int, str]:
        return (self.source, self.package, KIND_ORDER.get(self.kind, 9), self.kind)


@dataclass(frozen=True, slots=True)
class RolledPackage:
    """The rolled-up (lower-ranked) files of one package, summarised."""

    name: str
    files: int
    loc: int
    symbols: int


@dataclass(frozen=True, slots=True)
class RolledEdge:
    """Summed edges with at least one rolled-up end.

    A rolled end is a package name (meaning: that package's rolled-up files);
    a listed end is a file path.
    """

    source: str
    source_rolled: bool
    target: str
    target_rolled: bool
    kind: str
    weight: int

    def sort_key(self) -> tuple[str, bool, str, bool, int, str]:
        return (self.source, self.source_rolled, self.target, self.target_rolled,
                KIND_ORDER.get(self.kind, 9), self.kind)


@dataclass(frozen=True, slots=True)
class RolledExternal:
    """Summed external imports of one package's rolled-up files."""

    package: str
    external: str
    kind: str
    weight: int

    def sort_key(self) -> tuple[str, str, int, str]:
        return (self.package, self.external, KIND_ORDER.get(self.kind, 9), self.kind)


@dataclass(frozen=True, slots=True)
class ContextHeader:
    """What the header block states."""

    budget: int = 0
    tokens: int = 0
    level: str = ""
    coverage: Coverage | None = None
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContextGraph:
    """The graph a context describes, as sorted tuples (comparable with ``==``).

    ``detailed`` holds the listed files whose symbols are present.
    """

    files: tuple[ContextFile, ...]
    symbols: tuple[Symbol, ...]
    edges: tuple[ContextEdge, ...]
    externals: tuple[ContextExternal, ...]
    detailed: frozenset[str]
    packages: tuple[RolledPackage, ...] = ()
    rolled_edges: tuple[RolledEdge, ...] = ()
    rolled_externals: tuple[RolledExternal, ...] = ()
    header: ContextHeader = field(default_factory=ContextHeader)

    @property
    def listed(self) -> frozenset[str]:
        """Paths of the files listed individually."""
        return frozenset(f.path for f in self.files)

    def restrict(self, listed: Iterable[str], detailed: Iterable[str]) -> ContextGraph:
        """The part of this graph that a context listing ``listed`` (symbols for ``detailed``) shows in full.

        Rolled-up summaries and the header are dropped, so a full graph and a
        read-back context compare equal on what both show in detail.
        """
        keep = frozenset(listed)
        full = frozenset(detailed) & keep
        return ContextGraph(
            files=tuple(f for f in self.files if f.path in keep),
            symbols=tuple(s for s in self.symbols if s.path in full),
            edges=tuple(e for e in self.edges if e.source in keep and e.target in keep),
            externals=tuple(x for x in self.externals if x.source in keep),
            detailed=full & self.detailed,
        )


# --- escaping ---------------------------------------------------------------------

_ALWAYS = frozenset("%<>")
_HEX_RUN = re.compile(r"(?:%[0-9A-F]{2})+")


def _encode(ch: str) -> str:
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))


def _decode_run(match: re.Match[str]) -> str:
    return bytes.fromhex(match.group(0).replace("%", "")).decode("utf-8", "surrogatepass")


def escape_name(value: str, extra: str = "") -> str:
    """Escape repository text (a path, a name) into one delimiter-free token.

    ``%``, ``<``, ``>``, every whitespace / control / format / unassigned
    character, and the characters in ``extra`` become ``%XX`` (UTF-8 bytes);
    the empty string is ``%-`` and ``.`` is ``%2E`` (``.`` alone means the
    root package).  Deterministic and reversed by :func:`unescape_name`.
    """
    if value == "":
        return "%-"
    if value == ".":
        return "%2E"
    out = []
    for ch in value:
        if ch in _ALWAYS or ch in extra or unicodedata.category(ch)[0] in "CZ":
            out.append(_encode(ch))
        else:
            out.append(ch)
    return "".join(out)


def unescape_name(token: str) -> str:
    """Reverse :func:`escape_name`."""
    if token == "%-":
        return ""
    try:
        return _HEX_RUN.sub(_decode_run, token)
    except UnicodeDecodeError as e:
        raise ContextFormatError(f"bad escape in {token!r}: {e}") from e


def escape_text(value: str) -> str:
    """Escape free text (a header fact) onto one line that cannot form a delimiter.

    ``%``, control / line-break characters, and any ``<`` or ``>`` next to the
    same character become ``%XX``; ordinary spaces and ``->`` stay readable.
    """
    out = []
    last = len(value) - 1
    for i, ch in enumerate(value):
        doubled = ch in "<>" and ((i > 0 and value[i - 1] == ch) or (i < last and value[i + 1] == ch))
        if ch == "%" or doubled or (ch != " " and unicodedata.category(ch)[0] in "CZ"):
            out.append(_encode(ch))
        else:
            out.append(ch)
    return "".join(out)


def unescape_text(value: str) -> str:
    """Reverse :func:`escape_text`."""
    try:
        return _HEX_RUN.sub(_decode_run, value)
    except UnicodeDecodeError as e:
        raise ContextFormatError(f"bad escape in {value!r}: {e}") from e


def escape_package(name: str) -> str:
    """Package token: ``.`` for the root package, else :func:`escape_name`."""
    return ROOT_PACKAGE if name == "" else escape_name(name)


def unescape_package(token: str) -> str:
    """Reverse :func:`escape_package`."""
    return "" if token == ROOT_PACKAGE else unescape_name(token)


def kind_code(kind: str, codes: dict[str, str]) -> str:
    """Short code of a kind, or ``{escaped kind}`` for kinds without one."""
    code = codes.get(kind)
    return code if code is not None else "{" + escape_name(kind, extra="{},@^") + "}"


def format_kinds(items: Iterable[tuple[str, int, int]]) -> str:
    """``i@4,c3@20``: per (kind, weight, line) the code, the weight unless 1, ``@line`` unless 0."""
    parts = []
    for kind, weight, line in items:
        text = kind_code(kind, EDGE_CODES)
        if weight != 1:
            text += str(weight)
        if line:
            text += f"@{line}"
        parts.append(text)
    return ",".join(parts)


_KIND_ITEM = re.compile(r"^(?:([a-z])|\{([^{}]*)\})(\d*)(?:@(\d+))?$")


def parse_kinds(text: str) -> list[tuple[str, int, int]]:
    """Reverse :func:`format_kinds`."""
    out = []
    for item in text.split(","):
        m = _KIND_ITEM.match(item)
        if m is None:
            raise ContextFormatError(f"bad kind list item {item!r}")
        code, named, weight, line = m.groups()
        if code is not None:
            if code not in _EDGE_KINDS:
                raise ContextFormatError(f"unknown edge code {code!r}")
            kind = _EDGE_KINDS[code]
        else:
            kind = unescape_name(named)
        out.append((kind, int(weight) if weight else 1, int(line) if line else 0))
    return out


def _share(part: int, total: int) -> float:
    return 1.0 if total == 0 else part / total


def percent(part: int, total: int) -> int:
    """Share as a whole percentage, rounded down (100 only when complete)."""
    return 100 if total == 0 else (100 * part) // total


# --- reading ----------------------------------------------------------------------

_RE_TOKENS = re.compile(r"^# tokens: (\d+) used of (\d+) budget$")
_RE_COVERAGE = re.compile(
    r"^# coverage: files (\d+)/(\d+) \(\d+%\) with symbols, (\d+)/\d+ \(\d+%\) listed; "
    r"symbols (\d+)/(\d+) \(\d+%\); edges (\d+)/(\d+) \(\d+%\); rolled up: \d+/\d+ packages$"
)
_RE_DETAIL = re.compile(r"^# detail: (.*)$")
_RE_FACT = re.compile(r"^# fact: (.*)$")
_RE_PACKAGE = re.compile(r"^## p(\d+) (\S+)$")
_RE_FILE = re.compile(r"^f(\d+) (\S+) (\S+) loc=(\d+)(?: syms=(\d+))?$")
_RE_SYMBOL = re.compile(r"^  ([A-Z]|\{[^{} ]*\})(\d+) (\S+)(?: \^(\S+))?$")
_RE_EDGE = re.compile(r"^  -> f(\d+) (\S+)( type-only)?$")
_RE_ROLLED_EDGE = re.compile(r"^  ~> ([fp])(\d+) (\S+)$")
_RE_EXTERNAL = re.compile(r"^  x (\S+) (\S+)$")
_RE_ROLLED_EXTERNAL = re.compile(r"^  ~x (\S+) (\S+)$")
_RE_ROLLED = re.compile(r"^  ~ rolled files=(\d+) loc=(\d+) syms=(\d+)$")


def read_context(text: str) -> ContextGraph:
    """Parse a repository context back into a :class:`ContextGraph`.

    Text outside the delimiters is ignored, so a whole prompt can be passed.

    Raises:
        ContextFormatError: the delimiters are missing or a line does not parse.
    """
    start = text.find(BEGIN)
    end = text.find(END, start + 1)
    if start < 0 or end < 0:
        raise ContextFormatError("repository context delimiters not found")
    lines = text[start:end].split("\n")[1:]
    reader = _Reader()
    for number, line in enumerate(lines, start=2):
        if line == "":
            continue
        try:
            reader.feed(line)
        except (ContextFormatError, KeyError) as e:
            raise ContextFormatError(f"context line {number}: {e}: {line!r}") from e
    return reader.result()


class _Reader:
    """Line-by-line state for :func:`read_context`; keys are resolved at the end."""

    def __init__(self) -> None:
        self.budget = self.tokens = 0
        self.level = ""
        self.coverage_numbers: tuple[int, ...] | None = None
        self.facts: list[str] = []
        self.packages: dict[int, str] = {}
        self.files: dict[int, ContextFile] = {}
        self.detailed: set[int] = set()
        self.symbols: list[tuple[int, str, int, str, str]] = []
        self.edges: list[tuple[int, int, str, int, int, bool]] = []
        self.externals: list[tuple[int, str, str, int, int]] = []
        self.rolled: dict[int, RolledPackage] = {}
        self.rolled_edges: list[tuple[str, int, str, int, str, int]] = []
        self.rolled_externals: list[tuple[int, str, str, int]] = []
        self.package: int | None = None
        self.owner: tuple[str, int] | None = None

    def feed(self, line: str) -> None:
        if line.startswith("## "):
            m = _must(_RE_PACKAGE, line)
            self.package = int(m.group(1))
            self.packages[self.package] = unescape_package(m.group(2))
            self.owner = None
        elif line.startswith("#"):
            self._header(line)
        elif line.startswith("f"):
            self._file(line)
        elif line.startswith("  ~ rolled"):
            self._rolled(line)
        elif line.startswith("  "):
            self._detail(line)
        else:
            raise ContextFormatError("unexpected line")

    def _header(self, line: str) -> None:
        if m := _RE_TOKENS.match(line):
            self.tokens, self.budget = int(m.group(1)), int(m.group(2))
        elif m := _RE_COVERAGE.match(line):
            self.coverage_numbers = tuple(int(g) for g in m.groups())
        elif m := _RE_DETAIL.match(line):
            self.level = m.group(1)
        elif m := _RE_FACT.match(line):
            self.facts.append(unescape_text(m.group(1)))

    def _file(self, line: str) -> None:
        if self.package is None:
            raise ContextFormatError("file outside a package section")
        m = _must(_RE_FILE, line)
        key = int(m.group(1))
        count = m.group(5)
        self.files[key] = ContextFile(
            path=unescape_name(m.group(2)), language=unescape_name(m.group(3)), loc=int(m.group(4)),
            package=self.packages[self.package], symbol_count=-1 if count is None else int(count),
        )
        if count is None:
            self.detailed.add(key)
        self.owner = ("f", key)

    def _rolled(self, line: str) -> None:
        if self.package is None:
            raise ContextFormatError("rolled summary outside a package section")
        m = _must(_RE_ROLLED, line)
        files, loc, syms = (int(g) for g in m.groups())
        self.rolled[self.package] = RolledPackage(self.packages[self.package], files, loc, syms)
        self.owner = ("p", self.package)

    def _detail(self, line: str) -> None:
        if self.owner is None:
            raise ContextFormatError("detail line without a file or rolled summary above")
        side, key = self.owner
        if m := _RE_EDGE.match(line):
            if side != "f":
                raise ContextFormatError("'->' under a rolled summary")
            for kind, weight, at in parse_kinds(m.group(2)):
                self.edges.append((key, int(m.group(1)), kind, weight, at, m.group(3) is not None))
        elif m := _RE_ROLLED_EDGE.match(line):
            for kind, weight, _ in parse_kinds(m.group(3)):
                self.rolled_edges.append((side, key, m.group(1), int(m.group(2)), kind, weight))
        elif m := _RE_ROLLED_EXTERNAL.match(line):
            for kind, weight, _ in parse_kinds(m.group(2)):
                self.rolled_externals.append((key, unescape_name(m.group(1)), kind, weight))
        elif m := _RE_EXTERNAL.match(line):
            for kind, weight, at in parse_kinds(m.group(2)):
                self.externals.append((key, unescape_name(m.group(1)), kind, weight, at))
        elif m := _RE_SYMBOL.match(line):
            if side != "f":
                raise ContextFormatError("symbol under a rolled summary")
            code = m.group(1)
            kind = _SYMBOL_KINDS[code] if len(code) == 1 else unescape_name(code[1:-1])
            parent = unescape_name(m.group(4)) if m.group(4) is not None else ""
            self.symbols.append((key, unescape_name(m.group(3)), int(m.group(2)), kind, parent))
        else:
            raise ContextFormatError("unrecognised detail line")

    def result(self) -> ContextGraph:
        counts: dict[int, int] = {}
        for key, *_ in self.symbols:
            counts[key] = counts.get(key, 0) + 1
        files = {
            k: f if f.symbol_count >= 0 else _with_count(f, counts.get(k, 0))
            for k, f in self.files.items()
        }
        path = {k: f.path for k, f in files.items()}
        symbols = tuple(sorted(
            (Symbol(name, kind, path[key], line, parent) for key, name, line, kind, parent in self.symbols),
            key=Symbol.sort_key,
        ))
        edges = tuple(sorted(
            (ContextEdge(path[s], path[t], k, w, at, to) for s, t, k, w, at, to in self.edges),
            key=ContextEdge.sort_key,
        ))
        externals = tuple(sorted(
            (ContextExternal(path[s], pkg, k, w, at) for s, pkg, k, w, at in self.externals),
            key=ContextExternal.sort_key,
        ))

        def end(side: str, key: int) -> tuple[str, bool]:
            return (self.packages[key], True) if side == "p" else (path[key], False)

        rolled_edges = tuple(sorted(
            (RolledEdge(*end(ss, sk), *end(ts, tk), k, w) for ss, sk, ts, tk, k, w in self.rolled_edges),
            key=RolledEdge.sort_key,
        ))
        rolled_externals = tuple(sorted(
            (RolledExternal(self.packages[p], ext, k, w) for p, ext, k, w in self.rolled_externals),
            key=RolledExternal.sort_key,
        ))
        packages = tuple(sorted(self.rolled.values(), key=lambda p: p.name))
        coverage = None
        if self.coverage_numbers is not None:
            ff, ft, fl, sf, st, ef, et = self.coverage_numbers
            coverage = Coverage(ff, ft, sf, st, ef, et, tuple(p.name for p in packages), fl)
        return ContextGraph(
            files=tuple(sorted(files.values(), key=lambda f: f.path)),
            symbols=symbols,
            edges=edges,
            externals=externals,
            detailed=frozenset(path[k] for k in self.detailed),
            packages=packages,
            rolled_edges=rolled_edges,
            rolled_externals=rolled_externals,
            header=ContextHeader(self.budget, self.tokens, self.level, coverage, tuple(self.facts)),
        )


def _with_count(f: ContextFile, count: int) -> ContextFile:
    return ContextFile(f.path, f.language, f.loc, f.package, count)


def _must(pattern: re.Pattern[str], line: str) -> re.Match[str]:
    m = pattern.match(line)
    if m is None:
        raise ContextFormatError("malformed line")
    return m

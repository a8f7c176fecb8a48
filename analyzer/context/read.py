"""Read a repository context (the text ``context/write.py`` writes) back into data.

It needs no networkx, so tests, the pipeline and tools can check what a model was shown.
The format's pieces live in :mod:`analyzer.context.format` and are re-exported here.
"""

from __future__ import annotations

import re

from analyzer.context.format import (
    BEGIN,
    END,
    KINDS,
    LINES,
    NAMES,
    SYMBOL_KINDS_BY_CODE,
    SYMBOLS,
    UNKNOWN,
    ContextEdge,
    ContextExternal,
    ContextFile,
    ContextFormatError,
    ContextGraph,
    ContextHeader,
    Coverage,
    RolledEdge,
    RolledPackage,
    escape_name,
    escape_text,
    file_path_of,
    parse_kinds,
    unescape_name,
    unescape_package,
    unescape_text,
)
from analyzer.domain import Symbol

__all__ = [
    "BEGIN",
    "END",
    "ContextFormatError",
    "ContextGraph",
    "Coverage",
    "escape_name",
    "escape_text",
    "read_context",
    "unescape_name",
    "unescape_text",
]

# --- reading ---------------------------------------------------------------------

_RE_TOKENS = re.compile(r"^# tokens: (\d+) used of (\d+) budget$")
_RE_COVERAGE = re.compile(
    r"^# coverage: files (\d+)/(\d+) \(\d+%\) listed, (\d+) with kinds, (\d+) with lines, "
    r"(\d+) \(\d+%\) with symbols; symbols (\d+)/(\d+) \(\d+%\); edges (\d+)/(\d+) \(\d+%\) named; "
    r"rolled up: \d+ files into \d+ summaries(?: at depth (\d+))?$"
)
_RE_DETAIL = re.compile(r"^# detail: (.*)$")
_RE_FACT = re.compile(r"^# fact: (.*)$")
_RE_PACKAGE = re.compile(r"^## (?:p(\d+) )?(\S+)(?: \*(\.\S+))?$")
_RE_FILE_FULL = re.compile(r"^(?:f(\d+) )?(\S+) (\S+) loc=(\d+)(?: syms=(\d+))?$")
_RE_FILE_NAME = re.compile(r"^(?:f(\d+) )?(\S+)(?: -> ([fp]\d+(?: [fp]\d+)*))?$")
_RE_SYMBOL = re.compile(r"^  ([A-Z]|\{[^{} ]*\})(\d+) (\S+)(?: \^(\S+))?$")
_RE_EDGE = re.compile(r"^  -> f(\d+) (\S+)( type-only)?$")
_RE_ROLLED_EDGE = re.compile(r"^  ~> ([fp])(\d+) (\S+)$")
_RE_EXTERNAL = re.compile(r"^  x (\S+) (\S+)$")
_RE_ROLLED = re.compile(r"^  ~ rolled( tree)? files=(\d+) loc=(\d+) syms=(\d+)$")


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
    try:
        return reader.result()
    except KeyError as e:
        raise ContextFormatError(f"reference to an undefined key {e}") from e


class _Reader:
    """Line-by-line state for :func:`read_context`; keys are resolved at the end."""

    def __init__(self) -> None:
        self.budget = self.tokens = 0
        self.level = ""
        self.coverage_numbers: tuple[int, ...] | None = None
        self.facts: list[str] = []
        self.package = ""
        self.in_section = False
        self.group_keys: dict[int, str] = {}
        self.file_keys: dict[int, str] = {}
        self.files: dict[str, ContextFile] = {}
        self.levels: dict[str, int] = {}
        self.symbols: list[Symbol] = []
        self.edges: list[tuple[str, tuple[str, int], str, int, int, bool]] = []
        self.externals: list[ContextExternal] = []
        self.rolled: dict[str, RolledPackage] = {}
        self.rolled_edges: list[tuple[tuple[str, int | str], tuple[str, int], str, int]] = []
        self.owner: tuple[str, str] | None = None  # ("f", path) or ("p", package)
        self.extension = ""  # the section's "*.ext": added to its names-level file names

    def feed(self, line: str) -> None:
        if line.startswith("## "):
            m = _must(_RE_PACKAGE, line)
            self.package = unescape_package(m.group(2))
            self.extension = unescape_name(m.group(3)) if m.group(3) else ""
            self.in_section = True
            if m.group(1) is not None:
                self.group_keys[int(m.group(1))] = self.package
            self.owner = None
        elif line.startswith("#"):
            self._header(line)
        elif line.startswith("  ~ rolled"):
            self._rolled(line)
        elif line.startswith("  "):
            self._detail(line)
        else:
            self._file(line)

    def _header(self, line: str) -> None:
        if m := _RE_TOKENS.match(line):
            self.tokens, self.budget = int(m.group(1)), int(m.group(2))
        elif m := _RE_COVERAGE.match(line):
            self.coverage_numbers = tuple(-1 if g is None else int(g) for g in m.groups())
        elif m := _RE_DETAIL.match(line):
            self.level = m.group(1)
        elif m := _RE_FACT.match(line):
            self.facts.append(unescape_text(m.group(1)))

    def _file(self, line: str) -> None:
        if not self.in_section:
            raise ContextFormatError("file outside a package section")
        if m := _RE_FILE_FULL.match(line):
            key, token, language, loc, count = m.groups()
            path = file_path_of(token, self.package, relative=False)
            self._new(path)
            self.files[path] = ContextFile(
                path, unescape_name(language), int(loc), self.package, UNKNOWN if count is None else int(count)
            )
            self.levels[path] = SYMBOLS if count is None else KINDS
        else:
            m = _must(_RE_FILE_NAME, line)
            key, token, targets = m.groups()
            path = file_path_of(token, self.package, relative=True) + self.extension
            self._new(path)
            self.files[path] = ContextFile(path, "", UNKNOWN, self.package, UNKNOWN)
            self.levels[path] = NAMES
            for target in (targets or "").split():
                if target[0] == "f":
                    self.edges.append((path, ("f", int(target[1:])), "", 0, 0, False))
                else:
                    self.rolled_edges.append((("f", path), ("p", int(target[1:])), "", 0))
        if key is not None:
            if int(key) in self.file_keys:
                raise ContextFormatError(f"key f{key} defined twice")
            self.file_keys[int(key)] = path
        self.owner = ("f", path)

    def _new(self, path: str) -> None:
        if path in self.files:
            raise ContextFormatError(f"file {path!r} listed twice")

    def _rolled(self, line: str) -> None:
        if not self.in_section:
            raise ContextFormatError("rolled summary outside a package section")
        m = _must(_RE_ROLLED, line)
        files, loc, syms = (int(g) for g in m.groups()[1:])
        self.rolled[self.package] = RolledPackage(self.package, files, loc, syms, m.group(1) is not None)
        self.owner = ("p", self.package)

    def _detail(self, line: str) -> None:
        if self.owner is None:
            raise ContextFormatError("detail line without a file or rolled summary above")
        side, owner = self.owner
        level = self.levels.get(owner, NAMES) if side == "f" else KINDS
        if side == "f" and level == NAMES:
            raise ContextFormatError("detail line under a names-level file")
        if m := _RE_EDGE.match(line):
            if side != "f":
                raise ContextFormatError("'->' under a rolled summary")
            for kind, weight, at in parse_kinds(m.group(2)):
                self.edges.append((owner, ("f", int(m.group(1))), kind, weight, at, m.group(3) is not None))
                self._has_line(owner, at)
        elif m := _RE_ROLLED_EDGE.match(line):
            for kind, weight, _ in parse_kinds(m.group(3)):
                self.rolled_edges.append(((side, owner), (m.group(1), int(m.group(2))), kind, weight))
        elif m := _RE_EXTERNAL.match(line):
            if side != "f":
                raise ContextFormatError("'x' under a rolled summary")
            for kind, weight, at in parse_kinds(m.group(2)):
                self.externals.append(ContextExternal(owner, unescape_name(m.group(1)), kind, weight, at))
                self._has_line(owner, at)
        elif m := _RE_SYMBOL.match(line):
            if side != "f" or level != SYMBOLS:
                raise ContextFormatError("symbol line outside a symbols-level file")
            code = m.group(1)
            kind = SYMBOL_KINDS_BY_CODE[code] if len(code) == 1 else unescape_name(code[1:-1])
            parent = unescape_name(m.group(4)) if m.group(4) is not None else ""
            self.symbols.append(Symbol(unescape_name(m.group(3)), kind, owner, int(m.group(2)), parent))
        else:
            raise ContextFormatError("unrecognised detail line")

    def _has_line(self, path: str, at: int) -> None:
        if at and self.levels[path] == KINDS:
            self.levels[path] = LINES

    def result(self) -> ContextGraph:
        counts: dict[str, int] = {}
        for s in self.symbols:
            counts[s.path] = counts.get(s.path, 0) + 1
        files = {p: f if self.levels[p] != SYMBOLS else _with_count(f, counts.get(p, 0)) for p, f in self.files.items()}

        def end(side: str, key: int | str) -> tuple[str, bool]:
            if side == "p":
                return (self.group_keys[key], True) if isinstance(key, int) else (key, True)
            return (self.file_keys[key], False) if isinstance(key, int) else (key, False)

        edges = sorted(
            {ContextEdge(s, self.file_keys[t[1]], k, w, at, to) for s, t, k, w, at, to in self.edges},
            key=ContextEdge.sort_key,
        )
        rolled_edges = tuple(
            sorted(
                (RolledEdge(*end(*s), *end(*t), k, w) for s, t, k, w in self.rolled_edges),
                key=RolledEdge.sort_key,
            )
        )
        packages = tuple(sorted(self.rolled.values(), key=lambda p: p.name))
        coverage = None
        if self.coverage_numbers is not None:
            fl, ft, fk, fi, ff, sf, st, ef, et, depth = self.coverage_numbers
            coverage = Coverage(ff, ft, sf, st, ef, et, tuple(p.name for p in packages), fl, fk, fi, depth)
        # a kinds-level file whose edges have no first lines reads as kinds-only: it shows the same
        with_kinds = frozenset(p for p, lv in self.levels.items() if lv >= KINDS)
        with_lines = frozenset(p for p, lv in self.levels.items() if lv >= LINES)
        return ContextGraph(
            files=tuple(sorted(files.values(), key=lambda f: f.path)),
            symbols=tuple(sorted(self.symbols, key=Symbol.sort_key)),
            edges=tuple(edges),
            externals=tuple(sorted(self.externals, key=ContextExternal.sort_key)),
            detailed=frozenset(p for p, lv in self.levels.items() if lv == SYMBOLS),
            packages=packages,
            rolled_edges=rolled_edges,
            header=ContextHeader(self.budget, self.tokens, self.level, coverage, tuple(self.facts)),
            with_kinds=with_kinds,
            with_lines=with_lines,
        )


def _with_count(f: ContextFile, count: int) -> ContextFile:
    return ContextFile(f.path, f.language, f.loc, f.package, count)


def _must(pattern: re.Pattern[str], line: str) -> re.Match[str]:
    m = pattern.match(line)
    if m is None:
        raise ContextFormatError("malformed line")
    return m

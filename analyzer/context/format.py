"""The repository-context format: delimiters, short codes, escaping, and the value types a context
parses into.  Shared by the writer (:mod:`analyzer.context.write`) and the reader
(:mod:`analyzer.context.read`); needs no networkx.  The format is documented in
:mod:`analyzer.context.write`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from analyzer.domain import CALL, IMPORT, INHERIT, TYPE, Symbol

BEGIN = "<<<REPOSITORY-CONTEXT"
END = "REPOSITORY-CONTEXT>>>"

#: symbol kind -> one-letter code (unknown kinds are written ``{kind}``)
SYMBOL_CODES: dict[str, str] = {
    "class": "C",
    "interface": "I",
    "struct": "S",
    "enum": "E",
    "trait": "T",
    "type": "Y",
    "function": "F",
    "method": "M",
    "constant": "K",
    "macro": "X",
    "module": "N",
}
#: dependency kind -> one-letter code (unknown kinds are written ``{kind}``)
EDGE_CODES: dict[str, str] = {IMPORT: "i", CALL: "c", INHERIT: "h", TYPE: "u"}
SYMBOL_KINDS_BY_CODE = {v: k for k, v in SYMBOL_CODES.items()}
_EDGE_KINDS = {v: k for k, v in EDGE_CODES.items()}
#: sort position of known dependency kinds; unknown ones follow by name
KIND_ORDER: dict[str, int] = {IMPORT: 0, CALL: 1, INHERIT: 2, TYPE: 3}
TYPE_ONLY = "type-only"
ROOT_PACKAGE = "."

#: per-file detail levels, poorest first (see :mod:`analyzer.context.write`)
NAMES, KINDS, LINES, SYMBOLS = 0, 1, 2, 3
#: ``ContextFile.loc`` / ``symbol_count`` when the context does not state them
UNKNOWN = -1


class ContextFormatError(ValueError):
    """The text is not a well-formed repository context."""


# --- value types ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the graph a context shows, and at which detail.

    Every listed file is named with its internal edges; of those,
    ``files_kinds`` also show edge kinds and weights, sizes, languages and
    externals, ``files_lines`` also the first line of each edge, and
    ``files_full`` also their symbols (each a prefix of the rank order).  The
    other ``files_total - files_listed`` files are rolled up into summaries
    (``rolled_up_packages``: their directories, grouped at ``rollup_depth``
    path segments; -1 when nothing is rolled up).  ``edges_*`` count
    (source, target) file pairs; an edge is named when both ends are listed.
    """

    files_full: int
    files_total: int
    symbols_full: int
    symbols_total: int
    edges_full: int
    edges_total: int
    rolled_up_packages: tuple[str, ...]
    files_listed: int
    files_kinds: int = 0
    files_lines: int = 0
    rollup_depth: int = -1

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
    """A file listed individually.

    ``symbol_count`` is known even when symbols are dropped; at the names
    level ``language`` is ``""`` and ``loc`` / ``symbol_count`` are ``UNKNOWN``.
    """

    path: str
    language: str
    loc: int
    package: str
    symbol_count: int


@dataclass(frozen=True, slots=True)
class ContextEdge:
    """One kind of a file -> file edge; ``line`` is the first line (0 = unknown).

    At the names level a pair is one edge with ``kind=""`` and ``weight=0``.
    """

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
    tree: bool = False  # also the rolled files of every directory below ``name``


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
        return (
            self.source,
            self.source_rolled,
            self.target,
            self.target_rolled,
            KIND_ORDER.get(self.kind, 9),
            self.kind,
        )


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

    ``detailed`` holds the listed files whose symbols are present,
    ``with_kinds`` those shown with edge kinds, sizes and externals, and
    ``with_lines`` those whose edges carry first lines (read back: those
    showing any first line).  Neither takes part in ``==``: what compares is
    the content.
    """

    files: tuple[ContextFile, ...]
    symbols: tuple[Symbol, ...]
    edges: tuple[ContextEdge, ...]
    externals: tuple[ContextExternal, ...]
    detailed: frozenset[str]
    packages: tuple[RolledPackage, ...] = ()
    rolled_edges: tuple[RolledEdge, ...] = ()
    header: ContextHeader = field(default_factory=ContextHeader)
    with_kinds: frozenset[str] | None = field(default=None, compare=False)
    with_lines: frozenset[str] | None = field(default=None, compare=False)

    @property
    def listed(self) -> frozenset[str]:
        """Paths of the files listed individually."""
        return frozenset(f.path for f in self.files)

    @property
    def kinds_files(self) -> frozenset[str]:
        """Listed files shown with edge kinds (all listed files when not stated)."""
        return self.listed if self.with_kinds is None else self.with_kinds

    @property
    def lines_files(self) -> frozenset[str]:
        """Listed files whose edges carry first lines (all listed files when not stated)."""
        return self.listed if self.with_lines is None else self.with_lines

    def restrict(
        self,
        listed: Iterable[str],
        detailed: Iterable[str],
        *,
        kinds: Iterable[str] | None = None,
        lines: Iterable[str] | None = None,
    ) -> ContextGraph:
        """The part of this graph that a context shows, at the detail it shows it.

        ``listed`` files are named with their internal edges; ``kinds`` (default:
        all listed) keep edge kinds, weights, sizes, languages and externals;
        ``lines`` (default: all of ``kinds``) keep first lines; ``detailed`` keep
        symbols.  Rolled-up summaries and the header are dropped, so a full
        graph and a read-back context compare equal on what both show.
        """
        keep = frozenset(listed)
        with_kinds = keep if kinds is None else frozenset(kinds) & keep
        with_lines = with_kinds if lines is None else frozenset(lines) & with_kinds
        with_kinds &= self.kinds_files
        with_lines &= self.lines_files
        full = frozenset(detailed) & with_lines
        files = tuple(
            f if f.path in with_kinds else ContextFile(f.path, "", UNKNOWN, f.package, UNKNOWN)
            for f in self.files
            if f.path in keep
        )
        edges: set[ContextEdge] = set()
        for e in self.edges:
            if e.source not in keep or e.target not in keep:
                continue
            if e.source not in with_kinds:
                e = ContextEdge(e.source, e.target, "", 0, 0, False)
            elif e.source not in with_lines:
                e = ContextEdge(e.source, e.target, e.kind, e.weight, 0, e.type_only)
            edges.add(e)
        externals = tuple(
            x if x.source in with_lines else ContextExternal(x.source, x.package, x.kind, x.weight, 0)
            for x in self.externals
            if x.source in with_kinds
        )
        return ContextGraph(
            files=files,
            symbols=tuple(s for s in self.symbols if s.path in full),
            edges=tuple(sorted(edges, key=ContextEdge.sort_key)),
            externals=externals,
            detailed=full & self.detailed,
            with_kinds=with_kinds,
            with_lines=with_lines,
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


_KEY_LIKE = re.compile(r"^[fp]\d+$")


def is_key_like(token: str) -> bool:
    """Whether a name token would read as a file or section key (``f12``, ``p3``)."""
    return bool(_KEY_LIKE.match(token))


def file_token(path: str, package: str, key: int | None, relative: bool) -> str:
    """The start of a file line: ``fK`` (when keyed) and the file's name token.

    ``relative`` (names level): the path relative to its package directory,
    or ``/`` + the whole path when the file does not lie in it.  A leading
    ``/`` of a relative name, and the first character of a keyless token that
    looks like a key or starts with ``#`` (a header line), are ``%``-escaped,
    so the reader never confuses them.
    """
    if relative:
        prefix = package + "/" if package else ""
        if path.startswith(prefix) and path != prefix:
            token = escape_name(path[len(prefix) :])
            if token.startswith("/"):
                token = "%2F" + token[1:]
        else:
            token = "/" + escape_name(path)
    else:
        token = escape_name(path)
    if key is not None:
        return f"f{key} {token}"
    return _encode(token[0]) + token[1:] if _KEY_LIKE.match(token) or token[0] == "#" else token


def file_path_of(token: str, package: str, relative: bool) -> str:
    if not relative:
        return unescape_name(token)
    if token.startswith("/"):
        return unescape_name(token[1:])
    name = unescape_name(token)
    return f"{package}/{name}" if package else name

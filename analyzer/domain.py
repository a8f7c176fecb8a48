"""Frozen value types shared by every pipeline stage.

Every path held by these objects is a repository-relative POSIX string; the
absolute root lives only in :class:`analyzer.config.Settings`.  Paths double
as graph node keys.  Everything a stage returns is sorted (see each type's
``sort_key``) so that golden tests and prompt diffs stay stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]

# --- dependency kinds -------------------------------------------------------
IMPORT = "import"
CALL = "call"
INHERIT = "inherit"
TYPE = "type"
DEPENDENCY_KINDS = (IMPORT, CALL, INHERIT, TYPE)

#: how tightly one use of each kind binds two files: the one table behind PageRank, Louvain
#: communities, coupling (between communities and between boundaries) and the proposed boundaries.
#: Inheriting from a class ties a file to it hardest; naming a type (a field, parameter, local or
#: return type, a generic argument, a cast) binds more than calling a member; an import is the
#: weakest signal, counted only for a pair with no finer edge (dynamic languages, re-exports).
#: Cycles and layers follow imports alone, unweighted.
EDGE_KIND_WEIGHTS = {INHERIT: 4, TYPE: 3, CALL: 1, IMPORT: 1}


def binding_weight(kinds: Mapping[str, int]) -> int:
    """Binding weight of a file pair from its uses per kind (``EDGE_KIND_WEIGHTS``).

    Each kind adds its weight times ``n.bit_length()`` (1 use: 1, 2-3: 2, 4-7: 3, ...), so that
    a pair calling one class forty times does not outweigh one that holds it as a field; the
    import term counts only when the pair has no finer kind.  Unknown kinds weigh 1.
    """
    finer = any(n > 0 and k != IMPORT for k, n in kinds.items())
    return sum(
        EDGE_KIND_WEIGHTS.get(k, 1) * n.bit_length() for k, n in kinds.items() if n > 0 and not (finer and k == IMPORT)
    )


# --- graph node / edge attribute names (shared by static/graph.py and context/write.py) --
#: node attribute: "file" | "external" | "package"
NODE_KIND = "kind"
NODE_FILE = "file"
NODE_EXTERNAL = "external"
#: node attribute on file nodes: language name
NODE_LANGUAGE = "language"
#: node attribute on file nodes: lines of code (non-blank lines)
NODE_LOC = "loc"
#: node attribute on file nodes: tuple[Symbol, ...]
NODE_SYMBOLS = "symbols"
#: node attribute on file nodes: the package (directory) a file belongs to
NODE_PACKAGE = "package"
#: node attribute on external nodes: True for a language's standard library
NODE_STANDARD = "standard"
#: edge attribute: dict kind -> weight (number of occurrences)
EDGE_KINDS = "kinds"
#: edge attribute: total weight over all kinds
EDGE_WEIGHT = "weight"
#: edge attribute: the pair's binding weight (:func:`binding_weight` of ``EDGE_KINDS``)
EDGE_BINDING = "binding"
#: edge attribute: dict kind -> first line in the source file
EDGE_LINES = "lines"
#: edge attribute: True when the pair has only type-only imports and no other kind of edge
EDGE_TYPE_ONLY = "type_only"
#: edge attribute: True when the pair holds at least one import that is not type-only
#: (so the dependency exists at run time); cycles and layers use this view
EDGE_RUNTIME_IMPORT = "runtime_import"
#: prefix of external package node keys ("ext:requests")
EXTERNAL_PREFIX = "ext:"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file selected by discovery."""

    path: str
    language: str
    size: int
    digest: str  # sha256 hex of the raw bytes


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A per-file (or per-run) problem, reported as data, never raised."""

    path: str
    line: int
    severity: Severity
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.severity, self.message)


@dataclass(frozen=True, slots=True)
class Symbol:
    """A definition found in a file.

    ``kind`` is one of: class, interface, struct, enum, trait, type, function,
    method, constant, macro, module (package / namespace declarations).
    ``parent`` is the enclosing class-like symbol name, if any.
    """

    name: str
    kind: str
    path: str
    line: int
    parent: str = ""

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.name, self.kind)


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One imported module (or file) as written in the source.

    ``module`` is the text as written, with quotes removed (``..models``,
    ``./util``, ``github.com/x/y``, ``stdio.h``).  ``names`` are the names
    imported from it (``from m import a, b`` -> ("a", "b")), ``*`` for
    wildcards.  ``kind`` is the import form: import, from, include,
    system_include, require, require_relative, use, mod, using, dynamic.
    ``type_only`` marks imports that exist only for type checking
    (``if TYPE_CHECKING:``, TypeScript ``import type``).  ``scope`` is set for
    an import that applies beyond its file (C# ``global using``): the directory
    whose files of the same language all see what it imports ("" = the root).
    ``within`` is the namespace the import is written inside (C# ``namespace A.B { using C; }``:
    ``A.B``), where a relative name is looked up before the global one.
    """

    path: str
    module: str
    names: tuple[str, ...]
    line: int
    kind: str = "import"
    type_only: bool = False
    scope: str | None = None
    within: str = ""

    def sort_key(self) -> tuple[str, int, str, tuple[str, ...]]:
        return (self.path, self.line, self.module, self.names)


@dataclass(frozen=True, slots=True)
class Reference:
    """Uses of a name in one file: ``kind`` is call, type or inherit (reference kinds of the queries).

    One value per (name, kind) and file: ``line`` is the first use, ``count``
    the number of uses.
    """

    path: str
    name: str
    kind: str
    line: int
    count: int = 1

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.name, self.kind)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What parsing learned about one file."""

    source: SourceFile
    loc: int
    symbols: tuple[Symbol, ...]
    imports: tuple[ImportRef, ...]
    references: tuple[Reference, ...]
    #: package / namespace declared in the file (Java, Go, C#, PHP, Kotlin...)
    namespace: str = ""
    diagnostics: tuple[Diagnostic, ...] = ()
    #: the language's own facts for its type-aware reference pass (``LanguageSpec.type_facts``:
    #: Java's declarations and typed uses), plain tuples; () for the other languages
    facts: tuple[object, ...] = ()

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True, slots=True)
class Dependency:
    """A file-level edge inside the repository (``source`` -> ``target``).

    For ``call``, ``inherit`` and ``type`` edges, ``symbols`` names the definitions of
    ``target`` that ``source`` uses (the symbol-level def/ref detail behind
    the edge); ``weight`` counts the uses.
    """

    source: str
    target: str
    kind: str  # import | call | inherit | type
    line: int
    weight: int = 1
    type_only: bool = False
    symbols: tuple[str, ...] = ()

    def sort_key(self) -> tuple[str, str, str, int]:
        return (self.source, self.target, self.kind, self.line)


@dataclass(frozen=True, slots=True)
class ExternalDependency:
    """An import that leaves the repository, grouped by its package name.

    ``standard``: the package is part of the importing language's standard library
    (Python's, Node's built-ins, Go's, the JDK, libc...), not a third-party dependency.
    """

    source: str
    package: str
    module: str
    line: int
    standard: bool = False

    def sort_key(self) -> tuple[str, str, str, int]:
        return (self.package, self.source, self.module, self.line)


#: end of the reason of an unresolved import whose module name or path is computed at run time
RUN_TIME_REASON_SUFFIX = "built at run time"
#: start of the diagnostic on a source file that its project does not build (C# legacy .csproj)
NOT_BUILT_PREFIX = "not built: "


@dataclass(frozen=True, slots=True)
class UnresolvedImport:
    """An import that looks internal (relative, quoted include...) but matches no file, or whose
    module name is computed at run time (``module`` is then the expression as written)."""

    source: str
    module: str
    line: int
    reason: str

    def sort_key(self) -> tuple[str, int, str]:
        return (self.source, self.line, self.module)

    @property
    def at_run_time(self) -> bool:
        """The module name or path is built at run time (no file could be named)."""
        return self.reason.endswith(RUN_TIME_REASON_SUFFIX)


@dataclass(frozen=True, slots=True)
class SkipCounts:
    """Files discovery left out, counted by reason (reason -> count)."""

    counts: tuple[tuple[str, int], ...] = ()

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True, slots=True)
class Discovery:
    """Output of discovery: the files to parse and what was skipped.

    ``skipped_dirs``: (path, reason) of every folder pruned whole, sorted by path, so that a wrong
    skip is visible.  ``ignore_files``: whether ``.gitignore`` files were applied, and why.
    """

    files: tuple[SourceFile, ...]
    skipped: SkipCounts
    diagnostics: tuple[Diagnostic, ...] = ()
    skipped_dirs: tuple[tuple[str, str], ...] = ()
    ignore_files: str = ""


@dataclass(frozen=True, slots=True)
class Resolution:
    """Output of resolution: internal edges, external and unresolved imports."""

    dependencies: tuple[Dependency, ...]
    externals: tuple[ExternalDependency, ...]
    unresolved: tuple[UnresolvedImport, ...]
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class RepoIndex:
    """Lookup tables handed to per-language import resolvers.

    ``files``: every discovered path.  ``namespaces``: declared namespace ->
    paths declaring it.  ``definitions``: top-level symbol name -> paths.
    ``referenced`` / ``defined``: names used / defined per file, so resolvers
    of namespace imports (Java wildcards, C# ``using``, Go packages) can
    narrow a namespace to the files that define what the importer uses.
    ``config``: per-language configuration read from the tree (go.mod module
    path, tsconfig paths, composer PSR-4 map...), keyed by language name, as
    sorted tuples of (key, value) pairs.
    """

    files: frozenset[str]
    namespaces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    definitions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    config: dict[str, object] = field(default_factory=dict)
    #: path -> names the file references (calls, types, inheritance)
    referenced: dict[str, frozenset[str]] = field(default_factory=dict)
    #: path -> names the file defines (any symbol kind)
    defined: dict[str, frozenset[str]] = field(default_factory=dict)
    #: path -> the file's type facts (``ParsedFile.facts``), for the files of languages that have them
    facts: dict[str, tuple[object, ...]] = field(default_factory=dict)


# --- graph stage results (graph.analyze_graph) --------------------------------


@dataclass(frozen=True, slots=True)
class Cycle:
    """A strongly connected component (size > 1) of the import graph.

    ``shortest`` is one shortest cycle inside it, without repeating the start
    (``("a", "b")`` means a -> b -> a).
    """

    nodes: tuple[str, ...]
    shortest: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FileMetrics:
    """Per-file figures; ``fan_in``/``fan_out`` count distinct internal neighbours."""

    path: str
    loc: int
    fan_in: int
    fan_out: int
    pagerank: float
    layer: int
    churn: int
    hotspot: float


@dataclass(frozen=True, slots=True)
class PackageMetrics:
    """Martin's coupling metrics for a directory (``""`` is the repository root).

    ``ca`` (afferent): distinct other packages with a file depending on one of
    ours; ``ce`` (efferent): distinct other packages we depend on;
    ``instability = ce / (ca + ce)``, 0.0 when both are 0.
    """

    package: str
    files: int
    loc: int
    ca: int
    ce: int
    instability: float


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A file that is both large and central (and, with git history, often changed)."""

    path: str
    score: float
    loc: int
    pagerank: float
    churn: int


@dataclass(frozen=True, slots=True)
class Community:
    """A cluster of files found by Louvain; ``name`` is their common directory."""

    id: int
    name: str
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExternalUse:
    """An external package and the files importing it (``standard``: see ExternalDependency)."""

    name: str
    importers: tuple[str, ...]
    standard: bool = False


@dataclass(frozen=True, slots=True)
class GraphAnalysis:
    """Everything ``graph.analyze_graph`` derives from the graph; all fields sorted.

    * ``cycles``: runtime import cycles (SCCs of size > 1), by (-size, nodes).
    * ``type_only_cycles``: import SCCs that exist only through type-only
      imports; ``shortest`` is a shortest cycle through a type-only import.
    * ``pagerank``: ``(path, score)`` by (-score, path); scores sum to ~1.
    * ``files``: :class:`FileMetrics` by path.
    * ``packages``: :class:`PackageMetrics` by package.
    * ``layers``: ``(depth, files)`` by depth.  Over the condensation of the
      runtime import graph, a file importing no other file is at depth 0 and
      any other file sits at ``1 + max(depth of what it imports)``; all files
      of one cycle share a depth.
    * ``orphans``: files with no internal edge of any kind, in or out.
    * ``hotspots``: top ``graph.HOTSPOT_LIMIT`` files with a positive score,
      ``score = loc/max_loc * pagerank/max_pagerank`` (times
      ``1 + churn/max_churn`` when churn is given), by (-score, path).
    * ``communities``: Louvain clusters of the undirected weighted file graph,
      ids by (-size, first file).  Orphans would each form a singleton, so
      they are gathered instead in one last community named ``unassigned``.
    * ``coupling``: ``(community_a, community_b, weight)`` with a < b, the
      summed edge weight between the two in both directions, sorted.
    * ``externals``: :class:`ExternalUse` by name.
    """

    cycles: tuple[Cycle, ...]
    type_only_cycles: tuple[Cycle, ...]
    pagerank: tuple[tuple[str, float], ...]
    files: tuple[FileMetrics, ...]
    packages: tuple[PackageMetrics, ...]
    layers: tuple[tuple[int, tuple[str, ...]], ...]
    orphans: tuple[str, ...]
    hotspots: tuple[Hotspot, ...]
    communities: tuple[Community, ...]
    coupling: tuple[tuple[int, int, int], ...]
    externals: tuple[ExternalUse, ...]


# --- numbered facts and the model's checked items (shared by model/ and documents/) ---------


@dataclass(frozen=True, slots=True)
class Fact:
    """One computed fact the model may cite by its stable ``id``.

    ``id`` is ``F<n>`` (sizes, central files, hotspots, coupling), ``C<n>`` (an import cycle),
    ``B<n>`` (a candidate boundary) or ``W<n>`` (an extraction wave); ``names`` are the graph names it
    involves (files, boundaries); ``terms`` the domain terms of a boundary (frequent identifier words
    of its file and class names); ``edges`` the ``(source, target)`` import edges of a cycle.
    """

    id: str
    text: str
    names: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    edges: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ModelItem:
    """One structured answer of the model, checked on its own.

    ``task`` is ``"finding"``, ``"boundary"``, ``"cycle"`` or ``"wave"``; ``subject`` the fact it is
    about (``B2``, ``C1``, ``W3``; a finding's number ``1``, ``2``...); ``fields`` its values as
    sorted ``(name, value)`` pairs (lists joined by ", "); ``status`` ``"accepted"`` or
    ``"rejected"``, with the ``reason`` of a rejection in plain words.
    """

    task: str
    subject: str
    fields: tuple[tuple[str, str], ...]
    status: str
    reason: str = ""

    def get(self, name: str) -> str:
        """The value of field ``name`` ("" when absent)."""
        return next((v for k, v in self.fields if k == name), "")

    @property
    def accepted(self) -> bool:
        """Whether the checks kept this item."""
        return self.status == "accepted"

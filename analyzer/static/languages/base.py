"""What every language module builds on: :class:`LanguageSpec`, :class:`ResolvedImport`, and the
helpers resolvers share (node text, nearest files, computed module names...).

The language modules import this module; ``languages/__init__`` imports them for the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import ParamSpec, Protocol, TypeVar

from tree_sitter import Node

from analyzer.domain import RUN_TIME_REASON_SUFFIX, Diagnostic, ImportRef, ParsedFile, RepoIndex

T = TypeVar("T")


P = ParamSpec("P")


R = TypeVar("R")


def per_file_set(fn: Callable[P, R]) -> Callable[P, R]:
    """Memoize a function of a per-run table (the file set, the namespace table) and constants
    on its arguments' identity.

    ``lru_cache`` compares an equal but distinct frozenset element by element on every hit: the
    run key's configuration pass and the resolver each build their own set of the same paths,
    and a cache filled by the first made every lookup of the second cost thousands of string
    compares (Django's resolution went from 0.18 s to 0.9 s).  The last 8 calls are kept.
    """
    memo: list[tuple[tuple[object, ...], R]] = []

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if kwargs:
            return fn(*args, **kwargs)
        for key, value in memo:
            if len(key) == len(args) and all(a is b for a, b in zip(key, args)):
                return value
        value = fn(*args, **kwargs)
        memo.insert(0, (args, value))
        del memo[8:]
        return value

    return wrapper


@dataclass(frozen=True, slots=True)
class ResolvedImport:
    """Where one import leads.

    Exactly one of: ``targets`` (internal files), ``external`` (a package name
    outside the repository), ``unresolved`` (a reason: the import looks
    internal but no file matches).  ``ignored`` marks imports that are neither
    (for example the standard library of C, when no include dir matches).
    """

    targets: tuple[str, ...] = ()
    external: str = ""
    unresolved: str = ""
    #: for an import that reaches other files (ImportRef.scope set): the directory whose
    #: files it reaches, when the resolver knows better than the importer's own (C#: the project)
    scope: str | None = None


class ImportResolver(Protocol):
    def __call__(self, ref: ImportRef, index: RepoIndex) -> ResolvedImport: ...


class TypedLinker(Protocol):
    """A language's type-aware reference pass over the whole repository (see ``LanguageSpec.typed_links``)."""

    def links(self, parsed: ParsedFile) -> list[tuple[str, str, str, int, int]]:
        """(target file, edge kind, symbol, first line, count) of each use in ``parsed`` that
        names something of another file; symbol "" when the use names the file itself (a module
        namespace), not one of its definitions."""
        ...


class ConfigLoader(Protocol):
    def __call__(self, root: Path, files: frozenset[str]) -> object: ...


def _keep(ref: ImportRef, statement: Node) -> ImportRef | None:
    return ref


def _no_config(root: Path, files: frozenset[str]) -> object:
    return None


def _same_namespace(path: str, namespace: str) -> str:
    return namespace


def _only_itself(key: str) -> tuple[str, ...]:
    return (key,) if key else ()


def _same_name(name: str) -> str:
    return name


def _not_standard(package: str) -> bool:
    return False


def _no_project_imports(index: RepoIndex) -> tuple[ImportRef, ...]:
    return ()


def _no_project_diagnostics(index: RepoIndex) -> tuple[Diagnostic, ...]:
    return ()


def _no_implicit_links(importer: str, names: frozenset[str], index: RepoIndex) -> dict[str, frozenset[str]]:
    return {}


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """Everything the pipeline needs to know about one language."""

    name: str
    extensions: tuple[str, ...]
    grammar: Callable[[], object]
    resolve_import: ImportResolver
    #: folder under queries/ (defaults to ``name``)
    query_dir: str = ""
    #: adjust (or drop, by returning None) an ImportRef built from captures
    postprocess_import: Callable[[ImportRef, Node], ImportRef | None] = _keep
    #: read per-language configuration from the tree (go.mod, tsconfig.json...)
    load_config: ConfigLoader = _no_config
    #: languages whose resolvers may share one config (ts/tsx/js)
    config_key: str = ""
    #: names defined in the same namespace/package are visible without import
    namespace_visibility: bool = False
    #: file names (not extensions) that belong to the language
    filenames: tuple[str, ...] = field(default=())
    #: key a file's declared namespace is indexed under (Go: directory + package)
    namespace_key: Callable[[str, str], str] = _same_namespace
    #: namespaces visible from a namespace key (C#: the enclosing namespaces too)
    visible_namespaces: Callable[[str], tuple[str, ...]] = _only_itself
    #: (file, files of a namespace it sees) -> those it links to by name (Java: of a class that
    #: several builds define, the nearest copy); None = all of them
    namespace_files: Callable[[str, tuple[str, ...]], frozenset[str]] | None = None
    #: files a file uses without importing them, by the names it references (Ruby: Rails
    #: autoloading): (importer, referenced names, index) -> {target: the referenced names that reach it}
    implicit_links: Callable[[str, frozenset[str], RepoIndex], dict[str, frozenset[str]]] = _no_implicit_links
    #: the name a referenced name stands for among its target's definitions, for the edge's
    #: symbols (Ruby: an implicit link found by ``Redmine::Scm::Base`` names ``Base``)
    symbol_of: Callable[[str], str] = _same_name
    #: byte ranges of the code inside a file of mixed content (Vue: its <script> blocks);
    #: None = the whole file is code
    source_ranges: Callable[[bytes], list[tuple[int, int]]] | None = None
    #: imports declared outside the source files (C#: ``<Using Include>`` items of a .csproj),
    #: each with a ``scope``: what they resolve to is visible to every file under it (no edges)
    project_imports: Callable[[RepoIndex], tuple[ImportRef, ...]] = _no_project_imports
    #: names of calls that load the module their first argument names (Python ``import_module``):
    #: parse.py reads each such call reference as an import statement (the call node), whose
    #: ``postprocess_import`` decides between a literal name and one built at run time
    import_calls: frozenset[str] = frozenset()
    #: notes on files as the project files see them (C#: a file a legacy .csproj does not compile)
    project_diagnostics: Callable[[RepoIndex], tuple[Diagnostic, ...]] = _no_project_diagnostics
    #: True when an external package name (as resolve_import returns it) is the language's
    #: standard library rather than a third-party dependency
    is_standard_library: Callable[[str], bool] = _not_standard
    #: the per-file facts of a type-aware reference pass, from the syntax tree (ParsedFile.facts);
    #: None = references are linked by name (the queries' ``@reference.*`` captures)
    type_facts: Callable[[Node], tuple[object, ...]] | None = None
    #: a file's imports refined by its type facts (Go: each import's names are those the file uses
    #: through it, ``pkg.Name``), applied at parse time; None = the imports as the queries found them
    imports_from_facts: Callable[[tuple[ImportRef, ...], tuple[object, ...]], tuple[ImportRef, ...]] | None = None
    #: the type-aware reference pass built over every file of the languages sharing it (TypeScript
    #: and TSX), with their facts and the index: it replaces the by-name linking of ``resolve.py``
    typed_links: Callable[[Sequence[ParsedFile], RepoIndex], TypedLinker] | None = None
    #: languages whose files the type-aware pass also reads, without linking them (C++: the C
    #: headers a C++ file includes, and their includes)
    typed_reads: tuple[str, ...] = ()
    #: the type-aware pass adds to the by-name linking instead of replacing it (Rust: method calls
    #: only, which its queries leave out)
    typed_adds: bool = False
    #: True when a directory's files are one unit that cannot be split (Go: a package shares its
    #: unexported names): proposed boundaries keep each such directory whole
    indivisible_directory: bool = False
    #: kinds of definition that open a name rather than create it (Ruby: ``module`` / ``class``
    #: reopen one object in many files): a name the file itself opens so is its own, and a use of
    #: it there links to no other file that opens it too (a superclass still links)
    reopened_kinds: frozenset[str] = frozenset()

    @property
    def queries(self) -> str:
        return self.query_dir or self.name

    @property
    def config_name(self) -> str:
        return self.config_key or self.name


def node_text(node: Node | None) -> str:
    """Decoded text of a node ("" for None)."""
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


#: import kind of a module name computed at run time (``import_module(name)``, ``require(dir + x)``):
#: resolve.py lists it as unresolved with :data:`COMPUTED_REASON` (no resolver sees it): no file is guessed
KIND_COMPUTED = "computed"


COMPUTED_REASON = f"module name {RUN_TIME_REASON_SUFFIX}"


_COMPUTED_MAX = 120


def call_arguments(call: Node) -> list[Node]:
    """The argument nodes of a call (its ``arguments`` field; every grammar here names it so)."""
    arguments = call.child_by_field_name("arguments")
    return arguments.named_children if arguments is not None else []


def computed_name(expression: str) -> str:
    """How a computed module name is listed: the expression as written, on one line, shortened."""
    text = " ".join(expression.split())
    return text if len(text) <= _COMPUTED_MAX else text[: _COMPUTED_MAX - 1] + "…"


def strip_quotes(text: str) -> str:
    """Remove one pair of surrounding quotes / angle brackets."""
    if len(text) >= 2 and text[0] in "\"'`<" and text[-1] in "\"'`>":
        return text[1:-1]
    return text


@per_file_set
def ancestor_dirs(files: frozenset[str]) -> frozenset[str]:
    """Every directory holding one of ``files`` at any depth, with its ancestors ("" for the root)."""
    dirs = {""}
    for f in files:
        parts = f.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    return frozenset(dirs)


@per_file_set
def files_by_suffix(files: frozenset[str], extensions: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """``b/c.h`` and ``c.h`` -> the files (with one of ``extensions``, no dot) whose path ends with it.

    For includes that name a file relative to a directory no configuration names
    (C/C++ without compile_commands.json, PHP's include_path).  Built once per file set.
    """
    out: dict[str, list[str]] = {}
    for f in files:
        if f.rsplit(".", 1)[-1].lower() not in extensions:
            continue
        parts = f.split("/")
        for i in range(1, len(parts)):
            out.setdefault("/".join(parts[i:]), []).append(f)
        out.setdefault(f, []).append(f)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def innermost_holding(path: str, items: Iterable[T], directory: Callable[[T], str]) -> T | None:
    """The item whose directory ("" = the root) holds ``path`` most closely, if any."""
    best: T | None = None
    depth = -1
    for item in items:
        d = directory(item)
        if (not d or path.startswith(d + "/")) and len(d) > depth:
            best, depth = item, len(d)
    return best


def nearest(importer: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The candidates sharing the most leading directories with ``importer``."""
    if len(candidates) <= 1:
        return candidates
    here = importer.split("/")[:-1]

    def shared(path: str) -> int:
        n = 0
        for a, b in zip(path.split("/")[:-1], here):
            if a != b:
                break
            n += 1
        return n

    best = max(shared(c) for c in candidates)
    return tuple(c for c in candidates if shared(c) == best)


def narrow_to_referenced(candidates: tuple[str, ...], importer: str, index: RepoIndex) -> tuple[str, ...]:
    """Of the files of an imported namespace, keep those defining a name the importer uses.

    When the importer uses none of them by name, every candidate is kept (the
    import still depends on the namespace as a whole).
    """
    used = index.referenced.get(importer, frozenset())
    narrowed = tuple(c for c in candidates if c != importer and used & index.defined.get(c, frozenset()))
    if narrowed:
        return tuple(sorted(narrowed))
    return tuple(sorted(c for c in candidates if c != importer))

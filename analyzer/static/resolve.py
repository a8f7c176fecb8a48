"""Resolve stage: ParsedFile imports and references -> Dependency edges.

Import edges come from each language's resolver.  Symbol edges (``call`` for
calls and type uses, ``inherit`` for base classes) link a reference in file A
to a file B that defines the name, when B is one A imports or, for languages
with namespace visibility (Java, Go, C#), one declaring A's namespace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern

from analyzer.config import Settings
from analyzer.domain import (
    CALL,
    IMPORT,
    INHERIT,
    Dependency,
    Diagnostic,
    ExternalDependency,
    ImportRef,
    ParsedFile,
    Reference,
    RepoIndex,
    Resolution,
    UnresolvedImport,
)
from analyzer.static.languages import (
    COMPUTED_REASON,
    KIND_COMPUTED,
    LanguageSpec,
    ResolvedImport,
    TypedLinker,
    load_language_configs,
    registry,
)

#: by-name linking (every language without a typed pass) still folds type uses into ``call``
_REF_KIND = {"call": CALL, "type": CALL, "inherit": INHERIT}
_PROGRESS_EVERY = 256
#: visible files a file scans directly, without weighing the definer table
_FEW_VISIBLE = 64


def _scoped_imports(p: ParsedFile, scoped: dict[tuple[str, str], set[str]]) -> set[str]:
    """What the scoped imports (C# ``global using``) of directories above ``p`` bring into it."""
    out: set[str] = set()
    for (language, directory), targets in scoped.items():
        if language == p.source.language and (not directory or p.path.startswith(directory + "/")):
            out |= targets
    return out


def _resolve_one(
    spec: LanguageSpec, ref: ImportRef, index: RepoIndex, diagnostics: list[Diagnostic]
) -> ResolvedImport | None:
    """``spec.resolve_import``; None (and an error diagnostic) when the resolver fails.

    A module name built at run time (kind ``computed``) names no file in any language: it is
    listed as unresolved here, before any resolver could guess.
    """
    if ref.kind == KIND_COMPUTED:
        return ResolvedImport(unresolved=COMPUTED_REASON)
    try:
        return spec.resolve_import(ref, index)
    except (ValueError, KeyError, IndexError, TypeError) as e:  # a resolver bug must not stop the run
        diagnostics.append(Diagnostic(ref.path, ref.line, "error", f"cannot resolve import {ref.module!r}: {e}"))
        return None


def _from_definers(count_definers: Callable[[], int], n_visible: int) -> bool:
    """Link a file's references from the files defining its names (else from its visible files).

    Only worth asking when many files are visible (a large namespace): a file that sees
    a few imports scans them directly, and the definer table is then never built.
    """
    return n_visible > _FEW_VISIBLE and count_definers() < n_visible


def build_index(parsed: Iterable[ParsedFile], root: Path) -> RepoIndex:
    """Lookup tables for resolvers, including per-language configuration files."""
    parsed = list(parsed)
    files = frozenset(p.path for p in parsed)
    namespaces: dict[str, set[str]] = defaultdict(set)
    definitions: dict[str, set[str]] = defaultdict(set)
    specs = registry()
    for p in parsed:
        key = specs[p.source.language].namespace_key(p.path, p.namespace) if p.namespace else ""
        if key:
            namespaces[key].add(p.path)
        for s in p.symbols:
            if not s.parent:
                definitions[s.name].add(p.path)
    config = load_language_configs(root, files, (p.source.language for p in parsed))
    return RepoIndex(
        files=files,
        namespaces={k: tuple(sorted(v)) for k, v in namespaces.items()},
        definitions={k: tuple(sorted(v)) for k, v in definitions.items()},
        config=config,
        referenced={p.path: frozenset(r.name for r in p.references) for p in parsed},
        defined={p.path: frozenset(s.name for s in p.symbols) for p in parsed},
        facts={p.path: p.facts for p in parsed if p.facts},
    )


@dataclass(slots=True)
class _Edge:
    """What the passes gathered for one (source, target, kind) edge."""

    first_line: int
    count: int
    type_only: bool  # every import behind the edge imports types only
    symbols: set[str] = field(default_factory=set)  # call/inherit edges: the names the source uses


class _EdgeTable:
    """Internal edges as the passes find them, merged per (source, target, kind)."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str, str], _Edge] = {}

    def add(self, src: str, dst: str, kind: str, line: int, type_only: bool = False, count: int = 1) -> _Edge:
        """Count ``count`` uses at ``line`` on the edge; returns its record."""
        key = (src, dst, kind)
        edge = self._edges.get(key)
        if edge is None:
            edge = self._edges[key] = _Edge(line, count, type_only)
        else:
            edge.first_line = min(edge.first_line, line)
            edge.count += count
            edge.type_only = edge.type_only and type_only
        return edge

    def dependencies(self) -> tuple[Dependency, ...]:
        """The edges as sorted :class:`Dependency` values."""
        return tuple(
            sorted(
                (
                    Dependency(s, t, k, e.first_line, e.count, e.type_only, tuple(sorted(e.symbols)))
                    for (s, t, k), e in self._edges.items()
                ),
                key=Dependency.sort_key,
            )
        )


@dataclass(slots=True)
class _Imports:
    """What the import pass found besides its edges: the reference pass reads the first two."""

    #: file -> the files it imports
    imported: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: (language, directory) -> files imported for every file of the language under it
    scoped: defaultdict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    externals: set[ExternalDependency] = field(default_factory=set)
    unresolved: set[UnresolvedImport] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def resolve_dependencies(
    parsed: Iterable[ParsedFile], settings: Settings, on_progress: Callable[[int, int], None] | None = None
) -> Resolution:
    """Turn imports and references into sorted internal edges, externals and unresolved imports.

    ``on_progress`` is called with (files done, total) as the imports are resolved.
    """
    parsed = sorted(parsed, key=lambda p: p.path)
    index = build_index(parsed, settings.root)
    edges = _EdgeTable()
    imports = _resolve_imports(parsed, index, edges, on_progress)
    _resolve_references(parsed, index, imports, edges)
    return Resolution(
        dependencies=edges.dependencies(),
        externals=tuple(sorted(imports.externals, key=ExternalDependency.sort_key)),
        unresolved=tuple(sorted(imports.unresolved, key=UnresolvedImport.sort_key)),
        diagnostics=tuple(sorted(imports.diagnostics, key=Diagnostic.sort_key)),
    )


def _resolve_imports(
    parsed: Sequence[ParsedFile],
    index: RepoIndex,
    edges: _EdgeTable,
    on_progress: Callable[[int, int], None] | None,
) -> _Imports:
    """The import pass: each file's imports, then the imports project files declare for all sources."""
    total = len(parsed)
    specs = registry()
    out = _Imports()
    for done, p in enumerate(parsed):
        if on_progress and done % _PROGRESS_EVERY == 0:
            on_progress(done, total)
        _resolve_file_imports(p, specs[p.source.language], index, edges, out)
    _resolve_project_imports(sorted({p.source.language for p in parsed}), specs, index, out)
    if on_progress:
        on_progress(total, total)
    return out


def _resolve_file_imports(
    p: ParsedFile, spec: LanguageSpec, index: RepoIndex, edges: _EdgeTable, out: _Imports
) -> None:
    """One file's imports: internal edges, scoped visibility, externals and unresolved imports."""
    for ref in p.imports:
        result = _resolve_one(spec, ref, index, out.diagnostics)
        if result is None:
            continue
        if result.targets:
            for target in result.targets:
                if target != p.path:
                    edges.add(p.path, target, IMPORT, ref.line, ref.type_only)
                    out.imported[p.path].add(target)
            if ref.scope is not None:
                scope = result.scope if result.scope is not None else ref.scope
                out.scoped[(p.source.language, scope)].update(result.targets)
        elif result.external:
            # interned: a resolver's cached answer and this file's module name are one object or two
            # depending on which run filled the cache; the pickled run cache must not depend on it
            package, module = intern(result.external), intern(ref.module)
            out.externals.add(ExternalDependency(p.path, package, module, ref.line, spec.is_standard_library(package)))
        elif result.unresolved:
            out.unresolved.add(UnresolvedImport(p.path, ref.module, ref.line, result.unresolved))


def _resolve_project_imports(
    languages: Iterable[str], specs: Mapping[str, LanguageSpec], index: RepoIndex, out: _Imports
) -> None:
    """Imports a project file declares for all its sources (no file imports them: visibility only)."""
    for language in languages:
        spec = specs[language]
        out.diagnostics.extend(spec.project_diagnostics(index))
        for ref in spec.project_imports(index):
            result = _resolve_one(spec, ref, index, out.diagnostics)
            if result is not None and result.targets and ref.scope is not None:
                scope = result.scope if result.scope is not None else ref.scope
                out.scoped[(language, scope)].update(result.targets)


class _Tables:
    """Repository-wide lookups of the reference pass, shared by every file."""

    def __init__(self, parsed: Sequence[ParsedFile], index: RepoIndex) -> None:
        self.index = index
        self.lang_of = {p.path: p.source.language for p in parsed}
        #: file -> its namespace key, as build_index keyed them
        self.ns_key = {path: key for key, paths in index.namespaces.items() for path in paths}
        self._definers: dict[str, list[str]] | None = None  # name -> files defining it, built on first need

    def definers_of(self, name: str) -> list[str]:
        """The files defining ``name`` at any level."""
        if self._definers is None:
            self._definers = defaultdict(list)
            for path, names_defined in self.index.defined.items():
                for defined in names_defined:
                    self._definers[defined].append(path)
        return self._definers.get(name, [])


@dataclass(frozen=True, slots=True)
class _View:
    """The files one file may link its references to: those it imports and its namespaces' files."""

    path: str
    language: str
    imports: set[str]
    ns_keys: frozenset[str]
    seen: frozenset[str] | None  # the namespace files it sees, where the language picks them
    tables: _Tables

    def sees(self, target: str) -> bool:
        """Whether a name ``target`` defines can be what this file uses."""
        return target != self.path and (
            target in self.imports
            or (
                (self.tables.ns_key.get(target, "") in self.ns_keys if self.seen is None else target in self.seen)
                and self.tables.lang_of.get(target) == self.language
            )
        )

    def size(self) -> int:
        """How many files the view spans, counting each namespace's files."""
        return len(self.imports) + sum(len(self.tables.index.namespaces.get(k, ())) for k in self.ns_keys)

    def candidates(self) -> set[str]:
        """Every file the view spans."""
        out = set(self.imports)
        for k in self.ns_keys:
            out.update(self.tables.index.namespaces.get(k, ()))
        return out


def _resolve_references(parsed: Sequence[ParsedFile], index: RepoIndex, imports: _Imports, edges: _EdgeTable) -> None:
    """The reference pass: ``call``/``inherit`` edges from each file's uses to the visible definers."""
    specs = registry()
    tables = _Tables(parsed, index)
    typed: dict[object, TypedLinker] = {}
    for p in parsed:
        spec = specs[p.source.language]
        if spec.typed_links is None or spec.typed_adds:
            _link_file(p, spec, tables, imports, edges)
        if spec.typed_links is None:
            continue
        linker = typed.get(spec.typed_links)
        if linker is None:  # one pass over every language sharing it (TypeScript and TSX)
            sharing = [
                q
                for q in parsed
                if specs[q.source.language].typed_links is spec.typed_links or q.source.language in spec.typed_reads
            ]
            linker = typed[spec.typed_links] = spec.typed_links(sharing, index)
        for target, kind, symbol, line, count in linker.links(p):
            edge = edges.add(p.path, target, kind, line, count=count)
            if symbol:
                edge.symbols.add(symbol)


def _link_file(p: ParsedFile, spec: LanguageSpec, tables: _Tables, imports: _Imports, edges: _EdgeTable) -> None:
    """The symbol edges of one file: each used name to the visible files defining it."""
    imports_of = imports.imported.get(p.path, set())
    if imports.scoped:
        imports_of = imports_of | _scoped_imports(p, imports.scoped)
    ns_keys: frozenset[str] = frozenset()
    if spec.namespace_visibility and p.namespace:
        ns_keys = frozenset(k for k in spec.visible_namespaces(tables.ns_key.get(p.path, "")) if k)
    own = {s.name for s in p.symbols if s.kind in spec.reopened_kinds} if spec.reopened_kinds else set()
    by_name: dict[str, list[Reference]] = defaultdict(list)
    for use in p.references:
        if use.kind in _REF_KIND and (use.kind == "inherit" or use.name not in own):
            by_name[use.name].append(use)
    implicit = spec.implicit_links(p.path, frozenset(by_name), tables.index) if by_name else {}
    if not imports_of and not ns_keys and not implicit:
        return
    seen: frozenset[str] | None = None
    if ns_keys and spec.namespace_files is not None:
        seen = frozenset().union(*(spec.namespace_files(p.path, tables.index.namespaces.get(k, ())) for k in ns_keys))
    view = _View(p.path, p.source.language, imports_of, ns_keys, seen, tables)
    hits = _visible_definers(view, by_name)
    for target, names_used in implicit.items():
        if target != p.path:
            hits[target].update(names_used)
    for target in sorted(hits):
        for name in sorted(hits[target]):
            for use in by_name[name]:
                kind = _REF_KIND[use.kind]
                edges.add(p.path, target, kind, use.line, count=use.count).symbols.add(spec.symbol_of(name))


def _visible_definers(view: _View, by_name: Mapping[str, list[Reference]]) -> defaultdict[str, set[str]]:
    """target -> names: every file ``view`` sees that defines a name the file uses.

    Found from whichever side is smaller: the visible files (a namespace of thousands of files,
    each file would otherwise scan all of them) or the files defining the used names.
    """
    hits: defaultdict[str, set[str]] = defaultdict(set)
    definers_of = view.tables.definers_of
    if _from_definers(lambda: sum(len(definers_of(n)) for n in by_name), view.size()):
        for name in by_name:
            for target in definers_of(name):
                if view.sees(target):
                    hits[target].add(name)
    else:
        names = frozenset(by_name)
        defined = view.tables.index.defined
        for target in view.candidates():
            if view.sees(target):
                found = names & defined.get(target, frozenset())
                if found:
                    hits[target].update(found)
    return hits

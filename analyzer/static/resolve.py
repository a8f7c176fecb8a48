"""Resolve stage: ParsedFile imports and references -> Dependency edges.

Import edges come from each language's resolver.  Symbol edges (``call`` for
calls and type uses, ``inherit`` for base classes) link a reference in file A
to a file B that defines the name, when B is one A imports or, for languages
with namespace visibility (Java, Go, C#), one declaring A's namespace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

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
    load_language_configs,
    registry,
)

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
    )


def resolve_dependencies(
    parsed: Iterable[ParsedFile], settings: Settings, on_progress: Callable[[int, int], None] | None = None
) -> Resolution:
    """Turn imports and references into sorted internal edges, externals and unresolved imports.

    ``on_progress`` is called with (files done, total) as the imports are resolved.
    """
    parsed = sorted(parsed, key=lambda p: p.path)
    total = len(parsed)
    index = build_index(parsed, settings.root)
    specs = registry()
    deps: dict[tuple[str, str, str], list[int]] = {}  # (src, dst, kind) -> [first line, count, type_only]
    used: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # call/inherit edge -> names it uses
    externals: set[ExternalDependency] = set()
    unresolved: set[UnresolvedImport] = set()
    diagnostics: list[Diagnostic] = []
    imported: dict[str, set[str]] = defaultdict(set)
    #: (language, directory) -> files imported for every file of the language under it
    scoped: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(src: str, dst: str, kind: str, line: int, type_only: bool = False, count: int = 1) -> None:
        key = (src, dst, kind)
        entry = deps.get(key)
        if entry is None:
            deps[key] = [line, count, int(type_only)]
        else:
            entry[0] = min(entry[0], line)
            entry[1] += count
            entry[2] = entry[2] and int(type_only)

    for done, p in enumerate(parsed):
        if on_progress and done % _PROGRESS_EVERY == 0:
            on_progress(done, total)
        spec = specs[p.source.language]
        for ref in p.imports:
            result = _resolve_one(spec, ref, index, diagnostics)
            if result is None:
                continue
            if result.targets:
                for target in result.targets:
                    if target != p.path:
                        add(p.path, target, IMPORT, ref.line, ref.type_only)
                        imported[p.path].add(target)
                if ref.scope is not None:
                    scope = result.scope if result.scope is not None else ref.scope
                    scoped[(p.source.language, scope)].update(result.targets)
            elif result.external:
                externals.add(
                    ExternalDependency(
                        p.path, result.external, ref.module, ref.line, spec.is_standard_library(result.external)
                    )
                )
            elif result.unresolved:
                unresolved.add(UnresolvedImport(p.path, ref.module, ref.line, result.unresolved))

    # imports a project file declares for all its sources (no file imports them: visibility only)
    for language in sorted({p.source.language for p in parsed}):
        spec = specs[language]
        diagnostics.extend(spec.project_diagnostics(index))
        for ref in spec.project_imports(index):
            result = _resolve_one(spec, ref, index, diagnostics)
            if result is not None and result.targets and ref.scope is not None:
                scope = result.scope if result.scope is not None else ref.scope
                scoped[(language, scope)].update(result.targets)

    if on_progress:
        on_progress(total, total)
    lang_of = {p.path: p.source.language for p in parsed}
    ns_key = {path: key for key, paths in index.namespaces.items() for path in paths}  # as build_index keyed them
    definers: dict[str, list[str]] | None = None  # name -> files defining it, built on first need

    def definers_of(name: str) -> list[str]:
        nonlocal definers
        if definers is None:
            definers = defaultdict(list)
            for path, names_defined in index.defined.items():
                for defined in names_defined:
                    definers[defined].append(path)
        return definers.get(name, [])

    for p in parsed:
        spec = specs[p.source.language]
        imports_of = imported.get(p.path, set())
        if scoped:
            imports_of = imports_of | _scoped_imports(p, scoped)
        ns_keys: frozenset[str] = frozenset()
        if spec.namespace_visibility and p.namespace:
            ns_keys = frozenset(k for k in spec.visible_namespaces(ns_key.get(p.path, "")) if k)
        by_name: dict[str, list[Reference]] = defaultdict(list)
        for use in p.references:
            if use.kind in _REF_KIND:
                by_name[use.name].append(use)
        implicit = spec.implicit_links(p.path, frozenset(by_name), index) if by_name else {}
        if not imports_of and not ns_keys and not implicit:
            continue
        language = p.source.language

        seen: frozenset[str] | None = None  # the namespace files p sees, where the language picks them
        if ns_keys and spec.namespace_files is not None:
            seen = frozenset().union(*(spec.namespace_files(p.path, index.namespaces.get(k, ())) for k in ns_keys))

        def visible(target: str) -> bool:
            return target != p.path and (
                target in imports_of
                or (
                    (ns_key.get(target, "") in ns_keys if seen is None else target in seen)
                    and lang_of.get(target) == language
                )
            )

        # (target, name) for every visible file defining a name this file uses, found from
        # whichever side is smaller: the visible files (a namespace of thousands of files,
        # each file would otherwise scan all of them) or the files defining the used names
        hits: dict[str, set[str]] = defaultdict(set)
        n_visible = len(imports_of) + sum(len(index.namespaces.get(k, ())) for k in ns_keys)
        if _from_definers(lambda: sum(len(definers_of(n)) for n in by_name), n_visible):
            for name in by_name:
                for target in definers_of(name):
                    if visible(target):
                        hits[target].add(name)
        else:
            names = frozenset(by_name)
            candidates = set(imports_of)
            for k in ns_keys:
                candidates.update(index.namespaces.get(k, ()))
            for target in candidates:
                if visible(target):
                    found = names & index.defined.get(target, frozenset())
                    if found:
                        hits[target].update(found)
        for target, names_used in implicit.items():
            if target != p.path:
                hits[target].update(names_used)
        for target in sorted(hits):
            for name in sorted(hits[target]):
                for use in by_name[name]:
                    kind = _REF_KIND[use.kind]
                    add(p.path, target, kind, use.line, count=use.count)
                    used[(p.path, target, kind)].add(spec.symbol_of(name))

    dependencies = tuple(
        sorted(
            (
                Dependency(s, t, k, v[0], v[1], bool(v[2]), tuple(sorted(used.get((s, t, k), ()))))
                for (s, t, k), v in deps.items()
            ),
            key=Dependency.sort_key,
        )
    )
    return Resolution(
        dependencies=dependencies,
        externals=tuple(sorted(externals, key=ExternalDependency.sort_key)),
        unresolved=tuple(sorted(unresolved, key=UnresolvedImport.sort_key)),
        diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
    )

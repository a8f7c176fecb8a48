"""``package.json`` as the JavaScript resolver reads it: entry points, ``exports`` and ``imports``.

Node resolves a package's own name (a self-reference or a workspace package) through its
``exports`` map, ``#name`` specifiers through the ``imports`` map of the importer's nearest
``package.json``, and a directory through the ``main`` of a ``package.json`` inside it (bundlers
read ``module``, TypeScript ``types``).  This module reads those fields into plain data; the
resolver in ``javascript.py`` matches specifiers against them.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

#: conditions of an ``exports`` / ``imports`` entry, most source-like first (a condition whose name
#: holds ``source``, such as zod's ``@zod/source``, comes before all of these); others follow in
#: the order written
_CONDITIONS = ("types", "import", "module", "default", "require", "node", "browser")

#: (pattern, targets as written) pairs: ``"./sub"`` / ``"./sub/*"`` for exports, ``"#x"`` for imports
SubpathMap = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class WorkspacePackage:
    """A ``package.json`` inside the repository (``name`` is empty for a nested, nameless one)."""

    name: str
    directory: str
    #: entry candidates from exports["."]/source/module/main/types, repo-relative
    entries: tuple[str, ...]
    #: the ``exports`` subpaths other than ``"."``, targets as written (``./lib/*.js``)
    exports: SubpathMap = ()
    #: the ``imports`` map (``#internal/*``), targets as written (``./src/*.js`` or a package name)
    imports: SubpathMap = ()


def read_package(data: dict[str, object], directory: str) -> WorkspacePackage | None:
    """The resolver's view of one parsed ``package.json``, or None when it holds nothing to use."""
    raw_name = data.get("name")
    name = raw_name if isinstance(raw_name, str) else ""
    exports = data.get("exports")
    if not isinstance(exports, dict) or not all(isinstance(k, str) and k.startswith(".") for k in exports):
        exports = {".": exports}  # a string, a list or a bare condition object: the "." entry only
    entries: list[str] = []
    for value in (
        *condition_targets(exports.get(".")),
        data.get("source"),
        data.get("module"),
        data.get("main"),
        data.get("types"),
        data.get("typings"),
    ):
        if isinstance(value, str) and value:
            joined = join_inside(directory, value)
            if joined is not None and joined not in entries:
                entries.append(joined)
    subpaths = _subpath_map({k: v for k, v in exports.items() if k != "."}, "./")
    raw_imports = data.get("imports")
    imports = _subpath_map(raw_imports, "#") if isinstance(raw_imports, dict) else ()
    if not name and not entries and not subpaths and not imports:
        return None
    return WorkspacePackage(name, directory, tuple(entries), subpaths, imports)


def condition_targets(value: object) -> list[str]:
    """Every target of an ``exports`` / ``imports`` value, in the order worth trying (deduplicated)."""
    out: list[str] = []
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            out.extend(condition_targets(item))
    elif isinstance(value, dict):
        keys = [k for k in value if isinstance(k, str)]
        for key in sorted(keys, key=_condition_rank):  # stable: unknown conditions keep their order
            out.extend(condition_targets(value[key]))
    return list(dict.fromkeys(out))


def match_subpath(mapping: SubpathMap, key: str) -> tuple[str, ...] | None:
    """The targets a subpath map gives ``key``: an exact entry, else the wildcard with the longest head.

    ``*`` in the targets is replaced by what the pattern's ``*`` matched (Node's rule).
    """
    best: tuple[int, str, tuple[str, ...]] | None = None
    for pattern, targets in mapping:
        if pattern == key:
            return targets
        head, star, tail = pattern.partition("*")
        if star and key.startswith(head) and key.endswith(tail) and len(key) >= len(head) + len(tail):
            if best is None or len(head) > best[0]:
                best = (len(head), key[len(head) : len(key) - len(tail)], targets)
    if best is None:
        return None
    _, matched, targets = best
    return tuple(t.replace("*", matched) for t in targets)


def join_inside(directory: str, path: str) -> str | None:
    """``path`` joined to ``directory`` and normalised; None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(directory, path)) if directory else posixpath.normpath(path)
    if joined == ".":
        return ""
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


def _subpath_map(raw: dict[object, object], prefix: str) -> SubpathMap:
    return tuple(
        sorted(
            (key, tuple(condition_targets(value)))
            for key, value in raw.items()
            if isinstance(key, str) and key.startswith(prefix)
        )
    )


def _condition_rank(key: str) -> int:
    if "source" in key:
        return 0
    return 1 + _CONDITIONS.index(key) if key in _CONDITIONS else 1 + len(_CONDITIONS)

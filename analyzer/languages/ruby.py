"""Ruby: ``require`` / ``require_relative`` / ``load`` resolved against the file and the load path.

The load path is the repository root, every ``lib/`` directory and, in a
Rails-like tree, every ``app/<kind>/`` directory (models, controllers...).  A
``require`` that matches no file names a gem (or the standard library): its
first path segment becomes the external package.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import tree_sitter_ruby
from tree_sitter import Node

from ..domain import ImportRef, RepoIndex
from . import LanguageSpec, ResolvedImport, node_text

_EXTENSIONS = (".rb",)
_LOAD_PATHS = "load_paths"


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Set ``kind`` to require_relative for ``require_relative``, require otherwise (require, load)."""
    method = node_text(stmt.child_by_field_name("method"))
    kind = "require_relative" if method == "require_relative" else "require"
    return ImportRef(ref.path, ref.module, ref.names, ref.line, kind, ref.type_only)


def load_config(root: Path, files: frozenset[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The Ruby load path derived from the tree (no file is read).

    Returns:
        ``(("load_paths", dirs),)`` where ``dirs`` lists "" (the root), every
        directory named ``lib`` holding Ruby files and every ``app/<x>``
        directory of a Rails-like tree, sorted.
    """
    dirs: set[str] = {""}
    for path in files:
        if not path.endswith(_EXTENSIONS):
            continue
        parts = path.split("/")[:-1]
        for i, part in enumerate(parts):
            if part == "lib":
                dirs.add("/".join(parts[: i + 1]))
            elif part == "app" and i + 1 < len(parts):
                dirs.add("/".join(parts[: i + 2]))
    return ((_LOAD_PATHS, tuple(sorted(dirs))),)


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one require: relative to the file, then along the load path, else a gem."""
    module = ref.module.strip()
    if not module:
        return ResolvedImport(unresolved="empty require")
    if ref.kind == "require_relative" or module.startswith(("./", "../")):
        base = posixpath.dirname(ref.path)
        joined = posixpath.normpath(posixpath.join(base, module))
        if joined == ".." or joined.startswith("../"):
            return ResolvedImport(unresolved="require_relative beyond the repository root")
        found = _ruby_file(index.files, joined)
        if found:
            return ResolvedImport(targets=(found,))
        return ResolvedImport(unresolved="require_relative matches no file")
    if module.startswith("/"):
        return ResolvedImport(unresolved="absolute require path")
    for base in _load_paths(index, ref.path):
        found = _ruby_file(index.files, posixpath.join(base, module) if base else module)
        if found:
            return ResolvedImport(targets=(found,))
    return ResolvedImport(external=module.split("/", 1)[0].removesuffix(".rb"))


# --- helpers ----------------------------------------------------------------

def _ruby_file(files: frozenset[str], stem: str) -> str | None:
    stem = posixpath.normpath(stem)
    candidates = (stem,) if stem.endswith(_EXTENSIONS) else tuple(stem + e for e in _EXTENSIONS)
    for cand in candidates:
        if cand in files:
            return cand
    return None


def _load_paths(index: RepoIndex, importer: str) -> tuple[str, ...]:
    """Load path dirs in search order.

    Directories sharing more leading components with the importer come first
    (in a monorepo, a gem's own ``lib/`` wins), then shallower ones; the
    repository root is searched last.
    """
    config = index.config.get("ruby")
    dirs: tuple[str, ...] = ("",)
    if isinstance(config, tuple):
        dirs = dict(config).get(_LOAD_PATHS, dirs)
    here = importer.split("/")[:-1]

    def shared(d: str) -> int:
        n = 0
        for a, b in zip(d.split("/"), here):
            if a != b:
                break
            n += 1
        return n

    return tuple(sorted(dirs, key=lambda d: (d == "", -shared(d) if d else 0, d.count("/"), d)))


SPEC = LanguageSpec(
    name="ruby",
    extensions=(".rb", ".rake", ".gemspec"),
    grammar=tree_sitter_ruby.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    filenames=("Rakefile",),
)

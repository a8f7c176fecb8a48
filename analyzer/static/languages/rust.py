"""Rust: `use` paths (crate::, super::, self::, workspace crates), `mod x;` files, Cargo crates.

Module files follow the 2018 layout rules: a module ``m`` declared in a crate
root or ``mod.rs`` lives in ``m.rs`` or ``m/mod.rs`` next to it; declared in
``a/b.rs`` it lives in ``a/b/m.rs`` or ``a/b/m/mod.rs``.  A ``use`` path is
walked from its starting module to the deepest module file that exists, so
``use crate::a::b::C`` leads to ``a/b.rs`` (or to ``a.rs`` when ``b`` is an
item rather than a module).  A file under a Cargo crate's ``src/`` belongs to
``src/lib.rs`` (else ``src/main.rs``).  ``#[path = "x.rs"] mod m;`` links the
declaring file to ``x.rs`` (relative to the declaring file's directory); a
``use`` path through such a module is still walked by the default layout.
Inline modules count like directories (``mod a { mod b; }`` is ``a/b.rs``), a
``use`` path is first rewritten as seen from the file (:mod:`._rust_syntax`),
and in an edition-2015 crate a plain path starts at the crate root.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

import tree_sitter_rust
from tree_sitter import Node

from analyzer.domain import ImportRef, RepoIndex
from analyzer.static.languages._rust_syntax import (
    file_relative,
    in_macro_definition,
    inline_chain,
    macro_use,
    path_tokens,
)
from analyzer.static.languages.base import LanguageSpec, ResolvedImport, innermost_holding, node_text, strip_quotes
from analyzer.static.languages.rust_linking import typed_links
from analyzer.static.languages.rust_types import type_facts

#: first path segments that name the standard library
STD_CRATES = frozenset({"std", "core", "alloc", "proc_macro", "test"})
_ROOT_NAMES = ("lib.rs", "main.rs")
_SPACE = re.compile(r"\s+")
#: ``#[path = "x.rs"] mod m;``: module = the path as written, names = (m,)
KIND_MOD_PATH = "mod_path"


@dataclass(frozen=True, slots=True)
class Crate:
    """One crate of the tree: its directory, name (``-`` -> ``_``), root file and edition."""

    directory: str
    name: str
    root: str
    #: ``package.edition`` ("2015" when the manifest names none, as Cargo reads it)
    edition: str = "2021"


@dataclass(frozen=True, slots=True)
class RustConfig:
    """Crates found from ``Cargo.toml`` files, sorted by directory."""

    crates: tuple[Crate, ...] = ()

    def crate_of(self, path: str) -> Crate | None:
        """The innermost crate whose directory contains ``path``."""
        return innermost_holding(path, self.crates, attrgetter("directory"))

    def by_name(self, name: str) -> Crate | None:
        """The workspace crate called ``name``, if any."""
        for crate in self.crates:
            if crate.name == name:
                return crate
        return None


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Set kind (``mod`` / ``use``), normalise path text and mark globs with ``*``.

    Inside inline modules (``mod a { mod b; }``) a ``mod`` declaration's module
    is the inline path down to it (``a::b``), and a ``#[path]`` one carries that
    path as its name; ``self::`` / ``super::`` of a ``use`` and a first segment
    naming an item or ``use`` binding in scope are rewritten relative to the file
    (see :func:`_file_relative`).  A ``use`` among a macro call's tokens (its
    ``use`` keyword is the statement) is parsed again from those tokens.
    """
    if stmt.type in ("mod_item", "identifier"):
        if stmt.type == "identifier" and in_macro_definition(stmt):
            return None  # a macro_rules! body: a template, not a declaration
        chain = inline_chain(stmt)
        path = _path_attribute(stmt) if stmt.type == "mod_item" else path_tokens(stmt)
        if path is not None:
            return ImportRef(ref.path, path, ("::".join([*chain, ref.module]),), ref.line, KIND_MOD_PATH)
        return ImportRef(ref.path, "::".join([*chain, ref.module]), (), ref.line, "mod")
    if stmt.type == "use":
        parts = None if in_macro_definition(stmt) else macro_use(stmt)
        return _use_ref(ref, *parts, stmt) if parts is not None else None
    if stmt.type == "extern_crate_declaration":
        module = _SPACE.sub("", ref.module)
        if module in ("self", "crate", "super"):
            return None
        return ImportRef(ref.path, module, (), ref.line, "use")
    argument = stmt.child_by_field_name("argument")
    if argument is not None and argument.type == "use_wildcard":
        return _use_ref(ref, ref.module, [*ref.names, "*"], stmt)
    return _use_ref(ref, ref.module, ref.names, stmt)


def _use_ref(ref: ImportRef, module: str, names: Iterable[str], stmt: Node) -> ImportRef:
    """A ``use`` import: whitespace removed, names cut below the module, the path as seen from the file."""
    cleaned = {_clean_name(n) for n in names}
    return ImportRef(
        ref.path, file_relative(_SPACE.sub("", module), stmt), tuple(sorted(n for n in cleaned if n)), ref.line, "use"
    )


def _path_attribute(item: Node) -> str | None:
    """The value of a ``#[path = "..."]`` attribute on ``item`` (the attributes before it)."""
    sibling = item.prev_named_sibling
    while sibling is not None and sibling.type in ("attribute_item", "line_comment", "block_comment"):
        if sibling.type == "attribute_item":
            attribute = next((c for c in sibling.named_children if c.type == "attribute"), None)
            value = attribute.child_by_field_name("value") if attribute is not None else None
            name = attribute.named_children[0] if attribute is not None and attribute.named_children else None
            if name is not None and node_text(name) == "path" and value is not None and value.type == "string_literal":
                return strip_quotes(node_text(value))
        sibling = sibling.prev_named_sibling
    return None


def load_config(root: Path, files: frozenset[str]) -> RustConfig:
    """Find ``Cargo.toml`` files in the ancestor directories of every ``.rs`` file."""
    dirs: set[str] = set()
    for f in files:
        if f.endswith(".rs"):
            parts = f.split("/")[:-1]
            for i in range(len(parts) + 1):
                dirs.add("/".join(parts[:i]))
    crates: list[Crate] = []
    for d in sorted(dirs):
        manifest = root / d / "Cargo.toml" if d else root / "Cargo.toml"
        crate = _read_manifest(manifest, d, files)
        if crate is not None:
            crates.append(crate)
    return RustConfig(tuple(crates))


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve a ``use`` path, ``mod x;`` or ``extern crate`` to module files or a crate name."""
    files = index.files
    config = index.config.get("rust")
    if not isinstance(config, RustConfig):
        config = RustConfig()
    if ref.kind == KIND_MOD_PATH:
        # inside inline modules the path starts below them (the Reference's "path attributes")
        inline = ref.names[0].split("::")[:-1] if ref.names else []
        base = _join(_children_dir(ref.path, config, files), "/".join(inline)) if inline else _dirname(ref.path)
        target = posixpath.normpath(_join(base, ref.module))
        if target in files:
            return ResolvedImport(targets=(target,))
        return ResolvedImport(unresolved="no file at the #[path] of a module declaration")
    if ref.kind == "mod":
        *inline, name = ref.module.split("::")
        found = _module_in(
            files,
            _join(_children_dir(ref.path, config, files), "/".join(inline))
            if inline
            else _children_dir(ref.path, config, files),
            name,
        )
        if found is None:
            return ResolvedImport(unresolved="no file for module declaration")
        return ResolvedImport(targets=(found,))
    segments = [s for s in ref.module.split("::")]
    if segments and segments[0] == "":  # leading `::` = an external crate path (2018)
        segments = segments[1:]
        start: str | None = None
    else:
        start, segments, error = _start_module(files, ref.path, segments, config)
        if error:
            return ResolvedImport(unresolved=error)
    if start is None and segments:
        start = _crate_relative_2015(ref.path, segments[0], index, config)
    if start is None:
        crate_name = segments[0] if segments else ""
        if crate_name in STD_CRATES:
            return ResolvedImport(external="std")
        other = config.by_name(crate_name)
        if other is None:
            return ResolvedImport(external=crate_name) if crate_name else ResolvedImport()
        start, segments = other.root, segments[1:]
    targets = {_walk(files, start, segments + _split(name), config) for name in ref.names if name not in ("*", "self")}
    if not targets:
        targets.add(_walk(files, start, segments, config))
    return ResolvedImport(targets=tuple(sorted(targets)))


# --- helpers ----------------------------------------------------------------


def _clean_name(name: str) -> str:
    """``d::{e, f}`` -> ``d``; whitespace removed."""
    name = _SPACE.sub("", name)
    brace = name.find("::{")
    return name[:brace] if brace >= 0 else name


def _split(name: str) -> list[str]:
    return [s for s in name.split("::") if s and s not in ("*", "self")]


def _is_under(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory + "/")


def _dirname(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def _read_manifest(manifest: Path, directory: str, files: frozenset[str]) -> Crate | None:
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    package = data.get("package")
    if not isinstance(package, dict) or not isinstance(package.get("name"), str):
        return None
    raw_lib = data.get("lib")
    lib: dict[str, object] = raw_lib if isinstance(raw_lib, dict) else {}
    lib_name, lib_path = lib.get("name"), lib.get("path")
    name = lib_name if isinstance(lib_name, str) else str(package["name"])
    candidates = [lib_path] if isinstance(lib_path, str) else []
    candidates += [f"src/{n}" for n in _ROOT_NAMES]
    edition = package.get("edition", "2015")  # a table: inherited from the workspace
    for cand in candidates:
        path = posixpath.normpath(_join(directory, cand))
        if path in files:
            return Crate(directory, name.replace("-", "_"), path, edition if isinstance(edition, str) else "2021")
    return None


@lru_cache(maxsize=4096)
def _fallback_root(files: frozenset[str], path: str, stop: str) -> str:
    """Outside a crate's source dir: the nearest lib.rs / main.rs up to ``stop``, else the file itself."""
    directory = _dirname(path)
    while True:
        for name in _ROOT_NAMES:
            cand = _join(directory, name)
            if cand in files:
                return cand
        if directory == stop or not directory:
            return path
        directory = _dirname(directory)


def _crate_root(files: frozenset[str], path: str, config: RustConfig) -> str:
    """The crate root file of ``path``.

    Files under the crate's ``src/`` belong to ``lib.rs`` / ``main.rs``, except
    ``src/bin/x.rs`` and ``src/bin/x/main.rs``, which are binary roots; other
    files (tests/, examples/, benches/, trees without Cargo.toml) belong to the
    nearest lib.rs / main.rs above them, else are roots themselves.
    """
    crate = config.crate_of(path)
    if crate is None:
        return _fallback_root(files, path, "")
    src = _dirname(crate.root)
    if _is_under(path, src):
        bins = _join(src, "bin") + "/"
        if not path.startswith(bins):
            return crate.root
        rest = path[len(bins) :]
        if "/" not in rest:
            return path
        main = bins + rest.split("/", 1)[0] + "/main.rs"
        return main if main in files else crate.root
    return _fallback_root(files, path, crate.directory)


def _is_root_like(path: str, config: RustConfig, files: frozenset[str]) -> bool:
    """Crate roots and mod.rs own the directory they sit in."""
    name = path.rsplit("/", 1)[-1]
    return name in ("mod.rs", *_ROOT_NAMES) or path == _crate_root(files, path, config)


def _children_dir(path: str, config: RustConfig, files: frozenset[str]) -> str:
    """The directory holding the files of the modules ``path`` declares."""
    if _is_root_like(path, config, files):
        return _dirname(path)
    return path[: -len(".rs")]


def _module_in(files: frozenset[str], directory: str, name: str) -> str | None:
    for cand in (_join(directory, f"{name}.rs"), _join(directory, f"{name}/mod.rs")):
        if cand in files:
            return cand
    return None


def _child_module(files: frozenset[str], path: str, name: str, config: RustConfig) -> str | None:
    return _module_in(files, _children_dir(path, config, files), name)


def _parent_module(files: frozenset[str], path: str, config: RustConfig) -> str | None:
    """The module file declaring ``path`` (None at a crate root)."""
    root = _crate_root(files, path, config)
    if path == root:
        return None
    declaring_dir = _dirname(path)
    if path.endswith("/mod.rs") or path == "mod.rs":
        declaring_dir = _dirname(declaring_dir)
    if declaring_dir == _dirname(root):
        return root
    for cand in (_join(declaring_dir, "mod.rs"), f"{declaring_dir}.rs"):
        if declaring_dir and cand in files:
            return cand
    return root


def _start_module(
    files: frozenset[str], path: str, segments: list[str], config: RustConfig
) -> tuple[str | None, list[str], str]:
    """Where a path starts: (module file or None for an external crate, rest, error)."""
    head = segments[0] if segments else ""
    if head == "crate":
        return _crate_root(files, path, config), segments[1:], ""
    if head in ("self", "super"):
        current: str | None = path
        rest = list(segments)
        while rest and rest[0] in ("self", "super"):
            if rest.pop(0) == "super":
                current = _parent_module(files, current, config) if current else None
                if current is None:
                    return None, segments, "super:: beyond the crate root"
        return current, rest, ""
    # 2018 uniform paths: a child module of the current file shadows a crate name
    if head and _child_module(files, path, head, config) is not None:
        return path, segments, ""
    return None, segments, ""


def _crate_relative_2015(path: str, head: str, index: RepoIndex, config: RustConfig) -> str | None:
    """In a 2015-edition crate a plain ``use a::b`` starts at the crate root: the root, if it has ``a``.

    ``a`` is the root's child module or an item it defines (serde's inline
    ``mod lib { ... }``); anything else is an extern crate.
    """
    crate = config.crate_of(path)
    if crate is None or crate.edition != "2015":
        return None
    root = _crate_root(index.files, path, config)
    if _child_module(index.files, root, head, config) is not None or head in index.defined.get(root, ()):
        return root
    return None


def _walk(files: frozenset[str], start: str, segments: list[str], config: RustConfig) -> str:
    """Deepest module file reachable from ``start`` along ``segments``.

    A segment with no module file of its own stays in the current file (an
    item, or an inline module ``mod a { mod b; }``); the files of modules
    declared inside an inline module ``a`` are looked up under ``a/``.
    """
    current = start
    inline: list[str] = []
    for seg in segments:
        if seg == "super":
            if inline:
                inline.pop()
                continue
            parent = _parent_module(files, current, config)
            if parent is None:
                break
            current = parent
            continue
        if seg == "self":
            continue
        directory = _children_dir(current, config, files)
        child = _module_in(files, _join(directory, "/".join(inline)) if inline else directory, seg)
        if child is None:
            inline.append(seg)
            continue
        current, inline = child, []
    return current


def is_standard_library(package: str) -> bool:
    """``std``, ``core``, ``alloc``... (grouped as ``std`` by resolve_import)."""
    return package == "std"


SPEC = LanguageSpec(
    name="rust",
    extensions=(".rs",),
    grammar=tree_sitter_rust.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    is_standard_library=is_standard_library,
    type_facts=type_facts,
    typed_links=typed_links,
    typed_adds=True,
)

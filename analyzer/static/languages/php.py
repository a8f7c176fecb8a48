"""PHP: ``use`` resolved through composer PSR-4 maps and declared namespaces; require/include by path.

``use A\\B\\C`` is looked up first through every ``composer.json``'s
``autoload.psr-4`` / ``autoload-dev.psr-4`` map (prefix -> directories), then
among the files declaring namespace ``A\\B`` that define ``C``.  A ``use`` that
matches nothing and whose first segment is unknown to the repository names an
external vendor (``Symfony``); so does one under the repository's own vendor
prefix whose namespace no directory of the repository holds (``symfony/console``'s
``use Symfony\\Component\\Process\\Process``).  ``require`` / ``include`` paths are relative to
the including file (``__DIR__ . '/x.php'`` too), then to the repository root.
Classes of the same namespace are visible without ``use``.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path

import tree_sitter_php
from tree_sitter import Node

from analyzer.config import DEFAULT_EXCLUDED_DIRS
from analyzer.domain import RUN_TIME_REASON_SUFFIX, ImportRef, RepoIndex
from analyzer.static.languages.base import (
    LanguageSpec,
    ResolvedImport,
    ancestor_dirs,
    files_by_suffix,
    narrow_to_referenced,
    nearest,
    node_text,
)

_DIR_PREFIX = "__DIR__"
_INCLUDE_TYPES = frozenset(
    {"require_expression", "require_once_expression", "include_expression", "include_once_expression"}
)
_PSR4_KEYS = ("autoload", "autoload-dev")
#: external package of a single-segment ``use`` matching no file (``use Exception;``): a PHP built-in
_BUILTIN = "php"
_PHP = frozenset({"php"})
#: kind of an include whose path interpolates variables
KIND_DYNAMIC = "dynamic"


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Set ``kind`` (use | require | dynamic: an interpolated path); mark ``__DIR__``-relative paths."""
    if stmt.type in _INCLUDE_TYPES:
        if "$" in ref.module or "{" in ref.module:
            # built from variables at run time: listed as unresolved, not guessed
            return ImportRef(ref.path, ref.module, ref.names, ref.line, KIND_DYNAMIC, ref.type_only)
        module = ref.module
        levels = _dir_levels(stmt)
        if levels is not None:
            module = _DIR_PREFIX + "/.." * levels + ("" if module.startswith("/") else "/") + module
        return ImportRef(ref.path, module, ref.names, ref.line, "require", ref.type_only)
    module = ref.module.lstrip("\\")
    names = tuple(n.lstrip("\\") for n in ref.names)
    return ImportRef(ref.path, module, names, ref.line, "use", ref.type_only)


def load_config(root: Path, files: frozenset[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The PSR-4 map of every ``composer.json`` under ``root`` (vendored trees excluded).

    Returns:
        Sorted ``(namespace prefix, directories)`` pairs; prefixes end with a
        backslash (or are "" for the fallback), directories are repo-relative
        POSIX paths without a trailing slash ("" for the root).
    """
    psr4: dict[str, set[str]] = {}
    for rel_dir, manifest in _composer_files(root):
        for section in _PSR4_KEYS:
            mapping = manifest.get(section, {})
            mapping = mapping.get("psr-4", {}) if isinstance(mapping, dict) else {}
            if not isinstance(mapping, dict):
                continue
            for prefix, dirs in mapping.items():
                if not isinstance(prefix, str):
                    continue
                # a prefix maps to one directory or a list of them
                for d in [dirs] if isinstance(dirs, str) else dirs if isinstance(dirs, list) else []:
                    if not isinstance(d, str):
                        continue
                    joined = posixpath.normpath(posixpath.join(rel_dir, d.strip()))
                    psr4.setdefault(prefix.lstrip("\\"), set()).add("" if joined == "." else joined)
    return tuple(sorted((k, tuple(sorted(v))) for k, v in psr4.items()))


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve a ``use`` (class, function or constant) or a require/include path."""
    if ref.kind == KIND_DYNAMIC:
        return ResolvedImport(unresolved=f"include path {RUN_TIME_REASON_SUFFIX}")
    if ref.kind == "require":
        return _resolve_include(ref, index)
    fqns = [f"{ref.module}\\{n}" for n in ref.names] if ref.names else [ref.module]
    targets: set[str] = set()
    for fqn in fqns:
        targets.update(_resolve_name(fqn, ref.path, index))
    if targets:  # the importer itself among them (a later namespace block of the same file): no edge, resolved
        return ResolvedImport(targets=tuple(sorted(targets)))
    first = ref.module.split("\\", 1)[0]
    if not first:
        return ResolvedImport(unresolved="empty use")
    if _is_internal_root(first, index):
        if any("\\" not in fqn or _has_namespace_dir(fqn.rpartition("\\")[0], index) for fqn in fqns):
            return ResolvedImport(unresolved="use matches no file")
        # another package under the repository's vendor prefix (Symfony\Component\Process from
        # symfony/console, GuzzleHttp\Promise from guzzle): no directory of the repository holds it
        return ResolvedImport(external=first)
    if "\\" not in ref.module and not ref.names:
        return ResolvedImport(external=_BUILTIN)  # `use Exception;`: a global built-in class
    return ResolvedImport(external=first)


# --- helpers ----------------------------------------------------------------


def _dir_levels(stmt: Node) -> int | None:
    """How far above the file's directory the include's base is, for ``__DIR__ . '/x.php'``
    (0), ``dirname(__FILE__) . ...`` (0), ``dirname(__DIR__, 2) . ...`` (2),
    ``dirname(dirname(__FILE__)) . ...`` (1); None when the path is not relative to the file."""
    arg = stmt.named_children[0] if stmt.named_children else None
    if arg is not None and arg.type == "parenthesized_expression" and arg.named_children:
        arg = arg.named_children[0]
    if arg is None or arg.type != "binary_expression":
        return None
    depth = _path_depth(arg.child_by_field_name("left"))
    return depth if depth is not None and depth >= 0 else None


def _path_depth(node: Node | None) -> int | None:
    """Levels above the file's directory named by ``node``: ``__FILE__`` -1 (the file
    itself), ``__DIR__`` 0, ``dirname(X, n)`` depth(X) + n; None for anything else."""
    if node is None:
        return None
    if node.type == "name":
        return {"__FILE__": -1, _DIR_PREFIX: 0}.get(node_text(node))
    if node.type != "function_call_expression" or node_text(node.child_by_field_name("function")) != "dirname":
        return None
    arguments = node.child_by_field_name("arguments")
    args = [
        a.named_children[0]
        for a in (arguments.named_children if arguments else ())
        if a.type == "argument" and a.named_children
    ]
    if not args or len(args) > 2:
        return None
    inner = _path_depth(args[0])
    levels = 1
    if len(args) == 2:
        if args[1].type != "integer" or not node_text(args[1]).isdigit():
            return None
        levels = int(node_text(args[1]))
    return None if inner is None or levels < 1 else inner + levels


def _composer_files(root: Path) -> list[tuple[str, dict[str, object]]]:
    """(repo-relative dir, parsed manifest) for every readable composer.json, sorted by dir."""
    found: list[tuple[str, dict[str, object]]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in DEFAULT_EXCLUDED_DIRS)
        if "composer.json" not in filenames:
            continue
        path = Path(dirpath) / "composer.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # unreadable or malformed manifest: no PSR-4 map from it
            continue
        if isinstance(data, dict):
            rel = Path(dirpath).relative_to(root).as_posix()
            found.append(("" if rel == "." else rel, data))
    return sorted(found, key=lambda item: item[0])


def _psr4(index: RepoIndex) -> tuple[tuple[str, tuple[str, ...]], ...]:
    config = index.config.get("php")
    return config if isinstance(config, tuple) else ()


def _resolve_name(fqn: str, importer: str, index: RepoIndex) -> tuple[str, ...]:
    """Files providing one fully qualified class / function / constant / namespace name."""
    # 1. PSR-4: longest matching prefix first
    for prefix, dirs in sorted(_psr4(index), key=lambda item: (-len(item[0]), item[0])):
        if prefix and not fqn.startswith(prefix):
            continue
        rest = fqn[len(prefix) :].replace("\\", "/")
        for d in dirs:
            cand = f"{d}/{rest}.php" if d else f"{rest}.php"
            if cand in index.files:
                return (cand,)
    # 2. a file declaring the namespace that defines the name
    namespace, _, name = fqn.rpartition("\\")
    declaring = index.namespaces.get(namespace, ()) if namespace else _global_files(index)
    defining = tuple(p for p in declaring if p.endswith(".php") and name in index.defined.get(p, ()))
    if defining:
        return tuple(sorted(defining))
    # 3. the name is itself a namespace (`use App\Models;` then `Models\User`)
    if fqn in index.namespaces:
        return narrow_to_referenced(index.namespaces[fqn], importer, index)
    return ()


def _global_files(index: RepoIndex) -> frozenset[str]:
    """PHP files that declare no namespace (computed once per index, not once per use)."""
    last = _GLOBAL_FILES[0] if _GLOBAL_FILES else None
    if last is not None and last[0] is index.files and last[1] is index.namespaces:
        return last[2]
    namespaced = {p for paths in index.namespaces.values() for p in paths}
    found = frozenset(p for p in index.files if p.endswith(".php") and p not in namespaced)
    _GLOBAL_FILES[:] = [(index.files, index.namespaces, found)]
    return found


#: the last index's answer, recognized by the identity of its (never mutated) tables
_GLOBAL_FILES: list[tuple[frozenset[str], dict[str, tuple[str, ...]], frozenset[str]]] = []


def _has_namespace_dir(namespace: str, index: RepoIndex) -> bool:
    """True when a directory of the repository holds namespace ``namespace``'s files.

    The namespace is declared by a file, or the directory it maps to exists: through a
    PSR-4 prefix, or below the directory of a declared parent namespace
    (``GuzzleHttp\\Handler`` -> ``Handler/`` beside the files declaring ``GuzzleHttp``).
    """
    if namespace in index.namespaces:
        return True
    directories = ancestor_dirs(index.files)
    for prefix, dirs in _psr4(index):
        if prefix and (namespace + "\\").startswith(prefix):
            rest = namespace[len(prefix) :].replace("\\", "/")
            if any(posixpath.join(d, rest).rstrip("/") in directories for d in dirs):
                return True
    parts = namespace.split("\\")
    for i in range(len(parts) - 1, 0, -1):
        declared = index.namespaces.get("\\".join(parts[:i]), ())
        rest = "/".join(parts[i:])
        if any(posixpath.join(posixpath.dirname(p), rest) in directories for p in declared if p.endswith(".php")):
            return True
    return False


def _is_internal_root(first: str, index: RepoIndex) -> bool:
    """True when a namespace's first segment belongs to the repository."""
    if any(prefix.split("\\", 1)[0] == first for prefix, _ in _psr4(index) if prefix):
        return True
    return any(
        ns.split("\\", 1)[0] == first
        for ns in index.namespaces
        if any(p.endswith(".php") for p in index.namespaces[ns])
    )


def _resolve_include(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    module = ref.module
    here = posixpath.dirname(ref.path)
    if module.startswith(_DIR_PREFIX + "/"):
        bases = [posixpath.join(here, module[len(_DIR_PREFIX) + 1 :].lstrip("/"))]
    elif module.startswith("/"):
        return ResolvedImport(unresolved="absolute include path")
    else:
        bases = [posixpath.join(here, module), module]
    beyond = False
    for cand in bases:
        norm = posixpath.normpath(cand)
        if norm == ".." or norm.startswith("../"):
            beyond = True
            continue
        if norm in index.files:
            return ResolvedImport(targets=(norm,))
    if beyond and len(bases) == 1:
        return ResolvedImport(unresolved="include path beyond the repository root")
    if len(bases) == 2 and not module.startswith("."):
        # `require_once 'Zend/Db/Table.php'` found through an include_path the code sets at
        # run time (library/): the repository file whose path ends with it, nearest first
        found = nearest(ref.path, files_by_suffix(index.files, _PHP).get(posixpath.normpath(module), ()))
        if len(found) == 1:
            return ResolvedImport(targets=found)
        if found:
            return ResolvedImport(unresolved=f"ambiguous include: {len(found)} files end with {module}")
    return ResolvedImport(unresolved="include matches no file")


def autoload_links(importer: str, names: frozenset[str], index: RepoIndex) -> dict[str, frozenset[str]]:
    """Classes of the global namespace that ``importer`` uses, found as an autoloader would.

    Code without namespaces loads classes by name (PSR-0 ``Zend_Db_Table`` ->
    ``Zend/Db/Table.php``, or a classmap): a capitalized name defined at the top of
    a file that declares no namespace links to that file; when several files define
    it, the one whose path spells the name (PSR-0), else the nearest.
    """
    global_files = _global_files(index)
    found: dict[str, set[str]] = {}
    for name in names:
        if not name[:1].isupper():
            continue
        defining = tuple(f for f in index.definitions.get(name, ()) if f in global_files and f != importer)
        if len(defining) > 1:
            spelled = tuple(f for f in defining if f.endswith("/" + name.replace("_", "/") + ".php"))
            defining = nearest(importer, spelled or defining)
        if len(defining) == 1:
            found.setdefault(defining[0], set()).add(name)
    return {t: frozenset(n) for t, n in found.items()}


def is_standard_library(package: str) -> bool:
    """PHP's built-in classes and functions (grouped as ``php``)."""
    return package == _BUILTIN


SPEC = LanguageSpec(
    name="php",
    extensions=(".php",),
    grammar=tree_sitter_php.language_php,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    namespace_visibility=True,
    implicit_links=autoload_links,
    is_standard_library=is_standard_library,
)

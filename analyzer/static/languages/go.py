"""Go: import paths resolved through the repository's go.mod files, one package per directory.

Every ``go.mod`` of the repository maps a module path to a directory.  An
import path under a module path names a directory; it resolves to that
directory's package files (see :func:`package_members`) that declare a name the
importer uses through the import (``pkg.Name``, found in its type facts), else those
that define any name the importer uses (all of them when it uses none by name).  A relative path (``./a``, GOPATH mode
only) names a directory next to the importer; another path resolves to a
``vendor/`` directory or a GOPATH ``src/`` directory above the importer that
holds it.  The standard library (its top-level packages by name, and cgo's
``"C"``) is external under its first segment (``fmt``, ``net``); other paths
are external under the module a ``go.mod`` requires
(``google.golang.org/protobuf``), else their repository (``github.com/x/y``),
else the whole path.

Symbol edges come from the type-aware pass of ``go_types`` (facts) and ``go_linking``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import tree_sitter_go
from tree_sitter import Node

from analyzer.domain import ImportRef, ParsedFile, RepoIndex
from analyzer.static.languages._go_syntax import import_alias
from analyzer.static.languages.base import LanguageSpec, ResolvedImport, TypedLinker, narrow_to_referenced
from analyzer.static.languages.go_linking import GoLinker
from analyzer.static.languages.go_types import type_facts

_EXTENSION = ".go"
_TEST_SUFFIX = "_test.go"
_GO_MOD = "go.mod"
_MODULE_LINE = re.compile(r"^\s*module\s+(\"[^\"]+\"|`[^`]+`|\S+)", re.MULTILINE)
#: hosts whose import paths are host/owner/repo[/subpackage]
_REPO_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "golang.org", "codeberg.org", "git.sr.ht"})
#: the top-level directories of the standard library ($GOROOT/src), and cgo's pseudo-package
_STDLIB = frozenset(
    {
        "C",
        "archive",
        "arena",
        "bufio",
        "builtin",
        "bytes",
        "cmp",
        "compress",
        "container",
        "context",
        "crypto",
        "database",
        "debug",
        "embed",
        "encoding",
        "errors",
        "expvar",
        "flag",
        "fmt",
        "go",
        "hash",
        "html",
        "image",
        "index",
        "io",
        "iter",
        "log",
        "maps",
        "math",
        "mime",
        "net",
        "os",
        "path",
        "plugin",
        "reflect",
        "regexp",
        "runtime",
        "slices",
        "sort",
        "strconv",
        "strings",
        "structs",
        "sync",
        "syscall",
        "testing",
        "text",
        "time",
        "unicode",
        "unique",
        "unsafe",
        "weak",
    }
)
#: hosts whose import paths are host/name[/subpackage] (``google.golang.org/grpc``)
_NAME_HOSTS = frozenset(
    {
        "google.golang.org",
        "k8s.io",
        "sigs.k8s.io",
        "go.uber.org",
        "go.etcd.io",
        "go.opentelemetry.io",
        "cloud.google.com",
    }
)
#: gopkg.in paths end their package name with the major version (``yaml.v3``, ``user/pkg.v1``)
_GOPKG_VERSION = re.compile(r"\.v\d+$")
KIND_IMPORT = "import"
KIND_DOT = "import_dot"
KIND_BLANK = "import_blank"


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Mark dot imports (``. "x"``, whose names are used unqualified) and blank imports (``_ "x"``)."""
    alias = stmt.child_by_field_name("name")
    kind = KIND_IMPORT
    names = ref.names
    if alias is not None and alias.type == "dot":
        kind, names = KIND_DOT, ("*",)
    elif alias is not None and alias.type == "blank_identifier":
        kind = KIND_BLANK
    return ImportRef(ref.path, ref.module, names, ref.line, kind, ref.type_only)


@dataclass(frozen=True, slots=True)
class GoConfig:
    """What the ``go.mod`` files of the tree say.

    ``modules``: (module path, repo-relative directory) pairs, longest module
    path first.  ``requires``: the module paths any of them requires, longest
    first; an external import is named after the one it lies under.
    ``root_is_gopath``: the analyzed directory is a GOPATH ``src`` directory,
    where a package's import path is its directory.
    """

    modules: tuple[tuple[str, str], ...] = ()
    requires: tuple[str, ...] = ()
    root_is_gopath: bool = False


def load_config(root: Path, files: frozenset[str]) -> GoConfig:
    """Read the ``go.mod`` files of the directories holding (or above) discovered Go files."""
    dirs: set[str] = set()
    for f in files:
        if not f.endswith(_EXTENSION):
            continue
        d = posixpath.dirname(f)
        while d not in dirs:
            dirs.add(d)
            if not d:
                break
            d = posixpath.dirname(d)
    modules: dict[str, str] = {}
    requires: set[str] = set()
    for d in sorted(dirs):
        try:
            text = (root / d / _GO_MOD).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = _MODULE_LINE.search(text)
        if found:
            modules.setdefault(found.group(1).strip('"`'), d)
        requires.update(required_modules(text))
    return GoConfig(
        tuple(sorted(modules.items(), key=lambda kv: (-len(kv[0]), kv[0]))),
        tuple(sorted(requires - modules.keys(), key=lambda m: (-len(m), m))),
        root.name == "src",
    )


def required_modules(go_mod: str) -> set[str]:
    """The module paths of a ``go.mod``'s ``require`` directives (single-line and blocks)."""
    out: set[str] = set()
    in_block = False
    for raw in go_mod.splitlines():
        line = raw.split("//", 1)[0].strip()
        if in_block:
            if line.startswith(")"):
                in_block = False
            elif line:
                out.add(line.split()[0].strip('"`'))
            continue
        if not line.startswith("require"):
            continue
        rest = line[len("require") :].strip()
        if rest.startswith("("):
            in_block = True
        elif rest and line[len("require")].isspace():
            out.add(rest.split()[0].strip('"`'))
    return out


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one Go import path to the files of a package directory, or an external package."""
    path = ref.module
    if path.startswith(("./", "../")) or path in (".", ".."):
        target_dir = posixpath.normpath(posixpath.join(posixpath.dirname(ref.path), path))
        return _link_package("" if target_dir == "." else target_dir, ref, index, "relative import")
    config = index.config.get("go")
    if not isinstance(config, GoConfig):
        config = GoConfig()
    for module, directory in config.modules:
        if path != module and not path.startswith(module + "/"):
            continue
        rel = path[len(module) :].lstrip("/")
        target_dir = posixpath.join(directory, rel) if directory else rel
        return _link_package(target_dir.rstrip("/"), ref, index, f"module {module}")
    if not is_standard_library(path):
        found = _vendored_or_gopath(path, ref.path, index.files, config.root_is_gopath)
        if found is not None:
            return _link_package(found, ref, index, "vendor or GOPATH")
    return ResolvedImport(external=external_package(path, config.requires))


def package_members(directory: str, importer: str, index: RepoIndex) -> tuple[str, ...]:
    """The files of the package in ``directory`` that ``importer`` compiles against.

    The directory's non-test files, less a ``package main`` file beside a
    library (a ``//go:build ignore`` generator, which nothing can import).  An
    external test (``package x_test``) importing its own directory's package
    also gets that package's ``_test.go`` files that define an exported name it
    uses which the package's other files do not (``export_test.go`` backdoors;
    not a test helper's ``Describe`` method that the library defines too).
    """
    members = package_files(directory, index.files)
    mains = set(index.namespaces.get(f"{directory}:main", ())).intersection(members)
    if mains and len(mains) < len(members):
        members = tuple(m for m in members if m not in mains)
    if importer.endswith(_TEST_SUFFIX) and posixpath.dirname(importer) == directory:
        for name in index.defined.get(importer, ()):
            if name.endswith("_test") and importer in index.namespaces.get(f"{directory}:{name}", ()):
                # only exported names cross into the external test package
                used = {n for n in index.referenced.get(importer, ()) if n[:1].isupper()}.difference(
                    *(index.defined.get(m, ()) for m in members)
                )
                tests = index.namespaces.get(f"{directory}:{name[: -len('_test')]}", ())
                extra = (t for t in tests if t.endswith(_TEST_SUFFIX) and used & index.defined.get(t, set()))
                members = tuple(sorted({*members, *extra}))
                break
    return members


def package_files(directory: str, files: frozenset[str]) -> tuple[str, ...]:
    """The non-test ``.go`` files directly inside ``directory`` (repo-relative, "" = root)."""
    return _packages(files).get(directory, ())


@lru_cache(maxsize=8)
def _packages(files: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Directory -> its non-test ``.go`` files, built once per file set (not once per import)."""
    out: dict[str, list[str]] = {}
    for f in files:
        if f.endswith(_EXTENSION) and not f.endswith(_TEST_SUFFIX):
            out.setdefault(posixpath.dirname(f), []).append(f)
    return {d: tuple(sorted(members)) for d, members in out.items()}


def external_package(path: str, requires: tuple[str, ...] = ()) -> str:
    """Package name of an import path outside the repository (``fmt``, ``github.com/x/y``).

    The module a ``go.mod`` requires that the path lies under names it
    (``google.golang.org/protobuf``, ``github.com/x/y/v2``); without one, the
    host's usual layout does.
    """
    for module in requires:
        if path == module or path.startswith(module + "/"):
            return module
    parts = path.split("/")
    if "." not in parts[0]:
        return parts[0]
    if parts[0] in _REPO_HOSTS:
        return "/".join(parts[:3])
    if parts[0] in _NAME_HOSTS:
        return "/".join(parts[:2])
    if parts[0] == "gopkg.in":
        for i, part in enumerate(parts[1:], start=2):
            if _GOPKG_VERSION.search(part):
                return "/".join(parts[:i])
    return path


def _link_package(directory: str, ref: ImportRef, index: RepoIndex, where: str) -> ResolvedImport:
    """The package's files that declare at package level the names the importer uses through the
    import (``pkg.Name``, its ``names``; their type facts tell); without such names, or when none of
    its files declares one, those defining any name the importer uses; unresolved when the directory
    has no Go files."""
    members = package_members(directory, ref.path, index)
    if not members:
        return ResolvedImport(unresolved=f"no Go files in {directory or '.'} ({where})")
    if ref.names and ref.kind == KIND_IMPORT:
        names = set(ref.names)
        facts = index.facts
        declaring = tuple(m for m in members if m != ref.path and m in facts and names & package_names(facts[m]))
        if declaring:
            return ResolvedImport(targets=declaring)
    return ResolvedImport(targets=narrow_to_referenced(members, ref.path, index))


def _vendored_or_gopath(path: str, importer: str, files: frozenset[str], root_is_gopath: bool) -> str | None:
    """The directory an import path names in a ``vendor/`` directory or a GOPATH ``src/`` directory.

    As ``go`` looks: from the importer's directory up, ``<dir>/vendor/<path>``,
    and ``<dir>/<path>`` where ``<dir>`` is a ``src`` directory (GOPATH, and
    the ``testdata/src`` trees of analysis tests); the nearest wins.
    """
    packages = _packages(files)
    d = posixpath.dirname(importer)
    while True:
        vendored = posixpath.join(d, "vendor", path)
        if vendored in packages:
            return vendored
        if posixpath.basename(d) == "src" or (not d and root_is_gopath):
            in_gopath = posixpath.join(d, path)
            if in_gopath in packages:
                return in_gopath
        if not d:
            return None
        d = posixpath.dirname(d)


def namespace_key(path: str, namespace: str) -> str:
    """Key under which Go files see each other without import: directory + package clause.

    Go package names repeat across directories (every ``main``), so the bare
    package name cannot be the visibility scope; ``internal/store`` +
    ``store`` -> ``internal/store:store``.  An external test package
    (``store_test``) gets its own key, as Go requires it to import ``store``.
    """
    return f"{posixpath.dirname(path)}:{namespace}" if namespace else ""


def is_standard_library(package: str) -> bool:
    """Go's standard library (``fmt``, ``net``; cgo's ``C``), by the first element of the path.

    A path without a dot is not enough: GOPATH-style code and test data import
    ``a`` or ``lib`` from their own tree, which ``go`` looks up in GOPATH after
    GOROOT finds no such package.
    """
    return package.split("/", 1)[0] in _STDLIB


def qualified_imports(imports: tuple[ImportRef, ...], facts: tuple[object, ...]) -> tuple[ImportRef, ...]:
    """The imports of a file, each with the names the file uses through it (``pkg.Name``: a
    function, a type, a variable); a dot or blank import, or one whose name is never used, as it is."""
    used: dict[str, set[str]] = {}
    for use, _, _ in _uses(facts):
        if use[0] in ("q", "tn", "inh") and use[1]:
            used.setdefault(use[1], set()).add(use[2])
    names = {path: name or import_alias(path) for name, path in _imports(facts) if name not in (".", "_")}
    out = []
    for ref in imports:
        through = used.get(names.get(ref.module, ""), set()) if ref.kind == "import" else set()
        out.append(replace(ref, names=tuple(sorted(through))) if through else ref)
    return tuple(out)


def package_names(facts: tuple[object, ...]) -> frozenset[str]:
    """The package-level names a file declares (types, functions, variables, constants; no methods)."""
    types, funcs, values = (part if isinstance(part, tuple) else () for part in facts[2:5])
    return frozenset([t[0] for t in types] + [f[1] for f in funcs if not f[0]] + [v[0] for v in values])


def _uses(facts: tuple[object, ...]) -> tuple[tuple[Any, int, int], ...]:
    uses = facts[5]
    return uses if isinstance(uses, tuple) else ()


def _imports(facts: tuple[object, ...]) -> tuple[tuple[str, str], ...]:
    imports = facts[1]
    return imports if isinstance(imports, tuple) else ()


def typed_links(parsed: Sequence[ParsedFile], index: RepoIndex) -> TypedLinker:
    """The type-aware reference pass over every Go file (``go_linking``), with this module's imports."""
    return GoLinker(parsed, index, resolve_import)


SPEC = LanguageSpec(
    name="go",
    extensions=(_EXTENSION,),
    grammar=tree_sitter_go.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    namespace_visibility=True,
    namespace_key=namespace_key,
    is_standard_library=is_standard_library,
    type_facts=type_facts,
    imports_from_facts=qualified_imports,
    typed_links=typed_links,
    indivisible_directory=True,
)

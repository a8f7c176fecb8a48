"""JavaScript (and the resolver shared with TypeScript / TSX).

Imports: ES ``import``/``export ... from``, CommonJS ``require('x')``, dynamic
``import('x')``, AMD ``define(['x'], f)`` / ``require(['x'], f)`` and TypeScript
``import x = require('x')``; ``import type`` marks an import type-only.  Resolution, in order: relative paths (with
extension and ``index.*`` resolution, ``./x.js`` meaning ``x.ts``, and a directory's own
``package.json`` entry point; ``require('./x')`` of an ``x.json`` is data, not a miss),
``tsconfig.json``/``jsconfig.json`` ``paths``, ``#name`` through
the nearest ``package.json`` ``imports`` map, workspace packages (``package.json`` files inside
the repository, through their ``exports`` map, so a package's self-references resolve too),
node builtins (``node:fs``), ``baseUrl``; anything else is an external package.
"""

from __future__ import annotations

import bisect
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

import tree_sitter_javascript

from analyzer.domain import ImportRef, RepoIndex
from analyzer.static.languages._js_config import ProjectConfig, load_package, load_project
from analyzer.static.languages._js_packages import WorkspacePackage, join_inside, match_subpath
from analyzer.static.languages._js_syntax import postprocess_import
from analyzer.static.languages.base import (
    LanguageSpec,
    ResolvedImport,
    ancestor_dirs,
    per_file_set,
)

#: the configuration every JS-family spec shares (``RepoIndex.config`` key)
CONFIG_KEY = "js"

#: tried in this order after an extensionless specifier (TypeScript's order first)
_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte")
#: the same for a plain JavaScript importer, as Node (and a bundler after it) loads them: runtime
#: files first, never a declaration file (``x.d.ts`` beside ``x.js`` is the type-only view)
_NODE_EXTENSIONS = (".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte", ".ts", ".tsx", ".mts", ".cts")
#: importers that get Node's resolution
_NODE_IMPORTERS = (".js", ".jsx", ".mjs", ".cjs")
#: the file suffixes of the languages sharing this configuration (see ``config_key``): JavaScript,
#: TypeScript, TSX, Vue, Svelte
_JS_FAMILY_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte")
#: source-root aliases of bundler templates that no npm package name can start with
_SOURCE_ALIASES = ("@/", "~/")
#: a runtime extension written in TypeScript sources stands for these source files
_TS_FOR_JS = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
}
#: relative imports of these are assets or data, not code: neither internal edges nor unresolved
_ASSET_SUFFIXES = frozenset(
    """
    .css .scss .sass .less .styl .svg .png .jpg .jpeg .gif .webp .ico .bmp .avif .json .html .md
    .txt .woff .woff2 .ttf .eot .otf .wasm .graphql .gql .yaml .yml .mp3 .mp4
    """.split()
)
_CONFIG_FILES = ("tsconfig.json", "jsconfig.json")
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
_TYPESCRIPT_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
NODE_BUILTINS = frozenset(
    """
    assert async_hooks buffer child_process cluster console constants crypto dgram
    diagnostics_channel dns domain events fs http http2 https inspector module net os path
    perf_hooks process punycode querystring readline repl stream string_decoder sys timers tls
    trace_events tty url util v8 vm wasi worker_threads zlib
    """.split()
)


# --- configuration -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JsConfig:
    """Configuration shared by the JavaScript, TypeScript and TSX resolvers."""

    projects: tuple[ProjectConfig, ...] = ()
    #: the named packages, by name then directory (what a bare specifier can name)
    packages: tuple[WorkspacePackage, ...] = ()
    #: every package.json the resolver uses, named or not, by directory (``imports`` maps and
    #: directory entry points: Node loads a directory through the ``main`` of its package.json)
    manifests: tuple[WorkspacePackage, ...] = ()
    #: the ``.json`` files in the directories above JavaScript/TypeScript sources: CommonJS
    #: ``require('./defaults')`` loads ``defaults.json`` when no ``defaults.js`` exists
    data_files: frozenset[str] = frozenset()


def load_config(root: Path, files: frozenset[str]) -> JsConfig:
    """Read tsconfig/jsconfig and package.json files from the directories holding sources.

    Only the source files' directories and their ancestors are looked at (so
    ``node_modules`` is never walked); tsconfig/jsconfig files only where they can
    apply, above JavaScript/TypeScript sources (a mostly-Python tree costs one read
    per directory, not three), and the JSON files there listed.  Broken or unreadable files are ignored.
    """
    dirs = ancestor_dirs(files)
    js_dirs = ancestor_dirs(frozenset(f for f in files if f.endswith(_JS_FAMILY_SUFFIXES)))
    projects: list[ProjectConfig] = []
    packages: list[WorkspacePackage] = []
    for d in sorted(dirs):
        for name in _CONFIG_FILES if d in js_dirs else ():
            project = load_project(root, d, name)
            if project is not None:
                projects.append(project)
                break
        package = load_package(root, d)
        if package is not None:
            packages.append(package)
    named = tuple(sorted((p for p in packages if p.name), key=lambda p: (p.name, p.directory)))
    return JsConfig(
        tuple(projects), named, tuple(sorted(packages, key=lambda p: p.directory)), _json_files(root, js_dirs)
    )


def _json_files(root: Path, directories: frozenset[str]) -> frozenset[str]:
    """The ``.json`` files directly inside ``directories`` (repo-relative paths)."""
    found: set[str] = set()
    for d in directories:
        try:
            with os.scandir(root / d if d else root) as entries:
                found.update(
                    f"{d}/{e.name}" if d else e.name for e in entries if e.name.endswith(".json") and e.is_file()
                )
        except OSError:
            continue
    return frozenset(found)


# --- resolution ----------------------------------------------------------------


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one JS/TS import to repository files, an external package or a reason it failed."""
    spec = ref.module
    config = index.config.get(CONFIG_KEY)
    if not isinstance(config, JsConfig):
        config = JsConfig()
    tree = _Tree(
        index.files,
        config.manifests,
        ref.path.endswith(_DECLARATION_SUFFIXES),
        ref.path.endswith(_TYPESCRIPT_SUFFIXES),
        config.data_files,
        ref.path.endswith(_NODE_IMPORTERS),
    )
    if spec.startswith(("./", "../")) or spec in (".", ".."):
        base = join_inside(posixpath.dirname(ref.path), spec)
        if base is None:
            return ResolvedImport(unresolved="relative import beyond the repository root")
        return _found_or(tree, base, "relative import matches no file")
    if spec.startswith("/"):
        return ResolvedImport(unresolved="absolute path import")
    if spec.startswith("node:"):
        return ResolvedImport(external="node:" + spec[5:].split("/")[0])
    project = _project_for(ref.path, config.projects)
    if project is not None:
        aliased = _resolve_paths(tree, project, spec)
        if aliased is not None:
            return aliased
    if spec.startswith("#"):
        return _resolve_subpath_import(tree, ref.path, spec)
    package = _resolve_workspace(tree, config.packages, spec)
    if package is not None:
        return package
    if project is not None and project.base_url is not None and spec.split("/")[0] not in NODE_BUILTINS:
        base = join_inside(project.base_url, spec)
        found = tree.find(base) if base is not None else None
        if found:
            return ResolvedImport(targets=(found,))
    if spec.startswith(_SOURCE_ALIASES):
        return _resolve_source_alias(tree, ref.path, spec)
    return ResolvedImport(external=_external_name(spec))


@dataclass(frozen=True, slots=True)
class _Tree:
    """What an import can reach: the analyzed files and the package.json files among them."""

    files: frozenset[str]
    #: every package.json, by directory (``JsConfig.manifests``)
    manifests: tuple[WorkspacePackage, ...]
    #: the importer is a declaration file: a package's ``types`` entry comes first, as for tsc
    declaration: bool
    #: the importer is TypeScript: ``./x.js`` means ``x.ts`` / ``x.d.ts`` even beside an ``x.js``
    typescript: bool
    #: JSON files a module path without extension can name (``JsConfig.data_files``)
    data_files: frozenset[str] = frozenset()
    #: the importer is plain JavaScript: Node's resolution, which never loads a declaration file
    node: bool = False

    def find(self, base: str) -> str | None:
        """The file a module path means: exact, + extension, ``.js`` -> ``.ts``, the entry point of
        the directory's package.json (Node's ``main``; ``module``, ``types`` too), or ``base/index.*``."""
        found = _find_file(self.files, base, self.typescript, self.node)
        if found:
            return found
        manifest = self.manifest_at(base)
        for entry in self.entries(manifest) if manifest is not None else ():
            found = _find_file(self.files, entry, self.typescript, self.node) or _find_index(
                self.files, entry, self.node
            )
            if found:
                return found
        return _find_index(self.files, base, self.node)

    def manifest_at(self, directory: str) -> WorkspacePackage | None:
        """The package.json in ``directory`` itself, if the resolver kept one."""
        i = bisect.bisect_left(self.manifests, directory, key=lambda m: m.directory)
        return self.manifests[i] if i < len(self.manifests) and self.manifests[i].directory == directory else None

    def entries(self, package: WorkspacePackage) -> list[str]:
        """A package's entry candidates: declaration files first for a declaration importer, none
        for a plain JavaScript importer (Node loads ``main``, never ``types``)."""
        if self.node:
            return [e for e in package.entries if not e.endswith(_DECLARATION_SUFFIXES)]
        if not self.declaration:
            return list(package.entries)
        return sorted(package.entries, key=lambda e: not e.endswith(_DECLARATION_SUFFIXES))


def _resolve_subpath_import(tree: _Tree, importer: str, spec: str) -> ResolvedImport:
    """``#name``: the ``imports`` map of the nearest package.json declaring one (never an npm package).

    A target starting with ``./`` is a file of that package; a bare target is a package
    (``"#dep": "some-lib"``), external unless the repository defines it.
    """
    parts = importer.split("/")[:-1]
    for directory in ("/".join(parts[:i]) for i in range(len(parts), -1, -1)):  # nearest first
        manifest = tree.manifest_at(directory)
        if manifest is None or not manifest.imports:
            continue
        targets = match_subpath(manifest.imports, spec)
        if targets is None:
            break
        for target in targets:
            if target.startswith("./"):
                base = join_inside(directory, target)
                found = tree.find(base) if base is not None else None
                if found:
                    return ResolvedImport(targets=(found,))
        bare = [t for t in targets if not t.startswith((".", "/", "#"))]
        if bare:
            return ResolvedImport(external=_external_name(bare[0]))
        if targets and all(posixpath.splitext(t)[1].lower() in _ASSET_SUFFIXES for t in targets):
            return ResolvedImport()
        return ResolvedImport(unresolved="package.json imports entry matches no file")
    return ResolvedImport(unresolved="subpath import matches no package.json imports entry")


def _external_name(spec: str) -> str:
    """The external package of a bare specifier: ``node:<name>`` for a Node builtin."""
    first = spec.split("/")[0]
    return f"node:{first}" if first in NODE_BUILTINS else package_name(spec)


def _resolve_source_alias(tree: _Tree, importer: str, spec: str) -> ResolvedImport:
    """``@/x`` and ``~/x`` that no tsconfig/jsconfig maps: the bundler convention (Vue CLI,
    Vite and Nuxt templates) is the project's ``src/`` (``~/``: or the project root).

    Neither can be an npm package name, so a miss is unresolved, never external.
    """
    rest = spec[2:]
    parts = importer.split("/")[:-1]
    ancestors = ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]  # nearest first
    for directory in ancestors:
        base = join_inside(posixpath.join(directory, "src") if directory else "src", rest)
        found = tree.find(base) if base is not None else None
        if found:
            return ResolvedImport(targets=(found,))
    if spec.startswith("~/"):
        found = tree.find(posixpath.normpath(rest)) if rest else None
        if found:
            return ResolvedImport(targets=(found,))
    return ResolvedImport(
        unresolved=f"{spec[:2]} alias matches no file under src/ (map it in tsconfig.json or jsconfig.json paths)"
    )


def package_name(spec: str) -> str:
    """The package a bare specifier names: ``lodash/fp`` -> ``lodash``, ``@a/b/c`` -> ``@a/b``."""
    parts = spec.split("/")
    if spec.startswith("@") and len(parts) > 1:
        return "/".join(parts[:2])
    return parts[0]


def _found_or(tree: _Tree, base: str, reason: str) -> ResolvedImport:
    found = tree.find(base)
    if found:
        return ResolvedImport(targets=(found,))
    if posixpath.splitext(base)[1].lower() in _ASSET_SUFFIXES:
        return ResolvedImport()  # a stylesheet, image or JSON file: not code
    if base + ".json" in tree.data_files:
        return ResolvedImport()  # Node's require() tries x.js, then x.json: data, not code
    return ResolvedImport(unresolved=reason)


def _find_file(files: frozenset[str], base: str, typescript: bool, node: bool = False) -> str | None:
    """``base`` as a file: exact, + extension, or ``.js`` written for ``.ts``.

    For a TypeScript importer the TypeScript file comes first, as tsc reads it: a ``.d.ts``
    shipped beside its ``.js`` (zod's ``export * from "./core.cjs"`` in ``index.d.cts``)
    links to the declaration ``core.d.cts``, not to the compiled ``core.cjs``.  A plain
    JavaScript importer (``node``) gets what Node loads: ``require("./x")`` beside ``x.js``
    and ``x.d.ts`` is ``x.js``, and a declaration file never.
    """
    stem, ext = posixpath.splitext(base)
    alternatives = [stem + alt for alt in _TS_FOR_JS.get(ext, ())]
    if node:
        alternatives = [a for a in alternatives if not a.endswith(_DECLARATION_SUFFIXES)]
    for candidate in (*alternatives, base) if typescript else (base, *alternatives):
        if candidate in files and not (node and candidate.endswith(_DECLARATION_SUFFIXES)):
            return candidate
    for ext in _NODE_EXTENSIONS if node else _EXTENSIONS:
        if base + ext in files:
            return base + ext
    return None


def _find_index(files: frozenset[str], base: str, node: bool = False) -> str | None:
    """``base`` as a directory: its ``index.*`` (Node's order for a plain JavaScript importer)."""
    prefix = f"{base}/index" if base else "index"
    for ext in _NODE_EXTENSIONS if node else _EXTENSIONS:
        if prefix + ext in files:
            return prefix + ext
    return None


def _project_for(path: str, projects: tuple[ProjectConfig, ...]) -> ProjectConfig | None:
    """The nearest tsconfig/jsconfig whose directory contains ``path``."""
    best: ProjectConfig | None = None
    for p in projects:
        if p.directory == "" or path.startswith(p.directory + "/"):
            if best is None or len(p.directory) > len(best.directory):
                best = p
    return best


def _resolve_paths(tree: _Tree, project: ProjectConfig, spec: str) -> ResolvedImport | None:
    """Apply ``compilerOptions.paths``: the matching pattern with the longest prefix wins."""
    best: tuple[int, str, tuple[str, ...]] | None = None
    for pattern, targets in project.paths:
        if "*" in pattern:
            head, _, tail = pattern.partition("*")
            if spec.startswith(head) and spec.endswith(tail) and len(spec) >= len(head) + len(tail):
                star = spec[len(head) : len(spec) - len(tail)]
                if best is None or len(head) > best[0]:
                    best = (len(head), star, targets)
        elif pattern == spec:
            best = (len(pattern) + 1, "", targets)
            break
    if best is None:
        return None
    _, star, targets = best
    for target in targets:
        found = tree.find(target.replace("*", star, 1))
        if found:
            return ResolvedImport(targets=(found,))
    if all(t.startswith("node_modules/") or "/node_modules/" in t for t in targets):
        return None
    if posixpath.splitext(spec)[1].lower() in _ASSET_SUFFIXES:
        return ResolvedImport()
    return ResolvedImport(unresolved="tsconfig path alias matches no file")


def _resolve_workspace(tree: _Tree, packages: tuple[WorkspacePackage, ...], spec: str) -> ResolvedImport | None:
    """Imports of a package defined inside the repository (``name`` or ``name/sub/path``): its
    ``exports`` map first (``./addons/*``), then the path inside the package (or its ``src/``).

    A package's own name whose entries are build outputs discovery skipped (``build/three.module.js``)
    falls back to its sources: ``src/index.*``, then ``src/<name>.*`` in any letter case (three's
    ``src/Three.js``, jQuery's ``src/jquery.js``, Moment's ``src/moment.js``)."""
    for pkg in sorted(packages, key=lambda p: -len(p.name)):
        if spec == pkg.name:
            candidates = [
                *tree.entries(pkg),
                pkg.directory,
                _under(pkg.directory, "src"),
                *_named_source_entry(tree.files, _under(pkg.directory, "src"), pkg.name),
            ]
        elif spec.startswith(pkg.name + "/"):
            sub = spec[len(pkg.name) + 1 :]
            exported = match_subpath(pkg.exports, f"./{sub}") or ()
            candidates = [
                *(j for j in (join_inside(pkg.directory, t) for t in exported if t.startswith("./")) if j is not None),
                _under(pkg.directory, sub),
                _under(pkg.directory, f"src/{sub}"),
            ]
        else:
            continue
        for cand in candidates:
            found = tree.find(cand)
            if found:
                return ResolvedImport(targets=(found,))
        if posixpath.splitext(spec)[1].lower() in _ASSET_SUFFIXES:
            return ResolvedImport()  # 'pkg/package.json', 'pkg/theme.css': data, not code
        return ResolvedImport(unresolved=f"workspace package {pkg.name!r} has no matching file")
    return None


def _named_source_entry(files: frozenset[str], src: str, name: str) -> list[str]:
    """``src/<name>.<ext>`` for the last segment of a package name, in any letter case (``[]`` if none)."""
    stem = name.rsplit("/", 1)[-1].lower()
    found = _stems_by_directory(files).get((src, stem), ())
    return [min(found, key=lambda f: (_EXTENSIONS.index(_extension_of(f)), f))] if found else []


def _extension_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return next(e for e in _EXTENSIONS if name.endswith(e))


@per_file_set
def _stems_by_directory(files: frozenset[str]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(directory, lowercase name without a source extension) -> the source files so named."""
    out: dict[tuple[str, str], list[str]] = {}
    for f in files:
        directory, _, name = f.rpartition("/")
        for ext in _EXTENSIONS:
            if name.endswith(ext):
                out.setdefault((directory, name[: -len(ext)].lower()), []).append(f)
                break
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _under(directory: str, rel: str) -> str:
    return posixpath.normpath(f"{directory}/{rel}") if directory else posixpath.normpath(rel)


def is_standard_library(package: str) -> bool:
    """Node's built-in modules (resolve_import names them ``node:<name>``)."""
    return package.startswith("node:")


SPEC = LanguageSpec(
    name="javascript",
    extensions=(".js", ".mjs", ".cjs", ".jsx"),
    grammar=tree_sitter_javascript.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    config_key=CONFIG_KEY,
    is_standard_library=is_standard_library,
)

"""C#: namespaces (block and file-scoped), ``using``, ``using static``, ``using X = A.B;``, ``global using``.

``using A.B;`` resolves to the files declaring namespace ``A.B`` that define
a name the importer uses.  ``using static A.B.C;`` resolves to the file that
defines type ``C`` in namespace ``A.B``; an alias resolves like either form.
Anything else is external, grouped by its first segment (``System``,
``Newtonsoft``; two for ``Microsoft.*``: see :func:`external_package`).  Files see the names
of their own namespace without a
``using`` (``namespace_visibility``); see :func:`visible_namespaces` for the
enclosing ones.

Projects: a directory holding a ``.csproj`` is a project; a C# file belongs to
the innermost one above it.  A ``global using`` reaches every C# file of its
project (under the directory of the file declaring it when no project file is
found); ``<Using Include="A.B" />`` items of a project file (with ``Static`` /
``Alias``) act as global usings of that project: what they resolve to is
visible to its files (no edge: no source file imports it).  A project nested
in another's directory also sees the outer project's global usings.
"""

from __future__ import annotations

import os
import posixpath
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

import tree_sitter_c_sharp
from tree_sitter import Node

from analyzer.domain import NOT_BUILT_PREFIX, Diagnostic, ImportRef, ParsedFile, RepoIndex
from analyzer.static.languages.base import (
    KIND_COMPUTED,
    LanguageSpec,
    ResolvedImport,
    call_arguments,
    computed_name,
    innermost_holding,
    narrow_to_referenced,
    node_text,
)
from analyzer.static.languages.csharp_linking import CSharpLinker
from analyzer.static.languages.csharp_types import type_facts

#: import kinds set by :func:`postprocess_import`
KIND_USING = "using"
KIND_STATIC = "using_static"
KIND_ALIAS = "using_alias"
#: ``Type.GetType("A.B.C")``: a type loaded by name
KIND_TYPE_LOAD = "type_load"
_TYPE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_EXTENSION = ".cs"
#: external packages (see external_package) that are the .NET base class library
_STANDARD_PACKAGES = frozenset({"System", "Microsoft.Win32", "Microsoft.CSharp", "Microsoft.VisualBasic"})
_PROJECT_SUFFIX = ".csproj"
#: project files larger than this are not read (a real one is a few kilobytes)
_MAX_PROJECT_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Project:
    """A ``.csproj``: its directory, its path, the ``<Using>`` items it declares as (kind, name)
    and, for a legacy (non-SDK) project, the files it compiles."""

    directory: str
    file: str
    usings: tuple[tuple[str, str], ...] = ()
    #: a legacy project's ``<Compile Include>`` paths / globs (repository-relative); None: all files
    compiled: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class CSharpConfig:
    """The project files found above the C# sources, sorted by directory."""

    projects: tuple[Project, ...] = ()

    def project_of(self, path: str) -> Project | None:
        """The innermost project whose directory holds ``path``."""
        return innermost_holding(path, self.projects, attrgetter("directory"))


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Tell ``using``, ``using static`` and ``using X = ...`` apart.

    ``Type.GetType("A.B.C, Assembly")`` (the ``import_calls``) loads type ``A.B.C`` (``Outer+Inner``
    read as ``Outer.Inner``) when the name is a plain literal; any other name is built at run time.
    """
    if stmt.type == "invocation_expression":
        return _type_load(ref, stmt)
    if stmt.child_by_field_name("name") is not None:
        kind = KIND_ALIAS
    elif any(child.type == "static" for child in stmt.children):
        kind = KIND_STATIC
    else:
        kind = KIND_USING
    module = ref.module.removeprefix("global::")
    if kind == KIND_ALIAS:
        # `using Row2 = Row<int, Guid>;` aliases a constructed generic type: the type is `Row`
        module = "".join(module.split()).partition("<")[0]
    # `global using X;` (C# 10) imports X into every file of the project: resolve_import
    # replaces this scope (the declaring file's directory) with the project's directory
    scope = ref.path.rpartition("/")[0] if any(child.type == "global" for child in stmt.children) else None
    return ImportRef(ref.path, module, ref.names, ref.line, kind, ref.type_only, scope, _enclosing_namespace(stmt))


def _enclosing_namespace(node: Node) -> str:
    """The namespace blocks around ``node``, outermost first (``namespace A { namespace B.C { ... } }``
    -> ``A.B.C``); "" at the top level."""
    names: list[str] = []
    child, parent = node, node.parent
    while parent is not None:
        name = None
        if parent.type == "namespace_declaration":
            name = parent.child_by_field_name("name")
        elif parent.type == "ERROR":
            # a block tree-sitter could not build (`#if` around a using or in an expression): its
            # `namespace` keyword and name stay children of the ERROR node, before what they hold
            name = _namespace_before(parent, child)
        if name is not None:
            names.append("".join(node_text(name).split()))
        child, parent = parent, parent.parent
    return ".".join(reversed(names))


def _namespace_before(error: Node, child: Node) -> Node | None:
    """The name after the last ``namespace`` keyword among ``error``'s children before ``child``."""
    found = None
    previous = None
    for current in error.children:
        if current == child:
            break
        if previous is not None and previous.type == "namespace" and current.type in ("identifier", "qualified_name"):
            found = current
        previous = current
    return found


def _type_load(ref: ImportRef, call: Node) -> ImportRef | None:
    function = call.child_by_field_name("function")
    owner = function.child_by_field_name("expression") if function is not None else None
    if owner is None or "".join(node_text(owner).split()) not in ("Type", "System.Type"):
        return None  # some other GetType(): obj.GetType() names no type
    arguments = call_arguments(call)
    value = arguments[0].named_children[0] if arguments and arguments[0].named_children else None
    if value is None:
        return None
    if value.type == "string_literal" and all(c.type == "string_literal_content" for c in value.named_children):
        name = "".join(node_text(c) for c in value.named_children).split(",")[0].strip().replace("+", ".")
        if _TYPE_NAME.fullmatch(name):
            return ImportRef(ref.path, name, (), ref.line, KIND_TYPE_LOAD)
    return ImportRef(ref.path, computed_name(node_text(value)), (), ref.line, KIND_COMPUTED)


def load_config(root: Path, files: frozenset[str]) -> CSharpConfig:
    """Find the ``.csproj`` files in the directories above every C# file; read their ``<Using>`` items and,
    for legacy projects, their ``<Compile>`` items."""
    dirs: set[str] = set()
    for f in files:
        if f.endswith(_EXTENSION):
            parts = f.split("/")[:-1]
            dirs.update("/".join(parts[:i]) for i in range(len(parts) + 1))
    projects: list[Project] = []
    for d in sorted(dirs):
        try:
            with os.scandir(root / d if d else root) as entries:
                found = sorted(e.name for e in entries if e.name.endswith(_PROJECT_SUFFIX) and e.is_file())
        except OSError:
            continue
        if found:
            read = [_read_project(root / d / name if d else root / name, d) for name in found]
            usings = tuple(dict.fromkeys(u for project_usings, _ in read for u in project_usings))
            # one SDK-style (or unreadable) project file in the directory: everything under it is built
            lists = [c for _, c in read]
            compiled = None if any(c is None for c in lists) else tuple(sorted({p for c in lists if c for p in c}))
            projects.append(Project(d, f"{d}/{found[0]}" if d else found[0], usings, compiled))
    return CSharpConfig(tuple(projects))


def project_diagnostics(index: RepoIndex) -> tuple[Diagnostic, ...]:
    """An info diagnostic for each C# file that its legacy project does not compile (and no other does)."""
    config = index.config.get("csharp")
    if not isinstance(config, CSharpConfig) or all(p.compiled is None for p in config.projects):
        return ()
    literal: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for project in config.projects:
        for item in project.compiled or ():
            if "*" in item or "?" in item:
                patterns.append(_glob(item))
            else:
                literal.add(item)
    out = []
    for path in sorted(index.files):
        if not path.endswith(_EXTENSION) or path in literal or any(p.fullmatch(path) for p in patterns):
            continue
        owner = config.project_of(path)
        if owner is not None and owner.compiled is not None:
            out.append(
                Diagnostic(
                    path,
                    0,
                    "info",
                    f"{NOT_BUILT_PREFIX}not in the <Compile> items of {owner.file} (dead or excluded code)",
                )
            )
    return tuple(out)


def project_imports(index: RepoIndex) -> tuple[ImportRef, ...]:
    """The ``<Using Include>`` items of every project, as global usings of its directory."""
    config = index.config.get("csharp")
    if not isinstance(config, CSharpConfig):
        return ()
    return tuple(
        ImportRef(project.file, name, (), 0, kind, False, project.directory)
        for project in config.projects
        for kind, name in project.usings
    )


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one using directive to files of the repository or an external package.

    A global one (``ref.scope`` set) reaches the files of its project.
    """
    result = _resolve(ref, index)
    if ref.scope is None or not result.targets:
        return result
    config = index.config.get("csharp")
    project = config.project_of(ref.path) if isinstance(config, CSharpConfig) else None
    return result if project is None else ResolvedImport(targets=result.targets, scope=project.directory)


def _resolve(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    if ref.kind == KIND_TYPE_LOAD:
        return _resolve_type_load(ref.module, index)
    module = _as_seen_from(ref.within, ref.module, index) if ref.within else ref.module
    if ref.kind != KIND_STATIC:
        declaring = _namespace_files(module, index)
        members = narrow_to_referenced(declaring, ref.path, index)
        if members:
            return ResolvedImport(targets=members)
        if declaring:
            return ResolvedImport()  # the importer's own namespace, declared by no other file
    if ref.kind != KIND_USING:
        target = _type_file(module, index)
        if target:
            return ResolvedImport(targets=(target,))
        if "." not in module and any(p.endswith(_EXTENSION) for p in index.definitions.get(module, ())):
            # `using R = Row<A>;`: a type of the repository named as seen from the file's namespace
            # and its other usings (the alias target is a reference: those link its file)
            return ResolvedImport()
    if _is_internal_prefix(module, index):
        # a namespace of this repository that only has sub-namespaces: nothing to link
        return ResolvedImport()
    return ResolvedImport(external=external_package(module))


def external_package(module: str) -> str:
    """The package a namespace outside the repository belongs to: its first segment (``System``,
    ``Newtonsoft``, ``NUnit``), two for ``Microsoft.*``, whose namespaces are partly the base class
    library (``Microsoft.Win32``) and partly separate packages (``Microsoft.Extensions``)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "Microsoft" and len(parts) > 1 else parts[0]


def visible_namespaces(namespace: str) -> tuple[str, ...]:
    """Namespaces whose names code in ``namespace`` sees without a using: itself and its enclosing ones.

    ``A.B.C`` -> (``A.B.C``, ``A.B``, ``A``).  Meant for resolve.py's
    namespace visibility (see the hand-over notes of this module's author).
    """
    parts = namespace.split(".") if namespace else []
    return tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))


# --- helpers ----------------------------------------------------------------


def _resolve_type_load(name: str, index: RepoIndex) -> ResolvedImport:
    """The file defining a type loaded by name."""
    parts = name.split(".")
    target = _type_file(name, index)
    if target:
        return ResolvedImport(targets=(target,))
    if any(_namespace_files(".".join(parts[:cut]), index) for cut in range(len(parts) - 1, 0, -1)):
        return ResolvedImport(unresolved="no type of that name in its namespace")
    return ResolvedImport(external=external_package(name))


def _read_project(path: Path, directory: str) -> tuple[list[tuple[str, str]], list[str] | None]:
    """A project file's ``<Using>`` items as (kind, name), and its ``<Compile Include>`` paths.

    The compile list is None for an SDK-style project (``<Project Sdk=...>``: every ``.cs`` file
    under it is built), for an unreadable file and when an item uses an MSBuild property
    (``$(Dir)/x.cs``: not evaluated, so nothing can be said); else the repository-relative paths
    or glob patterns it names (a legacy project builds only those).
    """
    try:
        if path.stat().st_size > _MAX_PROJECT_BYTES:
            return [], None
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return [], None
    usings: list[tuple[str, str]] = []
    compiled: list[str] = []
    for element in root.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        if tag == "Compile":
            for item in (element.get("Include") or "").split(";"):
                item = item.strip().replace("\\", "/")
                if item:
                    compiled.append(
                        posixpath.normpath(posixpath.join(directory, item)) if directory else posixpath.normpath(item)
                    )
        if tag != "Using":
            continue
        name = (element.get("Include") or "").strip().removeprefix("global::")
        if not name:
            continue  # <Using Remove="..."/> only removes implicit usings of the SDK (System.*)
        if element.get("Alias"):
            usings.append((KIND_ALIAS, name))
        elif (element.get("Static") or "").strip().lower() == "true":
            usings.append((KIND_STATIC, name))
        else:
            usings.append((KIND_USING, name))
    legacy = root.get("Sdk") is None and bool(compiled) and not any("$(" in c for c in compiled)
    return usings, (compiled if legacy else None)


def _glob(pattern: str) -> re.Pattern[str]:
    """An MSBuild item glob (``**`` any directories, ``*`` / ``?`` within one name) as a regex."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def _type_file(dotted: str, index: RepoIndex) -> str | None:
    """File defining type ``C`` in namespace ``A.B`` for ``A.B.C``; a nested ``A.B.Outer.Inner`` is
    found through ``Outer``."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        defining = sorted(
            set(_namespace_files(".".join(parts[:cut]), index)).intersection(index.definitions.get(parts[cut], ()))
        )
        if defining:
            return defining[0]
    return None


def _as_seen_from(within: str, module: str, index: RepoIndex) -> str:
    """The name a using inside ``namespace A.B { }`` means: ``A.B.<module>``, then ``A.<module>``, when
    the repository has that namespace or type (C# looks a using's name up from its enclosing namespace
    outwards, Rx's ``using ObservableImpl;`` in ``System.Reactive.Linq``); else the name as written."""
    parts = within.split(".")
    for cut in range(len(parts), 0, -1):
        candidate = ".".join([*parts[:cut], module])
        if _namespace_files(candidate, index) or _type_file(candidate, index):
            return candidate
    return module


def _namespace_files(namespace: str, index: RepoIndex) -> tuple[str, ...]:
    """C# files declaring ``namespace`` (the index is shared with other languages)."""
    return tuple(p for p in index.namespaces.get(namespace, ()) if p.endswith(_EXTENSION))


def _is_internal_prefix(module: str, index: RepoIndex) -> bool:
    prefix = module + "."
    return any(ns.startswith(prefix) and _namespace_files(ns, index) for ns in index.namespaces)


def typed_links(parsed: Sequence[ParsedFile], index: RepoIndex) -> CSharpLinker:
    """The type-aware linker over every C# file (``LanguageSpec.typed_links``), with the global
    usings of each project: ``global using`` directives and ``<Using>`` items of its project file."""
    config = index.config.get("csharp")
    scoped: dict[str, list[tuple[str, str]]] = {}
    kinds = {KIND_USING: "using", KIND_STATIC: "static"}
    if isinstance(config, CSharpConfig):
        for project in config.projects:
            items = [(kinds[kind], name) for kind, name in project.usings if kind in kinds]
            scoped.setdefault(project.directory, []).extend(items)
    for p in parsed:
        usings: tuple[tuple[str, str, str, str, bool], ...] = p.facts[0] if p.facts else ()  # type: ignore[assignment]
        for kind, name, _, _, is_global in usings:
            if is_global and kind != "alias":
                owner = config.project_of(p.path) if isinstance(config, CSharpConfig) else None
                directory = owner.directory if owner is not None else p.path.rpartition("/")[0]
                scoped.setdefault(directory, []).append((kind, name))
    return CSharpLinker(parsed, scoped)


def is_standard_library(package: str) -> bool:
    """The .NET base class library: ``System.*`` and the ``Microsoft.*`` namespaces it ships
    (``Microsoft.Win32``, ``Microsoft.CSharp``, ``Microsoft.VisualBasic``)."""
    return package in _STANDARD_PACKAGES


SPEC = LanguageSpec(
    name="csharp",
    extensions=(_EXTENSION,),
    grammar=tree_sitter_c_sharp.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    namespace_visibility=True,
    visible_namespaces=visible_namespaces,
    load_config=load_config,
    project_imports=project_imports,
    project_diagnostics=project_diagnostics,
    is_standard_library=is_standard_library,
    import_calls=frozenset({"GetType"}),
    type_facts=type_facts,
    typed_links=typed_links,
)

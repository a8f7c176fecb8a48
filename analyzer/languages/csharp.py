"""C#: namespaces (block and file-scoped), ``using``, ``using static``, ``using X = A.B;``, ``global using``.

``using A.B;`` resolves to the files declaring namespace ``A.B`` that define
a name the importer uses.  ``using static A.B.C;`` resolves to the file that
defines type ``C`` in namespace ``A.B``; an alias resolves like either form.
Anything else is external, grouped by its first segment (``System``,
``Newtonsoft``).  Files see the names of their own namespace without a
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
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

import tree_sitter_c_sharp
from tree_sitter import Node

from ..domain import ImportRef, RepoIndex
from . import LanguageSpec, ResolvedImport, innermost_holding, narrow_to_referenced

#: import kinds set by :func:`postprocess_import`
KIND_USING = "using"
KIND_STATIC = "using_static"
KIND_ALIAS = "using_alias"
_EXTENSION = ".cs"
_PROJECT_SUFFIX = ".csproj"
#: project files larger than this are not read (a real one is a few kilobytes)
_MAX_PROJECT_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Project:
    """A ``.csproj``: its directory, its path and the ``<Using>`` items it declares as (kind, name)."""

    directory: str
    file: str
    usings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CSharpConfig:
    """The project files found above the C# sources, sorted by directory."""

    projects: tuple[Project, ...] = ()

    def project_of(self, path: str) -> Project | None:
        """The innermost project whose directory holds ``path``."""
        return innermost_holding(path, self.projects, attrgetter("directory"))


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Tell ``using``, ``using static`` and ``using X = ...`` apart."""
    if stmt.child_by_field_name("name") is not None:
        kind = KIND_ALIAS
    elif any(child.type == "static" for child in stmt.children):
        kind = KIND_STATIC
    else:
        kind = KIND_USING
    module = ref.module.removeprefix("global::")
    # `global using X;` (C# 10) imports X into every file of the project: resolve_import
    # replaces this scope (the declaring file's directory) with the project's directory
    scope = ref.path.rpartition("/")[0] if any(child.type == "global" for child in stmt.children) else None
    return ImportRef(ref.path, module, ref.names, ref.line, kind, ref.type_only, scope)


def load_config(root: Path, files: frozenset[str]) -> CSharpConfig:
    """Find the ``.csproj`` files in the directories above every C# file and read their ``<Using>`` items."""
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
            usings = tuple(u for name in found for u in _project_usings(root / d / name if d else root / name))
            projects.append(Project(d, f"{d}/{found[0]}" if d else found[0], tuple(dict.fromkeys(usings))))
    return CSharpConfig(tuple(projects))


def project_imports(index: RepoIndex) -> tuple[ImportRef, ...]:
    """The ``<Using Include>`` items of every project, as global usings of its directory."""
    config = index.config.get("csharp")
    if not isinstance(config, CSharpConfig):
        return ()
    return tuple(ImportRef(project.file, name, (), 0, kind, False, project.directory)
                 for project in config.projects for kind, name in project.usings)


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one using directive to files of the repository or an external package.

    A global one (``ref.scope`` set) reaches the files of its project.
    """
    result = _resolve(ref, index)
    config = index.config.get("csharp")
    if ref.scope is not None and result.targets and isinstance(config, CSharpConfig):
        project = config.project_of(ref.path)
        if project is not None:
            return ResolvedImport(targets=result.targets, scope=project.directory)
    return result


def _resolve(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    module = ref.module
    if ref.kind != KIND_STATIC:
        members = narrow_to_referenced(_namespace_files(module, index), ref.path, index)
        if members:
            return ResolvedImport(targets=members)
    if ref.kind != KIND_USING:
        target = _type_file(module, index)
        if target:
            return ResolvedImport(targets=(target,))
    if _is_internal_prefix(module, index):
        # a namespace of this repository that only has sub-namespaces: nothing to link
        return ResolvedImport()
    return ResolvedImport(external=module.split(".")[0])


def visible_namespaces(namespace: str) -> tuple[str, ...]:
    """Namespaces whose names code in ``namespace`` sees without a using: itself and its enclosing ones.

    ``A.B.C`` -> (``A.B.C``, ``A.B``, ``A``).  Meant for resolve.py's
    namespace visibility (see the hand-over notes of this module's author).
    """
    parts = namespace.split(".") if namespace else []
    return tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))


# --- helpers ----------------------------------------------------------------

def _project_usings(path: Path) -> list[tuple[str, str]]:
    """(kind, name) of each ``<Using Include="...">`` item of a project file (MSBuild, any namespace)."""
    try:
        if path.stat().st_size > _MAX_PROJECT_BYTES:
            return []
        tree = ElementTree.parse(path)
    except (OSError, ElementTree.ParseError):
        return []
    out: list[tuple[str, str]] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] != "Using":
            continue
        name = (element.get("Include") or "").strip().removeprefix("global::")
        if not name:
            continue  # <Using Remove="..."/> only removes implicit usings of the SDK (System.*)
        if element.get("Alias"):
            out.append((KIND_ALIAS, name))
        elif (element.get("Static") or "").strip().lower() == "true":
            out.append((KIND_STATIC, name))
        else:
            out.append((KIND_USING, name))
    return out


def _type_file(dotted: str, index: RepoIndex) -> str | None:
    """File defining type ``C`` in namespace ``A.B`` for ``A.B.C``."""
    if "." not in dotted:
        return None
    namespace, name = dotted.rsplit(".", 1)
    defining = sorted(set(_namespace_files(namespace, index)).intersection(
        index.definitions.get(name, ())))
    return defining[0] if defining else None


def _namespace_files(namespace: str, index: RepoIndex) -> tuple[str, ...]:
    """C# files declaring ``namespace`` (the index is shared with other languages)."""
    return tuple(p for p in index.namespaces.get(namespace, ()) if p.endswith(_EXTENSION))


def _is_internal_prefix(module: str, index: RepoIndex) -> bool:
    prefix = module + "."
    return any(ns.startswith(prefix) and _namespace_files(ns, index) for ns in index.namespaces)


def is_standard_library(package: str) -> bool:
    """The .NET base class library (``System.*``)."""
    return package == "System"


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
    is_standard_library=is_standard_library,
)

"""C#: namespaces (block and file-scoped), ``using``, ``using static``, ``using X = A.B;``, ``global using``.

``using A.B;`` resolves to the files declaring namespace ``A.B`` that define
a name the importer uses.  ``using static A.B.C;`` resolves to the file that
defines type ``C`` in namespace ``A.B``; an alias resolves like either form.
Anything else is external, grouped by its first segment (``System``,
``Newtonsoft``).  Files see the names of their own namespace without a
``using`` (``namespace_visibility``); see :func:`visible_namespaces` for the
enclosing ones.  A ``global using`` gets a ``scope`` (its file's directory):
resolve.py makes what it imports visible to every C# file under it.
"""

from __future__ import annotations

import tree_sitter_c_sharp
from tree_sitter import Node

from ..domain import ImportRef, RepoIndex
from . import LanguageSpec, ResolvedImport, narrow_to_referenced

#: import kinds set by :func:`postprocess_import`
KIND_USING = "using"
KIND_STATIC = "using_static"
KIND_ALIAS = "using_alias"
_EXTENSION = ".cs"


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Tell ``using``, ``using static`` and ``using X = ...`` apart."""
    if stmt.child_by_field_name("name") is not None:
        kind = KIND_ALIAS
    elif any(child.type == "static" for child in stmt.children):
        kind = KIND_STATIC
    else:
        kind = KIND_USING
    module = ref.module.removeprefix("global::")
    # `global using X;` (C# 10) imports X into every file of the project: approximated by
    # the files under the directory of the file that declares it (usually the project root)
    scope = ref.path.rpartition("/")[0] if any(child.type == "global" for child in stmt.children) else None
    return ImportRef(ref.path, module, ref.names, ref.line, kind, ref.type_only, scope)


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one using directive to files of the repository or an external package."""
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


SPEC = LanguageSpec(
    name="csharp",
    extensions=(_EXTENSION,),
    grammar=tree_sitter_c_sharp.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    namespace_visibility=True,
    visible_namespaces=visible_namespaces,
)

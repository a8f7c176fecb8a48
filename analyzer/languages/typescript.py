"""typescript / tsx: STUB - to be completed (queries + resolver)."""

from __future__ import annotations

import tree_sitter_typescript

from ..domain import ImportRef, RepoIndex
from . import LanguageSpec, ResolvedImport


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    return ResolvedImport(external=ref.module)


SPEC = LanguageSpec(
    name="typescript",
    extensions=(".ts", ".mts", ".cts"),
    grammar=tree_sitter_typescript.language_typescript,
    resolve_import=resolve_import,
)

TSX_SPEC = LanguageSpec(
    name="tsx",
    extensions=(".tsx",),
    grammar=tree_sitter_typescript.language_tsx,
    resolve_import=resolve_import,
)

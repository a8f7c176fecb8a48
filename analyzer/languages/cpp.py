"""cpp: STUB - to be completed (queries + resolver)."""

from __future__ import annotations

import tree_sitter_cpp

from ..domain import ImportRef, RepoIndex
from . import LanguageSpec, ResolvedImport


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    return ResolvedImport(external=ref.module)


SPEC = LanguageSpec(
    name="cpp",
    extensions=('.cc', '.cpp', '.cxx', '.c++', '.hh', '.hpp', '.hxx', '.h++', '.ipp'),
    grammar=tree_sitter_cpp.language,
    resolve_import=resolve_import,
)

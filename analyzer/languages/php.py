"""php: STUB - to be completed (queries + resolver)."""

from __future__ import annotations

import tree_sitter_php

from ..domain import ImportRef, RepoIndex
from . import LanguageSpec, ResolvedImport


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    return ResolvedImport(external=ref.module)


SPEC = LanguageSpec(
    name="php",
    extensions=('.php',),
    grammar=tree_sitter_php.language_php,
    resolve_import=resolve_import,
)

"""ruby: STUB - to be completed (queries + resolver)."""

from __future__ import annotations

import tree_sitter_ruby

from ..domain import ImportRef, RepoIndex
from . import LanguageSpec, ResolvedImport


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    return ResolvedImport(external=ref.module)


SPEC = LanguageSpec(
    name="ruby",
    extensions=('.rb', '.rake', '.gemspec'),
    grammar=tree_sitter_ruby.language,
    resolve_import=resolve_import,
)

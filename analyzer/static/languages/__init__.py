"""Language registry: one module per language, each exporting ``SPEC: LanguageSpec``.

A :class:`LanguageSpec` says which files belong to the language, which
grammar parses them, which query folder under ``queries/`` applies, how an
import statement's captures become :class:`ImportRef` values, and how an
:class:`ImportRef` resolves to files inside the repository.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from tree_sitter import Language

from analyzer.static.languages.base import (
    COMPUTED_REASON,
    KIND_COMPUTED,
    ConfigLoader,
    ImportResolver,
    LanguageSpec,
    ResolvedImport,
    TypedLinker,
    ancestor_dirs,
    call_arguments,
    computed_name,
    files_by_suffix,
    innermost_holding,
    narrow_to_referenced,
    nearest,
    node_text,
    per_file_set,
    strip_quotes,
)

__all__ = [
    "COMPUTED_REASON",
    "ConfigLoader",
    "ImportResolver",
    "KIND_COMPUTED",
    "LanguageSpec",
    "ResolvedImport",
    "TypedLinker",
    "ancestor_dirs",
    "call_arguments",
    "computed_name",
    "files_by_suffix",
    "innermost_holding",
    "narrow_to_referenced",
    "nearest",
    "node_text",
    "per_file_set",
    "strip_quotes",
    "extension_map",
    "language_for_path",
    "load_language_configs",
    "registry",
    "ts_language",
]


@cache
def registry() -> dict[str, LanguageSpec]:
    """All registered languages by name, in a stable order."""
    from analyzer.static.languages import c, cpp, csharp, go, java, javascript, php, python, ruby, rust, typescript, vue

    specs = [
        python.SPEC,
        javascript.SPEC,
        typescript.SPEC,
        typescript.TSX_SPEC,
        vue.SPEC,
        vue.SVELTE_SPEC,
        java.SPEC,
        go.SPEC,
        rust.SPEC,
        c.SPEC,
        cpp.SPEC,
        csharp.SPEC,
        ruby.SPEC,
        php.SPEC,
    ]
    return {s.name: s for s in specs}


@cache
def extension_map() -> dict[str, str]:
    """Lower-case file extension (".py") or exact file name -> language name."""
    out: dict[str, str] = {}
    for spec in registry().values():
        for ext in spec.extensions:
            out.setdefault(ext, spec.name)
        for fname in spec.filenames:
            out.setdefault(fname, spec.name)
    return out


def language_for_path(path: str) -> str | None:
    """The language of a repo-relative path, or None if unsupported."""
    name = path.rsplit("/", 1)[-1]
    table = extension_map()
    if name in table:
        return table[name]
    dot = name.rfind(".")
    if dot <= 0:
        return None
    return table.get(name[dot:].lower())


@cache
def ts_language(name: str) -> Language:
    """The compiled tree-sitter Language for a registered language name."""
    return Language(registry()[name].grammar())


def load_language_configs(root: Path, files: frozenset[str], languages: Iterable[str]) -> dict[str, object]:
    """Per-language configuration read from the tree (go.mod, tsconfig.json, composer.json...),
    keyed by each spec's ``config_name`` and loaded once per key."""
    specs = registry()
    out: dict[str, object] = {}
    for lang in sorted(set(languages)):
        spec = specs[lang]
        if spec.config_name not in out:
            out[spec.config_name] = spec.load_config(root, files)
    return out

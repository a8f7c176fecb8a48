"""Single-file components (Vue ``.vue``, Svelte ``.svelte``): their ``<script>`` blocks.

Only the script blocks are code for the graph (``<script>`` and ``<script setup>``,
in JavaScript or TypeScript).  They are parsed in place with the TypeScript
grammar restricted to their byte ranges (tree-sitter ``included_ranges``), so
line numbers are the file's own; the template and styles are not parsed.
Imports resolve with the JavaScript resolver and configuration (``./Button.vue``,
``@/components/Button.vue``, ``$lib/x`` through tsconfig ``paths``).
"""

from __future__ import annotations

import re

import tree_sitter_typescript

from analyzer.static.languages.base import LanguageSpec
from analyzer.static.languages.javascript import (
    CONFIG_KEY,
    is_standard_library,
    load_config,
    postprocess_import,
    resolve_import,
)

#: an opening <script ...> tag at the top level of the component, and its closing tag
_OPEN = re.compile(rb"<script\b[^>]*>", re.IGNORECASE)
_CLOSE = re.compile(rb"</script\s*>", re.IGNORECASE)


def script_ranges(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of the contents of every ``<script>`` block, in order."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    while True:
        opening = _OPEN.search(data, pos)
        if opening is None:
            return ranges
        closing = _CLOSE.search(data, opening.end())
        if closing is None:
            return ranges
        if closing.start() > opening.end():
            ranges.append((opening.end(), closing.start()))
        pos = closing.end()


def _component_spec(name: str, extension: str) -> LanguageSpec:
    """A component language: its script blocks are TypeScript, resolved like JS/TS."""
    return LanguageSpec(
        name=name,
        extensions=(extension,),
        grammar=tree_sitter_typescript.language_typescript,
        resolve_import=resolve_import,
        query_dir="typescript",
        postprocess_import=postprocess_import,
        load_config=load_config,
        config_key=CONFIG_KEY,
        source_ranges=script_ranges,
        is_standard_library=is_standard_library,
    )


SPEC = _component_spec("vue", ".vue")
SVELTE_SPEC = _component_spec("svelte", ".svelte")

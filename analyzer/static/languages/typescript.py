"""TypeScript and TSX: the JavaScript import forms plus ``import type`` and ``import x = require()``.

Parsing differs only in the grammar and queries; resolution (relative paths,
``.js`` -> ``.ts``, ``index.*``, tsconfig ``paths``/``baseUrl``, workspace
packages, node builtins) is the JavaScript resolver, and the three languages
share one configuration (``config_key="js"``).  References are linked by type (``ts_types`` at
parse time, ``ts_linking`` over every TypeScript and TSX file), not by name as in JavaScript.
"""

from __future__ import annotations

import tree_sitter_typescript

from analyzer.static.languages.base import LanguageSpec
from analyzer.static.languages.javascript import (
    CONFIG_KEY,
    is_standard_library,
    load_config,
    postprocess_import,
    resolve_import,
)
from analyzer.static.languages.ts_linking import typed_links
from analyzer.static.languages.ts_types import type_facts

SPEC = LanguageSpec(
    name="typescript",
    extensions=(".ts", ".mts", ".cts"),
    grammar=tree_sitter_typescript.language_typescript,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    config_key=CONFIG_KEY,
    is_standard_library=is_standard_library,
    type_facts=type_facts,
    typed_links=typed_links,
)

TSX_SPEC = LanguageSpec(
    name="tsx",
    extensions=(".tsx",),
    grammar=tree_sitter_typescript.language_tsx,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    config_key=CONFIG_KEY,
    is_standard_library=is_standard_library,
    type_facts=type_facts,
    typed_links=typed_links,
)

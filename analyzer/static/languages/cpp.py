"""C++: includes resolved like C (shared helpers and configuration in :mod:`.c`).

``.hpp``/``.hh`` headers are C++ by name; a ``.h`` header is C++ when its
content has C++-only lines (decided by discovery, remembered in its stat index).  Symbol edges come
from the type-aware pass of :mod:`.cpp_types` and :mod:`.cpp_linking` (members by the receiver's class).
"""

from __future__ import annotations

import tree_sitter_cpp

from analyzer.domain import ImportRef, RepoIndex
from analyzer.static.languages.base import LanguageSpec, ResolvedImport
from analyzer.static.languages.c import (
    CONFIG_KEY,
    is_standard_library,
    load_config,
    postprocess_import,
    resolve_include,
)
from analyzer.static.languages.cpp_linking import typed_links
from analyzer.static.languages.cpp_types import type_facts


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """C++ include resolution (standard headers map to ``c++std`` / ``libc``)."""
    return resolve_include(ref, index, cxx=True)


SPEC = LanguageSpec(
    name="cpp",
    extensions=(".cc", ".cpp", ".cxx", ".c++", ".hh", ".hpp", ".hxx", ".h++", ".ipp"),
    grammar=tree_sitter_cpp.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    config_key=CONFIG_KEY,
    is_standard_library=is_standard_library,
    type_facts=type_facts,
    typed_links=typed_links,
    typed_reads=("c",),
)

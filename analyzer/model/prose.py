"""Markdown prose of model output: the text outside fenced code blocks, and the file paths named in it.

Shared by the name grounding (:mod:`analyzer.model.checks`) and the claim checks
(:mod:`analyzer.model.claims`): fenced code blocks are skipped by both (Mermaid diagrams are generated
by code, and code the model proposes may define new names on purpose).
"""

from __future__ import annotations

import re

__all__ = ["EXTENSIONS", "PATH", "SOURCE_EXTENSIONS", "prose_spans"]

SOURCE_EXTENSIONS = (
    "py",
    "pyi",
    "js",
    "mjs",
    "cjs",
    "jsx",
    "ts",
    "tsx",
    "mts",
    "cts",
    "java",
    "go",
    "rs",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "hxx",
    "cs",
    "rb",
    "php",
    "kt",
    "swift",
    "scala",
    "toml",
    "json",
    "yaml",
    "yml",
    "cfg",
    "ini",
    "md",
    "txt",
    "lock",
    "mod",
    "gradle",
    "xml",
    "scm",
)
#: the extensions as a regex alternation, longest first
EXTENSIONS = "|".join(sorted(SOURCE_EXTENSIONS, key=len, reverse=True))
_FENCE = re.compile(r"^(?P<fence>```|~~~)[^\n]*\n.*?(?:^(?P=fence)[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
#: a file path with a known extension, not part of a longer path, URL or address
PATH = re.compile(rf"(?<![\w./@:-])((?:[\w.-]+/)*[\w-][\w.-]*\.(?:{EXTENSIONS}))(?![\w/])")


def prose_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text outside fenced code blocks."""
    spans, last = [], 0
    for fence in _FENCE.finditer(text):
        spans.append((last, fence.start()))
        last = fence.end()
    spans.append((last, len(text)))
    return [(s, e) for s, e in spans if e > s]

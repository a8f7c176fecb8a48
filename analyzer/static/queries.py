"""Loads and compiles the tree-sitter queries (``queries/<language>/*.scm``), cached per language.

The queries ship inside the wheel as ``analyzer/_queries``; in a source
checkout (editable install) they are read from the top-level ``queries/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from tree_sitter import Query, QueryError

from analyzer.errors import QueryCompileError
from analyzer.static.languages import registry, ts_language

# --- capture vocabulary (documented in queries/README.md) -------------------
NAME = "name"
DEFINITION_PREFIX = "definition."
REFERENCE_PREFIX = "reference."
IMPORT_STATEMENT = "import.statement"
IMPORT_MODULE = "import.module"
IMPORT_NAME = "import.name"
IMPORT_ALIAS = "import.alias"

DEFINITION_KINDS = frozenset(
    {"class", "interface", "struct", "enum", "trait", "type", "function", "method", "constant", "macro", "module"}
)
REFERENCE_KINDS = frozenset({"call", "type", "inherit"})
IMPORT_CAPTURES = frozenset({IMPORT_STATEMENT, IMPORT_MODULE, IMPORT_NAME, IMPORT_ALIAS})

TAGS_FILE = "tags.scm"
IMPORTS_FILE = "imports.scm"
QUERY_FILES = (TAGS_FILE, IMPORTS_FILE)


def is_known_capture(name: str) -> bool:
    """True when a capture name belongs to the vocabulary (or is private, ``_x``)."""
    if name.startswith("_") or name == NAME or name in IMPORT_CAPTURES:
        return True
    if name.startswith(DEFINITION_PREFIX):
        return name[len(DEFINITION_PREFIX) :] in DEFINITION_KINDS
    if name.startswith(REFERENCE_PREFIX):
        return name[len(REFERENCE_PREFIX) :] in REFERENCE_KINDS
    return False


@dataclass(frozen=True, slots=True)
class PatternRole:
    """What one pattern of the combined query yields.

    ``role`` is "definition", "reference", "import" or "" (helper pattern);
    ``kind`` the definition / reference kind; ``capture`` the capture holding
    the definition or reference node.
    """

    role: str
    kind: str = ""
    capture: str = ""


@dataclass(frozen=True, slots=True)
class LanguageQueries:
    """The compiled query of a language (tags.scm + imports.scm in one pass) and its pattern roles."""

    combined: Query
    roles: tuple[PatternRole, ...]


def queries_root() -> Path:
    """Folder holding ``<language>/*.scm``."""
    packaged = resources.files("analyzer") / "_queries"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "queries"


_INHERITS = re.compile(r"^;+\s*inherits:\s*([\w-]+)\s*$")


def query_text(language: str, filename: str) -> str:
    """The source of one query file, with the files it inherits from prepended.

    A first line ``; inherits: typescript`` puts that language's file of the same
    name first (TSX is TypeScript plus JSX); inheritance may chain.
    """
    folder = registry()[language].queries
    text = (queries_root() / folder / filename).read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    match = _INHERITS.match(first)
    if match:
        return query_text(match.group(1), filename) + "\n" + text
    return text


@cache
def compiled_queries(language: str) -> LanguageQueries:
    """Compile (once per process) the tags and imports queries of a language."""
    lang = ts_language(language)
    texts: list[str] = []
    for filename in QUERY_FILES:
        try:
            text = query_text(language, filename)
            Query(lang, text)  # compile alone first so errors name the right file
        except QueryError as e:
            raise QueryCompileError(language, filename, str(e)) from e
        except OSError as e:
            raise QueryCompileError(language, filename, f"cannot read: {e}") from e
        texts.append(text)
    # One traversal for both files: about 40% cheaper than running them separately.
    source = "\n".join(texts)
    combined = Query(lang, source)
    raw = source.encode("utf-8")
    roles = tuple(
        _role(raw[combined.start_byte_for_pattern(i) : combined.end_byte_for_pattern(i)].decode("utf-8"))
        for i in range(combined.pattern_count)
    )
    return LanguageQueries(combined=combined, roles=roles)


def _role(pattern: str) -> PatternRole:
    code = "\n".join(line.split(";", 1)[0] for line in pattern.splitlines())  # drop comments
    names = re.findall(r"@([\w.]+)", code)
    for name in names:
        if name.startswith(DEFINITION_PREFIX):
            return PatternRole("definition", name[len(DEFINITION_PREFIX) :], name)
        if name.startswith(REFERENCE_PREFIX):
            return PatternRole("reference", name[len(REFERENCE_PREFIX) :], name)
    if IMPORT_STATEMENT in names:
        return PatternRole("import")
    return PatternRole("")


def queries_fingerprint() -> str:
    """Hash of every query file: part of the parse-cache key."""
    import hashlib

    h = hashlib.sha256()
    root = queries_root()
    for path in sorted(root.rglob("*.scm")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]

"""Every query compiles against its grammar, and every capture belongs to the vocabulary."""

from __future__ import annotations

import re

import pytest
from tree_sitter import Query

from analyzer.errors import QueryCompileError
from analyzer.static.languages import registry, ts_language
from analyzer.static.queries import QUERY_FILES, compiled_queries, is_known_capture, query_text

LANGUAGES = sorted(registry())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("filename", QUERY_FILES)
def test_query_compiles_and_uses_the_vocabulary(language, filename):
    query = Query(ts_language(language), query_text(language, filename))
    names = [query.capture_name(i) for i in range(query.capture_count)]
    assert names, f"{language}/{filename} captures nothing"
    unknown = [n for n in names if not is_known_capture(n)]
    assert unknown == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_pattern_has_one_role(language):
    q = compiled_queries(language)
    assert q.combined.pattern_count == len(q.roles)
    text = "\n".join(query_text(language, f) for f in QUERY_FILES).encode()
    for i, role in enumerate(q.roles):
        pattern = text[q.combined.start_byte_for_pattern(i) : q.combined.end_byte_for_pattern(i)].decode()
        code = "\n".join(line.split(";", 1)[0] for line in pattern.splitlines())
        roles = {
            c.split(".")[0] + ("" if c.startswith("import") else "." + c.split(".")[1])
            for c in re.findall(r"@((?:definition|reference)\.\w+|import\.statement)", code)
        }
        assert len(roles) <= 1 or all(r.startswith("definition") for r in roles), (language, pattern)
        if role.role == "import":
            assert "@import.statement" in code


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_defines_and_imports(language):
    roles = {r.role for r in compiled_queries(language).roles}
    assert {"definition", "reference", "import"} <= roles


def test_broken_query_names_language_and_file(monkeypatch):
    import analyzer.static.queries as queries

    compiled_queries.cache_clear()
    monkeypatch.setattr(queries, "query_text", lambda lang, f: "((unknown_node_type) @name" if f == "tags.scm" else "")
    try:
        with pytest.raises(QueryCompileError) as info:
            compiled_queries("python")
        assert "python" in str(info.value) and "tags.scm" in str(info.value)
    finally:
        monkeypatch.undo()
        compiled_queries.cache_clear()

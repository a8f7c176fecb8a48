"""Parsing robustness with inline bytes and the real grammars: encodings, NUL bytes, syntax errors,
pathological nesting, very long lines, empty files."""

from __future__ import annotations

import hashlib

import pytest

from analyzer.domain import ParsedFile, SourceFile
from analyzer.static.languages import registry
from analyzer.static.parse import parse_file

SAMPLES = {
    "python": ("m.py", b"import os\n\nclass A:\n    def run(self):\n        return os.getcwd()\n", "A"),
    "javascript": ("m.js", b"import x from './x.js';\n\nclass A {\n  run() { return x(); }\n}\n", "A"),
}


def _parse(path: str, language: str, data: bytes) -> ParsedFile:
    return parse_file(SourceFile(path, language, len(data), hashlib.sha256(data).hexdigest()), data)


def _messages(parsed: ParsedFile) -> list[tuple[int, str, str]]:
    return [(d.line, d.severity, d.message) for d in parsed.diagnostics]


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_empty_file(language):
    path, _, _ = SAMPLES[language]
    parsed = _parse(path, language, b"")
    assert (parsed.loc, parsed.symbols, parsed.imports, parsed.references, parsed.diagnostics) == (0, (), (), (), ())


def test_invalid_utf8_is_repaired_with_a_diagnostic_on_its_line():
    data = b"import os\n\nNAME = '\xff\xfe caf\xe9'\n\ndef f():\n    pass\n"
    parsed = _parse("m.py", "python", data)
    assert _messages(parsed) == [(3, "warning", "invalid UTF-8; undecodable bytes replaced")]
    assert [(s.name, s.line) for s in parsed.symbols if s.kind == "function"] == [("f", 5)]
    assert [i.module for i in parsed.imports] == ["os"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_converted(encoding):
    text = "import os\n\nclass Café:\n    pass\n"
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + text).encode(encoding)
    parsed = _parse("m.py", "python", data)
    assert _messages(parsed) == [(0, "info", "UTF-16 file converted to UTF-8")]
    assert [(s.name, s.kind, s.line) for s in parsed.symbols] == [("Café", "class", 3)]
    assert [i.module for i in parsed.imports] == ["os"]
    assert parsed.loc == 3


def test_utf8_bom_is_dropped_silently():
    parsed = _parse("m.py", "python", b"\xef\xbb\xbfimport os\n")
    assert parsed.diagnostics == () and [i.module for i in parsed.imports] == ["os"]


def test_odd_length_utf16_is_a_diagnostic_not_a_crash():
    parsed = _parse("m.py", "python", b"\xff\xfei\x00m\x00p")
    assert _messages(parsed) == [
        (0, "warning", "invalid UTF-16; parsed as bytes"),
        (1, "warning", "syntax errors: results for this file may be partial"),
    ]


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_nul_bytes_are_reported_and_the_rest_is_parsed(language):
    path, source, cls = SAMPLES[language]
    data = source + b"\n\x00\x00junk\x00\n"
    parsed = _parse(path, language, data)
    line = source.count(b"\n") + 2
    assert (line, "warning", "NUL bytes in source") in _messages(parsed)
    assert cls in {s.name for s in parsed.symbols}


@pytest.mark.parametrize("language", sorted(registry()))
def test_syntax_errors_everywhere_give_a_warning_and_no_exception(language):
    path = "m" + registry()[language].extensions[0]
    data = b"}{ ) ( ;; class def fn func ?> #include \" ' ` \n" * 200 + b"\xff\n"
    if language == "php":
        data = b"<?php\n" + data  # outside <?php ... ?> everything is valid HTML text
    if language in ("vue", "svelte"):
        data = b"<script>\n" + data + b"</script>\n"  # only the script blocks are parsed
    parsed = _parse(path, language, data)
    severities = {d.message: d.severity for d in parsed.diagnostics}
    assert severities.get("syntax errors: results for this file may be partial") == "warning"
    assert all(d.path == path and d.line >= 0 for d in parsed.diagnostics)


def test_partial_results_survive_a_syntax_error():
    data = b"import os\n\ndef good():\n    pass\n\ndef broken(:\n    )))\n\nclass Later:\n    pass\n"
    parsed = _parse("m.py", "python", data)
    assert [(d.line, d.severity) for d in parsed.diagnostics] == [(6, "warning")]
    assert [(s.name, s.line) for s in parsed.symbols] == [("good", 3), ("broken", 6)]
    assert [i.module for i in parsed.imports] == ["os"]


DEPTH = 50_000
NESTED = {
    "parens-closed": lambda: b"x = " + b"(" * DEPTH + b"1" + b")" * DEPTH + b"\n",
    "brackets-closed": lambda: b"x = " + b"[" * DEPTH + b"]" * DEPTH + b"\n",
    "parens-unclosed": lambda: b"x = " + b"(" * DEPTH + b"\n",
    "calls": lambda: b"f(" * DEPTH + b")" * DEPTH + b"\n",
    "braces": lambda: b"x = " + b"{" * DEPTH + b"\n",
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
@pytest.mark.parametrize("shape", sorted(NESTED))
def test_pathological_nesting_neither_crashes_nor_recurses_out(language, shape):
    path, source, cls = SAMPLES[language]
    data = source + NESTED[shape]()
    parsed = _parse(path, language, data)
    assert cls in {s.name for s in parsed.symbols}  # what precedes the nesting is still extracted
    assert parsed.loc == source.count(b"\n") - source.count(b"\n\n") + 1
    assert all(d.severity in ("warning", "info") for d in parsed.diagnostics)


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_one_megabyte_single_line(language):
    path = SAMPLES[language][0]
    line = b"x = [" + b"1, " * 350_000 + b"2]" if language == "python" else b"const x = [" + b"1, " * 350_000 + b"2];"
    assert len(line) > 1_000_000
    parsed = _parse(path, language, line)
    assert parsed.loc == 1 and parsed.diagnostics == ()
    assert [(s.name, s.kind, s.line) for s in parsed.symbols] == [("x", "constant", 1)]


def test_every_diagnostic_is_well_formed_for_an_unreadable_file():
    source = SourceFile("gone.py", "python", 10, "0" * 64)
    parsed = parse_file(source, FileNotFoundError(2, "No such file or directory"))
    assert _messages(parsed) == [(0, "error", "cannot read file: No such file or directory")]
    assert parsed.source == source and parsed.loc == 0

"""Property tests (hypothesis): random bytes through every grammar, random trees through discovery,
random import sets through resolution.  Modest example counts keep the file under a minute."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.config import Settings
from analyzer.domain import ImportRef, ParsedFile, Reference, SourceFile, Symbol
from analyzer.static.discover import discover_files
from analyzer.static.languages import registry
from analyzer.static.parse import parse_file
from analyzer.static.resolve import resolve_dependencies

LANGUAGES = sorted(registry())
SEVERITIES = {"error", "warning", "info"}

# bytes that look like code often enough to reach the extraction paths
TOKENS = [
    b"import ",
    b"from ",
    b"class ",
    b"def ",
    b"fn ",
    b"func ",
    b"package ",
    b"use ",
    b"#include ",
    b"<?php ",
    b"require ",
    b"namespace ",
    b"{",
    b"}",
    b"(",
    b")",
    b"[",
    b"]",
    b";",
    b":",
    b"\n",
    b"    ",
    b'"',
    b"'",
    b"`",
    b"/*",
    b"*/",
    b"//",
    b"#",
    b"a",
    b"b.c",
    b"x",
    b"=",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3\xa9",
    b"\\",
]
code_like = st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join)
random_bytes = st.one_of(st.binary(max_size=400), code_like)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=random_bytes)
def test_random_bytes_parse_in_every_language(data: bytes) -> None:
    for language in LANGUAGES:
        path = "dir/file" + registry()[language].extensions[0]
        source = SourceFile(path, language, len(data), hashlib.sha256(data).hexdigest())
        parsed = parse_file(source, data)
        assert parsed.source == source and parsed.loc >= 0
        for d in parsed.diagnostics:
            assert d.path == path and d.line >= 0 and d.severity in SEVERITIES and d.message
        assert list(parsed.diagnostics) == sorted(parsed.diagnostics, key=lambda d: d.sort_key())
        for s in parsed.symbols:
            assert s.path == path and s.line >= 1 and s.name
        for i in parsed.imports:
            assert i.path == path and i.line >= 1 and i.module
        for r in parsed.references:
            assert r.path == path and r.line >= 1 and r.count >= 1


NAMES = st.sampled_from(
    [
        "a",
        "b",
        "pkg",
        "node_modules",
        "build",
        "x.py",
        "y.js",
        "z.min.js",
        "m_pb2.py",
        "t.ts",
        "main.go",
        "lib.rs",
        "README.md",
        ".gitignore",
        "deep",
        "Café.py",
    ]
)
ENTRY = st.tuples(
    st.lists(NAMES, min_size=1, max_size=4),
    st.sampled_from(["file", "gitignore", "binary", "link-up", "link-file", "link-out"]),
)


def _build(root: Path, entries: list[tuple[list[str], str]], outside: Path) -> None:
    for parts, kind in entries:
        path = root.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(path):
                continue
            if kind == "file":
                path.write_text("import os\nx = 1\n")
            elif kind == "gitignore":
                (path.parent / ".gitignore").write_text(f"{parts[-1]}\n!x.py\n*.js\n")
            elif kind == "binary":
                path.write_bytes(bytes(range(256)) * 4)
            elif kind == "link-up":
                path.symlink_to("..", target_is_directory=True)
            elif kind == "link-file":
                path.symlink_to(root / parts[0])
            else:
                path.symlink_to(outside)
        except OSError:
            continue  # a file where a folder was wanted, a link in the way...: keep what exists


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(ENTRY, max_size=25),
    include=st.sampled_from([(), ("*.py",), ("a/**",)]),
    exclude=st.sampled_from([(), ("b/",), ("*.go",)]),
)
def test_random_trees_discover_sorted_existing_unique_files(entries, include, exclude) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, outside = Path(tmp, "repo"), Path(tmp, "outside")
        root.mkdir()
        outside.mkdir()
        (outside / "secret.py").write_text("x = 1\n")
        _build(root, entries, outside)
        found = discover_files(
            Settings(root=root, include=include, exclude=exclude, cache_dir=Path(tmp, "cache"), use_ignore_files=True)
        )
        paths = [f.path for f in found.files]
        assert paths == sorted(set(paths))
        real_root = os.path.realpath(root)
        for f in found.files:
            full = root / f.path
            assert full.is_file()
            assert os.path.realpath(full).startswith(real_root + os.sep)  # nothing from outside
            assert f.digest == hashlib.sha256(full.read_bytes()).hexdigest() and f.size == full.stat().st_size
            assert not f.path.startswith("/") and "\\" not in f.path
        assert all(n > 0 for _, n in found.skipped.counts)


MODULES = st.sampled_from(
    [
        "os",
        "pkg",
        "pkg.a",
        "pkg.b",
        ".a",
        "..b",
        ".",
        "pkg.sub.c",
        "nope",
        "./a",
        "../b",
        "a",
        "b.c",
        "",
        "...",
        "fmt",
        "std::io",
        "a/b.h",
        "crate::a",
    ]
)
PY_PATHS = ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/sub/c.py", "main.py"]
OTHER = {
    "javascript": ["web/a.js", "web/b.js"],
    "go": ["go/a.go"],
    "rust": ["src/a.rs", "src/lib.rs"],
    "c": ["inc/a/b.h", "src/x.c"],
}


@st.composite
def parsed_sets(draw: st.DrawFn) -> list[ParsedFile]:
    files = [(p, "python") for p in PY_PATHS] + [(p, lang) for lang, ps in OTHER.items() for p in ps]
    chosen = draw(st.lists(st.sampled_from(files), min_size=1, max_size=len(files), unique=True))
    out = []
    for path, language in chosen:
        imports = draw(
            st.lists(
                st.builds(
                    lambda m, names, line, type_only: ImportRef(
                        path, m, tuple(sorted(set(names))), line, "from" if names else "import", type_only
                    ),
                    MODULES,
                    st.lists(st.sampled_from(["a", "b", "c", "*", "f"]), max_size=3),
                    st.integers(1, 50),
                    st.booleans(),
                ),
                max_size=5,
            )
        )
        names = draw(st.lists(st.sampled_from(["a", "b", "c", "f", "G"]), max_size=3, unique=True))
        symbols = tuple(Symbol(n, "function", path, i + 1) for i, n in enumerate(names))
        refs = draw(st.lists(st.sampled_from(["a", "b", "c", "f", "G"]), max_size=3, unique=True))
        references = tuple(Reference(path, n, draw(st.sampled_from(["call", "type", "inherit"])), 1) for n in refs)
        out.append(
            ParsedFile(
                SourceFile(path, language, 1, "0" * 64),
                1,
                symbols,
                tuple(sorted(imports, key=ImportRef.sort_key)),
                references,
                namespace=draw(st.sampled_from(["", "pkg"])),
            )
        )
    return out


@settings(max_examples=60, deadline=None)
@given(parsed=parsed_sets())
def test_random_import_sets_resolve_to_known_files(parsed: list[ParsedFile]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        resolution = resolve_dependencies(parsed, Settings(root=Path(tmp), cache_dir=Path(tmp, "c")))
    known = {p.path for p in parsed}
    for d in resolution.dependencies:
        assert d.source in known and d.target in known and d.source != d.target
        assert d.kind in ("import", "call", "inherit") and d.line >= 1 and d.weight >= 1
    assert list(resolution.dependencies) == sorted(resolution.dependencies, key=lambda d: d.sort_key())
    for e in resolution.externals:
        assert e.source in known and e.package
    for u in resolution.unresolved:
        assert u.source in known

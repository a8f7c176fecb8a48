"""Discovery over real temporary trees: .gitignore semantics, globs, vendored/generated/minified/binary
files, symlinks, unreadable entries, output paths, vanishing files and a 100,000-file tree."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from helpers import write_tree

from analyzer.config import Settings
from analyzer.domain import Discovery
from analyzer.static import discover as d
from analyzer.static.discover import discover_files
from analyzer.static.parse import parse_files


def _discover(root: Path, **kw: object) -> Discovery:
    return discover_files(Settings(root=root, cache_dir=root.parent / "cache", **kw).validate())


def _paths(found: Discovery) -> list[str]:
    return [f.path for f in found.files]


# --- .gitignore ---------------------------------------------------------------


def test_gitignore_at_several_levels_with_negation_and_directory_patterns(tmp_path):
    root = write_tree(
        tmp_path / "repo",
        {
            ".gitignore": "ignored_dir/\ntemp_*.py\n!temp_keep.py\n/rootonly.py\n# comment\n",
            "main.py": "import os\n",
            "local.py": "x = 1\n",
            "rootonly.py": "x = 1\n",
            "temp_1.py": "x = 1\n",
            "temp_keep.py": "x = 1\n",
            "ignored_dir/a.py": "x = 1\n",
            "sub/.gitignore": "local.py\n!temp_sub.py\n",
            "sub/local.py": "x = 1\n",
            "sub/rootonly.py": "x = 1\n",
            "sub/temp_sub.py": "x = 1\n",
            "sub/temp_x.py": "x = 1\n",
            "sub/ignored_dir/b.py": "x = 1\n",
            "sub/deep/.gitignore": "*.py\n!keep_*.py\n",
            "sub/deep/gone.py": "x = 1\n",
            "sub/deep/keep_me.py": "x = 1\n",
            ".git/HEAD": "ref: refs/heads/main\n",  # a git work tree: its .gitignore files apply
        },
    )
    found = _discover(root)
    assert _paths(found) == [
        "local.py",
        "main.py",
        "sub/deep/keep_me.py",
        "sub/rootonly.py",
        "sub/temp_sub.py",
        "temp_keep.py",
    ]
    counts = found.skipped.as_dict()
    assert counts[d.SKIP_GITIGNORED_DIR] == 2  # ignored_dir at two levels, pruned whole
    assert counts[d.SKIP_GITIGNORED] == 5  # temp_1, rootonly, sub/local, sub/temp_x, sub/deep/gone


def test_gitignore_directory_pattern_does_not_match_a_file_of_that_name(tmp_path):
    root = write_tree(
        tmp_path / "repo",
        {".gitignore": "models/\n", "models.py": "x = 1\n", "models/a.py": "x = 1\n", "pkg/models/b.py": "x = 1\n"},
    )
    found = _discover(root, use_ignore_files=True)
    assert _paths(found) == ["models.py"]
    assert found.skipped.as_dict()[d.SKIP_GITIGNORED_DIR] == 2


@pytest.mark.parametrize(
    ("include", "exclude", "expected", "reasons"),
    [
        ((), (), ["src/app.py", "src/test_app.py", "tools/run.py"], {d.SKIP_UNSUPPORTED: 1}),
        (("src/**",), (), ["src/app.py", "src/test_app.py"], {d.SKIP_NOT_INCLUDED: 2}),
        ((), ("test_*.py",), ["src/app.py", "tools/run.py"], {d.SKIP_EXCLUDED: 1, d.SKIP_UNSUPPORTED: 1}),
        (("src/",), ("**/test_*.py",), ["src/app.py"], {d.SKIP_EXCLUDED: 1, d.SKIP_NOT_INCLUDED: 2}),
        (("*.js",), (), [], {d.SKIP_NOT_INCLUDED: 4}),
    ],
    ids=["none", "include-dir-glob", "exclude-name", "both", "include-nothing"],
)
def test_include_and_exclude_globs(tmp_path, include, exclude, expected, reasons):
    root = write_tree(
        tmp_path / "repo",
        {"src/app.py": "x = 1\n", "src/test_app.py": "x = 1\n", "tools/run.py": "x = 1\n", "README.md": "# hi\n"},
    )
    found = _discover(root, include=include, exclude=exclude)
    assert _paths(found) == expected
    assert found.skipped.as_dict() == reasons


# --- vendored, generated, minified, binary, oversized -------------------------

VENDORED = ["node_modules", "vendor", "__pycache__", "third_party", "site-packages", ".tox"]


def test_vendored_directories_are_pruned_and_counted_per_directory(tmp_path):
    files = {f"{name}/lib.py": "x = 1\n" for name in VENDORED}
    files.update(
        {"pkg/node_modules/dep/index.js": "module.exports = 1;\n", "pkg/app.py": "x = 1\n", "app.py": "x = 1\n"}
    )
    root = write_tree(tmp_path / "repo", files)
    found = _discover(root)
    assert _paths(found) == ["app.py", "pkg/app.py"]
    assert found.skipped.as_dict()[d.SKIP_VENDORED_DIR] == len(VENDORED) + 1
    # listed by path, except tool caches (never source)
    assert [p for p, _ in found.skipped_dirs] == [
        "node_modules",
        "pkg/node_modules",
        "site-packages",
        "third_party",
        "vendor",
    ]

    everything = _discover(root, use_default_excludes=False)
    assert len(everything.files) == len(VENDORED) + 3
    assert d.SKIP_VENDORED_DIR not in everything.skipped.as_dict() and everything.skipped_dirs == ()


def test_folders_named_like_build_outputs_or_virtualenvs_are_source_unless_their_tool_says_so(tmp_path):
    # a Go module's internal/env and internal/out packages were skipped by their names alone
    root = write_tree(
        tmp_path / "repo",
        {
            "go.mod": "module example.com/tool\n",
            "main.go": 'package main\nimport "example.com/tool/internal/env"\n',
            "internal/env/env.go": "package env\n",
            "internal/out/out.go": "package out\n",
            "internal/build/build.go": "package build\n",
            "internal/target/t.go": "package target\n",
            "internal/dist/d.go": "package dist\n",
            "pip/operations/build/__init__.py": "",
            "tests/commands/env/__init__.py": "",
        },
    )
    found = _discover(root)
    assert _paths(found) == [
        "internal/build/build.go",
        "internal/dist/d.go",
        "internal/env/env.go",
        "internal/out/out.go",
        "internal/target/t.go",
        "main.go",
        "pip/operations/build/__init__.py",
        "tests/commands/env/__init__.py",
    ]
    assert found.skipped_dirs == ()


BUILT = {
    # a virtualenv is a folder with pyvenv.cfg, whatever its name
    "venv/pyvenv.cfg": "home = /usr/bin\n",
    "venv/lib/site.py": "x = 1\n",
    "tools/py311/pyvenv.cfg": "home = /usr/bin\n",
    "tools/py311/lib/a.py": "x = 1\n",
    # Maven and Cargo write target/, Gradle and CMake build/, setup.py build/ and dist/
    "java/pom.xml": "<project/>",
    "java/target/classes/A.java": "class A {}\n",
    "java/src/B.java": "class B {}\n",
    "rs/Cargo.toml": "[package]\n",
    "rs/target/debug/build.rs": "fn main() {}\n",
    "rs/src/lib.rs": "",
    "gradle/build.gradle": "",
    "gradle/build/gen/G.java": "class G {}\n",
    "native/CMakeLists.txt": "",
    "native/build/gen.c": "int x;\n",
    "native/src/main.c": "int main(void);\n",
    "py/setup.py": "",
    "py/build/lib/m.py": "x = 1\n",
    "py/dist/m.py": "x = 1\n",
    "py/m.py": "x = 1\n",
    # a JavaScript package's build/, dist/ and built/ anywhere below its package.json (Ghost's core/core/built)
    "web/package.json": "{}",
    "web/dist/app.js": "x;\n",
    "web/core/built/admin.js": "x;\n",
    "web/src/app.js": "x;\n",
    # a tsconfig.json's outDir, whatever its name
    "ts/tsconfig.json": '{\n  // comment\n  "compilerOptions": {"outDir": "./lib", "rootDir": "src"}\n}\n',
    "ts/lib/index.js": "x;\n",
    "ts/src/index.ts": "export {};\n",
    # dotnet's bin/ and obj/ beside a project file
    "cs/App.csproj": "<Project/>",
    "cs/obj/Gen.cs": "class Gen {}\n",
    "cs/bin/Old.cs": "class Old {}\n",
    "cs/Program.cs": "class P {}\n",
}


def test_build_outputs_and_virtualenvs_are_skipped_when_their_tool_says_so_and_listed(tmp_path):
    root = write_tree(tmp_path / "repo", BUILT)
    found = _discover(root)
    assert _paths(found) == [
        "cs/Program.cs",
        "java/src/B.java",
        "native/src/main.c",
        "py/m.py",
        "py/setup.py",
        "rs/src/lib.rs",
        "ts/src/index.ts",
        "web/src/app.js",
    ]
    assert found.skipped_dirs == (
        ("cs/bin", d.SKIP_BUILD_DIR),
        ("cs/obj", d.SKIP_BUILD_DIR),
        ("gradle/build", d.SKIP_BUILD_DIR),
        ("java/target", d.SKIP_BUILD_DIR),
        ("native/build", d.SKIP_BUILD_DIR),
        ("py/build", d.SKIP_BUILD_DIR),
        ("py/dist", d.SKIP_BUILD_DIR),
        ("rs/target", d.SKIP_BUILD_DIR),
        ("tools/py311", d.SKIP_VIRTUALENV_DIR),
        ("ts/lib", d.SKIP_BUILD_DIR),
        ("venv", d.SKIP_VIRTUALENV_DIR),
        ("web/core/built", d.SKIP_BUILD_DIR),
        ("web/dist", d.SKIP_BUILD_DIR),
    )
    assert len(_discover(root, use_default_excludes=False).files) == len(
        [p for p in BUILT if not p.endswith((".cfg", ".xml", ".toml", ".gradle", ".txt", ".json", ".csproj"))]
    )


# --- .gitignore only inside a git work tree --------------------------------------


def _kernel_like(root: Path) -> Path:
    # Debian's linux-source ships the packagers' .gitignore: everything but debian/ is ignored
    return write_tree(
        root,
        {
            ".gitignore": "/*\n!/debian/\n",
            "kernel/fork.c": "int x;\n",
            "mm/slab.c": "int y;\n",
            "debian/rules.py": "x = 1\n",
        },
    )


def test_outside_a_git_work_tree_gitignore_files_do_not_apply(tmp_path):
    root = _kernel_like(tmp_path / "src")
    found = _discover(root)
    assert _paths(found) == ["debian/rules.py", "kernel/fork.c", "mm/slab.c"]
    assert found.ignore_files.startswith("not applied: ") and "--ignore" in found.ignore_files
    forced = _discover(root, use_ignore_files=True)
    assert _paths(forced) == ["debian/rules.py"] and forced.ignore_files == "applied (--ignore)"
    assert ("kernel", d.SKIP_GITIGNORED_DIR) in forced.skipped_dirs


def test_inside_a_git_work_tree_gitignore_files_apply_unless_told_not_to(tmp_path):
    (tmp_path / "work" / ".git").mkdir(parents=True)  # the work tree's root is above the analyzed folder
    root = _kernel_like(tmp_path / "work" / "linux")
    found = _discover(root)
    assert _paths(found) == ["debian/rules.py"] and found.ignore_files.startswith("applied: ")
    everything = _discover(root, use_ignore_files=False)
    assert len(everything.files) == 3 and everything.ignore_files == "not applied (--no-ignore)"


def test_go_files_the_go_tool_ignores_are_skipped(tmp_path):
    root = write_tree(
        tmp_path / "repo",
        {
            "go.mod": "module example.com/m\n",
            "pkg/a.go": "package pkg\n",
            "pkg/testdata/bad.go": "package broken(\n",
            "pkg/testdata/deep/x.go": "package x\n",
            "_examples/main.go": "package main\n",
            ".hidden/h.go": "package h\n",
            "testdata/data.py": "x = 1\n",  # only the go tool ignores testdata/: other languages keep it
            "pkg/_note.go": "package pkg\n",
            "pkg/testdata_helpers.go": "package pkg\n",  # only a directory named testdata counts
        },
    )
    found = _discover(root)
    assert _paths(found) == ["pkg/a.go", "pkg/testdata_helpers.go", "testdata/data.py"]
    assert found.skipped.as_dict()[d.SKIP_GO_IGNORED] == 5
    everything = _discover(root, use_default_excludes=False)
    assert len(everything.files) == 8


def test_minified_generated_binary_and_oversized_files_are_skipped_by_reason(tmp_path):
    long_line = "var a=" + "1+" * 40_000 + "1;"
    root = write_tree(
        tmp_path / "repo",
        {
            "app.js": "import x from './lib.js';\nexport const y = x;\n",
            "lib.min.js": "var a=1;",
            "bundle.js": long_line,  # no .min in the name: detected by its line length
            "wide.js": "const a = 1;\n" * 500,  # many normal lines: kept
            "api_pb2.py": "x = 1\n",
            "api_pb2_grpc.py": "x = 1\n",
            "blob.py": bytes(range(256)) * 64,
            "big.py": "x = 1\n" * 100,
            "small.py": "x = 1\n",
        },
    )
    found = _discover(root, max_file_bytes=300)
    assert _paths(found) == ["app.js", "small.py"]
    # lib.min.js by name; bundle.js, wide.js, blob.py and big.py are over the size limit
    assert found.skipped.as_dict() == {d.SKIP_MINIFIED: 1, d.SKIP_GENERATED: 2, d.SKIP_TOO_LARGE: 4}

    roomy = _discover(root, max_file_bytes=10_000_000)
    assert _paths(roomy) == ["app.js", "big.py", "small.py", "wide.js"]
    # lib.min.js by name, bundle.js by its line length
    assert roomy.skipped.as_dict() == {d.SKIP_MINIFIED: 2, d.SKIP_BINARY: 1, d.SKIP_GENERATED: 2}


def test_a_few_nul_bytes_in_text_are_not_binary(tmp_path):
    root = write_tree(tmp_path / "repo", {"a.py": b"x = 1\n" * 200 + b"\x00\n", "u16.py": "x = 1\n".encode("utf-16")})
    assert _paths(_discover(root)) == ["a.py", "u16.py"]


# --- symlinks -----------------------------------------------------------------


def test_symlink_loop_and_links_outside_the_root_are_never_followed(tmp_path):
    outside = write_tree(tmp_path / "outside", {"secret.py": "x = 1\n", "lib/mod.py": "x = 1\n"})
    root = write_tree(tmp_path / "repo", {"pkg/a.py": "x = 1\n"})
    (root / "pkg" / "parent").symlink_to("..", target_is_directory=True)  # loop: pkg/parent -> repo
    (root / "self").symlink_to("self")  # ELOOP
    (root / "out_file.py").symlink_to(outside / "secret.py")
    (root / "out_dir").symlink_to(outside / "lib", target_is_directory=True)
    (root / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    found = _discover(root)
    assert _paths(found) == ["pkg/a.py"]
    counts = found.skipped.as_dict()
    assert counts[d.SKIP_SYMLINK_LOOP] == 2
    assert counts[d.SKIP_SYMLINK_OUTSIDE] == 3


def test_a_directory_linked_inside_the_root_is_listed_once_under_its_real_path(tmp_path):
    root = write_tree(tmp_path / "repo", {"pkg/a.py": "x = 1\n", "z/deep/b.py": "x = 1\n"})
    (root / "alias").symlink_to("pkg", target_is_directory=True)  # sorts before its target
    (root / "a_link").symlink_to("z/deep", target_is_directory=True)  # target is deeper in the tree
    found = _discover(root)
    assert _paths(found) == ["pkg/a.py", "z/deep/b.py"]
    assert found.skipped.as_dict()[d.SKIP_SYMLINK_LOOP] == 2


def test_deep_directory_nesting_does_not_recurse_out(tmp_path):
    root = tmp_path / "repo"
    deep = str(root)
    os.mkdir(deep)
    for _ in range(1200):  # deeper than Python's recursion limit
        deep += "/d"
        os.mkdir(deep)
    Path(deep, "leaf.py").write_text("x = 1\n")
    try:
        found = _discover(root)
    finally:  # pytest's recursive rmtree cannot remove a tree this deep
        os.unlink(Path(deep, "leaf.py"))
        while deep != str(root):
            os.rmdir(deep)
            deep = os.path.dirname(deep)
    assert _paths(found) == ["/".join(["d"] * 1200) + "/leaf.py"]


# --- outputs, unreadable entries, vanishing files -------------------------------


def test_output_paths_inside_the_tree_are_not_analyzed(tmp_path):
    root = write_tree(tmp_path / "repo", {"app.py": "x = 1\n", "docs/report.py": "# written by us\n"})
    found = discover_files(Settings(root=root, output_paths=(root / "docs" / "report.py",)))
    assert _paths(found) == ["app.py"]
    assert found.skipped.as_dict()[d.SKIP_OUTPUT] == 1
    relative = discover_files(Settings(root=root, output_paths=(Path(os.path.relpath(root / "docs/report.py")),)))
    assert _paths(relative) == ["app.py"]


def _make_unreadable(path: Path) -> None:
    """An entry named like source that cannot be read: chmod 000 as a user; as root (which reads
    anything) a FIFO, which must be neither read (it would block) nor analyzed."""
    if os.geteuid() != 0:
        path.write_text("x = 1\n")
        path.chmod(0)
    else:
        os.mkfifo(path)


def test_unreadable_entries_are_counted_and_never_block(tmp_path):
    root = write_tree(tmp_path / "repo", {"ok.py": "x = 1\n"})
    _make_unreadable(root / "locked.py")
    os.mkfifo(root / "pipe.py")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock.py"))
    (root / "dir.py").mkdir()  # a directory named like a source file is walked, not read
    (root / "dir.py" / "inner.py").write_text("x = 1\n")
    try:
        found = _discover(root)
    finally:
        sock.close()
        (root / "locked.py").chmod(0o644)
    assert _paths(found) == ["dir.py/inner.py", "ok.py"]
    assert found.skipped.as_dict()[d.SKIP_UNREADABLE] == 3


def test_unreadable_directory_is_a_diagnostic(tmp_path):
    """A directory that cannot be listed (its path is longer than PATH_MAX, which stops root too)."""
    root = write_tree(tmp_path / "repo", {"ok.py": "x = 1\n"})
    fd = os.open(root, os.O_RDONLY)
    rel = []
    try:
        for _ in range(24):  # 24 * 201 characters > 4096
            name = "n" * 200
            os.mkdir(name, dir_fd=fd)
            rel.append(name)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        leaf = os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, b"x = 1\n")
        os.close(leaf)
    finally:
        os.close(fd)
    found = _discover(root)
    assert _paths(found) == ["ok.py"]
    assert found.skipped.as_dict() == {d.SKIP_UNREADABLE: 1}
    [diag] = found.diagnostics
    assert diag.severity == "warning" and diag.message.startswith("cannot list directory")
    assert "/".join(rel).startswith(diag.path) and len(diag.path) > 3000


@pytest.mark.parametrize("change", ["deleted", "fifo", "directory"])
def test_files_vanishing_between_discovery_and_parse_become_diagnostics(tmp_path, change):
    root = write_tree(tmp_path / "repo", {"a.py": "import b\n", "b.py": "def f():\n    pass\n"})
    settings = Settings(root=root, jobs=1, cache_dir=tmp_path / "cache")
    found = discover_files(settings)
    (root / "b.py").unlink()
    if change == "fifo":
        os.mkfifo(root / "b.py")  # reading it naively would block forever
    elif change == "directory":
        (root / "b.py").mkdir()
    parsed = {p.path: p for p in parse_files(found.files, settings)}
    assert parsed["a.py"].loc == 1 and parsed["a.py"].diagnostics == ()
    failed = parsed["b.py"]
    assert failed.symbols == () and failed.loc == 0
    assert [(x.path, x.severity) for x in failed.diagnostics] == [("b.py", "error")]
    assert "cannot read file" in failed.diagnostics[0].message


def test_a_read_failure_is_not_cached(tmp_path):
    root = write_tree(tmp_path / "repo", {"b.py": "def f():\n    pass\n"})
    settings = Settings(root=root, jobs=1, cache_dir=tmp_path / "cache")
    found = discover_files(settings)
    (root / "b.py").rename(root / "b.away")
    assert parse_files(found.files, settings)[0].diagnostics[0].severity == "error"
    (root / "b.away").rename(root / "b.py")  # same bytes again: same digest
    again = parse_files(discover_files(settings).files, settings)[0]
    assert again.diagnostics == () and [s.name for s in again.symbols] == ["f"]


# --- scale --------------------------------------------------------------------


def test_one_hundred_thousand_files(tmp_path):
    root = tmp_path / "repo"
    n_dirs, per_dir = 400, 250
    for i in range(n_dirs):
        folder = root / f"p{i:03d}"
        folder.mkdir(parents=True)
        for j in range(per_dir):
            with open(folder / f"m{j:03d}.py", "wb") as fh:
                fh.write(b"x = %d\n" % j)
    start = time.monotonic()
    found = _discover(root)
    elapsed = time.monotonic() - start
    assert len(found.files) == n_dirs * per_dir == 100_000
    assert found.files[0].path == "p000/m000.py" and found.files[-1].path == "p399/m249.py"
    assert len({f.path for f in found.files}) == 100_000
    assert elapsed < 60, f"discovery of 100,000 files took {elapsed:.1f}s"
    sample = found.files[::5000]
    parsed = parse_files(sample, Settings(root=root, jobs=1, use_cache=False))
    assert [p.path for p in parsed] == [f.path for f in sample]
    assert all(p.loc == 1 and p.diagnostics == () for p in parsed)


# --- .h headers: C or C++ by content ---------------------------------------------

CPP_HEADER = "#pragma once\nnamespace geo {\nclass Shape {\npublic:\n    virtual ~Shape();\n};\n}\n"
C_HEADER = (
    '#ifdef __cplusplus\nextern "C" {\n#endif\n/* class of nodes */\nstruct node { int class_id; };\n'
    "#ifdef __cplusplus\n}\n#endif\n"
)


def test_h_headers_are_c_or_cpp_by_their_content_and_keep_it_when_warm(tmp_path, monkeypatch):
    monkeypatch.setattr("analyzer.static._stat_index._RACY_NS", 0)  # trust the stat index right away
    root = write_tree(
        tmp_path / "repo",
        {"shape.h": CPP_HEADER, "node.h": C_HEADER, "main.c": "int main(void);\n", "app.cpp": '#include "shape.h"\n'},
    )
    for run in ("cold", "warm"):
        reads: list[str] = []
        real_open = open

        def counting_open(file, *args, **kwargs):
            reads.append(str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr("builtins.open", counting_open)
        found = _discover(root)
        monkeypatch.setattr("builtins.open", real_open)
        assert {f.path: f.language for f in found.files} == {
            "app.cpp": "cpp",
            "main.c": "c",
            "node.h": "c",
            "shape.h": "cpp",
        }, run
        assert (reads == []) == (run == "warm")  # warm: the stat index remembers the language
    parsed = {p.path: p for p in parse_files(found.files, Settings(root=root, use_cache=False, jobs=1))}
    assert parsed["shape.h"].diagnostics == ()
    assert {(s.name, s.kind) for s in parsed["shape.h"].symbols} >= {("Shape", "class")}


def test_objective_c_headers_are_skipped_as_unsupported(tmp_path):
    root = write_tree(
        tmp_path / "repo",
        {
            "View.h": "#import <UIKit/UIKit.h>\n@interface View : UIView\n- (void)draw;\n@end\n",
            "util.h": "/* @interface appears only in this comment */\nint util(void);\n",
            "main.c": '#include "util.h"\nint main(void) { return util(); }\n',
        },
    )
    found = _discover(root)
    assert _paths(found) == ["main.c", "util.h"]
    assert found.skipped.as_dict().get("unsupported language (Objective-C header)") == 1

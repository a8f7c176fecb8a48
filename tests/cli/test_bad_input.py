"""The CLI on bad input: one-line error, the documented exit code, no traceback, no output left;
Ctrl-C during parsing exits 130, writes nothing, and the next run works."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import FIXTURES

from analyzer.cli import main

FIXTURE = FIXTURES / "python" / "monolith"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYZER_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], code: int, needle: str) -> str:
    rc = main(argv)
    captured = capsys.readouterr()
    assert rc == code, captured.err
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err  # one line, however long the path
    assert lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in captured.err
    return lines[0]


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder nobody may create files in: chmod 555 as a user, /proc as root (root ignores modes)."""
    if os.geteuid() == 0:
        return Path("/proc")
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


# --- input path errors: exit 3 -------------------------------------------------


def test_nonexistent_path(capsys, tmp_path, out):
    _fails(
        capsys, [str(tmp_path / "missing"), "--report", str(out / "r.md"), "--no-llm"], 3, "no such file or directory"
    )
    assert list(out.iterdir()) == []


def test_a_file_instead_of_a_directory(capsys, out):
    _fails(
        capsys,
        [str(FIXTURE / "src" / "shop" / "cli.py"), "--report", str(out / "r.md"), "--no-llm"],
        3,
        "not a directory",
    )
    assert list(out.iterdir()) == []


def test_empty_directory(capsys, tmp_path, out):
    (tmp_path / "empty").mkdir()
    line = _fails(
        capsys,
        [str(tmp_path / "empty"), "--report", str(out / "r.md"), "--json", str(out / "g.json"), "--no-llm"],
        3,
        "no source files",
    )
    assert "(skipped: nothing)" in line and "--no-default-excludes" not in line
    assert list(out.iterdir()) == []


def test_tree_with_no_supported_language(capsys, tmp_path, out):
    tree = tmp_path / "docs"
    (tree / "sub").mkdir(parents=True)
    (tree / "README.md").write_text("# hi\n")
    (tree / "sub" / "data.csv").write_text("a,b\n")
    (tree / "node_modules").mkdir()
    (tree / "node_modules" / "x.js").write_text("module.exports = 1;\n")
    line = _fails(capsys, [str(tree), "--report", str(out / "r.md"), "--no-llm"], 3, "no source files")
    # the reasons, and the option that lifts the default exclusions (an npm package ships dist/ only)
    assert "skipped: 2 unsupported language, 1 vendored or generated tree (directories)" in line
    assert "--no-default-excludes" in line
    assert list(out.iterdir()) == []


# --- output path errors: exit 4 ------------------------------------------------


def test_report_path_is_a_directory(capsys, out):
    _fails(capsys, [str(FIXTURE), "--report", str(out), "--no-llm"], 4, "is a directory")
    assert list(out.iterdir()) == []


def test_report_folder_missing(capsys, out):
    _fails(capsys, [str(FIXTURE), "--report", str(out / "no" / "such" / "r.md"), "--no-llm"], 4, "does not exist")
    assert list(out.iterdir()) == []


def test_report_parent_is_a_file(capsys, out):
    (out / "file").write_text("x")
    _fails(capsys, [str(FIXTURE), "--report", str(out / "file" / "r.md"), "--no-llm"], 4, "does not exist")
    assert [p.name for p in out.iterdir()] == ["file"]


def test_report_folder_not_writable(capsys, tmp_path, out):
    folder = _unwritable_folder(tmp_path)
    before = sorted(os.listdir(folder))
    _fails(
        capsys,
        [str(FIXTURE), "--json", str(out / "g.json"), "--report", str(folder / "analyzer-report.md"), "--no-llm"],
        4,
        "not writable",
    )
    assert sorted(os.listdir(folder)) == before
    assert list(out.iterdir()) == []  # checked before any work: the json was not written either


# --- usage errors: exit 2 -------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--frobnicate"], "unrecognized arguments"),
        (["--jobs", "many"], "invalid int value"),
        (["--jobs", "-1"], "--jobs must be >= 0"),
        (["--max-file-bytes", "0"], "--max-file-bytes must be positive"),
        (["--format", "pdf"], "invalid choice"),
        (["--graph", "OUT/g.png"], "unknown format"),
    ],
    ids=["unknown-option", "jobs-not-int", "jobs-negative", "max-bytes-zero", "bad-format", "graph-format"],
)
def test_bad_option(capsys, out, extra, needle):
    extra = [a.replace("OUT", str(out)) for a in extra]
    _fails(capsys, [str(FIXTURE), "--json", str(out / "g.json"), "--no-llm", *extra], 2, needle)
    assert list(out.iterdir()) == []


def test_missing_path_argument(capsys):
    _fails(capsys, ["--no-llm"], 2, "the following arguments are required: path")


def test_nothing_to_do(capsys):
    _fails(capsys, [str(FIXTURE), "--no-llm"], 2, "nothing to do")


def test_debug_shows_the_traceback(tmp_path, out):
    from analyzer.errors import InputPathError

    with pytest.raises(InputPathError):
        main([str(tmp_path / "missing"), "--report", str(out / "r.md"), "--no-llm", "--debug"])


# --- Ctrl-C -----------------------------------------------------------------------


def _slow_tree(root: Path, n: int = 128) -> None:
    """Files that take tree-sitter a while (error recovery over deep unclosed nesting)."""
    for i in range(n):
        folder = root / f"pkg{i % 8}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{i:03d}.py").write_bytes(b"import os\nx = " + b"(" * 10_000 + b"\n")


def test_interrupt_during_parsing(tmp_path):
    tree, out = tmp_path / "repo", tmp_path / "out"
    _slow_tree(tree)
    out.mkdir()
    env = {**os.environ, "ANALYZER_CACHE": str(tmp_path / "cache"), "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "analyzer",
        str(tree),
        "--report",
        str(out / "r.md"),
        "--json",
        str(out / "g.json"),
        "--no-llm",
        "--jobs",
        "2",
        "--no-git",
    ]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True
    )
    time.sleep(4)  # imports and discovery take about a second; parsing takes far longer
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C in a terminal: the whole process group
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted")
    assert list(out.iterdir()) == []
    assert not list(tmp_path.glob("**/*.tmp"))

    # the next run works, and leaves a readable cache
    for f in tree.glob("*/*.py"):
        f.write_text("import os\n")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["g.json", "r.md"]
    [cache_file] = (tmp_path / "cache" / "parse").glob("*.pkl")
    assert len(pickle.loads(cache_file.read_bytes())["entries"]) == 128


# --- a 20 MB minified file ---------------------------------------------------------


@pytest.mark.parametrize(("max_bytes", "reason"), [(None, "larger than --max-file-bytes"), ("50000000", "minified")])
def test_twenty_megabyte_minified_js_is_skipped_and_counted(capsys, tmp_path, out, max_bytes, reason):
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "app.js").write_text("import { f } from './util.js';\nf();\n")
    (tree / "util.js").write_text("export function f() { return 1; }\n")
    chunk = b"var a" + b"=function(b){return b+1};a" * 40 + b";"
    with open(tree / "app-dist.js", "wb") as fh:  # no ".min" in the name: found by sniffing
        for _ in range(20_000_000 // len(chunk) + 1):
            fh.write(chunk)
    assert (tree / "app-dist.js").stat().st_size > 20_000_000
    argv = [str(tree), "--no-llm", "--no-git", "--json", str(out / "g.json")]
    if max_bytes:
        argv += ["--max-file-bytes", max_bytes]
    assert main(argv) == 0, capsys.readouterr().err
    data = json.loads((out / "g.json").read_text())
    assert [f["path"] for f in data["files"]] == ["app.js", "util.js"]
    assert data["skipped"] == {reason: 1}
    assert [(e["source"], e["target"], e["kind"]) for e in data["edges"]] == [
        ("app.js", "util.js", "call"),
        ("app.js", "util.js", "import"),
    ]


def test_many_diagnostics_are_counted_by_kind_in_the_report(capsys, tmp_path, out):
    """PostgreSQL gives 870 syntax warnings (macros tree-sitter cannot expand): the report counts
    them by kind before listing the first 50."""
    tree = tmp_path / "repo"
    tree.mkdir()
    for i in range(60):
        (tree / f"broken_{i:02d}.py").write_text("def f(:\n    pass\n")
    (tree / "ok.py").write_text("import broken_00\n")
    (tree / "latin1.py").write_bytes(b"x = '\xe9'\n")
    assert main([str(tree), "--report", str(out / "r.md"), "--no-llm", "--no-cache"]) == 0
    capsys.readouterr()
    text = (out / "r.md").read_text()
    section = text[text.index("### Diagnostics") :]
    assert "| 60 | warning: syntax errors: results for this file may be partial |" in section
    assert "| 1 | warning: invalid UTF-8; undecodable bytes replaced |" in section
    assert section.index("| 60 |") < section.index("| 1 |") < section.index("The first 50:")
    assert "- … and 11 more (see --json)" in section

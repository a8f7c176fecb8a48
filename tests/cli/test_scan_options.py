"""Scan options on the command line reach discovery (real tree-sitter, real graph)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import FIXTURES

from analyzer.cli import main

FIXTURE = FIXTURES / "python" / "monolith"


def _files(tmp_path: Path, root: Path, *options: str) -> list[str]:
    out = tmp_path / "graph.json"
    assert main([str(root), "--json", str(out), "--no-llm", "--no-git", "--no-cache", *options]) == 0
    return [f["path"] for f in json.loads(out.read_text())["files"]]


def test_include_and_exclude(tmp_path):
    included = _files(tmp_path, FIXTURE, "--include", "src/**")
    assert included and all(p.startswith("src/") for p in included)
    excluded = _files(tmp_path, FIXTURE, "--exclude", "tests/")
    assert excluded and not any(p.startswith("tests/") for p in excluded)


def test_vendored_trees_only_with_no_default_excludes(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "vendor").mkdir()
    (root / "vendor" / "lib.py").write_text("def vendored():\n    return 1\n")
    assert "vendor/lib.py" not in _files(tmp_path, root)
    assert "vendor/lib.py" in _files(tmp_path, root, "--no-default-excludes")


def _kernel_like(tmp_path: Path) -> Path:
    # Debian's linux-source ships its packagers' .gitignore: '/*' then '!/debian/'
    root = tmp_path / "linux-source"
    for rel in ("kernel/fork.c", "mm/slab.c", "debian/rules.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("int x;\n" if rel.endswith(".c") else "x = 1\n")
    (root / ".gitignore").write_text("/*\n!/debian/\n")
    return root


def test_gitignore_outside_a_work_tree_is_not_applied_unless_asked(tmp_path):
    root = _kernel_like(tmp_path)
    assert _files(tmp_path, root) == ["debian/rules.py", "kernel/fork.c", "mm/slab.c"]
    assert _files(tmp_path, root, "--ignore") == ["debian/rules.py"]
    (root / ".git").mkdir()  # now a work tree: its .gitignore applies, unless --no-ignore
    assert _files(tmp_path, root) == ["debian/rules.py"]
    assert _files(tmp_path, root, "--no-ignore") == ["debian/rules.py", "kernel/fork.c", "mm/slab.c"]


def test_the_report_says_whether_gitignore_applied_and_lists_skipped_folders(tmp_path):
    root = _kernel_like(tmp_path)
    (root / "tools" / "venv").mkdir(parents=True)
    (root / "tools" / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "node_modules" / "x").mkdir(parents=True)
    report, graph = tmp_path / "arch.md", tmp_path / "graph.json"
    assert main([str(root), "--report", str(report), "--json", str(graph), "--no-llm", "--no-git", "--no-cache"]) == 0
    text = report.read_text()
    assert "- .gitignore files: not applied: the folder is not inside a git work tree (--ignore applies them)" in text
    assert (
        "Folders skipped whole (2; --no-default-excludes reads them): `node_modules` (vendored or generated tree); "
        "`tools/venv` (virtualenv)" in text
    )
    data = json.loads(graph.read_text())
    assert data["skipped_folders"] == [
        {"path": "node_modules", "reason": "vendored or generated tree (directories)"},
        {"path": "tools/venv", "reason": "virtualenv (directories)"},
    ]
    assert data["ignore_files"].startswith("not applied")


def test_ignore_and_no_ignore_exclude_each_other(tmp_path, capsys):
    assert main([str(FIXTURE), "--json", str(tmp_path / "g.json"), "--ignore", "--no-ignore"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err

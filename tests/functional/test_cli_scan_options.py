"""Scan options on the command line reach discovery (real tree-sitter, real graph)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from analyzer.cli import main

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "python" / "monolith"


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

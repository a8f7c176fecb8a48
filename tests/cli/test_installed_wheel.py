"""The built wheel carries the queries and prompts, and the installed package analyzes a fixture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    return next(out.glob("analyzer-*.whl"))


def test_wheel_ships_queries_and_prompts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in (
        "python",
        "javascript",
        "typescript",
        "tsx",
        "java",
        "go",
        "rust",
        "c",
        "cpp",
        "csharp",
        "ruby",
        "php",
    ):
        assert f"analyzer/_queries/{lang}/tags.scm" in names
        assert f"analyzer/_queries/{lang}/imports.scm" in names
    assert "analyzer/model/templates/pro.md" in names and "analyzer/model/templates/basic.md" in names


def test_installed_wheel_runs_from_its_own_files(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", str(site), str(wheel)],
        check=True,
        timeout=300,
    )
    env = dict(os.environ, PYTHONPATH=str(site), ANALYZER_CACHE=str(tmp_path / "cache"))
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import analyzer, analyzer.static.queries as q; print(analyzer.__file__); print(q.queries_root())",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, queries_root = probe.stdout.split()
    assert module_file.startswith(str(site))
    assert queries_root == str(site / "analyzer" / "_queries")
    out = tmp_path / "graph.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "analyzer",
            str(ROOT / "fixtures" / "python" / "monolith"),
            "--json",
            str(out),
            "--no-llm",
            "--no-git",
        ],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    data = json.loads(out.read_text())
    assert len(data["files"]) >= 10
    assert any(e["kind"] == "import" for e in data["edges"])

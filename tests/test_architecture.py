"""The architecture holds: import-linter contracts on ourselves (and they catch a wrong import),
no import cycle, small modules and functions, ruff's lint and format, mypy, no print()."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGE = ROOT / "analyzer"
BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(root))  # the copy under test, not the installed package
    return subprocess.run(
        [str(BIN / "lint-imports"), str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_import_contracts_are_kept():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout or " broken" not in result.stdout.split("Contracts:")[-1]


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("documents/report.py", "from analyzer.model import llama", "Subsystems are layered"),
        ("static/graph.py", "from analyzer.documents import report", "Subsystems are layered"),
        ("documents/plan.py", "import networkx", "networkx only in the graph analyses and the context writer"),
        ("model/openai_server.py", "import llama_cpp", "llama_cpp only in the llama.cpp adapter"),
        ("model/server_client.py", "from analyzer.model import llama", "The server adapter does not import"),
        ("pipeline.py", "import rich", "rich only in the CLI"),
        ("static/resolve.py", "import tree_sitter", "tree-sitter only in parsing, queries and the language rules"),
        ("pipeline.py", "from analyzer.static import _codec", "A leading underscore means private to the subpackage"),
        ("static/discover.py", "from analyzer.static import resolve", "No import cycles between the modules"),
    ],
)
def test_a_wrong_import_breaks_the_contracts(tmp_path, module, line, contract):
    copy = tmp_path / "repo"
    shutil.copytree(PACKAGE, copy / "analyzer", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    if "cycles" in contract:  # resolve imports discover's package already; close the loop both ways
        (copy / "analyzer" / "static" / "resolve.py").write_text(
            (copy / "analyzer" / "static" / "resolve.py").read_text() + "\nfrom analyzer.static import discover\n"
        )
    target = copy / "analyzer" / module
    target.write_text(target.read_text() + f"\n{line}  # a wrong import\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken, result.stdout[-3000:]


def test_no_import_cycle_between_modules():
    import grimp
    import networkx as nx

    graph = grimp.build_graph("analyzer")
    edges = nx.DiGraph((m, imported) for m in graph.modules for imported in graph.find_modules_directly_imported_by(m))
    assert [c for c in nx.simple_cycles(edges) if len(c) > 1] == []


def test_modules_and_functions_are_small():
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text()
        rel = path.relative_to(ROOT)
        if source.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{rel}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{rel}:{node.lineno} {node.name}: {length} lines")
    assert too_long == []


def test_ruff_lint_and_format_are_clean():
    ruff = BIN / "ruff"
    paths = ["analyzer", "tests", "bench"]
    lint = subprocess.run([str(ruff), "check", *paths], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [str(ruff), "format", "--check", *paths], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_no_print_in_library_code():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "cli.py":
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("print(") or " print(" in stripped.split("#")[0]:
                offenders.append(f"{path.relative_to(ROOT)}:{i}")
    assert offenders == []


def test_mypy_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "analyzer"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr

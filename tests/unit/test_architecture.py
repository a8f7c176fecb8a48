"""The layering and engine boundaries of STYLE.md hold (import-linter on ourselves)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(exe), str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout or "broken" not in result.stdout.split("Contracts:")[-1]


def test_no_print_in_library_code():
    offenders = []
    for path in sorted((ROOT / "analyzer").rglob("*.py")):
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

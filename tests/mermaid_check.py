"""Validate Mermaid text with the real Mermaid parser (node tests/mermaid/validate.mjs)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

VALIDATOR = Path(__file__).resolve().parent / "mermaid"
_BLOCK = re.compile(r"```mermaid\n(.*?)```", re.DOTALL)


def mermaid_blocks(markdown: str) -> list[str]:
    """Every ```mermaid block of a Markdown text."""
    return _BLOCK.findall(markdown)


def validate_mermaid(tmp_path: Path, diagrams: dict[str, str]) -> dict[str, dict]:
    """Run the real Mermaid parser over ``diagrams``; returns name -> parser verdict ({"ok": bool, ...})."""
    if not (VALIDATOR / "node_modules" / "mermaid").is_dir():
        pytest.fail("Mermaid validator not installed; run: npm ci --prefix tests/mermaid")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; install Node.js 20+, then run: npm ci --prefix tests/mermaid")
    paths = []
    for name, text in diagrams.items():
        path = tmp_path / f"{name}.mmd"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    proc = subprocess.run(
        [node, str(VALIDATOR / "validate.mjs"), *paths], capture_output=True, text=True, timeout=120, check=False
    )
    verdicts = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(verdicts) == len(paths), proc.stderr
    return {Path(v["file"]).stem: v for v in verdicts}

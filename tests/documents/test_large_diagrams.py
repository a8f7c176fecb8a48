"""Every Mermaid diagram of the report and the plan renders with Mermaid's default configuration,
on a generated repository of 700 packages analyzed with the real parser (the Django plan's single
diagram had 663 boxes, 2,547 arrows and 66,524 characters: Mermaid refused it)."""

from __future__ import annotations

import random
import re
from pathlib import Path

from mermaid_check import mermaid_blocks, validate_mermaid

from analyzer.cli import main
from analyzer.documents.mermaid import MAX_ARROWS, MAX_BOXES, Diagram, limit

PACKAGES = 700


def _large_repo(root: Path) -> Path:
    rng = random.Random(7)
    for i in range(PACKAGES):
        area = f"area{i % 12}/sub{i % 37}/pkg{i}"
        uses = sorted({rng.randrange(PACKAGES) for _ in range(4)} - {i})
        lines = [f"from area{j % 12}.sub{j % 37}.pkg{j}.mod import f{j}" for j in uses]
        lines.append(f"def f{i}():\n    return {' + '.join(f'f{j}()' for j in uses) or '0'}\n")
        (root / area).mkdir(parents=True, exist_ok=True)
        for folder in (root / area, *(root / area).parents):
            if folder == root:
                break
            (folder / "__init__.py").touch()
        (root / area / "mod.py").write_text("\n".join(lines))
    return root


def _counts(diagram: str) -> tuple[int, int]:
    boxes = len(re.findall(r"^\s+n\d+\[", diagram, re.MULTILINE))
    arrows = len(re.findall(r"^\s+n\d+ -->", diagram, re.MULTILINE))
    return boxes, arrows


def test_every_diagram_of_a_700_package_repository_is_readable_and_renders(tmp_path):
    root = _large_repo(tmp_path / "repo")
    report, plan = tmp_path / "arch.md", tmp_path / "plan.md"
    args = [str(root), "--report", str(report), "--plan", str(plan), "--no-llm", "--no-git", "--no-cache"]
    assert main(args) == 0
    diagrams = {}
    for doc in (report, plan):
        for i, block in enumerate(mermaid_blocks(doc.read_text())):
            diagrams[f"{doc.stem}-{i}"] = block
    assert len(diagrams) >= 3  # the module map, the plan's before and after
    for name, text in diagrams.items():
        boxes, arrows = _counts(text)
        assert boxes <= MAX_BOXES and arrows <= MAX_ARROWS, (name, boxes, arrows)
        assert len(text) < 50_000, name
    verdicts = validate_mermaid(tmp_path, diagrams)
    assert {n: v for n, v in verdicts.items() if not v["ok"]} == {}
    plan_text = plan.read_text()
    assert "Before (packages; the 150 heaviest of" in plan_text  # it says what was left out


def test_limit_merges_the_least_connected_boxes_and_keeps_the_heaviest_arrows():
    nodes = tuple((f"b{i:02}", f"box {i}") for i in range(50))
    edges = tuple((f"b{i:02}", f"b{(i + 1) % 50:02}", str(i + 1)) for i in range(50))
    kept, note = limit(Diagram(nodes, edges, ()), max_boxes=10, max_arrows=5)
    assert len(kept.nodes) == 10 and ("other", "other") in kept.nodes
    assert len(kept.edges) == 5 and note == "41 of 50 boxes merged into `other`; the 5 heaviest of 10 arrows drawn"
    assert ("b49", "other", "50") in kept.edges  # b49 -> b00: b00 merged, the weight kept
    assert [e[2] for e in kept.edges] == ["46", "47", "48", "49", "50"]
    same, nothing = limit(Diagram(nodes[:3], edges[:2], ()))
    assert same == Diagram(nodes[:3], edges[:2], ()) and nothing == ""

"""Byte-for-byte comparison of the deterministic outputs across a code change.

Writes ``--json``, ``--context``, and the ``--no-llm`` report and plan (Markdown and JSON) for every
fixture repository and for the Django 5.2.8 sources into a folder; run it once before a change and
once after, then compare the two folders::

    python bench/output_compare.py write /tmp/before      # on the old commit
    python bench/output_compare.py write /tmp/after       # on the new one
    python bench/output_compare.py diff /tmp/before /tmp/after

Runs use ``--no-cache`` (every output computed afresh) and ``--no-git`` (churn depends on the
checkout's history, which a refactoring commit changes for files it does not touch).
Exit status of ``diff``: 0 when every file is identical, 1 otherwise (each differing file named).
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from _common import PYTHON, REPO, fetch_pip

OUTPUTS = ("graph.json", "context.txt", "report.md", "plan.md", "report.json", "plan.json")


def repositories() -> list[tuple[str, Path]]:
    """Every fixture repository (a folder of fixtures/<lang>/ that is not an .expected one), and Django."""
    repos = [
        (f"{lang.name}-{case.name}", case)
        for lang in sorted((REPO / "fixtures").iterdir())
        if lang.is_dir()
        for case in sorted(lang.iterdir())
        if case.is_dir() and not case.name.endswith(".expected")
    ]
    return [*repos, ("django", fetch_pip("django", "5.2.8") / "django")]


def write(out: Path) -> None:
    """Write every output of every repository under ``out/<name>/``."""
    for name, root in repositories():
        dest = out / name
        dest.mkdir(parents=True, exist_ok=True)
        base = [str(PYTHON), "-m", "analyzer", str(root), "--no-cache", "--no-git"]
        runs = [
            ["--json", dest / "graph.json", "--context", dest / "context.txt"],
            ["--no-llm", "--report", dest / "report.md", "--plan", dest / "plan.md"],
            ["--no-llm", "--format", "json", "--report", dest / "report.json", "--plan", dest / "plan.json"],
        ]
        for extra in runs:
            subprocess.run([*base, *map(str, extra)], check=True, cwd=REPO, stderr=subprocess.DEVNULL)
        print(f"wrote {name}", flush=True)


def diff(before: Path, after: Path) -> int:
    """Name every output that differs or is missing; 0 when all are identical."""
    bad = 0
    for name, _ in repositories():
        for out in OUTPUTS:
            a, b = before / name / out, after / name / out
            if not (a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)):
                print(f"differs: {name}/{out}")
                bad += 1
    print(f"{bad} of {len(repositories()) * len(OUTPUTS)} outputs differ")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["write"] and len(argv) == 2:
        write(Path(argv[1]))
        return 0
    if argv[:1] == ["diff"] and len(argv) == 3:
        return diff(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Change counts from git history (hotspots): path -> number of commits touching it.

Reads ``git log`` output only; never runs anything from the analyzed tree.
A missing git binary, a tree without ``.git`` or any git failure gives an
empty mapping and a diagnostic, never an exception.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

from analyzer.domain import Diagnostic

_MAX_COMMITS = 5000
_TIMEOUT_S = 60


def git_churn(root: Path, files: frozenset[str]) -> tuple[dict[str, int], tuple[Diagnostic, ...]]:
    """Commits per repo-relative path over the last ``_MAX_COMMITS`` commits.

    Paths are relative to ``root`` even when the git top level is above it.
    """
    if not (root / ".git").exists():
        return {}, ()
    git = shutil.which("git")
    if git is None:
        return {}, (Diagnostic(".git", 0, "info", "git not found; hotspots use size x centrality only"),)
    cmd = [
        git,
        "-C",
        str(root),
        "-c",
        "core.quotepath=off",
        "log",
        f"-n{_MAX_COMMITS}",
        "--no-merges",
        "--no-renames",
        "--name-only",
        "--relative",
        "--format=",
    ]
    try:
        out = subprocess.run(
            cmd,
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
            env={"GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent", "PATH": ""},
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return {}, (Diagnostic(".git", 0, "info", f"git log failed: {e}"),)
    if out.returncode != 0:
        msg = out.stderr.decode("utf-8", "replace").strip().splitlines()
        return {}, (Diagnostic(".git", 0, "info", f"git log failed: {msg[0] if msg else out.returncode}"),)
    counts: Counter[str] = Counter()
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line in files:
            counts[line] += 1
    return dict(sorted(counts.items())), ()

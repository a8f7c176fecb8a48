"""Shared test helpers: where the repository and its fixtures are, and a builder of small source trees.

Test modules import it as ``from helpers import FIXTURES`` (``tests/`` is on ``sys.path``: the
conftest there is the rootdir's).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

#: the repository root (pyproject.toml, analyzer/, fixtures/)
ROOT = Path(__file__).resolve().parents[1]
#: fixtures/<language>/<case>/: tiny source trees, with <case>.expected/ beside them
FIXTURES = ROOT / "fixtures"
#: the ## sections of an architecture report, in order
REPORT_SECTIONS = [
    "Executive summary",
    "System inventory",
    "Module map",
    "Key components",
    "Dependency health",
    "Hotspots",
    "External dependencies",
    "Candidate boundaries",
    "Risks and recommendations",
    "Appendix",
]
#: the ## sections of a migration plan written with a model, in order
PLAN_SECTIONS = [
    "Target",
    "Migration narrative",
    "Proposed boundaries",
    "Coupling and decomposition metrics",
    "Extraction order",
    "Strangler-fig waves",
    "Risks",
    "Before and after",
    "Appendix",
]


def fixture(language: str, case: str = "monolith") -> Path:
    """The source tree of one fixture (``fixture("python", "bounded_contexts")``)."""
    path = FIXTURES / language / case
    if not path.is_dir():
        raise FileNotFoundError(f"no fixture {language}/{case}")
    return path


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (repository-relative path -> text or bytes) under ``root``; returns ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root

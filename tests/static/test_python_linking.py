"""Python symbol edges over small trees: real parses, real resolution (dunder calls, re-exports)."""

from __future__ import annotations

from pathlib import Path

from helpers import write_tree

from analyzer.config import Settings
from analyzer.domain import SourceFile
from analyzer.static.parse import parse_file
from analyzer.static.resolve import resolve_dependencies


def _edges(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    root = write_tree(tmp_path, files)
    parsed = []
    for rel in sorted(files):
        data = (root / rel).read_bytes()
        parsed.append(parse_file(SourceFile(rel, "python", len(data), "0" * 64), data))
    resolution = resolve_dependencies(parsed, Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target, d.kind) for d in resolution.dependencies}


def test_a_dunder_method_called_on_a_receiver_is_not_linked_by_name(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "base.py": "class Base:\n    def __init__(self):\n        pass\n",
            "other.py": "class Other:\n    def __init__(self):\n        pass\n    def __enter__(self):\n        return self\n",
            "child.py": (
                "from base import Base\nimport other\n\n"
                "class Child(Base):\n"
                "    def __init__(self, x):\n"
                "        super().__init__()\n"
                "        x.__init__()\n"
                "        x.__enter__()\n"
            ),
        },
    )
    # the superclass is an inherit edge; neither __init__ nor __enter__ fans out to the files defining them
    assert edges == {
        ("child.py", "base.py", "import"),
        ("child.py", "base.py", "inherit"),
        ("child.py", "other.py", "import"),
    }


def test_dunder_import_call_is_still_read_as_an_import(tmp_path):
    edges = _edges(tmp_path, {"db.py": "X = 1\n", "app.py": "m = __import__('db')\n"})
    assert ("app.py", "db.py", "import") in edges

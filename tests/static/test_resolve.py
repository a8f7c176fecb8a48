"""The resolve stage on a small real tree: import edges, symbol edges through what a file imports,
externals and unresolved imports, merged per (source, target, kind) with the first line."""

from __future__ import annotations

from helpers import write_tree

from analyzer.config import Settings
from analyzer.static.discover import discover_files
from analyzer.static.parse import parse_files
from analyzer.static.resolve import resolve_dependencies


def _resolve(tmp_path, files):
    settings = Settings(root=write_tree(tmp_path / "repo", files), use_cache=False, jobs=1).validate()
    return resolve_dependencies(parse_files(discover_files(settings).files, settings), settings)


def test_imports_calls_inheritance_externals_and_unresolved(tmp_path):
    resolution = _resolve(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/base.py": "class Base:\n    def run(self):\n        return 1\n\ndef helper():\n    return 2\n",
            "app/main.py": (
                "import os\nimport requests\nfrom app.base import Base, helper\nfrom app import missing_mod\n"
                "from .nothere import x\n\nclass Job(Base):\n    def go(self):\n        return helper() + helper()\n"
            ),
        },
    )
    edges = {(d.source, d.target, d.kind): d for d in resolution.dependencies}
    assert set(edges) == {
        ("app/main.py", "app/base.py", "import"),
        ("app/main.py", "app/base.py", "call"),
        ("app/main.py", "app/base.py", "inherit"),
        ("app/main.py", "app/__init__.py", "import"),
    }
    call = edges[("app/main.py", "app/base.py", "call")]
    assert call.weight == 2 and call.symbols == ("helper",) and call.line == 9
    assert edges[("app/main.py", "app/base.py", "import")].line == 3
    assert {(e.package, e.standard) for e in resolution.externals} == {("os", True), ("requests", False)}
    assert [(u.module, u.reason) for u in resolution.unresolved] == [(".nothere", "relative import matches no file")]


def test_a_name_defined_in_a_file_not_imported_gives_no_edge(tmp_path):
    resolution = _resolve(
        tmp_path,
        {
            "a.py": "def size():\n    return 1\n",
            "b.py": "def size():\n    return 2\n",
            "c.py": "from a import size\n\ndef f(stack):\n    return size() + stack.size()\n",
        },
    )
    assert {(d.source, d.target) for d in resolution.dependencies} == {("c.py", "a.py")}

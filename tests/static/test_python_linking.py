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


def test_a_name_a_package_re_exports_links_on_to_its_definer(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "flask/__init__.py": "from .app import Flask as Flask\nfrom .helpers import url_for\n",
            "flask/app.py": "class Flask:\n    pass\n",
            "flask/helpers.py": "def url_for(x):\n    return x\n",
            "main.py": "from flask import Flask, url_for\n\napp: Flask = Flask()\nurl_for('x')\n",
            "sub.py": "from flask import Flask\n\nclass MyApp(Flask):\n    pass\n",
        },
    )
    mine = {e for e in edges if e[0] in ("main.py", "sub.py")}
    # the import edge stays to the package; the uses link on to the files defining the names
    assert mine == {
        ("main.py", "flask/__init__.py", "import"),
        ("main.py", "flask/app.py", "call"),
        ("main.py", "flask/helpers.py", "call"),
        ("sub.py", "flask/__init__.py", "import"),
        ("sub.py", "flask/app.py", "inherit"),
    }


def test_re_exports_are_followed_through_chains_wildcards_and_cycles(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "a/__init__.py": "from a.b import *\nfrom a.c import Thing\n",
            "a/b/__init__.py": "from a.b.impl import Thing\nfrom a import Thing\n",
            "a/b/impl.py": "from a import Thing\n\nclass Thing:\n    pass\n",
            "a/c.py": "from a.b import Thing\n",
            "use.py": "import a\n\nx = a.Thing()\n",
        },
    )
    assert {e for e in edges if e[0] == "use.py"} == {
        ("use.py", "a/__init__.py", "import"),
        ("use.py", "a/b/impl.py", "call"),
    }


def test_a_name_the_imported_file_defines_is_not_followed_further(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "compat.py": "from real import helper\n\ndef helper():\n    pass\n",
            "real.py": "def helper():\n    pass\n",
            "use.py": "from compat import helper\n\nhelper()\n",
        },
    )
    assert {e for e in edges if e[0] == "use.py"} == {
        ("use.py", "compat.py", "import"),
        ("use.py", "compat.py", "call"),
    }

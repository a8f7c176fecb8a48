"""Independence rules and Python re-exports, on a small tree parsed for real: a use linked on
through an interface that re-exports it crosses through that interface; importing the
implementation directly does not."""

from __future__ import annotations

from helpers import write_tree

from analyzer import pipeline
from analyzer.config import Settings
from analyzer.rules import load_rules

RULES = """
[[rule]]
name = "contexts are independent"
kind = "independence"
groups = ["app/catalog", "app/ordering", "app/shipping"]
interfaces = ["app/*/__init__.py"]
"""


def test_a_use_re_exported_by_an_interface_crosses_through_it(tmp_path):
    root = write_tree(
        tmp_path / "repo",
        {
            "app/__init__.py": "",
            "app/catalog/__init__.py": "from .services import Catalog\n",
            "app/catalog/services.py": "class Catalog:\n    pass\n",
            "app/ordering/__init__.py": "",
            "app/ordering/orders.py": "from ..catalog import Catalog\n\nc = Catalog()\n",
            "app/shipping/__init__.py": "",
            "app/shipping/ship.py": "from ..catalog.services import Catalog\n\nc = Catalog()\n",
        },
    )
    static = pipeline.analyze_static(Settings(root=root, use_cache=False, use_git_history=False).validate())
    edges = {(d.source, d.target, d.kind) for d in static.resolution.dependencies}
    assert ("app/ordering/orders.py", "app/catalog/services.py", "call") in edges  # linked on past the re-export
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    result = pipeline.check_rules(static, load_rules(rules))
    assert [(v.source, v.target, v.edge) for v in result.violations] == [
        ("app/shipping/ship.py", "app/catalog/services.py", "import")
    ]

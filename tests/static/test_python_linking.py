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


def test_a_method_links_through_the_class_chain_and_an_unknown_receiver_links_nothing(tmp_path):
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
    # super().__init__() is Base's (imported): a call edge; x is of no known class: other.py, which
    # defines both names, gets nothing but its import
    assert edges == {
        ("child.py", "base.py", "import"),
        ("child.py", "base.py", "inherit"),
        ("child.py", "base.py", "call"),
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
        ("main.py", "flask/app.py", "type"),
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


def _from(edges: set[tuple[str, str, str]], source: str) -> set[tuple[str, str, str]]:
    return {e for e in edges if e[0] == source}


def test_aliased_imports_link_to_what_they_name(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/models.py": "class Model:\n    pass\n\ndef helper():\n    pass\n",
            "pkg/util.py": "def clean(x):\n    return x\n",
            "app.py": (
                "from pkg.models import Model as BaseModel\n"
                "import pkg.util as u\n\n"
                "class Mine(BaseModel):\n    pass\n\n"
                "u.clean(BaseModel())\n"
            ),
        },
    )
    assert _from(edges, "app.py") == {
        ("app.py", "pkg/models.py", "import"),
        ("app.py", "pkg/models.py", "inherit"),
        ("app.py", "pkg/models.py", "call"),
        ("app.py", "pkg/util.py", "import"),
        ("app.py", "pkg/util.py", "call"),
    }


def test_an_attribute_call_links_only_when_its_receiver_is_the_imported_module(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/store.py": "def save(x):\n    pass\n",
            "pkg/log.py": "def write(x):\n    pass\n",
            "a.py": "import pkg.store\n\ndef f(obj):\n    obj.save(1)\n",
            "b.py": "from pkg import store\n\nstore.save(1)\n",
            "c.py": "import pkg.store\nimport pkg.log\n\npkg.store.save(1)\n",
        },
    )
    # obj is no module: a.py does not use store.save, though it imports the file defining a `save`
    assert _from(edges, "a.py") == {("a.py", "pkg/store.py", "import")}
    # `from pkg import store` binds the module; `import pkg.store` reaches it as pkg.store
    assert ("b.py", "pkg/store.py", "call") in edges
    assert _from(edges, "c.py") == {
        ("c.py", "pkg/store.py", "import"),
        ("c.py", "pkg/store.py", "call"),
        ("c.py", "pkg/log.py", "import"),
    }


def test_annotations_link_through_module_aliases_subscripts_and_strings(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "kinds.py": "class Callback:\n    pass\n",
            "shapes.py": "class Shape:\n    pass\n",
            "forms.py": "class Form:\n    pass\n",
            "use.py": (
                "import typing as t\nimport kinds as ft\nfrom shapes import Shape\nfrom forms import Form\n\n"
                "def f(cb: ft.Callback[int], s: t.Optional[Shape]) -> 'Form':\n    pass\n"
            ),
        },
    )
    assert {e for e in _from(edges, "use.py") if e[2] != "import"} == {
        ("use.py", "kinds.py", "type"),
        ("use.py", "shapes.py", "type"),
        ("use.py", "forms.py", "type"),
    }


def test_methods_of_instances_and_inherited_methods_link_to_the_class_that_defines_them(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "base.py": "class Base:\n    def run(self):\n        pass\n",
            "mid.py": "from base import Base\n\nclass Mid(Base):\n    def stop(self):\n        pass\n",
            "manager.py": "class Manager:\n    def all(self):\n        pass\n\nregistry = Manager()\n",
            "child.py": (
                "from mid import Mid\nfrom manager import Manager, registry\n\n"
                "class Child(Mid):\n"
                "    objects = Manager()\n\n"
                "    def go(self):\n"
                "        self.run()\n"
                "        self.objects.all()\n"
            ),
            "user.py": (
                "import mid\nfrom manager import registry\n\n"
                "def main():\n"
                "    m = mid.Mid()\n"
                "    m.run()\n"
                "    registry.all()\n"
            ),
        },
    )
    # self.run() is Base's, reached through Mid (imported); objects is a Manager, all() is its own
    assert {e for e in _from(edges, "child.py") if e[2] == "call"} == {
        ("child.py", "base.py", "call"),
        ("child.py", "manager.py", "call"),
    }
    # m is the Mid built in the same function; registry is the Manager built in manager.py
    assert {e for e in _from(edges, "user.py") if e[2] == "call"} == {
        ("user.py", "mid.py", "call"),
        ("user.py", "base.py", "call"),
        ("user.py", "manager.py", "call"),
    }


def test_a_local_or_parameter_hides_the_imported_name(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "tools.py": "def build():\n    pass\n",
            "use.py": "import tools\n\ndef f(tools):\n    tools.build()\n\ndef g():\n    build = len\n    build()\n",
        },
    )
    assert _from(edges, "use.py") == {("use.py", "tools.py", "import")}


def test_an_attribute_set_in_a_method_holds_the_class_it_was_built_from(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "conn.py": "class Conn:\n    def send(self):\n        pass\n",
            "compat.py": "str = str\n",
            "client.py": (
                "from conn import Conn\nfrom compat import str\n\n"
                "class Client:\n"
                "    def __init__(self):\n"
                "        self.conn = None\n"
                "        self.conn = Conn()\n\n"
                "    def go(self):\n"
                "        self.conn.send(str(1))\n"
            ),
        },
    )
    # self.conn is a Conn (None aside); compat's `str = str` re-binds the builtin: it defines nothing
    assert {e for e in _from(edges, "client.py") if e[2] == "call"} == {("client.py", "conn.py", "call")}


def test_a_call_result_links_through_the_class_called_or_the_return_annotation(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "repo.py": "class Repo:\n    def get(self):\n        pass\n",
            "gw.py": "class Gateway:\n    def charge(self):\n        pass\n",
            "make.py": "from repo import Repo\n\ndef make() -> 'Repo | None':\n    return Repo()\n\ndef raw():\n    return 1\n",
            "plugins/__init__.py": "",
            "plugins/csv.py": "def export():\n    pass\n",
            "use.py": (
                "import importlib\nfrom repo import Repo\nfrom gw import Gateway\nfrom make import make, raw\n\n"
                "class Service:\n"
                "    def __init__(self, gateway: Gateway | None = None):\n"
                "        self.gateway = gateway or Gateway()\n\n"
                "    def run(self):\n"
                "        Repo(1).get()\n"
                "        self.gateway.charge()\n"
                "        r = make()\n"
                "        r.get()\n"
                "        raw().get()\n"
                "        mod = importlib.import_module('plugins.csv')\n"
                "        mod.export()\n"
            ),
        },
    )
    calls = {e[1]: e for e in _from(edges, "use.py") if e[2] == "call"}
    # Repo(1).get() and make()'s `-> 'Repo | None'`: repo.py; self.gateway: a Gateway (the annotation and
    # the fallback agree); make.py for the calls make() and raw(); mod: the module import_module names
    assert set(calls) == {"repo.py", "gw.py", "make.py", "plugins/csv.py"}
    assert ("use.py", "gw.py", "type") in edges


def test_a_method_of_a_call_result_of_unknown_class_links_nothing(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "repo.py": "class Repo:\n    def get(self):\n        pass\n",
            "make.py": "from repo import Repo\n\ndef raw():\n    return Repo()\n",
            "use.py": "import repo\nfrom make import raw\n\ndef f():\n    raw().get()\n",
        },
    )
    assert _from(edges, "use.py") == {
        ("use.py", "repo.py", "import"),
        ("use.py", "make.py", "import"),
        ("use.py", "make.py", "call"),
    }


def test_instances_bound_to_their_own_attributes_end_without_recursion(tmp_path):
    """``c = c.attr()`` and two instances built from each other (seen in ansible-core) resolve to nothing."""
    files = {
        "pkg/__init__.py": "",
        "pkg/m.py": "class C:\n    pass\nc = c.attr()\nd = e.make()\ne = d.make()\n",
        "pkg/use.py": "from pkg.m import c, d\nc.run()\nd.run()\nc.attr.deeper()\n",
    }
    edges = _edges(tmp_path, files)
    assert ("pkg/use.py", "pkg/m.py", "import") in edges
    assert not [e for e in edges if e[0] == "pkg/use.py" and e[2] == "call" and e[1] != "pkg/m.py"]

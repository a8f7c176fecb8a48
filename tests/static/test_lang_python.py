"""Python: parsing inline sources with the real grammar, and import resolution over small trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.domain import ImportRef, ParsedFile, RepoIndex, SourceFile
from analyzer.static.languages.python import SPEC
from analyzer.static.parse import parse_file


def _parse(source: bytes, path: str = "pkg/mod.py") -> ParsedFile:
    return parse_file(SourceFile(path, "python", len(source), "0" * 64), source)


def _imports(source: bytes) -> list[tuple[str, tuple[str, ...], str, bool]]:
    return [(i.module, i.names, i.kind, i.type_only) for i in _parse(source).imports]


# --- parsing: imports -------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"import os\n", [("os", (), "import", False)]),
        (b"import os.path as osp\n", [("os.path", (), "import", False)]),
        (b"import a, b.c\n", [("a", (), "import", False), ("b.c", (), "import", False)]),
        (b"from ..models import Order, Customer as C\n", [("..models", ("Customer", "Order"), "from", False)]),
        (b"from . import views\n", [(".", ("views",), "from", False)]),
        (b"from pkg.sub import *\n", [("pkg.sub", ("*",), "from", False)]),
        # blanks between the tokens of a module name (ansible: "from . aix_data import ...")
        (b"from . aix_data import X\n", [(".aix_data", ("X",), "from", False)]),
        (b"from .. base import B\n", [("..base", ("B",), "from", False)]),
        (b"import os . path\n", [("os.path", (), "import", False)]),
        (b"from a.\\\n    b import c\n", [("a.b", ("c",), "from", False)]),
        (
            b"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.models import User\n",
            [("typing", ("TYPE_CHECKING",), "from", False), ("app.models", ("User",), "from", True)],
        ),
        (
            b"import typing\nif typing.TYPE_CHECKING:\n    import app.db\nelse:\n    pass\n",
            [("typing", (), "import", False), ("app.db", (), "import", True)],
        ),
        (b"def f():\n    import json\n    return json\n", [("json", (), "import", False)]),
        (
            b"if TYPE_CHECKING:\n    import a\nelse:\n    import b\n",
            [("a", (), "import", True), ("b", (), "import", False)],
        ),
        (b"if TYPE_CHECKING:\n    pass\nelif DEBUG:\n    import d\n", [("d", (), "import", False)]),
        (b"if not TYPE_CHECKING:\n    import c\n", [("c", (), "import", False)]),
        (b"if TYPE_CHECKING:\n    if sys.version_info >= (3, 11):\n        import e\n", [("e", (), "import", True)]),
        # imports by a literal name: importlib.import_module / __import__
        (b"m = importlib.import_module('app.plugins.csv')\n", [("app.plugins.csv", (), "import", False)]),
        (b'm = import_module(r"app.views")\n', [("app.views", (), "import", False)]),
        (b'm = __import__("app.db", fromlist=["x"])\n', [("app.db", (), "import", False)]),
        (b"m = import_module('.views', __package__)\n", [(".views", (), "import", False)]),
        (b"if TYPE_CHECKING:\n    import_module('app.t')\n", [("app.t", (), "import", True)]),
        # built at run time, bytes, escaped, anchored elsewhere or not a module name: computed (unresolved)
        (b"m = import_module(f'app.{name}')\n", [("f'app.{name}'", (), "computed", False)]),
        (b"m = import_module(name)\n", [("name", (), "computed", False)]),
        (b"m = import_module('app.' +\n    name)\n", [("'app.' + name", (), "computed", False)]),
        (b"m = import_module(b'app')\n", [("b'app'", (), "computed", False)]),
        (b"m = import_module('app\\x2eviews')\n", [("'app\\x2eviews'", (), "computed", False)]),
        (b"m = import_module('.views', 'app')\n", [("'.views'", (), "computed", False)]),
        (b"m = import_module(' app ')\n", [("' app '", (), "computed", False)]),
        (b"m = other_loader('app.views')\n", []),
    ],
    ids=[
        "plain",
        "dotted-alias",
        "several",
        "relative-from",
        "from-dot",
        "wildcard",
        "blank-after-dot",
        "blank-after-dots",
        "blanks-around-dot",
        "continuation",
        "type-checking",
        "typing-attr",
        "local",
        "else-branch",
        "elif-branch",
        "negated",
        "nested-if",
        "import-module",
        "raw-string",
        "dunder-import",
        "relative-package",
        "dynamic-type-checking",
        "f-string",
        "variable",
        "concatenated",
        "bytes",
        "escaped",
        "relative-elsewhere",
        "spaces",
        "other-function",
    ],
)
def test_imports_are_captured(source, expected):
    assert _imports(source) == expected


def test_import_lines_are_one_based():
    parsed = _parse(b"\n\nimport os\nfrom a import b\n")
    assert [(i.module, i.line) for i in parsed.imports] == [("os", 3), ("a", 4)]


# --- parsing: definitions and references -------------------------------------

SOURCE = b"""\
LIMIT = 3

class Base:
    pass

class Order(Base, mixins.Audited):
    @property
    def total(self) -> Money:
        return compute(self.lines)

    def add(self, line: "Line") -> None:
        self.lines.append(line)

@register
def helper(x: Decimal) -> int:
    return int(x)
"""


def test_definitions_kinds_and_parents():
    symbols = {(s.name, s.kind, s.parent) for s in _parse(SOURCE).symbols}
    assert {
        ("LIMIT", "constant", ""),
        ("Base", "class", ""),
        ("Order", "class", ""),
        ("total", "method", "Order"),
        ("add", "method", "Order"),
        ("helper", "function", ""),
    } <= symbols


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Base", "inherit"),
        ("Audited", "inherit"),
        ("compute", "call"),
        ("append", "call"),
        ("register", "call"),
        ("int", "call"),
        ("Money", "type"),
        ("Decimal", "type"),
    ],
)
def test_references(name, kind):
    refs = {(r.name, r.kind) for r in _parse(SOURCE).references}
    assert (name, kind) in refs


def test_syntax_error_is_a_diagnostic_not_an_exception():
    parsed = _parse(b"def broken(:\n    pass\nimport os\n")
    assert [d.severity for d in parsed.diagnostics] == ["warning"]
    assert "os" in [i.module for i in parsed.imports]


# --- resolution -------------------------------------------------------------

TREE = frozenset(
    {
        "src/shop/__init__.py",
        "src/shop/config.py",
        "src/shop/models/__init__.py",
        "src/shop/models/order.py",
        "src/shop/services/billing.py",  # services/ has no __init__.py: namespace package
        "src/shop/plugins/email.py",  # plugins/ too
        "tests/test_order.py",
        "tools/run.py",
        "nsonly/sub/thing.py",  # a top-level namespace package
        "setup.py",
    }
)


def _resolve(path: str, module: str, names: tuple[str, ...] = (), kind: str = "import", files: frozenset[str] = TREE):
    ref = ImportRef(path, module, names, 1, kind)
    return SPEC.resolve_import(ref, RepoIndex(files=files))


@pytest.mark.parametrize(
    ("importer", "module", "names", "kind", "targets"),
    [
        # relative imports
        ("src/shop/models/order.py", ".", ("order",), "from", ("src/shop/models/order.py",)),
        ("src/shop/models/order.py", "..config", ("Settings",), "from", ("src/shop/config.py",)),
        ("src/shop/models/order.py", "..", ("config",), "from", ("src/shop/config.py",)),
        ("src/shop/services/billing.py", "..models", ("Order",), "from", ("src/shop/models/__init__.py",)),
        ("src/shop/services/billing.py", "..models.order", ("Order",), "from", ("src/shop/models/order.py",)),
        # below a plain module, a name is its own business (urllib3's "from .packages.six.moves import x")
        (
            "src/shop/models/order.py",
            "..config.moves.http_client",
            ("HTTPConnection",),
            "from",
            ("src/shop/config.py",),
        ),
        ("src/shop/models/order.py", "..config.moves", (), "import", ("src/shop/config.py",)),
        # src layout: absolute imports from outside src/ and inside it
        ("tests/test_order.py", "shop.models.order", ("Order",), "from", ("src/shop/models/order.py",)),
        ("tests/test_order.py", "shop.models", ("order",), "from", ("src/shop/models/order.py",)),
        ("tools/run.py", "shop", (), "import", ("src/shop/__init__.py",)),
        ("src/shop/config.py", "shop.models", (), "import", ("src/shop/models/__init__.py",)),
        # namespace packages (no __init__.py)
        ("tests/test_order.py", "shop.plugins.email", (), "import", ("src/shop/plugins/email.py",)),
        ("src/shop/config.py", "shop.services", ("billing",), "from", ("src/shop/services/billing.py",)),
        ("tools/run.py", "nsonly.sub.thing", (), "import", ("nsonly/sub/thing.py",)),
        # a missing submodule of a known package falls back to the deepest existing module
        ("tools/run.py", "shop.models.missing", (), "import", ("src/shop/models/__init__.py",)),
        # the repository root is a source root too
        ("src/shop/config.py", "setup", (), "import", ("setup.py",)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_resolves_to_files(importer, module, names, kind, targets):
    result = _resolve(importer, module, names, kind)
    assert (result.targets, result.external, result.unresolved) == (targets, "", "")


@pytest.mark.parametrize(
    ("importer", "module", "names", "reason"),
    [
        ("setup.py", "..", ("x",), "beyond"),
        ("tools/run.py", "...", ("x",), "beyond"),
        ("src/shop/config.py", ".nothing", ("x",), "matches no file"),
        # below a package, a missing submodule is missing (a compiled extension, a stripped file)
        ("src/shop/config.py", ".models.missing", ("x",), "matches no file"),
    ],
)
def test_unresolvable_relative_imports(importer, module, names, reason):
    result = _resolve(importer, module, names, "from")
    assert result.targets == () and result.external == ""
    assert reason in result.unresolved


@pytest.mark.parametrize(
    ("module", "package"),
    [
        ("requests", "requests"),
        ("os.path", "os"),
        ("google.protobuf.message", "google"),
    ],
)
def test_unknown_top_level_is_external(module, package):
    result = _resolve("src/shop/config.py", module)
    assert (result.targets, result.external, result.unresolved) == ((), package, "")


def test_namespace_directory_alone_is_neither_internal_file_nor_external():
    result = _resolve("tools/run.py", "nsonly.sub")
    assert (result.targets, result.external, result.unresolved) == ((), "", "")


def test_importer_directory_wins_over_other_roots():
    files = frozenset({"app/util.py", "app/main.py", "lib/util.py"})
    assert _resolve("app/main.py", "util", files=files).targets == ("app/util.py",)


def _resolve_in_tree(files, path, module, names=(), kind="import"):
    from analyzer.domain import ImportRef, RepoIndex
    from analyzer.static.languages.python import resolve_import

    return resolve_import(ImportRef(path, module, tuple(names), 1, kind), RepoIndex(files=frozenset(files)))


def test_absolute_import_inside_a_package_is_not_a_sibling_module():
    files = {"pkg/__init__.py", "pkg/json.py", "pkg/a.py"}
    assert _resolve_in_tree(files, "pkg/a.py", "json").external == "json"


def test_absolute_import_does_not_pick_a_same_named_sibling_deep_inside_a_package():
    files = {
        "django/__init__.py",
        "django/conf/__init__.py",
        "django/template/__init__.py",
        "django/template/backends/__init__.py",
        "django/template/backends/django.py",
        "django/template/backends/jinja2.py",
    }
    result = _resolve_in_tree(files, "django/template/backends/jinja2.py", "django.conf", ["settings"], "from")
    assert result.targets == ("django/conf/__init__.py",)


def test_import_module_literal_is_an_edge_and_a_computed_name_is_unresolved(tmp_path):
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    files = {
        "app/__init__.py": "",
        "app/plugins/__init__.py": "",
        "app/plugins/csv_export.py": "def export(rows):\n    return rows\n",
        "app/plugins/pdf_export.py": "def export(rows):\n    return rows\n",
        "app/loader.py": (
            "from importlib import import_module\n\n"
            "def load(name, rows):\n"
            "    csv = import_module('app.plugins.csv_export')\n"
            "    other = import_module(f'app.plugins.{name}')\n"
            "    return csv.export(rows), other\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    edges = {(d.source, d.target, d.kind, d.line) for d in static.resolution.dependencies}
    assert edges == {
        ("app/loader.py", "app/plugins/csv_export.py", "import", 4),
        ("app/loader.py", "app/plugins/csv_export.py", "call", 6),
    }
    assert [e.package for e in static.resolution.externals] == ["importlib"]
    # the f-string name is not guessed at: listed as unresolved, as written
    assert [(u.source, u.module, u.line, u.reason) for u in static.resolution.unresolved] == [
        ("app/loader.py", "f'app.plugins.{name}'", 5, "module name built at run time")
    ]
    # and the report names the loading point among its risks
    from analyzer.documents import report
    from analyzer.documents.facts import static_facts

    facts = static_facts(static)
    assert facts.run_time_imports == (("app/loader.py", 1),)
    assert (
        "- 1 import names its module at run time, in `app/loader.py` (1): the graph cannot see what they load"
    ) in report.risks_section(facts).body


def test_file_set_helpers_memoize_on_identity():
    """The resolver's file-set helpers are memoized by identity (an lru_cache compared an equal copy
    of the file set element by element on every hit: bench/static_bench.py showed resolution 5x slower)."""
    from analyzer.static.languages import ancestor_dirs

    first_set = frozenset({"pkg/sub/mod.py", "pkg/other.py", "top.py"})
    equal_copy = frozenset(set(first_set))
    assert equal_copy == first_set and equal_copy is not first_set
    dirs = ancestor_dirs(first_set)
    assert dirs == frozenset({"", "pkg", "pkg/sub"})
    assert ancestor_dirs(first_set) is dirs
    assert ancestor_dirs(equal_copy) == dirs


@pytest.mark.parametrize(
    ("module", "names", "expected"),
    [
        # Redmine's lib/redmine/scm/adapters/mercurial/redminehelper.py, a Mercurial extension: its
        # directory is named like the package it imports, which is the installed Mercurial
        ("mercurial", ("cmdutil", "error"), ((), "mercurial")),
        # the namespace directory does hold what is named: a submodule, a sub-namespace
        ("mercurial", ("redminehelper",), (("adapters/mercurial/redminehelper.py",), "")),
        ("mercurial", ("hgext",), ((), "")),
        ("mercurial", ("*",), ((), "")),
    ],
)
def test_names_a_namespace_directory_lacks_come_from_elsewhere(module, names, expected):
    files = {"adapters/mercurial/redminehelper.py", "adapters/mercurial/hgext/x.py", "adapters/git.py"}
    found = _resolve_in_tree(files, "adapters/mercurial/redminehelper.py", module, names, "from")
    assert (found.targets, found.external) == expected and found.unresolved == ""


def _package_root(tmp_path: Path, parents: tuple[str, ...] = ()) -> tuple[Path, frozenset[str]]:
    """A package folder analyzed on its own (``analyze ./django``), below ``parents`` packages."""
    base = tmp_path
    for name in parents:
        base = base / name
        base.mkdir()
        (base / "__init__.py").write_text("")
    root = base / "django"
    files = {"__init__.py", "db/__init__.py", "db/models.py", "core/__init__.py", "core/mail.py", "apps.py"}
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    return root, frozenset(files)


def test_a_package_analyzed_from_inside_resolves_its_own_dotted_name(tmp_path):
    from analyzer.domain import ImportRef, RepoIndex
    from analyzer.static.languages.python import load_config, resolve_import

    root, files = _package_root(tmp_path)
    index = RepoIndex(files=files, config={"python": load_config(root, files)})

    def res(path, module, names=(), kind="import"):
        return resolve_import(ImportRef(path, module, tuple(names), 1, kind), index)

    assert res("db/models.py", "django.core.mail", ("send",), "from").targets == ("core/mail.py",)
    assert res("db/models.py", "django.core", ("mail",), "from").targets == ("core/mail.py",)
    assert res("db/models.py", "django", ("apps",), "from").targets == ("apps.py",)
    assert res("apps.py", "django.db.models").targets == ("db/models.py",)
    assert res("apps.py", "django").targets == ("__init__.py",)
    assert res("apps.py", "djangoextra").external == "djangoextra"  # another package, not a prefix
    assert res("apps.py", "django.nothere").targets == ("__init__.py",) or res("apps.py", "django.nothere").external


def test_a_subpackage_analyzed_from_inside_takes_its_parents_names(tmp_path):
    from analyzer.static.languages.python import load_config

    root, files = _package_root(tmp_path, ("contrib",))
    assert load_config(root, files) == "contrib.django"
    plain = tmp_path / "plain"
    plain.mkdir()
    assert load_config(plain, frozenset({"a.py"})) == ""  # not a package: no name of its own


def test_analyzing_a_package_folder_finds_the_same_import_edges_as_from_above(tmp_path):
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    root, _ = _package_root(tmp_path)
    (root / "db" / "models.py").write_text("from django.core.mail import send\nimport django.apps\n")
    (root / "core" / "mail.py").write_text("from django.db import models\n")
    inside = analyze_static(Settings(root=root, use_cache=False, use_git_history=False, jobs=1))
    above = analyze_static(Settings(root=tmp_path, use_cache=False, use_git_history=False, jobs=1))
    edges_inside = {(d.source, d.target) for d in inside.resolution.dependencies if d.kind == "import"}
    edges_above = {
        (d.source.removeprefix("django/"), d.target.removeprefix("django/"))
        for d in above.resolution.dependencies
        if d.kind == "import"
    }
    assert (
        edges_inside
        == edges_above
        == {("db/models.py", "core/mail.py"), ("db/models.py", "apps.py"), ("core/mail.py", "db/models.py")}
    )
    assert not [e for e in inside.resolution.externals if e.package == "django"]

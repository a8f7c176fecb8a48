"""The edge-kind weights and the steps of the boundary proposal, on real parses and real networkx.

A small Java shop (orders, invoices, shipments, a money type every context uses, a composition
root, tests) is written to a temporary folder and analyzed by the whole static pass; the
assertions are about where each file lands and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import fixture, write_tree

from analyzer.config import Settings
from analyzer.domain import CALL, EDGE_BINDING, EDGE_KINDS, IMPORT, INHERIT, TYPE, binding_weight
from analyzer.pipeline import StaticAnalysis, analyze_static
from analyzer.static import boundaries as plan
from analyzer.static._terms import domain_terms, is_test

CONTEXTS = ("Order", "Invoice", "Shipment")


def _context(name: str) -> dict[str, str]:
    low = name.lower()
    pkg = f"package shop.{low};\nimport shop.common.Money;\n"
    return {
        f"src/main/java/shop/{low}/{name}.java": pkg + f"public class {name} {{ Money total; String id; }}\n",
        f"src/main/java/shop/{low}/{name}Repository.java": pkg
        + f"public class {name}Repository {{ {name} find(String id) {{ return new {name}(); }}\n"
        + f"  void save({name} x) {{ }} }}\n",
        f"src/main/java/shop/{low}/{name}Service.java": pkg
        + f"public class {name}Service {{ {name}Repository repo = new {name}Repository();\n"
        + f"  {name} get(String id) {{ return repo.find(id); }}\n"
        + f"  Money total(String id) {{ {name} x = repo.find(id); return x.total; }} }}\n",
        f"src/main/java/shop/web/{name}Controller.java": f"package shop.web;\nimport shop.{low}.{name}Service;\n"
        + f"import shop.{low}.{name};\n"
        + f"public class {name}Controller {{ {name}Service service = new {name}Service();\n"
        + f"  {name} show(String id) {{ return service.get(id); }} }}\n",
        f"src/test/java/shop/{low}/{name}ServiceTest.java": pkg
        + f'public class {name}ServiceTest {{ void testGet() {{ new {name}Service().get("1"); }} }}\n',
    }


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> StaticAnalysis:
    files: dict[str, str] = {
        "src/main/java/shop/common/Money.java": "package shop.common;\npublic class Money { long cents; }\n",
        "src/main/java/shop/App.java": "package shop;\n"
        + "".join(f"import shop.web.{c}Controller;\n" for c in CONTEXTS)
        + "public class App { void main() {"
        + "".join(f" new {c}Controller();" for c in CONTEXTS)
        + " } }\n",
    }
    for name in CONTEXTS:
        files.update(_context(name))
    root = write_tree(tmp_path_factory.mktemp("shop"), files)
    return analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))


@pytest.fixture(scope="module")
def boundaries(shop: StaticAnalysis) -> dict[str, str]:
    return plan.partition_of(plan.decompose(shop).boundaries)


def test_binding_weight_ranks_kinds_and_damps_repeats():
    assert binding_weight({INHERIT: 1}) > binding_weight({TYPE: 1}) > binding_weight({CALL: 1})
    assert binding_weight({CALL: 40}) < binding_weight({TYPE: 1, CALL: 1}) * 3
    assert binding_weight({IMPORT: 1, CALL: 1}) == binding_weight({CALL: 1})  # import adds nothing to a finer edge
    assert binding_weight({IMPORT: 1}) > 0  # but is the signal where nothing finer exists
    assert (
        binding_weight({CALL: 1}) < binding_weight({CALL: 2}) == binding_weight({CALL: 3}) < binding_weight({CALL: 4})
    )


def test_every_file_edge_carries_its_binding_weight():
    static = analyze_static(Settings(root=fixture("java"), use_cache=False, jobs=1, use_git_history=False))
    edges = [data for _, _, data in static.graph.edges(data=True) if data.get(EDGE_KINDS)]
    assert edges
    assert all(data[EDGE_BINDING] == binding_weight(data[EDGE_KINDS]) for data in edges)


def test_pagerank_follows_binding_weights(tmp_path: Path):
    """X inherits Alpha and holds a Gamma: one use each, but inheriting binds harder.  (Alpha is an
    interface: a superclass would also be called, by X's implicit constructor.)"""
    root = write_tree(
        tmp_path,
        {
            "src/p/Alpha.java": "package p;\npublic interface Alpha { }\n",
            "src/p/Gamma.java": "package p;\npublic class Gamma { }\n",
            "src/p/X.java": "package p;\npublic class X implements Alpha { Gamma g; }\n",
        },
    )
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    kinds = {d: data[EDGE_KINDS] for _, d, data in static.graph.edges("src/p/X.java", data=True)}
    assert kinds == {"src/p/Alpha.java": {INHERIT: 1}, "src/p/Gamma.java": {TYPE: 1}}
    rank = dict(static.analysis.pagerank)
    assert rank["src/p/Alpha.java"] > rank["src/p/Gamma.java"]


def test_plan_and_graph_weigh_each_pair_alike(shop: StaticAnalysis):
    """The plan's coupling (pair_bindings over the dependencies) and the graph's edges use one table."""
    bindings = plan.pair_bindings(shop.resolution.dependencies)
    graph = {(s, d): data[EDGE_BINDING] for s, d, data in shop.graph.edges(data=True) if data.get(EDGE_KINDS)}
    assert bindings == {pair: w for pair, w in graph.items() if not pair[1].startswith("ext:")}
    assert len(set(bindings.values())) > 1


@pytest.mark.parametrize("name", CONTEXTS)
def test_controllers_and_tests_join_the_context_they_serve(boundaries: dict[str, str], name: str):
    low = name.lower()
    home = boundaries[f"src/main/java/shop/{low}/{name}Service.java"]
    assert boundaries[f"src/main/java/shop/{low}/{name}.java"] == home
    assert boundaries[f"src/main/java/shop/{low}/{name}Repository.java"] == home
    assert boundaries[f"src/main/java/shop/web/{name}Controller.java"] == home
    assert boundaries[f"src/test/java/shop/{low}/{name}ServiceTest.java"] == home


def test_contexts_are_apart_and_named_after_their_domain_term(boundaries: dict[str, str]):
    homes = {boundaries[f"src/main/java/shop/{c.lower()}/{c}Service.java"] for c in CONTEXTS}
    assert homes == {c.lower() for c in CONTEXTS}
    assert not any("~" in name for name in boundaries.values())


def test_what_every_context_uses_evenly_is_the_shared_kernel(boundaries: dict[str, str]):
    assert boundaries["src/main/java/shop/common/Money.java"] == plan.SHARED
    assert boundaries["src/main/java/shop/App.java"] == plan.ENTRYPOINTS


def test_a_context_entity_read_by_others_stays_home(tmp_path: Path):
    """Order is used by invoices and shipments too, but most of its users are in ordering."""
    files = {}
    for name in CONTEXTS:
        files.update(_context(name))
    files["src/main/java/shop/common/Money.java"] = "package shop.common;\npublic class Money { long cents; }\n"
    for name in ("Invoice", "Shipment"):
        files[f"src/main/java/shop/{name.lower()}/{name}Lines.java"] = (
            f"package shop.{name.lower()};\nimport shop.order.Order;\n"
            f"public class {name}Lines {{ Order order; {name} of; }}\n"
        )
    root = write_tree(tmp_path, files)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    partition = plan.partition_of(plan.decompose(static).boundaries)
    assert partition["src/main/java/shop/order/Order.java"] == partition["src/main/java/shop/order/OrderService.java"]
    assert partition["src/main/java/shop/order/Order.java"] != plan.SHARED


def test_domain_terms_leave_out_technical_words():
    assert domain_terms("a/MongoCatalogItemsRepository.java") == ("catalog",)
    assert domain_terms("x/ICustomerOrdersViewModelService.cs") == ("customer", "order")
    assert domain_terms("billing/models.py") == ()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("src/test/java/a/FooTest.java", True),
        ("tests/test_api.py", True),
        ("web/cart.spec.ts", True),
        ("src/main/java/a/Testimonial.java", False),
        ("src/main/java/a/Contest.java", False),
    ],
)
def test_is_test(path: str, expected: bool):
    assert is_test(path) is expected


def test_tests_placed_with_code_never_name_its_boundary(tmp_path: Path):
    """Four test files and three modules they test form one boundary: it is named after the code's folder."""
    files = {f"core/{m}.py": f"def {m}():\n    return 1\n" for m in ("motor", "pump", "valve")}
    for n in ("one", "two", "three", "four"):
        files[f"tests/test_{n}.py"] = "from core.motor import motor\nfrom core.pump import pump\n" + (
            "from core.valve import valve\n\ndef test():\n    assert motor() + pump() + valve() == 3\n"
        )
    root = write_tree(tmp_path, files)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    found = plan.decompose(static).boundaries
    owner = next(b.name for b in found if "core/motor.py" in b.files)
    assert "tests/test_one.py" in next(b.files for b in found if b.name == owner)
    assert owner == "core"


def test_a_go_package_is_never_split_between_boundaries():
    """Go files of one directory share unexported names: the plan keeps each package whole."""
    static = analyze_static(Settings(root=fixture("go"), use_cache=False, jobs=1, use_git_history=False))
    units = plan.indivisible_units(static)
    assert set(units) == {p.path for p in static.parsed}  # every file of the fixture is Go
    found = plan.partition_of(plan.decompose(static).boundaries)
    by_package: dict[str, set[str]] = {}
    for path, unit in units.items():
        by_package.setdefault(unit, set()).add(found[path])
    assert len(by_package) == 4 and all(len(labels) == 1 for labels in by_package.values()), by_package


def test_units_join_the_boundary_holding_most_of_their_code():
    """Two communities cut a unit's files 2 : 1; all three (and the unit's test) end in the larger part."""
    from analyzer.domain import Dependency

    def dep(s: str, t: str) -> Dependency:
        return Dependency(s, t, TYPE, 1)

    communities = [("a", ["a/x.go", "a/y.go", "b/u.go"]), ("b", ["b/v.go", "b/w.go", "b/w_test.go"])]
    edges = [dep("a/x.go", "a/y.go"), dep("b/u.go", "a/x.go"), dep("b/v.go", "b/w.go"), dep("b/w_test.go", "b/w.go")]
    edges += [dep("a/y.go", "a/x.go"), dep("b/w.go", "b/v.go")]
    units = {f: f.split("/")[0] for _, files in communities for f in files}
    found = plan.partition_of(plan.propose_boundaries(communities, edges, units))
    assert len({found[f] for f in ("b/u.go", "b/v.go", "b/w.go", "b/w_test.go")}) == 1
    assert found["a/x.go"] == found["a/y.go"] != found["b/v.go"]

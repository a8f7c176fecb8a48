"""graph.py: real networkx graphs built from hand-made ParsedFile / Resolution values.

Every expected value below is worked out by hand from the small graphs drawn
in each test's docstring.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.domain import (
    CALL,
    EDGE_KINDS,
    EDGE_LINES,
    EDGE_TYPE_ONLY,
    EDGE_WEIGHT,
    IMPORT,
    INHERIT,
    NODE_EXTERNAL,
    NODE_FILE,
    NODE_KIND,
    NODE_LANGUAGE,
    NODE_LOC,
    NODE_PACKAGE,
    NODE_STANDARD,
    NODE_SYMBOLS,
    Dependency,
    ExternalDependency,
    ParsedFile,
    Resolution,
    SourceFile,
    Symbol,
)
from analyzer.static.graph import (
    EDGE_RUNTIME_IMPORT,
    UNASSIGNED,
    Community,
    Cycle,
    ExternalUse,
    Hotspot,
    PackageMetrics,
    analyze_graph,
    build_graph,
)


def parsed_file(path: str, loc: int = 10, symbols: tuple[Symbol, ...] = ()) -> ParsedFile:
    return ParsedFile(SourceFile(path, "python", loc * 10, "0" * 64), loc, symbols, (), ())


def dep(src: str, dst: str, kind: str = IMPORT, line: int = 1, weight: int = 1, type_only: bool = False) -> Dependency:
    return Dependency(src, dst, kind, line, weight, type_only)


def make_graph(
    files: dict[str, int], deps: list[Dependency], externals: Sequence[ExternalDependency] = ()
) -> nx.DiGraph:
    parsed = [parsed_file(p, loc) for p, loc in files.items()]
    return build_graph(parsed, Resolution(tuple(deps), tuple(externals), ()))


# --- build_graph -------------------------------------------------------------


def test_build_graph_nodes_edges_and_attributes():
    sym_late = Symbol("late", "function", "pkg/m.py", 9)
    sym_early = Symbol("Early", "class", "pkg/m.py", 2)
    parsed = [parsed_file("pkg/m.py", 30, (sym_late, sym_early)), parsed_file("main.py", 5)]
    resolution = Resolution(
        dependencies=(
            dep("main.py", "pkg/m.py", IMPORT, 3),
            dep("main.py", "pkg/m.py", IMPORT, 1),
            dep("main.py", "pkg/m.py", CALL, 7, weight=4),
            dep("main.py", "pkg/m.py", INHERIT, 9, weight=2),
        ),
        externals=(
            ExternalDependency("main.py", "requests", "requests", 4),
            ExternalDependency("main.py", "requests", "requests.adapters", 2),
            ExternalDependency("pkg/m.py", "attrs", "attrs", 1),
            ExternalDependency("pkg/m.py", "os", "os.path", 3, standard=True),
        ),
        unresolved=(),
    )
    graph = build_graph(parsed, resolution)

    assert list(graph.nodes) == ["main.py", "pkg/m.py", "ext:attrs", "ext:os", "ext:requests"]
    assert graph.nodes["pkg/m.py"] == {
        NODE_KIND: NODE_FILE,
        NODE_LANGUAGE: "python",
        NODE_LOC: 30,
        NODE_SYMBOLS: (sym_early, sym_late),
        NODE_PACKAGE: "pkg",
    }
    assert graph.nodes["main.py"][NODE_PACKAGE] == ""
    assert graph.nodes["ext:requests"] == {NODE_KIND: NODE_EXTERNAL, NODE_STANDARD: False}
    assert graph.nodes["ext:os"] == {NODE_KIND: NODE_EXTERNAL, NODE_STANDARD: True}
    assert [e for e in analyze_graph(graph).externals if e.name == "os"] == [ExternalUse("os", ("pkg/m.py",), True)]
    assert list(graph.edges) == [
        ("main.py", "ext:requests"),
        ("main.py", "pkg/m.py"),
        ("pkg/m.py", "ext:attrs"),
        ("pkg/m.py", "ext:os"),
    ]
    edge = graph.edges["main.py", "pkg/m.py"]
    assert edge[EDGE_KINDS] == {CALL: 4, IMPORT: 2, INHERIT: 2}
    assert edge[EDGE_LINES] == {CALL: 7, IMPORT: 1, INHERIT: 9}
    assert edge[EDGE_WEIGHT] == 8
    assert edge[EDGE_TYPE_ONLY] is False
    assert edge[EDGE_RUNTIME_IMPORT] is True
    ext = graph.edges["main.py", "ext:requests"]
    assert (ext[EDGE_KINDS], ext[EDGE_LINES], ext[EDGE_WEIGHT]) == ({IMPORT: 2}, {IMPORT: 2}, 2)


@pytest.mark.parametrize(
    ("deps", "type_only", "runtime"),
    [
        ([dep("a.py", "b.py", type_only=True)], True, False),
        ([dep("a.py", "b.py", type_only=True), dep("a.py", "b.py", CALL, 5)], False, False),
        ([dep("a.py", "b.py", type_only=True), dep("a.py", "b.py", line=2)], False, True),
        ([dep("a.py", "b.py", CALL)], False, False),
    ],
    ids=["only-type-import", "type-import-and-call", "type-and-runtime-import", "call-only"],
)
def test_type_only_edge_flags(deps, type_only, runtime):
    edge = make_graph({"a.py": 1, "b.py": 1}, deps).edges["a.py", "b.py"]
    assert edge[EDGE_TYPE_ONLY] is type_only
    assert edge[EDGE_RUNTIME_IMPORT] is runtime


# --- analyze_graph on one hand-drawn repository --------------------------------

FILES = {"a.py": 40, "lone.py": 5, "pkg/b.py": 20, "pkg/c.py": 80, "pkg/d.py": 10, "util/e.py": 30, "util/f.py": 15}
DEPS = [
    dep("a.py", "pkg/b.py"),
    dep("pkg/b.py", "pkg/c.py"),
    dep("pkg/c.py", "pkg/d.py"),
    dep("pkg/d.py", "pkg/c.py"),
    dep("pkg/d.py", "pkg/b.py"),
    dep("pkg/d.py", "util/e.py"),
    dep("util/e.py", "a.py", type_only=True),  # `if TYPE_CHECKING:` import ...
    dep("util/e.py", "a.py", CALL, 8),  # ... used in annotations
    dep("util/f.py", "pkg/c.py", weight=1),
]


@pytest.fixture(scope="module")
def analysis():
    """a -> b -> c <-> d -> b, d -> e -(type-only)-> a, f -> c; lone has no edge."""
    graph = make_graph(
        FILES,
        DEPS,
        [
            ExternalDependency("a.py", "requests", "requests", 1),
            ExternalDependency("util/f.py", "requests", "requests", 2),
            ExternalDependency("pkg/b.py", "attrs", "attrs", 1),
        ],
    )
    return analyze_graph(graph)


def test_runtime_cycle_and_its_shortest_path(analysis):
    # b -> c -> d -> b has length 3, c <-> d length 2: the shortest cycle starts at c.
    assert analysis.cycles == (Cycle(("pkg/b.py", "pkg/c.py", "pkg/d.py"), ("pkg/c.py", "pkg/d.py")),)


def test_type_only_import_makes_a_separate_cycle(analysis):
    # e -> a is type-only: the cycle a -> b -> c -> d -> e -> a never runs.
    assert analysis.type_only_cycles == (
        Cycle(
            ("a.py", "pkg/b.py", "pkg/c.py", "pkg/d.py", "util/e.py"),
            ("a.py", "pkg/b.py", "pkg/c.py", "pkg/d.py", "util/e.py"),
        ),
    )


def test_layers_over_the_runtime_condensation(analysis):
    assert analysis.layers == (
        (0, ("lone.py", "util/e.py")),
        (1, ("pkg/b.py", "pkg/c.py", "pkg/d.py")),
        (2, ("a.py", "util/f.py")),
    )
    assert {m.path: m.layer for m in analysis.files} == {
        "a.py": 2,
        "lone.py": 0,
        "pkg/b.py": 1,
        "pkg/c.py": 1,
        "pkg/d.py": 1,
        "util/e.py": 0,
        "util/f.py": 2,
    }


def test_fan_in_fan_out_and_orphans(analysis):
    fans = {m.path: (m.fan_in, m.fan_out) for m in analysis.files}
    assert fans == {
        "a.py": (1, 1),
        "lone.py": (0, 0),
        "pkg/b.py": (2, 1),
        "pkg/c.py": (3, 1),
        "pkg/d.py": (1, 3),
        "util/e.py": (1, 1),
        "util/f.py": (0, 1),
    }
    assert analysis.orphans == ("lone.py",)


def test_package_instability(analysis):
    # "" -> pkg (a->b); pkg -> util (d->e); util -> "" (e->a); util -> pkg (f->c)
    assert analysis.packages == (
        PackageMetrics("", 2, 45, ca=1, ce=1, instability=0.5),
        PackageMetrics("pkg", 3, 110, ca=2, ce=1, instability=0.333333),
        PackageMetrics("util", 2, 45, ca=1, ce=2, instability=0.666667),
    )


def test_externals(analysis):
    assert analysis.externals == (ExternalUse("attrs", ("pkg/b.py",)), ExternalUse("requests", ("a.py", "util/f.py")))


def test_pagerank_matches_networkx_reference(analysis):
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    reference = nx.DiGraph()
    reference.add_nodes_from(FILES)
    for d in DEPS:
        w = (
            reference.edges[d.source, d.target]["weight"] + d.weight
            if reference.has_edge(d.source, d.target)
            else d.weight
        )
        reference.add_edge(d.source, d.target, weight=w)
    expected = _pagerank_python(reference, weight="weight")
    assert dict(analysis.pagerank) == pytest.approx(expected, abs=2e-6)
    scores = [s for _, s in analysis.pagerank]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0, abs=1e-5)


def test_analysis_is_deterministic_and_hashable():
    first = analyze_graph(make_graph(FILES, DEPS), seed=3)
    second = analyze_graph(make_graph(dict(reversed(FILES.items())), list(reversed(DEPS))), seed=3)
    assert first == second
    assert hash(first) == hash(second)


# --- pagerank and hotspots on a two-file graph -------------------------------


def test_pagerank_and_hotspots_by_hand():
    """x -> y.  With alpha=0.85 and y dangling: x = 0.075 + 0.425 y, y = 0.075 + 0.85 x + 0.425 y,
    so y = 0.13875 / 0.21375 = 0.649123 and x = 0.350877."""
    graph = make_graph({"x.py": 100, "y.py": 50}, [dep("x.py", "y.py")])
    plain = analyze_graph(graph)
    assert [p for p, _ in plain.pagerank] == ["y.py", "x.py"]
    assert dict(plain.pagerank) == pytest.approx({"x.py": 0.350877, "y.py": 0.649123}, abs=2e-6)
    # score = loc/max_loc * pr/max_pr: x = 1 * 0.350877/0.649123 = 0.540541, y = 0.5 * 1
    assert [(h.path, h.score) for h in plain.hotspots] == [("x.py", pytest.approx(0.540541, abs=2e-6)), ("y.py", 0.5)]
    with_churn = analyze_graph(graph, churn={"y.py": 10, "other.py": 99})
    # y gets (1 + 10/10), x (1 + 0/10)
    assert with_churn.hotspots[0] == Hotspot("y.py", 1.0, 50, with_churn.hotspots[0].pagerank, 10)
    assert with_churn.hotspots[1].path == "x.py"
    assert with_churn.hotspots[1].score == pytest.approx(0.540541, abs=2e-6)
    assert {m.path: m.churn for m in with_churn.files} == {"x.py": 0, "y.py": 10}


def test_hotspots_keep_the_top_twenty_with_positive_score():
    files = {f"m{i:02}.py": i for i in range(30)}  # m00.py has 0 LOC
    graph = make_graph(files, [dep(f"m{i:02}.py", "m00.py") for i in range(1, 30)])
    hotspots = analyze_graph(graph).hotspots
    # m01..m29 share one pagerank, so the score follows LOC; m00 scores 0 (no LOC)
    assert [h.path for h in hotspots] == [f"m{i:02}.py" for i in range(29, 9, -1)]
    assert [h.loc for h in hotspots] == list(range(29, 9, -1))


# --- communities ---------------------------------------------------------------


def _two_clusters() -> nx.DiGraph:
    """Two 4-cliques (alpha/, beta/) joined by one edge, plus an orphan."""
    files = {f"{d}/{n}.py": 10 for d in ("alpha", "beta") for n in "pqrs"}
    files["solo.py"] = 3
    deps = [
        dep(f"{d}/{a}.py", f"{d}/{b}.py", weight=3) for d in ("alpha", "beta") for a in "pqrs" for b in "pqrs" if a < b
    ]
    deps.append(dep("alpha/s.py", "beta/p.py", CALL))
    return make_graph(files, deps)


def test_communities_find_the_clusters_and_gather_orphans():
    analysis = analyze_graph(_two_clusters(), seed=0)
    assert analysis.communities == (
        Community(0, "alpha", ("alpha/p.py", "alpha/q.py", "alpha/r.py", "alpha/s.py")),
        Community(1, "beta", ("beta/p.py", "beta/q.py", "beta/r.py", "beta/s.py")),
        Community(2, UNASSIGNED, ("solo.py",)),
    )
    assert analysis.coupling == ((0, 1, 1),)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_communities_are_deterministic_across_runs(seed):
    runs = {analyze_graph(_two_clusters(), seed=seed).communities for _ in range(3)}
    assert len(runs) == 1


def test_community_names():
    """Three separate triangles: one spread over a/ and b/, one in b/, one at the root."""
    triangles = [("a/x.py", "b/y.py", "b/z.py"), ("b/t.py", "b/u.py", "b/v.py"), ("r1.py", "r2.py", "r3.py")]
    deps = [dep(t[i], t[(i + 1) % 3]) for t in triangles for i in range(3)]
    graph = make_graph({f: 1 for t in triangles for f in t}, deps)
    communities = analyze_graph(graph).communities
    # no common directory -> most common package; duplicate names get a suffix; "" is the root
    assert [(c.id, c.name, c.files) for c in communities] == [
        (0, "b", triangles[0]),
        (1, "b~2", triangles[1]),
        (2, "(root)", triangles[2]),
    ]


# --- property test -------------------------------------------------------------

NAMES = [f"{d}m{i}.py" for d in ("", "p/", "p/q/") for i in range(4)]
EDGE = st.tuples(
    st.sampled_from(NAMES),
    st.sampled_from(NAMES),
    st.sampled_from([IMPORT, CALL, INHERIT]),
    st.integers(1, 3),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(
    files=st.sets(st.sampled_from(NAMES), min_size=1),
    edges=st.lists(EDGE, max_size=40),
    churn=st.none() | st.dictionaries(st.sampled_from(NAMES), st.integers(0, 50)),
)
def test_random_graphs(files, edges, churn):
    deps = {
        (s, t, k): dep(s, t, k, 1, w, k == IMPORT and to)
        for s, t, k, w, to in edges
        if s in files and t in files and s != t
    }
    graph = make_graph({f: len(f) for f in sorted(files)}, list(deps.values()))
    analysis = analyze_graph(graph, churn=churn)

    assert [m.path for m in analysis.files] == sorted(files)
    assert sorted(f for _, group in analysis.layers for f in group) == sorted(files)
    assert all(m.layer >= 0 for m in analysis.files)
    assert sum(s for _, s in analysis.pagerank) == pytest.approx(1.0, abs=1e-4)

    runtime = nx.DiGraph((s, t) for s, t, d in graph.edges(data=True) if d.get(EDGE_RUNTIME_IMPORT))
    on_cycles = {n for cycle in nx.simple_cycles(runtime) for n in cycle}
    in_components = [n for c in analysis.cycles for n in c.nodes]
    assert sorted(in_components) == sorted(on_cycles)  # components partition the cyclic nodes
    layer = {m.path: m.layer for m in analysis.files}
    for c in analysis.cycles:
        ring = c.shortest
        assert set(ring) <= set(c.nodes) and len(set(ring)) == len(ring) >= 2
        assert all(runtime.has_edge(a, b) for a, b in zip(ring, ring[1:] + ring[:1]))
        girth = min(len(cy) for cy in nx.simple_cycles(runtime.subgraph(c.nodes)))
        assert len(ring) == girth
        assert len({layer[n] for n in c.nodes}) == 1
    for s, t in runtime.edges:  # an importer sits above what it imports, unless they share a cycle
        assert layer[s] > layer[t] or (
            layer[s] == layer[t] and any(s in c.nodes and t in c.nodes for c in analysis.cycles)
        )
    members = [f for c in analysis.communities for f in c.files]
    assert sorted(members) == sorted(files)
    assert analyze_graph(graph, churn=churn) == analysis
    assert all(0.0 <= p.instability <= 1.0 for p in analysis.packages)

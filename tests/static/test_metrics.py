"""Decomposition metrics and extraction order, on graphs built by build_graph and checked by hand."""

from __future__ import annotations

import pytest

from analyzer.domain import CALL, IMPORT, Dependency, ParsedFile, Resolution, SourceFile
from analyzer.static.graph import (
    DecompositionMetrics,
    ExtractionOrder,
    build_graph,
    decomposition_metrics,
    extraction_order,
)
from analyzer.static.metrics import community_names, normalized, pagerank, shortest_cycle


def make_graph(files: list[str], edges: list[tuple[str, str, int]]):
    parsed = [ParsedFile(SourceFile(f, "python", 1, "0" * 64), 1, (), (), ()) for f in files]
    deps = tuple(Dependency(s, t, CALL if i % 2 else IMPORT, 1, w) for i, (s, t, w) in enumerate(edges))
    return build_graph(parsed, Resolution(deps, (), ()))


# Boundaries A = {a1, a2}, B = {b1, b2, b3}, C = {c1}; edges with weights.
FILES = ["a1", "a2", "b1", "b2", "b3", "c1"]
EDGES = [
    ("a1", "a2", 2),
    ("a2", "b1", 3),
    ("b1", "b2", 3),
    ("b2", "b3", 1),
    ("b3", "b1", 1),
    ("c1", "b2", 2),
    ("b3", "a1", 1),
]
PARTITION = {"a1": "A", "a2": "A", "b1": "B", "b2": "B", "b3": "B", "c1": "C"}


def test_decomposition_metrics_by_hand():
    """
    SM:  mu = A 1, B 3, C 0 -> scoh = 1/4, 3/9, 0 -> mean 7/36.
         sigma_AB = 2 (a2->b1, b3->a1), sigma_BC = 1, sigma_AC = 0
         -> scop_AB = 2/(2*2*3) = 1/6, scop_BC = 1/(2*3*1) = 1/6 -> sum/3 = 1/9.
         SM = 7/36 - 4/36 = 1/12 = 0.083333.
    ICP: crossing weight 3 + 2 + 1 = 6 of total 13 = 0.461538.
    IFN: A exposes a1, B exposes b1 and b2, C nothing -> (1 + 2 + 0) / 3 = 1.0.
    NED: every boundary has < 5 files -> 1 - 0/6 = 1.0.
    """
    metrics = decomposition_metrics(make_graph(FILES, EDGES), PARTITION)
    assert metrics == DecompositionMetrics(sm=0.083333, icp=0.461538, ifn=1.0, ned=1.0)


def test_ned_counts_boundaries_of_five_to_twenty_files():
    files = [f"f{i}" for i in range(27)]
    # sizes 5 (non-extreme), 20 (non-extreme), 1 and 1 (extreme): NED = 1 - 25/27 = 0.074074
    partition = {f: ("small" if i < 5 else "big" if i < 25 else f"tiny{i}") for i, f in enumerate(files)}
    metrics = decomposition_metrics(make_graph(files, []), partition)
    assert metrics.ned == 0.074074
    assert metrics.icp == 0.0  # no edges at all


def test_single_boundary_has_no_coupling_term():
    """One boundary holding a1 -> a2 -> a3: SM = mu/N^2 = 2/9, no crossing edge, no interface."""
    metrics = decomposition_metrics(
        make_graph(["a1", "a2", "a3"], [("a1", "a2", 1), ("a2", "a3", 4)]), {"a1": "A", "a2": "A", "a3": "A"}
    )
    assert metrics == DecompositionMetrics(sm=0.222222, icp=0.0, ifn=0.0, ned=1.0)


def test_files_outside_the_partition_are_ignored():
    graph = make_graph(FILES + ["z"], EDGES + [("z", "a1", 9), ("a1", "z", 9)])
    assert decomposition_metrics(graph, PARTITION) == decomposition_metrics(make_graph(FILES, EDGES), PARTITION)
    assert decomposition_metrics(graph, {}) == DecompositionMetrics(0.0, 0.0, 0.0, 0.0)


def test_extraction_order_breaks_the_lightest_cycle_edge():
    """A -> B weighs 3 (a2->b1), B -> A weighs 1 (b3->a1), C -> B weighs 2.
    Dropping B -> A leaves B a leaf; then A and C depend only on B."""
    result = extraction_order(make_graph(FILES, EDGES), PARTITION)
    assert result == ExtractionOrder(order=("B", "A", "C"), broken_edges=(("B", "A", 1),))


def test_extraction_order_without_cycles_lists_every_boundary():
    """X -> Y -> Z, plus W with no file in the graph: leaves first, ties by name."""
    graph = make_graph(["x", "y", "z"], [("x", "y", 1), ("y", "z", 1)])
    result = extraction_order(graph, {"x": "X", "y": "Y", "z": "Z", "gone": "W"})
    assert result == ExtractionOrder(order=("W", "Z", "Y", "X"), broken_edges=())


def test_extraction_order_breaks_a_three_way_cycle_once():
    """P -> Q (5), Q -> R (2), R -> P (4): dropping Q -> R leaves R -> P -> Q,
    so Q (no remaining dependency) comes first, then P, then R."""
    graph = make_graph(["p", "q", "r"], [("p", "q", 5), ("q", "r", 2), ("r", "p", 4)])
    result = extraction_order(graph, {"p": "P", "q": "Q", "r": "R"})
    assert result == ExtractionOrder(order=("Q", "P", "R"), broken_edges=(("Q", "R", 2),))


def test_shortest_cycle_prefers_the_smallest_start_on_a_shortest_cycle():
    succ = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["c"]}
    assert shortest_cycle(succ, succ) == ("c", "d")
    assert shortest_cycle(["a", "b"], {"a": ["b"], "b": []}) == ()


def test_pagerank_and_normalized_edge_cases():
    assert pagerank([], []) == {}
    assert pagerank(["x"], []) == {"x": 1.0}
    ranks = pagerank(["x", "y", "z"], [("x", "y", 1.0), ("y", "z", 1.0), ("z", "x", 1.0)])
    assert ranks == pytest.approx({"x": 1 / 3, "y": 1 / 3, "z": 1 / 3})
    assert normalized({"a": 2.0, "b": 4.0}) == {"a": 0.5, "b": 1.0}
    assert normalized({"a": 0.0}) == {"a": 0.0}


def test_community_names_prefer_the_dominant_package_over_a_numbered_common_one():
    """Ghost's candidate boundaries were core~2 ... core~8: groups sharing a common directory are
    named by their most common package; only names still shared are numbered."""
    groups = [
        ["core/server/api", "core/server/api", "core/shared"],  # common "core" -> core/server/api
        ["core/server/models", "core/frontend", "core/server/models"],  # common "core" -> core/server/models
        ["lib/a", "lib/a"],  # unique: its common directory
        ["core", "core/x"],  # common "core", dominant "core"
        ["b", "a"],
        ["a", "b"],  # ties: the first name in order
    ]
    assert community_names(groups) == ["core/server/api", "core/server/models", "lib/a", "core", "a", "a~2"]

"""Property tests: write_context -> read_context over random graphs and budgets.

For every random graph and budget the context either fits (tokens <= budget,
what it shows equals the graph restricted to the listed files at the levels the
coverage line states, the rolled-up summaries account for everything else) or
the error says the directories-only form is larger than the budget.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.context.read import BEGIN, END, ContextGraph, read_context
from analyzer.context.write import graph_to_context_graph, write_context
from analyzer.domain import (
    EDGE_KINDS,
    EDGE_LINES,
    EDGE_TYPE_ONLY,
    EDGE_WEIGHT,
    NODE_EXTERNAL,
    NODE_FILE,
    NODE_KIND,
    NODE_LANGUAGE,
    NODE_LOC,
    NODE_PACKAGE,
    NODE_SYMBOLS,
    Symbol,
)
from analyzer.errors import ContextOverflowError

NASTY_TEXT = st.one_of(
    st.text(min_size=1, max_size=8),
    st.sampled_from([BEGIN, END, "-> f1 i@2", "a b", "x\ny", "%2E", ".", "^p", "## p1", "\u2028", "日本"]),
)
SEGMENT = NASTY_TEXT.filter(lambda s: "/" not in s and s not in (".", ".."))
KINDS = ["import", "call", "inherit", "type"]  # "type": a kind without a short code
SYMBOL_KINDS = ["class", "function", "method", "module", "constant", "odd kind"]


def count_bytes(text: str) -> int:
    return len(text.encode("utf-8")) // 4 + 1


def count_words(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


@st.composite
def graphs(draw: st.DrawFn) -> tuple[nx.DiGraph, dict[str, float]]:
    dirs = draw(st.lists(SEGMENT, max_size=3, unique=True)) + [""]
    names = draw(st.lists(SEGMENT, min_size=3, max_size=16, unique=True))
    g = nx.DiGraph()
    paths = []
    for name in names:
        directory = draw(st.sampled_from(dirs))
        path = f"{directory}/{name}" if directory else name
        paths.append(path)
        symbols = draw(
            st.lists(
                st.tuples(
                    NASTY_TEXT | st.just(""),
                    st.sampled_from(SYMBOL_KINDS),
                    st.integers(0, 400),
                    NASTY_TEXT | st.just(""),
                ),
                max_size=4,
            )
        )
        syms = tuple(sorted((Symbol(n, k, path, line, p) for n, k, line, p in symbols), key=Symbol.sort_key))
        g.add_node(
            path,
            **{
                NODE_KIND: NODE_FILE,
                NODE_LANGUAGE: draw(st.sampled_from(["python", "c++", "go x"])),
                NODE_LOC: draw(st.integers(0, 999)),
                NODE_PACKAGE: directory,
                NODE_SYMBOLS: syms,
            },
        )
    for _ in range(draw(st.integers(0, 2 * len(paths)))):
        s, t = draw(st.sampled_from(paths)), draw(st.sampled_from(paths))
        kinds = draw(st.dictionaries(st.sampled_from(KINDS), st.integers(1, 9), min_size=1))
        lines = {k: draw(st.integers(1, 300)) for k in kinds if draw(st.booleans())}
        g.add_edge(
            s,
            t,
            **{
                EDGE_KINDS: kinds,
                EDGE_LINES: lines,
                EDGE_WEIGHT: sum(kinds.values()),
                EDGE_TYPE_ONLY: draw(st.booleans()),
            },
        )
    for _ in range(draw(st.integers(0, len(paths)))):
        ext = "ext:" + draw(NASTY_TEXT)
        g.add_node(ext, **{NODE_KIND: NODE_EXTERNAL})
        kinds = {"import": draw(st.integers(1, 5))}
        lines = {"import": draw(st.integers(1, 50))}
        g.add_edge(draw(st.sampled_from(paths)), ext, **{EDGE_KINDS: kinds, EDGE_LINES: lines})
    ranks = {p: draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]) | st.floats(0, 1)) for p in paths}
    return g, ranks


def rank_order(g: nx.DiGraph, ranks: dict[str, float]) -> list[str]:
    files = [p for p, a in g.nodes(data=True) if a[NODE_KIND] == NODE_FILE]
    return sorted(files, key=lambda p: (-ranks.get(p, 0.0), p))


def check_context(g: nx.DiGraph, ranks: dict[str, float], budget: int, count: Callable[[str], int]) -> None:
    try:
        ctx = write_context(g, ranks, budget, count, header_facts=["repo: " + BEGIN])
    except ContextOverflowError as e:
        assert e.limit == budget and e.tokens > budget
        return
    assert ctx.tokens <= budget and count(ctx.text) == ctx.tokens
    read = read_context(ctx.text)
    whole = graph_to_context_graph(g)
    cov = ctx.coverage
    order = rank_order(g, ranks)
    assert read.header.coverage == cov and read.header.facts == ("repo: " + BEGIN,)
    assert set(read.listed) == set(order[: cov.files_listed])
    assert set(read.detailed) == set(order[: cov.files_full])
    assert set(read.kinds_files) == set(order[: cov.files_kinds])
    assert read.lines_files <= set(order[: cov.files_lines])
    lines = order[: cov.files_lines]
    assert read.restrict(read.listed, read.detailed, kinds=read.kinds_files, lines=lines) == whole.restrict(
        read.listed, read.detailed, kinds=read.kinds_files, lines=lines
    )
    assert_rollups_account_for_the_rest(read, whole, cov.rollup_depth)


def group_of(package: str, depth: int) -> str:
    return "/".join(package.split("/")[:depth]) if package else ""


def assert_rollups_account_for_the_rest(read: ContextGraph, whole: ContextGraph, depth: int) -> None:
    listed = read.listed
    rest = [f for f in whole.files if f.path not in listed]
    assert (depth >= 0) == bool(rest)
    rolled = {p.name: p for p in read.packages}
    group = {f.path: group_of(f.package, depth) for f in rest}
    assert set(rolled) == set(group.values())
    for name, package in rolled.items():
        mine = [f for f in rest if group[f.path] == name]
        assert (package.files, package.loc, package.symbols) == (
            len(mine),
            sum(f.loc for f in mine),
            sum(f.symbol_count for f in mine),
        )
        assert package.tree == any(f.package != name for f in mine)

    def end(path: str) -> tuple[str, bool]:
        return (path, False) if path in listed else (group[path], True)

    kinds = read.kinds_files
    expected_edges: Counter = Counter()
    for e in whole.edges:
        if e.source not in listed or e.target not in listed:
            if e.source in listed and e.source not in kinds:  # names level: the pair only
                expected_edges[(*end(e.source), *end(e.target), "")] = 0
            else:
                expected_edges[(*end(e.source), *end(e.target), e.kind)] += e.weight
    rolled_edges: Counter = Counter()
    for r in read.rolled_edges:
        rolled_edges[(r.source, r.source_rolled, r.target, r.target_rolled, r.kind)] += r.weight
    assert rolled_edges == expected_edges
    # nothing is lost: every pair is named or summed, and summed weights equal the graph's, per kind
    pairs = {(e.source, e.target) for e in whole.edges}
    named = {(e.source, e.target) for e in read.edges}
    assert named == {(s, t) for s, t in pairs if s in listed and t in listed}
    summed = {(r.source, r.target) for r in read.rolled_edges}
    assert summed == {(end(s)[0], end(t)[0]) for s, t in pairs if s not in listed or t not in listed}
    rolled_sources = Counter()
    for e in whole.edges:
        if e.source not in listed:
            rolled_sources[e.kind] += e.weight
    assert _kind_totals(r for r in read.rolled_edges if r.source_rolled) == rolled_sources


def _kind_totals(items) -> Counter:
    totals: Counter = Counter()
    for item in items:
        totals[item.kind] += item.weight
    return totals


def packages_only_tokens(g: nx.DiGraph, ranks: dict[str, float], count: Callable[[str], int]) -> int:
    """Size of the most rolled-up form, as the overflow error reports it."""
    try:
        write_context(g, ranks, 0, count)
    except ContextOverflowError as e:
        return e.tokens
    raise AssertionError("a zero budget fitted")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.floats(-0.1, 1.1), st.sampled_from([count_bytes, count_words]))
def test_any_budget_fits_and_reads_back(
    case: tuple[nx.DiGraph, dict[str, float]], share: float, count: Callable[[str], int]
) -> None:
    g, ranks = case
    full = write_context(g, ranks, 10**6, count)
    read = read_context(full.text)
    assert full.coverage.is_complete
    assert read.restrict(read.listed, read.detailed) == graph_to_context_graph(g)
    assert "# dropped: nothing" in full.text
    low = packages_only_tokens(g, ranks, count)
    check_context(g, ranks, max(0, int(low + (full.tokens - low) * share)), count)


@settings(max_examples=30, deadline=None)
@given(graphs())
def test_same_graph_same_bytes(case: tuple[nx.DiGraph, dict[str, float]]) -> None:
    g, ranks = case
    copy = nx.DiGraph()
    copy.add_nodes_from(reversed(list(g.nodes(data=True))))
    copy.add_edges_from(reversed(list(g.edges(data=True))))
    budget = write_context(g, ranks, 10**6, count_bytes).tokens * 3 // 4
    try:
        a = write_context(g, ranks, budget, count_bytes).text
    except ContextOverflowError:
        return
    assert a == write_context(copy, dict(reversed(list(ranks.items()))), budget, count_bytes).text

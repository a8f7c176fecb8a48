"""write_context: format, budgets, coverage, degradation order, escaping, determinism."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer.context.read import (
    BEGIN,
    END,
    ContextFormatError,
    escape_name,
    escape_text,
    read_context,
    unescape_name,
    unescape_text,
)
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


def count_bytes(text: str) -> int:
    return len(text.encode("utf-8")) // 4 + 1


def count_words(text: str) -> int:
    return len(re.findall(r"\w+|[^\w\s]", text))


COUNTERS = pytest.mark.parametrize("count", [count_bytes, count_words], ids=["bytes", "words"])


def add_file(
    g: nx.DiGraph, path: str, symbols: list[tuple[str, str, int, str]] = (), loc: int = 10, language: str = "python"
) -> None:
    package = path.rsplit("/", 1)[0] if "/" in path else ""
    syms = tuple(sorted((Symbol(n, k, path, line, parent) for n, k, line, parent in symbols), key=Symbol.sort_key))
    g.add_node(
        path,
        **{NODE_KIND: NODE_FILE, NODE_LANGUAGE: language, NODE_LOC: loc, NODE_PACKAGE: package, NODE_SYMBOLS: syms},
    )


def add_edge(
    g: nx.DiGraph, s: str, t: str, kinds: dict[str, int], lines: dict[str, int], type_only: bool = False
) -> None:
    g.add_edge(
        s, t, **{EDGE_KINDS: kinds, EDGE_LINES: lines, EDGE_WEIGHT: sum(kinds.values()), EDGE_TYPE_ONLY: type_only}
    )


def add_external(g: nx.DiGraph, s: str, package: str, n: int, line: int) -> None:
    g.add_node("ext:" + package, **{NODE_KIND: NODE_EXTERNAL})
    g.add_edge(s, "ext:" + package, **{EDGE_KINDS: {"import": n}, EDGE_LINES: {"import": line}})


def pagerank(g: nx.DiGraph) -> dict[str, float]:
    """A tiny power-iteration PageRank over file->file edges (our own, not graph.py's)."""
    files = sorted(p for p, a in g.nodes(data=True) if a[NODE_KIND] == NODE_FILE)
    rank = {p: 1 / len(files) for p in files}
    for _ in range(30):
        new = {p: 0.15 / len(files) for p in files}
        for p in files:
            targets = [t for t in g.successors(p) if t in rank]
            for t in targets:
                new[t] += 0.85 * rank[p] / len(targets)
        rank = new
    return rank


NASTY = [
    "plain",
    "with space",
    "ünïcødé/日本語",
    "new\nline",
    "tab\tand\rcr",
    BEGIN,
    END,
    "a -> f1 i@3",
    "%41%-",
    "",
    ".",
    "^caret",
    "## p1 x",
    "\u2028sep\x85nel",
    "{brace},@",
]


def nasty_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    paths = []
    for i, name in enumerate(NASTY):
        directory = ["", "pkg one", "<<<REPOSITORY-CONTEXT", "x\ny/z"][i % 4]
        path = f"{directory}/{name or 'e'}{i}.py" if directory else f"{name or 'e'}{i}.py"
        paths.append(path)
        add_file(
            g,
            path,
            [(name, "class", 1, ""), (f"m{i}", "method", 2, name), (name + "2", "weird kind", 3, "")],
            loc=i,
            language=["python", "c++", "objective c"][i % 3],
        )
    for i, s in enumerate(paths):
        t = paths[(i * 7 + 3) % len(paths)]
        if t != s:
            add_edge(g, s, t, {"import": 1, "call": i + 1}, {"import": i + 1, "call": 2 * i + 1}, type_only=i % 5 == 0)
        add_external(g, s, NASTY[(i + 2) % len(NASTY)] or "empty", i + 1, i + 2)
    add_edge(g, paths[0], paths[1], {"inherit": 2, "strange{,@}": 1}, {"inherit": 9})
    return g


def layered_graph(n_files: int = 40, seed: int = 3) -> nx.DiGraph:
    rnd = random.Random(seed)
    g = nx.DiGraph()
    paths = [f"pkg{i % 5}/mod{i}.py" for i in range(n_files)]
    for i, p in enumerate(paths):
        add_file(g, p, [(f"name{j}", ["class", "function", "method"][j % 3], j + 1, "") for j in range(5)], loc=10 + i)
    for i, p in enumerate(paths):
        for _ in range(3):
            t = paths[rnd.randrange(max(1, i // 2 + 1))]
            if t != p:
                add_edge(g, p, t, {"import": 1, "call": rnd.randint(1, 4)}, {"import": 1, "call": rnd.randint(2, 90)})
        if i % 4 == 0:
            add_external(g, p, f"lib{i % 3}", 1, 1)
    return g


# --- round trip / format -----------------------------------------------------------


@COUNTERS
def test_full_budget_round_trips_nasty_names_exactly(count: Callable[[str], int]) -> None:
    g = nasty_graph()
    ctx = write_context(g, pagerank(g), 10**6, count)
    assert ctx.coverage.is_complete
    read = read_context(ctx.text)
    assert read.restrict(read.listed, read.detailed) == graph_to_context_graph(g)
    assert read.packages == () and read.rolled_edges == ()
    assert "# dropped: nothing" in ctx.text


def test_nasty_names_cannot_break_the_format() -> None:
    g = nasty_graph()
    ctx = write_context(g, pagerank(g), 10**6, count_bytes, header_facts=[f"cycle {BEGIN}\n{END} a -> b"])
    lines = ctx.text.split("\n")
    assert lines[0] == BEGIN and lines[-2] == END and lines[-1] == ""
    assert ctx.text.count("<<<") == 1 and ctx.text.count(">>>") == 1
    assert len(ctx.text.splitlines()) == len(lines) - 1  # no hidden line breaks (U+2028, NEL, CR...)
    body = lines[1:-2]
    assert all(not line.startswith("  -> ") or re.fullmatch(r"  -> f\d+ \S+( type-only)?", line) for line in body)
    assert read_context(ctx.text).header.facts == (f"cycle {BEGIN}\n{END} a -> b",)
    assert "a -> b" in ctx.text  # free text stays readable


@given(st.text())
def test_escape_name_is_reversible_and_token_safe(value: str) -> None:
    token = escape_name(value)
    assert unescape_name(token) == value
    assert token and not re.search(r"[\s<>]", token) and token != "."
    assert len(token.splitlines()) == 1


@given(st.text())
def test_escape_text_is_reversible_and_one_line(value: str) -> None:
    text = escape_text(value)
    assert unescape_text(text) == value
    assert "<<" not in text and ">>" not in text and len(text.splitlines()) <= 1


def example_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    add_file(g, "app/core.py", [("Engine", "class", 3, ""), ("run", "method", 10, "Engine")], loc=120)
    add_file(g, "app/util.py", [("helper", "function", 2, "")], loc=40)
    add_file(g, "cli.py", [("main", "function", 5, "")], loc=30)
    add_edge(g, "cli.py", "app/core.py", {"import": 1, "call": 3}, {"import": 1, "call": 6}, type_only=True)
    add_edge(g, "app/util.py", "app/core.py", {"import": 1}, {"import": 1})
    add_external(g, "app/core.py", "requests", 2, 1)
    return g


EXAMPLE_RANKS = {"app/core.py": 0.7, "cli.py": 0.3, "app/util.py": 0.1}


def count_body(text: str) -> int:
    """Bytes of the body only: legend lines come and go with the levels, this keeps the ladder monotone."""
    return count_bytes("\n".join(line for line in text.split("\n") if not line.startswith("# ")))


def body_of(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[next(i for i, line in enumerate(lines) if line.startswith("## ")) :]


def test_example_shape_at_every_level() -> None:
    g = example_graph()
    ctx = write_context(g, EXAMPLE_RANKS, 10**6, count_bytes, header_facts=["lang: python"])
    assert body_of(ctx.text) == [
        "## app",
        "f1 app/core.py python loc=120",
        "  C3 Engine",
        "  M10 run ^Engine",
        "  x requests i2@1",
        "app/util.py python loc=40",
        "  F2 helper",
        "  -> f1 i@1",
        "## .",
        "cli.py python loc=30",
        "  F5 main",
        "  -> f1 i@1,c3@6 type-only",
        END,
        "",
    ]
    assert f"# tokens: {ctx.tokens} used of {10**6} budget" in ctx.text.split("\n")
    assert "# fact: lang: python" in ctx.text.split("\n")
    # every file and edge named, detail dropped in the documented order: symbols, lines, kinds
    seen = {}
    for budget in range(count_body(ctx.text), 0, -1):
        try:
            small = write_context(g, EXAMPLE_RANKS, budget, count_body)
        except ContextOverflowError:
            break
        c = small.coverage
        seen.setdefault((c.files_listed, c.files_kinds, c.files_lines, c.files_full), body_of(small.text))
    assert seen[(3, 3, 3, 2)][5:8] == ["app/util.py python loc=40 syms=1", "  -> f1 i@1", "## ."]
    assert seen[(3, 3, 1, 0)][1:] == [
        "f1 app/core.py python loc=120 syms=2",
        "  x requests i2@1",
        "app/util.py python loc=40 syms=1",
        "  -> f1 i",
        "## .",
        "cli.py python loc=30 syms=1",
        "  -> f1 i,c3 type-only",
        END,
        "",
    ]
    assert seen[(3, 2, 0, 0)][1:6] == [
        "f1 app/core.py python loc=120 syms=2",
        "  x requests i2",
        "util.py -> f1",
        "## .",
        "cli.py python loc=30 syms=1",
    ]
    # names only: a section whose names share an extension states it once
    assert seen[(3, 0, 0, 0)] == ["## app *.py", "f1 core", "util -> f1", "## .", "cli.py -> f1", END, ""]
    levels = sorted(seen)
    assert all(a[0] <= b[0] for a, b in zip(levels, levels[1:]))  # rolling up comes last
    assert all(c[0] == 3 for c in levels if c[1])  # no kinds before every file is named


def test_rolled_up_summaries_by_directory_depth() -> None:
    g = example_graph()
    for i in range(40):  # many low-ranked test files: rolling them up is cheaper than naming them
        path = f"tests/unit/case_with_a_long_name_{i:02}.py"
        add_file(g, path, [("test_it", "function", 3, "")], loc=20)
        add_edge(g, path, "app/core.py", {"import": 1, "call": 2}, {"import": 1, "call": 4})
        add_edge(g, path, "app/util.py", {"import": 1}, {"import": 2})
    ranks = dict(EXAMPLE_RANKS)
    names = write_context(g, ranks, 10**6, count_body)
    shapes = {}
    for budget in range(count_body(names.text), 0, -3):
        try:
            ctx = write_context(g, ranks, budget, count_body)
        except ContextOverflowError:
            break
        shapes.setdefault((ctx.coverage.files_listed, ctx.coverage.rollup_depth), body_of(ctx.text))
    rolled = {k: v for k, v in shapes.items() if k[0] < 43}
    assert rolled, shapes.keys()
    for (listed, depth), body in rolled.items():
        assert depth >= 0
        read = read_context(BEGIN + "\n" + "\n".join(body))
        assert sum(p.files for p in read.packages) == 43 - listed
    assert shapes[(0, 0)] == ["## p1 .", "  ~ rolled tree files=43 loc=990 syms=44", "  ~> p1 i82,c83", END, ""]
    assert shapes[(3, 0)][-6:-1] == [
        "cli.py -> f1",
        "  ~ rolled tree files=40 loc=800 syms=40",
        "  ~> f1 i40,c80",
        "  ~> f2 i40",
        END,
    ]
    deep = [body for (listed, depth), body in rolled.items() if depth == 2]
    assert deep and all(
        any(line.split(" *")[0] == "## p1 tests/unit" for line in body) and "  ~ rolled tree" not in "\n".join(body)
        for body in deep
    )
    assert max(k[0] for k in rolled if k[1] == 2) > max(k[0] for k in rolled if k[1] == 0)


def test_dropped_line_says_what_is_missing() -> None:
    g = example_graph()
    full = write_context(g, EXAMPLE_RANKS, 10**6, count_bytes).tokens
    for budget in range(full - 1, 0, -7):
        try:
            ctx = write_context(g, EXAMPLE_RANKS, budget, count_bytes)
        except ContextOverflowError:
            break
        c = ctx.coverage
        dropped = next(line for line in ctx.text.split("\n") if line.startswith("# dropped: "))
        assert (f"symbols of {c.files_listed - c.files_full} files" in dropped) == (c.files_full < c.files_listed)
        assert (f"first lines of {c.files_listed - c.files_lines} files" in dropped) == (c.files_lines < c.files_listed)
        assert ("externals of" in dropped) == (c.files_kinds < c.files_listed)
        assert (f"{3 - c.files_listed} files rolled up" in dropped) == (c.files_listed < 3)


def test_surrounding_prompt_text_is_ignored_and_bad_text_is_rejected() -> None:
    g = layered_graph(6)
    ctx = write_context(g, pagerank(g), 10**6, count_bytes)
    assert read_context("You are an architect.\n" + ctx.text + "\nAnswer:") == read_context(ctx.text)
    with pytest.raises(ContextFormatError):
        read_context("no delimiters here")
    with pytest.raises(ContextFormatError):
        read_context(ctx.text.replace("\nf1 ", "\nf1x ", 1))


# --- budgets, coverage, degradation -------------------------------------------------


@COUNTERS
def test_budget_sweep_never_exceeds_and_degrades_in_order(count: Callable[[str], int]) -> None:
    g = layered_graph()
    ranks = pagerank(g)
    order = sorted(ranks, key=lambda p: (-ranks[p], p))
    whole = graph_to_context_graph(g)
    full = write_context(g, ranks, 10**6, count).tokens
    seen_levels = set()
    for budget in range(full + 5, 0, -max(1, full // 80)):
        try:
            ctx = write_context(g, ranks, budget, count)
        except ContextOverflowError as e:
            assert e.limit == budget and e.tokens > budget
            break
        assert ctx.tokens <= budget and count(ctx.text) == ctx.tokens and ctx.budget == budget
        read = read_context(ctx.text)
        cov = ctx.coverage
        assert read.header.coverage == cov and read.header.tokens == ctx.tokens
        assert sorted(read.listed) == sorted(order[: cov.files_listed])
        assert sorted(read.detailed) == sorted(order[: cov.files_full])
        assert sorted(read.kinds_files) == sorted(order[: cov.files_kinds])
        assert read.lines_files <= set(order[: cov.files_lines])
        assert cov.files_full <= cov.files_lines <= cov.files_kinds <= cov.files_listed
        if cov.files_kinds:  # detail is added only once every file is named
            assert cov.files_listed == len(order) and cov.edges_full == cov.edges_total
        kinds, lines = read.kinds_files, set(order[: cov.files_lines])
        assert read.restrict(read.listed, read.detailed, kinds=kinds, lines=lines) == whole.restrict(
            read.listed, read.detailed, kinds=kinds, lines=lines
        )
        seen_levels.add((cov.files_listed == len(order), cov.files_kinds > 0, cov.files_full == len(order)))
    else:
        pytest.fail("no budget was small enough to overflow")
    assert seen_levels == {(True, True, True), (True, True, False), (True, False, False), (False, False, False)}


def test_coverage_numbers_match_the_text() -> None:
    g = layered_graph()
    ranks = pagerank(g)
    full = write_context(g, ranks, 10**6, count_bytes)
    ctx = write_context(g, ranks, full.tokens * 4 // 5, count_bytes)
    read = read_context(ctx.text)
    cov = ctx.coverage
    whole = graph_to_context_graph(g)
    assert (cov.files_total, cov.symbols_total) == (len(whole.files), len(whole.symbols))
    assert cov.edges_total == len({(e.source, e.target) for e in whole.edges})
    assert cov.files_full == len(read.detailed) and cov.files_listed == len(read.files)
    assert cov.symbols_full == len(read.symbols)
    assert cov.edges_full == len({(e.source, e.target) for e in read.edges})
    assert cov.rolled_up_packages == tuple(p.name for p in read.packages)
    assert 0 < cov.files_share < 1 and math.isclose(cov.files_share, cov.files_full / cov.files_total)
    assert f"{cov.files_full} ({100 * cov.files_full // cov.files_total}%) with symbols" in ctx.text
    assert f"{cov.files_kinds} with kinds, {cov.files_lines} with lines" in ctx.text


def test_overflow_when_packages_only_does_not_fit() -> None:
    g = layered_graph(10)
    for budget in (0, 1, 50):
        with pytest.raises(ContextOverflowError) as info:
            write_context(g, pagerank(g), budget, count_bytes)
        assert info.value.limit == budget and info.value.tokens > budget


def test_token_counting_is_logarithmic() -> None:
    g = layered_graph(400)
    ranks = pagerank(g)
    calls: list[int] = []

    def counting(text: str) -> int:
        calls.append(1)
        return count_bytes(text)

    full = write_context(g, ranks, 10**7, count_bytes).tokens
    for budget in (full // 3, full // 2, full - 10):
        calls.clear()
        ctx = write_context(g, ranks, budget, counting)
        assert ctx.tokens <= budget
        assert len(calls) <= 2 * math.ceil(math.log2(800)) + 8


def test_same_graph_gives_identical_text() -> None:
    first = nasty_graph()
    second = nx.DiGraph()
    nodes = list(first.nodes(data=True))
    random.Random(1).shuffle(nodes)
    second.add_nodes_from(nodes)
    edges = list(first.edges(data=True))
    random.Random(2).shuffle(edges)
    second.add_edges_from(edges)
    ranks = pagerank(first)
    shuffled_ranks = dict(sorted(ranks.items(), reverse=True))
    for budget in (10**6, 2000, 1200):
        a = write_context(first, ranks, budget, count_bytes)
        b = write_context(second, shuffled_ranks, budget, count_bytes)
        assert a.text == b.text and a == b


def test_ties_and_missing_ranks_order_by_path() -> None:
    g = layered_graph(8)
    ctx = write_context(g, {}, 10**6, count_bytes)
    heads = re.findall(r"^f(\d+) (\S+) ", ctx.text, flags=re.M)
    by_key = [path for _, path in sorted(heads, key=lambda h: int(h[0]))]
    assert by_key == sorted(by_key)


def test_graph_to_context_graph_ignores_other_node_kinds() -> None:
    g = layered_graph(4)
    g.add_node("package:pkg0", **{NODE_KIND: "package"})
    g.add_edge("pkg0/mod0.py", "package:pkg0")
    ctx = write_context(g, pagerank(g), 10**6, count_bytes)
    read = read_context(ctx.text)
    assert read.restrict(read.listed, read.detailed) == graph_to_context_graph(g)
    assert "package:" not in ctx.text


def test_a_tokenizer_that_charges_more_for_the_real_count_still_fits() -> None:
    """Search renders a placeholder count; if the real count tokenizes longer, the search tightens."""
    g = layered_graph()
    ranks = pagerank(g)
    full = write_context(g, ranks, 10**6, count_bytes).tokens
    for budget in (full // 2, full - 3, full + 2):

        def quirky(text: str, budget: int = budget) -> int:
            return count_bytes(text) + (0 if f"# tokens: {budget} used" in text else 7)

        ctx = write_context(g, ranks, budget, quirky)
        assert ctx.tokens == quirky(ctx.text) <= budget
        assert read_context(ctx.text).header.coverage == ctx.coverage


def _names_only(g: nx.DiGraph, count: Callable[[str], int]):
    """The context at the smallest budget that still names every file and edge (names level)."""
    full = write_context(g, pagerank(g), 10**6, count)
    best = None
    for budget in range(full.tokens, 0, -1):
        try:
            ctx = write_context(g, pagerank(g), budget, count)
        except ContextOverflowError:
            break
        if ctx.coverage.files_listed < ctx.coverage.files_total:
            break
        best = ctx
    assert best is not None and best.coverage.files_kinds == 0
    return best


def test_a_sections_shared_extension_is_stated_once_and_read_back() -> None:
    g = nx.DiGraph()
    paths = ["lib/x.py", "lib/y.py", "lib/z.tar.py", "keys/f12.py", "keys/a.py", "mix/a.py", "mix/b.ts", "one/c.py"]
    for p in paths:
        add_file(g, p)
    for s in paths[1:]:
        add_edge(g, s, "lib/x.py", {"import": 1}, {"import": 1})
    ctx = _names_only(g, count_bytes)
    sections = [line for line in ctx.text.split("\n") if line.startswith("## ")]
    assert "## lib *.py" in sections  # x, y and z.tar share .py
    assert "## keys" in sections  # "f12" alone would read as a key
    assert "## mix" in sections and "## one" in sections  # mixed extensions; one file saves nothing
    assert "z.tar -> f1" in ctx.text.split("\n")
    read = read_context(ctx.text)
    assert set(read.listed) == set(paths)
    assert {(e.source, e.target) for e in read.edges} == {(s, "lib/x.py") for s in paths[1:]}


def test_names_level_round_trips_nasty_names() -> None:
    g = nasty_graph()
    ctx = _names_only(g, count_bytes)
    read = read_context(ctx.text)
    files = sorted(p for p, a in g.nodes(data=True) if a[NODE_KIND] == NODE_FILE)
    assert sorted(read.listed) == files
    assert {(e.source, e.target) for e in read.edges} == {(s, t) for s, t in g.edges() if t in files}

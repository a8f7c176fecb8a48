"""Round trip of the repository context on real graphs, counted with the real SmolLM2 tokenizer.

Every fixture project and one real repository (the Flask sdist when ``bench/_work`` holds it,
else the analyzer's own package folder, which is always there) go through the real pipeline
(tree-sitter parse, networkx graph); the context is written at full detail and at smaller
budgets, read back, and compared with the graph restricted to what the coverage line says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT

from analyzer.config import Settings
from analyzer.context.read import read_context
from analyzer.context.write import graph_to_context_graph, write_context
from analyzer.errors import ContextOverflowError
from analyzer.model.llama import VocabTokenizer
from analyzer.pipeline import StaticAnalysis, analyze_static

REPO = ROOT
FIXTURES = sorted(p for p in (FIXTURES).glob("*/*") if p.is_dir() and not p.name.endswith(".expected"))
FLASK = REPO / "bench" / "_work" / "src" / "flask-3.1.3" / "flask-3.1.3"
REAL = FLASK if FLASK.is_dir() else REPO / "analyzer"
SHARES = (0.85, 0.6, 0.35, 0.15, 0.03, 0.0)


@pytest.fixture(scope="module")
def tokenizer(default_model_path: Path) -> Iterator[VocabTokenizer]:
    with VocabTokenizer(default_model_path) as t:
        yield t


def static_of(root: Path) -> StaticAnalysis:
    return analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))


def check_round_trips(static: StaticAnalysis, tokenizer: VocabTokenizer) -> set[tuple[bool, bool, bool]]:
    """Full detail round-trips exactly; smaller budgets equal the restricted graph. Returns the levels seen."""
    graph, ranks = static.graph, dict(static.analysis.pagerank)
    whole = graph_to_context_graph(graph)
    assert whole.files, "the project has no files"
    full = write_context(graph, ranks, 10**9, tokenizer.count_text)
    read = read_context(full.text)
    assert full.coverage.is_complete and full.tokens == tokenizer.count_text(full.text)
    assert read.restrict(read.listed, read.detailed) == whole
    assert read.packages == () and read.rolled_edges == ()
    with pytest.raises(ContextOverflowError) as info:
        write_context(graph, ranks, 0, tokenizer.count_text)
    floor = info.value.tokens + 8  # the coarsest (directories-only) form, stating a budget of more digits
    assert floor < full.tokens
    seen = set()
    for share in SHARES:  # budgets between the coarsest and the full form
        budget = floor + int((full.tokens - floor) * share)
        ctx = write_context(graph, ranks, budget, tokenizer.count_text)
        assert ctx.tokens == tokenizer.count_text(ctx.text) <= budget
        read = read_context(ctx.text)
        cov = ctx.coverage
        assert read.header.coverage == cov
        assert len(read.listed) == cov.files_listed and len(read.detailed) == cov.files_full
        assert len(read.kinds_files) == cov.files_kinds and len(read.lines_files) <= cov.files_lines
        # a kinds-level file whose edges have no first line reads back as kinds-only: both show the same
        lines = read.lines_files
        assert read.restrict(read.listed, read.detailed, kinds=read.kinds_files, lines=lines) == whole.restrict(
            read.listed, read.detailed, kinds=read.kinds_files, lines=lines
        )
        assert cov.edges_full == len({(e.source, e.target) for e in read.edges})
        assert sum(p.files for p in read.packages) == cov.files_total - cov.files_listed
        seen.add((cov.files_listed == cov.files_total, cov.files_kinds > 0, cov.files_full > 0))
    return seen


@pytest.mark.parametrize("root", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_every_fixture_round_trips(root: Path, tokenizer: VocabTokenizer) -> None:
    seen = check_round_trips(static_of(root), tokenizer)
    assert seen, "no smaller budget produced a context"


def test_real_repository_round_trips_at_every_level(tokenizer: VocabTokenizer) -> None:
    static = static_of(REAL)
    assert len(static.graph) > 20
    seen = check_round_trips(static, tokenizer)
    graph, ranks = static.graph, dict(static.analysis.pagerank)
    whole = graph_to_context_graph(graph)
    full = write_context(graph, ranks, 10**9, tokenizer.count_text).tokens
    # the names level and the rolled-up forms, below the shares above
    for budget in (full // 8, full // 16, full // 30):
        ctx = write_context(graph, ranks, budget, tokenizer.count_text)
        assert ctx.tokens == tokenizer.count_text(ctx.text) <= budget
        read = read_context(ctx.text)
        cov = ctx.coverage
        assert read.restrict(
            read.listed, read.detailed, kinds=read.kinds_files, lines=read.lines_files
        ) == whole.restrict(read.listed, read.detailed, kinds=read.kinds_files, lines=read.lines_files)
        seen.add((cov.files_listed == cov.files_total, cov.files_kinds > 0, cov.files_full > 0))
    assert (True, True, True) in seen  # symbols for the top files
    assert any(listed and not kinds for listed, kinds, _ in seen) or any(not listed for listed, _, _ in seen)

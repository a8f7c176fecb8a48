"""Exact graphs of the fixture monoliths: every edge, cycle and external, nothing missing, nothing extra.

Each ``fixtures/<family>/<case>/`` with a sibling ``<case>.expected/edges.txt``
is discovered, parsed with the real grammars, resolved and built into the
real networkx graph; the result must equal the hand-written expectations.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from helpers import FIXTURES

from analyzer.config import Settings
from analyzer.static.discover import discover_files
from analyzer.static.graph import analyze_graph, build_graph
from analyzer.static.parse import parse_files
from analyzer.static.resolve import resolve_dependencies

CASES = sorted(
    p.parent.parent / p.parent.name.removesuffix(".expected") for p in FIXTURES.glob("*/*.expected/edges.txt")
)


def _expected(case: Path, name: str) -> list[str]:
    path = case.parent / f"{case.name}.expected" / name
    if not path.exists():
        return []
    return sorted(line.strip() for line in path.read_text().splitlines() if line.strip())


def _assert_same(actual: list[str], expected: list[str], what: str) -> None:
    if actual != expected:
        diff = "\n".join(difflib.unified_diff(expected, actual, f"expected {what}", f"actual {what}", lineterm=""))
        pytest.fail(f"{what} differ:\n{diff}")


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    cache: dict[Path, tuple] = {}

    def run(case: Path):
        if case not in cache:
            settings = Settings(root=case, use_cache=False, jobs=1, use_git_history=False)
            found = discover_files(settings)
            parsed = parse_files(found.files, settings)
            resolution = resolve_dependencies(parsed, settings)
            graph = build_graph(parsed, resolution)
            cache[case] = (parsed, resolution, graph, analyze_graph(graph))
        return cache[case]

    return run


def test_every_language_family_has_a_fixture():
    families = {c.parent.name for c in CASES}
    assert {"python", "js", "java", "go", "rust", "c", "cpp", "csharp", "ruby", "php"} <= families


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_edges_exact(case, analyzed):
    _, resolution, _, _ = analyzed(case)
    actual = sorted({f"{d.source} -> {d.target} {d.kind}" for d in resolution.dependencies})
    _assert_same(actual, _expected(case, "edges.txt"), "edges")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_cycles_exact(case, analyzed):
    _, _, _, analysis = analyzed(case)
    actual = sorted(" ".join(c.nodes) for c in analysis.cycles)
    _assert_same(actual, _expected(case, "cycles.txt"), "cycles")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_externals_exact(case, analyzed):
    _, resolution, _, _ = analyzed(case)
    actual = sorted({f"{e.source} {e.package}" for e in resolution.externals})
    _assert_same(actual, _expected(case, "external.txt"), "externals")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_no_parse_errors_in_fixtures(case, analyzed):
    parsed, resolution, _, _ = analyzed(case)
    problems = [d for p in parsed for d in p.diagnostics if d.severity != "info"]
    assert problems == []
    assert resolution.diagnostics == ()


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_symbol_edges_name_definitions_of_their_target(case, analyzed):
    parsed, resolution, _, _ = analyzed(case)
    defined = {p.path: {s.name for s in p.symbols} | _typed_members(p) for p in parsed}
    for dep in resolution.dependencies:
        if dep.kind == "import":
            assert dep.symbols == ()
        else:
            assert dep.symbols, dep
            assert set(dep.symbols) <= defined[dep.target], dep


def _typed_members(p) -> set[str]:
    """The fields and properties a C# file declares (its type facts: the tags name no property)."""
    if p.source.language != "csharp" or not p.facts:
        return set()
    return {name for c in p.facts[1] for name, _ in c[3]}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_both_ways_of_linking_references_agree(case, analyzed, monkeypatch):
    """Symbol edges come out the same whether found from the visible files or from the definers."""
    from analyzer.static import resolve

    parsed, resolution, _, _ = analyzed(case)
    settings = Settings(root=case, use_cache=False, jobs=1, use_git_history=False)
    for always in (True, False):
        monkeypatch.setattr(resolve, "_from_definers", lambda count, n_visible, a=always: a)
        assert resolve_dependencies(parsed, settings) == resolution

"""The numbered facts: stable IDs in a fixed order, cycles with their real edges, boundaries with their
domain terms, waves numbered as the plan numbers them (real parse and analyses of fixtures)."""

from __future__ import annotations

import re

import pytest
from helpers import fixture

from analyzer.config import Settings
from analyzer.documents.plan import plan_facts
from analyzer.model.fact_sheet import build_fact_sheet, domain_terms, name_words
from analyzer.pipeline import analyze_static


def _sheet(case: str):
    static = analyze_static(Settings(root=fixture("python", case), use_cache=False, jobs=1, use_git_history=False))
    plan = plan_facts(static, "microservices")
    return static, plan, build_fact_sheet(static, plan.boundaries, plan.order, plan.metrics)


@pytest.mark.parametrize("case", ["monolith", "bounded_contexts"])
def test_ids_are_stable_numbered_and_listed_in_the_facts_block(case):
    _, _, sheet = _sheet(case)
    _, _, again = _sheet(case)
    assert sheet == again
    ids = sheet.ids()
    assert len(ids) == len(set(ids))
    for prefix in "FCBW":
        numbers = [int(i[1:]) for i in ids if i[0] == prefix]
        assert numbers == list(range(1, len(numbers) + 1))
    assert [line.split(":", 1)[0] for line in sheet.text().splitlines()] == list(ids)


def test_each_cycle_lists_its_files_and_edges_that_are_real_imports():
    static, _, sheet = _sheet("monolith")
    edges = {(d.source, d.target) for d in static.resolution.dependencies}
    cycles = [f for f in sheet.facts if f.id.startswith("C")]
    assert len(cycles) == len(static.analysis.cycles) >= 1
    for fact, cycle in zip(cycles, static.analysis.cycles, strict=False):
        assert set(fact.names) == set(cycle.nodes)
        assert fact.edges and set(fact.edges) <= edges
        assert [a for a, _ in fact.edges] == list(cycle.shortest)


def test_boundaries_carry_their_files_and_domain_terms_and_waves_follow_the_plan():
    _, plan, sheet = _sheet("bounded_contexts")
    boundaries = [f for f in sheet.facts if f.id.startswith("B")]
    assert [(f.names[0], f.names[1:]) for f in boundaries] == [(b.name, b.files) for b in plan.boundaries]
    for fact in boundaries:
        assert fact.terms and f"domain terms: {', '.join(fact.terms)}" in fact.text
    waves = [f for f in sheet.facts if f.id.startswith("W")]
    assert [(f.id, f.names[0]) for f in waves] == [(f"W{i}", name) for i, name in enumerate(plan.order, 1)]
    by_name = {f.names[0]: f.id for f in boundaries}
    assert all(f"({by_name[w.names[0]]})" in w.text for w in waves)


def test_general_facts_hold_sizes_central_files_hotspots_and_coupling():
    static, _, sheet = _sheet("monolith")
    texts = [f.text for f in sheet.facts if f.id.startswith("F")]
    loc = sum(p.loc for p in static.parsed)
    assert texts[0].startswith(f"{len(static.parsed)} files, {loc} lines of code; languages: python")
    assert any(t.startswith("Central file #1: `" + static.analysis.pagerank[0][0]) for t in texts)
    assert any(t.startswith("Hotspot: `" + static.analysis.hotspots[0].path) for t in texts)
    assert any(re.match(r"Coupling of the candidate boundaries: \d+% of the dependency weight", t) for t in texts)


def test_domain_terms_are_the_commonest_words_of_folders_files_and_classes():
    files = [
        "src/billing/invoice.py",
        "src/billing/invoice_lines.py",
        "src/billing/utils.py",
        "src/billing/__init__.py",
    ]
    terms = domain_terms(files, ["InvoiceLine", "TaxRate"])
    assert terms[:3] == ("billing", "invoice", "line")
    assert "src" not in terms and "utils" not in terms and "init" not in terms
    assert name_words("HTTPRequestHandler_v2") == ["http", "request", "handler", "v", "2"]

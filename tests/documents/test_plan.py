"""The migration plan's sections and JSON, from the boundaries the static subsystem proposes."""

from __future__ import annotations

import pytest
from helpers import fixture

from analyzer.config import Settings
from analyzer.documents.plan import plan_facts, plan_json, plan_sections, proposal_section
from analyzer.pipeline import analyze_static


@pytest.fixture(scope="module")
def facts():
    static = analyze_static(
        Settings(root=fixture("python", "bounded_contexts"), use_cache=False, use_git_history=False, jobs=1)
    )
    return plan_facts(static, "microservices")


def test_every_file_is_in_exactly_one_boundary_and_the_sections_are_in_plan_order(facts):
    files = [f for b in facts.boundaries for f in b.files]
    assert len(files) == len(set(files)) and files
    assert [key for key, _, _ in plan_sections(facts)] == [
        "target",
        "boundaries",
        "metrics",
        "order",
        "waves",
        "risks",
        "diagrams",
    ]


def test_the_json_carries_boundaries_metrics_and_order(facts):
    data = plan_json(facts)
    assert data["schema"] == "analyzer.plan/1"
    assert {b["name"] for b in data["boundaries"]} == {b.name for b in facts.boundaries}
    assert set(data["metrics"]) == {"SM", "ICP", "IFN", "NED"}
    assert sorted(data["extraction_order"]) == sorted(b.name for b in facts.boundaries)


def test_a_model_proposal_with_no_modules_says_so():
    assert proposal_section({"modules": [], "problems": []}) == "The model proposed no modules."
    assert "could not be used: no JSON" in proposal_section({"modules": [], "problems": ["no JSON"]})

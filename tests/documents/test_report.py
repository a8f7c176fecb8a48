"""The report's computed sections, rendered from a real static analysis of the Python fixture."""

from __future__ import annotations

import json

import pytest
from helpers import fixture

from analyzer.config import Settings
from analyzer.documents import assemble, report
from analyzer.documents.facts import analysis_json, method_lines, static_facts
from analyzer.documents.render import render_json, render_markdown
from analyzer.pipeline import analyze_static


@pytest.fixture(scope="module")
def static():
    return analyze_static(Settings(root=fixture("python"), use_cache=False, use_git_history=False, jobs=1))


def test_sections_come_in_report_order_and_name_the_fixture_facts(static):
    facts = static_facts(static)
    sections = report.static_report(facts, has_churn=False)
    assert [s.key for s in sections] == [
        "summary",
        "inventory",
        "module_map",
        "key_components",
        "dependency_health",
        "hotspots",
        "external_dependencies",
        "boundaries",
        "risks",
    ]
    health = next(s for s in sections if s.key == "dependency_health").body
    assert "src/shop/models/customer.py" in health and "src/shop/models/order.py" in health  # the one cycle
    assert "```mermaid" in next(s for s in sections if s.key == "module_map").body


def test_the_document_renders_as_markdown_and_json_with_the_same_sections(static):
    facts = static_facts(static)
    doc = assemble.report_document(facts, has_churn=False, appendix=method_lines(static), diagnostics=[])
    markdown = render_markdown(doc)
    assert markdown.startswith(f"# Architecture report: {facts.name}\n")
    assert markdown.count("\n## ") == len(doc.sections)
    data = json.loads(render_json(doc))
    assert [s["key"] for s in data["sections"]] == [s.key for s in doc.sections]


def test_the_appendix_counts_long_diagnostic_lists_by_kind():
    lines = [f"src/f{i}.c:1: warning: syntax errors (macros)" for i in range(60)]
    body = report.appendix_section(["Files parsed: 60"], lines).body
    assert "| 60 | warning: syntax errors (macros) |" in body
    assert "… and 10 more (see --json)" in body


def test_the_json_export_holds_every_file_edge_and_cycle(static):
    facts = static_facts(static)
    data = analysis_json(
        facts,
        unresolved=static.resolution.unresolved,
        externals=static.resolution.externals,
        skipped=facts.skipped,
        diagnostics=static.diagnostics,
    )
    assert data["schema"] == "analyzer.graph/1"
    assert len(data["files"]) == len(static.parsed) and len(data["edges"]) == len(static.resolution.dependencies)
    assert data["cycles"] == [["src/shop/models/customer.py", "src/shop/models/order.py"]]

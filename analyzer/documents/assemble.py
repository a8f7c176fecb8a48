"""Documents put together: the report and the plan from their sections, computed and model-written.

Model text arrives here as plain Markdown that the model subsystem has already checked; this
module never sees a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analyzer.documents import plan, report
from analyzer.documents.facts import StaticFacts
from analyzer.documents.output import write_atomic
from analyzer.documents.render import Document, Section, render_json, render_markdown

#: the appendix line of a run without a model
NO_MODEL = "Model: none (--no-llm): every section is computed from the graph."


def report_document(
    facts: StaticFacts,
    *,
    has_churn: bool,
    appendix: Sequence[str],
    diagnostics: Sequence[str],
    assessment: str | None = None,
    reasoning: str = "",
    data: Mapping[str, Any] | None = None,
) -> Document:
    """The architecture report: the computed sections, the model's assessment (if any) and the appendix."""
    sections = report.static_report(facts, has_churn=has_churn)
    if assessment is not None:
        first = sections[0]
        sections[0] = Section(first.key, first.title, first.body + "\n\n### Assessment\n\n" + assessment)
    sections.append(_appendix(appendix, diagnostics, reasoning))
    return Document("report", f"Architecture report: {facts.name}", tuple(sections), data or {})


def plan_document(
    facts: plan.PlanFacts,
    *,
    appendix: Sequence[str],
    diagnostics: Sequence[str],
    narrative: str | None = None,
    proposal: Mapping[str, Any] | None = None,
    reasoning: str = "",
    data: Mapping[str, Any] | None = None,
) -> Document:
    """The migration plan: the computed sections, the model's narrative and proposal (if any), the appendix."""
    sections = [Section(k, t, b) for k, t, b in plan.plan_sections(facts)]
    if narrative is not None:
        sections.insert(1, Section("narrative", "Migration narrative", narrative))
    if proposal is not None:
        sections.append(Section("proposal", "Model-proposed modules", plan.proposal_section(proposal)))
    sections.append(_appendix(appendix, diagnostics, reasoning))
    return Document(
        "plan",
        f"Migration plan: {facts.name} → {facts.target}",
        tuple(sections),
        {**plan.plan_json(facts), **(data or {})},
    )


def write_document(doc: Document, path: Path, fmt: str) -> None:
    """Render ``doc`` as Markdown or JSON (``fmt``) and write it atomically."""
    write_atomic(path, render_json(doc) if fmt == "json" else render_markdown(doc))


def _appendix(lines: Sequence[str], diagnostics: Sequence[str], reasoning: str) -> Section:
    section = report.appendix_section(lines, diagnostics)
    if reasoning:
        section = Section(section.key, section.title, section.body + "\n\n" + reasoning)
    return section

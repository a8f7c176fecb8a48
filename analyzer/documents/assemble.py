"""Documents put together: the report and the plan from their sections, computed and model-written.

Model text arrives here as plain data (:class:`ModelText`: the text, who wrote it, and the gate's
verdict) that the model subsystem has already checked; this module never sees a model.  Text the
gate passed is published under a label naming the model; text it failed is withheld, and the
section says why in one line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.documents import model_items, plan, report
from analyzer.documents.facts import StaticFacts
from analyzer.documents.model_items import CheckedItems
from analyzer.documents.output import write_atomic
from analyzer.documents.render import Document, Section, render_json, render_markdown

#: the appendix line of a run without a model
NO_MODEL = "Model: none (--no-llm): every section is computed from the graph."


@dataclass(frozen=True, slots=True)
class ModelText:
    """A model's text with the gate's verdict: ``reason`` says why it was withheld ("" when published)."""

    text: str
    model: str
    published: bool
    reason: str = ""
    #: the model was not asked for this text (``reason`` says why, and which option asks for it)
    skipped: bool = False


def model_section(key: str, title: str, written: ModelText, *, level: int = 2, how: str = "") -> Section:
    """A section holding a model's text: labeled with the model's name, withheld with the reason, or, when
    the model was not asked for it, one line on why."""
    if written.skipped:
        return Section(key, title, f"_No free-form text: {written.reason}._", "model", "skipped", written.reason, level)
    if written.published:
        label = f"_Written by the model {written.model or '(unnamed)'}; {how or 'names checked against the graph'}._"
        return Section(key, title, f"{label}\n\n{written.text}", "model", "published", "", level)
    body = f"_The model's text was withheld: {written.reason}._"
    return Section(key, title, body, "model", "withheld", written.reason, level)


def report_document(
    facts: StaticFacts,
    *,
    has_churn: bool,
    appendix: Sequence[str],
    diagnostics: Sequence[str],
    assessment: ModelText | None = None,
    reasoning: str = "",
    data: Mapping[str, Any] | None = None,
    rules: str = "",
    items: CheckedItems | None = None,
) -> Document:
    """The architecture report: the computed sections, the model's assessment and findings (if any), the
    result of ``--check`` (``rules``: its summary line, when a rules file was given) and the appendix."""
    sections = report.static_report(facts, has_churn=has_churn)
    if assessment is not None:
        sections.insert(1, model_section("assessment", "Assessment", assessment, level=3))
    found = model_items.findings_section(items) if items else None
    if found is not None:
        sections.insert(2 if assessment is not None else 1, found)
    if rules:
        sections.append(rules_section(rules))
    sections.append(_appendix(appendix, diagnostics, reasoning))
    return Document("report", f"Architecture report: {facts.name}", tuple(sections), data or {})


def plan_document(
    facts: plan.PlanFacts,
    *,
    appendix: Sequence[str],
    diagnostics: Sequence[str],
    narrative: ModelText | None = None,
    proposal: Mapping[str, Any] | None = None,
    proposal_model: str = "",
    reasoning: str = "",
    data: Mapping[str, Any] | None = None,
    items: CheckedItems | None = None,
) -> Document:
    """The migration plan: the computed sections, the model's narrative, checked items and proposal (if any),
    the appendix."""
    sections = [Section(k, t, b) for k, t, b in plan.plan_sections(facts)]
    if items is not None:
        sections = _with_items(sections, items)
    if narrative is not None:
        sections.insert(1, model_section("narrative", "Migration narrative", narrative))
    if proposal is not None:
        sections.append(_proposal(proposal, proposal_model))
    sections.append(_appendix(appendix, diagnostics, reasoning))
    return Document(
        "plan",
        f"Migration plan: {facts.name} → {facts.target}",
        tuple(sections),
        {**plan.plan_json(facts), **(data or {})},
    )


def _with_items(sections: list[Section], items: CheckedItems) -> list[Section]:
    """The plan's sections with the model's boundary names, wave risks and cycle cuts after the computed
    sections they belong to."""
    after = {
        "boundaries": model_items.boundary_names_section(items),
        "waves": model_items.wave_risks_section(items),
        "risks": model_items.cycle_cuts_section(items),
    }
    out = []
    for s in sections:
        out.append(s)
        extra = after.get(s.key)
        if extra is not None:
            out.append(extra)
    return out


def write_document(doc: Document, path: Path, fmt: str) -> None:
    """Render ``doc`` as Markdown or JSON (``fmt``) and write it atomically."""
    write_atomic(path, render_json(doc) if fmt == "json" else render_markdown(doc))


def _proposal(proposal: Mapping[str, Any], model: str) -> Section:
    """The model's module proposal: published when a module with files survived validation."""
    problems = [str(p) for p in proposal.get("problems") or []]
    modules = proposal.get("modules") or []
    written = ModelText(
        plan.proposal_section(proposal),
        model,
        bool(modules),
        "" if modules else "; ".join(problems[:5]) or "the model proposed no module with a repository file",
    )
    how = "JSON under a schema, every file and dependency checked against the graph"
    return model_section("proposal", "Model-proposed modules", written, how=how)


def _appendix(lines: Sequence[str], diagnostics: Sequence[str], reasoning: str) -> Section:
    section = report.appendix_section(lines, diagnostics)
    if reasoning:
        section = Section(section.key, section.title, section.body + "\n\n" + reasoning)
    return section


def rules_section(summary: str) -> Section:
    """The result of ``--check`` in the report: its summary line, and what the exceptions mean."""
    return Section("rules", "Architecture rules", _rules_body(summary))


def _rules_body(summary: str) -> str:
    return (
        f"{summary}.\n\nKnown exceptions are crossings the rules tolerate for now: each one removed from the "
        "rules file is a step of the migration, and `--check` fails on any new crossing."
    )

"""The structured items rendered by code: only accepted items are shown, under the model's name; a section
whose every item was rejected is withheld with the reasons; rejected items go to the appendix and JSON."""

from __future__ import annotations

import json

from analyzer.documents import model_items
from analyzer.documents.render import Document, render_json, render_markdown
from analyzer.domain import Fact, ModelItem

FACTS = (
    Fact("F1", "Hotspot: `app/core.py` (900 LOC, PageRank 0.200).", ("app/core.py",)),
    Fact("C1", "Import cycle of 2 files: `a.py` → `b.py` → `a.py`.", ("a.py", "b.py"), (), (("a.py", "b.py"),)),
    Fact("B1", "Candidate boundary `billing` (2 files: `billing/a.py`, `billing/b.py`).", ("billing", "x", "y")),
    Fact("W1", "Wave 1 extracts boundary `billing` (B1).", ("billing",)),
)
GOOD = "`app/core.py` is the largest central file, so every change to it needs the widest tests."
LOOP = "The code is the code is the code is the code is the code."


def _items(*items: ModelItem) -> model_items.CheckedItems:
    return model_items.CheckedItems(items, FACTS, "SmolLM2-135M", ("Structured calls: 4",))


def _finding(sentence: str, status: str, reason: str = "", severity: str = "high") -> ModelItem:
    fields = (("facts", "F1"), ("sentence", sentence), ("severity", severity))
    return ModelItem("finding", "F1", fields, status, reason)


def test_accepted_findings_are_a_labeled_table_with_the_cited_facts():
    section = model_items.findings_section(
        _items(_finding(GOOD, "accepted"), _finding(LOOP, "rejected", "it repeats itself"))
    )
    assert section is not None and section.by == "model" and section.status == "published"
    assert section.body.startswith("_Written by the model SmolLM2-135M as JSON under a schema")
    assert "1 of 2 accepted, the rejected ones are listed in the appendix" in section.body
    assert f"| high | {GOOD} | F1: Hotspot: `app/core.py` (900 LOC, PageRank 0.200). |" in section.body
    assert LOOP not in section.body


def test_degenerate_text_never_reaches_a_published_section():
    rejected = [
        _finding(LOOP, "rejected", "it repeats itself"),
        ModelItem("boundary", "B1", (("name", "Billing"), ("responsibility", LOOP)), "rejected", "it loops"),
        ModelItem("cycle", "C1", (("cut", "a.py -> b.py"), ("why", LOOP)), "rejected", "it loops"),
        ModelItem("wave", "W1", (("risk", LOOP),), "rejected", "it loops"),
    ]
    checked = _items(*rejected)
    sections = [
        model_items.findings_section(checked),
        model_items.boundary_names_section(checked),
        model_items.cycle_cuts_section(checked),
        model_items.wave_risks_section(checked),
    ]
    for section in sections:
        assert section is not None and section.status == "withheld" and LOOP not in section.body
        assert section.body.startswith("_The model's items were withheld: all 1 item(s) failed the checks (")
    markdown = render_markdown(Document("plan", "t", tuple(s for s in sections if s)))
    assert LOOP not in markdown and "Written by the model" not in markdown


def test_plan_items_render_names_cuts_and_risks():
    checked = _items(
        ModelItem("boundary", "B1", (("name", "Billing"), ("responsibility", GOOD)), "accepted"),
        ModelItem("cycle", "C1", (("cut", "a.py -> b.py"), ("why", GOOD)), "accepted"),
        ModelItem("wave", "W1", (("risk", GOOD),), "accepted"),
    )
    names = model_items.boundary_names_section(checked)
    cuts = model_items.cycle_cuts_section(checked)
    risks = model_items.wave_risks_section(checked)
    assert names and f"| `billing` (B1) | 2 | Billing | {GOOD} |" in names.body
    assert cuts and f"| C1 | `a.py` → `b.py` | {GOOD} |" in cuts.body
    assert risks and f"| W1 | `billing` | {GOOD} |" in risks.body


def test_no_section_when_nothing_was_asked():
    assert model_items.cycle_cuts_section(_items(_finding(GOOD, "accepted"))) is None


def test_every_item_is_in_the_json_with_who_wrote_it_and_the_verdict():
    checked = _items(_finding(GOOD, "accepted"), _finding(LOOP, "rejected", "it repeats itself", "low"))
    data = model_items.items_json(checked, ("finding",))
    assert data["model_items"] == [
        {"task": "finding", "subject": "F1", "facts": ["F1"], "sentence": GOOD, "severity": "high"}
        | {"by": "model", "status": "accepted", "reason": ""},
        {"task": "finding", "subject": "F1", "facts": ["F1"], "sentence": LOOP, "severity": "low"}
        | {"by": "model", "status": "rejected", "reason": "it repeats itself"},
    ]
    assert data["facts"] == [{"id": "F1", "text": FACTS[0].text}]
    section = model_items.findings_section(checked)
    assert section is not None
    payload = json.loads(render_json(Document("report", "t", (section,), data)))
    assert payload["sections"][0] | {"markdown": ""} == {
        "key": "findings",
        "title": "Findings",
        "markdown": "",
        "by": "model",
        "status": "published",
        "reason": "",
    }


def test_the_appendix_counts_each_task_and_names_each_rejection():
    checked = _items(_finding(GOOD, "accepted"), _finding(LOOP, "rejected", "it repeats itself"))
    assert model_items.item_lines(checked, ("finding", "wave")) == [
        "Structured task finding: 1 of 2 item(s) accepted",
        "Item rejected, finding F1: it repeats itself",
    ]

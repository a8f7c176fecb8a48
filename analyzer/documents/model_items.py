"""The structured tasks' checked items, rendered by code: the report's findings, and the plan's boundary
names, cycle cuts and wave risks.

Items arrive as plain data (:class:`CheckedItems`, filled by the pipeline) that the model subsystem
has already checked one by one; only accepted items are shown, under a label naming the model, and
each rejected one is listed in the appendix with its reason.  A section whose every item was rejected
is withheld and says why in one line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.documents.render import Section
from analyzer.domain import Fact, ModelItem

__all__ = [
    "CheckedItems",
    "boundary_names_section",
    "cycle_cuts_section",
    "findings_section",
    "items_json",
    "item_lines",
    "wave_risks_section",
]

#: the reasons quoted in a withheld section's one line
SHOWN_REASONS = 2


@dataclass(frozen=True, slots=True)
class CheckedItems:
    """What the structured tasks returned: every item (accepted or rejected), the facts they cite, the model."""

    items: tuple[ModelItem, ...]
    facts: tuple[Fact, ...]
    model: str
    #: how the tasks ran, for the appendix (calls, tokens, seconds)
    runs: tuple[str, ...] = ()

    def of(self, task: str) -> tuple[ModelItem, ...]:
        """The items of one task."""
        return tuple(i for i in self.items if i.task == task)

    def fact(self, fact_id: str) -> Fact | None:
        """The fact with this ID, if any."""
        return next((f for f in self.facts if f.id == fact_id), None)


def findings_section(c: CheckedItems) -> Section | None:
    """The report's findings table (severity, the sentence, the cited facts with their text)."""
    rows = ["| severity | finding | cited facts |", "|---|---|---|"]
    order = {"high": 0, "medium": 1, "low": 2}
    accepted = sorted((i for i in c.of("finding") if i.accepted), key=lambda i: order.get(i.get("severity"), 3))
    for item in accepted:
        cited = "<br>".join(
            f"{fid}: {_cell(fact.text)}" for fid in item.get("facts").split(", ") if (fact := c.fact(fid))
        )
        rows.append(f"| {item.get('severity')} | {_cell(item.get('sentence'))} | {cited} |")
    return _section(c, "finding", "findings", "Findings", rows)


def boundary_names_section(c: CheckedItems) -> Section | None:
    """The plan's boundaries with the names and responsibilities the model gave them."""
    rows = ["| boundary | files | name | responsibility |", "|---|---:|---|---|"]
    for item in c.of("boundary"):
        fact = c.fact(item.subject)
        if item.accepted and fact is not None:
            boundary = fact.names[0] if fact.names else item.subject
            rows.append(
                f"| `{_cell(boundary)}` ({item.subject}) | {len(fact.names) - 1} | {_cell(item.get('name'))} "
                f"| {_cell(item.get('responsibility'))} |"
            )
    return _section(c, "boundary", "boundary-names", "Boundary names and responsibilities", rows)


def cycle_cuts_section(c: CheckedItems) -> Section | None:
    """Where to cut each file-level import cycle, and why."""
    rows = ["| cycle | cut | why |", "|---|---|---|"]
    for item in c.of("cycle"):
        if item.accepted:
            source, _, target = item.get("cut").partition(" -> ")
            rows.append(f"| {item.subject} | `{_cell(source)}` → `{_cell(target)}` | {_cell(item.get('why'))} |")
    return _section(c, "cycle", "cycle-cuts", "Where to cut each import cycle", rows)


def wave_risks_section(c: CheckedItems) -> Section | None:
    """The main risk of each extraction wave."""
    rows = ["| wave | boundary | main risk |", "|---|---|---|"]
    for item in c.of("wave"):
        fact = c.fact(item.subject)
        if item.accepted and fact is not None:
            boundary = f"`{_cell(fact.names[0])}`" if fact.names else ""
            rows.append(f"| {item.subject} | {boundary} | {_cell(item.get('risk'))} |")
    return _section(c, "wave", "wave-risks", "Main risk of each wave", rows)


def item_lines(c: CheckedItems, tasks: Sequence[str]) -> list[str]:
    """The appendix's lines: accepted and rejected counts per task, and each rejected item with its reason."""
    lines = []
    for task in tasks:
        items = c.of(task)
        if items:
            kept = sum(i.accepted for i in items)
            lines.append(f"Structured task {task}: {kept} of {len(items)} item(s) accepted")
            lines += [f"Item rejected, {task} {i.subject}: {i.reason}" for i in items if not i.accepted]
    return lines


def items_json(c: CheckedItems, tasks: Sequence[str]) -> dict[str, Any]:
    """Every item of ``tasks`` with who wrote it and the checks' verdict, and the facts it could cite."""
    items = [i for i in c.items if i.task in tasks]
    cited = {f.strip() for i in items for f in i.get("facts").split(",") if f.strip()}
    subjects = {i.subject for i in items}
    return {
        "model_items": [
            {
                "task": i.task,
                "subject": i.subject,
                **{k: (v.split(", ") if k == "facts" and v else v) for k, v in i.fields},
                "by": "model",
                "status": i.status,
                "reason": i.reason,
            }
            for i in items
        ],
        "facts": [{"id": f.id, "text": f.text} for f in c.facts if f.id in cited | subjects],
    }


# --- private helpers ----------------------------------------------------------


def _section(c: CheckedItems, task: str, key: str, title: str, rows: list[str]) -> Section | None:
    """Published with its accepted rows, withheld when every item was rejected, absent when none was asked."""
    items = c.of(task)
    if not items:
        return None
    kept = sum(i.accepted for i in items)
    if kept:
        label = (
            f"_Written by the model {c.model or '(unnamed)'} as JSON under a schema, one item per call; each item "
            f"checked (IDs, names, and its sentence through the gate): {kept} of {len(items)} accepted"
            + (", the rejected ones are listed in the appendix" if kept < len(items) else "")
            + "._"
        )
        return Section(key, title, label + "\n\n" + "\n".join(rows), "model", "published", "", 3)
    reason = _rejections(items)
    return Section(key, title, f"_The model's items were withheld: {reason}._", "model", "withheld", reason, 3)


def _rejections(items: Sequence[ModelItem]) -> str:
    """One line on why every item was rejected: the commonest reasons first."""
    counts = Counter(r for i in items for r in i.reason.split("; ") if r)
    shown = "; ".join(f"{r} ({n}×)" if n > 1 else r for r, n in counts.most_common(SHOWN_REASONS))
    more = f"; and {len(counts) - SHOWN_REASONS} other reason(s)" if len(counts) > SHOWN_REASONS else ""
    return f"all {len(items)} item(s) failed the checks ({shown}{more})"


def _cell(text: str) -> str:
    return text.replace("|", "¦").replace("\n", " ")

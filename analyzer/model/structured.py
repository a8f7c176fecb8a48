"""Structured tasks: small JSON answers under a schema, each item checked on its own.

Every call shares one system message (``structured-system.md``: role, the numbered facts,
constraints, warning), so llama.cpp evaluates the facts once per run and each task costs only its
short tail and answer. One small task per call: for the report one finding per call, each about one
fact (an import cycle, a hotspot, the heaviest coupling); for the plan one call per candidate boundary
(its name and responsibility), per import cycle (the edge to cut, and why) and per extraction wave
(its main risk). :mod:`analyzer.model.items` checks what comes back.

:func:`choose_free_form` is the model-size policy: models under 7B parameters get these tasks only;
the draft / critique / final essays are for larger models and servers (or when forced).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analyzer.domain import Fact, ModelItem
from analyzer.errors import ContextOverflowError
from analyzer.model import items as check
from analyzer.model import prompt as prompts
from analyzer.model.fact_sheet import FactSheet
from analyzer.model.gate import Reference

if TYPE_CHECKING:
    from analyzer.model.generator import GenerationStats, TextGenerator

__all__ = [
    "FREE_FORM_PARAMETERS",
    "Structured",
    "choose_free_form",
    "finding_subjects",
    "run_structured",
    "structured_lines",
]

#: from this many parameters on, a model also writes the free-form sections
FREE_FORM_PARAMETERS = 7_000_000_000
#: output tokens per task (a JSON object with one sentence of at most 200 characters)
ITEM_TOKENS = 96
#: findings asked for in the report, one call each
FINDINGS = 4

#: event callback, as the passes': (event, detail, done, total)
Event = Callable[[str, str, int, int], None]


@dataclass(frozen=True)
class Structured:
    """Every item the structured tasks returned, checked, with the calls' statistics."""

    sheet: FactSheet
    items: tuple[ModelItem, ...]
    passes: tuple[tuple[str, GenerationStats], ...]
    model: str
    seconds: float

    def of(self, *tasks: str) -> tuple[ModelItem, ...]:
        """The items of these tasks ("finding", "boundary", "cycle", "wave")."""
        return tuple(i for i in self.items if i.task in tasks)


def choose_free_form(requested: bool | None, parameters: int, server: bool) -> tuple[bool, str]:
    """Whether the model also writes the free-form sections (draft, critique, final), and why, in one line."""
    if requested is not None:
        flag = "--free-form" if requested else "--no-free-form"
        return requested, f"free-form sections {'on' if requested else 'off'} ({flag})"
    if server:
        return True, "free-form sections on (a --server model; --no-free-form turns them off)"
    if parameters >= FREE_FORM_PARAMETERS:
        return True, f"free-form sections on ({parameters / 1e9:.1f}B parameters; --no-free-form turns them off)"
    size = f"{parameters / 1e6:.0f}M" if parameters else "an unknown number of"
    return False, (
        f"a model of {size} parameters (under 7B) gets structured tasks only, whose every item is checked; "
        "--free-form asks it for free text too"
    )


def run_structured(
    generator: TextGenerator,
    sheet: FactSheet,
    reference: Reference,
    *,
    jobs: Sequence[str],
    on_event: Event | None = None,
) -> Structured:
    """Run the structured tasks of ``jobs`` ("report", "plan") and check every item they return."""
    started = time.perf_counter()
    records: list[tuple[str, GenerationStats]] = []
    emit = on_event or (lambda *a: None)
    facts_text = sheet.text()

    def ask(name: str, task: str, values: Mapping[str, str], schema: Mapping[str, Any], tokens: int) -> tuple[str, str]:
        emit("pass", name, 0, 0)
        try:
            result = generator.generate(
                prompts.task_messages(facts_text, task, values),
                tokens,
                prefix_messages=1,
                on_prompt_progress=lambda done, total: emit("prompt", name, done, total),
                on_token=lambda text: emit("token", text, 0, 0),
                json_schema=schema,
            )
        except ContextOverflowError as e:  # a window too small for the facts: this item is not written
            return "", f"overflow: {e}"
        records.append((name, result.stats))
        return result.text.strip(), result.finish_reason

    found: list[ModelItem] = []
    if "report" in jobs:
        for fact in finding_subjects(sheet):
            schema = check.finding_schema(fact, sheet)
            values = {"fact": f"{fact.id}: {fact.text}", "id": fact.id, "subject": _subject(fact)}
            answer = ask(f"finding {fact.id}", "finding", values, schema, ITEM_TOKENS)
            found.append(check.check_finding(*answer, fact, sheet, reference, found))
    if "plan" in jobs:
        found += _plan_items(sheet, reference, ask)
    model = records[-1][1].model if records else ""
    return Structured(sheet, tuple(found), tuple(records), model, round(time.perf_counter() - started, 2))


def structured_lines(s: Structured) -> list[str]:
    """The appendix's lines on how the structured tasks ran: the method, then the calls' cost."""
    prompt = sum(st.prompt_tokens for _, st in s.passes)
    reused = sum(st.cached_tokens for _, st in s.passes)
    generated = sum(st.generated_tokens for _, st in s.passes)
    return [
        f"Structured tasks: {len(s.sheet.facts)} numbered facts (IDs F, C, B, W) in one system message shared "
        f"by every call; JSON under a schema per call, every item checked on its own.",
        f"Structured calls: {len(s.passes)}, {prompt} prompt tokens ({reused} reused from the shared prefix), "
        f"{generated} generated, {s.seconds:.1f}s in all",
    ]


def _plan_items(sheet: FactSheet, reference: Reference, ask: Callable[..., tuple[str, str]]) -> list[ModelItem]:
    """One call per boundary, cycle and wave; each answer checked against what came before it."""
    out: list[ModelItem] = []
    names: list[str] = []
    for fact in _facts(sheet, "B"):
        if not fact.terms:
            continue  # nothing to draw a name from: not asked
        values = {"fact": f"{fact.id}: {fact.text}", "id": fact.id, "terms": ", ".join(fact.terms)}
        item = check.check_boundary(
            *ask(f"boundary {fact.id}", "boundary", values, check.boundary_schema(fact), ITEM_TOKENS),
            fact,
            sheet,
            reference,
            names,
        )
        names += [item.get("name")] if item.accepted else []
        out.append(item)
    for prefix, task, key, schema, checker in (
        ("C", "cycle", "why", check.cycle_schema, check.check_cycle),
        ("W", "wave", "risk", check.wave_schema, check.check_wave),
    ):
        said: list[str] = []
        for fact in _facts(sheet, prefix):
            answer = ask(
                f"{task} {fact.id}", task, {"fact": f"{fact.id}: {fact.text}", "id": fact.id}, schema(fact), ITEM_TOKENS
            )
            item = checker(*answer, fact, sheet, reference, said)
            said.append(item.get(key))
            out.append(item)
    return out


def finding_subjects(sheet: FactSheet) -> list[Fact]:
    """What the report's findings are asked about, one call each: every import cycle, then the hotspots,
    then the heaviest coupling between boundaries, up to :data:`FINDINGS` facts."""
    cycles = _facts(sheet, "C")
    hotspots = [f for f in sheet.facts if f.text.startswith("Hotspot:")]
    coupling = [f for f in sheet.facts if f.text.startswith("Boundary `")]
    return [*cycles[:2], *hotspots, *coupling][:FINDINGS]


def _subject(fact: Fact) -> str:
    """What a finding is about, by ID: the names themselves stay in the fact above the task, as data
    (a file name is repository text, and may be written to read as an instruction)."""
    if fact.edges:
        return f"the import cycle {fact.id}"
    if len(fact.names) >= 2 and fact.text.startswith("Boundary"):
        return f"the dependency {fact.id} describes"
    return f"the file or boundary {fact.id} names" if fact.names else fact.id


def _facts(sheet: FactSheet, prefix: str) -> list[Fact]:
    return [f for f in sheet.facts if f.id.startswith(prefix)]

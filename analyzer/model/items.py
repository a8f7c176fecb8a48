"""The structured tasks' JSON schemas, and the checks each answer's items go through one by one.

A small model is asked for small things under a JSON grammar (fact IDs, boundary IDs and cycle edges
are enums), and every item it returns is checked on its own: unknown IDs, empty or duplicate items,
names not drawn from the boundary's domain terms, and each sentence through the gate
(:func:`~analyzer.model.gate.check_text`: repetition, prompt echo, task talk, contradicted claims,
unknown names). A failing item is kept as data with its reason (:class:`~analyzer.domain.ModelItem`);
only accepted items reach a document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from typing import Any

from analyzer.domain import Fact, ModelItem
from analyzer.model.checks import check_grounding
from analyzer.model.fact_sheet import FactSheet, name_words
from analyzer.model.gate import Reference, check_text
from analyzer.model.prompt import task_text

__all__ = [
    "SEVERITIES",
    "boundary_schema",
    "citable",
    "check_boundary",
    "check_cycle",
    "check_finding",
    "check_wave",
    "cut_label",
    "cycle_schema",
    "finding_schema",
    "wave_schema",
]

SEVERITIES = ("high", "medium", "low")
#: longest sentence the grammar lets through (characters)
SENTENCE_CHARS = 200
#: shortest sentence the grammar lets through (characters): a small model otherwise closes the string at once
SENTENCE_MIN_CHARS = 24
#: a sentence of fewer words says nothing ("`base.py` is high on the code")
MIN_WORDS = 8
#: words of a boundary's name
MAX_NAME_WORDS = 4
#: words in a run copied from the task's own instructions that count as echo (the gate's is 6: a task is short)
TASK_ECHO_WORDS = 4
#: words in a run copied from the item's own facts: the table shows those facts beside the sentence already
RESTATE_WORDS = 5
#: words too common to tie a sentence to a fact
_ID = re.compile(r"\b[FCBW]\d+\b")
_SPAN = re.compile(r"`([^`\n]+)`")
_COMMON = frozenset(
    "this that these those with from into have has been their there they them which what when will would "
    "should could about more most than then also each other such only very file files code cycle cycles "
    "import imports edge edges boundary boundaries wave waves extract extracts extraction dependency "
    "dependencies depends module modules risk central hotspot layer layers graph candidate domain terms".split()
)


def finding_schema(fact: Fact, sheet: FactSheet) -> dict[str, Any]:
    """One finding about ``fact`` citing one to three IDs: ``fact`` and the facts that share a graph name with it."""
    facts = {"type": "array", "items": {"enum": list(citable(fact, sheet))}, "minItems": 1, "maxItems": 3}
    return _object(facts=facts, severity={"enum": list(SEVERITIES)}, sentence=_sentence())


def boundary_schema(fact: Fact) -> dict[str, Any]:
    """A name of one to four of the boundary's domain terms, and its responsibility."""
    name = {"type": "array", "items": {"enum": list(fact.terms)}, "minItems": 1, "maxItems": MAX_NAME_WORDS}
    return _object(boundary={"enum": [fact.id]}, name=name, responsibility=_sentence())


def cycle_schema(fact: Fact) -> dict[str, Any]:
    """One edge of the cycle to cut, and why."""
    return _object(cycle={"enum": [fact.id]}, cut={"enum": [cut_label(e) for e in fact.edges]}, why=_sentence())


def wave_schema(fact: Fact) -> dict[str, Any]:
    """The main risk of one extraction wave."""
    return _object(wave={"enum": [fact.id]}, risk=_sentence())


def citable(fact: Fact, sheet: FactSheet) -> tuple[str, ...]:
    """The IDs a finding about ``fact`` may cite: ``fact`` first, then every fact sharing a graph name with it."""
    names = set(fact.names)
    return (fact.id, *(f.id for f in sheet.facts if f.id != fact.id and names & set(f.names)))


def cut_label(edge: tuple[str, str]) -> str:
    """How an edge is written in the schema and the plan: ``source -> target``."""
    return f"{edge[0]} -> {edge[1]}"


def check_finding(
    text: str, finish: str, fact: Fact, sheet: FactSheet, reference: Reference, earlier: Sequence[ModelItem]
) -> ModelItem:
    """One finding asked about ``fact`` (``earlier``: the findings before it, for duplicates)."""
    data, problem = _parse(text, finish, "finding")
    if problem:
        return ModelItem("finding", fact.id, (), "rejected", problem)
    ids = [str(i) for i in data.get("facts") or [] if isinstance(i, str)] if isinstance(data.get("facts"), list) else []
    severity, sentence = str(data.get("severity", "")), _text(data.get("sentence"))
    fields = (("facts", ", ".join(ids)), ("sentence", sentence), ("severity", severity))
    reasons = _finding_problems(ids, severity, sheet)
    if ids and fact.id not in ids:
        reasons.append(f"it does not cite {fact.id}, the fact it was asked about")
    unrelated = [i for i in dict.fromkeys(ids) if sheet.get(i) is not None and i not in citable(fact, sheet)]
    if unrelated:
        reasons.append(f"it cites {', '.join(unrelated)}, which share(s) no file or boundary with {fact.id}")
    cited = [f for f in map(sheet.get, dict.fromkeys(ids)) if f is not None] or [fact]
    reasons += _sentence_problems("finding", sentence, reference, cited, sheet, [e.get("sentence") for e in earlier])
    same = [e.subject for e in earlier if e.accepted and set(e.get("facts").split(", ")) == set(ids)]
    if not reasons and same:
        reasons.append(f"it cites the same facts as the finding on {same[0]}")
    return _item("finding", fact.id, fields, reasons)


def check_boundary(
    text: str, finish: str, fact: Fact, sheet: FactSheet, reference: Reference, taken: Collection[str]
) -> ModelItem:
    """One boundary's name and responsibility (``taken``: names already given to other boundaries)."""
    data, problem = _parse(text, finish, "boundary")
    if problem:
        return ModelItem("boundary", fact.id, (), "rejected", problem)
    words = data.get("name")
    words = [str(w) for w in words] if isinstance(words, list) else name_words(str(words or ""))
    name = " ".join(w.capitalize() for w in words)
    responsibility = _text(data.get("responsibility"))
    reasons = [*_subject(data, "boundary", fact), *_name_problems(words, fact.terms)]
    if name and name.lower() in {t.lower() for t in taken}:
        reasons.append(f'the name "{name}" is already another boundary\'s')
    reasons += _sentence_problems("boundary", responsibility, reference, [fact], sheet)
    return _item("boundary", fact.id, (("name", name), ("responsibility", responsibility)), reasons)


def check_cycle(
    text: str, finish: str, fact: Fact, sheet: FactSheet, reference: Reference, earlier: Collection[str]
) -> ModelItem:
    """One cycle's edge to cut and why (``earlier``: the reasons given for other cycles)."""
    data, problem = _parse(text, finish, "cycle")
    if problem:
        return ModelItem("cycle", fact.id, (), "rejected", problem)
    cut, why = _text(data.get("cut")), _text(data.get("why"))
    reasons = _subject(data, "cycle", fact)
    if cut not in {cut_label(e) for e in fact.edges}:
        reasons.append(f'"{cut}" is not an edge of {fact.id}' if cut else "no edge to cut")
    reasons += _sentence_problems("cycle", why, reference, [fact], sheet, earlier)
    return _item("cycle", fact.id, (("cut", cut), ("why", why)), reasons)


def check_wave(
    text: str, finish: str, fact: Fact, sheet: FactSheet, reference: Reference, earlier: Collection[str]
) -> ModelItem:
    """One wave's main risk (``earlier``: the risks given for other waves)."""
    data, problem = _parse(text, finish, "wave")
    if problem:
        return ModelItem("wave", fact.id, (), "rejected", problem)
    risk = _text(data.get("risk"))
    reasons = [*_subject(data, "wave", fact), *_sentence_problems("wave", risk, reference, [fact], sheet, earlier)]
    return _item("wave", fact.id, (("risk", risk),), reasons)


# --- private helpers ----------------------------------------------------------


def _sentence() -> dict[str, Any]:
    return {"type": "string", "minLength": SENTENCE_MIN_CHARS, "maxLength": SENTENCE_CHARS}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def _item(task: str, subject: str, fields: Sequence[tuple[str, str]], reasons: Sequence[str]) -> ModelItem:
    status = "rejected" if reasons else "accepted"
    return ModelItem(task, subject, tuple(sorted(fields)), status, "; ".join(reasons))


def _parse(text: str, finish: str, task: str) -> tuple[dict[str, Any], str]:
    """The answer's JSON object, or why there is none (``finish`` "overflow: ..." when the prompt did not fit)."""
    if finish.startswith("overflow: "):
        return {}, "not asked: " + finish.removeprefix("overflow: ")
    if not text.strip():
        return {}, "the model returned no text"
    try:
        data = json.loads(text, strict=False)  # a raw line break inside a string is whitespace
    except json.JSONDecodeError as e:
        cut = "it was cut off at the token limit" if finish == "length" else f"not JSON ({e.msg})"
        return {}, cut
    if not isinstance(data, dict):
        return {}, f"not a JSON object with the {task}'s fields"
    return data, ""


def _subject(data: dict[str, Any], key: str, fact: Fact) -> list[str]:
    answered = str(data.get(key, ""))
    return [] if answered == fact.id else [f"it answers for {answered or 'nothing'}, not {fact.id}"]


def _finding_problems(ids: Sequence[str], severity: str, sheet: FactSheet) -> list[str]:
    reasons = []
    if not ids:
        reasons.append("it cites no fact")
    unknown = sorted({i for i in ids if sheet.get(i) is None})
    if unknown:
        reasons.append("unknown fact ID(s) " + ", ".join(unknown))
    if len(set(ids)) < len(ids):
        reasons.append("it cites a fact twice")
    if severity not in SEVERITIES:
        reasons.append(f'severity "{severity}" is not one of {", ".join(SEVERITIES)}')
    return reasons


def _name_problems(words: Sequence[str], terms: Sequence[str]) -> list[str]:
    if not words:
        return ["no name"]
    reasons = []
    if len(words) > MAX_NAME_WORDS:
        reasons.append(f"the name has {len(words)} words (at most {MAX_NAME_WORDS})")
    allowed = {t.lower() for t in terms}
    foreign = [w for w in words if w.lower() not in allowed and w.lower().rstrip("s") not in allowed]
    if foreign:
        reasons.append("name word(s) not among its domain terms: " + ", ".join(f'"{w}"' for w in foreign))
    if len({w.lower() for w in words}) < len(words):
        reasons.append("the name repeats a word")
    return reasons


def _sentence_problems(
    task: str,
    sentence: str,
    reference: Reference,
    cited: Sequence[Fact],
    sheet: FactSheet,
    earlier: Collection[str] = (),
) -> list[str]:
    """Why one sentence may not be published: too short, failed by the gate, unrelated to its facts,
    naming IDs or graph names its facts do not hold, or repeated."""
    words = re.findall(r"[a-z0-9_]+", sentence.lower())
    if len(sentence.split()) < MIN_WORDS:
        return ["no sentence" if not words else f"the sentence is too short ({len(sentence.split())} words)"]
    reasons = list(check_text(sentence, reference, needs_names=False).reasons)
    unknown = check_grounding(sentence, reference.known).unknown
    if unknown and not any(r.startswith("most names") for r in reasons):
        reasons.append("it names " + ", ".join(f"`{n}`" for n in unknown[:3]) + ", not in the repository")
    copied = _runs(words) & _runs(re.findall(r"[a-z0-9_]+", task_text(task).lower()))
    if copied:
        reasons.append(f'it copies its task\'s instructions ("{" ".join(min(copied))}")')
    prose = re.findall(r"[a-z0-9_]+", _SPAN.sub(" ", sentence).lower())  # names in backticks may repeat
    restated = _runs(prose, RESTATE_WORDS) & {
        r for f in cited for r in _runs(re.findall(r"[a-z0-9_]+", _SPAN.sub(" ", f.text).lower()), RESTATE_WORDS)
    }
    if restated:
        reasons.append(f'it restates its facts word for word ("{" ".join(min(restated))}")')
    vocabulary = {w for f in cited for w in name_words(f.text) + [t for n in f.names for t in name_words(n)]}
    if "task" in words and "task" not in vocabulary:
        reasons.append('it talks about its "task", not the repository')
    if not _related(words, cited):
        reasons.append("the sentence shares no word with the facts it is about")
    reasons += _foreign_mentions(sentence, cited, sheet)
    if sentence.lower() in {e.lower() for e in earlier}:
        reasons.append("the same sentence was given for another item")
    return reasons


def _runs(words: Sequence[str], n: int = TASK_ECHO_WORDS) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _foreign_mentions(sentence: str, cited: Sequence[Fact], sheet: FactSheet) -> list[str]:
    """IDs and graph names in ``sentence`` that its facts neither are nor mention (W1's risk naming B3's boundary)."""
    own = {f.id for f in cited} | {m for f in cited for m in _ID.findall(f.text)}
    ids = sorted(set(_ID.findall(sentence)) - own, key=lambda i: (i[0], int(i[1:])))
    reasons = []
    if ids:
        unknown = [i for i in ids if sheet.get(i) is None]
        reasons.append(
            "it mentions " + ", ".join(ids) + (" (no such fact)" if unknown else ", not among the facts it is about")
        )
    graph_names = {n for f in sheet.facts for n in f.names}
    held = " ".join(f.text for f in cited)
    spans = {n for n in _SPAN.findall(sentence) if n in graph_names and f"`{n}`" not in held}
    if spans:
        reasons.append("it names " + ", ".join(f"`{n}`" for n in sorted(spans)) + ", which its facts do not mention")
    return reasons


def _related(words: Sequence[str], facts: Sequence[Fact]) -> bool:
    """Whether the sentence uses a content word of one of its facts (their text, names or terms)."""
    vocabulary = set()
    for fact in facts:
        vocabulary |= {w for w in name_words(fact.text) if len(w) > 3}
        vocabulary |= {w for n in fact.names for w in name_words(n) if len(w) > 3}
        vocabulary |= set(fact.terms)
    sentence = {w for word in words for w in name_words(word)}
    return bool((sentence - _COMMON) & (vocabulary - _COMMON))

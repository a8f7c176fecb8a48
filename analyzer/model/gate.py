"""The gate every piece of model text passes before a reader sees it (model text is untrusted input).

:func:`check_text` looks at one text the way a careful reviewer would and returns a
:class:`Verdict`: published, or withheld with the reasons in words.  It withholds text that

* repeats itself: the same sentence twice or more, recurring word runs, or a text that
  compresses like a loop (zlib);
* echoes our own prompt (the templates in ``templates/`` and fill-ins) or copies the facts block;
* talks about the task instead of the repository ("Task step", "the draft", "your answer");
* was cut off at the token limit (``finish_reason == "length"``);
* carries headings the model invented (prompt parts, "Step 16", "Final answer");
* contradicts the computed facts (:func:`~analyzer.model.claims.check_claims` on the final text);
* names mostly things the graph does not have, or no repository name at all.

It works on text alone, so it gates any generator: llama.cpp here or an OpenAI-compatible server.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from analyzer.model.checks import Facts, KnownNames, check_claims, check_grounding
from analyzer.model.prose import prose_spans

__all__ = ["Reference", "Verdict", "check_text"]

#: words in a run that counts as echo of our prompt or of the facts block
ECHO_WORDS = 6
#: words in a run whose recurrence counts as a loop
LOOP_WORDS = 6
#: share of a text's word runs that may recur before it reads as a loop
LOOP_SHARE = 0.25
#: zlib size / text size below which a text (of at least COMPRESS_MIN bytes) is a loop
COMPRESS_RATIO = 0.3
COMPRESS_MIN = 400
#: share of a text's word runs that may be copied from the facts block
FACTS_SHARE = 0.5
#: unknown names tolerated (and marked) while they are no more than the verified ones
UNKNOWN_MIN = 3

_WORD = re.compile(r"[a-z0-9_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_TASK_TALK = re.compile(
    r"\btask step\b|\b(?:the|my|this|your|first) (?:draft|critique)\b|\bcritique\b|\byour (?:final )?answer\b"
    r"|\byou(?:'ve| have) (?:completed|been asked)\b|\bthe (?:above |following )?instructions\b"
    r"|\bthis pass\b|\bautomated checks\b|\bproduction-ready answer\b|\bfinal answer\b|\bas an ai\b"
    r"|\bthe user'?s? (?:extra )?requirements\b|\bharshest critic\b",
    re.IGNORECASE,
)
_INVENTED_HEADING = re.compile(
    r"^(?:step\s*\d+\b.*|(?:the\s+)?(?:final\s+)?(?:answer|draft|critique|solution|response|output)\b.*"
    r"|(?:role|context|task|constraints|warning|what to do now|this pass\b.*|the goal|the current problem"
    r"|background\b.*|automated checks\b.*|scope of this answer|repository facts|the repository)$)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Reference:
    """What model text is checked against: the graph's names, the computed facts, and our own words.

    ``prompt`` holds every text of ours the model read (templates, fill-ins);
    ``facts_text`` the facts block as the model read it.
    """

    known: KnownNames
    facts: Facts
    prompt: tuple[str, ...] = ()
    facts_text: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a model text may be published, and if not, why (reasons in plain words)."""

    published: bool
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """The reasons joined for one line ("" when published)."""
        return "; ".join(self.reasons)


def check_text(
    text: str, reference: Reference, *, finish_reason: str = "stop", max_tokens: int = 0, needs_names: bool = True
) -> Verdict:
    """The gate's verdict on one model text (``needs_names``: it must name something in the graph)."""
    if not text.strip():
        return Verdict(False, ("the model returned no text",))
    reasons = [
        *_repetition(text),
        *_echo(text, reference),
        *_task_talk(text),
        *_invented_headings(text),
        *_claims(text, reference.facts),
        *_names(text, reference.known, needs_names),
    ]
    if finish_reason == "length":
        limit = f" ({max_tokens} tokens)" if max_tokens else ""
        reasons.append(f"it was cut off at the token limit{limit}")
    return Verdict(not reasons, tuple(reasons))


# --- private helpers ----------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _runs(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


def _prose(text: str) -> str:
    return "\n".join(text[s:e] for s, e in prose_spans(text))


def _repetition(text: str) -> list[str]:
    reasons = []
    text = _prose(text)  # diagrams and code repeat by nature
    sentences = Counter(" ".join(w) for w in (_words(s) for s in _SENTENCE_END.split(text)) if len(w) >= 4)
    repeated = sorted(n for n in sentences.values() if n > 1)
    if repeated:
        times = "twice" if repeated[-1] == 2 else f"up to {repeated[-1]} times"
        reasons.append(f"it repeats itself ({len(repeated)} sentence{'s' * (len(repeated) > 1)} {times})")
    runs = _runs(_words(text), LOOP_WORDS)
    if len(runs) >= 4 * LOOP_WORDS:
        recurring = len(runs) - len(set(runs))
        if recurring / len(runs) > LOOP_SHARE:
            reasons.append(f"it loops ({recurring * 100 // len(runs)}% of its {LOOP_WORDS}-word runs recur)")
    raw = text.encode("utf-8")
    if len(raw) >= COMPRESS_MIN and not reasons:
        ratio = len(zlib.compress(raw, 9)) / len(raw)
        if ratio < COMPRESS_RATIO:
            reasons.append(f"it compresses to {ratio:.0%} of its size, as a loop does")
    return reasons


def _echo(text: str, reference: Reference) -> list[str]:
    runs = set(_runs(_words(text), ECHO_WORDS))
    if not runs:
        return []
    reasons = []
    ours = {r for t in reference.prompt for part in t.split("\n\n") for r in _runs(_words(part), ECHO_WORDS)}
    echoed = runs & ours
    if echoed:
        sample = " ".join(min(echoed))
        reasons.append(f'it echoes the prompt ({len(echoed)} phrases such as "{sample}")')
    copied = runs & set(_runs(_words(reference.facts_text), ECHO_WORDS))
    if len(copied) / len(runs) > FACTS_SHARE:
        reasons.append(f"it copies the facts block ({len(copied) * 100 // len(runs)}% of its phrases)")
    return reasons


def _task_talk(text: str) -> list[str]:
    found = sorted({m.group(0).lower() for m in _TASK_TALK.finditer(_prose(text))})
    if not found:
        return []
    return ["it talks about the task instead of the repository (" + ", ".join(f'"{f}"' for f in found[:4]) + ")"]


def _invented_headings(text: str) -> list[str]:
    prose = _prose(text)
    invented = sorted({h.strip("*_: ") for h in _HEADING.findall(prose) if _INVENTED_HEADING.match(h.strip("*_: "))})
    if not invented:
        return []
    shown = ", ".join(f'"{h}"' for h in invented[:3]) + (f" and {len(invented) - 3} more" if len(invented) > 3 else "")
    return [f"it invents headings ({shown})"]


def _claims(text: str, facts: Facts) -> list[str]:
    findings = check_claims(text, facts)
    if not findings:
        return []
    first = findings[0]
    return [f'it contradicts the computed facts ({len(findings)}: "{first.claim}", but {first.fact})']


def _names(text: str, known: KnownNames, needs_names: bool) -> list[str]:
    grounding = check_grounding(text, known)
    unknown, verified = len(grounding.unknown), len(grounding.verified)
    if unknown >= UNKNOWN_MIN and unknown > verified:
        return [f"most names it uses are not in the repository ({unknown} unknown, {verified} found)"]
    if needs_names and not verified:
        return ["it names no file, module or symbol of the repository"]
    return []

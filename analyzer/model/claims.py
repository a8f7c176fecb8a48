"""Fact checks of model output: simple factual claims compared with what static analysis computed.

:func:`check_claims` compares simple factual claims (file count, lines of code, cycles, "A imports B",
"written in X") in the prose of a text with :class:`Facts` and returns :class:`Finding` items, one
sentence at a time (sentences about the future or a wish are skipped); :func:`render_findings` lists
them for the critique prompt.  :func:`facts_of` builds the facts from a static analysis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from analyzer.model.prose import EXTENSIONS, PATH, prose_spans
from analyzer.static.result import StaticAnalysis

__all__ = ["Facts", "Finding", "check_claims", "facts_of", "render_findings"]


@dataclass(frozen=True, slots=True)
class Facts:
    """Figures computed by analysis that model claims are checked against.

    ``languages`` maps language -> file count as sorted pairs; ``cycles`` lists
    the members of each dependency cycle; ``edges`` holds internal file-level
    dependencies (source, target); ``files`` the repository's file paths.
    """

    file_count: int
    loc: int
    languages: tuple[tuple[str, int], ...] = ()
    cycles: tuple[tuple[str, ...], ...] = ()
    edges: frozenset[tuple[str, str]] = frozenset()
    files: tuple[str, ...] = ()

    @classmethod
    def from_plain(
        cls,
        *,
        file_count: int,
        loc: int,
        languages: Iterable[tuple[str, int]] = (),
        cycles: Iterable[Iterable[str]] = (),
        edges: Iterable[tuple[str, str]] = (),
        files: Iterable[str] = (),
    ) -> Facts:
        """Build from plain iterables (sorted, so equal inputs give equal facts)."""
        return cls(
            file_count,
            loc,
            tuple(sorted(languages)),
            tuple(sorted(tuple(sorted(c)) for c in cycles)),
            frozenset(edges),
            tuple(sorted(files)),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """A claim in the model's text that the computed facts contradict."""

    kind: str  # cycles | file-count | loc | language | edge | unknown-name
    claim: str
    fact: str

    def render(self) -> str:
        return f'[{self.kind}] The text says "{self.claim}", but {self.fact}.'


def check_claims(text: str, facts: Facts) -> tuple[Finding, ...]:
    """Findings for claims in ``text`` that contradict ``facts`` (fenced code is ignored)."""
    prose = "\n".join(text[s:e] for s, e in prose_spans(text))
    findings: list[Finding] = []
    for sentence in _sentences(prose):
        if _HYPOTHETICAL.search(sentence):
            continue
        findings.extend(_check_cycles(sentence, facts))
        findings.extend(_check_file_count(sentence, facts))
        findings.extend(_check_loc(sentence, facts))
        findings.extend(_check_language(sentence, facts))
        findings.extend(_check_edges(sentence, facts))
    unique = dict.fromkeys(findings)
    return tuple(sorted(unique, key=lambda f: (f.kind, f.claim, f.fact)))


def render_findings(findings: Sequence[Finding]) -> str:
    """Findings as a Markdown list (empty string when there are none)."""
    return "\n".join(f"- {f.render()}" for f in findings)


# --- claim checks (one sentence at a time) ---------------------------------------

_NUMBER_WORDS = {
    "no": 0,
    "zero": 0,
    "one": 1,
    "a": 1,
    "a single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NUM = r"\d[\d,]*|zero|one|two|three|four|five|six|seven|eight|nine|ten"
_REPO_WORDS = re.compile(r"\b(?:repository|repo|codebase|code base|project|total|overall|in all|altogether)\b", re.I)
_PART_WORDS = re.compile(r"\b(?:largest|longest|biggest|smallest|each|per|average|function|class)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*_(\[])|\n+")
_NO_CYCLES = re.compile(
    r"\b(?:no|zero|without(?:\s+any)?|free\s+(?:of|from)|(?:not|n't)\s+(?:have|has|contain|contains|show|form)\s+any)"
    r"\s+(?:[\w-]+\s+){0,2}?(?:cycles?|circular)|\b(?:acyclic|cycle-free)\b",
    re.I,
)
_CYCLE_COUNT = re.compile(
    rf"\b({_NUM})\s+(?:[\w-]+\s+)?(?:cycles|cycle|circular\s+(?:dependencies|dependency|imports|import))\b", re.I
)
_CYCLE_WORD = re.compile(r"\b(?:cycles?|circular|cyclic|acyclic|cycle-free)\b", re.I)
#: sentences about the future or a wish state no fact about the code as it is
_HYPOTHETICAL = re.compile(
    r"\b(?:will|would|could|after|once|ideally|aim|goal|target|should\s+(?:have|be|contain))\b", re.I
)
_FILE_COUNT = re.compile(
    rf"\b({_NUM})\s+(?:([A-Za-z+#]+)\s+)?(?:source\s+|code\s+)?files\b(?!\s+(?:in|under|inside|within|that|which|import|depend|use|call|of|from|are\s+in)\b(?!\s+(?:total|all)\b))",
    re.I,
)
_LOC = re.compile(
    r"(?:~|\b(?:about|around|roughly|approximately|nearly|over|some|almost)\s+)?"
    r"\b(\d[\d,]*(?:\.\d+)?)\s*(k|K|thousand)?\s+(?:non-blank\s+|source\s+)?(?:lines\s+of\s+code|LOC)\b"
)
_WRITTEN_IN = re.compile(
    r"\bwritten\s+(entirely\s+|only\s+|solely\s+|purely\s+|exclusively\s+)?in\s+"
    r"(C\+\+|C#|Python|JavaScript|TypeScript|Java|Go|Golang|Rust|C|Ruby|PHP|Kotlin|Swift|Scala)\b(?!\+|#)"
)
_NAME = rf"`[^`\n]+`|(?:[\w.-]+/)*[\w-][\w.-]*\.(?:{EXTENSIONS})\b"
_EDGE = re.compile(
    rf"(?P<a>{_NAME})\s+(?P<neg>does\s+not\s+|doesn't\s+|never\s+)?(?P<verb>imports?|depends?\s+on|is\s+imported\s+by)"
    rf"\s+(?P<rest>(?:{_NAME})(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:{_NAME}))*)"
)


def _sentences(prose: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(prose) if s.strip()]


def _number(text: str) -> int | None:
    word = text.lower().replace(",", "")
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def _short(sentence: str, limit: int = 160) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _cycles_fact(facts: Facts) -> str:
    if not facts.cycles:
        return "the dependency graph has no cycle"
    shown = "; ".join(" <-> ".join(c) for c in facts.cycles[:3])
    more = f" (and {len(facts.cycles) - 3} more)" if len(facts.cycles) > 3 else ""
    return f"the dependency graph has {len(facts.cycles)} cycle(s): {shown}{more}"


def _check_cycles(sentence: str, facts: Facts) -> list[Finding]:
    if not _CYCLE_WORD.search(sentence):
        return []
    if _NO_CYCLES.search(sentence):
        return [Finding("cycles", _short(sentence), _cycles_fact(facts))] if facts.cycles else []
    counted = _CYCLE_COUNT.search(sentence)
    if counted:
        number = _number(counted.group(1))
        if number is not None and number != len(facts.cycles):
            return [Finding("cycles", _short(sentence), _cycles_fact(facts))]
        return []
    members = {p for p in (_resolve(n, facts.files) for n in _names_in(sentence)) if p}
    if len(members) >= 2 and not any(members <= set(c) for c in facts.cycles):
        return [Finding("cycles", _short(sentence), _cycles_fact(facts))]
    return []


def _check_file_count(sentence: str, facts: Facts) -> list[Finding]:
    if not _REPO_WORDS.search(sentence):
        return []
    found = []
    languages = {_language_key(lang): n for lang, n in facts.languages}
    for match in _FILE_COUNT.finditer(sentence):
        number = _number(match.group(1))
        qualifier = _language_key(match.group(2) or "")
        expected, what = facts.file_count, "files"
        if qualifier in languages:
            expected, what = languages[qualifier], f"{match.group(2)} files"
        if number is not None and number != expected:
            found.append(Finding("file-count", _short(sentence), f"the repository has {expected} {what}"))
    return found


def _check_loc(sentence: str, facts: Facts) -> list[Finding]:
    if not _REPO_WORDS.search(sentence) or PATH.search(sentence) or _PART_WORDS.search(sentence) or facts.loc <= 0:
        return []
    found = []
    for match in _LOC.finditer(sentence):
        value = float(match.group(1).replace(",", "")) * (1000 if match.group(2) else 1)
        if abs(value - facts.loc) > 0.1 * facts.loc:
            found.append(Finding("loc", _short(sentence), f"the repository has {facts.loc} lines of code"))
    return found


def _check_language(sentence: str, facts: Facts) -> list[Finding]:
    match = _WRITTEN_IN.search(sentence)
    if not match or not facts.languages:
        return []
    present = {_language_key(lang) for lang, _ in facts.languages}
    listed = ", ".join(f"{lang} ({n} files)" for lang, n in facts.languages)
    claimed = _language_key(match.group(2))
    if claimed not in present or (match.group(1) and len(present) > 1):
        return [Finding("language", _short(sentence), f"the repository's languages are {listed}")]
    return []


def _check_edges(sentence: str, facts: Facts) -> list[Finding]:
    found = []
    for match in _EDGE.finditer(sentence):
        source = _resolve(match.group("a"), facts.files)
        for other in re.findall(_NAME, match.group("rest")):
            target = _resolve(other, facts.files)
            if not source or not target or source == target:
                continue
            a, b = (target, source) if match.group("verb").startswith("is") else (source, target)
            exists = (a, b) in facts.edges
            if exists == bool(match.group("neg")):
                fact = (
                    f"{a} does depend on {b}"
                    if exists
                    else f"no dependency from {a} to {b} was found"
                    + (f" (only {b} -> {a})" if (b, a) in facts.edges else "")
                )
                found.append(Finding("edge", _short(match.group(0)), fact))
    return found


def _names_in(sentence: str) -> list[str]:
    return re.findall(_NAME, sentence)


def _language_key(name: str) -> str:
    key = name.lower().replace("c#", "csharp").replace("c++", "cpp").replace("golang", "go")
    return re.sub(r"[^a-z0-9]", "", key)


def _resolve(name: str, files: tuple[str, ...]) -> str | None:
    """The one file a name (path, path suffix, module, basename) stands for, if exactly one."""
    key = name.strip("`").removesuffix("()").strip()
    matches = _file_keys(files).get(key, ())
    return matches[0] if len(matches) == 1 else None


@lru_cache(maxsize=8)
def _file_keys(files: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    keys: dict[str, set[str]] = {}
    for path in files:
        pure = PurePosixPath(path)
        parts = pure.with_suffix("").parts
        forms = {path, str(pure.with_suffix("")), pure.name, pure.stem}
        for i in range(len(parts)):
            forms.add("/".join(pure.parts[i:]))
            forms.add(".".join(parts[i:]))
        if pure.stem in ("__init__", "index", "mod") and len(parts) > 1:
            forms.add(".".join(parts[:-1]))
        for form in forms:
            keys.setdefault(form, set()).add(path)
    return {k: tuple(sorted(v)) for k, v in keys.items()}


def facts_of(static: StaticAnalysis) -> Facts:
    """The figures claims are checked against."""
    langs: dict[str, int] = {}
    for p in static.parsed:
        langs[p.source.language] = langs.get(p.source.language, 0) + 1
    return Facts.from_plain(
        file_count=len(static.parsed),
        loc=sum(p.loc for p in static.parsed),
        languages=langs.items(),
        cycles=[c.nodes for c in static.analysis.cycles],
        edges={(d.source, d.target) for d in static.resolution.dependencies if d.kind == "import"},
        files=[p.path for p in static.parsed],
    )

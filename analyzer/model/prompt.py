"""Prompt building: templates (Markdown data in ``analyzer/prompts/``) + task -> chat messages.

Pure functions, no model.  Every conversation has exactly two messages:

* the **system** message: the template's part before its ``<!-- user -->``
  marker, holding the role, the computed repository facts and the repository
  context wrapped as delimited *data*.  It depends only on the template, the
  facts and the context, so it is byte-identical across every pass (draft,
  critique, final) and every job (report, plan): llama.cpp reuses its KV cache.
* the **user** message: the rest of the template (problem, goal, task,
  constraints) followed by the instructions of the current pass.  Only this
  tail differs between passes, and the pass-specific part comes last.

Placeholders are ``{name}`` with a lower-case identifier; ``{{name}}`` is a
literal ``{name}``; other braces (JSON examples) are left alone.  A template
using an unknown placeholder raises :class:`~analyzer.errors.ConfigError`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal, TypedDict

from analyzer.errors import ConfigError

#: placeholders that may appear in the system part (constant across passes)
PREFIX_PLACEHOLDERS = frozenset({"facts", "context"})
#: placeholders that may appear only in the user part (they vary per job / pass)
TAIL_PLACEHOLDERS = frozenset({"problem", "goal", "target", "section", "task"})
PLACEHOLDERS = PREFIX_PLACEHOLDERS | TAIL_PLACEHOLDERS
#: placeholders a caller fills through ``extra``; the others are computed here
EXTRA_PLACEHOLDERS = frozenset({"target"})

BUILTIN_KINDS = ("pro", "basic")
USER_MARKER = re.compile(r"<!--\s*user\s*-->")

_PLACEHOLDER = re.compile(r"\{\{([a-z_][a-z0-9_]*)\}\}|\{([a-z_][a-z0-9_]*)\}")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLANK_RUNS = re.compile(r"\n{3,}")
_NO_GOAL = "none beyond the task above."
_DEFAULT_TARGET = "a cleaner architecture in the repository's current language(s)"
_NO_FINDINGS = "(none: the automated checks found no problem)"

# pass template -> the placeholders it may use
_PASS_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "draft": frozenset(),
    "critique": frozenset({"draft", "findings"}),
    "final": frozenset({"draft", "critique", "findings"}),
    "section": frozenset({"section"}),
    "map": frozenset({"part", "parts"}),
    "reduce": frozenset({"parts"}),
    "boundaries-json": frozenset(),
    "data": frozenset({"begin", "data", "end"}),
    "problem-report": frozenset(),
    "problem-plan": frozenset({"target"}),
    "structured-system": frozenset({"facts"}),
    "task-finding": frozenset({"fact", "id", "subject"}),
    "task-boundary": frozenset({"fact", "id", "terms"}),
    "task-cycle": frozenset({"fact", "id"}),
    "task-wave": frozenset({"fact", "id"}),
}


class ChatMessage(TypedDict):
    """One chat message, as llama.cpp's ``create_chat_completion`` takes it."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """A main prompt split into its constant system part and its per-pass user part."""

    name: str
    system: str
    user: str

    @property
    def placeholders(self) -> frozenset[str]:
        """Placeholder names the template uses."""
        return _names(self.system) | _names(self.user)


@dataclass(frozen=True, slots=True)
class PromptJob:
    """Everything a conversation needs besides the pass: one report or plan (or one section of it).

    ``task`` is ``"report"``, ``"plan"`` or free text stating the problem;
    ``extra`` holds further placeholder values as sorted pairs (``target``).
    """

    template: PromptTemplate
    context_text: str
    facts: str
    task: str = "report"
    goal: str = ""
    section: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def with_context(self, context_text: str) -> PromptJob:
        """The same job over another (for example shrunken) repository context."""
        return replace(self, context_text=context_text)

    def with_section(self, section: str | None) -> PromptJob:
        """The same job narrowed to one section of the answer."""
        return replace(self, section=section)


def load_prompt(kind: Literal["pro", "basic"] | Path) -> PromptTemplate:
    """Load the built-in ``"pro"`` / ``"basic"`` prompt, or a user's prompt file.

    A user's file uses the same placeholders as ``analyzer/prompts/pro.md``.
    Without a ``<!-- user -->`` line, the system part ends before the first
    line holding one of ``{problem} {goal} {target} {section} {task}``.

    Raises:
        ConfigError: unknown built-in kind, unreadable file, unknown
            placeholder, or a placeholder on the wrong side of the split.
    """
    if isinstance(kind, Path):
        try:
            text = kind.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read prompt file {kind}: {error}") from error
        return _parse_template(str(kind), text)
    if kind not in BUILTIN_KINDS:
        raise ConfigError(f"unknown prompt {kind!r}; use one of {', '.join(BUILTIN_KINDS)} or a file path")
    return _builtin_template(kind)


def build_messages(
    template: PromptTemplate,
    *,
    context_text: str,
    facts: str,
    task: str,
    goal: str,
    section: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> list[ChatMessage]:
    """Messages for the first (draft) pass of a job; see :class:`PromptJob` for the arguments."""
    return draft_messages(
        make_job(template, context_text=context_text, facts=facts, task=task, goal=goal, section=section, extra=extra)
    )


def make_job(
    template: PromptTemplate,
    *,
    context_text: str,
    facts: str,
    task: str = "report",
    goal: str = "",
    section: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> PromptJob:
    """Build a :class:`PromptJob`; ``extra`` may only fill ``{target}``."""
    pairs = tuple(sorted((extra or {}).items()))
    unknown = sorted(key for key, _ in pairs if key not in EXTRA_PLACEHOLDERS)
    if unknown:
        raise ValueError(f"extra placeholders not allowed: {', '.join(unknown)}")
    return PromptJob(template, context_text, facts, task, goal, section, pairs)


def draft_messages(job: PromptJob) -> list[ChatMessage]:
    """Pass 1: reason step by step and write a complete first draft."""
    return _messages(job, _render_pass("draft", {}))


def critique_messages(job: PromptJob, draft: str, findings: str | Sequence[str]) -> list[ChatMessage]:
    """Pass 2: criticize ``draft``, given the automated ``findings`` (rendered text or one item each)."""
    values = {"draft": draft.strip(), "findings": _findings_text(findings)}
    return _messages(job, _render_pass("critique", values))


def final_messages(job: PromptJob, draft: str, critique: str, findings: str | Sequence[str]) -> list[ChatMessage]:
    """Pass 3: the final answer, fixing what the critique and the findings name."""
    values = {"draft": draft.strip(), "critique": critique.strip(), "findings": _findings_text(findings)}
    return _messages(job, _render_pass("final", values))


def boundaries_messages(job: PromptJob) -> list[ChatMessage]:
    """Ask for the target module boundaries as one JSON object (same shared prefix)."""
    return _messages(job, _render_pass("boundaries-json", {}))


def map_messages(job: PromptJob, part: int, parts: int) -> list[ChatMessage]:
    """Notes on one part of a repository too large for one context (``job.context_text`` is that part)."""
    return _messages(job, _render_pass("map", {"part": str(part), "parts": str(parts)}))


def reduce_messages(job: PromptJob, notes: Sequence[str]) -> list[ChatMessage]:
    """Merge the notes of every part; the notes become the job's repository data."""
    joined = "\n\n".join(
        f"### Notes on part {i} of {len(notes)}\n\n{note.strip()}" for i, note in enumerate(notes, start=1)
    )
    return _messages(job.with_context(joined), _render_pass("reduce", {"parts": str(len(notes))}))


def task_messages(facts: str, task: str, values: Mapping[str, str]) -> list[ChatMessage]:
    """One structured task (``task-<task>.md`` filled with ``values``) after the system message all the
    structured tasks of a run share: ``structured-system.md`` with the numbered ``facts`` as data.  The
    ``fact`` value (it names repository files) is delimited data too; other values must hold no
    repository text but plain words (IDs, domain terms)."""
    system = _render_pass("structured-system", {"facts": wrap_data(facts)})
    # the fact names repository files: data, never instruction text
    filled = {k: wrap_data(v) if k == "fact" else v for k, v in values.items()}
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": _render_pass(f"task-{task}", filled)},
    ]


def task_text(task: str) -> str:
    """The words of one structured task's template (placeholders cut out), for the check that an answer
    does not copy its own instructions."""
    return _PLACEHOLDER.sub("\n\n", _pass_template(f"task-{task}"))


def system_prefix(job: PromptJob) -> str:
    """The system message every pass of ``job`` shares (for KV cache warm-up and tests)."""
    return _render_system(job.template, job.facts, job.context_text)


def wrap_data(text: str) -> str:
    """Wrap repository text as delimited data, with a nonce the data itself cannot forge."""
    nonce = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    values = {
        "begin": f"<<<REPOSITORY DATA {nonce} BEGIN>>>",
        "end": f"<<<REPOSITORY DATA {nonce} END>>>",
        "data": text.strip("\n"),
    }
    return _render_pass("data", values)


def prompt_texts(template: PromptTemplate) -> tuple[str, ...]:
    """Every text of ours a model reads besides the repository data: ``template``, each pass and
    problem template, and the fixed fill-ins (what the gate looks for as echo in model text).

    Placeholders are cut out (a phrase across one is never ours), comments removed.
    """
    texts = [template.system, template.user, *map(_pass_template, _PASS_PLACEHOLDERS), _NO_FINDINGS, _NO_GOAL]
    return tuple(_PLACEHOLDER.sub("\n\n", t) for t in texts)


# --- private helpers ----------------------------------------------------------


def _messages(job: PromptJob, pass_text: str) -> list[ChatMessage]:
    extra = dict(job.extra)
    target = extra.get("target", "").strip() or _DEFAULT_TARGET
    values = {
        "problem": _problem(job.task, target),
        "goal": job.goal.strip() or _NO_GOAL,
        "target": target,
        "section": job.section or "",
        "task": _join(_render_pass("section", {"section": job.section}) if job.section else "", pass_text),
    }
    user = _render(job.template.user, values, job.template.name)
    if "task" not in _names(job.template.user):
        user = _join(user, values["task"])
    return [
        {"role": "system", "content": system_prefix(job)},
        {"role": "user", "content": user},
    ]


def _render_system(template: PromptTemplate, facts: str, context_text: str) -> str:
    # The facts name files and symbols of the repository: they are data too.
    values = {"facts": wrap_data(facts) if facts.strip() else "(no facts computed)", "context": wrap_data(context_text)}
    system = _render(template.system, values, template.name)
    used = _names(template.system)
    missing = [
        f"## Repository facts\n\n{values['facts']}" if "facts" not in used else "",
        f"## Repository\n\n{values['context']}" if "context" not in used else "",
    ]
    return _join(system, *missing)


def _problem(task: str, target: str) -> str:
    if task == "report":
        return _render_pass("problem-report", {})
    if task == "plan":
        return _render_pass("problem-plan", {"target": target})
    return task.strip()


def _findings_text(findings: str | Sequence[str]) -> str:
    if isinstance(findings, str):
        return findings.strip() or _NO_FINDINGS
    items = [f.strip() for f in findings if f.strip()]
    if not items:
        return _NO_FINDINGS
    return "\n".join(item if item.startswith(("- ", "* ")) else f"- {item}" for item in items)


def _join(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _names(text: str) -> frozenset[str]:
    return frozenset(m.group(2) for m in _PLACEHOLDER.finditer(text) if m.group(2))


def _render(text: str, values: Mapping[str, str], source: str) -> str:
    """Replace every placeholder in one pass (inserted values are never rescanned)."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(1):
            return "{" + match.group(1) + "}"
        name = match.group(2)
        if name not in values:
            raise ConfigError(f"prompt {source}: no value for placeholder {{{name}}}")
        return values[name]

    return _PLACEHOLDER.sub(substitute, text)


def _clean(text: str) -> str:
    return _BLANK_RUNS.sub("\n\n", _COMMENT.sub("", text)).strip()


def _check_names(source: str, text: str, allowed: frozenset[str]) -> None:
    unknown = sorted(_names(text) - allowed)
    if unknown:
        known = " ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
        raise ConfigError(f"prompt {source}: unknown placeholder {{{unknown[0]}}} (known: {known})")


def _parse_template(source: str, text: str) -> PromptTemplate:
    marker = USER_MARKER.search(text)
    if marker:
        system, user = _clean(text[: marker.start()]), _clean(text[marker.end() :])
    else:
        cleaned = _clean(text)
        system, user = _auto_split(cleaned)
    _check_names(source, system + "\n" + user, PLACEHOLDERS)
    late = sorted(_names(user) & PREFIX_PLACEHOLDERS)
    if late:
        raise ConfigError(
            f"prompt {source}: {{{late[0]}}} must come before {{problem}}, {{goal}} and {{task}} "
            "(or above a '<!-- user -->' line) so every pass shares the same system prompt"
        )
    early = sorted(_names(system) & TAIL_PLACEHOLDERS)
    if early:
        raise ConfigError(f"prompt {source}: {{{early[0]}}} must come after the '<!-- user -->' line")
    return PromptTemplate(source, system, user)


def _auto_split(text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if _names(line) & TAIL_PLACEHOLDERS:
            return "".join(lines[:i]).strip(), "".join(lines[i:]).strip()
    return text, ""


@cache
def _builtin_template(kind: str) -> PromptTemplate:
    return _parse_template(kind, _read_resource(kind))


@cache
def _pass_template(name: str) -> str:
    text = _clean(_read_resource(name))
    _check_names(f"{name}.md", text, _PASS_PLACEHOLDERS[name])
    return text


def _render_pass(name: str, values: Mapping[str, str]) -> str:
    return _render(_pass_template(name), values, f"{name}.md")


def _read_resource(name: str) -> str:
    return (resources.files("analyzer.model.templates") / f"{name}.md").read_text(encoding="utf-8")

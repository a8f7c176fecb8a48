"""Rules from the plan: the proposed boundaries kept independent, today's crossings as exceptions.

Each boundary (but the ``shared`` kernel and the ``entrypoints``, which stay outside every group)
becomes a group of an ``independence`` rule.  A group names the directories the boundary owns
whole (``dir/**``, so a file added there joins it) and lists its other files one by one.  A
boundary's *declared interface* is its files named as a package's face (``__init__``, ``index``,
``api``, ``mod``, ``lib``, ``public``) that other boundaries already use: edges into them are
allowed.  Every other crossing found today is written as an exception, so the file passes on the
repository it was written for and fails on the first new crossing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from analyzer.domain import Dependency
from analyzer.rules.check import check_rules
from analyzer.rules.load import parse_rules
from analyzer.rules.spec import RuleSet

#: file stems that name a package's public face in the supported languages
FACE_STEMS = frozenset({"__init__", "index", "api", "mod", "lib", "public"})
RULE_NAME = "boundaries stay independent"
REASON = "crossing present when the plan was written"


def plan_rules(
    boundaries: Sequence[tuple[str, Sequence[str]]],
    namespaces: Mapping[str, str],
    dependencies: Sequence[Dependency],
    outside: frozenset[str] = frozenset(),
) -> tuple[str, RuleSet]:
    """The rules file text for ``boundaries`` ((name, files); those named in ``outside`` are left out
    of the groups), and the rule set it loads as."""
    owner = {f: name for name, files in boundaries for f in files}
    under = _owners_below(owner)
    groups = [(name, files) for name, files in boundaries if name not in outside and files]
    lines = [
        "# Written by `analyze --plan --rules-out`: the proposed boundaries stay independent except through",
        "# their declared interfaces; the shared kernel and the entry points belong to no group.",
        "# Each exception is a crossing found when the plan was written: remove it once the code no longer needs it.",
        "version = 1",
        "",
        "[[rule]]",
        f"name = {json.dumps(RULE_NAME)}",
        'kind = "independence"',
        'edges = ["import", "inherit", "call"]',
        "groups = [",
        *(f"  {_array(_patterns(name, files, under))},  # {name}" for name, files in groups),
        "]",
        f"interfaces = {_array(_interfaces(groups, owner, dependencies))}",
    ]
    text = "\n".join(lines) + "\n"
    if len(groups) < 2:  # nothing to keep apart
        return "", RuleSet("", ())
    found = check_rules(_load(text), namespaces, dependencies)
    for v in found.violations:
        text += (
            f'\n[[rule.exception]]\nfrom = {json.dumps(v.source)}\nto = {json.dumps(v.target)}\nreason = "{REASON}"\n'
        )
    return text, _load(text)


def _load(text: str) -> RuleSet:
    import tomllib

    return parse_rules(tomllib.loads(text), text, "(planned rules)")


def _owners_below(owner: Mapping[str, str]) -> dict[str, set[str]]:
    """directory -> the boundaries of the files anywhere below it."""
    under: dict[str, set[str]] = {}
    for f, b in owner.items():
        parts = f.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            under.setdefault("/".join(parts[:i]), set()).add(b)
    return under


def _patterns(name: str, files: Sequence[str], under: Mapping[str, set[str]]) -> list[str]:
    """The topmost directories ``name`` owns whole, as ``dir/**``, and its files outside them."""
    out = set()
    for f in files:
        parts = f.split("/")[:-1]
        whole = next(
            ("/".join(parts[:i]) for i in range(1, len(parts) + 1) if under["/".join(parts[:i])] == {name}), None
        )
        out.add(f"{whole}/**" if whole else f)
    return sorted(out)


def _interfaces(
    groups: Sequence[tuple[str, Sequence[str]]], owner: Mapping[str, str], dependencies: Sequence[Dependency]
) -> list[str]:
    grouped = {f for _, files in groups for f in files}
    used = {d.target for d in dependencies if d.target in grouped and owner.get(d.source) != owner[d.target]}
    return sorted(f for f in used if f.rsplit("/", 1)[-1].split(".", 1)[0] in FACE_STEMS)


def _array(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(s) for s in items) + "]"

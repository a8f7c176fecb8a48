"""The model's module proposal: a JSON schema that limits files to the repository, and its validation.

The proposal is model text too: :func:`validate_proposal` keeps only what the graph confirms (known
files, each in one module, unique names, dependencies on named modules that close no cycle) and
drops modules left without a file, naming every drop.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["proposal_schema", "validate_proposal"]


def proposal_schema(files: Sequence[str]) -> dict[str, Any]:
    """JSON schema of a module-boundary proposal whose files must be repository files."""
    return {
        "type": "object",
        "properties": {
            "modules": {
                "type": "array",
                "minItems": 1,
                "maxItems": 12,
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,30}$"},
                        "responsibility": {"type": "string", "maxLength": 120},
                        "files": {"type": "array", "maxItems": 40, "items": {"enum": list(files)}},
                        "depends_on": {
                            "type": "array",
                            "maxItems": 12,
                            "items": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,30}$"},
                        },
                    },
                    "required": ["name", "responsibility", "files", "depends_on"],
                },
            },
        },
        "required": ["modules"],
    }


def validate_proposal(text: str, files: Sequence[str], prompt: Sequence[str] = ()) -> dict[str, Any]:
    """Parse and check a proposal against the graph's files and our own prompt.

    Returns ``{"valid": bool, "problems": [...], "modules": [...]}`` where
    modules keep only known files (each file in its first module), unique
    names, and dependencies on named modules that do not close a cycle; a module left
    without a file is dropped (a boundary with nothing in it is no proposal), and so is one whose
    responsibility is copied from ``prompt`` (the template's example "domain types and rules" is
    not an answer).  Fewer than two modules are no decomposition: none is kept.
    """
    problems: list[str] = []
    try:
        data = json.loads(text)
    except ValueError as e:
        return {"valid": False, "problems": [f"not JSON: {e}"], "modules": []}
    raw = data.get("modules") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return {"valid": False, "problems": ["no modules list"], "modules": []}
    modules = _modules(raw, set(files), prompt, problems)
    _keep_acyclic_dependencies(modules, problems)
    if len(modules) == 1:
        problems.append("a single module is no decomposition: dropped")
        modules = []
    return {"valid": bool(modules) and not problems, "problems": problems, "modules": modules}


def _modules(raw: list[Any], known: set[str], prompt: Sequence[str], problems: list[str]) -> list[dict[str, Any]]:
    """The modules with a unique name, an answer of their own and repository files (each file once)."""
    seen_files: set[str] = set()
    names: list[str] = []
    modules: list[dict[str, Any]] = []
    for m in raw:
        if not isinstance(m, dict) or not isinstance(m.get("name"), str):
            problems.append("a module without a name was dropped")
            continue
        name = m["name"]
        if name in names:
            problems.append(f"duplicate module name {name!r} dropped")
            continue
        kept = []
        for f in m.get("files") or []:
            if f not in known:
                problems.append(f"unknown file {f!r} dropped")
            elif f in seen_files:
                problems.append(f"file {f!r} already in another module")
            else:
                seen_files.add(f)
                kept.append(f)
        if not kept:
            problems.append(f"module {name!r} has no repository file: dropped")
            continue
        if _copied(str(m.get("responsibility", "")), prompt):
            problems.append(f"module {name!r} copies its responsibility from the prompt's example: dropped")
            continue
        names.append(name)
        modules.append(
            {
                "name": name,
                "responsibility": str(m.get("responsibility", ""))[:120],
                "files": kept,
                "depends_on": [d for d in m.get("depends_on") or [] if isinstance(d, str)],
            }
        )
    return modules


def _keep_acyclic_dependencies(modules: list[dict[str, Any]], problems: list[str]) -> None:
    """Drop each dependency on an unknown module or one that would close a cycle."""
    edges: dict[str, set[str]] = {m["name"]: set() for m in modules}
    for m in modules:
        deps = []
        for d in m["depends_on"]:
            if d not in edges or d == m["name"]:
                problems.append(f"{m['name']} depends on unknown module {d!r}: dropped")
            elif _reaches(edges, d, m["name"]):
                problems.append(f"{m['name']} -> {d} would close a cycle: dropped")
            else:
                edges[m["name"]].add(d)
                deps.append(d)
        m["depends_on"] = deps


# --- private helpers ----------------------------------------------------------


def _reaches(edges: Mapping[str, set[str]], start: str, goal: str) -> bool:
    stack, seen = [start], set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return False


def _copied(text: str, prompt: Sequence[str]) -> bool:
    """Whether ``text`` (three words or more) stands word for word in one of our prompt texts."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    if len(words) < 3:
        return False
    phrase = " ".join(words)
    return any(phrase in " ".join(re.findall(r"[a-z0-9]+", ours.lower())) for ours in prompt)

"""tsconfig.json / jsconfig.json and package.json files, read for the JavaScript resolver.

A tsconfig's ``baseUrl`` and ``paths`` are followed through its local ``extends`` chain and
joined with the directory each option was written in; files are JSON with comments (JSONC).
Broken or unreadable files read as nothing.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from analyzer.static.languages._js_packages import WorkspacePackage, join_inside, read_package

_MAX_EXTENDS = 8


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """One tsconfig/jsconfig: ``directory`` it governs, resolved ``base_url`` and ``paths``.

    ``paths`` holds (pattern, repo-relative target patterns) pairs; every path
    here is repository-relative POSIX, already joined with the directory the
    option was written in.
    """

    directory: str
    base_url: str | None
    paths: tuple[tuple[str, tuple[str, ...]], ...]


def strip_jsonc(text: str) -> str:
    """Remove ``//`` and ``/* */`` comments and trailing commas, leaving strings intact."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "}]":
                i += 1  # trailing comma
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def read_json(path: Path) -> dict[str, object] | None:
    """A JSON(C) object from a file, or None when it is missing, unreadable or broken."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data = json.loads(strip_jsonc(text))
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def load_project(root: Path, directory: str, name: str) -> ProjectConfig | None:
    rel = f"{directory}/{name}" if directory else name
    chain = _extends_chain(root, rel)
    if not chain:
        return None
    base_url: str | None = None
    paths: dict[str, list[str]] | None = None
    paths_dir = ""
    for config_dir, options in reversed(chain):  # most distant ancestor first, then overrides
        raw_base = options.get("baseUrl")
        if isinstance(raw_base, str):
            base_url = join_inside(config_dir, raw_base)
        raw_paths = options.get("paths")
        if isinstance(raw_paths, dict):
            paths = {
                k: [t for t in v if isinstance(t, str)]
                for k, v in raw_paths.items()
                if isinstance(k, str) and isinstance(v, list)
            }
            paths_dir = config_dir
    resolved: list[tuple[str, tuple[str, ...]]] = []
    for pattern, targets in sorted((paths or {}).items()):
        # paths are relative to baseUrl when set, else to the config that declared them
        anchor = base_url if base_url is not None else paths_dir
        joined = tuple(j for j in (join_inside(anchor, t) for t in targets) if j is not None)
        resolved.append((pattern, joined))
    if base_url is None and not resolved:
        return ProjectConfig(directory, None, ())
    return ProjectConfig(directory, base_url, tuple(resolved))


def _extends_chain(root: Path, rel: str) -> list[tuple[str, dict[str, object]]]:
    """(directory, compilerOptions) of a config and the local configs it ``extends``, nearest first."""
    chain: list[tuple[str, dict[str, object]]] = []
    seen: set[str] = set()
    current: str | None = rel
    while current is not None and current not in seen and len(chain) < _MAX_EXTENDS:
        seen.add(current)
        data = read_json(root / current)
        if data is None:
            break
        options = data.get("compilerOptions")
        directory = posixpath.dirname(current)
        chain.append((directory, options if isinstance(options, dict) else {}))
        parent = data.get("extends")
        current = None
        if isinstance(parent, str) and parent.startswith("."):  # package configs live outside the repo
            current = join_inside(directory, parent if parent.endswith(".json") else parent + ".json")
    return chain


def load_package(root: Path, directory: str) -> WorkspacePackage | None:
    data = read_json(root / (f"{directory}/package.json" if directory else "package.json"))
    return read_package(data, directory) if data is not None else None

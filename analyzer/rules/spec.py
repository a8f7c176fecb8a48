"""The rule types: what a rules file says, once loaded and validated, and what checking it finds.

Patterns select files by repository path (``src/billing/**``, ``src/*/api.py``; a pattern without
glob characters names that file or everything below that directory) or, with a ``namespace:``
prefix, by the package or namespace the file declares (``namespace:com.acme.model``,
``namespace:com.acme.**``: Java, Kotlin, Go, C#, PHP).  For an ``externals`` rule the exception's
``to`` is a third-party package name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: the rule kinds, in the order the documentation lists them
KINDS = ("forbidden", "layers", "independence", "no-cycles", "externals")
#: the edge kinds of the graph (Dependency.kind); a rule covers all of them unless it names some
EDGE_KINDS = ("import", "inherit", "call")
NAMESPACE_PREFIX = "namespace:"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One glob over repository paths, or over declared namespaces (``namespace:`` prefix)."""

    text: str

    @property
    def is_namespace(self) -> bool:
        return self.text.startswith(NAMESPACE_PREFIX)

    def matches(self, path: str, namespace: str = "") -> bool:
        """Whether the file ``path`` (declaring ``namespace``) is selected."""
        if self.is_namespace:
            return (
                bool(namespace)
                and _namespace_regex(self.text[len(NAMESPACE_PREFIX) :]).fullmatch(namespace) is not None
            )
        return _path_regex(self.text).fullmatch(path) is not None


@dataclass(frozen=True, slots=True)
class Group:
    """A set of files named by patterns (a layer, an independent group, a scope)."""

    patterns: tuple[Pattern, ...]

    @property
    def label(self) -> str:
        return " | ".join(p.text for p in self.patterns)

    def matches(self, path: str, namespace: str = "") -> bool:
        paths, namespaces = _group_regexes(self.patterns)
        if paths is not None and paths.fullmatch(path):
            return True
        return bool(namespace) and namespaces is not None and namespaces.fullmatch(namespace) is not None


@dataclass(frozen=True, slots=True)
class Allowance:
    """A known exception: edges (or chains) from ``source`` to ``target`` that the rule tolerates for now."""

    source: Group
    target: Group
    reason: str
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a rules file.

    ``groups`` are, by kind: forbidden (the sources, the forbidden targets), layers (from the top
    layer down), independence (the groups), no-cycles (the scope), externals (the scope).
    """

    name: str
    kind: str
    groups: tuple[Group, ...]
    edges: tuple[str, ...] = EDGE_KINDS
    interfaces: Group = Group(())
    allow: tuple[str, ...] = ()  # externals: the third-party packages the scope may use (globs)
    exceptions: tuple[Allowance, ...] = ()
    line: int = 0

    @property
    def id(self) -> str:
        """A stable identifier for SARIF: the name in lower-case words joined by dashes."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or self.kind


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one file, in file order."""

    path: str
    rules: tuple[Rule, ...]

    @property
    def exception_count(self) -> int:
        return sum(len(r.exceptions) for r in self.rules)


@dataclass(frozen=True, slots=True)
class Violation:
    """One way the graph breaks a rule.

    ``source``/``line``/``edge``: the file, line and edge kind of the first step; ``target``: the file
    (or third-party package) reached; ``chain``: every file from ``source`` to ``target`` (two for a
    direct edge; a cycle ends where it starts).
    """

    rule: str
    kind: str
    source: str
    line: int
    target: str
    edge: str
    chain: tuple[str, ...]
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.source, self.line, self.target, self.rule)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What checking a rule set found: violations, and how the known exceptions were used."""

    rules: RuleSet
    violations: tuple[Violation, ...]
    excused: int  # violations an exception tolerated
    stale: tuple[tuple[str, int], ...]  # (rule name, line) of exceptions that matched nothing

    @property
    def is_ok(self) -> bool:
        return not self.violations


def _glob_regex(glob: str, sep: str) -> re.Pattern[str]:
    """``**`` any number of segments, ``*`` and ``?`` within one segment (``sep`` separates them)."""
    s = re.escape(sep)
    out, i = [], 0
    while i < len(glob):
        if glob.startswith(f"**{sep}", i):
            out.append(f"(?:[^{s}]*{s})*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append(f"[^{s}]*")
            i += 1
        elif glob[i] == "?":
            out.append(f"[^{s}]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))


_PATHS: dict[str, re.Pattern[str]] = {}
_NAMESPACES: dict[str, re.Pattern[str]] = {}


def _path_regex(glob: str) -> re.Pattern[str]:
    if glob not in _PATHS:
        text = glob.strip("/")
        if not any(c in text for c in "*?"):  # a file, or a directory and everything below it
            text = f"{text}/**" if text else "**"
            _PATHS[glob] = re.compile(f"{re.escape(glob.strip('/'))}|{_glob_regex(text, '/').pattern}")
        else:
            _PATHS[glob] = _glob_regex(text, "/")
    return _PATHS[glob]


_GROUPS: dict[tuple[Pattern, ...], tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}


def _group_regexes(patterns: tuple[Pattern, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """One regex for a group's path patterns and one for its namespace patterns (None: no such pattern)."""
    if patterns not in _GROUPS:
        paths = [_path_regex(p.text).pattern for p in patterns if not p.is_namespace]
        names = [_namespace_regex(p.text[len(NAMESPACE_PREFIX) :]).pattern for p in patterns if p.is_namespace]
        _GROUPS[patterns] = tuple(re.compile("|".join(f"(?:{x})" for x in xs)) if xs else None for xs in (paths, names))  # type: ignore[assignment]
    return _GROUPS[patterns]


def _namespace_regex(glob: str) -> re.Pattern[str]:
    if glob not in _NAMESPACES:
        _NAMESPACES[glob] = _glob_regex(glob, ".")
    return _NAMESPACES[glob]

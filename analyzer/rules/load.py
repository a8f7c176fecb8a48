"""Read a rules file: TOML -> :class:`RuleSet`, every mistake a :class:`RulesError` with its line.

tomllib reports the line of a syntax error but keeps no positions for values, so the line of each
``[[rule]]`` and ``[[rule.exception]]`` table, and of a key inside it, is found by scanning the text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from analyzer.errors import RulesError
from analyzer.rules.spec import EDGE_KINDS, KINDS, Allowance, Group, Pattern, Rule, RuleSet

#: the keys each kind requires (beyond name and kind), then the optional ones
REQUIRED = {
    "forbidden": ("from", "to"),
    "layers": ("layers",),
    "independence": ("groups",),
    "no-cycles": ("scope",),
    "externals": ("scope", "allow"),
}
OPTIONAL = {"edges", "exception", "description"}
OPTIONAL_BY_KIND = {"independence": {"interfaces"}}


def load_rules(path: Path) -> RuleSet:
    """The rules of ``path``.

    Raises:
        RulesError: the file cannot be read, is not TOML, or a rule is invalid (with its line).
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError(name, 0, f"cannot read the rules file: {getattr(e, 'strerror', None) or e}") from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # Python < 3.14 keeps the position only in the message: "... (at line 3, column 7)"
        where = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", str(e))
        line = int(where.group(1)) if where and where.group(1) else max(1, len(text.splitlines()))
        detail = str(e)[: where.start()].strip() if where else str(e)
        raise RulesError(name, line, f"not valid TOML: {detail}") from e
    return parse_rules(data, text, name)


def parse_rules(data: Mapping[str, object], text: str, name: str) -> RuleSet:
    """The rule set of already-parsed TOML ``data`` (``text`` gives the lines)."""
    lines = _Lines(text)
    unknown = sorted(set(data) - {"rule", "version"})
    if unknown:
        raise RulesError(name, lines.key(unknown[0], 0, len(lines.text)), f"unknown top-level key {unknown[0]!r}")
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not tables:
        raise RulesError(name, 1, "no rules: add at least one [[rule]] table")
    rules = [_rule(t, i, lines, name) for i, t in enumerate(tables)]
    seen: dict[str, int] = {}
    for r in rules:
        if r.name in seen:
            raise RulesError(name, r.line, f"rule name {r.name!r} is used twice (first on line {seen[r.name]})")
        seen[r.name] = r.line
    return RuleSet(name, tuple(rules))


class _Lines:
    """Where each ``[[rule]]`` and ``[[rule.exception]]`` table starts (1-based lines)."""

    def __init__(self, text: str) -> None:
        self.text = text.splitlines()
        self.rules = _headers(self.text, r"rule")
        self.exceptions = _headers(self.text, r"rule\s*\.\s*exception")

    def span(self, i: int) -> tuple[int, int]:
        """The lines of the ``i``-th rule table: from its header to the next rule's."""
        start = self.rules[i] if i < len(self.rules) else 1
        end = self.rules[i + 1] if i + 1 < len(self.rules) else len(self.text) + 1
        return start, end

    def key(self, key: str, start: int, end: int) -> int:
        """The line of ``key = ...`` between lines ``start`` and ``end``, else ``start``."""
        pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for n in range(max(start, 1), min(end, len(self.text) + 1)):
            if pattern.match(self.text[n - 1]):
                return n
        return start


def _headers(lines: list[str], name: str) -> tuple[int, ...]:
    pattern = re.compile(rf"\s*\[\[\s*{name}\s*\]\]")
    return tuple(n for n, line in enumerate(lines, 1) if pattern.match(line))


def _rule(table: object, i: int, lines: _Lines, file: str) -> Rule:
    start, end = lines.span(i)

    def fail(key: str, detail: str) -> RulesError:
        return RulesError(file, lines.key(key, start, end) if key else start, detail)

    if not isinstance(table, dict):
        raise fail("", "a rule must be a table ([[rule]])")
    kind = table.get("kind")
    if kind not in KINDS:
        raise fail("kind", f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "every rule needs a name (a non-empty string)")
    allowed = {"name", "kind", *REQUIRED[kind], *OPTIONAL, *OPTIONAL_BY_KIND.get(kind, ())}
    for key in sorted(table):
        if key not in allowed:
            raise fail(key, f"rule {name!r}: unknown key {key!r} for a {kind} rule")
    for key in REQUIRED[kind]:
        if key not in table:
            raise fail("", f"rule {name!r}: a {kind} rule needs {key!r}")
    edges = table.get("edges", list(EDGE_KINDS))
    if not isinstance(edges, list) or not edges or any(e not in EDGE_KINDS for e in edges):
        raise fail("edges", f"rule {name!r}: edges must be a non-empty list of {', '.join(EDGE_KINDS)}")
    groups = _groups(kind, table, lambda key, detail: fail(key, f"rule {name!r}: {detail}"))
    first = sum(1 for n in lines.exceptions if n < start)
    exceptions = _exceptions(table.get("exception", []), lines, first, lambda key, d: fail(key, f"rule {name!r}: {d}"))
    return Rule(
        name=name.strip(),
        kind=kind,
        groups=groups,
        edges=tuple(e for e in EDGE_KINDS if e in edges),
        interfaces=_group(table.get("interfaces", []), "interfaces", lambda d: fail("interfaces", d), empty=True),
        allow=tuple(_strings(table.get("allow", []), "allow", lambda d: fail("allow", d), empty=True)),
        exceptions=exceptions,
        line=start,
    )


def _groups(kind: str, table: Mapping[str, object], fail) -> tuple[Group, ...]:
    if kind == "forbidden":
        return tuple(_group(table[k], k, lambda d, k=k: fail(k, d)) for k in ("from", "to"))
    if kind in ("no-cycles", "externals"):
        return (_group(table["scope"], "scope", lambda d: fail("scope", d)),)
    key = "layers" if kind == "layers" else "groups"
    items = table[key]
    if not isinstance(items, list) or len(items) < 2:
        raise fail(key, f"{key} must list at least two entries (each a pattern or a list of patterns)")
    return tuple(_group(item, f"{key}[{n}]", lambda d: fail(key, d)) for n, item in enumerate(items))


def _group(value: object, what: str, fail, empty: bool = False) -> Group:
    return Group(tuple(Pattern(s) for s in _strings(value, what, fail, empty)))


def _strings(value: object, what: str, fail, empty: bool = False) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or any(not isinstance(s, str) or not s.strip() for s in items):
        raise fail(f"{what} must be a pattern or a list of patterns (non-empty strings)")
    if not items and not empty:
        raise fail(f"{what} must not be empty")
    return [s.strip() for s in items]


def _exceptions(value: object, lines: _Lines, first: int, fail) -> tuple[Allowance, ...]:
    if not isinstance(value, list):
        raise fail("exception", "exceptions are [[rule.exception]] tables")
    out = []
    for n, table in enumerate(value):
        line = lines.exceptions[first + n] if first + n < len(lines.exceptions) else 0
        if not isinstance(table, dict) or set(table) - {"from", "to", "reason"} or not {"from", "to"} <= set(table):
            raise _error_at(fail, line, "an exception needs 'from' and 'to' (and 'reason'), nothing else")
        reason = table.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise _error_at(fail, line, "every exception needs a reason (why the crossing is tolerated)")
        source = _group(table["from"], "exception 'from'", lambda d: _error_at(fail, line, d))
        target = _group(table["to"], "exception 'to'", lambda d: _error_at(fail, line, d))
        out.append(Allowance(source, target, reason.strip(), line))
    return tuple(out)


def _error_at(fail, line: int, detail: str) -> RulesError:
    """``fail``'s error, moved to ``line`` when it is known."""
    error = fail("exception", detail)
    return RulesError(error.file, line, error.detail) if line else error

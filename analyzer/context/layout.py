"""Render stage of the context writer: files in rank order -> the context text for one point of the ladder.

:mod:`analyzer.context.write` walks the graph once into :class:`LayoutFile` rows (plain data, every line
that does not depend on the detail level pre-rendered) and searches the detail ladder; a :class:`Plan`
is one point of that ladder and :meth:`Layout.render` writes the text it gives (format described in
:mod:`analyzer.context.write`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analyzer.context.format import (
    BEGIN,
    END,
    KIND_ORDER,
    KINDS,
    LINES,
    NAMES,
    SYMBOLS,
    TYPE_ONLY,
    Coverage,
    escape_name,
    escape_package,
    format_kinds,
    is_key_like,
)
from analyzer.context.header import coverage_line, dropped_line, legend, level_line

__all__ = ["Kinds", "Layout", "LayoutFile", "Plan"]

Kinds = tuple[tuple[str, int, int], ...]  # (kind, weight, first line)


@dataclass(frozen=True, slots=True)
class Plan:
    """One point of the detail ladder."""

    listed: int  # files listed (the top ones by rank); the rest are rolled up
    depth: int  # path depth at which rolled files are grouped into summaries
    upgrades: int  # 0..3n: listed files raised one level above names, in rank order, level by level


@dataclass(frozen=True, slots=True)
class LayoutFile:
    """One file in rank order, with the lines that do not depend on its detail level."""

    path: str
    package: str
    loc: int
    symbols: int
    key: int | None  # fK when other files depend on it
    name_token: str  # names level: "[fK ]name"
    head: str  # "[fK ]path language loc=N"
    symbol_lines: tuple[str, ...]
    out: tuple[tuple[int, Kinds, bool], ...]  # (target rank index, kinds, type_only), by target
    externals: tuple[tuple[str, Kinds], ...]  # (external name, kinds), by name


class Layout:
    """The graph in rank order, with every line that does not depend on the detail level pre-rendered."""

    def __init__(self, files: Sequence[LayoutFile]) -> None:
        self.files: list[LayoutFile] = list(files)
        self.edges_total = sum(len(f.out) for f in self.files)
        self.symbols_total = sum(f.symbols for f in self.files)
        self.packages_total = len({f.package for f in self.files})
        self.depth_max = max((len(f.package.split("/")) for f in self.files if f.package), default=0)

    def level(self, plan: Plan, i: int) -> int:
        """Detail level of listed file ``i`` under ``plan``."""
        n, u = len(self.files), plan.upgrades
        return NAMES + (u > i) + (u > n + i) + (u > 2 * n + i)

    def render(self, plan: Plan, used: int, budget: int, facts: tuple[str, ...]) -> tuple[str, Coverage, str]:
        """The whole context text for ``plan``, stating ``used`` tokens."""
        files, listed, n = self.files, plan.listed, len(self.files)
        group = [f.package if i < listed else _truncate(f.package, plan.depth) for i, f in enumerate(files)]
        sections: dict[str, tuple[list[int], list[int]]] = {}
        for i in range(n):  # sections in order of their most central file
            sections.setdefault(group[i], ([], []))[0 if i < listed else 1].append(i)
        gkeys: dict[str, int] = {}
        for name, (_, rolled) in sections.items():
            if rolled:
                gkeys[name] = len(gkeys) + 1

        def end(target: int) -> tuple[str, int]:
            return ("f", files[target].key or 0) if target < listed else ("p", gkeys[group[target]])

        body: list[str] = []
        levels = [self.level(plan, i) for i in range(listed)]
        edges_full = 0
        for name, (members, rolled) in sections.items():
            ext = self._common_extension([i for i in members if levels[i] == NAMES])
            head = f"## p{gkeys[name]} {escape_package(name)}" if rolled else f"## {escape_package(name)}"
            body.append(f"{head} *{escape_name(ext)}" if ext else head)
            for i in members:
                edges_full += self._file_lines(body, i, levels[i], end, ext)
            if rolled:
                self._rolled_lines(body, name, rolled, end)

        at = [sum(1 for lv in levels if lv >= level) for level in (KINDS, LINES, SYMBOLS)]
        coverage = Coverage(
            files_full=at[2],
            files_total=n,
            symbols_full=sum(files[i].symbols for i in range(listed) if levels[i] == SYMBOLS),
            symbols_total=self.symbols_total,
            edges_full=edges_full,
            edges_total=self.edges_total,
            rolled_up_packages=tuple(sorted(gkeys)),
            files_listed=listed,
            files_kinds=at[0],
            files_lines=at[1],
            rollup_depth=plan.depth if gkeys else -1,
        )
        level = level_line(coverage)
        header = [
            BEGIN,
            f"# tokens: {used} used of {budget} budget",
            coverage_line(coverage),
            dropped_line(coverage),
            f"# detail: {level}",
            *(f"# fact: {fact}" for fact in facts),
            *legend(set(levels), bool(gkeys)),
        ]
        return "\n".join([*header, *body, END]) + "\n", coverage, level

    def _common_extension(self, names: Sequence[int]) -> str:
        """The extension every names-level file of a section shares (\"\" when they do not, or it saves nothing).

        Dropped from their names only where each name keeps a stem that cannot be read as something
        else (a key such as ``f12``, an empty name).
        """
        if len(names) < 2:
            return ""
        exts = {_extension(self.files[i].path) for i in names}
        if len(exts) != 1:
            return ""
        (ext,) = exts
        if not ext:
            return ""
        for i in names:
            token = self.files[i].name_token
            stem = token[: -len(escape_name(ext))].rsplit(" ", 1)[-1]
            if not token.endswith(escape_name(ext)) or stem in ("", "/") or stem.endswith("/") or is_key_like(stem):
                return ""
        return ext

    def _file_lines(
        self, body: list[str], i: int, level: int, end: Callable[[int], tuple[str, int]], ext: str = ""
    ) -> int:
        """Append one listed file's lines; return how many of its edges are named (both ends listed)."""
        f = self.files[i]
        ends = sorted({end(t) for t, _, _ in f.out}, key=lambda e: (e[0] != "f", e[1]))
        full = sum(1 for side, _ in ends if side == "f")
        if level == NAMES:
            token = f.name_token[: -len(escape_name(ext))] if ext else f.name_token
            body.append(token + (" -> " + " ".join(f"{s}{k}" for s, k in ends) if ends else ""))
            return full
        body.append(f.head if level == SYMBOLS else f"{f.head} syms={f.symbols}")
        if level == SYMBOLS:
            body.extend(f.symbol_lines)
        keep = (lambda k: k) if level >= LINES else _no_lines
        into_rolled: dict[int, dict[str, int]] = defaultdict(_counter)
        for target, kinds, type_only in f.out:
            side, key = end(target)
            if side == "f":
                body.append(f"  -> f{key} {format_kinds(keep(kinds))}" + (f" {TYPE_ONLY}" if type_only else ""))
            else:
                for kind, weight, _ in kinds:
                    into_rolled[key][kind] += weight
        body.extend(f"  ~> p{key} {_summed(totals)}" for key, totals in sorted(into_rolled.items()))
        body.extend(f"  x {escape_name(name)} {format_kinds(keep(kinds))}" for name, kinds in f.externals)
        return full

    def _rolled_lines(
        self, body: list[str], name: str, rolled: list[int], end: Callable[[int], tuple[str, int]]
    ) -> None:
        files = self.files
        tree = " tree" if any(files[i].package != name for i in rolled) else ""
        body.append(
            f"  ~ rolled{tree} files={len(rolled)} loc={sum(files[i].loc for i in rolled)} "
            f"syms={sum(files[i].symbols for i in rolled)}"
        )
        out: dict[tuple[str, int], dict[str, int]] = defaultdict(_counter)
        for i in rolled:
            for target, kinds, _ in files[i].out:
                totals = out[end(target)]
                for kind, weight, _ in kinds:
                    totals[kind] += weight
        body.extend(f"  ~> {side}{key} {_summed(totals)}" for (side, key), totals in sorted(out.items()))


def _extension(path: str) -> str:
    """``.py`` of ``a/b.py``; "" for a name without one (``Rakefile``, ``.profile``)."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _no_lines(kinds: Kinds) -> Kinds:
    return tuple((kind, weight, 0) for kind, weight, _ in kinds)


def _summed(totals: Mapping[str, int]) -> str:
    return format_kinds((k, totals[k], 0) for k in sorted(totals, key=lambda k: (KIND_ORDER.get(k, 9), k)))


def _truncate(package: str, depth: int) -> str:
    return "/".join(package.split("/")[:depth]) if package else ""


def _counter() -> dict[str, int]:
    return defaultdict(int)

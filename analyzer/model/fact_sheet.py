"""Numbered facts: the static analysis and the plan's decomposition as short sentences with stable IDs.

The structured tasks (:mod:`analyzer.model.structured`) show the model this sheet and let it cite
facts only by ID. IDs are given in a fixed order so the same repository always gets the same ones:
``F1..`` repository facts (size and languages, dependencies, layers, the most central files,
hotspots, coupling figures), ``C1..`` import cycles, ``B1..`` candidate boundaries (with their domain
terms), ``W1..`` extraction waves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analyzer.domain import Fact
from analyzer.static.boundaries import Boundary, partition_of
from analyzer.static.result import StaticAnalysis

__all__ = ["FactSheet", "build_fact_sheet", "domain_terms", "name_words"]

#: how many of each kind of fact the sheet lists (a small model reads a short sheet best)
CENTRAL = 3
HOTSPOTS = 3
CYCLES = 8
BOUNDARIES = 12
COUPLINGS = 3
#: files named in a boundary's fact, and domain terms kept per boundary
FILES_SHOWN = 4
TERMS = 8

#: symbol kinds whose names are domain words (a class ``Invoice`` names a concept; a function rarely does)
_TYPE_KINDS = frozenset({"class", "interface", "struct", "enum", "trait", "type", "record", "module"})
#: words that name a technical role or a layout convention, never a domain concept
_GENERIC = frozenset(
    "src lib libs main java kotlin scala python js ts test tests spec specs index init mod util utils "
    "helper helpers common core base impl internal pkg app apps com org net www io dist build bin cmd "
    "the and for with from into of to in on a an is it by as at be or".split()
)
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@dataclass(frozen=True, slots=True)
class FactSheet:
    """The numbered facts, in ID order."""

    facts: tuple[Fact, ...]

    def text(self) -> str:
        """The facts block the model reads: one ``ID: text`` line per fact."""
        return "\n".join(f"{f.id}: {f.text}" for f in self.facts)

    def ids(self, prefix: str = "") -> tuple[str, ...]:
        """The IDs (of one kind, ``"C"``, ``"B"``, ``"W"``, ``"F"``, or all)."""
        return tuple(f.id for f in self.facts if f.id.startswith(prefix))

    def get(self, fact_id: str) -> Fact | None:
        """The fact with this ID, if any."""
        return next((f for f in self.facts if f.id == fact_id), None)


def build_fact_sheet(
    static: StaticAnalysis,
    boundaries: Sequence[Boundary],
    order: Sequence[str],
    metrics: Mapping[str, float],
) -> FactSheet:
    """The numbered facts of one repository and its proposed decomposition (deterministic)."""
    general = [*_size_facts(static), *_central_facts(static), *_coupling_facts(static, boundaries, metrics)]
    facts = [Fact(f"F{i}", text, names) for i, (text, names) in enumerate(general, 1)]
    facts += _cycle_facts(static)
    shown = boundaries[:BOUNDARIES]
    facts += [_boundary_fact(i, b, static) for i, b in enumerate(shown, 1)]
    facts += _wave_facts(static, shown, order)
    return FactSheet(tuple(facts))


def name_words(name: str) -> list[str]:
    """The lower-case words of an identifier, path or phrase (camelCase, snake_case, kebab-case, spaces)."""
    return [w.lower() for part in re.split(r"[^A-Za-z0-9]+", name) for w in _WORD.findall(part)]


def domain_terms(files: Sequence[str], class_names: Sequence[str], limit: int = TERMS) -> tuple[str, ...]:
    """The most frequent domain words of a group of files: their folder and file names and their class names.

    Generic words (``src``, ``util``, ``test``...), one-letter words and numbers are left out; ties
    are broken alphabetically.
    """
    counts: Counter[str] = Counter()
    for path in files:
        *folders, leaf = path.split("/")
        for word in {*name_words(leaf.rsplit(".", 1)[0]), *(w for f in folders for w in name_words(f))}:
            counts[word] += 1
    for name in class_names:
        counts.update(set(name_words(name)))
    kept = [(w, n) for w, n in counts.items() if len(w) > 2 and not w.isdigit() and w not in _GENERIC]
    return tuple(w for w, _ in sorted(kept, key=lambda x: (-x[1], x[0]))[:limit])


# --- private helpers ----------------------------------------------------------


def _code(name: str) -> str:
    return f"`{name.replace('`', '')}`"


def _size_facts(static: StaticAnalysis) -> list[tuple[str, tuple[str, ...]]]:
    langs: Counter[str] = Counter(p.source.language for p in static.parsed)
    loc = sum(p.loc for p in static.parsed)
    a = static.analysis
    third = [e.name for e in a.externals if not e.standard]
    return [
        (
            f"{len(static.parsed)} files, {loc} lines of code; languages: "
            + ", ".join(f"{lang} ({langs[lang]} files)" for lang in sorted(langs))
            + ".",
            (),
        ),
        (
            f"{len(static.resolution.dependencies)} internal file-level dependencies; {len(third)} third-party "
            "packages" + (": " + ", ".join(third[:6]) + (" …" if len(third) > 6 else "") if third else "") + ".",
            tuple(third[:6]),
        ),
        (f"The import graph is {len(a.layers)} layers deep; {len(a.cycles)} import cycle(s).", ()),
    ]


def _central_facts(static: StaticAnalysis) -> list[tuple[str, tuple[str, ...]]]:
    a = static.analysis
    metrics = {m.path: m for m in a.files}
    out: list[tuple[str, tuple[str, ...]]] = []
    for rank, (path, score) in enumerate(a.pagerank[:CENTRAL], 1):
        m = metrics.get(path)
        detail = f", fan-in {m.fan_in}, fan-out {m.fan_out}, {m.loc} LOC" if m else ""
        out.append((f"Central file #{rank}: {_code(path)} (PageRank {score:.3f}{detail}).", (path,)))
    for h in a.hotspots[:HOTSPOTS]:
        churn = f", {h.churn} commits" if h.churn else ""
        out.append((f"Hotspot: {_code(h.path)} ({h.loc} LOC, PageRank {h.pagerank:.3f}{churn}).", (h.path,)))
    return out


def _coupling_facts(
    static: StaticAnalysis, boundaries: Sequence[Boundary], metrics: Mapping[str, float]
) -> list[tuple[str, tuple[str, ...]]]:
    out: list[tuple[str, tuple[str, ...]]] = []
    if metrics:
        out.append(
            (
                f"Coupling of the candidate boundaries: {metrics.get('icp', 0.0):.0%} of the dependency weight "
                f"crosses a boundary (ICP {metrics.get('icp', 0.0):.2f}); structural modularity "
                f"SM {metrics.get('sm', 0.0):.2f}.",
                (),
            )
        )
    part = partition_of(tuple(boundaries))
    weights: Counter[tuple[str, str]] = Counter()
    for d in static.resolution.dependencies:
        x, y = part.get(d.source), part.get(d.target)
        if x and y and x != y:
            weights[(x, y)] += d.weight
    for (x, y), w in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:COUPLINGS]:
        out.append((f"Boundary {_code(x)} depends on boundary {_code(y)} with weight {w}.", (x, y)))
    return out


def _cycle_facts(static: StaticAnalysis) -> list[Fact]:
    out = []
    for i, c in enumerate(static.analysis.cycles[:CYCLES], 1):
        loop = (*c.shortest, c.shortest[0])
        edges = tuple(zip(loop, loop[1:], strict=False))
        size = f"{len(c.nodes)} files" + (
            f"; its shortest loop has {len(c.shortest)}" if len(c.shortest) < len(c.nodes) else ""
        )
        path = " → ".join(_code(p) for p in loop)
        out.append(Fact(f"C{i}", f"Import cycle of {size}: {path}.", tuple(c.nodes), (), edges))
    return out


def _boundary_fact(i: int, b: Boundary, static: StaticAnalysis) -> Fact:
    members = set(b.files)
    classes = [s.name for p in static.parsed if p.path in members for s in p.symbols if s.kind in _TYPE_KINDS]
    terms = domain_terms(b.files, classes)
    shown = ", ".join(_code(f) for f in b.files[:FILES_SHOWN]) + (" …" if len(b.files) > FILES_SHOWN else "")
    text = f"Candidate boundary {_code(b.name)} ({len(b.files)} files: {shown}); domain terms: " + (
        ", ".join(terms) or "none"
    )
    return Fact(f"B{i}", text + ".", (b.name, *b.files), terms)


def _wave_facts(static: StaticAnalysis, boundaries: Sequence[Boundary], order: Sequence[str]) -> list[Fact]:
    ids = {b.name: f"B{i}" for i, b in enumerate(boundaries, 1)}
    part = partition_of(tuple(boundaries))
    uses: dict[str, set[str]] = {b.name: set() for b in boundaries}
    users: Counter[str] = Counter()
    for d in static.resolution.dependencies:
        x, y = part.get(d.source), part.get(d.target)
        if x and y and x != y:
            uses[x].add(y)
            users[y] += 1
    out = []
    for i, name in enumerate(order, 1):  # the plan's wave numbers
        if name not in ids:
            continue
        deps = ", ".join(_code(u) for u in sorted(uses[name])) or "no other boundary"
        text = (
            f"Wave {i} extracts boundary {_code(name)} ({ids[name]}); it depends on {deps}; "
            f"{users[name]} dependencies from other boundaries point into it."
        )
        out.append(Fact(f"W{i}", text, (name,)))
    return out

"""Check a rule set against the static analysis' edges, in plain Python (no graph library).

The input is what the run cache stores (files with their namespaces, ``Dependency`` edges, external
imports), so a warm ``--check`` parses nothing and builds no graph.  A ``forbidden`` rule covers
direct edges; ``layers`` and ``independence`` also cover chains through files outside every group of
the rule, and report the shortest one (a breadth-first search backwards from the forbidden files).
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from analyzer.domain import Dependency, ExternalDependency
from analyzer.rules.spec import EDGE_KINDS, CheckResult, Group, Rule, RuleSet, Violation


@dataclass(frozen=True, slots=True)
class _Edge:
    target: str
    kind: str
    line: int


def check_rules(
    rules: RuleSet,
    namespaces: Mapping[str, str],
    dependencies: Sequence[Dependency],
    externals: Sequence[ExternalDependency] = (),
) -> CheckResult:
    """Every violation of ``rules``, after the known exceptions.

    Args:
        rules: the loaded rule set.
        namespaces: every analyzed file -> the package or namespace it declares ("" if none).
        dependencies: the internal file-level edges.
        externals: the imports that leave the repository.
    """
    graph = _Graph(namespaces, dependencies)
    violations: list[Violation] = []
    excused = 0
    stale: list[tuple[str, int]] = []
    for rule in rules.rules:
        if rule.kind == "no-cycles":
            found, used = _cycles(rule, graph)
        else:
            found, used = _excuse(rule, _find(rule, graph, externals))
        excused += sum(used)
        violations += found
        stale += [(rule.name, a.line) for a, n in zip(rule.exceptions, used) if not n]
    return CheckResult(rules, tuple(sorted(violations, key=Violation.sort_key)), excused, tuple(stale))


class _Graph:
    """The edges, one per (source, target) and edge-kind selection, and the members of each group."""

    def __init__(self, namespaces: Mapping[str, str], dependencies: Sequence[Dependency]) -> None:
        self.namespaces = namespaces
        self.files = sorted(namespaces)
        self.dependencies = dependencies
        self._adjacency: dict[tuple[str, ...], dict[str, list[_Edge]]] = {}
        self._members: dict[Group, frozenset[str]] = {}

    def members(self, group: Group) -> frozenset[str]:
        if group not in self._members:
            ns = self.namespaces
            self._members[group] = frozenset(f for f in self.files if group.matches(f, ns[f]))
        return self._members[group]

    def adjacency(self, kinds: tuple[str, ...]) -> dict[str, list[_Edge]]:
        """source -> its edges of ``kinds``, one per target (import before inherit before call, then the first line)."""
        if kinds not in self._adjacency:
            rank = {k: i for i, k in enumerate(EDGE_KINDS)}
            best: dict[tuple[str, str], _Edge] = {}
            for d in self.dependencies:
                if d.kind in kinds and d.source != d.target:
                    seen = best.get((d.source, d.target))
                    if seen is None or (rank[d.kind], d.line) < (rank[seen.kind], seen.line):
                        best[(d.source, d.target)] = _Edge(d.target, d.kind, d.line)
            out: dict[str, list[_Edge]] = defaultdict(list)
            for (source, _), edge in sorted(best.items()):
                out[source].append(edge)
            self._adjacency[kinds] = out
        return self._adjacency[kinds]

    def partition(self, groups: Sequence[Group]) -> list[frozenset[str]]:
        """The members of each group; a file matched by several belongs to the first."""
        taken: set[str] = set()
        out = []
        for g in groups:
            members = self.members(g) - taken
            taken |= members
            out.append(frozenset(members))
        return out


def _find(rule: Rule, graph: _Graph, externals: Sequence[ExternalDependency]) -> list[Violation]:
    if rule.kind == "forbidden":
        return _forbidden(rule, graph)
    if rule.kind == "layers":
        return _layers(rule, graph)
    if rule.kind == "independence":
        return _independence(rule, graph)
    return _externals(rule, graph, externals)


def _forbidden(rule: Rule, graph: _Graph) -> list[Violation]:
    sources, targets = graph.members(rule.groups[0]), graph.members(rule.groups[1])
    adjacency = graph.adjacency(rule.edges)
    return [
        _violation(rule, (s, e.target), e, f"{rule.groups[0].label} must not depend on {rule.groups[1].label}")
        for s in sorted(sources)
        for e in adjacency.get(s, ())
        if e.target in targets
    ]


def _layers(rule: Rule, graph: _Graph) -> list[Violation]:
    layers = graph.partition(rule.groups)
    outside = frozenset(graph.files) - frozenset().union(*layers)
    out = []
    for upper in range(len(layers) - 1):
        below = frozenset().union(*layers[upper + 1 :])
        label = rule.groups[upper].label
        for chain, edge in _crossings(graph.adjacency(rule.edges), below, layers[upper], outside):
            lower = next(i for i in range(upper + 1, len(layers)) if chain[0] in layers[i])
            why = f"layer {lower + 1} ({rule.groups[lower].label}) may not use layer {upper + 1} ({label}) above it"
            out.append(_violation(rule, chain, edge, why))
    return out


def _independence(rule: Rule, graph: _Graph) -> list[Violation]:
    groups = graph.partition(rule.groups)
    outside = frozenset(graph.files) - frozenset().union(*groups)
    interfaces = graph.members(rule.interfaces) if rule.interfaces.patterns else frozenset()
    imported = {(d.source, d.target) for d in graph.dependencies if d.kind == "import"}
    out = []
    for j, target in enumerate(groups):
        others = frozenset().union(*(g for i, g in enumerate(groups) if i != j))
        faces = target & interfaces
        for chain, edge in _crossings(graph.adjacency(rule.edges), others, target - interfaces, outside):
            if _through_interface(chain, edge, imported, faces):
                continue
            i = next(i for i, g in enumerate(groups) if chain[0] in g)
            why = f"{rule.groups[i].label} must not depend on {rule.groups[j].label}" + (
                " except through its interfaces" if rule.interfaces.patterns else ""
            )
            out.append(_violation(rule, chain, edge, why))
    return out


def _through_interface(
    chain: tuple[str, ...], edge: _Edge, imported: set[tuple[str, str]], faces: frozenset[str]
) -> bool:
    """A use linked on through an interface that re-exports it (Python ``from ..catalog import
    CatalogService``, defined in ``catalog/services.py``): a call or inherit edge to a file the
    source does not import, from a source that imports one of the group's interfaces."""
    return (
        len(chain) == 2
        and edge.kind != "import"
        and (chain[0], chain[1]) not in imported
        and any((chain[0], f) in imported for f in faces)
    )


def _crossings(
    adjacency: Mapping[str, list[_Edge]], sources: frozenset[str], targets: frozenset[str], outside: frozenset[str]
) -> Iterable[tuple[tuple[str, ...], _Edge]]:
    """Direct edges from ``sources`` into ``targets``, and for a source with none, its shortest
    chain into ``targets`` through ``outside`` files only: (chain, first edge)."""
    if not targets:
        return
    step = _steps_to(adjacency, targets, outside)
    for source in sorted(sources):
        edges = adjacency.get(source, ())
        direct = [e for e in edges if e.target in targets]
        for e in direct:
            yield (source, e.target), e
        via = [e for e in edges if e.target in step and e.target not in targets]
        if via and not direct:
            first = min(via, key=lambda e: (step[e.target][1], e.target))
            chain = [source, first.target]
            while chain[-1] not in targets:
                chain.append(step[chain[-1]][0])
            yield tuple(chain), first


def _steps_to(adjacency: Mapping[str, list[_Edge]], targets: frozenset[str], outside: frozenset[str]) -> dict:
    """For every ``outside`` file with a path into ``targets`` through outside files: (next file, distance)."""
    reverse: dict[str, list[str]] = defaultdict(list)
    for source, edges in adjacency.items():
        if source in outside:
            for e in edges:
                reverse[e.target].append(source)
    step: dict[str, tuple[str, int]] = {t: (t, 0) for t in targets}
    queue = deque(sorted(targets))
    while queue:
        node = queue.popleft()
        for previous in reverse.get(node, ()):
            if previous not in step:
                step[previous] = (node, step[node][1] + 1)
                queue.append(previous)
    return step


def _externals(rule: Rule, graph: _Graph, externals: Sequence[ExternalDependency]) -> list[Violation]:
    scope = graph.members(rule.groups[0])
    out = []
    seen: set[tuple[str, str]] = set()
    for e in sorted(externals, key=lambda e: (e.source, e.line, e.package)):
        if e.standard or e.source not in scope or any(fnmatch.fnmatchcase(e.package, a) for a in rule.allow):
            continue
        if (e.source, e.package) not in seen:
            seen.add((e.source, e.package))
            why = f"{rule.groups[0].label} may use only {', '.join(rule.allow) or 'no third-party package'}"
            out.append(_violation(rule, (e.source, e.package), _Edge(e.package, "import", e.line), why))
    return out


def _cycles(rule: Rule, graph: _Graph) -> tuple[list[Violation], list[int]]:
    """One violation per strongly connected set of files in scope, with its shortest cycle."""
    scope = graph.members(rule.groups[0])
    used = [0] * len(rule.exceptions)
    edges: dict[str, list[_Edge]] = {}
    for source in sorted(scope):
        kept = []
        for e in graph.adjacency(rule.edges).get(source, ()):
            if e.target not in scope:
                continue
            hit = _allowance(rule, source, e.target)
            if hit is None:
                kept.append(e)
            else:
                used[hit] += 1
        edges[source] = kept
    out = []
    for component in _components(edges):
        start = min(component)
        chain = _shortest_cycle(edges, start, component)
        first = next(e for e in edges[start] if e.target == chain[1])
        out.append(_violation(rule, chain, first, "a dependency cycle: " + " -> ".join(chain)))
    return out, used


def _shortest_cycle(edges: Mapping[str, list[_Edge]], start: str, within: frozenset[str]) -> tuple[str, ...]:
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for e in edges.get(node, ()):
            if e.target == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(parent[chain[-1]])
                return (start, *reversed(chain[:-1]), start) if node != start else (start, start)
            if e.target in within and e.target not in parent:
                parent[e.target] = node
                queue.append(e.target)
    return (start, start)


def _components(edges: Mapping[str, list[_Edge]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one file (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            succ = edges.get(node, ())
            if i < len(succ):
                work.append((node, i + 1))
                target = succ[i].target
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found, key=min)


def _excuse(rule: Rule, found: list[Violation]) -> tuple[list[Violation], list[int]]:
    """The violations no exception tolerates, and how many each exception tolerated."""
    used = [0] * len(rule.exceptions)
    kept = []
    for v in found:
        hit = _allowance(rule, v.source, v.target)
        if hit is None:
            kept.append(v)
        else:
            used[hit] += 1
    return kept, used


def _allowance(rule: Rule, source: str, target: str) -> int | None:
    for i, a in enumerate(rule.exceptions):
        if a.source.matches(source) and a.target.matches(target):
            return i
    return None


def _violation(rule: Rule, chain: tuple[str, ...], edge: _Edge, why: str) -> Violation:
    via = f" through {' -> '.join(chain[1:-1])}" if len(chain) > 2 and rule.kind != "no-cycles" else ""
    message = why if rule.kind == "no-cycles" else f"{chain[0]} depends on {chain[-1]} ({edge.kind}){via}: {why}"
    target = chain[1] if rule.kind == "no-cycles" else chain[-1]  # a cycle: the file the first edge reaches
    return Violation(rule.name, rule.kind, chain[0], edge.line, target, edge.kind, chain, message)

"""Candidate service boundaries: the file graph's communities refined into a decomposition.

The proposal starts from the Louvain communities of the file graph: files used from two or more
other areas that depend only on the kernel are cross-cutting and form a ``shared`` kernel (what a
strangler migration extracts or duplicates first); composition roots that no boundary dominates
form ``entrypoints``; the rest is refined by label propagation.  :func:`decompose` adds the
decomposition metrics and the extraction order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from analyzer.domain import Dependency
from analyzer.static.metrics import community_name
from analyzer.static.result import StaticAnalysis

SHARED = "shared"


#: a file is cross-cutting when this many other boundaries depend on it
CROSS_CUTTING_MIN_USERS = 2


#: boundary of the entry points (composition roots, CLIs): the strangler facade
ENTRYPOINTS = "entrypoints"


#: rounds of label propagation when refining communities into boundaries
PROPAGATION_ROUNDS = 20


@dataclass(frozen=True, slots=True)
class Boundary:
    """A proposed service / module boundary."""

    name: str
    files: tuple[str, ...]


def propose_boundaries(
    communities: Sequence[tuple[str, Sequence[str]]], dependencies: Sequence[Dependency]
) -> tuple[Boundary, ...]:
    """Boundaries from communities: shared kernel and entry points apart, the rest refined.

    Four deterministic steps over the Louvain communities:

    1. *Cross-cutting* files form the ``shared`` kernel: files used from at
       least ``CROSS_CUTTING_MIN_USERS`` other areas (an area is a community
       or a directory, whichever count is larger) that depend on nothing but
       the kernel itself; helpers used only by the kernel join it.
    2. *Leaves* that reach into two or more other areas (files nobody
       depends on, not counting a file that merely forwards to them: one
       dependency, no users, such as a package ``__init__``) are set aside.
    3. The other files are refined by label propagation over the edges left
       once those two groups are set aside, seeded with the communities: each
       file moves to the community it has the most edge weight with (ties:
       the community holding most files of its directory, then the current
       one).  Louvain on the whole graph tends to glue contexts together
       through exactly the hubs that steps 1 and 2 set aside.  Each leaf then
       joins the boundary holding the majority of its edge weight; a leaf
       that no boundary dominates is a composition root (app factory, CLI)
       and goes to ``entrypoints``, the future strangler facade.
    4. Files left without such edges join the boundary holding most files of
       their directory, if any.  Boundaries are named after the common
       directory of their files; a group of files that never had an edge
       keeps its community name.

    Args:
        communities: (name, files) per community, in community order.
        dependencies: internal file-level edges.
    """
    graph = _file_graph(communities, dependencies)
    shared = _kernel(graph.owner, graph.users, graph.uses, graph.spread)
    leaves = _leaves(graph, shared)
    label, linked = _propagate(graph.owner, graph.weight, shared | leaves)
    _place_leaves(graph, label, leaves, shared)
    label.update(dict.fromkeys(shared, SHARED))
    _place_isolated(label, linked | shared | leaves)
    return _name_boundaries(graph, label)


@dataclass(slots=True)
class _FileGraph:
    """The internal edges between files of the communities, with each file's community."""

    owner: dict[str, str] = field(default_factory=dict)  # file -> community key (never SHARED / ENTRYPOINTS)
    original: dict[str, str] = field(default_factory=dict)  # community key -> community name
    users: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    uses: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    weight: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lower, higher) file -> edge weight

    def spread(self, f: str, others: set[str]) -> int:
        """How many areas (communities or directories, the larger count) other than ``f``'s ``others`` span."""
        owner = self.owner
        return max(len({owner[o] for o in others} - {owner[f]}), len({_package(o) for o in others} - {_package(f)}))

    def between(self, f: str, g: str) -> int:
        """The edge weight between ``f`` and ``g``, both ways."""
        return self.weight[(min(f, g), max(f, g))]


def _file_graph(communities: Sequence[tuple[str, Sequence[str]]], dependencies: Sequence[Dependency]) -> _FileGraph:
    """Communities keyed ``#i`` and the edges between their files (self-edges left out)."""
    graph = _FileGraph()
    for i, (name, files) in enumerate(communities):
        graph.original[f"#{i}"] = name
        for f in files:
            graph.owner[f] = f"#{i}"
    for d in dependencies:
        if d.source in graph.owner and d.target in graph.owner and d.source != d.target:
            graph.users[d.target].add(d.source)
            graph.uses[d.source].add(d.target)
            graph.weight[(min(d.source, d.target), max(d.source, d.target))] += d.weight
    return graph


def _leaves(graph: _FileGraph, shared: set[str]) -> set[str]:
    """Files outside the kernel reaching into two or more other areas that nothing depends on.

    A user that merely forwards to the file (one dependency, no users) does not count.
    """
    users, uses = graph.users, graph.uses
    return {
        f
        for f in graph.owner
        if f not in shared
        and graph.spread(f, uses[f] - shared) >= CROSS_CUTTING_MIN_USERS
        and all(uses[u] == {f} and not users[u] for u in users[f])
    }


def _place_leaves(graph: _FileGraph, label: dict[str, str], leaves: set[str], shared: set[str]) -> None:
    """Each leaf joins the boundary holding the majority of its edge weight, else ``entrypoints``."""
    for f in sorted(leaves):
        pull: Counter[str] = Counter()
        for g in graph.uses[f] - shared - leaves:
            pull[label[g]] += graph.between(f, g)
        top = min(pull, key=lambda n: (-pull[n], n)) if pull else ENTRYPOINTS
        label[f] = top if 2 * pull[top] > pull.total() else ENTRYPOINTS


def _name_boundaries(graph: _FileGraph, label: Mapping[str, str]) -> tuple[Boundary, ...]:
    """Group files by label and name each group; largest first, ``shared`` and ``entrypoints`` last.

    A group is named after the common directory of its files, or keeps its community name when
    none of its files has an edge; a name taken twice gets a ``~2`` suffix.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for f, name in label.items():
        groups[name].append(f)
    named: dict[str, list[str]] = {}
    taken: Counter[str] = Counter()
    for key in sorted(groups, key=lambda n: (-len(groups[n]), min(groups[n]))):
        files = sorted(groups[key])
        if key in (SHARED, ENTRYPOINTS):
            name = key
        elif not any(_has_edges(f, graph.users, graph.uses) for f in files):
            name = graph.original[key]
        else:
            name = community_name([_package(x) for x in files])
        taken[name] += 1
        named[name if taken[name] == 1 else f"{name}~{taken[name]}"] = files
    order = sorted(named, key=lambda n: (n == SHARED, n == ENTRYPOINTS, -len(named[n]), n))
    return tuple(Boundary(n, tuple(named[n])) for n in order)


def _has_edges(f: str, users: Mapping[str, set[str]], uses: Mapping[str, set[str]]) -> bool:
    """Whether ``f`` has any internal edge."""
    return bool(users.get(f) or uses.get(f))


def _kernel(
    owner: Mapping[str, str],
    users: Mapping[str, set[str]],
    uses: Mapping[str, set[str]],
    spread: Callable[[str, set[str]], int],
) -> set[str]:
    """Cross-cutting files: widely used, depending only on each other (to a fixpoint)."""
    kernel = {f for f in owner if users.get(f) and spread(f, users[f]) >= CROSS_CUTTING_MIN_USERS}
    for _ in range(len(owner) + 1):
        before = set(kernel)
        kernel = {f for f in kernel if not uses.get(f, set()) - kernel}
        kernel |= {f for f in owner if users.get(f) and users[f] <= kernel and not uses.get(f, set()) - kernel}
        if kernel == before:
            break
    return kernel


def _propagate(
    owner: Mapping[str, str], weight: Mapping[tuple[str, str], int], fixed: set[str]
) -> tuple[dict[str, str], set[str]]:
    """Seeded label propagation over the edges between files not in ``fixed``.

    Returns the labels of all files and the files that took part (had an edge).
    """
    label = dict(owner)
    neighbours: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (a, b), w in sorted(weight.items()):
        if a not in fixed and b not in fixed:
            neighbours[a].append((b, w))
            neighbours[b].append((a, w))
    movable = sorted(neighbours)
    here: dict[str, Counter[str]] = defaultdict(Counter)  # directory -> label -> files
    for f in movable:
        here[_package(f)][label[f]] += 1
    for _ in range(PROPAGATION_ROUNDS):
        changed = False
        for f in movable:
            pull: Counter[str] = Counter()
            for g, w in neighbours[f]:
                pull[label[g]] += w
            local = here[_package(f)]
            best = max(pull, key=lambda c: (pull[c], local[c], c == label[f], c))
            if best != label[f]:
                local[label[f]] -= 1
                local[best] += 1
                label[f] = best
                changed = True
        if not changed:
            break
    return label, set(movable)


def _place_isolated(label: dict[str, str], placed: set[str]) -> None:
    """Files outside ``placed`` join the boundary holding most placed files of their directory."""
    by_dir: dict[str, Counter[str]] = defaultdict(Counter)
    for f in placed:
        by_dir[_package(f)][label[f]] += 1
    for f in sorted(set(label) - placed):
        counts = by_dir.get(_package(f))
        if counts:
            label[f] = min(counts, key=lambda n: (-counts[n], n))


def partition_of(boundaries: Sequence[Boundary]) -> dict[str, str]:
    """file -> boundary name."""
    return {f: b.name for b in boundaries for f in b.files}


@dataclass(frozen=True, slots=True)
class Decomposition:
    """Proposed boundaries with their metrics and the order to extract them in."""

    boundaries: tuple[Boundary, ...]
    metrics: Mapping[str, float]
    order: tuple[str, ...]
    broken_edges: tuple[tuple[str, str, int], ...]


def decompose(static: StaticAnalysis) -> Decomposition:
    """Boundaries, decomposition metrics (SM, ICP, IFN, NED) and extraction order of ``static``."""
    from analyzer.static.graph import decomposition_metrics, extraction_order

    communities = [(c.name, c.files) for c in static.analysis.communities]
    boundaries = propose_boundaries(communities, static.resolution.dependencies)
    partition = partition_of(boundaries)
    metrics = decomposition_metrics(static.graph, partition)
    order = extraction_order(static.graph, partition)
    return Decomposition(
        boundaries=tuple(boundaries),
        metrics={"sm": metrics.sm, "icp": metrics.icp, "ifn": metrics.ifn, "ned": metrics.ned},
        order=order.order,
        broken_edges=order.broken_edges,
    )


def _package(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""

"""Candidate service boundaries: the file graph's communities refined into a decomposition.

The proposal starts from the Louvain communities of the file graph: files used from two or more
other areas that depend only on the kernel are cross-cutting and form a ``shared`` kernel (what a
strangler migration extracts or duplicates first); composition roots that no boundary dominates
form ``entrypoints``; the rest is refined by modularity local moving (see
:func:`propose_boundaries`).  :func:`decompose` adds the
decomposition metrics and the extraction order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzer.domain import Dependency, binding_weight
from analyzer.static._terms import domain_terms, is_test, term_counts
from analyzer.static.metrics import community_name
from analyzer.static.result import StaticAnalysis

SHARED = "shared"


#: a file is cross-cutting when this many other boundaries depend on it
CROSS_CUTTING_MIN_USERS = 2


#: boundary of the entry points (composition roots, CLIs): the strangler facade
ENTRYPOINTS = "entrypoints"


#: a file is in the shared kernel when this many other communities use it, none for half of the use
KERNEL_MIN_USERS = 3


#: rounds of local moving when refining communities into boundaries
PROPAGATION_ROUNDS = 20


#: weight tying two files whose names share a domain term (lexical cohesion), next to binding weights
LEXICAL_WEIGHT = 2


#: weight tying two files of the same directory
DIRECTORY_WEIGHT = 1


#: a domain term held by more than this share of the files tells no contexts apart
LEXICAL_MAX_SHARE = 0.25


#: a boundary is named after a domain term held by at least this share of its files (else its directory)
NAME_MIN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Boundary:
    """A proposed service / module boundary."""

    name: str
    files: tuple[str, ...]


def propose_boundaries(
    communities: Sequence[tuple[str, Sequence[str]]],
    dependencies: Sequence[Dependency],
    units: Mapping[str, str] | None = None,
) -> tuple[Boundary, ...]:
    """Boundaries from communities: shared kernel, entry points and tests apart, the rest refined.

    Deterministic steps over the Louvain communities and the binding-weighted file graph
    (:func:`pair_bindings`: inheritance and type uses bind more than calls, imports least):

    1. *Tests* (:func:`analyzer.static._terms.is_test`) are set aside; each joins, at the end,
       the boundary holding most of the binding weight of what it uses.
    2. *Cross-cutting* files form the ``shared`` kernel.  A first pass of step 4 (tests apart)
       gives each file an area; a file is cross-cutting when its users span at least
       ``KERNEL_MIN_USERS`` areas with none holding more than half of them (users that are
       cross-cutting themselves, such as siblings in a ``common/`` folder, do not count; a file
       used evenly that depends on others that are not, a context's published service, does) and
       it depends on nothing but the kernel; helpers used only by the kernel join it.  A
       domain entity whose users are mostly in its own context stays in that context.
    3. *Leaves* that reach into two or more other communities (files nobody but tests depends
       on, not counting a file that merely forwards to them: one dependency, no users, such as a
       package ``__init__``) are set aside: controllers, handlers, jobs, composition roots.
    4. The other files are refined by local moving (the first phase of Louvain: each file
       moves to the label of best modularity gain), seeded with the communities, over the
       binding weights plus two kinds of ties (:func:`_affinities`): ``LEXICAL_WEIGHT`` between
       files whose names share a domain term (``OrderController``, ``MongoOrderRepository``)
       and ``DIRECTORY_WEIGHT`` between files of one directory.  Each leaf then joins the
       boundary that dominates its binding and lexical pull (an entry point follows what it
       uses); a leaf that no boundary dominates is a composition root (app factory, CLI) and
       goes to ``entrypoints``, the future strangler facade.
    5. Files left without edges join the boundary holding most files of their directory, or
       of their domain term.
    6. Files of one indivisible unit (``units``: a Go package) all join the boundary holding
       most of the unit's non-test files (ties: the most binding weight with the unit's files).
       Each boundary is named after its dominant domain term, else the common directory of its
       files (see :func:`_name_boundaries`).

    Args:
        communities: (name, files) per community, in community order.
        dependencies: internal file-level edges.
        units: file -> the unit it cannot be split from (files not in it stand alone).
    """
    graph = _file_graph(communities, dependencies)
    tests = {f for f in graph.owner if is_test(f)}
    first, _ = _local_moving(graph, tests)
    shared = _kernel(_FileGraph(first, graph.original, graph.users, graph.uses, graph.weight), tests)
    leaves = _leaves(graph, shared, tests)
    label, linked = _local_moving(graph, shared | leaves | tests)
    _place_leaves(graph, label, leaves, shared)
    label.update(dict.fromkeys(shared, SHARED))
    _place_tests(graph, label, tests)
    _place_isolated(label, linked | shared | leaves | tests)
    if units:
        _keep_units_whole(graph, label, units, tests)
    return _name_boundaries(label)


def _keep_units_whole(graph: _FileGraph, label: dict[str, str], units: Mapping[str, str], tests: set[str]) -> None:
    """Move every file of a unit split over several boundaries to the one holding most of its code."""
    members: defaultdict[str, list[str]] = defaultdict(list)
    for f in sorted(label):
        if f in units:
            members[units[f]].append(f)
    for files in members.values():
        if len({label[f] for f in files}) < 2:
            continue
        inside = set(files)
        count = Counter(label[f] for f in files if f not in tests)
        pull: Counter[str] = Counter()
        for f in files:
            for other in graph.users[f] | graph.uses[f]:
                if other not in inside and other in label:
                    pull[label[other]] += graph.between(f, other)
        options = {label[f] for f in files}
        best = min(options, key=lambda b: (-count[b], -pull[b], b))
        for f in files:
            label[f] = best


@dataclass(slots=True)
class _FileGraph:
    """The internal edges between files of the communities, with each file's community."""

    owner: dict[str, str] = field(default_factory=dict)  # file -> community key (never SHARED / ENTRYPOINTS)
    original: dict[str, str] = field(default_factory=dict)  # community key -> community name
    users: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    uses: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    weight: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lower, higher) file -> binding weight

    def spread(self, f: str, others: set[str]) -> int:
        """How many communities other than ``f``'s ``others`` span."""
        return len({self.owner[o] for o in others} - {self.owner[f]})

    def reach(self, f: str, others: set[str]) -> int:
        """How many areas other than ``f``'s ``others`` span: communities and directories, the smaller count."""
        return min(self.spread(f, others), len({_package(o) for o in others} - {_package(f)}))

    def between(self, f: str, g: str) -> int:
        """The binding weight between ``f`` and ``g``, both ways."""
        return self.weight[(min(f, g), max(f, g))]


def _file_graph(communities: Sequence[tuple[str, Sequence[str]]], dependencies: Sequence[Dependency]) -> _FileGraph:
    """Communities keyed ``#i`` and the binding-weighted edges between their files (self-edges left out)."""
    graph = _FileGraph()
    for i, (name, files) in enumerate(communities):
        graph.original[f"#{i}"] = name
        for f in files:
            graph.owner[f] = f"#{i}"
    for (source, target), w in pair_bindings(dependencies).items():
        if source in graph.owner and target in graph.owner:
            graph.users[target].add(source)
            graph.uses[source].add(target)
            graph.weight[(min(source, target), max(source, target))] += w
    return graph


def pair_bindings(dependencies: Sequence[Dependency]) -> dict[tuple[str, str], int]:
    """Binding weight (:func:`analyzer.domain.binding_weight`) of each directed file pair, self-pairs left out."""
    uses: Counter[tuple[str, str, str]] = Counter()
    for d in dependencies:
        if d.source != d.target:
            uses[(d.source, d.target, d.kind)] += d.weight
    kinds: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (source, target, kind), n in uses.items():
        kinds[(source, target)][kind] = n
    return {pair: binding_weight(k) for pair, k in sorted(kinds.items())}


def _kernel(graph: _FileGraph, tests: set[str]) -> set[str]:
    """Cross-cutting files: used evenly from many communities, depending only on each other (to a fixpoint)."""
    users = {f: graph.users[f] - tests for f in graph.owner}
    uses = {f: graph.uses[f] - tests for f in graph.owner}
    # users that are cross-cutting themselves (a sibling in a shared folder) say nothing of f; a file used
    # evenly that depends on files that are not (a context's published service) is no such user
    candidates = {f for f in graph.owner if f not in tests and users[f] and _is_even(graph, f, users[f])}
    while True:
        narrowed = {f for f in candidates if uses[f] <= candidates}
        if narrowed == candidates:
            break
        candidates = narrowed
    kernel = {f for f in graph.owner if f not in tests and users[f] - candidates}
    kernel = {f for f in kernel if _is_even(graph, f, users[f] - candidates)}
    for _ in range(len(graph.owner) + 1):
        before = set(kernel)
        kernel = {f for f in kernel if not uses[f] - kernel}
        kernel |= {
            f for f in graph.owner if f not in tests and users[f] and users[f] <= kernel and not uses[f] - kernel
        }
        if kernel == before:
            break
    return kernel


def _is_even(graph: _FileGraph, f: str, users: set[str]) -> bool:
    """Whether ``users`` of ``f`` span ``KERNEL_MIN_USERS`` areas, none holding over half of them.

    An area is a boundary of the first refinement pass, ``f``'s own included.  A domain entity
    whose users mostly come from its own context is not cross-cutting, however many other
    contexts read it.
    """
    per_area = Counter(graph.owner[u] for u in users)
    return len(per_area) >= KERNEL_MIN_USERS and 2 * max(per_area.values()) <= len(users)


def _leaves(graph: _FileGraph, shared: set[str], tests: set[str]) -> set[str]:
    """Files outside the kernel reaching into two or more other communities that only tests depend on.

    A user that merely forwards to the file (one dependency, no users) does not count.
    """
    users, uses = graph.users, graph.uses
    return {
        f
        for f in graph.owner
        if f not in shared
        and f not in tests
        and graph.spread(f, uses[f] - shared - tests) >= CROSS_CUTTING_MIN_USERS
        and all(uses[u] == {f} and not users[u] for u in users[f] - tests)
    }


def _affinities(graph: _FileGraph, fixed: set[str]) -> dict[str, list[tuple[str, int]]]:
    """Each movable file's affinity groups: its directory, and each domain term of its name.

    A file is tied to every other movable file of its directory by ``DIRECTORY_WEIGHT`` and to
    every other one whose name shares a domain term by ``LEXICAL_WEIGHT``; the ties are kept as
    groups (``dir:<path>``, ``term:<word>``), never as file pairs, so a directory of thousands
    of files costs nothing quadratic.  A term held by more than ``LEXICAL_MAX_SHARE`` of the
    files (the application's own name, ``cargo`` in a cargo tracker) tells no contexts apart
    and is left out.
    """
    movable = sorted(f for f in graph.owner if f not in fixed)
    counts = term_counts(movable)
    most = max(2, LEXICAL_MAX_SHARE * len(movable))
    return {
        f: [
            (f"dir:{_package(f)}", DIRECTORY_WEIGHT),
            *((f"term:{t}", LEXICAL_WEIGHT) for t in domain_terms(f) if 2 <= counts[t] <= most),
        ]
        for f in movable
    }


def _local_moving(graph: _FileGraph, fixed: set[str]) -> tuple[dict[str, str], set[str]]:
    """Seeded modularity local moving: each file moves to the label of best modularity gain.

    The weights are the binding weights between files outside ``fixed`` plus the ties of
    :func:`_affinities`.  Returns the labels of all files and the files that took part.
    """
    label = dict(graph.owner)
    neighbours: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (a, b), w in sorted(graph.weight.items()):
        if a not in fixed and b not in fixed:
            neighbours[a].append((b, w))
            neighbours[b].append((a, w))
    groups = _affinities(graph, fixed)
    size = Counter(g for ties in groups.values() for g, _ in ties)
    members: dict[str, Counter[str]] = defaultdict(Counter)  # affinity group -> label -> files
    for f, ties in groups.items():
        for g, _ in ties:
            members[g][label[f]] += 1
    movable = sorted(f for f in groups if neighbours[f] or any(size[g] > 1 for g, _ in groups[f]))
    degree = {f: sum(w for _, w in neighbours[f]) + sum(w * (size[g] - 1) for g, w in groups[f]) for f in movable}
    two_m = sum(degree.values()) or 1
    total: Counter[str] = Counter()
    for f in movable:
        total[label[f]] += degree[f]
    for _ in range(PROPAGATION_ROUNDS):
        changed = False
        for f in movable:
            current = label[f]
            held = [(members[g], w) for g, w in groups[f]]
            best = _best_label(f, current, label, neighbours[f], held, degree[f], total, two_m)
            if best != current:
                for g, _ in groups[f]:
                    members[g][current] -= 1
                    if not members[g][current]:
                        del members[g][current]
                    members[g][best] += 1
                total[current] -= degree[f]
                total[best] += degree[f]
                label[f] = best
                changed = True
        if not changed:
            break
    return label, set(movable)


def _best_label(
    f: str,
    current: str,
    label: Mapping[str, str],
    neighbours: Sequence[tuple[str, int]],
    groups: Sequence[tuple[Mapping[str, int], int]],
    degree: int,
    total: Mapping[str, int],
    two_m: int,
) -> str:
    """The label of best modularity gain for ``f`` (ties: staying, then the larger name).

    The gain of label ``c`` is ``pull_c - degree * total_c / 2m`` (``total_c`` without ``f``),
    compared scaled by ``2m`` so that it stays in integers and exactly reproducible.
    """
    pull: dict[str, int] = {current: 0}
    for g, w in neighbours:
        c = label[g]
        pull[c] = pull.get(c, 0) + w
    for held, w in groups:
        for c, n in held.items():
            pull[c] = pull.get(c, 0) + w * (n - (c == current))
    own = total[current] - degree  # the current label's total without f

    def gain(c: str) -> tuple[int, bool, str]:
        return (pull[c] * two_m - degree * (own if c == current else total[c]), c == current, c)

    best = max(pull, key=gain)
    return best


def _place_leaves(graph: _FileGraph, label: dict[str, str], leaves: set[str], shared: set[str]) -> None:
    """Each leaf joins the boundary that dominates its pull, else ``entrypoints``.

    The pull is the binding weight of what the leaf uses plus ``LEXICAL_WEIGHT`` per file of the
    boundary sharing a domain term with it (``OrderController`` and the ``Order*`` files); a
    boundary dominates when it holds the majority of the pull or twice the runner-up's.
    """
    holders: dict[str, Counter[str]] = defaultdict(Counter)  # term -> label -> files
    for f, name in label.items():
        if f not in leaves and f not in shared:
            for term in domain_terms(f):
                holders[term][name] += 1
    for f in sorted(leaves):
        pull: Counter[str] = Counter()
        for g in graph.uses[f] - shared - leaves:
            pull[label[g]] += graph.between(f, g)
        for term in domain_terms(f):
            for name, n in holders[term].items():
                pull[name] += LEXICAL_WEIGHT * n
        ranked = sorted(pull, key=lambda n: (-pull[n], n))
        top = pull[ranked[0]] if ranked else 0
        runner_up = pull[ranked[1]] if len(ranked) > 1 else 0
        label[f] = ranked[0] if ranked and (2 * top > pull.total() or top >= 2 * runner_up) else ENTRYPOINTS


def _place_tests(graph: _FileGraph, label: dict[str, str], tests: set[str]) -> None:
    """Each test joins the boundary holding most of the binding weight of what it uses (tests left out)."""
    for f in sorted(tests):
        pull: Counter[str] = Counter()
        for g in graph.uses[f] - tests:
            pull[label[g]] += graph.between(f, g)
        if pull:
            label[f] = min(pull, key=lambda n: (-pull[n], n))


def _place_isolated(label: dict[str, str], placed: set[str]) -> None:
    """Files outside ``placed`` join the boundary holding most placed files of their directory, else of their terms."""
    by_dir: dict[str, Counter[str]] = defaultdict(Counter)
    by_term: dict[str, Counter[str]] = defaultdict(Counter)
    for f in placed:
        by_dir[_package(f)][label[f]] += 1
        for term in domain_terms(f):
            by_term[term][label[f]] += 1
    for f in sorted(set(label) - placed):
        counts = by_dir.get(_package(f)) or sum((by_term[t] for t in domain_terms(f) if t in by_term), Counter())
        if counts:
            label[f] = min(counts, key=lambda n: (-counts[n], n))


def _name_boundaries(label: Mapping[str, str]) -> tuple[Boundary, ...]:
    """Group files by label and name each group; largest first, ``shared`` and ``entrypoints`` last.

    A group is named from its files that are not tests (all of them when every one is), after its
    dominant domain term (held by the most of its files, at least two and at least ``NAME_MIN_SHARE``
    of them), else the common directory of its files, else its
    most common directory.  A name another group took goes to the next candidate (the next term,
    the directory); only when every candidate is taken does the name get the group's first file
    stem, so a boundary is never called ``src~2``.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for f, name in label.items():
        groups[name].append(f)
    named: dict[str, list[str]] = {}
    for key in sorted(groups, key=lambda n: (n not in (SHARED, ENTRYPOINTS), -len(groups[n]), min(groups[n]))):
        files = sorted(groups[key])
        # tests were placed with the code they use: they never name it (a core boundary is not "tests")
        code = [f for f in files if not is_test(f)] or files
        candidates = [key] if key in (SHARED, ENTRYPOINTS) else _name_candidates(code)
        name = next((c for c in candidates if c not in named), "")
        if not name:
            stem = files[0].rpartition("/")[2].partition(".")[0]
            name = f"{candidates[0]} ({stem})"
        named[name] = files
    order = sorted(named, key=lambda n: (n == SHARED, n == ENTRYPOINTS, -len(named[n]), n))
    return tuple(Boundary(n, tuple(named[n])) for n in order)


def _name_candidates(files: Sequence[str]) -> list[str]:
    """Names for a group of files, best first: dominant domain terms, then directories."""
    held: Counter[str] = Counter(t for f in files for t in domain_terms(f))
    least = max(2, NAME_MIN_SHARE * len(files))
    terms = sorted((t for t, n in held.items() if n >= least), key=lambda t: (-held[t], t))
    packages = [_package(f) for f in files]
    dirs = Counter(packages)
    return [*terms, community_name(packages), *sorted(dirs, key=lambda d: (-dirs[d], d))]


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
    """Boundaries, decomposition metrics (SM, ICP, IFN, NED) and extraction order of ``static``.

    Computed once per analysis: kept in ``static.built_decomposition`` for the next caller.
    """
    from analyzer.static.graph import decomposition_metrics, extraction_order

    if isinstance(static.built_decomposition, Decomposition):
        return static.built_decomposition
    communities = [(c.name, c.files) for c in static.analysis.communities]
    boundaries = propose_boundaries(communities, static.resolution.dependencies, indivisible_units(static))
    partition = partition_of(boundaries)
    metrics = decomposition_metrics(static.graph, partition)
    order = extraction_order(static.graph, partition)
    found = Decomposition(
        boundaries=tuple(boundaries),
        metrics={"sm": metrics.sm, "icp": metrics.icp, "ifn": metrics.ifn, "ned": metrics.ned},
        order=order.order,
        broken_edges=order.broken_edges,
    )
    object.__setattr__(static, "built_decomposition", found)
    return found


def indivisible_units(static: StaticAnalysis) -> dict[str, str]:
    """file -> its unit, where a language keeps directories whole (``LanguageSpec.indivisible_directory``)."""
    from analyzer.static.languages import registry

    specs = registry()
    return {
        p.path: f"{p.source.language}:{_package(p.path)}"
        for p in static.parsed
        if p.source.language in specs and specs[p.source.language].indivisible_directory
    }


def _package(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""

"""Graph stage: Dependencies -> networkx.DiGraph, and what the graph tells us.

:func:`build_graph` turns parsed files and resolved dependencies into a
directed graph (attribute names in :mod:`analyzer.domain`); nodes and edges
are inserted in sorted order so every traversal is deterministic.
:func:`analyze_graph` condenses it into a frozen :class:`GraphAnalysis`
(cycles, ranking, layers, package coupling, hotspots, communities).
:func:`decomposition_metrics` and :func:`extraction_order` judge a partition
of files into boundaries (candidate services) for the migration plan.

Three views of the file->file edges are used:

* all edges (imports, calls, inheritance, type uses), each pair weighted by its binding weight
  (``EDGE_BINDING``: :data:`analyzer.domain.EDGE_KIND_WEIGHTS`): PageRank, communities,
  coupling between communities and between boundaries; fan-in/out, orphans and package
  coupling count pairs;
* runtime import edges (an edge holding at least one import that is not
  type-only): cycles and layers, since ``if TYPE_CHECKING:`` or
  ``import type`` imports never execute;
* all import edges: type-only cycles, i.e. cycles that exist only through a
  type-only import.

This module and ``context/write.py`` are the only ones importing networkx.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from analyzer.domain import (  # the result types live in domain.py (no networkx behind them)
    EDGE_BINDING,
    EDGE_KINDS,
    EDGE_LINES,
    EDGE_RUNTIME_IMPORT,
    EDGE_TYPE_ONLY,
    EDGE_WEIGHT,
    EXTERNAL_PREFIX,
    IMPORT,
    NODE_EXTERNAL,
    NODE_FILE,
    NODE_KIND,
    NODE_LANGUAGE,
    NODE_LOC,
    NODE_PACKAGE,
    NODE_STANDARD,
    NODE_SYMBOLS,
    Community,
    Cycle,
    Dependency,
    ExternalUse,
    FileMetrics,
    GraphAnalysis,
    Hotspot,
    PackageMetrics,
    ParsedFile,
    Resolution,
    Symbol,
    binding_weight,
)
from analyzer.static.metrics import (
    DIGITS,
    DecompositionMetrics,
    ExtractionOrder,
    community_names,
    cycle_through_edge,
    decomposition_metrics_of,
    hotspot_scores,
    pagerank,
    shortest_cycle,
)

__all__ = [
    "EDGE_RUNTIME_IMPORT",
    "HOTSPOT_LIMIT",
    "UNASSIGNED",
    "Community",
    "Cycle",
    "DecompositionMetrics",
    "ExternalUse",
    "ExtractionOrder",
    "FileMetrics",
    "GraphAnalysis",
    "Hotspot",
    "PackageMetrics",
    "analyze_graph",
    "build_graph",
    "decomposition_metrics",
    "extraction_order",
]

#: how many hotspots :func:`analyze_graph` keeps
HOTSPOT_LIMIT = 20
#: name of the community that gathers files without any internal edge
UNASSIGNED = "unassigned"


def build_graph(parsed: Sequence[ParsedFile], resolution: Resolution) -> nx.DiGraph:
    """Build the dependency graph of the repository.

    File nodes are keyed by path (attributes ``NODE_KIND="file"``,
    ``NODE_LANGUAGE``, ``NODE_LOC``, ``NODE_SYMBOLS``, ``NODE_PACKAGE``);
    external packages by ``EXTERNAL_PREFIX + package``.  One file->file edge
    aggregates every :class:`Dependency` of the pair (``EDGE_KINDS``,
    ``EDGE_LINES``, ``EDGE_WEIGHT``, ``EDGE_TYPE_ONLY``,
    :data:`EDGE_RUNTIME_IMPORT`); one file->external edge counts the imports
    of that package.  A dependency endpoint that was not parsed still gets a
    file node, with empty attributes.
    """
    graph = nx.DiGraph()
    by_path = {p.path: p for p in parsed}
    paths = set(by_path)
    paths.update(d.source for d in resolution.dependencies)
    paths.update(d.target for d in resolution.dependencies)
    paths.update(e.source for e in resolution.externals)
    for path in sorted(paths):
        p = by_path.get(path)
        graph.add_node(
            path,
            **{
                NODE_KIND: NODE_FILE,
                NODE_LANGUAGE: p.source.language if p else "",
                NODE_LOC: p.loc if p else 0,
                NODE_SYMBOLS: tuple(sorted(p.symbols, key=Symbol.sort_key)) if p else (),
                NODE_PACKAGE: _package_of(path),
            },
        )
    standard = {e.package for e in resolution.externals if e.standard}
    for package in sorted({e.package for e in resolution.externals}):
        graph.add_node(EXTERNAL_PREFIX + package, **{NODE_KIND: NODE_EXTERNAL, NODE_STANDARD: package in standard})

    pairs: dict[tuple[str, str], list[Dependency]] = defaultdict(list)
    for dep in resolution.dependencies:
        if dep.source != dep.target:
            pairs[(dep.source, dep.target)].append(dep)
    ext_lines: dict[tuple[str, str], list[int]] = defaultdict(list)
    for ext in resolution.externals:
        ext_lines[(ext.source, EXTERNAL_PREFIX + ext.package)].append(ext.line)

    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for pair, deps in pairs.items():
        edges[pair] = _file_edge(deps)
    for pair, lines in ext_lines.items():
        edges[pair] = {
            EDGE_KINDS: {IMPORT: len(lines)},
            EDGE_LINES: {IMPORT: min(lines)},
            EDGE_WEIGHT: len(lines),
            EDGE_BINDING: binding_weight({IMPORT: len(lines)}),
            EDGE_TYPE_ONLY: False,
            EDGE_RUNTIME_IMPORT: True,
        }
    for (src, dst), attrs in sorted(edges.items()):
        graph.add_edge(src, dst, **attrs)
    return graph


def analyze_graph(graph: nx.DiGraph, *, churn: Mapping[str, int] | None = None, seed: int = 0) -> GraphAnalysis:
    """Derive cycles, ranking, layers, coupling, hotspots and communities.

    Args:
        graph: a graph from :func:`build_graph` (read only).
        churn: commits per file from git history, or None without history.
        seed: Louvain seed; the same graph and seed give the same communities.

    See :class:`GraphAnalysis` for the definition of every field.
    """
    files = _file_nodes(graph)
    internal = _file_edges(graph, files)
    runtime = nx.DiGraph()
    imports = nx.DiGraph()
    runtime.add_nodes_from(files)
    imports.add_nodes_from(files)
    for src, dst, data in internal:
        if _is_runtime_import(data):
            runtime.add_edge(src, dst)
        if IMPORT in data.get(EDGE_KINDS, {}):
            imports.add_edge(src, dst)

    cycles = _cycles(runtime)
    type_only = _type_only_cycles(imports, runtime, {c.nodes for c in cycles})
    layer = _layers(runtime)
    weighted = [(s, d, float(_binding(data))) for s, d, data in internal]
    ranks = pagerank(files, weighted)
    fan_in: Counter[str] = Counter(d for _, d, _ in internal)
    fan_out: Counter[str] = Counter(s for s, _, _ in internal)
    loc = {f: int(graph.nodes[f].get(NODE_LOC, 0)) for f in files}
    commits = {f: int((churn or {}).get(f, 0)) for f in files}
    scores = hotspot_scores(loc, ranks, commits if churn is not None else None)
    metrics = tuple(
        FileMetrics(f, loc[f], fan_in[f], fan_out[f], round(ranks[f], DIGITS), layer[f], commits[f], scores[f])
        for f in files
    )
    hotspots = sorted(
        (Hotspot(m.path, m.hotspot, m.loc, m.pagerank, m.churn) for m in metrics if m.hotspot > 0),
        key=lambda h: (-h.score, h.path),
    )
    orphans = tuple(f for f in files if not fan_in[f] and not fan_out[f])
    communities = _communities(graph, files, internal, set(orphans), seed)
    return GraphAnalysis(
        cycles=cycles,
        type_only_cycles=type_only,
        pagerank=tuple(sorted(((f, round(ranks[f], DIGITS)) for f in files), key=lambda t: (-t[1], t[0]))),
        files=metrics,
        packages=_packages(graph, files, internal, loc),
        layers=tuple((d, tuple(f for f in files if layer[f] == d)) for d in sorted(set(layer.values()))),
        orphans=orphans,
        hotspots=tuple(hotspots[:HOTSPOT_LIMIT]),
        communities=communities,
        coupling=_coupling(communities, internal),
        externals=_externals(graph),
    )


def decomposition_metrics(graph: nx.DiGraph, partition: Mapping[str, str]) -> DecompositionMetrics:
    """SM, ICP, IFN and NED of ``partition`` (file path -> boundary name).

    All file->file edges take part, weighted by ``EDGE_WEIGHT`` for ICP and
    counted once per file pair for SM; files missing from ``partition`` are
    left out.  Formulas: :class:`analyzer.static.metrics.DecompositionMetrics`.
    """
    files = _file_nodes(graph)
    edges = [(s, d, float(data.get(EDGE_WEIGHT, 1))) for s, d, data in _file_edges(graph, files)]
    return decomposition_metrics_of(files, edges, partition)


def extraction_order(graph: nx.DiGraph, partition: Mapping[str, str]) -> ExtractionOrder:
    """Boundaries of ``partition`` leaf-first: ones depending on no other boundary first.

    Boundary A depends on B when a file of A has any edge to a file of B; the
    dependency weighs the summed binding weight (``EDGE_BINDING``).  While boundaries form a
    cycle, the lightest dependency inside a cycle (ties by names) is dropped
    and listed in ``broken_edges``.  Every boundary named in ``partition``
    appears in ``order``; ties are broken by name.
    """
    files = _file_nodes(graph)
    boundaries = nx.DiGraph()
    boundaries.add_nodes_from(sorted(set(partition.values())))
    weights: Counter[tuple[str, str]] = Counter()
    for src, dst, data in _file_edges(graph, files):
        a, b = partition.get(src), partition.get(dst)
        if a is not None and b is not None and a != b:
            weights[(a, b)] += _binding(data)
    for (a, b), w in sorted(weights.items()):
        boundaries.add_edge(a, b, weight=w)
    broken: list[tuple[str, str, int]] = []
    while True:
        cyclic = [c for c in nx.strongly_connected_components(boundaries) if len(c) > 1]
        if not cyclic:
            break
        inside = [(w, a, b) for c in cyclic for a, b, w in boundaries.subgraph(c).edges(data="weight")]
        w, a, b = min(inside)
        boundaries.remove_edge(a, b)
        broken.append((a, b, w))
    order = tuple(nx.lexicographical_topological_sort(boundaries.reverse(copy=True)))
    return ExtractionOrder(order=order, broken_edges=tuple(broken))


# --- helpers ---------------------------------------------------------------


def _package_of(path: str) -> str:
    """Directory of a repo-relative POSIX path, ``""`` for the root."""
    head, _, _ = path.rpartition("/")
    return head


def _file_edge(deps: list[Dependency]) -> dict[str, Any]:
    """Attributes of one file->file edge aggregating the pair's dependencies."""
    kinds: Counter[str] = Counter()
    lines: dict[str, int] = {}
    for dep in deps:
        kinds[dep.kind] += dep.weight
        lines[dep.kind] = min(lines.get(dep.kind, dep.line), dep.line)
    import_deps = [d for d in deps if d.kind == IMPORT]
    return {
        EDGE_KINDS: dict(sorted(kinds.items())),
        EDGE_LINES: dict(sorted(lines.items())),
        EDGE_WEIGHT: sum(kinds.values()),
        EDGE_BINDING: binding_weight(kinds),
        EDGE_TYPE_ONLY: bool(import_deps) and set(kinds) == {IMPORT} and all(d.type_only for d in import_deps),
        EDGE_RUNTIME_IMPORT: any(not d.type_only for d in import_deps),
    }


def _file_nodes(graph: nx.DiGraph) -> list[str]:
    return sorted(n for n, kind in graph.nodes(data=NODE_KIND) if kind == NODE_FILE)


def _file_edges(graph: nx.DiGraph, files: Iterable[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Sorted file->file edges with their attribute dicts (self-loops left out)."""
    keep = set(files)
    return sorted((s, d, data) for s, d, data in graph.edges(data=True) if s in keep and d in keep and s != d)


def _binding(data: Mapping[str, Any]) -> int:
    """The binding weight of an edge (computed from its kinds for a graph built without it)."""
    if EDGE_BINDING in data:
        return int(data[EDGE_BINDING])
    return binding_weight(data.get(EDGE_KINDS, {})) or int(data.get(EDGE_WEIGHT, 1))


def _is_runtime_import(data: Mapping[str, Any]) -> bool:
    if EDGE_RUNTIME_IMPORT in data:
        return bool(data[EDGE_RUNTIME_IMPORT])
    kinds = data.get(EDGE_KINDS, {})
    return IMPORT in kinds and not data.get(EDGE_TYPE_ONLY, False)


def _successors(graph: nx.DiGraph) -> dict[str, list[str]]:
    return {n: sorted(graph.successors(n)) for n in graph}


def _cycles(runtime: nx.DiGraph) -> tuple[Cycle, ...]:
    succ = _successors(runtime)
    comps = [tuple(sorted(c)) for c in nx.strongly_connected_components(runtime) if len(c) > 1]
    comps.sort(key=lambda c: (-len(c), c))
    return tuple(Cycle(c, shortest_cycle(c, succ)) for c in comps)


def _type_only_cycles(
    imports: nx.DiGraph, runtime: nx.DiGraph, runtime_sccs: set[tuple[str, ...]]
) -> tuple[Cycle, ...]:
    """Import SCCs that are not runtime SCCs, with a shortest cycle through a type-only edge."""
    succ = _successors(imports)
    found = []
    for comp in nx.strongly_connected_components(imports):
        nodes = tuple(sorted(comp))
        if len(nodes) < 2 or nodes in runtime_sccs:
            continue
        members = set(nodes)
        best: tuple[str, ...] = ()
        for src, dst in sorted(imports.subgraph(members).edges()):
            if runtime.has_edge(src, dst):
                continue
            cycle = cycle_through_edge(src, dst, members, succ)
            if cycle and (not best or (len(cycle), cycle) < (len(best), best)):
                best = cycle
        found.append(Cycle(nodes, best))
    found.sort(key=lambda c: (-len(c.nodes), c.nodes))
    return tuple(found)


def _layers(runtime: nx.DiGraph) -> dict[str, int]:
    dag = nx.condensation(runtime)
    depth: dict[int, int] = {}
    for comp in reversed(list(nx.topological_sort(dag))):
        depth[comp] = 1 + max((depth[s] for s in dag.successors(comp)), default=-1)
    mapping = dag.graph["mapping"]
    return {n: depth[mapping[n]] for n in runtime}


def _packages(
    graph: nx.DiGraph, files: list[str], internal: list[tuple[str, str, dict[str, Any]]], loc: Mapping[str, int]
) -> tuple[PackageMetrics, ...]:
    package = {f: str(graph.nodes[f].get(NODE_PACKAGE, _package_of(f))) for f in files}
    members: Counter[str] = Counter(package.values())
    lines: Counter[str] = Counter()
    for f in files:
        lines[package[f]] += loc[f]
    afferent: dict[str, set[str]] = defaultdict(set)
    efferent: dict[str, set[str]] = defaultdict(set)
    for src, dst, _ in internal:
        a, b = package[src], package[dst]
        if a != b:
            efferent[a].add(b)
            afferent[b].add(a)
    result = []
    for pkg in sorted(members):
        ca, ce = len(afferent[pkg]), len(efferent[pkg])
        instability = round(ce / (ca + ce), DIGITS) if ca + ce else 0.0
        result.append(PackageMetrics(pkg, members[pkg], lines[pkg], ca, ce, instability))
    return tuple(result)


def _communities(
    graph: nx.DiGraph, files: list[str], internal: list[tuple[str, str, dict[str, Any]]], orphans: set[str], seed: int
) -> tuple[Community, ...]:
    undirected = nx.Graph()
    undirected.add_nodes_from(f for f in files if f not in orphans)
    weights: Counter[tuple[str, str]] = Counter()
    for src, dst, data in internal:
        weights[(min(src, dst), max(src, dst))] += _binding(data)
    for (a, b), w in sorted(weights.items()):
        undirected.add_edge(a, b, weight=w)
    groups = [tuple(sorted(c)) for c in nx.community.louvain_communities(undirected, weight="weight", seed=seed)]
    groups.sort(key=lambda g: (-len(g), g[0]))
    names = community_names(
        [[str(graph.nodes[f].get(NODE_PACKAGE, _package_of(f))) for f in group] for group in groups]
    )
    result = [Community(i, name, group) for i, (name, group) in enumerate(zip(names, groups))]
    if orphans:
        result.append(Community(len(result), UNASSIGNED, tuple(sorted(orphans))))
    return tuple(result)


def _coupling(
    communities: tuple[Community, ...], internal: list[tuple[str, str, dict[str, Any]]]
) -> tuple[tuple[int, int, int], ...]:
    owner = {f: c.id for c in communities for f in c.files}
    weights: Counter[tuple[int, int]] = Counter()
    for src, dst, data in internal:
        a, b = owner[src], owner[dst]
        if a != b:
            weights[(min(a, b), max(a, b))] += _binding(data)
    return tuple((a, b, w) for (a, b), w in sorted(weights.items()))


def _externals(graph: nx.DiGraph) -> tuple[ExternalUse, ...]:
    result = []
    for node, kind in sorted(graph.nodes(data=NODE_KIND)):
        if kind == NODE_EXTERNAL:
            importers = tuple(sorted(p for p in graph.predecessors(node) if graph.nodes[p].get(NODE_KIND) == NODE_FILE))
            result.append(
                ExternalUse(
                    node.removeprefix(EXTERNAL_PREFIX), importers, bool(graph.nodes[node].get(NODE_STANDARD, False))
                )
            )
    return tuple(result)

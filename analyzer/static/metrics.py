"""Graph metrics over plain data, kept free of networkx (``graph.py`` feeds them).

Three families live here:

* ranking helpers: weighted PageRank by power iteration (networkx's
  ``pagerank`` needs scipy, which the analyzer does not depend on) and the
  shortest cycle of a strongly connected component;
* normalisation helpers for hotspot scores;
* decomposition metrics from the microservice-identification literature,
  computed for a partition of files into boundaries (candidate services).

Edges are ``(source, target, weight)`` triples over distinct directed file
pairs; nodes are repository-relative paths.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Edge = tuple[str, str, float]

#: decimals kept in every float the analysis returns (stable golden files)
DIGITS = 6
#: boundaries with fewer / more files than these are "extreme" for NED (Jin et al. 2019)
NED_MIN_SIZE = 5
NED_MAX_SIZE = 20


@dataclass(frozen=True, slots=True)
class DecompositionMetrics:
    """Quality of a partition of files into boundaries (candidate services).

    * ``sm`` -- structural modularity (Jin et al. 2019), higher is better:
      ``SM = (1/K) sum_k scoh_k - (1/(K(K-1)/2)) sum_{i<j} scop_ij`` with
      ``scoh_k = mu_k / N_k**2`` (``mu_k``: edges inside boundary k, ``N_k``:
      its files) and ``scop_ij = sigma_ij / (2 N_i N_j)`` (``sigma_ij``: edges
      between i and j, both directions).  Edges are counted once per distinct
      directed file pair; the coupling term is 0 when ``K == 1``.
    * ``icp`` -- inter-call percentage (Jin et al. 2019; Kalia et al. 2021),
      lower is better: weight of the file->file edges that cross boundaries
      divided by the weight of all file->file edges (0.0 without edges).
    * ``ifn`` -- interface number (Jin et al. 2019), lower is better: the mean
      over boundaries of the number of files in the boundary that receive an
      edge from another boundary (its published interface).
    * ``ned`` -- non-extreme distribution (Jin et al. 2019; Kalia et al. 2021),
      lower is better: ``1 - (files in non-extreme boundaries) / (all files)``
      where a boundary is non-extreme when it holds between 5 and 20 files
      (inclusive).
    """

    sm: float
    icp: float
    ifn: float
    ned: float


@dataclass(frozen=True, slots=True)
class ExtractionOrder:
    """Boundaries in the order they can be extracted, dependencies first.

    ``order`` lists boundary names leaf-first: a boundary comes after every
    boundary it depends on (ties by name).  ``broken_edges`` lists the
    boundary dependencies ``(source, target, weight)`` that were ignored, in
    removal order, to break cycles between boundaries (lightest first).
    """

    order: tuple[str, ...]
    broken_edges: tuple[tuple[str, str, int], ...]


def pagerank(
    nodes: Sequence[str], edges: Iterable[Edge], *, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6
) -> dict[str, float]:
    """Weighted PageRank by power iteration, the same algorithm as networkx's.

    Out-edge weights are normalised per node; dangling nodes (no out-edges)
    spread their rank uniformly; teleportation is uniform.  Iteration stops
    when the L1 change is below ``len(nodes) * tol`` or after ``max_iter``
    rounds (the last iterate is returned rather than raising).
    """
    n = len(nodes)
    if n == 0:
        return {}
    out: dict[str, list[tuple[str, float]]] = {v: [] for v in nodes}
    for src, dst, weight in edges:
        out[src].append((dst, float(weight)))
    totals = {v: sum(w for _, w in nbrs) for v, nbrs in out.items()}
    dangling = [v for v in nodes if totals[v] == 0.0]
    x = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        last = x
        base = (alpha * sum(last[v] for v in dangling) + (1.0 - alpha)) / n
        x = dict.fromkeys(nodes, base)
        for v in nodes:
            if totals[v]:
                share = alpha * last[v] / totals[v]
                for dst, weight in out[v]:
                    x[dst] += share * weight
        if sum(abs(x[v] - last[v]) for v in nodes) < n * tol:
            break
    return x


def shortest_cycle(component: Iterable[str], successors: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """One shortest cycle inside a strongly connected component.

    The cycle starts at the lexicographically smallest node that lies on a
    shortest cycle and follows the BFS path that visits successors in sorted
    order, so the answer is deterministic.  It is returned without repeating
    the start: ``("a", "b", "c")`` means a -> b -> c -> a.  Returns ``()``
    when the component holds no cycle.
    """
    members = set(component)
    best: tuple[str, ...] = ()
    for start in sorted(members):
        limit = len(best) - 1 if best else len(members)
        found = _cycle_through(start, members, successors, limit)
        if found and (not best or len(found) < len(best)):
            best = found
            if len(best) == 2:  # no cycle is shorter; later starts are larger
                break
    return best


def cycle_through_edge(
    src: str, dst: str, members: set[str], successors: Mapping[str, Sequence[str]]
) -> tuple[str, ...]:
    """Shortest cycle using the edge ``src -> dst``, rotated to start at its smallest node."""
    path = _bfs_path(dst, src, members, successors, len(members)) if src != dst else ()
    if not path:
        return ()
    cycle = (src, *path[:-1])  # path runs dst .. src
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def normalized(values: Mapping[str, float]) -> dict[str, float]:
    """Each value divided by the largest one (all 0.0 when the largest is not positive)."""
    top = max(values.values(), default=0.0)
    if top <= 0:
        return dict.fromkeys(values, 0.0)
    return {k: v / top for k, v in values.items()}


def hotspot_scores(
    loc: Mapping[str, int], ranks: Mapping[str, float], churn: Mapping[str, int] | None
) -> dict[str, float]:
    """``loc/max_loc * rank/max_rank``, times ``1 + churn/max_churn`` when churn is given."""
    loc_n = normalized({k: float(v) for k, v in loc.items()})
    rank_n = normalized(ranks)
    churn_n = normalized({k: float(churn.get(k, 0)) for k in loc}) if churn is not None else None
    return {f: round(loc_n[f] * rank_n[f] * ((1.0 + churn_n[f]) if churn_n is not None else 1.0), DIGITS) for f in loc}


def community_name(packages: Sequence[str]) -> str:
    """Longest common directory of a group's packages, else the most common one (``(root)`` for "")."""
    common = posixpath.commonpath([p or "." for p in packages]) if packages else ""
    if common and common != ".":
        return common
    counts = Counter(packages)
    top = min(counts, key=lambda p: (-counts[p], p)) if counts else ""
    return top or "(root)"


def community_names(groups: Sequence[Sequence[str]]) -> list[str]:
    """A distinct name per group of packages (one package per file), in order.

    Each group is named by :func:`community_name`; groups that would share a name take their most
    common package instead, when that differs (Ghost's boundaries were ``core~2`` ... ``core~8``,
    now ``core/server/models``, ``core/server/api/endpoints``...); names still shared get ``~2``,
    ``~3`` in order.
    """
    names = [community_name(g) for g in groups]
    shared = Counter(names)
    for i, packages in enumerate(groups):
        if shared[names[i]] > 1 and packages:
            counts = Counter(packages)
            names[i] = min(counts, key=lambda p: (-counts[p], p)) or "(root)"
    used: Counter[str] = Counter()
    out = []
    for name in names:
        used[name] += 1
        out.append(name if used[name] == 1 else f"{name}~{used[name]}")
    return out


def decomposition_metrics_of(
    files: Iterable[str], edges: Iterable[Edge], partition: Mapping[str, str]
) -> DecompositionMetrics:
    """SM, ICP, IFN and NED (see :class:`DecompositionMetrics`) for ``partition``.

    Only files both in ``files`` and in ``partition`` take part; edges with
    an end outside them are ignored.  An empty partition scores all zeros.
    """
    owner = {f: partition[f] for f in files if f in partition}
    sizes = Counter(owner.values())
    k = len(sizes)
    if k == 0:
        return DecompositionMetrics(0.0, 0.0, 0.0, 0.0)
    inside: Counter[str] = Counter()
    between: Counter[tuple[str, str]] = Counter()
    interfaces: dict[str, set[str]] = defaultdict(set)
    total = crossing = 0.0
    for src, dst, weight in edges:
        a, b = owner.get(src), owner.get(dst)
        if a is None or b is None:
            continue
        total += weight
        if a == b:
            inside[a] += 1
        else:
            crossing += weight
            between[(min(a, b), max(a, b))] += 1
            interfaces[b].add(dst)
    cohesion = sum(inside[b] / sizes[b] ** 2 for b in sizes) / k
    pairs = k * (k - 1) / 2
    coupling = sum(n / (2 * sizes[a] * sizes[b]) for (a, b), n in between.items()) / pairs if pairs else 0.0
    non_extreme = sum(n for n in sizes.values() if NED_MIN_SIZE <= n <= NED_MAX_SIZE)
    return DecompositionMetrics(
        sm=round(cohesion - coupling, DIGITS),
        icp=round(crossing / total, DIGITS) if total else 0.0,
        ifn=round(sum(len(v) for v in interfaces.values()) / k, DIGITS),
        ned=round(1.0 - non_extreme / len(owner), DIGITS),
    )


def _cycle_through(
    start: str, members: set[str], successors: Mapping[str, Sequence[str]], limit: int
) -> tuple[str, ...]:
    """Shortest cycle through ``start`` with at most ``limit`` nodes, or ``()``."""
    path = _bfs_path(start, start, members, successors, limit)
    return tuple(path[:-1]) if path else ()


def _bfs_path(
    source: str, target: str, members: set[str], successors: Mapping[str, Sequence[str]], limit: int
) -> tuple[str, ...]:
    """BFS path ``source .. target`` (at least one edge) with at most ``limit`` edges, or ``()``."""
    parent: dict[str, str] = {source: source}
    depth = {source: 0}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if depth[node] >= limit:
            continue
        for nxt in successors.get(node, ()):
            if nxt not in members:
                continue
            if nxt == target:
                path = [node]
                while path[-1] != source:
                    path.append(parent[path[-1]])
                return (*reversed(path), target)
            if nxt not in parent:
                parent[nxt] = node
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    return ()


def adjusted_rand_index(a: Mapping[str, str], b: Mapping[str, str]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) of two partitions of the same items.

    ``a`` and ``b`` map each item to its cluster label; only the grouping
    matters, not the label text.  From the contingency table ``n_ij`` (items
    in cluster i of ``a`` and cluster j of ``b``) with row sums ``a_i``,
    column sums ``b_j`` and ``n`` items::

        index    = sum_ij C(n_ij, 2)
        expected = sum_i C(a_i, 2) * sum_j C(b_j, 2) / C(n, 2)
        maximum  = (sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2
        ARI      = (index - expected) / (maximum - expected)

    1.0 means identical partitions, about 0.0 a chance agreement, negative
    values less than chance.  When ``maximum == expected`` (both partitions
    put every item alone, or both put all items together, or fewer than two
    items) the partitions are identical and 1.0 is returned.

    Raises:
        ValueError: the two mappings do not cover the same items.
    """
    if a.keys() != b.keys():
        missing = sorted(a.keys() ^ b.keys())
        raise ValueError(f"partitions cover different items: {missing[:5]}")
    cells = Counter((a[k], b[k]) for k in a)
    rows = Counter(a.values())
    cols = Counter(b.values())
    index = sum(_pairs(n) for n in cells.values())
    sum_rows = sum(_pairs(n) for n in rows.values())
    sum_cols = sum(_pairs(n) for n in cols.values())
    total = _pairs(len(a))
    expected = sum_rows * sum_cols / total if total else 0.0
    maximum = (sum_rows + sum_cols) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _pairs(n: int) -> int:
    """C(n, 2): unordered pairs among ``n`` items."""
    return n * (n - 1) // 2

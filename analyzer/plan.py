"""Migration plan: boundaries, their coupling metrics, extraction order and waves -> plan sections.

Everything here is deterministic and works on plain data handed over by the
pipeline (no graph object).  The proposal starts from the Louvain communities
of the file graph: files used from two or more other areas that depend only on
the kernel are cross-cutting and form a ``shared`` kernel (what a strangler
migration extracts or duplicates first); composition roots that no boundary
dominates form ``entrypoints``; the rest is refined by label propagation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import mermaid
from ._metrics import community_name
from .domain import Dependency

SHARED = "shared"
#: a file is cross-cutting when this many other boundaries depend on it
CROSS_CUTTING_MIN_USERS = 2
#: boundary of the entry points (composition roots, CLIs): the strangler facade
ENTRYPOINTS = "entrypoints"
#: rounds of label propagation when refining communities into boundaries
PROPAGATION_ROUNDS = 20

FORMULAS = (
    "SM (structural modularity) = (1/K)·Σ_k μ_k/N_k² − (1/(K(K−1)/2))·Σ_{i<j} σ_ij/(2·N_i·N_j), "
    "μ_k = edges inside boundary k, σ_ij = edges between i and j, N = files (higher is better)",
    "ICP (inter-call percentage) = weight of edges between boundaries / weight of all edges "
    "(lower is better)",
    "IFN (interface number) = mean over boundaries of the files that receive edges from other boundaries "
    "(lower is better)",
    "NED (non-extreme distribution) = 1 − (files in boundaries of 5 to 20 files) / (all files) "
    "(lower is better)",
)


@dataclass(frozen=True, slots=True)
class Boundary:
    """A proposed service / module boundary."""

    name: str
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """Plain inputs of the deterministic plan sections."""

    name: str
    target: str
    boundaries: tuple[Boundary, ...]
    metrics: Mapping[str, float]
    order: tuple[str, ...]
    broken_edges: tuple[tuple[str, str, int], ...]
    dependencies: tuple[Dependency, ...]
    cycles: tuple[tuple[str, ...], ...]


def propose_boundaries(communities: Sequence[tuple[str, Sequence[str]]],
                       dependencies: Sequence[Dependency]) -> tuple[Boundary, ...]:
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
    owner: dict[str, str] = {}  # file -> community key (never equal to SHARED / ENTRYPOINTS)
    original: dict[str, str] = {}  # community key -> community name
    for i, (name, files) in enumerate(communities):
        original[f"#{i}"] = name
        for f in files:
            owner[f] = f"#{i}"
    users: dict[str, set[str]] = defaultdict(set)
    uses: dict[str, set[str]] = defaultdict(set)
    weight: Counter[tuple[str, str]] = Counter()
    for d in dependencies:
        if d.source in owner and d.target in owner and d.source != d.target:
            users[d.target].add(d.source)
            uses[d.source].add(d.target)
            weight[(min(d.source, d.target), max(d.source, d.target))] += d.weight

    def spread(f: str, others: set[str]) -> int:
        return max(len({owner[o] for o in others} - {owner[f]}),
                   len({_package(o) for o in others} - {_package(f)}))

    shared = _kernel(owner, users, uses, spread)
    leaves = {f for f in owner
              if f not in shared and spread(f, uses[f] - shared) >= CROSS_CUTTING_MIN_USERS
              and all(uses[u] == {f} and not users[u] for u in users[f])}
    label, linked = _propagate(owner, weight, shared | leaves)
    for f in sorted(leaves):
        pull: Counter[str] = Counter()
        for g in uses[f] - shared - leaves:
            pull[label[g]] += weight[(min(f, g), max(f, g))]
        top = min(pull, key=lambda n: (-pull[n], n)) if pull else ENTRYPOINTS
        label[f] = top if 2 * pull[top] > pull.total() else ENTRYPOINTS
    label.update(dict.fromkeys(shared, SHARED))
    _place_isolated(label, linked | shared | leaves)
    groups: dict[str, list[str]] = defaultdict(list)
    for f, name in label.items():
        groups[name].append(f)
    named: dict[str, list[str]] = {}
    taken: Counter[str] = Counter()
    for key in sorted(groups, key=lambda n: (-len(groups[n]), min(groups[n]))):
        files = sorted(groups[key])
        if key in (SHARED, ENTRYPOINTS):
            name = key
        elif not any(_has_edges(f, users, uses) for f in files):
            name = original[key]
        else:
            name = community_name([_package(x) for x in files])
        taken[name] += 1
        named[name if taken[name] == 1 else f"{name}~{taken[name]}"] = files
    order = sorted(named, key=lambda n: (n == SHARED, n == ENTRYPOINTS, -len(named[n]), n))
    return tuple(Boundary(n, tuple(named[n])) for n in order)


def _has_edges(f: str, users: Mapping[str, set[str]], uses: Mapping[str, set[str]]) -> bool:
    """Whether ``f`` has any internal edge."""
    return bool(users.get(f) or uses.get(f))


def _kernel(owner: Mapping[str, str], users: Mapping[str, set[str]], uses: Mapping[str, set[str]],
            spread: Callable[[str, set[str]], int]) -> set[str]:
    """Cross-cutting files: widely used, depending only on each other (to a fixpoint)."""
    kernel = {f for f in owner if users.get(f) and spread(f, users[f]) >= CROSS_CUTTING_MIN_USERS}
    for _ in range(len(owner) + 1):
        before = set(kernel)
        kernel = {f for f in kernel if not uses.get(f, set()) - kernel}
        kernel |= {f for f in owner if users.get(f) and users[f] <= kernel
                   and not uses.get(f, set()) - kernel}
        if kernel == before:
            break
    return kernel


def _propagate(owner: Mapping[str, str], weight: Mapping[tuple[str, str], int],
               fixed: set[str]) -> tuple[dict[str, str], set[str]]:
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


def plan_sections(f: PlanFacts) -> list[tuple[str, str, str]]:
    """(key, title, markdown) of the deterministic plan sections, in plan order."""
    return [
        ("target", "Target", _target(f)),
        ("boundaries", "Proposed boundaries", _boundaries(f)),
        ("metrics", "Coupling and decomposition metrics", _metrics(f)),
        ("order", "Extraction order", _order(f)),
        ("waves", "Strangler-fig waves", _waves(f)),
        ("risks", "Risks", _risks(f)),
        ("diagrams", "Before and after", _diagrams(f)),
    ]


def plan_json(f: PlanFacts) -> dict[str, object]:
    """Machine-readable plan data (schema in the README)."""
    return {
        "schema": "analyzer.plan/1",
        "target": f.target,
        "boundaries": [{"name": b.name, "files": list(b.files)} for b in f.boundaries],
        "metrics": {"SM": f.metrics["sm"], "ICP": f.metrics["icp"], "IFN": f.metrics["ifn"],
                    "NED": f.metrics["ned"]},
        "formulas": list(FORMULAS),
        "extraction_order": list(f.order),
        "broken_edges": [{"source": a, "target": b, "weight": w} for a, b, w in f.broken_edges],
    }


# --- sections ---------------------------------------------------------------

def _target(f: PlanFacts) -> str:
    return (f"Target architecture: **{_md(f.target)}**. {len(f.boundaries)} boundaries proposed from the "
            "dependency graph's communities: cross-cutting files (used from two or more other areas, depending "
            "only on the kernel) form the `shared` kernel; composition roots that no boundary dominates form "
            "`entrypoints`; the rest is refined by label propagation.")


def _boundaries(f: PlanFacts) -> str:
    out = []
    for b in f.boundaries:
        shown = ", ".join(f"`{_md(x)}`" for x in b.files[:25])
        more = f" … and {len(b.files) - 25} more" if len(b.files) > 25 else ""
        out.append(f"- **{_md(b.name)}** ({len(b.files)} files): {shown}{more}")
    return "\n".join(out)


def _coupling(f: PlanFacts) -> Counter[tuple[str, str]]:
    part = partition_of(f.boundaries)
    weights: Counter[tuple[str, str]] = Counter()
    for d in f.dependencies:
        a, b = part.get(d.source), part.get(d.target)
        if a and b and a != b:
            weights[(a, b)] += d.weight
    return weights


def _metrics(f: PlanFacts) -> str:
    m = f.metrics
    out = ["| SM | ICP | IFN | NED |", "|---:|---:|---:|---:|",
           f"| {m['sm']:.3f} | {m['icp']:.3f} | {m['ifn']:.3f} | {m['ned']:.3f} |", "",
           "Formulas (Jin et al. 2019; Kalia et al. 2021), over the static file graph:", ""]
    out += [f"- {x}" for x in FORMULAS]
    weights = _coupling(f)
    if weights:
        out += ["", "Coupling between boundaries (edge weight, from → to):", "",
                "| from | to | weight |", "|---|---|---:|"]
        out += [f"| {_md(a)} | {_md(b)} | {w} |" for (a, b), w in sorted(weights.items())]
    return "\n".join(out)


def _order(f: PlanFacts) -> str:
    out = ["Leaf-first over the condensation of the boundary graph: a boundary is extracted only after "
           "every boundary it depends on.", ""]
    out += [f"{i}. {_md(name)}" for i, name in enumerate(f.order, 1)]
    if f.broken_edges:
        out += ["", "Cycles between boundaries are broken first by inverting or removing these "
                "lightest dependencies:", ""]
        out += [f"- {_md(a)} → {_md(b)} (weight {w})" for a, b, w in f.broken_edges]
    return "\n".join(out)


def _waves(f: PlanFacts) -> str:
    out = []
    for i, name in enumerate(f.order, 1):
        out.append(f"{i}. **Wave {i}: {_md(name)}**: put a facade in front of `{_md(name)}` inside the "
                   "monolith and route its callers through it; carve the boundary's files out behind that "
                   f"interface as a {'module' if 'monolith' in f.target.lower() else 'service'}; run old and "
                   "new side by side, compare results, then switch callers and delete the old path.")
    return "\n".join(out)


def _risks(f: PlanFacts) -> str:
    out = []
    if f.cycles:
        out.append(f"- {len(f.cycles)} file-level import cycle(s) must be broken before the files in them can "
                   "move apart.")
    if f.broken_edges:
        out.append(f"- {len(f.broken_edges)} dependency(ies) between boundaries form cycles and need an "
                   "interface inversion.")
    if f.metrics.get("icp", 0) > 0.3:
        out.append(f"- ICP is {f.metrics['icp']:.2f}: many calls would cross boundaries (latency, partial "
                   "failure); consider coarser boundaries.")
    if any(b.name == SHARED for b in f.boundaries):
        out.append("- The shared kernel is a coupling point: version it as a library, keep it small.")
    return "\n".join(out) or "- No structural risks found by the static checks."


def _diagrams(f: PlanFacts) -> str:
    part = partition_of(f.boundaries)
    pkg_edges: Counter[tuple[str, str]] = Counter()
    for d in f.dependencies:
        a, b = _package(d.source), _package(d.target)
        if a != b:
            pkg_edges[(a, b)] += d.weight
    packages = sorted({_package(p) for p in part})
    before = mermaid.flowchart([(p, (p or "(root)") + "/") for p in packages],
                               [(a, b, "") for (a, b) in sorted(pkg_edges)])
    weights = _coupling(f)
    after = mermaid.flowchart([(b.name, f"{b.name} ({len(b.files)})") for b in f.boundaries],
                              [(a, b, str(w)) for (a, b), w in sorted(weights.items())])
    return (f"Before (packages):\n\n```mermaid\n{before.rstrip()}\n```\n\n"
            f"After (boundaries):\n\n```mermaid\n{after.rstrip()}\n```")


def _package(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _md(text: str) -> str:
    return text.replace("`", "ˋ").replace("|", "¦").replace("\n", " ")


def proposal_section(proposal: Mapping[str, Any]) -> str:
    """The model's JSON module proposal, validated against the graph and drawn by code."""
    modules = proposal.get("modules") or []
    problems = proposal.get("problems") or []
    if not isinstance(modules, list) or not modules:
        if problems:
            return "The model's proposal could not be used: " + "; ".join(_md(str(p)) for p in problems)
        return "The model proposed no modules."
    out = ["The model answered in JSON constrained by a schema (files limited to the repository's files); "
           "the proposal was validated against the graph and is drawn by code. The boundaries above remain "
           "the computed ones.", "", "| module | responsibility | files |", "|---|---|---:|"]
    for m in modules:
        out.append(f"| {_md(m['name'])} | {_md(m['responsibility'])} | {len(m['files'])} |")
    diagram = mermaid.flowchart([(m["name"], m["name"]) for m in modules],
                                [(m["name"], d, "") for m in modules for d in m["depends_on"]])
    out += ["", f"```mermaid\n{diagram.rstrip()}\n```"]
    if problems:
        out += ["", "Validation dropped: " + "; ".join(_md(str(p)) for p in problems[:20])]
    return "\n".join(out)

"""Migration plan: boundaries, their coupling metrics, extraction order and waves -> plan sections.

Everything here is deterministic and works on the decomposition the static subsystem computed
(:mod:`analyzer.static.boundaries`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analyzer.documents import mermaid
from analyzer.documents.facts import static_facts
from analyzer.domain import Dependency
from analyzer.static.boundaries import SHARED, Boundary, decompose, pair_bindings, partition_of
from analyzer.static.result import StaticAnalysis

FORMULAS = (
    "SM (structural modularity) = (1/K)·Σ_k μ_k/N_k² − (1/(K(K−1)/2))·Σ_{i<j} σ_ij/(2·N_i·N_j), "
    "μ_k = edges inside boundary k, σ_ij = edges between i and j, N = files (higher is better)",
    "ICP (inter-call percentage) = weight of edges between boundaries / weight of all edges (lower is better)",
    "IFN (interface number) = mean over boundaries of the files that receive edges from other boundaries "
    "(lower is better)",
    "NED (non-extreme distribution) = 1 − (files in boundaries of 5 to 20 files) / (all files) (lower is better)",
)


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
    #: (rules file, crossings listed as exceptions) when --rules-out wrote the boundaries as rules
    rules: tuple[str, int] | None = None


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
        *([("rules", "Keeping the boundaries", _rules(f))] if f.rules else []),
    ]


def plan_json(f: PlanFacts) -> dict[str, object]:
    """Machine-readable plan data (schema in the README)."""
    return {
        "schema": "analyzer.plan/1",
        "target": f.target,
        "boundaries": [{"name": b.name, "files": list(b.files)} for b in f.boundaries],
        "metrics": {"SM": f.metrics["sm"], "ICP": f.metrics["icp"], "IFN": f.metrics["ifn"], "NED": f.metrics["ned"]},
        "formulas": list(FORMULAS),
        "extraction_order": list(f.order),
        "broken_edges": [{"source": a, "target": b, "weight": w} for a, b, w in f.broken_edges],
        **({"rules": {"file": f.rules[0], "exceptions": f.rules[1]}} if f.rules else {}),
    }


def _target(f: PlanFacts) -> str:
    return (
        f"Target architecture: **{_md(f.target)}**. {len(f.boundaries)} boundaries proposed from the "
        "dependency graph's communities: cross-cutting files (used from two or more other areas, depending "
        "only on the kernel) form the `shared` kernel; composition roots that no boundary dominates form "
        "`entrypoints`; the rest is refined by modularity local moving over the binding-weighted graph, with "
        "ties between files that share a domain term or a directory; tests join what they test."
    )


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
    for (source, target), w in pair_bindings(f.dependencies).items():
        a, b = part.get(source), part.get(target)
        if a and b and a != b:
            weights[(a, b)] += w
    return weights


def _metrics(f: PlanFacts) -> str:
    m = f.metrics
    out = [
        "| SM | ICP | IFN | NED |",
        "|---:|---:|---:|---:|",
        f"| {m['sm']:.3f} | {m['icp']:.3f} | {m['ifn']:.3f} | {m['ned']:.3f} |",
        "",
        "Formulas (Jin et al. 2019; Kalia et al. 2021), over the static file graph:",
        "",
    ]
    out += [f"- {x}" for x in FORMULAS]
    weights = _coupling(f)
    if weights:
        out += [
            "",
            "Coupling between boundaries (edge weight, from → to):",
            "",
            "| from | to | weight |",
            "|---|---|---:|",
        ]
        out += [f"| {_md(a)} | {_md(b)} | {w} |" for (a, b), w in sorted(weights.items())]
    return "\n".join(out)


def _order(f: PlanFacts) -> str:
    out = [
        "Leaf-first over the condensation of the boundary graph: a boundary is extracted only after "
        "every boundary it depends on.",
        "",
    ]
    out += [f"{i}. {_md(name)}" for i, name in enumerate(f.order, 1)]
    if f.broken_edges:
        out += [
            "",
            "Cycles between boundaries are broken first by inverting or removing these lightest dependencies:",
            "",
        ]
        out += [f"- {_md(a)} → {_md(b)} (weight {w})" for a, b, w in f.broken_edges]
    return "\n".join(out)


def _waves(f: PlanFacts) -> str:
    out = []
    for i, name in enumerate(f.order, 1):
        out.append(
            f"{i}. **Wave {i}: {_md(name)}**: put a facade in front of `{_md(name)}` inside the "
            "monolith and route its callers through it; carve the boundary's files out behind that "
            f"interface as a {'module' if 'monolith' in f.target.lower() else 'service'}; run old and "
            "new side by side, compare results, then switch callers and delete the old path."
        )
    return "\n".join(out)


def _risks(f: PlanFacts) -> str:
    out = []
    if f.cycles:
        out.append(
            f"- {len(f.cycles)} file-level import cycle(s) must be broken before the files in them can move apart."
        )
    if f.broken_edges:
        out.append(
            f"- {len(f.broken_edges)} dependency(ies) between boundaries form cycles and need an interface inversion."
        )
    if f.metrics.get("icp", 0) > 0.3:
        out.append(
            f"- ICP is {f.metrics['icp']:.2f}: many calls would cross boundaries (latency, partial "
            "failure); consider coarser boundaries."
        )
    if any(b.name == SHARED for b in f.boundaries):
        out.append("- The shared kernel is a coupling point: version it as a library, keep it small.")
    return "\n".join(out) or "- No structural risks found by the static checks."


def _rules(f: PlanFacts) -> str:
    file, exceptions = f.rules or ("", 0)
    return (
        f"The boundaries are written as architecture rules in `{_md(file)}`: run `analyze PATH --check {_md(file)}` "
        "in CI to fail the build on the first new crossing between boundaries (the shared kernel, the entry points "
        f"and each boundary's declared interface stay open). **{exceptions} crossing(s) found today are listed as "
        "exceptions**; shrinking that list is the migration's progress measure."
    )


def _diagrams(f: PlanFacts) -> str:
    before, before_note = mermaid.limit(_packages_diagram(f))
    weights = _coupling(f)
    after, after_note = mermaid.limit(
        mermaid.Diagram(
            tuple((b.name, f"{b.name} ({len(b.files)})") for b in f.boundaries),
            tuple((a, b, str(w)) for (a, b), w in sorted(weights.items())),
            (),
        )
    )
    return (
        f"Before (packages{_note(before_note)}):\n\n```mermaid\n{mermaid.flowchart(*before).rstrip()}\n```\n\n"
        f"After (boundaries{_note(after_note)}):\n\n```mermaid\n{mermaid.flowchart(*after).rstrip()}\n```"
    )


def _packages_diagram(f: PlanFacts) -> mermaid.Diagram:
    """One box per package, or, past ``mermaid.MAX_BOXES`` packages, the package tree rolled up
    as the module map is (the largest trees split first); arrows count the edges they stand for."""
    part = partition_of(f.boundaries)
    packages = sorted({_package(p) for p in part})
    if len(packages) > mermaid.MAX_BOXES:
        files = sorted(part)
        edges = sorted({(d.source, d.target) for d in f.dependencies if d.source in part and d.target in part})
        return mermaid.rollup(files, edges, {p: _package(p) or "(root)" for p in files}, mermaid.MAX_BOXES)
    pkg_edges: Counter[tuple[str, str]] = Counter()
    for d in f.dependencies:
        a, b = _package(d.source), _package(d.target)
        if a != b:
            pkg_edges[(a, b)] += d.weight
    return mermaid.Diagram(
        tuple((p, (p or "(root)") + "/") for p in packages), tuple((a, b, "") for (a, b) in sorted(pkg_edges)), ()
    )


def _note(text: str) -> str:
    return f"; {text}" if text else ""


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
    out = [
        "The model answered in JSON constrained by a schema (files limited to the repository's files); "
        "the proposal was validated against the graph and is drawn by code. The boundaries above remain "
        "the computed ones.",
        "",
        "| module | responsibility | files |",
        "|---|---|---:|",
    ]
    for m in modules:
        out.append(f"| {_md(m['name'])} | {_md(m['responsibility'])} | {len(m['files'])} |")
    diagram, left_out = mermaid.limit(
        mermaid.Diagram(
            tuple((m["name"], m["name"]) for m in modules),
            tuple((m["name"], d, "") for m in modules for d in m["depends_on"]),
            (),
        )
    )
    out += ["", f"```mermaid\n{mermaid.flowchart(*diagram).rstrip()}\n```"] + ([left_out] if left_out else [])
    if problems:
        out += ["", "Validation dropped: " + "; ".join(_md(str(p)) for p in problems[:20])]
    return "\n".join(out)


def plan_facts(static: StaticAnalysis, target: str) -> PlanFacts:
    """Boundaries, metrics and extraction order for a migration to ``target``."""
    d = decompose(static)
    return PlanFacts(
        name=static_facts(static).name,
        target=target,
        boundaries=d.boundaries,
        metrics=d.metrics,
        order=d.order,
        broken_edges=d.broken_edges,
        dependencies=static.resolution.dependencies,
        cycles=tuple(c.nodes for c in static.analysis.cycles),
    )

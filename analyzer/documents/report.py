"""The architecture report's deterministic sections, built from the static facts.

Model-written text is passed in by the pipeline as plain Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from analyzer.documents import mermaid
from analyzer.documents.facts import StaticFacts
from analyzer.documents.render import Section
from analyzer.domain import Dependency

#: above this many files the module map rolls files up into packages
MAP_MAX_NODES = 40


TOP_COMPONENTS = 15


def inventory_section(f: StaticFacts) -> Section:
    langs: Counter[str] = Counter()
    loc: Counter[str] = Counter()
    for p in f.parsed:
        langs[p.source.language] += 1
        loc[p.source.language] += p.loc
    rows = ["| language | files | LOC |", "|---|---:|---:|"]
    for lang in sorted(langs, key=lambda x: (-loc[x], x)):
        rows.append(f"| {lang} | {langs[lang]} | {loc[lang]} |")
    rows.append(f"| **total** | **{sum(langs.values())}** | **{sum(loc.values())}** |")
    symbols = sum(len(p.symbols) for p in f.parsed)
    kinds = Counter(d.kind for d in f.dependencies)
    lines = [
        "\n".join(rows),
        "",
        f"- Symbols defined: {symbols}",
        f"- Internal dependencies: {kinds.get('import', 0)} import, {kinds.get('call', 0)} call, "
        f"{kinds.get('inherit', 0)} inherit, "
        f"{kinds.get('type', 0)} type edges",
        f"- External packages: {len(f.analysis.externals)} ({_third_party_count(f)} third-party, "
        f"{len(f.analysis.externals) - _third_party_count(f)} standard library); "
        f"unresolved imports (no file matches, or a name built at run time): {f.unresolved}",
    ]
    if f.skipped:
        lines += ["", "Skipped by discovery:", "", "| reason | count |", "|---|---:|"]
        lines += [f"| {_cell(r)} | {n} |" for r, n in sorted(f.skipped.items())]
    else:
        lines.append("- Skipped by discovery: nothing")
    if f.diagnostics_by_severity:
        diag = ", ".join(f"{n} {s}" for s, n in sorted(f.diagnostics_by_severity.items()))
        lines.append(f"- Diagnostics: {diag} (listed in the appendix)")
    return Section("inventory", "System inventory", "\n".join(lines))


def module_map_section(f: StaticFacts) -> Section:
    files = sorted(p.path for p in f.parsed)
    edges = sorted({(d.source, d.target) for d in f.dependencies})
    package_of = {p: _package(p) or "(root)" for p in files}
    diagram, left_out = mermaid.limit(mermaid.rollup(files, edges, package_of, max_nodes=MAP_MAX_NODES))
    rolled = len(files) > MAP_MAX_NODES
    note = (
        f"{len(files)} files rolled up into {len(diagram.nodes)} boxes (packages); edge labels count "
        "the file-level edges they stand for."
        if rolled
        else "One node per file, grouped by package; arrows point from the user to what it uses."
    ) + (f" To stay readable: {left_out}." if left_out else "")
    return Section("module_map", "Module map", f"{note}\n\n```mermaid\n{mermaid.flowchart(*diagram).rstrip()}\n```")


def key_components_section(f: StaticFacts) -> Section:
    rows = ["| rank | file | PageRank | fan-in | fan-out | LOC | layer |", "|---:|---|---:|---:|---:|---:|---:|"]
    metrics = {m.path: m for m in f.analysis.files}
    for i, (path, score) in enumerate(f.analysis.pagerank[:TOP_COMPONENTS], 1):
        m = metrics.get(path)
        if m is None:
            continue
        rows.append(f"| {i} | `{_code(path)}` | {score:.4f} | {m.fan_in} | {m.fan_out} | {m.loc} | {m.layer} |")
    return Section(
        "key_components",
        "Key components",
        "Ranked by PageRank over all internal edges (imports, calls, inheritance, type uses), each file pair "
        "weighted by how tightly it binds.\n\n" + "\n".join(rows),
    )


def dependency_health_section(f: StaticFacts) -> Section:
    a = f.analysis
    out: list[str] = ["### Cycles", ""]
    if a.cycles:
        out.append(
            f"{len(a.cycles)} import cycle(s) (strongly connected components), "
            f"{sum(len(c.nodes) for c in a.cycles)} files in total:"
        )
        out.append("")
        for i, c in enumerate(a.cycles, 1):
            path = " → ".join(f"`{_code(n)}`" for n in (*c.shortest, c.shortest[0]))
            out.append(f"{i}. {len(c.nodes)} files; shortest cycle: {path}")
    else:
        out.append("No import cycles between files.")
    if a.type_only_cycles:
        out += ["", f"{len(a.type_only_cycles)} further cycle(s) exist only through type-only imports."]
    unimported = _pairs_without_import(f.dependencies)
    if unimported:
        out += [
            "",
            f"Cycles and layers follow import statements. {unimported[0]} of the {unimported[1]} file pairs "
            "linked by a call, type use or inheritance have no import between them (same-package or "
            "same-namespace visibility, autoloading, a name linked on past a module that re-exports it): "
            "they couple files too, and can close cycles this section does not show.",
        ]
    out += ["", "### Layering", ""]
    if a.layers:
        out.append("Depth over the condensation of the import graph (0 = imports no other file):")
        out.append("")
        out.append("| layer | files |")
        out.append("|---:|---:|")
        out += [f"| {depth} | {len(files)} |" for depth, files in a.layers]
    out += [
        "",
        "### Coupling per package",
        "",
        "Martin metrics: Ca = packages depending on it, Ce = packages it depends on, I = Ce / (Ca + Ce).",
        "",
        "| package | files | LOC | Ca | Ce | I |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for p in a.packages:
        out.append(
            f"| `{_code(p.package or '(root)')}` | {p.files} | {p.loc} | {p.ca} | {p.ce} | {p.instability:.2f} |"
        )
    if a.orphans:
        out += [
            "",
            f"Orphans (no internal edge in or out): {len(a.orphans)}: "
            + ", ".join(f"`{_code(o)}`" for o in a.orphans[:20])
            + (" …" if len(a.orphans) > 20 else ""),
        ]
    return Section("dependency_health", "Dependency health", "\n".join(out))


def hotspots_section(f: StaticFacts, has_churn: bool) -> Section:
    formula = (
        "size × centrality × (1 + change frequency from git history)"
        if has_churn
        else "size × centrality (no git history)"
    )
    rows = [
        f"Score = {formula}, each normalized to its maximum.",
        "",
        "| file | score | LOC | PageRank | commits |",
        "|---|---:|---:|---:|---:|",
    ]
    for h in f.analysis.hotspots:
        rows.append(f"| `{_code(h.path)}` | {h.score:.3f} | {h.loc} | {h.pagerank:.4f} | {h.churn} |")
    if not f.analysis.hotspots:
        rows.append("| (none) | | | | |")
    return Section("hotspots", "Hotspots", "\n".join(rows))


def externals_section(f: StaticFacts) -> Section:
    """Third-party packages in a table; the standard library on one line after it."""
    ext = sorted(f.analysis.externals, key=lambda e: (-len(e.importers), e.name))
    if not ext:
        return Section("external_dependencies", "External dependencies", "No external imports.")
    third = [e for e in ext if not e.standard]
    standard = [e for e in ext if e.standard]
    out = [f"Third-party packages: {len(third)}.", ""]
    if third:
        out += ["| package | importing files |", "|---|---:|"]
        out += [f"| `{_code(e.name)}` | {len(e.importers)} |" for e in third]
    if standard:
        users = len({path for e in standard for path in e.importers})
        out += [
            "",
            f"Standard library: {len(standard)} packages, imported by {users} files: "
            + ", ".join(f"`{_code(e.name)}` {len(e.importers)}" for e in standard)
            + ".",
        ]
    return Section("external_dependencies", "External dependencies", "\n".join(out).strip())


def _third_party_count(f: StaticFacts) -> int:
    return sum(1 for e in f.analysis.externals if not e.standard)


def boundaries_section(f: StaticFacts) -> Section:
    a = f.analysis
    out = [
        "Communities of the file graph (Louvain, fixed seed) are candidate service or module boundaries.",
        "",
        "| id | name | files | LOC |",
        "|---:|---|---:|---:|",
    ]
    loc = {m.path: m.loc for m in a.files}
    for c in a.communities:
        out.append(f"| {c.id} | `{_code(c.name)}` | {len(c.files)} | {sum(loc.get(x, 0) for x in c.files)} |")
    if a.coupling:
        out += [
            "",
            "Coupling between boundaries (summed edge weight, both directions):",
            "",
            "| from | to | weight |",
            "|---:|---:|---:|",
        ]
        out += [f"| {x} | {y} | {w} |" for x, y, w in a.coupling]
    return Section("boundaries", "Candidate boundaries", "\n".join(out))


def summary_section(f: StaticFacts) -> Section:
    a = f.analysis
    loc = sum(p.loc for p in f.parsed)
    langs = sorted({p.source.language for p in f.parsed})
    top = ", ".join(f"`{_code(p)}`" for p, _ in a.pagerank[:3])
    cyc = (
        f"{len(a.cycles)} import cycle(s) tie {sum(len(c.nodes) for c in a.cycles)} files together"
        if a.cycles
        else "there are no import cycles"
    )
    depth = (a.layers[-1][0] + 1) if a.layers else 0
    body = (
        f"`{_code(f.name)}` holds {len(f.parsed)} files ({loc} LOC) in {len(langs)} language(s): "
        f"{', '.join(langs)}. Its most central files are {top or '(none)'}; {cyc}; the import graph "
        f"is {depth} layer(s) deep, with {len(a.communities)} candidate boundaries and "
        f"{_third_party_count(f)} third-party packages (and "
        f"{len(a.externals) - _third_party_count(f)} from the standard library)."
    )
    return Section("summary", "Executive summary", body)


def risks_section(f: StaticFacts) -> Section:
    a = f.analysis
    items: list[str] = []
    for c in a.cycles[:5]:
        items.append(
            f"- Break the cycle {' → '.join(f'`{_code(n)}`' for n in (*c.shortest, c.shortest[0]))}: "
            "files in a cycle can only be changed, tested and extracted together."
        )
    unstable = [p for p in a.packages if p.ca >= 2 and p.instability >= 0.7]
    for p in unstable[:5]:
        items.append(
            f"- `{_code(p.package or '(root)')}` is depended on by {p.ca} packages yet unstable "
            f"(I = {p.instability:.2f}): changes here ripple outwards."
        )
    for h in a.hotspots[:3]:
        items.append(
            f"- Hotspot `{_code(h.path)}` ({h.loc} LOC, PageRank {h.pagerank:.4f}): review and "
            "test first before any migration."
        )
    if f.run_time_imports:
        dynamic = sorted(f.run_time_imports, key=lambda t: (-t[1], t[0]))
        shown = ", ".join(f"`{_code(path)}` ({n})" for path, n in dynamic[:5])
        more = f" and {len(dynamic) - 5} more files" if len(dynamic) > 5 else ""
        total = sum(n for _, n in dynamic)
        what = "1 import names its" if total == 1 else f"{total} imports name their"
        items.append(
            f"- {what} module at run time, in {shown}{more}: the graph cannot see what they load "
            "(plugins, settings, drivers); check these loading points by hand before moving code "
            "(listed under `unresolved` in --json)."
        )
    if f.not_built:
        shown = ", ".join(f"`{_code(path)}`" for path in f.not_built[:5])
        more = f" and {len(f.not_built) - 5} more" if len(f.not_built) > 5 else ""
        items.append(
            f"- {len(f.not_built)} source files are not built by their project ({shown}{more}): dead or "
            "excluded code; confirm and leave them out of the migration."
        )
    if not items:
        items.append("- No structural risks found by the static checks.")
    return Section("risks", "Risks and recommendations", "\n".join(items))


def static_report(f: StaticFacts, *, has_churn: bool) -> list[Section]:
    """The deterministic report sections, in report order (appendix excluded)."""
    return [
        summary_section(f),
        inventory_section(f),
        module_map_section(f),
        key_components_section(f),
        dependency_health_section(f),
        hotspots_section(f, has_churn),
        externals_section(f),
        boundaries_section(f),
        risks_section(f),
    ]


def appendix_section(lines: Sequence[str], diagnostics: Sequence[str]) -> Section:
    """Method, model, stats and diagnostics."""
    body = "\n".join(f"- {line}" for line in lines)
    if diagnostics:
        shown = diagnostics[:50]
        body += "\n\n### Diagnostics\n\n"
        if len(diagnostics) > len(shown):
            # a long list reads as noise (PostgreSQL: 870 files whose macros tree-sitter cannot
            # expand): first how many of each kind, then the first ones
            kinds = Counter(_DIAGNOSTIC.sub("", d) for d in diagnostics)
            body += "| files | diagnostic |\n|---:|---|\n" + "\n".join(
                f"| {n} | {_cell(kind)} |" for kind, n in sorted(kinds.items(), key=lambda kn: (-kn[1], kn[0]))
            )
            body += f"\n\nThe first {len(shown)}:\n\n"
        body += "\n".join(f"- {_code(d)}" for d in shown)
        if len(diagnostics) > len(shown):
            body += f"\n- … and {len(diagnostics) - len(shown)} more (see --json)"
    return Section("appendix", "Appendix", body)


def _package(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _pairs_without_import(dependencies: Sequence[Dependency]) -> tuple[int, int] | None:
    """(file pairs linked by symbols but not by an import, all pairs linked by symbols) when the former
    are at least a tenth of the latter (Java's same-package and Rails' autoloaded references), else None."""
    imported = {(d.source, d.target) for d in dependencies if d.kind == "import"}
    by_symbol = {(d.source, d.target) for d in dependencies if d.kind != "import" and d.source != d.target}
    without = len(by_symbol - imported)
    return (without, len(by_symbol)) if by_symbol and without * 10 >= len(by_symbol) else None


#: the ``path:line: `` that begins a diagnostic line (the rest is its severity and message)
_DIAGNOSTIC = re.compile(r"^.*?:\d+: ")


def _code(text: str) -> str:
    """Make repository text safe inside Markdown code spans and table cells."""
    return text.replace("`", "ˋ").replace("|", "¦").replace("\n", " ")


def _cell(text: str) -> str:
    return text.replace("|", "¦").replace("\n", " ")

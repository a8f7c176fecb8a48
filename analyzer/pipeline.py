"""Wires the stages together: discover -> parse -> resolve -> graph -> (serialize -> prompt -> model) -> report.

Contains no stage logic; reads like a table of contents.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from . import __version__, _cache, report
from .config import Settings
from .discover import DEFAULT_EXCLUSION_REASONS, discover_files
from .domain import NOT_BUILT_PREFIX, Diagnostic, Discovery, GraphAnalysis, ParsedFile, Resolution
from .errors import NoSourceFilesError
from .history import git_churn
from .parse import is_read_failure, parse_files
from .queries import queries_fingerprint
from .report import StaticFacts
from .resolve import resolve_dependencies

# Loaded where they are used, so that a run that does not need them does not pay for their imports:
# llama_cpp only when a model runs; networkx (graph, serialize) only when the graph is built (a warm
# run writing --json or a --no-llm report reuses the stored analysis and never builds it); the model
# passes (author, verify) and the plan and export writers only for those outputs.
if TYPE_CHECKING:
    from . import author, plan, verify
    from .llm import TextGenerator
    from .serialize import Context

#: progress callback: (stage, done, total); total 0 = unknown
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class StaticAnalysis:
    """Everything computed without a model.

    ``parsed`` holds every file's symbols, LOC, namespace and diagnostics; its
    references and imports are left empty (``resolution`` holds what came of them).
    ``graph`` (a networkx.DiGraph, opaque outside graph.py / serialize.py) is built
    on first use when the analysis came from the run cache: a warm run that writes
    only the report or --json never needs it.
    """

    settings: Settings
    discovery: Discovery
    parsed: tuple[ParsedFile, ...]
    resolution: Resolution
    analysis: GraphAnalysis
    churn: dict[str, int]
    diagnostics: tuple[Diagnostic, ...]
    timings: tuple[tuple[str, float], ...]
    built_graph: Any = field(default=None, repr=False, compare=False)

    @property
    def graph(self) -> Any:
        """The dependency graph (:func:`graph.build_graph` of ``parsed`` and ``resolution``)."""
        if self.built_graph is None:
            from .graph import build_graph

            object.__setattr__(self, "built_graph", build_graph(self.parsed, self.resolution))
        return self.built_graph


def analyze_static(settings: Settings, on_progress: Progress | None = None) -> StaticAnalysis:
    """Run the deterministic part of the pipeline.

    Raises:
        InputPathError: bad root; NoSourceFilesError: nothing to analyze.
    """
    # the pass builds a few hundred thousand acyclic values: full collections that rescan
    # them all would cost more than the pass itself creates in garbage
    with _cache.paused_gc():
        timings: list[tuple[str, float]] = []
        t0 = time.perf_counter()

        def step(name: str) -> None:
            nonlocal t0
            now = time.perf_counter()
            timings.append((name, round(now - t0, 4)))
            t0 = now

        def report(stage: str) -> Callable[[int, int], None]:
            return lambda done, total: on_progress(stage, done, total) if on_progress else None

        discovery = discover_files(settings, lambda n: on_progress("discover", n, 0) if on_progress else None)
        step("discover")
        if not discovery.files:
            counts = sorted(discovery.skipped.counts, key=lambda rc: (-rc[1], rc[0]))
            hint = ("; --no-default-excludes reads vendored and generated trees too"
                    if settings.use_default_excludes and DEFAULT_EXCLUSION_REASONS & {r for r, _ in counts} else "")
            raise NoSourceFilesError(
                f"{settings.root}: no source files in a supported language "
                f"(skipped: {', '.join(f'{n} {r}' for r, n in counts) or 'nothing'}{hint})")
        # everything after discovery depends only on what run_key hashes (every file's
        # digest, the queries, the settings, the language configs): a warm run reuses the
        # stored result and parses nothing; the graph is rebuilt when an output needs it
        key = _cache.run_key(settings, discovery.files, queries_fingerprint()) if settings.use_cache else None
        run_cache = _cache.RunCache.open(settings, key) if key else None
        stored = run_cache.load() if run_cache else None
        resolution: Resolution
        churn: dict[str, int] = {}
        history_diags: tuple[Diagnostic, ...] = ()
        analysis: GraphAnalysis
        graph = None
        if _is_stored_run(stored):
            resolution, churn, history_diags, analysis, parsed = stored
            report("parse")(len(parsed), len(parsed))
            step("parse")
            step("resolve")
        else:
            full = parse_files(discovery.files, settings, report("parse"))
            step("parse")
            resolution = resolve_dependencies(full, settings, report("resolve"))
            step("resolve")
            if settings.use_git_history:
                churn, history_diags = git_churn(settings.root, frozenset(p.path for p in full))
            # references and imports have served: resolution holds what came of them
            parsed = tuple(replace(p, references=(), imports=()) for p in full)
            report("graph")(0, 0)  # no measure of progress inside the analyses: a spinner
            from .graph import analyze_graph, build_graph

            graph = build_graph(parsed, resolution)
            analysis = analyze_graph(graph, churn=churn or None)
            report("graph")(len(parsed), len(parsed))
            # a read failure may be transient: such a run is never stored
            if run_cache is not None and not any(is_read_failure(p) for p in parsed):
                run_cache.save((resolution, churn, history_diags, analysis, parsed))
        step("graph")
        diagnostics = tuple(sorted(
            (*discovery.diagnostics, *(d for p in parsed for d in p.diagnostics),
             *resolution.diagnostics, *history_diags),
            key=Diagnostic.sort_key))
        return StaticAnalysis(settings, discovery, parsed, resolution, analysis, churn,
                              diagnostics, tuple(timings), graph)


#: what analyze_static stores in the run cache
_StoredRun = tuple[Resolution, dict[str, int], tuple[Diagnostic, ...], GraphAnalysis, tuple[ParsedFile, ...]]


def _is_stored_run(stored: object) -> TypeGuard[_StoredRun]:
    """True when a run-cache value has the shape :func:`analyze_static` stores."""
    return (isinstance(stored, tuple) and len(stored) == 5 and isinstance(stored[0], Resolution)
            and isinstance(stored[1], dict) and isinstance(stored[2], tuple)
            and isinstance(stored[3], GraphAnalysis) and isinstance(stored[4], tuple)
            and all(isinstance(p, ParsedFile) for p in stored[4]))


@dataclass(frozen=True)
class OutputRequest:
    """What the user asked to be written (paths are None when not asked)."""

    report: Path | None = None
    plan: Path | None = None
    json: Path | None = None
    graph: Path | None = None
    context: str | None = None  # a path, or "-" for stdout
    format: str = "md"
    no_llm: bool = False
    target: str = "microservices"
    budget: int | None = None


def static_facts(static: StaticAnalysis) -> StaticFacts:
    """The plain-data view of the static analysis used by the report sections."""
    severities: dict[str, int] = {}
    for d in static.diagnostics:
        severities[d.severity] = severities.get(d.severity, 0) + 1
    return StaticFacts(
        name=static.settings.root.resolve().name,
        parsed=static.parsed,
        dependencies=static.resolution.dependencies,
        analysis=static.analysis,
        skipped=static.discovery.skipped.as_dict(),
        diagnostics_by_severity=severities,
        unresolved=len(static.resolution.unresolved),
        run_time_imports=tuple(sorted(Counter(u.source for u in static.resolution.unresolved
                                              if u.at_run_time).items())),
        not_built=tuple(sorted({d.path for d in static.diagnostics if d.message.startswith(NOT_BUILT_PREFIX)})),
    )


def static_appendix(static: StaticAnalysis) -> list[str]:
    """Method lines of the appendix for the deterministic parts."""
    return [
        f"Generated by analyzer {__version__} with tree-sitter grammars; graph analyses with networkx.",
        f"Files parsed: {len(static.parsed)}; skipped: {static.discovery.skipped.total}.",
        "Git history: " + (f"{len(static.churn)} files with commits" if static.churn else "not used"),
    ]


def write_static_outputs(static: StaticAnalysis, request: OutputRequest) -> list[Path]:
    """Write --json and --graph, and --report/--plan when no model is used."""
    written: list[Path] = []
    facts = static_facts(static)
    diag_lines = [f"{d.path}:{d.line}: {d.severity}: {d.message}" for d in static.diagnostics]
    if request.json:
        data = report.analysis_json(facts, unresolved=static.resolution.unresolved,
                                    externals=static.resolution.externals,
                                    skipped=facts.skipped, diagnostics=static.diagnostics)
        report.write_atomic(request.json, report.json_lines(data))
        written.append(request.json)
    if request.graph:
        from .export import export_graph

        report.write_atomic(request.graph, export_graph(
            request.graph.suffix.lower(), static.parsed, static.resolution.dependencies,
            static.resolution.externals))
        written.append(request.graph)
    if request.report and request.no_llm:
        sections = report.static_report(facts, has_churn=bool(static.churn))
        sections.append(report.appendix_section(
            [*static_appendix(static), "Model: none (--no-llm): every section is computed from the graph."],
            diag_lines))
        doc = report.Document("report", f"Architecture report: {facts.name}", tuple(sections))
        _write_doc(doc, request.report, request.format)
        written.append(request.report)
    if request.plan and request.no_llm:
        from . import plan

        pf = plan_facts(static, request.target)
        sections = [report.Section(k, t, b) for k, t, b in plan.plan_sections(pf)]
        sections.append(report.appendix_section(
            [*static_appendix(static), "Model: none (--no-llm): every section is computed from the graph."],
            []))
        doc = report.Document("plan", f"Migration plan: {facts.name} → {request.target}", tuple(sections),
                              plan.plan_json(pf))
        _write_doc(doc, request.plan, request.format)
        written.append(request.plan)
    return written


def plan_facts(static: StaticAnalysis, target: str) -> plan.PlanFacts:
    """Boundaries, metrics and extraction order for a migration to ``target``."""
    from . import plan
    from .graph import decomposition_metrics, extraction_order

    communities = [(c.name, c.files) for c in static.analysis.communities]
    boundaries = plan.propose_boundaries(communities, static.resolution.dependencies)
    partition = plan.partition_of(boundaries)
    metrics = decomposition_metrics(static.graph, partition)
    order = extraction_order(static.graph, partition)
    return plan.PlanFacts(
        name=static_facts(static).name, target=target, boundaries=boundaries,
        metrics={"sm": metrics.sm, "icp": metrics.icp, "ifn": metrics.ifn, "ned": metrics.ned},
        order=order.order, broken_edges=order.broken_edges,
        dependencies=static.resolution.dependencies,
        cycles=tuple(c.nodes for c in static.analysis.cycles),
    )


def _write_doc(doc: report.Document, path: Path, fmt: str) -> None:
    text = report.render_json(doc) if fmt == "json" else report.render_markdown(doc)
    report.write_atomic(path, text)


@dataclass(frozen=True)
class ModelRun:
    """How the model passes run (prompt template, goal, budgets)."""

    options: author.AuthorOptions
    keep_reasoning: bool = False


def known_names(static: StaticAnalysis) -> verify.KnownNames:
    """Every file, module, symbol and external package name of the repository."""
    from . import verify

    return verify.KnownNames.from_names(
        files=[p.path for p in static.parsed],
        modules=[p.namespace for p in static.parsed if p.namespace],
        symbols=[s.name for p in static.parsed for s in p.symbols],
        externals=[e.name for e in static.analysis.externals],
    )


def checkable_facts(static: StaticAnalysis) -> verify.Facts:
    """The figures claims are checked against."""
    from . import verify

    langs: dict[str, int] = {}
    for p in static.parsed:
        langs[p.source.language] = langs.get(p.source.language, 0) + 1
    return verify.Facts.from_plain(
        file_count=len(static.parsed), loc=sum(p.loc for p in static.parsed), languages=langs.items(),
        cycles=[c.nodes for c in static.analysis.cycles],
        edges={(d.source, d.target) for d in static.resolution.dependencies if d.kind == "import"},
        files=[p.path for p in static.parsed],
    )


def write_model_outputs(static: StaticAnalysis, request: OutputRequest, generator: TextGenerator,
                        run: ModelRun, on_event: author.Event | None = None) -> tuple[list[Path], Context]:
    """Write --report and/or --plan with the model's passes (nothing is written if a pass fails).

    Returns the written paths and the repository context every pass read.
    """
    from . import author, plan

    facts = static_facts(static)
    jobs = [(task, target) for task, target, path in
            (("report", "", request.report), ("plan", request.target, request.plan)) if path]
    prepared = author.prepare_context(
        generator, graph=static.graph, ranks=dict(static.analysis.pagerank),
        parts=[c.files for c in static.analysis.communities], facts_text=report.repository_facts(facts),
        options=run.options, jobs=jobs, on_event=on_event)
    known, checkable = known_names(static), checkable_facts(static)

    def write(task: str, target: str, files: tuple[str, ...] = ()) -> author.Authored:
        return author.write_with_model(generator, prepared, known=known, facts=checkable, task=task,
                                       target=target, options=run.options, on_event=on_event,
                                       propose_files=files)

    docs: list[tuple[Path, report.Document]] = []
    if request.report:
        authored = write("report", "")
        sections = report.static_report(facts, has_churn=bool(static.churn))
        sections[0] = report.Section(sections[0].key, sections[0].title,
                                     sections[0].body + "\n\n### Assessment\n\n" + authored.text)
        sections.append(_model_appendix(static, generator, authored, run.keep_reasoning))
        docs.append((request.report, report.Document("report", f"Architecture report: {facts.name}",
                                                     tuple(sections), {"grounding": _grounding(authored)})))
    if request.plan:
        pf = plan_facts(static, request.target)
        authored = write("plan", request.target, tuple(p for p, _ in static.analysis.pagerank))
        sections = [report.Section(k, t, b) for k, t, b in plan.plan_sections(pf)]
        sections.insert(1, report.Section("narrative", "Migration narrative", authored.text))
        if authored.proposal is not None:
            sections.append(report.Section("proposal", "Model-proposed modules",
                                           plan.proposal_section(authored.proposal)))
        sections.append(_model_appendix(static, generator, authored, run.keep_reasoning))
        data = {**plan.plan_json(pf), "grounding": _grounding(authored),
                "model_proposal": authored.proposal}
        docs.append((request.plan, report.Document("plan", f"Migration plan: {facts.name} → {request.target}",
                                                   tuple(sections), data)))
    for path, doc in docs:
        _write_doc(doc, path, request.format)
    return [p for p, _ in docs], prepared.context


def _grounding(a: author.Authored) -> dict[str, object]:
    return {"verified": list(a.grounding.verified), "unknown_marked": list(a.grounding.unknown),
            "findings_given_to_critique": list(a.findings)}


def _model_appendix(static: StaticAnalysis, generator: TextGenerator, a: author.Authored,
                    keep_reasoning: bool) -> report.Section:
    cov = a.context.coverage
    lines = [
        *static_appendix(static),
        *(f"Runtime: {c}" for c in generator.describe_choices()),
        f"Context: {a.context.tokens} of {a.context.budget} budget tokens; {a.context.level}",
        f"Coverage in full detail: files {cov.files_full}/{cov.files_total}, symbols "
        f"{cov.symbols_full}/{cov.symbols_total}, edges {cov.edges_full}/{cov.edges_total}; "
        f"rolled-up packages: {len(cov.rolled_up_packages)}",
        "Method: draft (step-by-step reasoning) → critique with machine-checked findings → final answer.",
        f"Automated findings given to the critique: {len(a.findings)}",
        f"Verification of the final text: {len(a.grounding.verified)} names verified against the graph, "
        f"{len(a.grounding.unknown)} marked ⚠️ as not found",
    ]
    if a.map_parts:
        lines.append(f"Map-reduce: {a.map_parts} parts summarized first ({a.map_files_full} files in full "
                     "detail across parts)")
    elif a.map_skipped:
        lines.append(f"Map-reduce: not run, {a.map_skipped}; the context above is all the model saw")
    for name, s in a.passes:
        lines.append(f"Pass {name}: {s.prompt_tokens} prompt tokens ({s.cached_tokens} reused), "
                     f"{s.generated_tokens} generated, prompt {s.prompt_seconds:.2f}s, "
                     f"{s.tokens_per_second:.1f} tokens/s; model {s.model} {s.quantization}, "
                     f"n_ctx {s.n_ctx}, GPU layers "
                     f"{s.n_gpu_layers if s.n_gpu_layers >= 0 else 'decided by the server'}")
    section = report.appendix_section(lines, [f"{d.path}:{d.line}: {d.severity}: {d.message}"
                                              for d in static.diagnostics])
    if keep_reasoning:
        from . import author

        body = (section.body + "\n\n### Reasoning (draft)\n\n" + author.demote_headings(a.draft)
                + "\n\n### Critique\n\n" + author.demote_headings(a.critique))
        section = report.Section(section.key, section.title, body)
    return section


#: budget used by --context when none is given: large enough for every file in full detail
FULL_CONTEXT_BUDGET = 10**9


def build_context(static: StaticAnalysis, budget: int | None, count_tokens: Callable[[str], int]) -> Context:
    """The repository context on its own (``--context``).

    Without a budget the whole graph is written in full detail, and the header
    states its own size as the budget.
    """
    from .serialize import serialize_context

    ranks = dict(static.analysis.pagerank)
    if budget is not None:
        return serialize_context(static.graph, ranks, budget, count_tokens)
    full = serialize_context(static.graph, ranks, FULL_CONTEXT_BUDGET, count_tokens)
    return serialize_context(static.graph, ranks, full.tokens, count_tokens)

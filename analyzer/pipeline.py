"""Wires the subsystems together; reads like a table of contents and holds no stage logic.

static:    discover -> [run cache] -> parse -> resolve -> churn -> graph analyses
documents: static facts -> --json, --graph, and the --no-llm report and plan
context:   graph -> the repository context the model reads (--context)
model:     context + prompts -> checked model text -> documents
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from analyzer.config import Settings
from analyzer.documents import assemble
from analyzer.documents.facts import StaticFacts, analysis_json, diagnostic_lines, method_lines, static_facts
from analyzer.documents.output import write_atomic
from analyzer.documents.render import Document, Section, json_lines
from analyzer.domain import Diagnostic, SourceFile
from analyzer.errors import AnalyzerError
from analyzer.rules import CheckResult, RuleSet
from analyzer.static import paused_gc
from analyzer.static.churn import git_churn
from analyzer.static.discover import discover_files, require_sources
from analyzer.static.parse import is_read_failure, parse_files
from analyzer.static.queries import queries_fingerprint
from analyzer.static.resolve import resolve_dependencies
from analyzer.static.result import StaticAnalysis, StaticResult
from analyzer.static.run_cache import RunCache

# Loaded where they are used, so that a run that does not need them does not pay for their imports:
# llama_cpp only when a model runs; networkx (graph, context) only when the graph is built (a warm
# run writing --json or a --no-llm report reuses the stored analysis and never builds it); the model
# passes and checks, and the plan and export writers only for those outputs.
if TYPE_CHECKING:
    from analyzer.context.write import Context
    from analyzer.documents.model_items import CheckedItems
    from analyzer.documents.plan import PlanFacts
    from analyzer.model import passes
    from analyzer.model.checks import Facts, KnownNames
    from analyzer.model.generator import TextGenerator

__all__ = [
    "FULL_CONTEXT_BUDGET",
    "ModelRun",
    "OutputRequest",
    "Progress",
    "StaticAnalysis",
    "analyze_static",
    "build_context",
    "check_rules",
    "write_model_outputs",
    "write_static_outputs",
]

#: progress callback: (stage, done, total); total 0 = unknown
Progress = Callable[[str, int, int], None]


def analyze_static(settings: Settings, on_progress: Progress | None = None) -> StaticAnalysis:
    """Run the deterministic part of the pipeline.

    Everything after discovery depends only on what the run key hashes (every file's digest, the
    queries, the settings, the language configs): a warm run reuses the stored result and parses
    nothing; the graph is rebuilt when an output needs it.

    Raises:
        InputPathError: bad root; NoSourceFilesError: nothing to analyze.
    """
    # the pass builds a few hundred thousand acyclic values: full collections that rescan
    # them all would cost more than the pass itself creates in garbage
    with paused_gc():
        clock = _Clock()
        discovery = discover_files(settings, lambda n: on_progress("discover", n, 0) if on_progress else None)
        clock.step("discover")
        require_sources(discovery, settings)
        run_cache = RunCache.open(settings, discovery.files, queries_fingerprint())
        result = run_cache.load() if run_cache else None
        graph = None
        if result is not None:
            _stage(on_progress, "parse")(len(result.parsed), len(result.parsed))
            clock.step("parse")
            clock.step("resolve")
        else:
            result, graph = _compute(discovery.files, settings, on_progress, clock)
            # a read failure may be transient: such a run is never stored
            if run_cache is not None and not any(is_read_failure(p) for p in result.parsed):
                run_cache.save(result)
        clock.step("graph")
        diagnostics = tuple(
            sorted(
                (
                    *discovery.diagnostics,
                    *(d for p in result.parsed for d in p.diagnostics),
                    *result.resolution.diagnostics,
                    *result.history_diagnostics,
                ),
                key=Diagnostic.sort_key,
            )
        )
        return StaticAnalysis(
            settings,
            discovery,
            result.parsed,
            result.resolution,
            result.analysis,
            result.churn,
            diagnostics,
            tuple(clock.timings),
            graph,
        )


def _compute(
    files: tuple[SourceFile, ...], settings: Settings, on_progress: Progress | None, clock: _Clock
) -> tuple[StaticResult, object]:
    """Parse, resolve, read the history and analyze the graph (a run-cache miss)."""
    from analyzer.static.graph import analyze_graph, build_graph

    full = parse_files(files, settings, _stage(on_progress, "parse"))
    clock.step("parse")
    resolution = resolve_dependencies(full, settings, _stage(on_progress, "resolve"))
    clock.step("resolve")
    churn: dict[str, int] = {}
    history: tuple[Diagnostic, ...] = ()
    if settings.use_git_history:
        churn, history = git_churn(settings.root, frozenset(p.path for p in full))
    # references and imports have served: resolution holds what came of them
    parsed = tuple(replace(p, references=(), imports=()) for p in full)
    _stage(on_progress, "graph")(0, 0)  # no measure of progress inside the analyses: a spinner
    graph = build_graph(parsed, resolution)
    analysis = analyze_graph(graph, churn=churn or None)
    _stage(on_progress, "graph")(len(parsed), len(parsed))
    return StaticResult(resolution, churn, history, analysis, parsed), graph


class _Clock:
    """Seconds spent in each named step, in order."""

    def __init__(self) -> None:
        self.timings: list[tuple[str, float]] = []
        self._t0 = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.timings.append((name, round(now - self._t0, 4)))
        self._t0 = now


def _stage(on_progress: Progress | None, stage: str) -> Callable[[int, int], None]:
    return lambda done, total: on_progress(stage, done, total) if on_progress else None


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
    rules_out: Path | None = None  # --rules-out: the plan's boundaries as a rules file
    rules: RuleSet | None = None  # --check: the report states the result and the known exceptions


def write_static_outputs(static: StaticAnalysis, request: OutputRequest) -> list[Path]:
    """Write --json and --graph, and --report/--plan when no model is used."""
    written: list[Path] = []
    facts = static_facts(static)
    if request.json:
        data = analysis_json(
            facts,
            unresolved=static.resolution.unresolved,
            externals=static.resolution.externals,
            skipped=facts.skipped,
            diagnostics=static.diagnostics,
        )
        write_atomic(request.json, json_lines(data))
        written.append(request.json)
    if request.graph:
        from analyzer.documents.graph_export import export_graph

        write_atomic(
            request.graph,
            export_graph(
                request.graph.suffix.lower(), static.parsed, static.resolution.dependencies, static.resolution.externals
            ),
        )
        written.append(request.graph)
    appendix = [*method_lines(static), assemble.NO_MODEL]
    if request.report and request.no_llm:
        doc = assemble.report_document(
            facts,
            has_churn=bool(static.churn),
            appendix=appendix,
            diagnostics=diagnostic_lines(static),
            rules=_rules_summary(static, request),
        )
        assemble.write_document(doc, request.report, request.format)
        written.append(request.report)
    if request.rules_out or (request.plan and request.no_llm):
        plan, rules_text = _plan_and_rules(static, request)
        if request.rules_out:
            write_atomic(request.rules_out, rules_text)
            written.append(request.rules_out)
        if request.plan and request.no_llm:
            doc = assemble.plan_document(plan, appendix=appendix, diagnostics=[])
            assemble.write_document(doc, request.plan, request.format)
            written.append(request.plan)
    return written


@dataclass(frozen=True)
class ModelRun:
    """How the model passes run (prompt template, goal, budgets), and whether the free-form ones run at all."""

    options: passes.AuthorOptions
    keep_reasoning: bool = False
    #: draft / critique / final (and the module proposal) besides the structured tasks; see choose_free_form
    free_form: bool = True
    #: why (one line): shown in the free-form sections when they did not run
    free_form_reason: str = ""


def write_model_outputs(
    static: StaticAnalysis,
    request: OutputRequest,
    generator: TextGenerator,
    run: ModelRun,
    on_event: passes.Event | None = None,
) -> tuple[list[Path], Context | None]:
    """Write --report and/or --plan with the model (nothing is written if a pass fails).

    Every run asks the structured tasks (checked item by item); ``run.free_form`` adds the free-form
    passes.  Returns the written paths and the repository context the free-form passes read (None when
    they did not run).
    """
    from analyzer.model import checks

    facts = static_facts(static)
    plan = _plan_and_rules(static, request)[0]
    known = checks.known_names_of(static, [b.name for b in plan.boundaries])
    checkable = checks.facts_of(static)
    jobs = [
        (task, target)
        for task, target, path in (("report", "", request.report), ("plan", request.target, request.plan))
        if path
    ]
    items = _structured(static, plan, generator, run, [task for task, _ in jobs], (known, checkable), on_event)
    authored, context = (
        _free_form(static, generator, run, jobs, known, checkable, on_event) if run.free_form else ({}, None)
    )
    docs: list[tuple[Path, Document]] = []
    if request.report:
        report = _report_document(static, facts, authored.get("report"), items, generator, run)
        docs.append((request.report, replace(report, sections=_with_rules(report, static, request))))
    if request.plan:
        docs.append((request.plan, _plan_document(static, plan, authored.get("plan"), items, generator, run)))
    for path, doc in docs:
        assemble.write_document(doc, path, request.format)
    return [p for p, _ in docs], context


def _structured(
    static: StaticAnalysis,
    plan: PlanFacts,
    generator: TextGenerator,
    run: ModelRun,
    jobs: list[str],
    checked: tuple[KnownNames, Facts],
    on_event: passes.Event | None,
) -> CheckedItems:
    """The structured tasks over the numbered facts, as plain data for the documents."""
    from analyzer.documents.model_items import CheckedItems
    from analyzer.model import prompt as prompts
    from analyzer.model.fact_sheet import build_fact_sheet
    from analyzer.model.gate import Reference
    from analyzer.model.structured import run_structured, structured_lines

    sheet = build_fact_sheet(static, plan.boundaries, plan.order, plan.metrics)
    ours = prompts.prompt_texts(run.options.template)
    reference = Reference(*checked, ours, sheet.text())
    done = run_structured(generator, sheet, reference, jobs=jobs, on_event=on_event)
    return CheckedItems(done.items, sheet.facts, done.model, tuple(structured_lines(done)))


def _free_form(
    static: StaticAnalysis,
    generator: TextGenerator,
    run: ModelRun,
    jobs: list[tuple[str, str]],
    known: KnownNames,
    checkable: Facts,
    on_event: passes.Event | None,
) -> tuple[dict[str, passes.Authored], Context]:
    """The draft / critique / final passes of each job (and the plan's module proposal) over one shared context."""
    from analyzer.documents.facts import repository_facts
    from analyzer.model import passes

    prepared = passes.prepare_context(
        generator,
        graph=static.graph,
        ranks=dict(static.analysis.pagerank),
        parts=[c.files for c in static.analysis.communities],
        facts_text=repository_facts(static_facts(static)),
        options=run.options,
        jobs=jobs,
        known=known,
        facts=checkable,
        on_event=on_event,
    )
    authored = {
        task: passes.write_with_model(
            generator,
            prepared,
            known=known,
            facts=checkable,
            task=task,
            target=target,
            options=run.options,
            on_event=on_event,
            propose_files=tuple(p for p, _ in static.analysis.pagerank) if task == "plan" else (),
        )
        for task, target in jobs
    }
    return authored, prepared.context


def _report_document(
    static: StaticAnalysis,
    facts: StaticFacts,
    a: passes.Authored | None,
    items: CheckedItems,
    generator: TextGenerator,
    run: ModelRun,
) -> Document:
    """The report with the model's findings and assessment."""
    from analyzer.documents.model_items import items_json

    tasks = ("finding",)
    return assemble.report_document(
        facts,
        has_churn=bool(static.churn),
        assessment=_model_text(a, items.model, run),
        items=items,
        data={**_grounding(a), **items_json(items, tasks)},
        **_model_appendix(static, a, items, tasks, generator, run),
    )


def _plan_document(
    static: StaticAnalysis,
    plan: PlanFacts,
    a: passes.Authored | None,
    items: CheckedItems,
    generator: TextGenerator,
    run: ModelRun,
) -> Document:
    """The plan with the model's boundary names, cycle cuts, wave risks, narrative and proposal."""
    from analyzer.documents.model_items import items_json

    tasks = ("boundary", "cycle", "wave")
    return assemble.plan_document(
        plan,
        narrative=_model_text(a, items.model, run),
        proposal=a.proposal if a else None,
        proposal_model=a.model if a else "",
        items=items,
        data={**_grounding(a), "model_proposal": a.proposal if a else None, **items_json(items, tasks)},
        **_model_appendix(static, a, items, tasks, generator, run),
    )


def _model_text(a: passes.Authored | None, model: str, run: ModelRun) -> assemble.ModelText:
    """The model's final text and the gate's verdict, as plain data for the documents (or why there is none)."""
    if a is None:
        return assemble.ModelText("", model, False, run.free_form_reason, skipped=True)
    return assemble.ModelText(a.text, a.model, a.verdict.published, a.verdict.reason)


def _grounding(a: passes.Authored | None) -> dict[str, object]:
    from analyzer.model import passes

    return {"grounding": passes.grounding_json(a) if a else None}


def _model_appendix(
    static: StaticAnalysis,
    a: passes.Authored | None,
    items: CheckedItems,
    tasks: tuple[str, ...],
    generator: TextGenerator,
    run: ModelRun,
) -> dict:
    """The appendix of a model-written document: method, model choices, structured items, diagnostics, reasoning."""
    from analyzer.documents.model_items import item_lines
    from analyzer.model import passes

    free = (
        passes.appendix_lines(a, generator.describe_choices())
        if a
        else [
            *(f"Runtime: {c}" for c in generator.describe_choices()),
            f"Free-form passes: not run ({run.free_form_reason})",
        ]
    )
    return {
        "appendix": [*method_lines(static), *free, *items.runs, *item_lines(items, tasks)],
        "diagnostics": diagnostic_lines(static),
        "reasoning": passes.reasoning_markdown(a) if a and run.keep_reasoning else "",
    }


def _plan_and_rules(static: StaticAnalysis, request: OutputRequest) -> tuple[PlanFacts, str]:
    """The plan's facts and, with --rules-out, the rules file of its boundaries (the plan counts its exceptions)."""
    from analyzer.documents.plan import plan_facts
    from analyzer.rules import plan_rules
    from analyzer.static.boundaries import ENTRYPOINTS, SHARED

    facts = plan_facts(static, request.target)
    if request.rules_out is None:
        return facts, ""
    boundaries = [(b.name, b.files) for b in facts.boundaries]
    namespaces = {p.path: p.namespace for p in static.parsed}
    text, rules = plan_rules(boundaries, namespaces, static.resolution.dependencies, frozenset({SHARED, ENTRYPOINTS}))
    if not text:
        raise AnalyzerError("--rules-out: the plan proposes fewer than two boundaries; there is nothing to keep apart")
    return replace(facts, rules=(str(request.rules_out), rules.exception_count)), text


def _rules_summary(static: StaticAnalysis, request: OutputRequest) -> str:
    """The --check summary line for the report ("" without a rules file)."""
    if request.rules is None:
        return ""
    from analyzer.rules import summary

    return summary(check_rules(static, request.rules))


def _with_rules(doc: Document, static: StaticAnalysis, request: OutputRequest) -> tuple[Section, ...]:
    """The model-written report's sections with the --check result before the appendix."""
    line = _rules_summary(static, request)
    if not line:
        return doc.sections
    return (*doc.sections[:-1], assemble.rules_section(line), doc.sections[-1])


def check_rules(static: StaticAnalysis, rules: RuleSet) -> CheckResult:
    """``rules`` checked against the static analysis' edges (``--check``; builds no graph)."""
    from analyzer.rules import check_rules as check

    done = static.built_checks.get(id(rules))
    if done is not None and done[0] is rules:
        return done[1]
    namespaces = {p.path: p.namespace for p in static.parsed}
    result = check(rules, namespaces, static.resolution.dependencies, static.resolution.externals)
    static.built_checks[id(rules)] = (rules, result)
    return result


#: budget used by --context when none is given: large enough for every file in full detail
FULL_CONTEXT_BUDGET = 10**9


def build_context(static: StaticAnalysis, budget: int | None, count_tokens: Callable[[str], int]) -> Context:
    """The repository context on its own (``--context``).

    Without a budget the whole graph is written in full detail, and the header
    states its own size as the budget.
    """
    from analyzer.context.write import write_context

    ranks = dict(static.analysis.pagerank)
    if budget is not None:
        return write_context(static.graph, ranks, budget, count_tokens)
    full = write_context(static.graph, ranks, FULL_CONTEXT_BUDGET, count_tokens)
    return write_context(static.graph, ranks, full.tokens, count_tokens)

"""What the static subsystem hands on: :class:`StaticAnalysis`, and the part of it the run cache stores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analyzer.config import Settings
from analyzer.domain import Diagnostic, Discovery, GraphAnalysis, ParsedFile, Resolution


@dataclass(frozen=True, slots=True)
class StaticResult:
    """Everything computed after discovery: a function of the run key alone (see ``run_cache``).

    ``parsed`` holds every file's symbols, LOC, namespace and diagnostics; its references and
    imports are left empty (``resolution`` holds what came of them).
    """

    resolution: Resolution
    churn: dict[str, int]
    history_diagnostics: tuple[Diagnostic, ...]
    analysis: GraphAnalysis
    parsed: tuple[ParsedFile, ...]


@dataclass(frozen=True)
class StaticAnalysis:
    """Everything computed without a model.

    ``graph`` (a networkx.DiGraph, opaque outside the graph and context modules) is built on first
    use when the result came from the run cache: a warm run that writes only the report or
    --json never needs it.
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
    #: :func:`~analyzer.static.boundaries.decompose` of this analysis, kept by it once computed (the plan,
    #: the model's tasks and --rules-out all read it)
    built_decomposition: Any = field(default=None, repr=False, compare=False)
    #: id(rule set) -> (the rule set, its check result): --check and the report's rules line share one check
    built_checks: dict[int, tuple[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def graph(self) -> Any:
        """The dependency graph (:func:`~analyzer.static.graph.build_graph` of ``parsed`` and ``resolution``)."""
        if self.built_graph is None:
            from analyzer.static.graph import build_graph

            object.__setattr__(self, "built_graph", build_graph(self.parsed, self.resolution))
        return self.built_graph

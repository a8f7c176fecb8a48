"""Serialize stage: dependency graph -> a repository context that fits a token budget.

Repository context format
-------------------------

The context is plain text for a language model: no source code, no string
literals, only structure.  It sits between two delimiter lines,
``<<<REPOSITORY-CONTEXT`` and ``REPOSITORY-CONTEXT>>>``.  Lines starting with
``#`` form the header: tokens used and the budget, the coverage (what share of
files, symbols and edges is shown in full detail and how many packages were
rolled up), the detail level, any facts the pipeline adds, and a legend.

The body has one section per package (directory; ``.`` is the root),
``## pN name``, ordered by the most central file they hold.  Inside a
section, files follow in rank order.  A file is written once as
``fN path language loc=N``, where N is its centrality rank (``f1`` is the most
central file); everywhere else the file is referred to by ``fN``.  Below a file,
indented by two spaces:

- symbols, ``<kind><line> name [^parent]`` with one-letter kinds
  (C class, I interface, S struct, E enum, T trait, Y type, F function,
  M method, K constant, X macro, N module);
- edges from it, one line per target: ``-> fN i@4,c3@20`` lists each kind
  (i import, c call, h inherit) with its weight (omitted when 1) and
  ``@first line``; ``type-only`` marks edges made only of type-checking imports;
- external packages it imports: ``x requests i2@3``.

Kinds without a short code are written in braces (``{kind}``).

When everything does not fit, the least central parts are degraded first, never
cut mid-way: first the symbols of lower-ranked files are dropped (the file
line then ends in ``syms=N``); then lower-ranked files are rolled up into one
summary per package, ``~ rolled files=N loc=N syms=N``, followed by the summed
edges of those files (``~> fN`` to a listed file, ``~> pN`` to the rolled-up
files of package pN) and their externals (``~x pkg i5``).  Listed files point
into rolled-up files with ``~> pN`` too.  The most central files stay listed
with their symbols longest; the last resort lists packages only.

Repository text (paths, names, languages, package names) is data: every
``%``, ``<``, ``>``, whitespace, control or format character is written as
``%XX`` UTF-8 bytes (``%-`` is the empty string), so a name can never contain
a delimiter, ``->``, a space or a line break.  Header facts keep their spaces;
only ``%``, line breaks and doubled ``<<``/``>>`` are escaped.  The same graph
always gives byte-identical text.  :func:`analyzer.context_reader.read_context`
parses a context back; :func:`graph_to_context_graph` gives the same shape for
a whole graph, and ``ContextGraph.restrict(listed, detailed)`` cuts either
down to what a context shows in full detail, so the two compare with ``==``.

Example (budget too small for everything: the top file keeps its symbols,
``f2`` keeps only a symbol count, ``f3`` and ``f4`` are rolled up)::

    <<<REPOSITORY-CONTEXT
    # tokens: 350 used of 400 budget
    # coverage: files 1/4 (25%) with symbols, 2/4 (50%) listed; symbols 3/7 (42%); edges 1/5 (20%); rolled up: 2/3 packages
    # detail: top 2 of 4 files listed, 1 with symbols; 2 lower-ranked files rolled up into 2 package summaries
    # fact: languages: python 4 files
    # legend: "## pN dir" package section (. = root); "fN path language loc=N" file with centrality rank N, later referred to as fN; "syms=N" N symbols omitted
    # symbols: "<kind><line> name ^parent" kinds C=class I=interface S=struct E=enum T=trait Y=type F=function M=method K=constant X=macro N=module
    # edges: "-> fN i@4,c3@20" from the file above to fN per kind (i=import c=call h=inherit), weight when not 1, @first line; "type-only" type-checking imports only; "x pkg i2" external package
    # names are %-escaped UTF-8 (%20 space, %25 %, %3C <, %3E >, %0A newline, %- empty)
    # rolled up: "~ rolled files= loc= syms=" sums a package's lower-ranked files; "~> fN|pN c5" summed edges to/from them (pN = rolled files of pN); "~x pkg i5" their externals
    ## p1 app
    f1 app/core.py python loc=120
      C3 Engine
      M10 run ^Engine
      M30 stop ^Engine
      -> f2 i@2,c3@11
      x requests i2@1
    f2 app/util.py python loc=40 syms=2
      ~> p2 i
    ## p2 .
      ~ rolled files=1 loc=30 syms=1
      ~> f1 i,c
    ## p3 tests
      ~ rolled files=1 loc=60 syms=1
      ~> f1 i,c2,h
      ~> p2 i
      ~x requests i
    REPOSITORY-CONTEXT>>>
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from .context_reader import (
    BEGIN,
    END,
    KIND_ORDER,
    SYMBOL_CODES,
    TYPE_ONLY,
    ContextEdge,
    ContextExternal,
    ContextFile,
    ContextGraph,
    Coverage,
    escape_name,
    escape_package,
    escape_text,
    format_kinds,
    kind_code,
    percent,
)
from .domain import (
    EDGE_KINDS,
    EDGE_LINES,
    EDGE_TYPE_ONLY,
    EXTERNAL_PREFIX,
    NODE_EXTERNAL,
    NODE_FILE,
    NODE_KIND,
    NODE_LANGUAGE,
    NODE_LOC,
    NODE_PACKAGE,
    NODE_SYMBOLS,
    Symbol,
)
from .errors import ContextOverflowError

__all__ = ["Context", "Coverage", "graph_to_context_graph", "part_graph", "serialize_context"]

#: share of files (at least one) that keep their symbols while others are rolled up
CORE_SHARE = 0.25
#: attempts to make the stated token count equal the real one
_FIXED_POINT_TRIES = 4

_LEGEND = (
    '# legend: "## pN dir" package section (. = root); "fN path language loc=N" file with centrality rank N,'
    ' later referred to as fN; "syms=N" N symbols omitted',
    '# symbols: "<kind><line> name ^parent" kinds C=class I=interface S=struct E=enum T=trait Y=type'
    " F=function M=method K=constant X=macro N=module",
    '# edges: "-> fN i@4,c3@20" from the file above to fN per kind (i=import c=call h=inherit),'
    ' weight when not 1, @first line; "type-only" type-checking imports only; "x pkg i2" external package',
    "# names are %-escaped UTF-8 (%20 space, %25 %, %3C <, %3E >, %0A newline, %- empty)",
)
#: legend line added only when some files are rolled up
_LEGEND_ROLLED = (
    '# rolled up: "~ rolled files= loc= syms=" sums a package\'s lower-ranked files; "~> fN|pN c5" summed'
    ' edges to/from them (pN = rolled files of pN); "~x pkg i5" their externals'
)

Kinds = tuple[tuple[str, int, int], ...]  # (kind, weight, first line)


@dataclass(frozen=True, slots=True)
class Context:
    """A serialized repository context and what it covers."""

    text: str
    tokens: int
    budget: int
    coverage: Coverage
    level: str


def serialize_context(
    graph: nx.DiGraph,
    ranks: Mapping[str, float],
    budget: int,
    count_tokens: Callable[[str], int],
    *,
    header_facts: Sequence[str] = (),
) -> Context:
    """Write the graph as the most detailed context that fits ``budget`` tokens.

    Detail levels form one ladder, searched by bisection on the whole text
    (``O(log files)`` calls to ``count_tokens``): from packages only, files
    are listed in rank order (the top ``CORE_SHARE`` with symbols), then the
    remaining files get their symbols back in rank order.

    Args:
        graph: file and external nodes and edges (attribute names in ``domain``).
        ranks: path -> centrality score; higher is more central, missing is 0.
        budget: the most tokens the text may take.
        count_tokens: the model's tokenizer, as a token counter.
        header_facts: extra header lines (free text, escaped onto one line each).

    Returns:
        The context; ``tokens <= budget`` always.

    Raises:
        ContextOverflowError: even the packages-only form does not fit.
    """
    layout = _Layout(graph, ranks)
    facts = tuple(escape_text(f) for f in header_facts)
    top = layout.steps
    measured: dict[int, int] = {}

    def measure(step: int) -> int:
        if step not in measured:
            measured[step] = count_tokens(layout.render(step, budget, budget, facts)[0])
        return measured[step]

    limit = budget
    while True:
        if measure(top) <= limit:
            best = top
        else:
            if measure(0) > limit:
                raise ContextOverflowError(max(measure(0), budget + 1), budget,
                                           "repository context (packages only)")
            low, high = 0, top  # low fits, high does not
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (mid, high) if measure(mid) <= limit else (low, mid)
            best = low
        context = _finalize(layout, best, budget, facts, measure(best), count_tokens)
        if context.tokens <= budget:
            return context
        # the stated token count tokenized longer than the placeholder: search again, tighter
        limit -= context.tokens - budget
        measured.clear()


def graph_to_context_graph(graph: nx.DiGraph) -> ContextGraph:
    """The whole graph in the shape :func:`read_context` returns (every file detailed, nothing rolled up)."""
    files: list[ContextFile] = []
    symbols: list[Symbol] = []
    edges: list[ContextEdge] = []
    externals: list[ContextExternal] = []
    for path, attrs in graph.nodes(data=True):
        if attrs.get(NODE_KIND) != NODE_FILE:
            continue
        syms = tuple(attrs.get(NODE_SYMBOLS, ()))
        files.append(ContextFile(path, attrs.get(NODE_LANGUAGE, ""), int(attrs.get(NODE_LOC, 0)),
                                 attrs.get(NODE_PACKAGE, ""), len(syms)))
        symbols.extend(syms)
    for source, target, attrs in graph.edges(data=True):
        if graph.nodes[source].get(NODE_KIND) != NODE_FILE:
            continue
        target_kind = graph.nodes[target].get(NODE_KIND)
        for kind, weight, line in _kinds(attrs):
            if target_kind == NODE_FILE:
                edges.append(ContextEdge(source, target, kind, weight, line,
                                         bool(attrs.get(EDGE_TYPE_ONLY, False))))
            elif target_kind == NODE_EXTERNAL:
                externals.append(ContextExternal(source, _external_name(target), kind, weight, line))
    return ContextGraph(
        files=tuple(sorted(files, key=lambda f: f.path)),
        symbols=tuple(sorted(symbols, key=Symbol.sort_key)),
        edges=tuple(sorted(edges, key=ContextEdge.sort_key)),
        externals=tuple(sorted(externals, key=ContextExternal.sort_key)),
        detailed=frozenset(f.path for f in files),
    )


# --- private ----------------------------------------------------------------------


def _finalize(
    layout: _Layout, step: int, budget: int, facts: tuple[str, ...], guess: int,
    count_tokens: Callable[[str], int],
) -> Context:
    """Render ``step`` stating its own token count (a fixed point, found in a few tries)."""
    stated = guess
    for _ in range(_FIXED_POINT_TRIES):
        text, coverage, level = layout.render(step, stated, budget, facts)
        tokens = count_tokens(text)
        if tokens == stated:
            break
        stated = tokens
    return Context(text, tokens, budget, coverage, level)


def _kinds(attrs: Mapping[str, object]) -> Kinds:
    kinds = attrs.get(EDGE_KINDS) or {}
    lines = attrs.get(EDGE_LINES) or {}
    assert isinstance(kinds, Mapping) and isinstance(lines, Mapping)
    return tuple(
        (kind, int(weight), int(lines.get(kind, 0) or 0))
        for kind, weight in sorted(kinds.items(), key=lambda kv: (KIND_ORDER.get(kv[0], 9), kv[0]))
    )


def _summed(totals: Mapping[str, int]) -> str:
    return format_kinds((k, totals[k], 0) for k in sorted(totals, key=lambda k: (KIND_ORDER.get(k, 9), k)))


def _external_name(node: str) -> str:
    return node[len(EXTERNAL_PREFIX):] if node.startswith(EXTERNAL_PREFIX) else node


@dataclass(frozen=True, slots=True)
class _File:
    path: str
    package: int
    loc: int
    symbols: int
    head: str  # "fN path language loc=N"
    symbol_lines: tuple[str, ...]
    out: tuple[tuple[int, Kinds, bool], ...]  # (target rank index, kinds, type_only), by target
    externals: tuple[tuple[str, Kinds], ...]  # (external name, kinds), by name


class _Layout:
    """The graph in rank order, with every line that does not depend on the detail level pre-rendered."""

    def __init__(self, graph: nx.DiGraph, ranks: Mapping[str, float]) -> None:
        paths = [p for p, a in graph.nodes(data=True) if a.get(NODE_KIND) == NODE_FILE]
        paths.sort(key=lambda p: (-_score(ranks.get(p, 0.0)), p))
        index = {p: i for i, p in enumerate(paths)}
        package_names: list[str] = []
        package_index: dict[str, int] = {}
        for p in paths:  # sections ordered by their most central file
            name = graph.nodes[p].get(NODE_PACKAGE, "")
            if name not in package_index:
                package_index[name] = len(package_names)
                package_names.append(name)
        self.package_names = package_names
        self.package_heads = tuple(f"## p{i + 1} {escape_package(n)}" for i, n in enumerate(package_names))
        self.members: list[list[int]] = [[] for _ in package_names]
        self.files: list[_File] = []
        self.edges_total = 0
        for i, p in enumerate(paths):
            attrs = graph.nodes[p]
            out, externals = [], []
            for _, target, eattrs in graph.out_edges(p, data=True):
                kinds = _kinds(eattrs)
                if not kinds:
                    continue
                if target in index:
                    out.append((index[target], kinds, bool(eattrs.get(EDGE_TYPE_ONLY, False))))
                elif graph.nodes[target].get(NODE_KIND) == NODE_EXTERNAL:
                    externals.append((_external_name(target), kinds))
            self.edges_total += len(out)
            symbols = tuple(attrs.get(NODE_SYMBOLS, ()))
            package = package_index[attrs.get(NODE_PACKAGE, "")]
            self.members[package].append(i)
            self.files.append(_File(
                path=p,
                package=package,
                loc=int(attrs.get(NODE_LOC, 0)),
                symbols=len(symbols),
                head=f"f{i + 1} {escape_name(p)} {escape_name(attrs.get(NODE_LANGUAGE, ''))} "
                     f"loc={int(attrs.get(NODE_LOC, 0))}",
                symbol_lines=tuple(_symbol_line(s) for s in symbols),
                out=tuple(sorted(out)),
                externals=tuple(sorted(externals)),
            ))
        self.symbols_total = sum(f.symbols for f in self.files)
        n = len(self.files)
        self.core = 0 if n == 0 else min(n, max(1, math.ceil(n * CORE_SHARE)))
        self.steps = 2 * n - self.core

    def plan(self, step: int) -> tuple[int, int]:
        """(files listed, files with symbols) at a ladder step in ``0..steps``."""
        n = len(self.files)
        if step <= n:
            return step, min(step, self.core)
        return n, self.core + step - n

    def render(self, step: int, used: int, budget: int, facts: tuple[str, ...]) -> tuple[str, Coverage, str]:
        """The whole context text at a ladder step, stating ``used`` tokens."""
        listed, detailed = self.plan(step)
        files = self.files
        rolled_out: dict[int, dict[tuple[str, int], dict[str, int]]] = defaultdict(lambda: defaultdict(_counter))
        rolled_ext: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(_counter))
        for i in range(listed, len(files)):
            f = files[i]
            for target, kinds, _ in f.out:
                end = ("f", target + 1) if target < listed else ("p", files[target].package + 1)
                for kind, weight, _ in kinds:
                    rolled_out[f.package][end][kind] += weight
            for name, kinds in f.externals:
                for kind, weight, _ in kinds:
                    rolled_ext[f.package][name][kind] += weight

        body: list[str] = []
        rolled_packages: list[str] = []
        edges_full = 0
        for p, head in enumerate(self.package_heads):
            body.append(head)
            members = self.members[p]
            for i in members:
                if i >= listed:
                    break
                edges_full += self._file_lines(body, i, listed, detailed)
            rest = [files[i] for i in members if i >= listed]
            if rest:
                rolled_packages.append(self.package_names[p])
                body.append(f"  ~ rolled files={len(rest)} loc={sum(f.loc for f in rest)} "
                            f"syms={sum(f.symbols for f in rest)}")
                for (side, key), totals in sorted(rolled_out[p].items()):
                    body.append(f"  ~> {side}{key} {_summed(totals)}")
                for name, totals in sorted(rolled_ext[p].items()):
                    body.append(f"  ~x {escape_name(name)} {_summed(totals)}")

        n = len(files)
        coverage = Coverage(
            files_full=detailed, files_total=n,
            symbols_full=sum(f.symbols for f in files[:detailed]), symbols_total=self.symbols_total,
            edges_full=edges_full, edges_total=self.edges_total,
            rolled_up_packages=tuple(sorted(rolled_packages)), files_listed=listed,
        )
        level = _level(n, listed, detailed, len(rolled_packages))
        c = coverage
        header = [
            BEGIN,
            f"# tokens: {used} used of {budget} budget",
            f"# coverage: files {c.files_full}/{n} ({percent(c.files_full, n)}%) with symbols, "
            f"{listed}/{n} ({percent(listed, n)}%) listed; "
            f"symbols {c.symbols_full}/{c.symbols_total} ({percent(c.symbols_full, c.symbols_total)}%); "
            f"edges {edges_full}/{c.edges_total} ({percent(edges_full, c.edges_total)}%); "
            f"rolled up: {len(rolled_packages)}/{len(self.package_names)} packages",
            f"# detail: {level}",
            *(f"# fact: {fact}" for fact in facts),
            *_LEGEND,
            *((_LEGEND_ROLLED,) if rolled_packages else ()),
        ]
        return "\n".join([*header, *body, END]) + "\n", coverage, level

    def _file_lines(self, body: list[str], i: int, listed: int, detailed: int) -> int:
        """Append one listed file's lines; return how many of its edges are in full detail."""
        f = self.files[i]
        if i < detailed:
            body.append(f.head)
            body.extend(f.symbol_lines)
        else:
            body.append(f"{f.head} syms={f.symbols}")
        into_rolled: dict[int, dict[str, int]] = defaultdict(_counter)
        full = 0
        for target, kinds, type_only in f.out:
            if target < listed:
                full += 1
                body.append(f"  -> f{target + 1} {format_kinds(kinds)}" + (f" {TYPE_ONLY}" if type_only else ""))
            else:
                totals = into_rolled[self.files[target].package + 1]
                for kind, weight, _ in kinds:
                    totals[kind] += weight
        for key, totals in sorted(into_rolled.items()):
            body.append(f"  ~> p{key} {_summed(totals)}")
        for name, kinds in f.externals:
            body.append(f"  x {escape_name(name)} {format_kinds(kinds)}")
        return full


def _counter() -> dict[str, int]:
    return defaultdict(int)


def _score(value: float) -> float:
    return float(value) if math.isfinite(value) else 0.0


def _symbol_line(s: Symbol) -> str:
    line = f"  {kind_code(s.kind, SYMBOL_CODES)}{s.line} {escape_name(s.name)}"
    return line + f" ^{escape_name(s.parent)}" if s.parent else line


def _level(n: int, listed: int, detailed: int, rolled: int) -> str:
    if detailed == n:
        return "full: every file with its symbols and edges"
    if listed == n:
        return f"symbols listed for the top {detailed} of {n} files; the other {n - detailed} show counts only"
    if listed == 0:
        return f"packages only: all {n} files rolled up into {rolled} package summaries"
    return (f"top {listed} of {n} files listed, {detailed} with symbols; "
            f"{n - listed} lower-ranked files rolled up into {rolled} package summaries")


def part_graph(graph: nx.DiGraph, files: Sequence[str]) -> nx.DiGraph:
    """The sub-graph of some files, with the external packages they import (for map-reduce parts)."""
    keep = set(files)
    keep.update(t for f in files if f in graph for t in graph.successors(f)
                if graph.nodes[t].get(NODE_KIND) == NODE_EXTERNAL)
    return graph.subgraph(sorted(keep)).copy()

"""Serialize stage: dependency graph -> a repository context that fits a token budget.

Repository context format
-------------------------

The context is plain text for a language model: no source code, no string
literals, only structure.  It sits between two delimiter lines,
``<<<REPOSITORY-CONTEXT`` and ``REPOSITORY-CONTEXT>>>``.  Lines starting with
``#`` form the header: tokens used and the budget, the coverage (how many
files are listed and at which detail, symbols and edges shown, files rolled
up), a ``# dropped:`` line saying exactly what was left out, the detail level,
any facts the pipeline adds, and a legend (only for the forms that occur).

The body has one section per directory (package; ``.`` is the root),
``## dir`` or ``## pN dir`` when it holds a rolled-up summary, ordered by the
most central file they hold.  Inside a section, files follow in rank order.
A file that other files depend on carries a key ``fK`` (K is its rank by how
many files depend on it: ``f1`` has the most dependents, and the keys written
most often are the shortest); edges refer to it by that key.  Each listed file is at one of four detail levels, and a more central
file is never at a lower level than a less central one:

- **symbols** ``[fK ]path language loc=N`` followed, indented by two spaces, by
  its symbols ``<kind><line> name [^parent]`` (one-letter kinds: C class,
  I interface, S struct, E enum, T trait, Y type, F function, M method,
  K constant, X macro, N module; others in braces ``{kind}``), then its edges,
  one line per target, ``-> fK i@4,c3@20`` (each kind, i import, c call,
  h inherit, u uses a type, with its weight unless 1 and ``@first line``; ``type-only`` marks
  edges made only of type-checking imports), then its external packages
  ``x requests i2@3``;
- **lines**: the same without symbols; the file line ends in ``syms=N``;
- **kinds**: as lines, without ``@first line`` on edges and externals;
- **names**: one line, ``[fK ]name -> fA fB pC``: the name relative to the
  section directory (``/path`` when the file lies outside it) and the keys of
  the files it depends on; kinds, weights, first lines, type-only marks,
  sizes, language, symbol count and externals are dropped.  When two or more
  names-level files of a section share an extension, the section line states
  it once, ``## dir *.py``, and their names omit it (not where a name would
  then read as a key or be empty).

When everything does not fit, detail goes in this order, least central files
first, never cut mid-way: symbols, then first lines, then kinds (down to the
names level: every file and every internal edge still named; Django 5.2.8's 2,864
files and 12,917 file pairs fit in about 64,000 SmolLM2 tokens this way); only
then are the least central files rolled up into one summary per directory,
``~ rolled files=N loc=N syms=N`` (``~ rolled tree`` when the summary also
holds the rolled files of every directory below it: directories are grouped
at the deepest path depth whose summaries take at most ``ROLLUP_SHARE`` of
the budget), followed by the summed edges of those files (``~> fK`` to a
listed file, ``~> pN`` to the rolled files of section pN); their externals
are not shown.  Names-level files point into rolled files with ``pN`` in
their target list (``~> pN`` with kinds at higher levels).  The last resort
is directories only.

Repository text (paths, names, languages, directory names) is data: every
``%``, ``<``, ``>``, whitespace, control or format character is written as
``%XX`` UTF-8 bytes (``%-`` is the empty string), so a name can never contain
a delimiter, ``->``, a space or a line break; a keyless name that looks like
a key (``f12``) has its first character escaped.  Header facts keep their
spaces; only ``%``, line breaks and doubled ``<<``/``>>`` are escaped.  The
same graph always gives byte-identical text.
:func:`analyzer.context.read.read_context` parses a context back;
:func:`graph_to_context_graph` gives the same shape for a whole graph, and
``ContextGraph.restrict(listed, detailed, kinds=..., lines=...)`` cuts either
down to what a context shows at the detail it shows it, so the two compare
with ``==``.

Example (every file and edge named; the two most central files keep kinds,
``util.py`` is at the names level; token counts from a byte-based counter)::

    <<<REPOSITORY-CONTEXT
    # tokens: 44 used of 50 budget
    # coverage: files 3/3 (100%) listed, 2 with kinds, 0 with lines, 0 (0%) with symbols; symbols 0/4 (0%); edges 2/2 (100%) named; rolled up: 0 files into 0 summaries
    # dropped: symbols of 3 files; first lines of 3 files; kinds, weights, type-only marks, sizes, languages and externals of 1 files
    # detail: every file and edge named; 0 with symbols, 0 with first lines, 2 with kinds (in rank order)
    # legend: ... (one line per form that occurs)
    ## app
    f1 app/core.py python loc=120 syms=2
      x requests i2
    util.py -> f1
    ## .
    cli.py python loc=30 syms=1
      -> f1 i,c3 type-only
    REPOSITORY-CONTEXT>>>

Levels are raised one at a time over all files: every listed file reaches
kinds before any reaches lines, and lines before any gets symbols.

This module walks the graph (the only context module that imports networkx)
and searches the ladder; :mod:`analyzer.context.layout` renders the text for
one point of it, and :mod:`analyzer.context.header` writes the header lines.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from analyzer.context.format import (
    KIND_ORDER,
    SYMBOL_CODES,
    ContextEdge,
    ContextExternal,
    ContextFile,
    ContextGraph,
    Coverage,
    escape_name,
    escape_text,
    file_token,
    kind_code,
)
from analyzer.context.layout import Kinds, Layout, LayoutFile, Plan
from analyzer.domain import (
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
from analyzer.errors import ContextOverflowError

__all__ = ["Context", "Coverage", "graph_to_context_graph", "part_graph", "write_context"]

#: share of the budget the rolled-up summaries may take: directories are grouped finer while they fit
ROLLUP_SHARE = 0.25
#: attempts to make the stated token count equal the real one
_FIXED_POINT_TRIES = 4


@dataclass(frozen=True, slots=True)
class Context:
    """A serialized repository context and what it covers."""

    text: str
    tokens: int
    budget: int
    coverage: Coverage
    level: str


def write_context(
    graph: nx.DiGraph,
    ranks: Mapping[str, float],
    budget: int,
    count_tokens: Callable[[str], int],
    *,
    header_facts: Sequence[str] = (),
) -> Context:
    """Write the graph as the most detailed context that fits ``budget`` tokens.

    The ladder is searched by bisection on the whole text (``O(log files)``
    calls to ``count_tokens``): if every file fits at the names level, files
    are raised to kinds, then lines, then symbols in rank order as far as the
    budget allows; otherwise the directory grouping of rolled-up files is
    chosen (the deepest whose summaries take at most ``ROLLUP_SHARE`` of the
    budget) and as many top files as fit are listed at the names level.

    Args:
        graph: file and external nodes and edges (attribute names in ``domain``).
        ranks: path -> centrality score; higher is more central, missing is 0.
        budget: the most tokens the text may take.
        count_tokens: the model's tokenizer, as a token counter.
        header_facts: extra header lines (free text, escaped onto one line each).

    Returns:
        The context; ``tokens <= budget`` always.

    Raises:
        ContextOverflowError: even the coarsest directories-only form does not fit.
    """
    layout = Layout(_layout_files(graph, ranks))
    facts = tuple(escape_text(f) for f in header_facts)
    measured: dict[Plan, int] = {}

    def measure(plan: Plan) -> int:
        if plan not in measured:
            measured[plan] = count_tokens(layout.render(plan, budget, budget, facts)[0])
        return measured[plan]

    limit = budget
    while True:
        plan = _search(layout, limit, measure)
        if plan is None:
            coarsest = _finalize(layout, Plan(0, 0, 0), budget, facts, measure(Plan(0, 0, 0)), count_tokens).tokens
            raise ContextOverflowError(max(coarsest, budget + 1), budget, "repository context (directories only)")
        context = _finalize(layout, plan, budget, facts, measure(plan), count_tokens)
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
        files.append(
            ContextFile(
                path, attrs.get(NODE_LANGUAGE, ""), int(attrs.get(NODE_LOC, 0)), attrs.get(NODE_PACKAGE, ""), len(syms)
            )
        )
        symbols.extend(syms)
    for source, target, attrs in graph.edges(data=True):
        if graph.nodes[source].get(NODE_KIND) != NODE_FILE:
            continue
        target_kind = graph.nodes[target].get(NODE_KIND)
        for kind, weight, line in _kinds(attrs):
            if target_kind == NODE_FILE:
                edges.append(ContextEdge(source, target, kind, weight, line, bool(attrs.get(EDGE_TYPE_ONLY, False))))
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


def _search(layout: Layout, limit: int, measure: Callable[[Plan], int]) -> Plan | None:
    """The most detailed plan whose text takes at most ``limit`` tokens (None: nothing fits)."""
    n, deepest = len(layout.files), layout.depth_max
    if measure(Plan(n, deepest, 3 * n)) <= limit:
        return Plan(n, deepest, 3 * n)
    if measure(Plan(n, deepest, 0)) <= limit:  # every file named: raise levels as far as they fit
        return Plan(n, deepest, _last_fit(0, 3 * n, lambda u: measure(Plan(n, deepest, u)) <= limit))
    if measure(Plan(0, 0, 0)) > limit:
        return None
    # deepest grouping whose directories-only form takes at most ROLLUP_SHARE of the limit (else the coarsest)
    share = limit * ROLLUP_SHARE
    depth = _last_fit(0, deepest + 1, lambda d: measure(Plan(0, d, 0)) <= share)
    return Plan(_last_fit(0, n, lambda k: measure(Plan(k, depth, 0)) <= limit), depth, 0)


def _last_fit(low: int, high: int, fits: Callable[[int], bool]) -> int:
    """Bisection: the largest value in ``[low, high)`` that fits, given that ``low`` does and ``high`` does not."""
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if fits(mid) else (low, mid)
    return low


def _finalize(
    layout: Layout,
    plan: Plan,
    budget: int,
    facts: tuple[str, ...],
    guess: int,
    count_tokens: Callable[[str], int],
) -> Context:
    """Render ``plan`` stating its own token count (a fixed point, found in a few tries)."""
    stated = guess
    for _ in range(_FIXED_POINT_TRIES):
        text, coverage, level = layout.render(plan, stated, budget, facts)
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


def _external_name(node: str) -> str:
    return node[len(EXTERNAL_PREFIX) :] if node.startswith(EXTERNAL_PREFIX) else node


def _layout_files(graph: nx.DiGraph, ranks: Mapping[str, float]) -> list[LayoutFile]:
    """The graph's files in rank order, each with its edges to files (by rank index) and to external packages."""
    paths = [p for p, a in graph.nodes(data=True) if a.get(NODE_KIND) == NODE_FILE]
    paths.sort(key=lambda p: (-_score(ranks.get(p, 0.0)), p))
    index = {p: i for i, p in enumerate(paths)}
    outs: list[list[tuple[int, Kinds, bool]]] = [[] for _ in paths]
    exts: list[list[tuple[str, Kinds]]] = [[] for _ in paths]
    for i, p in enumerate(paths):
        for _, target, eattrs in graph.out_edges(p, data=True):
            kinds = _kinds(eattrs)
            if not kinds:
                continue
            if target in index:
                outs[i].append((index[target], kinds, bool(eattrs.get(EDGE_TYPE_ONLY, False))))
            elif graph.nodes[target].get(NODE_KIND) == NODE_EXTERNAL:
                exts[i].append((_external_name(target), kinds))
    users: Counter[int] = Counter(t for out in outs for t in {t for t, _, _ in out})
    depended = sorted(users, key=lambda t: (-users[t], t))  # most depended-on first: the shortest keys
    keys = {t: k + 1 for k, t in enumerate(depended)}
    files: list[LayoutFile] = []
    for i, p in enumerate(paths):
        attrs = graph.nodes[p]
        symbols = tuple(attrs.get(NODE_SYMBOLS, ()))
        package = str(attrs.get(NODE_PACKAGE, ""))
        loc = int(attrs.get(NODE_LOC, 0))
        files.append(
            LayoutFile(
                path=p,
                package=package,
                loc=loc,
                symbols=len(symbols),
                key=keys.get(i),
                name_token=file_token(p, package, keys.get(i), relative=True),
                head=f"{file_token(p, package, keys.get(i), relative=False)} "
                f"{escape_name(attrs.get(NODE_LANGUAGE, ''))} loc={loc}",
                symbol_lines=tuple(_symbol_line(s) for s in symbols),
                out=tuple(sorted(outs[i])),
                externals=tuple(sorted(exts[i])),
            )
        )
    return files


def _score(value: float) -> float:
    return float(value) if math.isfinite(value) else 0.0


def _symbol_line(s: Symbol) -> str:
    line = f"  {kind_code(s.kind, SYMBOL_CODES)}{s.line} {escape_name(s.name)}"
    return line + f" ^{escape_name(s.parent)}" if s.parent else line


def part_graph(graph: nx.DiGraph, files: Sequence[str]) -> nx.DiGraph:
    """The sub-graph of some files, with the external packages they import (for map-reduce parts)."""
    keep = set(files)
    keep.update(
        t for f in files if f in graph for t in graph.successors(f) if graph.nodes[t].get(NODE_KIND) == NODE_EXTERNAL
    )
    return graph.subgraph(sorted(keep)).copy()

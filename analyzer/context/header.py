"""The header lines of a repository context: coverage, what was dropped, the detail level, the legend.

The format is described in :mod:`analyzer.context.write`; these lines depend only on the
:class:`~analyzer.context.format.Coverage` of a rendered context and on which forms occur in it.
"""

from __future__ import annotations

from analyzer.context.format import NAMES, SYMBOLS, Coverage, percent

__all__ = ["coverage_line", "dropped_line", "legend", "level_line"]


def coverage_line(c: Coverage) -> str:
    """``# coverage: ...``: how many files, symbols and edges are shown, and how many files are rolled up."""
    n, rolled = c.files_total, c.files_total - c.files_listed
    return (
        f"# coverage: files {c.files_listed}/{n} ({percent(c.files_listed, n)}%) listed, "
        f"{c.files_kinds} with kinds, {c.files_lines} with lines, "
        f"{c.files_full} ({percent(c.files_full, n)}%) with symbols; "
        f"symbols {c.symbols_full}/{c.symbols_total} ({percent(c.symbols_full, c.symbols_total)}%); "
        f"edges {c.edges_full}/{c.edges_total} ({percent(c.edges_full, c.edges_total)}%) named; "
        f"rolled up: {rolled} files into {len(c.rolled_up_packages)} summaries"
        + (f" at depth {c.rollup_depth}" if c.rollup_depth >= 0 else "")
    )


def dropped_line(c: Coverage) -> str:
    """``# dropped: ...``: exactly what the detail level left out (``nothing`` when complete)."""
    listed = c.files_listed
    parts = [
        *([f"symbols of {listed - c.files_full} files"] if listed > c.files_full else []),
        *([f"first lines of {listed - c.files_lines} files"] if listed > c.files_lines else []),
        *(
            [f"kinds, weights, type-only marks, sizes, languages and externals of {listed - c.files_kinds} files"]
            if listed > c.files_kinds
            else []
        ),
        *(
            [f"{c.files_total - listed} files rolled up (sums of size, symbols and edges shown; externals not)"]
            if c.files_total > listed
            else []
        ),
    ]
    return "# dropped: " + ("; ".join(parts) if parts else "nothing")


def level_line(c: Coverage) -> str:
    """The detail level in words (the ``# detail:`` line and :attr:`Context.level`)."""
    n = c.files_total
    if c.is_complete:
        return "full: every file with its symbols, edges and first lines"
    if c.files_listed == n:
        return (
            f"every file and edge named; {c.files_full} with symbols, {c.files_lines} with first lines, "
            f"{c.files_kinds} with kinds (in rank order)"
        )
    groups = len(c.rolled_up_packages)
    if c.files_listed == 0:
        return f"directories only: all {n} files rolled up into {groups} summaries"
    return (
        f"top {c.files_listed} of {n} files named with their edges; {n - c.files_listed} lower-ranked files "
        f"rolled up into {groups} directory summaries"
    )


def legend(levels: set[int], rolled: bool) -> list[str]:
    """The legend lines, one per form that occurs at ``levels`` (and for rolled-up summaries)."""
    lines = [
        '# legend: "## [pN ]dir" section per directory (. = root; pN: it has a rolled-up summary);'
        ' "fK" key of a file other files depend on (K = its rank by how many files depend on it)'
    ]
    if NAMES in levels:
        lines.append(
            '# names: "[fK ]name -> fA pB" name relative to the section (/path if outside),'
            " then what it depends on (pB = rolled-up files of section pB);"
            ' "## dir *.ext": the names below omit their common extension .ext'
        )
    if levels - {NAMES}:
        lines.append(
            '# files: "[fK ]path language loc=N syms=N" (N symbols omitted); "-> fA i@4,c3@20" per kind'
            " (i=import c=call h=inherit u=uses a type), weight when not 1, @first line when shown;"
            ' "type-only" type-checking imports only; "x pkg i2" external package'
        )
    if SYMBOLS in levels:
        lines.append(
            '# symbols: "<kind><line> name ^parent" kinds C=class I=interface S=struct E=enum T=trait'
            " Y=type F=function M=method K=constant X=macro N=module"
        )
    lines.append("# names are %-escaped UTF-8 (%20 space, %25 %, %3C <, %3E >, %0A newline, %- empty)")
    if rolled:
        lines.append(
            '# rolled up: "~ rolled [tree ]files= loc= syms=" sums the section\'s lower-ranked files'
            ' (tree: and those of every directory below it); "~> fK|pN c5" their summed edges'
            " (their externals are not shown)"
        )
    return lines

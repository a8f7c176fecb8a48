"""Mermaid flowchart text from plain data (no graph library): always-valid, deterministic.

Nodes are keyed by the caller's strings (file paths, package names) but are
written with safe ids ``n0, n1, ...`` assigned in sorted key order; labels are
always quoted and escaped with Mermaid entity codes, so no label text (quotes,
brackets, pipes, ``#``, ``<``, ``>``, backticks, newlines, any Unicode) can
break the syntax.  :func:`rollup` keeps large graphs readable by rolling
files up into their packages until at most ``max_nodes`` boxes remain.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

Direction = Literal["LR", "RL", "TB", "TD", "BT"]
#: a node: its key, or (key, label)
NodeSpec = str | tuple[str, str]
#: an edge: (source, target) or (source, target, label); label "" means none
EdgeSpec = tuple[str, str] | tuple[str, str, str]
#: a group (subgraph): (label, member keys)
GroupSpec = tuple[str, Sequence[str]]

MAX_LABEL = 80
OTHER_LABEL = "other"
#: what a diagram in a document may hold: readable, and far inside what Mermaid renders with its
#: default configuration (maxEdges 500, maxTextSize 50,000 characters)
MAX_BOXES = 40
MAX_ARROWS = 150

# Mermaid entity codes (#name; or #number;), written inside "..." labels.  Inside quotes
# only '"' breaks the parser; the rest stops HTML, entity, Markdown-string and
# shape-delimiter interpretation.  Parentheses and ';' stay readable.
_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "%": "#37;",
}


class Diagram(NamedTuple):
    """Plain diagram data, ready for ``flowchart(*diagram)``."""

    nodes: tuple[tuple[str, str], ...]
    edges: tuple[tuple[str, str, str], ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...]


def escape_label(text: str, max_length: int = MAX_LABEL) -> str:
    """Escape ``text`` for use inside a double-quoted Mermaid label (quotes not included).

    Newlines become ``<br>``; other control characters become spaces; labels
    longer than ``max_length`` characters are cut with an ellipsis.
    """
    lines = [" ".join(_printable(line).split()) for line in text.splitlines()] or [""]
    flat = "\n".join(line for line in lines if line) or " "
    if len(flat) > max_length:
        flat = flat[: max_length - 1].rstrip() + "…"
    escaped = "".join(_ENTITIES.get(ch, ch) for ch in flat)
    return escaped.replace("\n", "<br>")


def flowchart(
    nodes: Sequence[NodeSpec],
    edges: Sequence[EdgeSpec] = (),
    groups: Sequence[GroupSpec] | None = None,
    direction: Direction = "LR",
) -> str:
    """Mermaid ``flowchart`` text for the given nodes, edges and groups.

    Args:
        nodes: keys or ``(key, label)`` pairs; a key named only by an edge or
            a group is added with its key as label.
        edges: ``(source, target)`` or ``(source, target, label)``; duplicates
            are merged (their labels joined).
        groups: ``(label, member keys)``: each becomes a subgraph; a node in
            several groups stays in the first.
        direction: LR, RL, TB, TD or BT.

    Returns:
        The diagram text (no code fence), ending with a newline.
    """
    if direction not in ("LR", "RL", "TB", "TD", "BT"):
        raise ValueError(f"bad flowchart direction {direction!r}")
    labels: dict[str, str] = {}
    for spec in nodes:
        key, label = (spec, spec) if isinstance(spec, str) else spec
        labels.setdefault(key, label)
    edge_labels: dict[tuple[str, str], list[str]] = {}
    for edge in edges:
        source, target = edge[0], edge[1]
        label = edge[2] if len(edge) > 2 else ""  # type: ignore[misc]
        for key in (source, target):
            labels.setdefault(key, key)
        names = edge_labels.setdefault((source, target), [])
        if label and label not in names:
            names.append(label)
    for _, members in groups or ():
        for key in members:
            labels.setdefault(key, key)

    ids = {key: f"n{i}" for i, key in enumerate(sorted(labels))}
    lines = [f"flowchart {direction}"]
    grouped: set[str] = set()
    for index, (group_label, members) in enumerate(_sorted_groups(groups or ())):
        keys = sorted({k for k in members if k not in grouped})
        if not keys:
            continue
        grouped.update(keys)
        lines.append(f'  subgraph g{index}["{escape_label(group_label)}"]')
        lines.extend(f'    {ids[k]}["{escape_label(labels[k])}"]' for k in keys)
        lines.append("  end")
    lines.extend(f'  {ids[k]}["{escape_label(labels[k])}"]' for k in sorted(labels) if k not in grouped)
    for (source, target), names in sorted(edge_labels.items()):
        arrow = f'-->|"{escape_label(", ".join(names))}"|' if names else "-->"
        lines.append(f"  {ids[source]} {arrow} {ids[target]}")
    return "\n".join(lines) + "\n"


def rollup(
    nodes: Sequence[NodeSpec],
    edges: Sequence[EdgeSpec],
    package_of: Mapping[str, str],
    max_nodes: int = 40,
) -> Diagram:
    """Shrink a file-level graph to at most ``max_nodes`` boxes, keeping it readable.

    While the graph has at most ``max_nodes`` nodes, files are kept and
    grouped into subgraphs by package.  Otherwise files are replaced by their
    package (``package_of[path]``; unmapped keys keep their own name), and
    packages by boxes: the top-level packages (``a`` of ``a/b/c`` or ``a.b.c``),
    the one holding the most files split into its sub-packages while the count
    fits (:func:`_split_largest_first`); as a last resort the least connected
    boxes merge into one ``other`` box.  Merged edges are labelled with how
    many original edges they stand for; self-loops are dropped.

    Returns:
        A :class:`Diagram`; pass it to :func:`flowchart` as ``flowchart(*diagram)``.
    """
    if max_nodes < 2:
        raise ValueError("max_nodes must be at least 2")
    labels: dict[str, str] = {}
    for spec in nodes:
        key, label = (spec, spec) if isinstance(spec, str) else spec
        labels.setdefault(key, label)
    pairs = [(e[0], e[1]) for e in edges]
    for source, target in pairs:
        labels.setdefault(source, source)
        labels.setdefault(target, target)
    if len(labels) <= max_nodes:
        members: dict[str, list[str]] = defaultdict(list)
        for key in labels:
            if key in package_of:
                members[package_of[key]].append(key)
        groups = tuple((pkg, tuple(sorted(keys))) for pkg, keys in sorted(members.items()))
        plain_edges = tuple(sorted({(s, t, "") for s, t in pairs}))
        return Diagram(tuple(sorted(labels.items())), plain_edges, groups)

    owner = {key: package_of.get(key, key) for key in labels}
    if len(set(owner.values())) > max_nodes:
        boxes_of = _split_largest_first(Counter(owner.values()), max_nodes)
        owner = {key: boxes_of[p] for key, p in owner.items()}
    boxes = set(owner.values())
    if len(boxes) > max_nodes:
        degree: Counter[str] = Counter()
        for source, target in pairs:
            degree[owner[source]] += 1
            degree[owner[target]] += 1
        ranked = sorted(boxes, key=lambda b: (-degree[b], b))
        keep = set(ranked[: max_nodes - 1])
        owner = {key: box if box in keep else OTHER_LABEL for key, box in owner.items()}
    counts: Counter[tuple[str, str]] = Counter((owner[s], owner[t]) for s, t in set(pairs) if owner[s] != owner[t])
    rolled_edges = tuple((s, t, str(n) if n > 1 else "") for (s, t), n in sorted(counts.items()))
    return Diagram(tuple((b, b) for b in sorted(set(owner.values()))), rolled_edges, ())


def limit(diagram: Diagram, max_boxes: int = MAX_BOXES, max_arrows: int = MAX_ARROWS) -> tuple[Diagram, str]:
    """Keep a diagram within ``max_boxes`` boxes and ``max_arrows`` arrows.

    Boxes beyond the limit (the least connected, by the weight of their arrows) merge into one
    ``other`` box; then only the heaviest arrows are drawn.  An arrow's weight is its numeric
    label (a count or a coupling weight), else 1; merged arrows add up.

    Returns:
        The diagram, and a sentence saying what was left out ("" when nothing was).
    """
    nodes, edges, groups = diagram
    notes = []
    if len(nodes) > max_boxes:
        degree: Counter[str] = Counter()
        for source, target, label in edges:
            degree[source] += _weight(label)
            degree[target] += _weight(label)
        kept = set(sorted((k for k, _ in nodes), key=lambda k: (-degree[k], k))[: max_boxes - 1])
        owner = {k: k if k in kept else OTHER_LABEL for k, _ in nodes}
        merged: Counter[tuple[str, str]] = Counter()
        for source, target, label in edges:
            a, b = owner.get(source, OTHER_LABEL), owner.get(target, OTHER_LABEL)
            if a != b:
                merged[(a, b)] += _weight(label)
        notes.append(f"{len(nodes) - len(kept)} of {len(nodes)} boxes merged into `{OTHER_LABEL}`")
        nodes = (*((k, label) for k, label in nodes if k in kept), (OTHER_LABEL, OTHER_LABEL))
        edges = tuple((a, b, str(w) if w > 1 else "") for (a, b), w in sorted(merged.items()))
        groups = tuple((g, tuple(m for m in members if m in kept)) for g, members in groups)
    if len(edges) > max_arrows:
        heaviest = sorted(edges, key=lambda e: (-_weight(e[2]), e[0], e[1]))[:max_arrows]
        notes.append(f"the {max_arrows} heaviest of {len(edges)} arrows drawn")
        edges = tuple(sorted(heaviest))
    return Diagram(tuple(nodes), tuple(edges), tuple(groups)), "; ".join(notes)


def _weight(label: str) -> int:
    return int(label) if label.isdigit() else 1


# --- private helpers ----------------------------------------------------------


def _split_largest_first(files_per_package: Mapping[str, int], max_nodes: int) -> dict[str, str]:
    """Package -> the box it rolls up into: top-level packages first, then the box holding the most
    files is split into its sub-packages while the count fits ``max_nodes`` (a chain of single
    folders, ``java/org/apache``, is followed for free).  Large trees are shown in detail, small ones
    stay whole: Tomcat's 1,500 files under ``java/org/apache`` become catalina, coyote, jasper...
    instead of one box.  While fewer than ``max_nodes // 2`` boxes would be shown, the largest is
    split even past ``max_nodes``; the caller then merges the least connected into ``other``."""
    packages = sorted(files_per_package)
    # prefix -> the packages below it, once for every depth (each package is in one prefix per depth)
    below: dict[tuple[str, int], list[str]] = defaultdict(list)
    for p in packages:
        for d in range(1, _depth(p) + 1):
            below[(_truncate(p, d), d)].append(p)
        below[(p, _depth(p) + 1)].append(p)  # a package's own files, once it is split off its parent

    def under(box: str, depth: int) -> list[str]:
        return below.get((box, depth), [])

    def children(box: str, depth: int) -> set[str]:
        return {_truncate(p, depth + 1) for p in under(box, depth)}

    depth_of = {_truncate(p, 1): 1 for p in packages}
    size = {box: sum(files_per_package[p] for p in under(box, 1)) for box in depth_of}
    done: set[str] = set()
    while True:
        splittable = [
            b
            for b in sorted(depth_of, key=lambda b: (-size[b], b))
            if b not in done and children(b, depth_of[b]) != {b}
        ]
        chosen = None
        for box in splittable:
            if len(depth_of) - 1 + len(children(box, depth_of[box])) <= max_nodes:
                chosen = box
                break
            done.add(box)
        if chosen is None and splittable and len(depth_of) < max_nodes // 2:
            chosen = splittable[0]  # too few boxes to say anything: split, and merge the rest later
        if chosen is None:
            break
        depth = depth_of.pop(chosen) + 1
        del size[chosen]
        for child in children(chosen, depth - 1):
            depth_of[child] = depth
            size[child] = sum(files_per_package[p] for p in under(child, depth))
    boxes = set(depth_of)
    out: dict[str, str] = {}
    for p in packages:
        for d in range(_depth(p), 0, -1):
            if _truncate(p, d) in boxes:
                out[p] = _truncate(p, d)
                break
    return out


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _sorted_groups(groups: Sequence[GroupSpec]) -> list[tuple[str, Sequence[str]]]:
    return sorted(groups, key=lambda g: (g[0], tuple(sorted(g[1]))))


def _separator(package: str) -> str:
    return "/" if "/" in package or "." not in package else "."


def _depth(package: str) -> int:
    return package.count(_separator(package)) + 1


def _truncate(package: str, depth: int) -> str:
    sep = _separator(package)
    return sep.join(package.split(sep)[:depth])

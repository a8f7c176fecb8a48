"""Graph exports for other tools: GraphML, Graphviz DOT and Mermaid, from plain data.

Nodes are files (attributes: language, loc) and external packages
(``ext:<name>``); edges carry kind, weight and first line.  Output is
deterministic (sorted) and escaped for each format.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from analyzer.documents import mermaid
from analyzer.domain import EXTERNAL_PREFIX, Dependency, ExternalDependency, ParsedFile
from analyzer.errors import ConfigError

FORMATS = (".graphml", ".dot", ".gv", ".mmd")


def export_graph(
    suffix: str,
    parsed: Sequence[ParsedFile],
    dependencies: Sequence[Dependency],
    externals: Sequence[ExternalDependency],
) -> str:
    """The graph in the format named by a file suffix.

    Raises:
        ConfigError: unknown suffix.
    """
    files = sorted(parsed, key=lambda p: p.path)
    ext_edges = sorted({(e.source, EXTERNAL_PREFIX + e.package) for e in externals})
    ext_nodes = sorted({t for _, t in ext_edges})
    if suffix == ".graphml":
        return _graphml(files, dependencies, ext_nodes, ext_edges)
    if suffix in (".dot", ".gv"):
        return _dot(files, dependencies, ext_nodes, ext_edges)
    if suffix == ".mmd":
        nodes = [(p.path, p.path) for p in files] + [(n, n) for n in ext_nodes]
        edges = [(d.source, d.target, d.kind) for d in dependencies] + [(s, t, "import") for s, t in ext_edges]
        return mermaid.flowchart(nodes, edges) + "\n"
    raise ConfigError(f"--graph: unknown format {suffix or '(none)'}; use one of {', '.join(FORMATS)}")


def _graphml(
    files: Sequence[ParsedFile],
    deps: Sequence[Dependency],
    ext_nodes: Sequence[str],
    ext_edges: Sequence[tuple[str, str]],
) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        '  <key id="kind" for="all" attr.name="kind" attr.type="string"/>',
        '  <key id="language" for="node" attr.name="language" attr.type="string"/>',
        '  <key id="loc" for="node" attr.name="loc" attr.type="int"/>',
        '  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>',
        '  <key id="line" for="edge" attr.name="line" attr.type="int"/>',
        '  <graph id="repository" edgedefault="directed">',
    ]
    for p in files:
        out.append(
            f'    <node id={quoteattr(p.path)}><data key="kind">file</data>'
            f'<data key="language">{xml_escape(p.source.language)}</data>'
            f'<data key="loc">{p.loc}</data></node>'
        )
    for n in ext_nodes:
        out.append(f'    <node id={quoteattr(n)}><data key="kind">external</data></node>')
    for d in deps:
        out.append(
            f"    <edge source={quoteattr(d.source)} target={quoteattr(d.target)}>"
            f'<data key="kind">{d.kind}</data><data key="weight">{d.weight}</data>'
            f'<data key="line">{d.line}</data></edge>'
        )
    for s, t in ext_edges:
        out.append(f'    <edge source={quoteattr(s)} target={quoteattr(t)}><data key="kind">import</data></edge>')
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot(
    files: Sequence[ParsedFile],
    deps: Sequence[Dependency],
    ext_nodes: Sequence[str],
    ext_edges: Sequence[tuple[str, str]],
) -> str:
    out = ["digraph repository {", "  rankdir=LR;", "  node [shape=box];"]
    for p in files:
        out.append(f"  {_dot_id(p.path)} [language={_dot_id(p.source.language)}, loc={p.loc}];")
    for n in ext_nodes:
        out.append(f"  {_dot_id(n)} [shape=ellipse, kind=external];")
    for d in deps:
        style = {"import": "solid", "call": "dashed", "inherit": "bold", "type": "dotted"}.get(d.kind, "solid")
        out.append(f"  {_dot_id(d.source)} -> {_dot_id(d.target)} [kind={d.kind}, weight={d.weight}, style={style}];")
    for s, t in ext_edges:
        out.append(f"  {_dot_id(s)} -> {_dot_id(t)} [kind=import, style=dotted];")
    out += ["}", ""]
    return "\n".join(out)

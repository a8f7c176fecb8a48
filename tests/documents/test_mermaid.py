"""Mermaid generation, validated by the real Mermaid parser (node tests/mermaid/validate.mjs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mermaid_check import validate_mermaid as _validate

from analyzer.documents.mermaid import escape_label, flowchart, rollup

NASTY = [
    'quote " inside',
    "brackets [a] (b) {c} <d>",
    "pipe | and # hash and &amp; and #quot; entity",
    "backtick `code` and %% comment",
    "new\nline\r\nand\ttab",
    "unicode ünïcödé 日本語 🙂 →",
    "end",
    "subgraph",
    "graph TD; A-->B",
    "x --> y",
    "",
    "   ",
    "a" * 300,
    'close"] --> n9["injected',
    "\\ back\\slash ; semi : colon",
    "<script>alert(1)</script>",
]


def _diagrams() -> dict[str, str]:
    keys = [f"src/pkg{i % 3}/mod_{i}.py" for i in range(len(NASTY))]
    nodes = [(key, label) for key, label in zip(keys, NASTY)]
    edges = [(keys[i], keys[(i * 7 + 3) % len(keys)], NASTY[(i + 5) % len(NASTY)]) for i in range(len(keys))]
    groups = [(f'package "{p}" [x] | #1', [k for k in keys if f"/pkg{p}/" in k]) for p in range(3)]
    diagrams = {
        "plain": flowchart(["a.py", "b.py"], [("a.py", "b.py")]),
        "empty": flowchart([]),
        "nasty_nodes": flowchart(nodes),
        "nasty_edges": flowchart(nodes, edges),
        "nasty_groups": flowchart(nodes, edges, groups, direction="TB"),
        "nasty_keys": flowchart(NASTY, [(NASTY[0], NASTY[1], "x"), (NASTY[2], NASTY[2])]),
        "self_loop": flowchart(["a"], [("a", "a", "recursion")]),
    }
    for direction in ("LR", "RL", "TB", "TD", "BT"):
        diagrams[f"dir_{direction}"] = flowchart(nodes[:3], edges[:3], direction=direction)  # type: ignore[arg-type]
    files = [f"app/{d}/sub{j}/f{k}.py" for d in ("core", "web", "db", "cli") for j in range(5) for k in range(6)]
    file_edges = [(files[i], files[(i * 13 + 5) % len(files)]) for i in range(len(files))]
    package_of = {f: f.rsplit("/", 1)[0] for f in files}
    for max_nodes in (2, 5, 20, 200):
        diagrams[f"rollup_{max_nodes}"] = flowchart(*rollup(files, file_edges, package_of, max_nodes))
    return diagrams


def test_generated_diagrams_parse_with_the_real_mermaid(tmp_path: Path) -> None:
    diagrams = _diagrams()
    verdicts = _validate(tmp_path, diagrams)
    failures = {name: v["error"] for name, v in verdicts.items() if not v["ok"]}
    assert not failures, failures
    assert {v["type"] for v in verdicts.values()} == {"flowchart-v2"}


def test_the_validator_rejects_broken_mermaid(tmp_path: Path) -> None:
    verdicts = _validate(
        tmp_path, {"broken": 'flowchart LR\n  n0["unclosed] --> n1\n', "raw": 'flowchart LR\n  n0["a"b"]\n'}
    )
    assert not verdicts["broken"]["ok"] and not verdicts["raw"]["ok"]


def test_labels_never_carry_raw_syntax_characters() -> None:
    for label in NASTY:
        escaped = escape_label(label)
        bare = re.sub(r"#\w+;", "", escaped.replace("<br>", ""))
        assert not set('"<>`|[]{}#%\n\r') & set(bare), escaped
        assert len(bare) <= 80


def test_output_is_deterministic_and_ids_are_safe() -> None:
    nodes = [("z.py", "z"), ("a.py", "a"), ("m.py", "m")]
    edges = [("z.py", "a.py", "imports"), ("a.py", "m.py"), ("z.py", "a.py", "calls")]
    first = flowchart(nodes, edges)
    assert first == flowchart(list(reversed(nodes)), list(reversed(edges))[::-1])
    assert first.splitlines() == [
        "flowchart LR",
        '  n0["a"]',
        '  n1["m"]',
        '  n2["z"]',
        "  n0 --> n1",
        '  n2 -->|"imports, calls"| n0',
    ]


def test_groups_become_subgraphs_and_a_node_stays_in_its_first_group() -> None:
    text = flowchart(["a/x.py", "a/y.py", "b/z.py"], [], [("b", ["b/z.py", "a/y.py"]), ("a", ["a/x.py", "a/y.py"])])
    assert text.splitlines() == [
        "flowchart LR",
        '  subgraph g0["a"]',
        '    n0["a/x.py"]',
        '    n1["a/y.py"]',
        "  end",
        '  subgraph g1["b"]',
        '    n2["b/z.py"]',
        "  end",
    ]


def test_rollup_keeps_small_graphs_and_groups_them_by_package() -> None:
    diagram = rollup(
        ["a/x.py", "a/y.py", "b/z.py"],
        [("a/x.py", "b/z.py")],
        {"a/x.py": "a", "a/y.py": "a", "b/z.py": "b"},
        max_nodes=3,
    )
    assert diagram.nodes == (("a/x.py", "a/x.py"), ("a/y.py", "a/y.py"), ("b/z.py", "b/z.py"))
    assert diagram.edges == (("a/x.py", "b/z.py", ""),)
    assert diagram.groups == (("a", ("a/x.py", "a/y.py")), ("b", ("b/z.py",)))


@pytest.mark.parametrize("max_nodes", [2, 3, 4, 8, 30])
def test_rollup_never_exceeds_max_nodes(max_nodes: int) -> None:
    files = [f"r/{a}/{b}/f{c}.py" for a in "abcdef" for b in "xyz" for c in range(4)]
    edges = [(files[i], files[(i * 5 + 1) % len(files)]) for i in range(len(files))]
    diagram = rollup(files, edges, {f: f.rsplit("/", 1)[0] for f in files}, max_nodes)
    boxes = {key for key, _ in diagram.nodes}
    assert 1 <= len(boxes) <= max_nodes
    assert all(s in boxes and t in boxes and s != t for s, t, _ in diagram.edges)


def test_rollup_to_packages_counts_merged_edges() -> None:
    files = ["p/a.py", "p/b.py", "q/c.py", "q/d.py"]
    edges = [("p/a.py", "q/c.py"), ("p/b.py", "q/d.py"), ("p/a.py", "p/b.py"), ("q/c.py", "p/a.py")]
    diagram = rollup(files, edges, {f: f.split("/")[0] for f in files}, max_nodes=2)
    assert diagram.nodes == (("p", "p"), ("q", "q"))
    assert diagram.edges == (("p", "q", "2"), ("q", "p", ""))


def test_rollup_keeps_a_level_rather_than_collapsing_to_a_few_boxes() -> None:
    # 60 packages under one top-level folder: one level up would leave a single box
    files = [f"app/mod{i}/f.py" for i in range(60)]
    edges = [(files[i], files[i + 1]) for i in range(59)]
    package_of = {f: f.rsplit("/", 1)[0] for f in files}
    diagram = rollup(files, edges, package_of, max_nodes=40)
    labels = {label for _, label in diagram.nodes}
    assert len(labels) == 40 and "other" in labels and "app/mod1" in labels  # not just "app"


def test_rollup_splits_the_largest_trees_first() -> None:
    """Tomcat: 1,500 files under java/org/apache became one box at a uniform depth; the largest box
    is now split first (following single-folder chains), so its modules show while small trees stay whole."""
    files = [
        f"java/org/apache/{mod}/p{j}/F{k}.java"
        for mod in ("catalina", "coyote", "jasper", "tomcat")
        for j in range(12)
        for k in range(3)
    ]
    files += [f"webapps/examples/W{k}.java" for k in range(3)] + [f"res/tools/T{k}.java" for k in range(2)]
    edges = [(files[i], files[(i * 7 + 3) % len(files)]) for i in range(len(files))]
    diagram = rollup(files, edges, {f: f.rsplit("/", 1)[0] for f in files}, max_nodes=10)
    boxes = [key for key, _ in diagram.nodes]
    assert boxes == [
        "java/org/apache/catalina",
        "java/org/apache/coyote",
        "java/org/apache/jasper",
        "java/org/apache/tomcat",
        "res/tools",
        "webapps/examples",
    ]
    assert all(s in boxes and t in boxes and s != t for s, t, _ in diagram.edges)

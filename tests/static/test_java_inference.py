"""Java's type-aware links where javac infers a type the file never names: inherited fields and methods,
generic type arguments, lambda parameters, for-each variables (small trees, real parses)."""

from __future__ import annotations

from pathlib import Path

from analyzer.config import Settings
from analyzer.pipeline import analyze_static


def _edges(root: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target, d.kind) for d in static.resolution.dependencies}


def test_an_inherited_field_and_method_link_through_the_class_a_use_is_written_in(tmp_path):
    # the class a use is written in is looked up by its qualified name: `buffer` is a field of the
    # superclass, `reset()` a method of the superclass's superclass; neither Root nor Buffer is named in Child
    edges = _edges(
        tmp_path,
        {
            "a/Buffer.java": "package a;\npublic class Buffer { public int peek() { return 0; } }\n",
            "a/Root.java": "package a;\npublic class Root { protected void reset() {} }\n",
            "a/Base.java": "package a;\npublic class Base extends Root { protected Buffer buffer; }\n",
            "c/Child.java": "package c;\nimport a.Base;\n"
            "public class Child extends Base {\n  int next() { reset(); return buffer.peek(); }\n}\n",
        },
    )
    child = {(t, k) for s, t, k in edges if s == "c/Child.java"}
    assert child == {
        ("a/Base.java", "import"),
        ("a/Base.java", "inherit"),
        ("a/Base.java", "call"),  # the field buffer
        ("a/Root.java", "call"),
        ("a/Buffer.java", "call"),
    }

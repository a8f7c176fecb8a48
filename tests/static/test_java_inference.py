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


def test_a_method_a_superclass_implements_wins_over_its_interfaces_declaration(tmp_path):
    # javac searches the superclass chain before the interfaces: isEmpty() is AbstractBag's, though Bag
    # is nearer ListBag
    edges = _edges(
        tmp_path,
        {
            "a/Bag.java": "package a;\npublic interface Bag { boolean isEmpty(); }\n",
            "a/AbstractBag.java": "package a;\n"
            "public abstract class AbstractBag implements Bag { public boolean isEmpty() { return true; } }\n",
            "a/MidBag.java": "package a;\npublic abstract class MidBag extends AbstractBag {}\n",
            "a/ListBag.java": "package a;\npublic class ListBag extends MidBag implements Bag {}\n",
            "c/User.java": "package c;\nimport a.ListBag;\n"
            "class User { boolean check(ListBag bag) { return bag.isEmpty(); } }\n",
        },
    )
    assert {(t, k) for s, t, k in edges if s == "c/User.java"} == {
        ("a/ListBag.java", "import"),
        ("a/ListBag.java", "type"),
        ("a/AbstractBag.java", "call"),
    }


def test_a_case_label_names_a_constant_of_the_switch_selectors_enum(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "a/Result.java": "package a;\npublic enum Result { FOUND, EOF }\n",
            "a/Parser.java": "package a;\npublic class Parser { public static Result skip() { return null; } }\n",
            "c/Tag.java": "package c;\nimport a.Parser;\nclass Tag {\n  static final int EOF = -1;\n"
            "  int read(int c) {\n    switch (Parser.skip()) {\n      case FOUND: return 1;\n"
            "      case EOF: return 2;\n    }\n    switch (c) { case EOF: return 0; }\n    return c;\n  }\n}\n",
        },
    )
    # Result is never named in Tag: its constants are reached through the selector's type; the int
    # switch's EOF is Tag's own constant (no edge)
    assert {(t, k) for s, t, k in edges if s == "c/Tag.java"} == {
        ("a/Parser.java", "import"),
        ("a/Parser.java", "type"),
        ("a/Parser.java", "call"),
        ("a/Result.java", "call"),
    }

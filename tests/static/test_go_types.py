"""Go's type-aware linking (go_types + go_linking) on small real trees, parsed by tree-sitter."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter_go
from tree_sitter import Language, Parser

from analyzer.config import Settings
from analyzer.pipeline import analyze_static
from analyzer.static.languages.go_types import type_facts

SHAPES = {
    "go.mod": "module example.com/m\n\ngo 1.21\n",
    "shapes/box.go": "package shapes\n\ntype Box struct{ n int }\n\nfunc NewBox() *Box { return &Box{} }\n\n"
    "func (b *Box) Size() int { return b.n }\n",
    "shapes/bag.go": "package shapes\n\ntype Bag struct{ Owner string }\n\nfunc (b Bag) Size() int { return 2 }\n\n"
    "func Load() (Bag, error) { return Bag{}, nil }\n",
    "shapes/sizer.go": "package shapes\n\ntype Sizer interface{ Size() int }\n",
    "shapes/base.go": "package shapes\n\ntype Base struct{ Label string }\n\nfunc (b *Base) Describe() string { return b.Label }\n",
    "shapes/crate.go": "package shapes\n\ntype Crate struct {\n\t*Base\n\tBoxes []*Box\n\tByName map[string]Bag\n}\n",
}
USE = 'package use\n\nimport "example.com/m/shapes"\n\n'


def _edges(root: Path, files: dict[str, str], kinds: tuple[str, ...] = ("call",)) -> set[tuple[str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target) for d in static.resolution.dependencies if d.kind in kinds}


def _calls(root: Path, body: str) -> set[str]:
    """The files ``use/use.go`` (importing shapes, with ``body`` after) has call edges to."""
    return {t for s, t in _edges(root, {**SHAPES, "use/use.go": USE + body}) if s == "use/use.go"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a parameter's declared type: Box's Size, not Bag's
        ("func f(b *shapes.Box) int { return b.Size() }\n", {"shapes/box.go"}),
        # a declared variable; a composite literal; new(T)
        ("func f() int { var b shapes.Bag; return b.Size() }\n", {"shapes/bag.go"}),
        ("func f() int { b := &shapes.Bag{}; return b.Size() }\n", {"shapes/bag.go"}),
        ("func f() int { return new(shapes.Bag).Size() }\n", {"shapes/bag.go"}),
        # the result of the project's own function, the first of two by position
        ("func f() int { b, err := shapes.Load(); _ = err; return b.Size() }\n", {"shapes/bag.go"}),
        ("func f() int { return shapes.NewBox().Size() }\n", {"shapes/box.go"}),
        # a conversion and a type assertion; a type switch's case
        ("func f(x any) int { return x.(*shapes.Box).Size() }\n", {"shapes/box.go"}),
        ("func f(s shapes.Sizer) int { return shapes.Bag(s.(shapes.Bag)).Size() }\n", {"shapes/bag.go"}),
        (
            "func f(x any) int {\n\tswitch v := x.(type) {\n\tcase shapes.Bag:\n\t\treturn v.Size()\n\t}\n\treturn 0\n}\n",
            {"shapes/bag.go"},
        ),
        # an interface receiver: the interface's file
        ("func f(s shapes.Sizer) int { return s.Size() }\n", {"shapes/sizer.go"}),
        # range over a slice of pointers and over a map's values, fields through embedding
        (
            "func f(c shapes.Crate) int {\n\tn := 0\n\tfor _, b := range c.Boxes {\n\t\tn += b.Size()\n\t}\n\treturn n\n}\n",
            {"shapes/box.go", "shapes/crate.go"},
        ),
        (
            'func f(c *shapes.Crate) string {\n\tfor _, b := range c.ByName {\n\t\treturn b.Owner\n\t}\n\treturn ""\n}\n',
            {"shapes/bag.go", "shapes/crate.go"},
        ),
        # a method promoted through an embedded *Base; a promoted field
        ("func f(c *shapes.Crate) string { return c.Describe() }\n", {"shapes/base.go"}),
        ("func f(c *shapes.Crate) string { return c.Label }\n", {"shapes/base.go"}),
        # a type parameter stands for its constraint
        ("func f[T shapes.Sizer](x T) int { return x.Size() }\n", {"shapes/sizer.go"}),
        # a test table: a slice of an inline struct, ranged over
        (
            "func f() {\n\tfor _, tt := range []struct{ b *shapes.Box }{{b: shapes.NewBox()}} {\n"
            "\t\ttt.b.Size()\n\t}\n}\n",
            {"shapes/box.go"},
        ),
        # the keys of an elided literal inside a map's: the element type's fields
        (
            'var c = shapes.Crate{ByName: map[string]shapes.Bag{"a": {Owner: "x"}}}\n',
            {"shapes/crate.go", "shapes/bag.go"},
        ),
        # a generic type's conversion, which the grammar cannot tell from a generic function's call
        (
            "type Pair[T any] shapes.Bag\n\nfunc f(b shapes.Bag) string { return Pair[int](b).Owner }\n",
            {"shapes/bag.go"},
        ),
        # a channel's element
        ("func f(ch chan *shapes.Box) int { b := <-ch; return b.Size() }\n", {"shapes/box.go"}),
    ],
)
def test_a_member_links_the_file_declaring_it_for_the_receivers_type(tmp_path, body, expected):
    assert _calls(tmp_path, body) == expected


@pytest.mark.parametrize(
    "body",
    [
        # a library's value, an untyped any, a type parameter without a named constraint
        'import "strings"\n\nfunc f() int { var b strings.Builder; return b.Len() + len("Size") }\n',
        "func f(x any) { _ = x }\n\nfunc g(x interface{ Size() int }) int { return x.Size() }\n",
        "func f[T any](x T) { _ = x }\n",
    ],
)
def test_an_unknown_receiver_links_nothing(tmp_path, body):
    files = {**SHAPES, "use/use.go": "package use\n\n" + body}
    assert {t for s, t in _edges(tmp_path, files) if s == "use/use.go"} == set()


def test_a_generic_functions_call_with_type_arguments_is_a_call(tmp_path):
    files = {
        **SHAPES,
        "use/gen.go": "package use\n\nfunc Id[T any](x T) T { return x }\n",
        "use/use.go": "package use\n\nvar n = Id[int](1)\n",
    }
    assert ("use/use.go", "use/gen.go") in _edges(tmp_path, files)
    assert ("use/use.go", "use/gen.go") not in _edges(tmp_path, files, ("type",))


def test_a_key_of_an_inline_struct_is_no_package_level_name(tmp_path):
    files = {
        **SHAPES,
        "use/want.go": "package use\n\nfunc want() int { return 1 }\n",
        "use/use.go": "package use\n\nvar cases = []struct{ want int }{{want: 1}, {want: 2}}\n",
    }
    assert ("use/use.go", "use/want.go") not in _edges(tmp_path, files)


def test_a_local_hides_the_package_level_name_it_shares(tmp_path):
    files = {
        **SHAPES,
        "shapes/count.go": "package shapes\n\nvar Count = 1\n\nfunc total() int { return Count }\n",
        "shapes/other.go": "package shapes\n\nfunc other() int { Count := 2; return Count }\n",
    }
    edges = _edges(tmp_path, files)
    assert ("shapes/other.go", "shapes/count.go") not in edges


def test_type_names_give_type_edges_and_embedding_inherit(tmp_path):
    assert _edges(tmp_path, SHAPES, ("type",)) == {
        ("shapes/crate.go", "shapes/box.go"),
        ("shapes/crate.go", "shapes/bag.go"),
    }
    assert _edges(tmp_path, SHAPES, ("inherit",)) == {("shapes/crate.go", "shapes/base.go")}


def test_an_import_links_the_files_declaring_what_is_used_through_it(tmp_path):
    files = {**SHAPES, "use/use.go": USE + "func f() int { b, _ := shapes.Load(); return b.Size() }\n"}
    assert {t for s, t in _edges(tmp_path, files, ("import",)) if s == "use/use.go"} == {"shapes/bag.go"}


def test_the_facts_keep_a_calls_results_by_position():
    tree = Parser(Language(tree_sitter_go.language())).parse(
        b"package p\n\nfunc f() { a, b := g(); _ = b.X; a.Y() }\n\nfunc g() (int, *T) { return 0, nil }\n"
    )
    package, _, _, funcs, _, uses = type_facts(tree.root_node)
    assert package == "p"
    assert ("", "g", (("n", "", "int"), ("p", ("n", "", "T")))) in funcs
    members = {use for use, _, _ in uses if use[0] == "member"}
    assert members == {("member", ("call", ("v", "g"), 1), "X"), ("member", ("call", ("v", "g"), 0), "Y")}


@pytest.mark.parametrize(
    "source",
    [
        "var x = a" + ".b" * 3000,
        "var x = a" + "[0]" * 3000,
        "var x = " + "(" * 3000 + "a" + ")" * 3000,
        "var x " + "[]" * 3000 + "int",
        "var x = T{" + "{" * 2000 + "}" * 2000 + "}",
        "func f() {" + "{" * 2000 + "}" * 2000 + "}",
    ],
    ids=["selectors", "indexes", "parentheses", "slice types", "literals", "blocks"],
)
def test_a_pathologically_deep_tree_is_cut_off_not_a_recursion_error(source):
    tree = Parser(Language(tree_sitter_go.language())).parse(f"package p\n\n{source}\n".encode())
    assert type_facts(tree.root_node)[0] == "p"

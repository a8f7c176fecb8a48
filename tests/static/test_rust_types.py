"""Rust's method calls by the receiver's type (small crates, real parses): ``x.m()`` reaches the impl of
``x``'s type, never every imported file defining a method of the name; other names keep the by-name pass."""

from __future__ import annotations

from pathlib import Path

import tree_sitter_rust
from tree_sitter import Language, Parser

from analyzer.config import Settings
from analyzer.pipeline import analyze_static
from analyzer.static.languages.rust_types import type_facts

_CRATE = {
    "Cargo.toml": '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n',
    "src/lib.rs": "pub mod a;\npub mod b;\npub mod node;\npub mod use_it;\n",
    "src/a.rs": "pub struct A;\nimpl A {\n    pub fn new() -> Self { A }\n    pub fn len(&self) -> usize { 1 }\n}\n",
    "src/b.rs": "pub struct B;\nimpl B {\n    pub fn len(&self) -> usize { 2 }\n}\n",
    "src/node.rs": "use crate::a::A;\npub struct Node {\n    pub inner: A,\n}\n"
    "impl Node {\n    pub fn first(&self) -> &A { &self.inner }\n}\n",
}


def _edges(root: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target, d.kind) for d in static.resolution.dependencies}


def _from(edges: set[tuple[str, str, str]], source: str) -> set[tuple[str, str]]:
    return {(t, k) for s, t, k in edges if s == source}


def test_a_method_call_reaches_the_impl_of_its_receivers_type_only(tmp_path):
    edges = _edges(
        tmp_path,
        _CRATE | {"src/use_it.rs": "use crate::a::A;\nuse crate::b::B;\npub fn f(a: &A) -> usize { a.len() }\n"},
    )
    # b.rs defines len() too and is imported: by name it was linked
    assert _from(edges, "src/use_it.rs") == {("src/a.rs", "import"), ("src/a.rs", "call"), ("src/b.rs", "import")}


def test_receivers_typed_by_constructors_fields_and_returns_even_without_a_use(tmp_path):
    # node.first() returns &A: A's file is reached though use_it.rs never imports it
    edges = _edges(
        tmp_path,
        _CRATE
        | {
            "src/use_it.rs": "use crate::node::Node;\n"
            "pub fn f(n: Node) -> usize {\n    let m = Node { inner: crate::a::A::new() };\n"
            "    n.first().len() + m.inner.len()\n}\n"
        },
    )
    assert ("src/a.rs", "call") in _from(edges, "src/use_it.rs")
    assert ("src/b.rs", "call") not in _from(edges, "src/use_it.rs")


def test_a_generic_or_a_closures_receiver_links_nothing(tmp_path):
    edges = _edges(
        tmp_path,
        _CRATE
        | {
            "src/use_it.rs": "use crate::a::A;\nuse crate::b::B;\n"
            "pub fn f<T: Clone>(t: T, xs: Vec<B>) -> usize {\n    xs.iter().map(|x| x.len()).count() + t.len()\n}\n"
        },
    )
    assert _from(edges, "src/use_it.rs") == {("src/a.rs", "import"), ("src/b.rs", "import"), ("src/b.rs", "call")}


def test_facts_record_impls_traits_fields_and_receivers():
    source = (
        b"struct P { c: Box<Config> }\ntrait W { fn walk(&self) {} fn req(&self); }\n"
        b"impl<T> P { fn new() -> Self { P { c: todo!() } } fn go(&self, a: &mut Node) { self.c.size(); a.walk(); "
        b"let q = P::new(); q.go(a); } }\nimpl W for P { fn req(&self) {} }\n"
    )
    impls, traits, structs, uses = type_facts(Parser(Language(tree_sitter_rust.language())).parse(source).root_node)
    assert ("P", "", (("go", ""), ("new", "P"))) in impls and ("P", "W", (("req", ""),)) in impls
    assert traits == (("W", ("walk",)),)
    assert structs == (("P", (("c", "Config"),)),)
    assert {u for u, _, _, _ in uses} == {
        ("call", ("f", ("self",), "c"), "size"),
        ("call", ("t", "Node"), "walk"),
        ("call", ("qm", "P", "new"), "go"),
    }


def test_two_types_of_one_name_the_impl_nearest_the_caller(tmp_path):
    # regex-syntax has two ParserBuilders: ast/parse.rs calls its own, not the top-level one
    edges = _edges(
        tmp_path,
        {
            "Cargo.toml": '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n',
            "src/lib.rs": "pub mod ast;\npub mod parser;\n",
            "src/parser.rs": "pub struct ParserBuilder;\nimpl ParserBuilder {\n"
            "    pub fn new() -> Self { ParserBuilder }\n    pub fn build(&self) {}\n}\n",
            "src/ast/mod.rs": "pub mod parse;\npub mod user;\n",
            "src/ast/parse.rs": "pub struct ParserBuilder;\nimpl ParserBuilder {\n"
            "    pub fn new() -> Self { ParserBuilder }\n    pub fn build(&self) {}\n}\n",
            "src/ast/user.rs": "use super::parse::ParserBuilder;\n"
            "pub fn f() { let b = ParserBuilder::new(); b.build(); }\n",
        },
    )
    assert ("src/parser.rs", "call") not in _from(edges, "src/ast/user.rs")
    assert ("src/ast/parse.rs", "call") in _from(edges, "src/ast/user.rs")


def test_a_pathologically_long_chain_is_cut_off_not_a_crash():
    source = b"struct X;\nimpl X { fn b(&self) -> X { X } }\nfn f(x: X) { x" + b".b()" * 3000 + b"; }\n"
    impls, _, _, uses = type_facts(Parser(Language(tree_sitter_rust.language())).parse(source).root_node)
    assert impls == (("X", "", (("b", "X"),)),)
    assert not any(u[1] == ("t", "X") for u, _, _, _ in uses)  # the head is past the walk, the rest too long

"""Rust, C and C++: queries on inline sources (real tree-sitter) and import resolvers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.domain import ImportRef, RepoIndex, SourceFile
from analyzer.static.languages import ResolvedImport, registry
from analyzer.static.parse import parse_file


def _parse(language: str, path: str, source: bytes):
    parsed = parse_file(SourceFile(path, language, len(source), "0" * 64), source)
    assert [d for d in parsed.diagnostics if d.severity != "info"] == []
    return parsed


# --- definitions ------------------------------------------------------------

RUST_DEFS = b"""
mod inline { fn helper() {} const LIMIT: u8 = 3; }
mod child;
pub struct Point { x: i32 }
enum Color { Red }
union Bits { i: u32 }
trait Draw { fn draw(&self); fn twice(&self) {} }
impl Point { fn new() -> Self { Point { x: 0 } } }
impl Draw for Point { fn draw(&self) {} }
type Meters = f64;
const MAX: u32 = 10;
static NAME: &str = "x";
macro_rules! square { ($x:expr) => { $x * $x }; }
fn main() { fn nested() {} }
"""

C_DEFS = b"""
#define GUARD_H
#define PI 3.14
#define SQ(x) ((x) * (x))
typedef struct node { int v; } node_t;
typedef struct node *node_p;
typedef void (*callback_t)(int);
union u { int a; };
enum color { RED, GREEN };
static char *make(int n);
int main(void) { return 0; }
"""

CPP_DEFS = b"""
#define TWICE(x) ((x) * 2)
namespace app {
class Base { public: virtual void run(); };
template <typename T> class Box : public Base { public: T get() const { return v; } ~Box(); T v; };
struct Pair { int a; };
enum class Mode { FAST };
using Id = long;
template <typename T> T identity(T x) { return x; }
void Base::run() {}
}
"""


@pytest.mark.parametrize(
    ("language", "path", "source", "expected"),
    [
        (
            "rust",
            "src/lib.rs",
            RUST_DEFS,
            {
                ("module", "inline", ""),
                ("function", "helper", ""),
                ("constant", "LIMIT", ""),
                ("module", "child", ""),
                ("struct", "Point", ""),
                ("enum", "Color", ""),
                ("struct", "Bits", ""),
                ("trait", "Draw", ""),
                ("method", "draw", "Draw"),
                ("method", "twice", "Draw"),
                ("method", "new", ""),
                ("method", "draw", ""),
                ("type", "Meters", ""),
                ("constant", "MAX", ""),
                ("constant", "NAME", ""),
                ("macro", "square", ""),
                ("function", "main", ""),
            },
        ),
        (
            "c",
            "lib.c",
            C_DEFS,
            {
                ("macro", "PI", ""),
                ("macro", "SQ", ""),
                ("struct", "node", ""),
                ("type", "node_t", ""),
                ("type", "node_p", ""),
                ("type", "callback_t", ""),
                ("struct", "u", ""),
                ("enum", "color", ""),
                ("constant", "RED", "color"),
                ("constant", "GREEN", "color"),
                ("function", "make", ""),
                ("function", "main", ""),
            },
        ),
        (
            "cpp",
            "app.cpp",
            CPP_DEFS,
            {
                ("macro", "TWICE", ""),
                ("module", "app", ""),
                ("class", "Base", ""),
                ("method", "run", "Base"),
                ("class", "Box", ""),
                ("method", "get", "Box"),
                ("method", "~Box", "Box"),
                ("struct", "Pair", ""),
                ("enum", "Mode", ""),
                ("constant", "FAST", "Mode"),
                ("type", "Id", ""),
                ("function", "identity", ""),
                ("method", "run", ""),
            },
        ),
    ],
)
def test_definitions(language: str, path: str, source: bytes, expected: set[tuple[str, str, str]]) -> None:
    parsed = _parse(language, path, source)
    assert {(s.kind, s.name, s.parent) for s in parsed.symbols} == expected


def test_cpp_first_namespace_becomes_file_namespace() -> None:
    assert _parse("cpp", "app.cpp", CPP_DEFS).namespace == "app"


# --- references -------------------------------------------------------------

RUST_REFS = b"""
impl Display for Point {}
impl fmt::Debug for Point {}
impl<T> From<T> for Wrapper<T> {}
trait Shape: Area + geo::Named {}
fn run(p: &Point, d: &dyn Render) -> Vec<geo::Item> {
    helper(); p.scale(); Point::origin(); println!("x"); log::warn!("y");
    let c = Config { depth: LIMIT };
}
"""

C_REFS = b"""
int main(void) { node_t *n = make(MAX_ITEMS); n->free(n); struct point p; enum color c; return 0; }
"""

CPP_REFS = b"""
class Circle : public Shape, private geo::Named, public Mixin<int> {};
void f() { g(); obj.h(); ptr->i(); ns::j(); a::b::k(); tmpl<int>(); Widget w; ns::Gadget *p; std::vector<Item> v; new Thing(); }
"""


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        (
            "rust",
            RUST_REFS,
            {
                ("inherit", "Display"),
                ("inherit", "Debug"),
                ("inherit", "From"),
                ("inherit", "Area"),
                ("inherit", "Named"),
                ("type", "Point"),
                ("type", "Wrapper"),
                ("type", "T"),
                ("type", "From"),
                ("type", "Render"),
                ("type", "Vec"),
                ("type", "Item"),
                ("type", "Config"),
                ("call", "helper"),  # p.scale() is no by-name reference: rust_types links it by p's type
                ("call", "origin"),
                ("call", "println"),
                ("call", "warn"),
                ("call", "LIMIT"),
            },
        ),
        (
            "c",
            C_REFS,
            {
                ("type", "node_t"),
                ("call", "make"),
                ("call", "MAX_ITEMS"),
                ("call", "free"),
                ("type", "point"),
                ("type", "color"),
            },
        ),
        (
            "cpp",
            CPP_REFS,
            {
                ("inherit", "Shape"),
                ("inherit", "Named"),
                ("inherit", "Mixin"),
                ("type", "Mixin"),
                ("call", "g"),
                ("call", "h"),
                ("call", "i"),
                ("call", "j"),
                ("call", "k"),
                ("call", "tmpl"),
                ("type", "Widget"),
                ("type", "Gadget"),
                ("type", "vector"),
                ("type", "Item"),
                ("type", "Thing"),
            },
        ),
    ],
)
def test_references(language: str, source: bytes, expected: set[tuple[str, str]]) -> None:
    parsed = _parse(language, "f." + {"rust": "rs", "c": "c", "cpp": "cpp"}[language], source)
    assert {(r.kind, r.name) for r in parsed.references} == expected


# --- imports ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("rust", b"use a::b::{c, d as e, f::g, h::{i, j}, self};", ("a::b", ("c", "d", "f::g", "h", "self"), "use")),
        ("rust", b"use crate::a::b::C;", ("crate::a::b", ("C",), "use")),
        ("rust", b"pub use super::thing::Thing;", ("super::thing", ("Thing",), "use")),
        ("rust", b"use a::b as c;", ("a", ("b",), "use")),
        ("rust", b"use a::Tr as _;", ("a", ("Tr",), "use")),
        ("rust", b"use serde as s;", ("serde", (), "use")),
        ("rust", b"use a::b::*;", ("a::b", ("*",), "use")),
        ("rust", b"use crate::x::{y::*, z};", ("crate::x", ("y::*", "z"), "use")),
        ("rust", b"use ::ext::Thing;", ("::ext", ("Thing",), "use")),
        ("rust", b"use serde;", ("serde", (), "use")),
        ("rust", b"mod child;", ("child", (), "mod")),
        (
            "rust",
            b'#[cfg(unix)]\n// the Unix flavour\n#[path = "sys/unix.rs"]\npub(crate) mod sys;',
            ("sys/unix.rs", ("sys",), "mod_path"),
        ),
        ("rust", b'#[path = "a.rs"]\nfn f() {}\nmod after;', ("after", (), "mod")),
        ("rust", b"extern crate libc;", ("libc", (), "use")),
        ("c", b'#include "util/str.h"\n', ("util/str.h", (), "include")),
        ("c", b"#include <stdio.h>\n", ("stdio.h", (), "system_include")),
        ("cpp", b'#include "geo/shape.hpp"\n', ("geo/shape.hpp", (), "include")),
        ("cpp", b"#include <vector>\n", ("vector", (), "system_include")),
    ],
)
def test_import_captures(language: str, source: bytes, expected: tuple[str, tuple[str, ...], str]) -> None:
    parsed = _parse(language, "f." + {"rust": "rs", "c": "c", "cpp": "cpp"}[language], source)
    assert [(i.module, i.names, i.kind) for i in parsed.imports] == [expected]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # a module declared inside inline modules: its path runs through them
        (b"mod a { pub mod b { mod c; } }", [(1, "a::b::c", (), "mod")]),
        (b'mod a {\n    #[path = "x.rs"]\n    mod b;\n}', [(3, "x.rs", ("a::b",), "mod_path")]),
        # self:: and super:: inside inline modules, as seen from the file's own module
        (b"mod tests {\n    use super::*;\n}", [(2, "self", ("*",), "use")]),
        (b"mod a {\n    mod b {\n        use super::super::X;\n    }\n}", [(3, "self", ("X",), "use")]),
        (b"mod a {\n    use super::super::X;\n}", [(2, "super", ("X",), "use")]),
        (b"mod a {\n    use self::c::D;\n}", [(2, "self::a::c", ("D",), "use")]),
        (b"fn f() {\n    use super::X;\n}", [(2, "super", ("X",), "use")]),
        # a first segment naming an item in scope is local, not a crate
        (
            b"mod support {\n    pub(crate) mod io_vec;\n}\nuse support::io_vec::IoBufs;",
            [(2, "support::io_vec", (), "mod"), (4, "self::support::io_vec", ("IoBufs",), "use")],
        ),
        (b"enum State { A }\nfn f() {\n    use State::*;\n}", [(3, "self::State", ("*",), "use")]),
        (b"mod a {\n    struct S;\n    fn f() {\n        use S::X;\n    }\n}", [(4, "self::a::S", ("X",), "use")]),
        (
            b'cfg_x! {\n    #[path = "n.rs"]\n    mod imp;\n}\nuse imp::Atomic;',
            [(3, "n.rs", ("imp",), "mod_path"), (5, "self::imp", ("Atomic",), "use")],
        ),
        # ... or a use binding: the path it imports replaces it
        (
            b"use crate::sync::chan;\nfn f() {\n    use chan::Semaphore;\n}",
            [(1, "crate::sync", ("chan",), "use"), (3, "crate::sync::chan", ("Semaphore",), "use")],
        ),
        (
            b"use std::{io as sio, fmt::{self}};\nuse sio::Read;\nuse fmt::Write;",
            [(1, "std", ("fmt", "io"), "use"), (2, "std::io", ("Read",), "use"), (3, "std::fmt", ("Write",), "use")],
        ),
        (b"mod a {\n    use super::b;\n    use b::C;\n}", [(2, "self", ("b",), "use"), (3, "self::b", ("C",), "use")]),
        # modules declared in a macro call's tokens (tokio's cfg_* macros), not in a macro_rules! template
        (
            b'cfg_rt! {\n    #[cfg(unix)]\n    #[path = "x.rs"]\n    pub(crate) mod runtime;\n    mod a;\n    mod inl { }\n}',
            [(4, "x.rs", ("runtime",), "mod_path"), (5, "a", (), "mod")],
        ),
        (b"cfg_aio! {\n    pub mod bsd {\n        mod poll_aio;\n    }\n}", [(3, "bsd::poll_aio", (), "mod")]),
        (b"mod o {\n    cfg_x! { mod deep; }\n}", [(2, "o::deep", (), "mod")]),
        (b"macro_rules! m {\n    () => { mod tmpl; };\n}", []),
        # use declarations in a macro call's tokens: re-parsed, then rewritten like any use
        (
            b"cfg_io! { pub(crate) mod poll_evented; }\ncfg_net! {\n    #[cfg(unix)]\n"
            b"    pub(crate) use poll_evented::{PollEvented, x::{y as z}};\n    use std::io;\n}",
            [
                (1, "poll_evented", (), "mod"),
                (4, "self::poll_evented", ("PollEvented", "x"), "use"),
                (5, "std", ("io",), "use"),
            ],
        ),
        (
            b"cfg_x! {\n    mod a {\n        use super::B;\n        use self::c::*;\n    }\n}",
            [(3, "self", ("B",), "use"), (4, "self::a::c", ("*",), "use")],
        ),
        (b"cfg_a! {\n    cfg_b! { use crate::deep::D; }\n}", [(2, "crate::deep", ("D",), "use")]),
        # ... not in a macro_rules! template, a quasi-quote's #interpolation, or tokens without `;`
        (b"macro_rules! m {\n    () => { use $crate::x::Y; };\n}", []),
        (b"quote! { use #krate::Z; }\nm! { use }\nm! { use a::b }", []),
        # an extern crate, and a crate path, stay as written
        (
            b"mod a {\n    use serde::Serialize;\n    use crate::x::Y;\n}",
            [(2, "serde", ("Serialize",), "use"), (3, "crate::x", ("Y",), "use")],
        ),
    ],
)
def test_rust_scoped_imports(source: bytes, expected: list[tuple[int, str, tuple[str, ...], str]]) -> None:
    parsed = _parse("rust", "src/f.rs", source)
    assert [(i.line, i.module, i.names, i.kind) for i in parsed.imports] == expected


@pytest.mark.parametrize(
    "source",
    [
        b"use a::b::{c, d as e, f::g, h::{i, j}, self};",
        b"use crate::a::b::C;",
        b"pub use super::thing::Thing;",
        b"use a::b as c;",
        b"use serde as s;",
        b"use a::b::*;",
        b"use crate::x::{y::*, z};",
        b"use ::ext::Thing;",
        b"use serde;",
        b"pub(crate) use self::m::{N as _};",
    ],
)
def test_rust_use_in_macro_call_reads_like_a_plain_use(source: bytes) -> None:
    plain = _parse("rust", "src/f.rs", source).imports
    wrapped = _parse("rust", "src/f.rs", b"cfg_std! {\n    " + source + b"\n}").imports
    assert [(i.module, i.names, i.kind) for i in wrapped] == [(i.module, i.names, i.kind) for i in plain]
    assert [i.line for i in wrapped] == [2]


def test_inline_module_is_not_an_import() -> None:
    assert _parse("rust", "src/lib.rs", b"mod tests { fn t() {} }").imports == ()


def test_macro_include_is_ignored() -> None:
    assert _parse("c", "a.c", b'#define H "x.h"\n#include H\n').imports == ()


# --- Rust resolver ----------------------------------------------------------

RUST_TREE = {
    "Cargo.toml": '[package]\nname = "my-app"\nedition = "2021"\n',
    "src/lib.rs": "",
    "src/net.rs": "",
    "src/net/http.rs": "",
    "src/net/http/client.rs": "",
    "src/store/mod.rs": "",
    "src/store/disk.rs": "",
    "src/store/cache/mod.rs": "",
    "crates/helper-kit/Cargo.toml": '[package]\nname = "helper-kit"\n',
    "crates/helper-kit/src/lib.rs": "",
    "crates/helper-kit/src/text.rs": "",
    "tools/cli/Cargo.toml": '[package]\nname = "cli"\n[lib]\nname = "clitool"\n',
    "tools/cli/src/main.rs": "",
    "tools/cli/src/args.rs": "",
    "loose/main.rs": "",
    "loose/extra.rs": "",
    "src/bin/tool.rs": "",
    "src/bin/opts.rs": "",
    "tests/it.rs": "",
    "tests/common/mod.rs": "",
    "src/platform/unix_impl.rs": "",
    "tests/support/io_vec.rs": "",
    "src/net/inner/deep.rs": "",
    "src/net/inner/cfg.rs": "",
    # no edition: 2015, where a plain use path starts at the crate root
    "legacy/Cargo.toml": '[package]\nname = "legacy"\n',
    "legacy/src/lib.rs": "",
    "legacy/src/de/mod.rs": "",
    "legacy/src/de/value.rs": "",
    "legacy/tests/t.rs": "",
}


@pytest.fixture(scope="module")
def rust_index(tmp_path_factory: pytest.TempPathFactory) -> RepoIndex:
    return _index(tmp_path_factory.mktemp("rust"), RUST_TREE, "rust")


def _index(root: Path, tree: dict[str, str], language: str) -> RepoIndex:
    for rel, text in tree.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    files = frozenset(p for p in tree if not p.endswith((".toml", ".json")))
    spec = registry()[language]
    return RepoIndex(files=files, config={spec.config_name: spec.load_config(root, files)})


@pytest.mark.parametrize(
    ("importer", "module", "names", "kind", "expected"),
    [
        ("src/lib.rs", "net", (), "mod", ResolvedImport(targets=("src/net.rs",))),
        ("src/lib.rs", "store", (), "mod", ResolvedImport(targets=("src/store/mod.rs",))),
        ("src/net.rs", "http", (), "mod", ResolvedImport(targets=("src/net/http.rs",))),
        ("src/net/http.rs", "client", (), "mod", ResolvedImport(targets=("src/net/http/client.rs",))),
        ("src/store/mod.rs", "cache", (), "mod", ResolvedImport(targets=("src/store/cache/mod.rs",))),
        ("src/lib.rs", "ghost", (), "mod", ResolvedImport(unresolved="no file for module declaration")),
        (
            "src/lib.rs",
            "platform/unix_impl.rs",
            ("sys",),
            "mod_path",
            ResolvedImport(targets=("src/platform/unix_impl.rs",)),
        ),
        (
            "src/net/http.rs",
            "../platform/unix_impl.rs",
            ("sys",),
            "mod_path",
            ResolvedImport(targets=("src/platform/unix_impl.rs",)),
        ),
        (
            "src/lib.rs",
            "platform/windows.rs",
            ("sys",),
            "mod_path",
            ResolvedImport(unresolved="no file at the #[path] of a module declaration"),
        ),
        ("src/lib.rs", "crate::net::http", ("Client",), "use", ResolvedImport(targets=("src/net/http.rs",))),
        (
            "src/lib.rs",
            "crate::net::http",
            ("client::Get", "Other"),
            "use",
            ResolvedImport(targets=("src/net/http.rs", "src/net/http/client.rs")),
        ),
        ("src/store/disk.rs", "crate::net", ("Missing",), "use", ResolvedImport(targets=("src/net.rs",))),
        ("src/store/disk.rs", "crate", ("Top",), "use", ResolvedImport(targets=("src/lib.rs",))),
        ("src/store/disk.rs", "super", ("Store",), "use", ResolvedImport(targets=("src/store/mod.rs",))),
        ("src/store/disk.rs", "super::cache", ("*",), "use", ResolvedImport(targets=("src/store/cache/mod.rs",))),
        ("src/store/cache/mod.rs", "super::super::net", ("Net",), "use", ResolvedImport(targets=("src/net.rs",))),
        ("src/net/http/client.rs", "super", ("Http",), "use", ResolvedImport(targets=("src/net/http.rs",))),
        ("src/net.rs", "self::http", ("client",), "use", ResolvedImport(targets=("src/net/http/client.rs",))),
        ("src/net.rs", "http", ("Client",), "use", ResolvedImport(targets=("src/net/http.rs",))),
        ("src/lib.rs", "super", ("X",), "use", ResolvedImport(unresolved="super:: beyond the crate root")),
        (
            "src/lib.rs",
            "helper_kit::text",
            ("Words",),
            "use",
            ResolvedImport(targets=("crates/helper-kit/src/text.rs",)),
        ),
        ("src/lib.rs", "helper_kit", (), "use", ResolvedImport(targets=("crates/helper-kit/src/lib.rs",))),
        ("src/lib.rs", "clitool", ("args",), "use", ResolvedImport(targets=("tools/cli/src/args.rs",))),
        ("tools/cli/src/main.rs", "crate::args", ("Args",), "use", ResolvedImport(targets=("tools/cli/src/args.rs",))),
        ("tools/cli/src/main.rs", "args", (), "mod", ResolvedImport(targets=("tools/cli/src/args.rs",))),
        ("loose/main.rs", "crate::extra", ("E",), "use", ResolvedImport(targets=("loose/extra.rs",))),
        ("src/bin/tool.rs", "opts", (), "mod", ResolvedImport(targets=("src/bin/opts.rs",))),
        ("src/bin/tool.rs", "crate::opts", ("Opts",), "use", ResolvedImport(targets=("src/bin/opts.rs",))),
        ("src/bin/tool.rs", "my_app::net", ("Net",), "use", ResolvedImport(targets=("src/net.rs",))),
        ("tests/it.rs", "common", (), "mod", ResolvedImport(targets=("tests/common/mod.rs",))),
        # modules declared inside inline modules (`mod support { mod io_vec; }`), and use paths through them
        ("tests/it.rs", "support::io_vec", (), "mod", ResolvedImport(targets=("tests/support/io_vec.rs",))),
        (
            "tests/it.rs",
            "self::support::io_vec",
            ("IoBufs",),
            "use",
            ResolvedImport(targets=("tests/support/io_vec.rs",)),
        ),
        ("src/net.rs", "inner::deep", (), "mod", ResolvedImport(targets=("src/net/inner/deep.rs",))),
        ("src/net.rs", "inner::gone", (), "mod", ResolvedImport(unresolved="no file for module declaration")),
        ("src/net.rs", "cfg.rs", ("inner::imp",), "mod_path", ResolvedImport(targets=("src/net/inner/cfg.rs",))),
        ("src/lib.rs", "crate::net::inner::deep", ("D",), "use", ResolvedImport(targets=("src/net/inner/deep.rs",))),
        ("src/lib.rs", "crate::net::inner::super::http", ("H",), "use", ResolvedImport(targets=("src/net/http.rs",))),
        ("src/net.rs", "self::State", ("*",), "use", ResolvedImport(targets=("src/net.rs",))),
        ("legacy/src/de/value.rs", "de", ("Visitor",), "use", ResolvedImport(targets=("legacy/src/de/mod.rs",))),
        ("legacy/src/de/value.rs", "::de::value", ("X",), "use", ResolvedImport(targets=("legacy/src/de/value.rs",))),
        ("legacy/src/de/mod.rs", "rand", ("Rng",), "use", ResolvedImport(external="rand")),
        ("legacy/src/de/mod.rs", "std::fmt", ("Write",), "use", ResolvedImport(external="std")),
        ("legacy/src/de/mod.rs", "serde_derive", (), "use", ResolvedImport(external="serde_derive")),
        ("legacy/tests/t.rs", "legacy::de", ("V",), "use", ResolvedImport(targets=("legacy/src/de/mod.rs",))),
        ("src/lib.rs", "std::collections", ("HashMap",), "use", ResolvedImport(external="std")),
        ("src/lib.rs", "core", ("fmt",), "use", ResolvedImport(external="std")),
        ("src/lib.rs", "serde", ("Deserialize",), "use", ResolvedImport(external="serde")),
        ("src/lib.rs", "::tokio::sync", ("Mutex",), "use", ResolvedImport(external="tokio")),
        ("src/lib.rs", "libc", (), "use", ResolvedImport(external="libc")),
    ],
)
def test_rust_resolver(
    rust_index: RepoIndex, importer: str, module: str, names: tuple[str, ...], kind: str, expected: ResolvedImport
) -> None:
    ref = ImportRef(importer, module, names, 1, kind)
    assert registry()["rust"].resolve_import(ref, rust_index) == expected


def test_rust_2015_use_reaches_an_item_of_the_crate_root(rust_index: RepoIndex) -> None:
    """serde (2015): ``use lib::*`` in src/de/mod.rs names the inline ``mod lib { }`` of src/lib.rs."""
    parsed = _parse("rust", "legacy/src/lib.rs", b"mod lib {\n    pub use std::fmt;\n}\npub mod de;\n")
    index = RepoIndex(
        files=rust_index.files,
        config=rust_index.config,
        defined={"legacy/src/lib.rs": frozenset(s.name for s in parsed.symbols)},
    )
    resolve = registry()["rust"].resolve_import
    assert resolve(ImportRef("legacy/src/de/mod.rs", "lib", ("*",), 1, "use"), index) == ResolvedImport(
        targets=("legacy/src/lib.rs",)
    )
    # the same path in a 2018 crate names an extern crate
    assert resolve(ImportRef("src/net.rs", "lib", ("*",), 1, "use"), index) == ResolvedImport(external="lib")


# --- C / C++ resolver -------------------------------------------------------

C_TREE = {
    "include/lib/api.h": "",
    "include/lib/detail.h": "",
    "src/main.c": "",
    "src/util.h": "",
    "src/sub/impl.c": "",
    "third/inc/vendor.h": "",
    "config.h": "",
    "app/view.cpp": "",
    "app/view.hpp": "",
    "modules/net/include/net/socket.hpp": "",
    "compile_commands.json": "",
}


@pytest.fixture(scope="module", params=["c", "cpp"])
def c_index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> RepoIndex:
    root = tmp_path_factory.mktemp("ctree")
    index = _index(root, C_TREE, request.param)
    commands = [
        {
            "directory": str(root / "build"),
            "file": "../src/main.c",
            "command": "cc -I../third/inc -I /usr/include/x -c ../src/main.c",
        }
    ]
    (root / "compile_commands.json").write_text(json.dumps(commands))
    spec = registry()[request.param]
    return RepoIndex(files=index.files, config={spec.config_name: spec.load_config(root, index.files)})


@pytest.mark.parametrize(
    ("importer", "module", "kind", "expected"),
    [
        ("src/main.c", "util.h", "include", ResolvedImport(targets=("src/util.h",))),
        ("src/sub/impl.c", "../util.h", "include", ResolvedImport(targets=("src/util.h",))),
        ("src/main.c", "lib/api.h", "include", ResolvedImport(targets=("include/lib/api.h",))),
        ("include/lib/api.h", "detail.h", "include", ResolvedImport(targets=("include/lib/detail.h",))),
        ("src/main.c", "lib/api.h", "system_include", ResolvedImport(targets=("include/lib/api.h",))),
        ("src/main.c", "vendor.h", "include", ResolvedImport(targets=("third/inc/vendor.h",))),
        ("src/main.c", "config.h", "include", ResolvedImport(targets=("config.h",))),
        ("app/view.cpp", "view.hpp", "include", ResolvedImport(targets=("app/view.hpp",))),
        ("app/view.cpp", "net/socket.hpp", "include", ResolvedImport(targets=("modules/net/include/net/socket.hpp",))),
        ("src/main.c", "util.h", "system_include", ResolvedImport(external="util")),
        ("src/main.c", "missing.h", "include", ResolvedImport(unresolved="quoted include matches no file")),
        ("src/main.c", "../../outside.h", "include", ResolvedImport(unresolved="quoted include matches no file")),
        ("src/main.c", "stdio.h", "system_include", ResolvedImport(external="libc")),
        ("src/main.c", "sys/types.h", "system_include", ResolvedImport(external="libc")),
        ("app/view.cpp", "vector", "system_include", ResolvedImport(external="c++std")),
        ("app/view.cpp", "openssl/ssl.h", "system_include", ResolvedImport(external="openssl")),
        ("app/view.cpp", "boost/asio.hpp", "system_include", ResolvedImport(external="boost")),
        ("src/main.c", "zlib.h", "system_include", ResolvedImport(external="zlib")),
        # no file: a quoted standard header is the system's, a quoted path into a directory
        # the repository lacks is that package (leveldb's "gtest/gtest.h")
        ("src/main.c", "limits.h", "include", ResolvedImport(external="libc")),
        ("app/view.cpp", "cstdint", "include", ResolvedImport(external="c++std")),
        ("src/main.c", "gtest/gtest.h", "include", ResolvedImport(external="gtest")),
        # ...but a path into a repository directory where the compiler looks is a missing
        # (generated, stripped) file of the repository
        ("src/main.c", "lib/generated.h", "include", ResolvedImport(unresolved="quoted include matches no file")),
        ("src/main.c", "sub/generated.h", "include", ResolvedImport(unresolved="quoted include matches no file")),
        (
            "src/main.c",
            "lib/generated.h",
            "system_include",
            ResolvedImport(unresolved="include names a repository directory but matches no file"),
        ),
    ],
)
def test_include_resolver(c_index: RepoIndex, importer: str, module: str, kind: str, expected: ResolvedImport) -> None:
    language = "cpp" if importer.endswith(".cpp") else "c"
    ref = ImportRef(importer, module, (), 1, kind)
    assert registry()[language].resolve_import(ref, c_index) == expected


@pytest.mark.parametrize(
    ("header", "cxx", "package"),
    [
        ("cstdio", False, "c++std"),
        ("cwctype", True, "c++std"),
        ("cwctype", False, "cwctype"),
        ("string.h", True, "libc"),
        ("iostream", True, "c++std"),
        ("Python.h", False, "Python"),
        # C++17/20 headers and the implementations' own (fmt, spdlog include them)
        ("locale", True, "c++std"),
        ("bit", True, "c++std"),
        ("charconv", True, "c++std"),
        ("version", True, "c++std"),
        ("experimental/string_view", True, "c++std"),
        ("ext/stdio_filebuf.h", True, "c++std"),
        ("__std_stream", True, "c++std"),
        ("ext/stdio_filebuf.h", False, "ext"),
        # POSIX outside sys/ and the C libraries' own headers (redis includes them)
        ("pwd.h", False, "libc"),
        ("ucontext.h", False, "libc"),
        ("execinfo.h", False, "libc"),
        ("malloc.h", False, "libc"),
        ("asm/unistd.h", False, "libc"),
        # the Windows SDK and the MSVC runtime are one package, whatever the case of the name
        ("windows.h", False, "windows"),
        ("Windows.h", True, "windows"),
        ("winsock2.h", False, "windows"),
        ("io.h", False, "windows"),
        ("process.h", True, "windows"),
        # more of them, and Cygwin's w32api/ directory; <security.h> is SSPI, <security/...> is PAM
        # (all from PostgreSQL 15)
        ("winldap.h", False, "windows"),
        ("ntstatus.h", False, "windows"),
        ("crtdefs.h", False, "windows"),
        ("mstcpip.h", False, "windows"),
        ("security.h", False, "windows"),
        ("w32api/winioctl.h", False, "windows"),
        ("security/pam_appl.h", False, "security"),
        # other platforms' C library headers (glibc's gnu/, the BSDs' machine/, macOS, Solaris) and the
        # compilers' intrinsics are the system's, not third-party packages
        ("gnu/libc-version.h", False, "libc"),
        ("machine/vmparam.h", False, "libc"),
        ("crt_externs.h", False, "libc"),
        ("ucred.h", False, "libc"),
        ("atomic.h", False, "libc"),
        ("cpuid.h", False, "libc"),
        ("nmmintrin.h", False, "libc"),
        ("arm_acle.h", True, "libc"),
        ("intrin.h", False, "windows"),
        ("readline/readline.h", False, "readline"),
        ("openssl/ssl.h", False, "openssl"),
    ],
)
def test_external_package_names(header: str, cxx: bool, package: str) -> None:
    from analyzer.static.languages.c import external_package

    assert external_package(header, cxx) == package


def test_c_and_cpp_share_one_include_config() -> None:
    specs = registry()
    assert specs["c"].config_name == specs["cpp"].config_name


SUFFIX_TREE = {
    "lib/core/log.h": "",
    "src/app/main.c": "",
    "compat/stdio.h": "",
    "a/util.h": "",
    "b/util.h": "",
    "a/sub/x.c": "",
    "c/y.c": "",
    "src/app/view.cpp": "",
    "src/gui/widget.hpp": "",
    "compat/malloc.h": "",
    "port/win32/sys/socket.h": "",
    "port/win32/netinet/in.h": "",
    "port/win32_msvc/sys/param.h": "",
}


@pytest.mark.parametrize(
    ("importer", "module", "kind", "expected"),
    [
        # no compile_commands.json and no include/ dir: the file whose path ends with the include
        ("src/app/main.c", "core/log.h", "include", ResolvedImport(targets=("lib/core/log.h",))),
        ("src/app/main.c", "core/log.h", "system_include", ResolvedImport(targets=("lib/core/log.h",))),
        ("src/app/view.cpp", "gui/widget.hpp", "system_include", ResolvedImport(targets=("src/gui/widget.hpp",))),
        # a standard header stays the standard library even when the repository has one
        ("src/app/main.c", "stdio.h", "system_include", ResolvedImport(external="libc")),
        # ...and so does a POSIX header in sys/, netinet/ (PostgreSQL's Windows stand-ins in
        # src/include/port/win32/ are not where a POSIX build looks)
        ("src/app/main.c", "sys/socket.h", "system_include", ResolvedImport(external="libc")),
        ("src/app/main.c", "netinet/in.h", "system_include", ResolvedImport(external="libc")),
        # a C library's own header (not C or POSIX) is the repository's file when there is one
        ("src/app/main.c", "malloc.h", "system_include", ResolvedImport(targets=("compat/malloc.h",))),
        ("src/app/main.c", "sys/param.h", "system_include", ResolvedImport(targets=("port/win32_msvc/sys/param.h",))),
        # several matches: the nearest to the includer, else unresolved as ambiguous
        ("a/sub/x.c", "util.h", "include", ResolvedImport(targets=("a/util.h",))),
        ("c/y.c", "util.h", "include", ResolvedImport(unresolved="ambiguous include: 2 files end with util.h")),
        ("src/app/main.c", "nowhere.h", "include", ResolvedImport(unresolved="quoted include matches no file")),
        # a directory deeper in the repository is not where the compiler looks for <core/...>
        # (spdlog's include/spdlog/fmt/ does not make the external <fmt/format.h> its own)
        ("src/app/main.c", "core/generated.h", "system_include", ResolvedImport(external="core")),
        ("src/app/main.c", "openssl/ssl.h", "include", ResolvedImport(external="openssl")),
    ],
)
def test_include_falls_back_to_a_path_suffix_without_build_information(tmp_path, importer, module, kind, expected):
    language = "cpp" if importer.endswith(".cpp") else "c"
    index = _index(tmp_path, SUFFIX_TREE, language)
    assert registry()[language].resolve_import(ImportRef(importer, module, (), 1, kind), index) == expected

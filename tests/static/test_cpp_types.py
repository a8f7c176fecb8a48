"""C++'s type-aware links: a member reaches the file of its receiver's class, never every class that
declares the name (small trees, real parses); and the facts the extractor records for them."""

from __future__ import annotations

from pathlib import Path

import tree_sitter_cpp
from tree_sitter import Language, Parser

from analyzer.config import Settings
from analyzer.pipeline import analyze_static
from analyzer.static.languages.cpp_types import type_facts

_SIZES = {
    "inc/a.hpp": "#pragma once\nnamespace n {\nclass A {\npublic:\n  int size() const;\n};\n}\n",
    "inc/b.hpp": "#pragma once\nnamespace n {\nclass B {\npublic:\n  int size() const;\n};\n}\n",
}


def _edges(root: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target, d.kind) for d in static.resolution.dependencies}


def _from(edges: set[tuple[str, str, str]], source: str) -> set[tuple[str, str]]:
    return {(t, k) for s, t, k in edges if s == source}


def _facts(source: bytes) -> tuple[object, ...]:
    return type_facts(Parser(Language(tree_sitter_cpp.language())).parse(source).root_node)


def test_a_member_call_reaches_only_the_class_of_its_receiver(tmp_path):
    # both headers declare size(); the caller includes both and calls it on a B only
    edges = _edges(
        tmp_path,
        _SIZES
        | {"src/use.cpp": '#include "inc/a.hpp"\n#include "inc/b.hpp"\nint f(const n::B& b) { return b.size(); }\n'},
    )
    assert _from(edges, "src/use.cpp") == {
        ("inc/a.hpp", "import"),
        ("inc/b.hpp", "import"),
        ("inc/b.hpp", "type"),
        ("inc/b.hpp", "call"),
    }


def test_receivers_typed_by_pointers_smart_pointers_auto_and_fields(tmp_path):
    edges = _edges(
        tmp_path,
        _SIZES
        | {
            "inc/holder.hpp": '#pragma once\n#include <memory>\n#include "inc/a.hpp"\n'
            "namespace n {\nclass Holder {\npublic:\n  std::unique_ptr<A> a_;\n  A* get() const;\n};\n}\n",
            "src/use.cpp": '#include "inc/holder.hpp"\n#include "inc/b.hpp"\n'
            "int f(n::Holder* h) {\n  auto b = std::make_unique<n::B>();\n"
            "  return h->a_->size() + h->get()->size() + b->size();\n}\n",
        },
    )
    assert _from(edges, "src/use.cpp") == {
        ("inc/holder.hpp", "import"),
        ("inc/holder.hpp", "type"),
        ("inc/holder.hpp", "call"),  # its field a_ and its method get()
        ("inc/a.hpp", "call"),  # size() on the A that a_ and get() give: A never named here
        ("inc/b.hpp", "import"),
        ("inc/b.hpp", "type"),
        ("inc/b.hpp", "call"),
    }


def test_an_unknown_receiver_links_nothing(tmp_path):
    # a template parameter and auto from a library call: no class of the repository is meant
    edges = _edges(
        tmp_path,
        _SIZES
        | {
            "src/use.cpp": '#include <vector>\n#include "inc/a.hpp"\n#include "inc/b.hpp"\n'
            "template <typename T> int f(const T& t) {\n  std::vector<int> v;\n  auto x = v.front();\n"
            "  return t.size() + x.size();\n}\n"
        },
    )
    assert _from(edges, "src/use.cpp") == {("inc/a.hpp", "import"), ("inc/b.hpp", "import")}


def test_an_inherited_member_links_the_base_class_that_declares_it(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "inc/base.hpp": "#pragma once\nclass Base {\npublic:\n  void reset();\n};\n",
            "inc/mid.hpp": '#pragma once\n#include "inc/base.hpp"\nclass Mid : public Base {};\n',
            "src/mid.cpp": '#include "inc/mid.hpp"\nvoid use(Mid& m) { m.reset(); }\n',
        },
    )
    assert _from(edges, "inc/mid.hpp") == {("inc/base.hpp", "import"), ("inc/base.hpp", "inherit")}
    assert _from(edges, "src/mid.cpp") == {("inc/mid.hpp", "import"), ("inc/mid.hpp", "type"), ("inc/base.hpp", "call")}


def test_unqualified_calls_in_an_out_of_line_member_look_in_the_class_and_its_bases(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "inc/base.hpp": "#pragma once\nclass Base {\nprotected:\n  int count_;\n  void grow();\n};\n",
            "inc/box.hpp": '#pragma once\n#include "inc/base.hpp"\nclass Box : public Base {\npublic:\n'
            "  void add();\n};\n",
            "src/box.cpp": '#include "inc/box.hpp"\nvoid Box::add() { grow(); ++count_; }\n',
        },
    )
    # Box:: names the class (type); grow() and the field count_ are Base's
    assert _from(edges, "src/box.cpp") == {("inc/box.hpp", "import"), ("inc/box.hpp", "type"), ("inc/base.hpp", "call")}
    linked = {
        d.symbols for d in analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1)).resolution.dependencies
    }
    assert ("Base", "grow") in linked  # a field is named by its class (fields are no symbols)


def test_free_functions_and_qualified_members_link_by_name_through_includes(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "inc/util.hpp": "#pragma once\nnamespace u {\nint clamp(int x);\nstruct Limits {\n"
            "  static int max();\n};\n}\n",
            "inc/other.hpp": "#pragma once\nnamespace u {\nint clamp(int x);\n}\n",
            "src/util.cpp": '#include "inc/util.hpp"\nint u::clamp(int x) { return x < u::Limits::max() ? x : 0; }\n',
        },
    )
    # other.hpp declares clamp too, but util.cpp does not include it
    assert _from(edges, "src/util.cpp") == {
        ("inc/util.hpp", "import"),
        ("inc/util.hpp", "type"),
        ("inc/util.hpp", "call"),
    }


def test_a_header_sees_the_types_its_translation_unit_defines_before_it(tmp_path):
    # api.hpp only declares Options; the unit including it defines it first
    edges = _edges(
        tmp_path,
        {
            "inc/options.hpp": "#pragma once\nstruct Options { int size; };\n",
            "inc/api.hpp": "#pragma once\nstruct Options;\nint open(const Options& o);\n",
            "src/api.cpp": '#include "inc/options.hpp"\n#include "inc/api.hpp"\n'
            "int open(const Options& o) { return o.size; }\n",
        },
    )
    assert _from(edges, "inc/api.hpp") == {("inc/options.hpp", "type")}
    assert ("inc/options.hpp", "call") in _from(edges, "src/api.cpp")


def test_facts_record_members_bases_and_receivers():
    defs, classes, uses = _facts(
        b"namespace n {\nclass LIB_EXPORT Box : public Base {\n public:\n  int size() const;\n"
        b"  std::shared_ptr<Item> item_;\n  enum class Kind { kA };\n};\n"
        b"template <> struct formatter<Box> { int format(); };\n}\n"
        b"void n::Box::fill(Item& it) { auto* p = new Item(); it.use(); p->use(); this->size(); }\n"
    )
    assert ("t", "n::Box", "") in defs  # the export macro is blanked before the walk
    assert not any(name.endswith("formatter") or name.endswith("format") for _, name, _ in defs)
    box = next(c for c in classes if c[0] == "n::Box")
    assert box[2] == ("Base",)
    assert ("item_", "f", "Item") in box[3] and ("size", "m", "") in box[3]
    assert ("n::Box::Kind", "n", (), (("kA", "e", ""),)) in classes
    calls = {(u[1], u[2]) for u, _, _, _, _ in uses if u[0] == "call"}
    assert calls == {(("t", "Item"), "use"), (("this",), "size")}
    assert (("type", "n::Box"), "", "") in {(u, ns, cls) for u, ns, cls, _, _ in uses}


def test_macros_around_a_declaration_are_read_past():
    # an export macro before the type, a noexcept macro after the parameters: the grammar alone reads
    # SPDLOG_API as the type and loses the prototype
    defs, _, _ = _facts(
        b"namespace os {\n[[noreturn]] SPDLOG_API void sleep_for(unsigned int ms) SPDLOG_NOEXCEPT;\n"
        b"SPDLOG_CONSTEXPR static const char *eol = SPDLOG_EOL;\n}\nFOO(bar);\n"
    )
    assert ("p", "os::sleep_for", "") in defs
    assert ("v", "os::eol", "") in defs
    assert not any(name == "bar" for _, name, _ in defs)  # a macro call stays a call


def test_a_base_initializer_and_an_export_macro_are_uses(tmp_path):
    edges = _edges(
        tmp_path,
        {
            "inc/dll.h": '#pragma once\n#define LIB_API __attribute__((visibility("default")))\n',
            "inc/error.hpp": '#pragma once\n#include "inc/dll.h"\nclass LIB_API Error {\npublic:\n'
            "  explicit Error(int code);\n};\n",
            "inc/deep.hpp": "#pragma once\nclass Deep {\npublic:\n  Deep(int depth);\n  int depth_;\n};\n",
            "src/deep.cpp": '#include "inc/deep.hpp"\n#include "inc/error.hpp"\n'
            "class Failure : public Error {\npublic:\n  Failure() : Error(1), depth_(0) {}\n  int depth_;\n};\n",
        },
    )
    # LIB_API expands from dll.h (clang: a macro use); Error(1) calls the base's constructor
    assert ("inc/dll.h", "call") in _from(edges, "inc/error.hpp")
    assert _from(edges, "src/deep.cpp") >= {("inc/error.hpp", "inherit"), ("inc/error.hpp", "call")}
    assert ("inc/deep.hpp", "call") not in _from(edges, "src/deep.cpp")  # depth_ is Failure's own field


def test_a_pathologically_deep_file_is_cut_off_not_a_crash():
    # a builder chain of 3,000 calls, 600 nested blocks: past the walk's depth nothing is recorded
    chain = b"x" + b".b()" * 3000
    defs, classes, uses = _facts(
        b"struct X { X& b(); };\nvoid f(X x) { " + chain + b"; " + b"{" * 600 + b"}" * 600 + b" }\n"
    )
    assert ("t", "X", "") in defs and classes
    # the chain's far end is past the walk, its near end past the receiver's length: neither is linked
    assert not any(u[0] == "call" for u, _, _, _, _ in uses)

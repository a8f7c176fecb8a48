"""Java, C# and Go: parsing inline sources with the real grammars, and import resolution over small trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.domain import ImportRef, ParsedFile, RepoIndex, SourceFile
from analyzer.static.languages import csharp, go, java
from analyzer.static.parse import parse_file
from analyzer.static.resolve import build_index

_PATHS = {"java": "src/main/java/a/b/C.java", "csharp": "src/C.cs", "go": "pkg/c.go"}


def _parse(language: str, source: bytes, path: str = "") -> ParsedFile:
    path = path or _PATHS[language]
    return parse_file(SourceFile(path, language, len(source), "0" * 64), source)


# --- parsing: namespaces, imports -------------------------------------------


@pytest.mark.parametrize(
    ("language", "source", "namespace"),
    [
        ("java", b"package com.acme.model;\nclass A {}\n", "com.acme.model"),
        ("java", b"package app;\n", "app"),
        ("java", b"class NoPackage {}\n", ""),
        ("csharp", b"namespace Acme.Shop\n{\n    class A {}\n}\n", "Acme.Shop"),
        ("csharp", b"namespace Acme.Shop.Data;\nclass A {}\n", "Acme.Shop.Data"),
        ("csharp", b"namespace A { class X {} }\nnamespace B { class Y {} }\n", "A"),
        # the Mono linker's AssemblyResolver.cs: `#if` around a class header leaves the namespace block an
        # ERROR node, which still begins with the keyword and the name
        (
            "csharp",
            b"namespace Acme.Linker {\n#if NEW\n\tpublic class Resolver : Base {\n#else\n"
            b"\tpublic class Resolver : Other {\n#endif\n\t\tint F() { return 1; }\n\t}\n}\n",
            "Acme.Linker",
        ),
        ("go", b"package store\n", "store"),
    ],
    ids=[
        "java-dotted",
        "java-simple",
        "java-default",
        "cs-block",
        "cs-file-scoped",
        "cs-first-wins",
        "cs-unparsed-block",
        "go",
    ],
)
def test_namespace_declarations(language, source, namespace):
    parsed = _parse(language, source)
    assert parsed.namespace == namespace
    if namespace:
        assert (namespace, "module") in {(s.name, s.kind) for s in parsed.symbols}


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("java", b"import a.b.C;\n", [("a.b.C", (), "import")]),
        ("java", b"import a.b.*;\n", [("a.b", ("*",), "import")]),
        ("java", b"import static a.b.C.m;\n", [("a.b.C", ("m",), "static")]),
        ("java", b"import static a.b.C.*;\n", [("a.b.C", ("*",), "static")]),
        (
            "java",
            b"import a.b.C.Inner;\nimport java.util.List;\n",
            [("a.b.C.Inner", (), "import"), ("java.util.List", (), "import")],
        ),
        (
            "java",
            b"open module m.app {\n  requires transitive m.lib;\n  requires static java.sql;\n"
            b"  exports a.b;\n  uses a.b.Spi;\n  provides a.b.Spi with a.c.One, a.c.Two;\n}\n",
            [
                ("m.lib", (), "requires"),
                ("java.sql", (), "requires"),
                ("a.b.Spi", (), "import"),
                ("a.b.Spi", (), "import"),
                ("a.c.One", (), "import"),
                ("a.c.Two", (), "import"),
            ],
        ),
        ("csharp", b"using System;\n", [("System", (), "using")]),
        ("csharp", b"using A.B;\n", [("A.B", (), "using")]),
        ("csharp", b"using static System.Math;\n", [("System.Math", (), "using_static")]),
        ("csharp", b"using X = A.B.C;\n", [("A.B.C", (), "using_alias")]),
        ("csharp", b"global using G.H;\n", [("G.H", (), "using")]),
        ("csharp", b"using ModuleRow = Row<StringIndex, Guid>;\n", [("Row", (), "using_alias")]),
        ("csharp", b"using Rows = A.B.Row< int >;\n", [("A.B.Row", (), "using_alias")]),
        ("go", b'package p\nimport "fmt"\n', [("fmt", (), "import")]),
        (
            "go",
            b'package p\nimport (\n\t"fmt"\n\tm "example.com/m/model"\n)\n',
            [("fmt", (), "import"), ("example.com/m/model", (), "import")],
        ),
        ("go", b'package p\nimport . "strings"\n', [("strings", ("*",), "import_dot")]),
        ("go", b'package p\nimport _ "net/http/pprof"\n', [("net/http/pprof", (), "import_blank")]),
    ],
    ids=[
        "java-single",
        "java-wildcard",
        "java-static",
        "java-static-wildcard",
        "java-nested",
        "java-module-info",
        "cs-using",
        "cs-dotted",
        "cs-static",
        "cs-alias",
        "cs-global",
        "cs-alias-generic",
        "cs-alias-generic-dotted",
        "go-single",
        "go-grouped-aliased",
        "go-dot",
        "go-blank",
    ],
)
def test_imports_are_captured(language, source, expected):
    assert [(i.module, i.names, i.kind) for i in _parse(language, source).imports] == expected


def test_csharp_global_using_applies_to_its_directory_tree():
    source = b"global using Acme.Util;\nglobal using static System.Math;\nusing Acme.Models;\n"
    imports = _parse("csharp", source, "src/App/GlobalUsings.cs").imports
    assert [(i.module, i.kind, i.scope) for i in imports] == [
        ("Acme.Util", "using", "src/App"),
        ("System.Math", "using_static", "src/App"),
        ("Acme.Models", "using", None),
    ]
    assert _parse("csharp", b"global using Acme.Util;\n", "GlobalUsings.cs").imports[0].scope == ""


@pytest.mark.parametrize("language", ["java", "csharp", "go"])
def test_import_lines_are_one_based(language):
    source = {
        "java": b"package p;\n\nimport a.B;\nimport c.D;\n",
        "csharp": b"\n\nusing A.B;\nusing C.D;\n",
        "go": b'package p\n\nimport (\n\t"a/b"\n\t"c/d"\n)\n',
    }[language]
    lines = [i.line for i in _parse(language, source).imports]
    assert lines == ([3, 4] if language != "go" else [4, 5])


# --- parsing: definitions and references -------------------------------------

JAVA = b"""\
package a.b;

public class Order<T extends Bound> extends BaseEntity implements Auditable, x.y.Named {
    public static final int MAX = 3;
    private final String name = "";
    private List<LineItem> items;

    public Money total(Discount d) throws PricingException {
        Calculator c = new Calculator();
        c.compute(d);
        helper();
        Util.run();
        return (Money) Registry.DEFAULT;
    }

    interface Inner extends Parent {}
    enum Status { OPEN, SHIPPED }
    record Line(Sku sku) {}
}
"""

CSHARP = b"""\
namespace Acme.Shop;

[Serializable]
public class Order : Entity, IAuditable
{
    public const int Max = 3;
    private List<LineItem> items;

    public Money Total(Discount d)
    {
        var c = new Calculator();
        c.Compute(d);
        Helper();
        Util.Run();
        return (Money)Registry.Default;
    }
}

public interface IAuditable : INamed { }
public struct Point { }
public enum Status { Open, Shipped }
public record Line(Sku Sku);
public delegate void Handler(Event e);
"""

GO = b"""\
package store

const Max = 3

var Default = NewMemory()

type Store interface {
\tSaver
\tSave(o *model.Order) error
}

type Memory struct {
\tBase
\t*model.Audit
\trows map[string]*Row
}

type ID int

func NewMemory() *Memory { return &Memory{} }

func (m *Memory) Save(o *model.Order) error {
\tfmt.Println(o)
\tm.flush()
\tvar x Cursor
\t_ = x
\treturn nil
}
"""

_SOURCES = {"java": JAVA, "csharp": CSHARP, "go": GO}


@pytest.mark.parametrize(
    ("language", "symbol"),
    [
        ("java", ("Order", "class", "")),
        ("java", ("MAX", "constant", "Order")),
        ("java", ("total", "method", "Order")),
        ("java", ("Inner", "interface", "Order")),
        ("java", ("Status", "enum", "Order")),
        ("java", ("OPEN", "constant", "Status")),
        ("java", ("Line", "class", "Order")),
        ("csharp", ("Order", "class", "")),
        ("csharp", ("Max", "constant", "Order")),
        ("csharp", ("Total", "method", "Order")),
        ("csharp", ("IAuditable", "interface", "")),
        ("csharp", ("Point", "struct", "")),
        ("csharp", ("Status", "enum", "")),
        ("csharp", ("Open", "constant", "Status")),
        ("csharp", ("Line", "class", "")),
        ("csharp", ("Handler", "type", "")),
        ("go", ("Max", "constant", "")),
        ("go", ("Default", "constant", "")),
        ("go", ("Store", "interface", "")),
        ("go", ("Memory", "struct", "")),
        ("go", ("ID", "type", "")),
        ("go", ("NewMemory", "function", "")),
        ("go", ("Save", "method", "")),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(v[:2]),
)
def test_definitions(language, symbol):
    symbols = {(s.name, s.kind, s.parent) for s in _parse(language, _SOURCES[language]).symbols}
    assert symbol in symbols


@pytest.mark.parametrize(
    ("language", "absent"),
    [
        ("java", "name"),  # a non-constant field is not a definition
        ("csharp", "items"),
        ("go", "rows"),  # struct fields are not definitions
    ],
)
def test_fields_are_not_definitions(language, absent):
    assert absent not in {s.name for s in _parse(language, _SOURCES[language]).symbols}


@pytest.mark.parametrize(
    ("language", "name", "kind"),
    [
        # Java: extends / implements (qualified too), calls, new X(), static access, type uses
        ("java", "BaseEntity", "inherit"),
        ("java", "Auditable", "inherit"),
        ("java", "Named", "inherit"),
        ("java", "Parent", "inherit"),
        ("java", "compute", "call"),
        ("java", "helper", "call"),
        ("java", "run", "call"),
        ("java", "Calculator", "call"),
        ("java", "Util", "type"),
        ("java", "Registry", "type"),
        ("java", "Money", "type"),
        ("java", "Discount", "type"),
        ("java", "LineItem", "type"),
        ("java", "List", "type"),
        ("java", "PricingException", "type"),
        ("java", "Bound", "type"),
        ("java", "Sku", "type"),
        # C#: base lists, calls, new X(), type uses, attributes
        ("csharp", "Entity", "inherit"),
        ("csharp", "IAuditable", "inherit"),
        ("csharp", "INamed", "inherit"),
        ("csharp", "Compute", "call"),
        ("csharp", "Helper", "call"),
        ("csharp", "Run", "call"),
        ("csharp", "Calculator", "call"),
        ("csharp", "Util", "type"),
        ("csharp", "Money", "type"),
        ("csharp", "Discount", "type"),
        ("csharp", "LineItem", "type"),
        ("csharp", "List", "type"),
        ("csharp", "Serializable", "type"),
        ("csharp", "Sku", "type"),
        ("csharp", "Event", "type"),
        # Go: struct and interface embedding, calls, type uses (qualified, pointers, maps)
        ("go", "Base", "inherit"),
        ("go", "Audit", "inherit"),
        ("go", "Saver", "inherit"),
        ("go", "NewMemory", "call"),
        ("go", "Println", "call"),
        ("go", "flush", "call"),
        ("go", "Order", "type"),
        ("go", "Row", "type"),
        ("go", "Cursor", "type"),
        ("go", "Memory", "type"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_references(language, name, kind):
    refs = {(r.name, r.kind) for r in _parse(language, _SOURCES[language]).references}
    assert (name, kind) in refs


def test_java_object_methods_are_not_calls():
    # every class has java.lang.Object's methods: a call by one of those names links no file
    source = (
        b"class A { void f(Object o, B b) { o.toString(); o.equals(b); b.hashCode(); Util.equals(o, b);\n"
        b"  list.forEach(Object::toString); names.map(B::render); names.map(b::render); o.getClass(); } }\n"
    )
    refs = {(r.name, r.kind) for r in _parse("java", source).references}
    assert {name for name, kind in refs if kind == "call"} == {"forEach", "map", "render"}
    assert ("Util", "type") in refs and ("B", "type") in refs


def test_java_a_nested_type_named_through_its_outer_type_references_the_outer_type():
    # RemoteEndpoint.Async names the Async nested in RemoteEndpoint (the file the importer imports),
    # not any class of its package called Async; a package-qualified name keeps its class name
    source = (
        b"class A extends Base.Impl implements RemoteEndpoint.Async, java.io.Serializable {\n"
        b"  Map.Entry<String, Outer.Mid.Leaf> e = new Holder.Node(); org.acme.Config c;\n"
        b"  boolean f(Object o) { return o instanceof Shape.Circle || o == Kind.Sub.class; } }\n"
    )
    refs = {(r.name, r.kind) for r in _parse("java", source).references}
    assert {
        ("Base", "inherit"),
        ("RemoteEndpoint", "inherit"),
        ("Serializable", "inherit"),
        ("Map", "type"),
        ("Leaf", "type"),
        ("Holder", "call"),
        ("Config", "type"),
        ("Shape", "type"),
        ("Kind", "type"),
    } <= refs
    assert not {name for name, _ in refs} & {"Impl", "Async", "Entry", "Node", "Circle", "Sub", "Outer", "Mid"}


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("java", "BaseEntity"),
        ("csharp", "Entity"),
        ("go", "Base"),
    ],
)
def test_base_types_are_inherit_only(language, name):
    """A base class is an inherit reference, not also a type use (no duplicate call edge)."""
    kinds = {r.kind for r in _parse(language, _SOURCES[language]).references if r.name == name}
    assert kinds == {"inherit"}


@pytest.mark.parametrize("language", ["java", "csharp", "go"])
def test_syntax_error_is_a_diagnostic_not_an_exception(language):
    source = {
        "java": b"package p;\nimport a.B;\nclass X { void f( { }\n",
        "csharp": b"using A.B;\nclass X { void F( { }\n",
        "go": b'package p\nimport "a/b"\nfunc f( {\n',
    }[language]
    parsed = _parse(language, source)
    assert [d.severity for d in parsed.diagnostics] == ["warning"]
    assert len(parsed.imports) == 1


# --- resolution: Java -------------------------------------------------------


def _index(sources: dict[str, bytes], root: Path | None = None) -> RepoIndex:
    parsed = []
    for path, source in sources.items():
        language = {"java": "java", "cs": "csharp", "go": "go"}[path.rsplit(".", 1)[1]]
        parsed.append(_parse(language, source, path))
    return build_index(parsed, root or Path("/nonexistent"))


JAVA_TREE = {
    "src/main/java/com/acme/model/Order.java": b"package com.acme.model;\npublic class Order { class Line {} }\n",
    "src/main/java/com/acme/model/Customer.java": b"package com.acme.model;\npublic class Customer {}\n",
    "src/main/java/com/acme/util/Strings.java": b"package com.acme.util;\npublic final class Strings { static boolean isBlank(String s) { return true; } }\n",
    # declares a package that does not match its directory: found by package, not path
    "legacy/Odd.java": b"package com.acme.odd;\npublic class Odd {}\n",
    # no package declaration: found by path under a source root
    "src/test/java/com/acme/Fixtures.java": b"public class Fixtures {}\n",
    "src/main/java/com/acme/App.java": b"package com.acme;\nclass App { void f() { Order o = new Order(); } }\n",
}


@pytest.mark.parametrize(
    ("module", "names", "kind", "targets"),
    [
        ("com.acme.model.Order", (), "import", ("src/main/java/com/acme/model/Order.java",)),
        ("com.acme.model.Order.Line", (), "import", ("src/main/java/com/acme/model/Order.java",)),
        ("com.acme.odd.Odd", (), "import", ("legacy/Odd.java",)),
        ("com.acme.Fixtures", (), "import", ("src/test/java/com/acme/Fixtures.java",)),
        # wildcard: narrowed to the files defining what App uses (Order, not Customer)
        ("com.acme.model", ("*",), "import", ("src/main/java/com/acme/model/Order.java",)),
        ("com.acme.util.Strings", ("isBlank",), "static", ("src/main/java/com/acme/util/Strings.java",)),
        ("com.acme.util.Strings", ("*",), "static", ("src/main/java/com/acme/util/Strings.java",)),
    ],
    ids=["class", "nested", "by-package", "by-path", "wildcard-narrowed", "static", "static-wildcard"],
)
def test_java_resolves_to_files(module, names, kind, targets):
    index = _index(JAVA_TREE)
    ref = ImportRef("src/main/java/com/acme/App.java", module, names, 1, kind)
    result = java.resolve_import(ref, index)
    assert (result.targets, result.external, result.unresolved) == (targets, "", "")


def test_java_wildcard_without_used_names_keeps_the_whole_package():
    index = _index({k: v for k, v in JAVA_TREE.items() if not k.endswith("App.java")})
    ref = ImportRef("src/main/java/com/acme/util/Strings.java", "com.acme.model", ("*",), 1, "import")
    assert java.resolve_import(ref, index).targets == (
        "src/main/java/com/acme/model/Customer.java",
        "src/main/java/com/acme/model/Order.java",
    )


@pytest.mark.parametrize(
    ("module", "names", "package"),
    [
        ("org.springframework.stereotype.Service", (), "org.springframework"),
        ("java.util.List", (), "java"),
        ("javax.swing.JPanel", (), "java"),
        ("javax.xml.XMLConstants", (), "java"),
        ("javax.annotation.processing", ("*",), "java"),
        ("org.w3c.dom.Document", (), "java"),
        ("org.xml.sax.SAXException", (), "java"),
        ("com.sun.net.httpserver.HttpServer", (), "java"),
        ("sun.misc.Unsafe", (), "java"),
        # javax.* the JDK does not ship: JSR 330, JSR 305, JAXB (dropped in Java 11)
        ("javax.inject", ("*",), "javax.inject"),
        ("javax.annotation.CheckForNull", (), "javax.annotation"),
        # named by the library, never "javax.xml" like the JDK's own javax.xml.parsers (Tomcat's JAX-RPC)
        ("javax.xml.bind.JAXBContext", (), "javax.xml.bind"),
        ("javax.xml.rpc.handler.HandlerInfo", (), "javax.xml.rpc"),
        ("javax.security.auth.message.config.AuthConfigProvider", (), "javax.security.auth.message"),
        ("javax.xml.parsers.SAXParser", (), "java"),
        ("com.sun.jna.Native", (), "com.sun"),
        ("lombok", ("*",), "lombok"),
        # named past two segments while those name the repository's own packages (com.acme here),
        # never past the package part: com.acme.model.Missing's package is the repository's (below)
        ("com.acme.audit.Log", (), "com.acme.audit"),
        ("com.acme.model.history.Entry", (), "com.acme.model.history"),
        ("com.acme.audit", ("*",), "com.acme.audit"),
        ("org.junit.Test", (), "org.junit"),
    ],
)
def test_java_unknown_is_external(module, names, package):
    ref = ImportRef("src/main/java/com/acme/App.java", module, names, 1, "import")
    result = java.resolve_import(ref, _index(JAVA_TREE))
    assert (result.targets, result.external, result.unresolved) == ((), package, "")
    assert java.is_standard_library(package) is (package == "java")


@pytest.mark.parametrize(
    ("module", "names", "kind", "unresolved"),
    [
        # AutoValue / protobuf / annotation processors write these at build time
        (
            "com.acme.model.AutoValue_Order",
            (),
            "import",
            "no class AutoValue_Order in the repository's package com.acme.model (generated at build time?)",
        ),
        (
            "com.acme.util.Gone.Inner",
            (),
            "import",
            "no class Gone.Inner in the repository's package com.acme.util (generated at build time?)",
        ),
        (
            "com.acme.util.Gone",
            ("helper",),
            "static",
            "no class Gone in the repository's package com.acme.util (generated at build time?)",
        ),
        # a wildcard of the importer's own package (it alone declares it): no edge, nothing external
        ("com.acme", ("*",), "import", ""),
    ],
)
def test_java_missing_class_of_a_repository_package_is_unresolved(module, names, kind, unresolved):
    ref = ImportRef("src/main/java/com/acme/App.java", module, names, 1, kind)
    result = java.resolve_import(ref, _index(JAVA_TREE))
    assert (result.targets, result.external, result.unresolved) == ((), "", unresolved)


# two builds of one package (Guava's guava/ and android/guava/): each side resolves to its own copy
JAVA_VARIANTS = {
    "guava/src/com/g/base/Strings.java": b"package com.g.base;\npublic final class Strings {}\n",
    "guava/src/com/g/base/Joiner.java": b"package com.g.base;\npublic class Joiner {}\n",
    "android/guava/src/com/g/base/Strings.java": b"package com.g.base;\npublic final class Strings {}\n",
    "android/guava/src/com/g/base/Joiner.java": b"package com.g.base;\npublic class Joiner {}\n",
    "guava-tests/test/com/g/base/StringsTest.java": b"package com.g.base;\nclass StringsTest { Strings s; Joiner j; }\n",
    "android/guava-tests/test/com/g/base/StringsTest.java": b"package com.g.base;\nclass StringsTest { Strings s; Joiner j; }\n",
    "guava/src/com/g/collect/Lists.java": b"package com.g.collect;\nclass Lists { Strings s; Joiner j; }\n",
    "android/guava/src/com/g/collect/Lists.java": b"package com.g.collect;\nclass Lists { Strings s; Joiner j; }\n",
}


@pytest.mark.parametrize(
    ("importer", "names", "targets"),
    [
        ("guava/src/com/g/collect/Lists.java", (), ("guava/src/com/g/base/Strings.java",)),
        ("android/guava/src/com/g/collect/Lists.java", (), ("android/guava/src/com/g/base/Strings.java",)),
        # shares no directory with either copy: the shallower one
        ("guava-tests/test/com/g/base/StringsTest.java", (), ("guava/src/com/g/base/Strings.java",)),
        ("android/guava-tests/test/com/g/base/StringsTest.java", (), ("android/guava/src/com/g/base/Strings.java",)),
        (
            "guava/src/com/g/collect/Lists.java",
            ("*",),
            ("guava/src/com/g/base/Joiner.java", "guava/src/com/g/base/Strings.java"),
        ),
        (
            "android/guava/src/com/g/collect/Lists.java",
            ("*",),
            ("android/guava/src/com/g/base/Joiner.java", "android/guava/src/com/g/base/Strings.java"),
        ),
    ],
    ids=["main", "android", "test-main", "test-android", "wildcard-main", "wildcard-android"],
)
def test_java_class_defined_twice_resolves_to_the_nearest_copy(importer, names, targets):
    module = "com.g.base" if names else "com.g.base.Strings"
    ref = ImportRef(importer, module, names, 1, "import")
    assert java.resolve_import(ref, _index(JAVA_VARIANTS)).targets == targets


# --- resolution: C# ---------------------------------------------------------

CS_TREE = {
    "Models/Order.cs": b"namespace Acme.Models;\npublic class Order {}\n",
    "Models/Customer.cs": b"namespace Acme.Models { public class Customer {} }\n",
    "Util/Guard.cs": b"namespace Acme.Util { public static class Guard { public static void NotNull(object o) {} } }\n",
    "App.cs": b"namespace Acme { class App { void F() { var o = new Order(); } } }\n",
}


@pytest.mark.parametrize(
    ("module", "kind", "targets"),
    [
        ("Acme.Models", "using", ("Models/Order.cs",)),
        ("Acme.Util.Guard", "using_static", ("Util/Guard.cs",)),
        ("Acme.Models", "using_alias", ("Models/Order.cs",)),
        ("Acme.Util.Guard", "using_alias", ("Util/Guard.cs",)),
        # a nested type (Lucene.Net's `using static ...DocumentsWriter.IndexingChain;`): the file of the outer one
        ("Acme.Util.Guard.Inner", "using_static", ("Util/Guard.cs",)),
        ("Acme.Util.Guard.Inner", "using_alias", ("Util/Guard.cs",)),
    ],
    ids=["using-narrowed", "static", "alias-namespace", "alias-type", "static-nested", "alias-nested"],
)
def test_csharp_resolves_to_files(module, kind, targets):
    result = csharp.resolve_import(ImportRef("App.cs", module, (), 1, kind), _index(CS_TREE))
    assert (result.targets, result.external, result.unresolved) == (targets, "", "")


def test_csharp_using_inside_a_namespace_is_looked_up_from_it_outwards():
    """``namespace A.B { using C; }`` means A.B.C, then A.C, then C (Rx's ``using ObservableImpl;``)."""
    tree = {
        "Linq/Query.cs": b"namespace Acme.Reactive.Linq\n{\n    using ObservableImpl;\n    using Util;\n"
        b"    using System;\n    class Query { Zip z; Guard g; }\n}\n",
        "Linq/ObservableImpl/Zip.cs": b"namespace Acme.Reactive.Linq.ObservableImpl { class Zip {} }\n",
        "Util/Guard.cs": b"namespace Acme.Util { class Guard {} }\n",
        "Top.cs": b"using Util;\nnamespace Acme { class Top { Guard g; } }\n",  # outside any namespace: global
    }
    parsed = _parse("csharp", tree["Linq/Query.cs"], "Linq/Query.cs")
    assert [(i.module, i.within) for i in parsed.imports] == [
        ("ObservableImpl", "Acme.Reactive.Linq"),
        ("Util", "Acme.Reactive.Linq"),
        ("System", "Acme.Reactive.Linq"),
    ]
    index = _index(tree)
    found = {i.module: csharp.resolve_import(i, index) for i in parsed.imports}
    assert found["ObservableImpl"].targets == ("Linq/ObservableImpl/Zip.cs",)
    assert found["Util"].targets == ("Util/Guard.cs",)  # Acme.Reactive.Linq.Util, Acme.Reactive.Util: no; Acme.Util
    assert (found["System"].targets, found["System"].external) == ((), "System")
    top = _parse("csharp", tree["Top.cs"], "Top.cs").imports[0]
    assert top.within == "" and csharp.resolve_import(top, index).external == "Util"
    # Rx's QueryLanguage.Events.cs: `#if` around the class header leaves the block an ERROR node
    unparsed = _parse(
        "csharp",
        b"using System;\nnamespace Acme.Reactive.Linq {\n#if !NO_PERF\n    using ObservableImpl;\n"
        b"#endif\n#if NEW\n\tpublic class Q : Base {\n#else\n\tpublic class Q : Other {\n#endif\n"
        b"\t\tZip F() { return null; }\n\t}\n}\n",
        "Linq/Events.cs",
    )
    assert [(i.module, i.within) for i in unparsed.imports] == [
        ("System", ""),
        ("ObservableImpl", "Acme.Reactive.Linq"),
    ]


@pytest.mark.parametrize(
    ("module", "kind", "package"),
    [
        ("System", "using", "System"),
        ("System.Collections.Generic", "using", "System"),
        ("Newtonsoft.Json", "using", "Newtonsoft"),
        ("System.Math", "using_static", "System"),
        ("Acme.Util.Guard", "using", "Acme"),  # a plain using names a namespace, never a type
        # Microsoft.* is split: part base class library, part separate packages
        ("Microsoft.Win32.SafeHandles", "using", "Microsoft.Win32"),
        ("Microsoft.Extensions.Logging", "using", "Microsoft.Extensions"),
        ("Microsoft.CSharp.RuntimeBinder.Binder", "using_alias", "Microsoft.CSharp"),
        ("Microsoft", "using", "Microsoft"),
    ],
)
def test_csharp_unknown_is_external(module, kind, package):
    result = csharp.resolve_import(ImportRef("App.cs", module, (), 1, kind), _index(CS_TREE))
    assert (result.targets, result.external, result.unresolved) == ((), package, "")


def test_csharp_using_of_the_importers_own_namespace_is_internal_but_empty():
    # dnlib's IThreadSafeList.cs: `using ThreadSafe = dnlib.Threading.Collections;`, the namespace it declares
    index = _index(
        {
            "Threading/IThreadSafeList.cs": b"using ThreadSafe = Acme.Threading.Collections;\n"
            b"namespace Acme.Threading.Collections { public interface IThreadSafeList<T> {} }\n"
        }
    )
    for kind in ("using", "using_alias"):
        ref = ImportRef("Threading/IThreadSafeList.cs", "Acme.Threading.Collections", (), 1, kind)
        result = csharp.resolve_import(ref, index)
        assert (result.targets, result.external, result.unresolved) == ((), "", "")


def test_csharp_alias_of_a_generic_type_links_through_the_files_usings(tmp_path):
    # Mono.Cecil's AssemblyWriter.cs: `using Mono.Cecil.Metadata;` outside, `using ModuleRow = Row<...>;` inside
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    _write_tree(
        tmp_path,
        {
            "Metadata/Row.cs": "namespace Acme.Metadata { struct Row<T1, T2> {} struct Index {} }\n",
            "Metadata/Table.cs": "namespace Acme.Metadata { class Table {} }\n",
            "Writer.cs": "using Acme.Metadata;\nusing RID = System.UInt32;\n"
            "namespace Acme {\n\tusing ModuleRow = Row<RID, Index>;\n"
            "\tclass Writer { ModuleRow row; }\n}\n",
        },
    )
    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    edges = {(d.source, d.target, d.kind) for d in static.resolution.dependencies}
    assert edges == {("Writer.cs", "Metadata/Row.cs", "import"), ("Writer.cs", "Metadata/Row.cs", "type")}
    assert [(e.package, e.module) for e in static.resolution.externals] == [("System", "System.UInt32")]
    assert static.resolution.unresolved == ()


def test_csharp_namespace_with_only_sub_namespaces_is_internal_but_empty():
    result = csharp.resolve_import(ImportRef("App.cs", "Acme", (), 1, "using"), _index(CS_TREE))
    assert (result.targets, result.external, result.unresolved) == ((), "", "")


@pytest.mark.parametrize(
    ("namespace", "visible"),
    [
        ("A.B.C", ("A.B.C", "A.B", "A")),
        ("Acme", ("Acme",)),
        ("", ()),
    ],
)
def test_csharp_enclosing_namespaces(namespace, visible):
    assert csharp.visible_namespaces(namespace) == visible


# --- resolution: Go ---------------------------------------------------------

GO_TREE = {
    "go.mod": None,
    "cmd/app/main.go": b"package main\nfunc main() { model.NewOrder() }\n",
    "internal/model/order.go": b"package model\nfunc NewOrder() {}\n",
    "internal/model/customer.go": b"package model\ntype Customer struct{}\n",
    "internal/model/order_test.go": b"package model\nfunc TestOrder() {}\n",
    "tools/go.mod": None,
    "tools/gen/gen.go": b"package gen\nfunc Gen() {}\n",
}
_GO_MODS = {
    "go.mod": (
        "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/cpuguy83/go-md2man/v2 v2.0.2\n"
        "\tgoogle.golang.org/protobuf v1.28.1 // indirect\n)\n"
    ),
    # a module of the tree that another requires stays internal
    "tools/go.mod": 'module "example.com/app/tools"\nrequire example.com/app v0.0.0\nrequire golang.org/x/mod v0.7.0\n',
}


@pytest.fixture()
def go_repo(tmp_path: Path) -> RepoIndex:
    for rel, text in _GO_MODS.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return _index({k: v for k, v in GO_TREE.items() if v is not None}, tmp_path)


def test_go_config_maps_every_go_mod(go_repo):
    assert go_repo.config["go"] == go.GoConfig(
        (("example.com/app/tools", "tools"), ("example.com/app", "")),
        ("github.com/cpuguy83/go-md2man/v2", "google.golang.org/protobuf", "golang.org/x/mod"),
    )


@pytest.mark.parametrize(
    ("importer", "module", "targets"),
    [
        # narrowed to the file defining what main uses; the _test file is never a target
        ("cmd/app/main.go", "example.com/app/internal/model", ("internal/model/order.go",)),
        (
            "tools/gen/gen.go",
            "example.com/app/internal/model",
            ("internal/model/customer.go", "internal/model/order.go"),
        ),
        # the nested module wins over its parent's path prefix
        ("cmd/app/main.go", "example.com/app/tools/gen", ("tools/gen/gen.go",)),
    ],
    ids=["narrowed", "whole-package", "nested-module"],
)
def test_go_resolves_to_package_files(go_repo, importer, module, targets):
    result = go.resolve_import(ImportRef(importer, module, (), 1, "import"), go_repo)
    assert (result.targets, result.external, result.unresolved) == (targets, "", "")


@pytest.mark.parametrize(
    ("module", "package"),
    [
        ("fmt", "fmt"),
        ("net/http", "net"),
        ("github.com/google/uuid", "github.com/google/uuid"),
        ("github.com/stretchr/testify/assert", "github.com/stretchr/testify"),
        ("golang.org/x/sync/errgroup", "golang.org/x/sync"),
        ("gopkg.in/yaml.v3", "gopkg.in/yaml.v3"),
        ("example.com/other/lib", "example.com/other/lib"),
        # named after the module go.mod requires (client_golang imported two "packages" of protobuf)
        ("google.golang.org/protobuf/types/known/timestamppb", "google.golang.org/protobuf"),
        ("github.com/cpuguy83/go-md2man/v2/md2man", "github.com/cpuguy83/go-md2man/v2"),
        # not required: the host's layout
        ("google.golang.org/grpc/codes", "google.golang.org/grpc"),
        ("gopkg.in/alecthomas/kingpin.v2", "gopkg.in/alecthomas/kingpin.v2"),
        ("gopkg.in/check.v1/sub", "gopkg.in/check.v1"),
    ],
)
def test_go_unknown_is_external(go_repo, module, package):
    result = go.resolve_import(ImportRef("cmd/app/main.go", module, (), 1, "import"), go_repo)
    assert (result.targets, result.external, result.unresolved) == ((), package, "")


def test_go_missing_package_directory_is_unresolved(go_repo):
    result = go.resolve_import(ImportRef("cmd/app/main.go", "example.com/app/internal/empty", (), 1, "import"), go_repo)
    assert result.targets == () and result.external == ""
    assert "internal/empty" in result.unresolved


def test_go_without_go_mod_everything_is_external():
    index = _index({"main.go": b"package main\n"})
    result = go.resolve_import(ImportRef("main.go", "example.com/app/x", (), 1, "import"), index)
    assert result.external == "example.com/app/x"


@pytest.mark.parametrize(
    ("importer", "module", "result"),
    [
        # GOPATH-mode relative imports, as in golang.org/x/tools internal/gcimporter/testdata/b.go
        ("testdata/b.go", "./a", (("testdata/a/a.go",), "", "")),
        ("testdata/sub/c.go", "../a", (("testdata/a/a.go",), "", "")),
        ("testdata/b.go", "./missing", ((), "", "no Go files in testdata/missing (relative import)")),
    ],
    ids=["sibling", "parent", "missing"],
)
def test_go_relative_import_names_a_directory_next_to_the_importer(importer, module, result):
    index = _index(
        {
            "testdata/a/a.go": b"package a\nfunc A() {}\n",
            "testdata/b.go": b'package b\nimport "./a"\nvar _ = a.A\n',
            "testdata/sub/c.go": b'package c\nimport "../a"\n',
        }
    )
    found = go.resolve_import(ImportRef(importer, module, (), 2, "import"), index)
    assert (found.targets, found.external, found.unresolved) == result


@pytest.mark.parametrize(
    ("line", "required"),
    [
        ("require github.com/a/b v1.0.0\n", {"github.com/a/b"}),
        (
            "require (\n\tgithub.com/a/b v1.0.0 // indirect\n\t// github.com/c/d v1\n\n\tgolang.org/x/mod v0.7.0\n)\n",
            {"github.com/a/b", "golang.org/x/mod"},
        ),
        (
            "require(\n\tgithub.com/a/b v1.0.0\n)\nrequire github.com/e/f v2.0.0+incompatible\n",
            {"github.com/a/b", "github.com/e/f"},
        ),
        ("module x\n// require github.com/a/b v1\nreplace github.com/c/d => ../d\n", set()),
    ],
    ids=["single", "block", "block-no-space", "comment-and-replace"],
)
def test_go_required_modules(line, required):
    assert go.required_modules(line) == required


GOPATH_TREE = {
    "cmd/app/main.go": b'package main\nimport "github.com/pkg/errors"\nfunc main() { errors.New("x") }\n',
    "vendor/github.com/pkg/errors/errors.go": b"package errors\nfunc New(s string) error { return nil }\n",
    # golang.org/x/tools analysis tests: GOPATH=testdata, packages under testdata/src
    "testdata/src/a/a.go": b'package a\nimport (\n\t"b"\n\t"fmt"\n)\nvar _ = b.B\n',
    "testdata/src/b/b.go": b"package b\nvar B = 1\n",
    "testdata/src/fmt/fmt.go": b"package fmt\n",
}


@pytest.mark.parametrize(
    ("importer", "module", "targets", "external"),
    [
        ("cmd/app/main.go", "github.com/pkg/errors", ("vendor/github.com/pkg/errors/errors.go",), ""),
        ("testdata/src/a/a.go", "b", ("testdata/src/b/b.go",), ""),
        # GOROOT comes before GOPATH: the standard library is never looked up in the tree
        ("testdata/src/a/a.go", "fmt", (), "fmt"),
        # a src directory counts only above the importer
        ("cmd/app/main.go", "b", (), "b"),
    ],
    ids=["vendor", "gopath-src", "stdlib-first", "src-not-above"],
)
def test_go_vendor_and_gopath_directories(tmp_path, importer, module, targets, external):
    (tmp_path / "go.mod").write_text("module example.com/app\n")
    index = _index(GOPATH_TREE, tmp_path)
    found = go.resolve_import(ImportRef(importer, module, (), 2, "import"), index)
    assert (found.targets, found.external, found.unresolved) == (targets, external, "")


def test_go_analyzed_gopath_src_directory_resolves_import_paths_as_directories(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    index = _index(
        {
            "github.com/x/app/main.go": b'package main\nimport "github.com/x/lib"\n',
            "github.com/x/lib/lib.go": b"package lib\n",
        },
        root,
    )
    assert index.config["go"] == go.GoConfig(root_is_gopath=True)
    found = go.resolve_import(ImportRef("github.com/x/app/main.go", "github.com/x/lib", (), 2, "import"), index)
    assert found.targets == ("github.com/x/lib/lib.go",)


MEMBERS_TREE = {
    # prometheus/client_golang: a //go:build ignore generator (package main) beside the library,
    # whose String method matched the importer's .String() call
    "lib/lib.go": b'package lib\ntype T struct{}\nfunc New() T { return T{} }\nfunc (T) String() string { return "" }\n',
    "lib/gen.go": (
        b"//go:build ignore\n\npackage main\ntype goVersion int\n"
        b'func (g goVersion) String() string { return "" }\nfunc main() {}\n'
    ),
    "app/app.go": b'package app\nimport "example.com/m/lib"\nfunc F() string { return lib.New().String() }\n',
    # golang.org/x/tools cmd/guru: an external test of a command imports the command
    "cmd/tool/main.go": b"package main\nfunc main() { run() }\n",
    "cmd/tool/run.go": b"package main\nfunc run() {}\n",
    "cmd/tool/main_test.go": b'package main_test\nimport "example.com/m/cmd/tool"\n',
    # golang.org/x/tools container/intsets: export_test.go opens a backdoor for the external test
    "set/set.go": (
        b"package set\ntype Sparse struct{}\nfunc (s *Sparse) check() error { return nil }\n"
        b"func (s *Sparse) Len() int { return 0 }\n"
    ),
    "set/export_test.go": b"package set\nfunc (s *Sparse) Check() error { return s.check() }\n",
    "set/set_test.go": b'package set_test\nimport "example.com/m/set"\nfunc TestX() { var s set.Sparse; s.Check() }\n',
    "other/o_test.go": b'package other\nimport "example.com/m/set"\nfunc TestY() { var s set.Sparse; s.Check() }\n',
    # prometheus: a test helper of the package with a method the library defines too is no backdoor
    "set/helper_test.go": b"package set\ntype fake struct{}\nfunc (fake) Len() int { return 1 }\n",
    "set/len_test.go": b'package set_test\nimport "example.com/m/set"\nfunc TestZ() { var s set.Sparse; s.Len() }\n',
    # go/ast/astutil: the external test's own unexported parse helper is not the package's parse
    "set/parse_test.go": b"package set\nfunc parse() {}\n",
    "set/ext_test.go": (
        b'package set_test\nimport "example.com/m/set"\nfunc parse() {}\nfunc TestP() { parse(); _ = set.Sparse{} }\n'
    ),
}


@pytest.mark.parametrize(
    ("importer", "module", "targets"),
    [
        ("app/app.go", "example.com/m/lib", ("lib/lib.go",)),
        ("cmd/tool/main_test.go", "example.com/m/cmd/tool", ("cmd/tool/main.go", "cmd/tool/run.go")),
        ("set/set_test.go", "example.com/m/set", ("set/export_test.go", "set/set.go")),
        # a test elsewhere does not compile set's test files
        ("other/o_test.go", "example.com/m/set", ("set/set.go",)),
        ("set/len_test.go", "example.com/m/set", ("set/set.go",)),
        ("set/ext_test.go", "example.com/m/set", ("set/set.go",)),
    ],
    ids=["main-beside-library", "all-main", "export-test", "test-elsewhere", "not-a-backdoor", "unexported"],
)
def test_go_package_members(tmp_path, importer, module, targets):
    (tmp_path / "go.mod").write_text("module example.com/m\n")
    found = go.resolve_import(ImportRef(importer, module, (), 2, "import"), _index(MEMBERS_TREE, tmp_path))
    assert (found.targets, found.external, found.unresolved) == (targets, "", "")


@pytest.mark.parametrize(
    ("path", "namespace", "key"),
    [
        ("internal/store/memory.go", "store", "internal/store:store"),
        ("internal/store/memory_test.go", "store_test", "internal/store:store_test"),
        ("main.go", "main", ":main"),
        ("x/y.go", "", ""),
    ],
)
def test_go_namespace_key_is_directory_and_package(path, namespace, key):
    assert go.namespace_key(path, namespace) == key


def test_csharp_global_using_reaches_its_project_only(tmp_path):
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    files = {
        "lib/Helper.cs": "namespace Lib;\npublic static class Helper { public static void Run() {} }\n",
        "a/GlobalUsings.cs": "global using Lib;\n",
        "a/X.cs": "namespace A;\npublic class X { void F() { Helper.Run(); } }\n",
        "b/Y.cs": "namespace B;\npublic class Y { void F() { Helper.Run(); } }\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    edges = {(d.source, d.target, d.kind) for d in static.resolution.dependencies}
    assert edges == {
        ("a/GlobalUsings.cs", "lib/Helper.cs", "import"),
        ("a/X.cs", "lib/Helper.cs", "call"),
        ("a/X.cs", "lib/Helper.cs", "type"),
    }


def _write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _edges(root: Path) -> set[tuple[str, str, str]]:
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    static = analyze_static(Settings(root=root, use_cache=False, jobs=1, use_git_history=False))
    return {(d.source, d.target, d.kind) for d in static.resolution.dependencies}


def test_java_same_package_links_the_nearest_copy_of_a_class(tmp_path):
    # Guava's layout: guava/ and android/guava/ build the same package; its tests see their own build's
    # classes; a class only one build has (Spliterators) is seen from both
    base = "package com.g.base;\n"
    _write_tree(
        tmp_path,
        {
            "guava/src/com/g/base/Strings.java": base
            + "public final class Strings { static String of() { return null; } }\n",
            "android/guava/src/com/g/base/Strings.java": base
            + "public final class Strings { static String of() { return null; } }\n",
            "guava/src/com/g/base/Spliterators.java": base + "public final class Spliterators {}\n",
            "guava-tests/test/com/g/base/StringsTest.java": base + "class StringsTest { Strings s; Spliterators t; }\n",
            "android/guava-tests/test/com/g/base/StringsTest.java": base
            + "class StringsTest { Strings s; Spliterators t; }\n",
        },
    )
    assert _edges(tmp_path) == {
        ("guava-tests/test/com/g/base/StringsTest.java", "guava/src/com/g/base/Strings.java", "type"),
        ("guava-tests/test/com/g/base/StringsTest.java", "guava/src/com/g/base/Spliterators.java", "type"),
        ("android/guava-tests/test/com/g/base/StringsTest.java", "android/guava/src/com/g/base/Strings.java", "type"),
        ("android/guava-tests/test/com/g/base/StringsTest.java", "guava/src/com/g/base/Spliterators.java", "type"),
    }


def test_java_main_code_does_not_see_its_packages_test_classes(tmp_path):
    # Tomcat's layout: java/ and test/ both hold package org.a.core; the main class's call of run()
    # and its type Async name nothing in test/ (nor src/test/), while the test sees the main classes
    base = "package org.a.core;\n"
    _write_tree(
        tmp_path,
        {
            "java/org/a/core/Wrapper.java": base + "public class Wrapper { Async a; void go() { Helper.run(); } }\n",
            "java/org/a/core/Helper.java": base + "class Helper { static void run() {} }\n",
            "test/org/a/core/TestWrapper.java": base
            + "public class TestWrapper { public static class Async {} void check() { new Wrapper().go(); Helper.run(); } }\n",
            "mod/src/test/java/org/a/core/TesterAsync.java": base + "class TesterAsync { static class Async {} }\n",
        },
    )
    # each class is named (type) and a member of it used (call)
    assert _edges(tmp_path) == {
        ("java/org/a/core/Wrapper.java", "java/org/a/core/Helper.java", "call"),
        ("java/org/a/core/Wrapper.java", "java/org/a/core/Helper.java", "type"),
        ("test/org/a/core/TestWrapper.java", "java/org/a/core/Wrapper.java", "call"),
        ("test/org/a/core/TestWrapper.java", "java/org/a/core/Wrapper.java", "type"),
        ("test/org/a/core/TestWrapper.java", "java/org/a/core/Helper.java", "call"),
        ("test/org/a/core/TestWrapper.java", "java/org/a/core/Helper.java", "type"),
    }


def test_java_requires_links_the_module_info_declaring_the_module(tmp_path):
    _write_tree(
        tmp_path,
        {
            "app/src/main/java/module-info.java": "// a module { in a comment is no declaration\nmodule m.app {\n  requires m.lib;\n"
            "  requires java.sql;\n  requires org.slf4j; requires m.lib.extra;\n  uses m.lib.Spi;\n}\n",
            "lib/src/main/java/module-info.java": "/* module other { */\n@Deprecated\nopen module m . lib { exports m.lib; }\n",
            "lib/src/main/java/m/lib/Spi.java": "package m.lib;\npublic interface Spi {}\n",
            # the same module again in another build: app's own tree is nearer
            "android/lib/src/main/java/module-info.java": "module m.lib {}\n",
        },
    )
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    assert {(d.source, d.target, d.kind, d.line) for d in static.resolution.dependencies} == {
        ("app/src/main/java/module-info.java", "lib/src/main/java/module-info.java", "import", 3),
        ("app/src/main/java/module-info.java", "lib/src/main/java/m/lib/Spi.java", "import", 6),
    }
    assert {(e.module, e.package, e.standard) for e in static.resolution.externals} == {
        # a module under the repository's own package prefix m.lib is named in full, as its classes would be
        ("java.sql", "java", True),
        ("org.slf4j", "org.slf4j", False),
        ("m.lib.extra", "m.lib.extra", False),
    }
    config = java.load_config(
        tmp_path,
        frozenset(
            {
                "app/src/main/java/module-info.java",
                "lib/src/main/java/module-info.java",
                "android/lib/src/main/java/module-info.java",
                "lib/src/main/java/m/lib/Spi.java",
            }
        ),
    )
    assert config.modules == (
        ("m.app", "app/src/main/java/module-info.java"),
        ("m.lib", "android/lib/src/main/java/module-info.java"),
        ("m.lib", "lib/src/main/java/module-info.java"),
    )


def test_csharp_project_files_and_their_using_items(tmp_path):
    _write_tree(
        tmp_path,
        {
            "src/App/App.csproj": (
                '<Project Sdk="Microsoft.NET.Sdk" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">'
                '<ItemGroup><Using Include="App.Domain" /><Using Include="global::App.Util.Guard" Static="True" />'
                '<Using Include="App.Data.Store" Alias="Db" /><Using Remove="System.Linq" /><Using Include=" " />'
                "</ItemGroup></Project>"
            ),
            "src/App/Sub/X.cs": "",
            "src/App/Y.cs": "",
            "tests/App.Tests/App.Tests.csproj": "<Project><ItemGroup><Using Include=",  # broken XML
            "tests/App.Tests/T.cs": "",
            "loose/Z.cs": "",
        },
    )
    files = frozenset({"src/App/Sub/X.cs", "src/App/Y.cs", "tests/App.Tests/T.cs", "loose/Z.cs"})
    config = csharp.load_config(tmp_path, files)
    assert config == csharp.CSharpConfig(
        (
            csharp.Project(
                "src/App",
                "src/App/App.csproj",
                (
                    (csharp.KIND_USING, "App.Domain"),
                    (csharp.KIND_STATIC, "App.Util.Guard"),
                    (csharp.KIND_ALIAS, "App.Data.Store"),
                ),
            ),
            csharp.Project("tests/App.Tests", "tests/App.Tests/App.Tests.csproj", ()),
        )
    )
    assert config.project_of("src/App/Sub/X.cs").directory == "src/App"
    assert config.project_of("loose/Z.cs") is None
    index = RepoIndex(files=files, config={"csharp": config})
    assert [(r.path, r.module, r.kind, r.scope) for r in csharp.project_imports(index)] == [
        ("src/App/App.csproj", "App.Domain", csharp.KIND_USING, "src/App"),
        ("src/App/App.csproj", "App.Util.Guard", csharp.KIND_STATIC, "src/App"),
        ("src/App/App.csproj", "App.Data.Store", csharp.KIND_ALIAS, "src/App"),
    ]


def test_csharp_global_using_in_a_subfolder_reaches_its_whole_project(tmp_path):
    _write_tree(
        tmp_path,
        {
            "lib/Helper.cs": "namespace Lib;\npublic static class Helper { public static void Run() {} }\n",
            "app/App.csproj": '<Project Sdk="Microsoft.NET.Sdk" />\n',
            "app/Properties/Usings.cs": "global using Lib;\n",
            "app/X.cs": "namespace A;\npublic class X { void F() { Helper.Run(); } }\n",
            "other/Other.csproj": '<Project Sdk="Microsoft.NET.Sdk" />\n',
            "other/Y.cs": "namespace B;\npublic class Y { void F() { Helper.Run(); } }\n",
        },
    )
    assert _edges(tmp_path) == {
        ("app/Properties/Usings.cs", "lib/Helper.cs", "import"),
        ("app/X.cs", "lib/Helper.cs", "call"),
        ("app/X.cs", "lib/Helper.cs", "type"),
    }


def test_csharp_project_using_items_make_names_visible_without_import_edges(tmp_path):
    _write_tree(
        tmp_path,
        {
            "lib/Helper.cs": "namespace Lib;\npublic static class Helper { public static void Run() {} }\n",
            "app/App.csproj": '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><Using Include="Lib" />'
            '<Using Include="Newtonsoft.Json" /></ItemGroup></Project>\n',
            "app/X.cs": "namespace A;\npublic class X { void F() { Helper.Run(); } }\n",
            "other/Y.cs": "namespace B;\npublic class Y { void F() { Helper.Run(); } }\n",
        },
    )
    assert _edges(tmp_path) == {("app/X.cs", "lib/Helper.cs", "call"), ("app/X.cs", "lib/Helper.cs", "type")}


LEGACY_CSPROJ = """<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="15.0" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <ItemGroup>
    <Compile Include="Program.cs" />
    <Compile Include="Models\\Order.cs;Models\\Customer.cs" />
    <Compile Include="Services\\*.cs" />
    <Compile Include="..\\Shared\\Util.cs">
      <Link>Util.cs</Link>
    </Compile>
  </ItemGroup>
</Project>
"""


def test_a_legacy_project_lists_the_files_it_does_not_compile(tmp_path):
    """A non-SDK .csproj builds only its <Compile> items: the other C# files under it are reported
    (info diagnostics), whatever language files sit elsewhere; an SDK-style project builds everything."""
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    _write_tree(
        tmp_path,
        {
            "legacy/App/App.csproj": LEGACY_CSPROJ,
            "legacy/App/Program.cs": "class Program {}\n",
            "legacy/App/Models/Order.cs": "class Order {}\n",
            "legacy/App/Models/Customer.cs": "class Customer {}\n",
            "legacy/App/Models/OldOrder.cs": "class OldOrder {}\n",
            "legacy/App/Services/Billing.cs": "class Billing {}\n",
            "legacy/App/Services/Archive/Export.cs": "class Export {}\n",
            "legacy/Shared/Util.cs": "class Util {}\n",
            "modern/Modern.csproj": '<Project Sdk="Microsoft.NET.Sdk" />\n',
            "modern/X.cs": "class X {}\n",
        },
    )
    config = csharp.load_config(tmp_path, frozenset({"legacy/App/Program.cs", "modern/X.cs"}))
    assert config.projects[0].compiled == (
        "legacy/App/Models/Customer.cs",
        "legacy/App/Models/Order.cs",
        "legacy/App/Program.cs",
        "legacy/App/Services/*.cs",
        "legacy/Shared/Util.cs",
    )
    assert config.projects[1].compiled is None
    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    notes = [(d.path, d.severity, d.message) for d in static.diagnostics if "<Compile>" in d.message]
    assert notes == [
        (path, "info", "not built: not in the <Compile> items of legacy/App/App.csproj (dead or excluded code)")
        for path in ("legacy/App/Models/OldOrder.cs", "legacy/App/Services/Archive/Export.cs")
    ]
    from analyzer.documents import report
    from analyzer.documents.facts import static_facts

    assert (
        "- 2 source files are not built by their project (`legacy/App/Models/OldOrder.cs`, "
        "`legacy/App/Services/Archive/Export.cs`): dead or excluded code"
    ) in report.risks_section(static_facts(static)).body


def test_a_compile_list_with_msbuild_properties_is_not_judged(tmp_path):
    _write_tree(tmp_path, {"App/App.csproj": LEGACY_CSPROJ.replace('"Program.cs"', '"$(Src)\\Program.cs"')})
    assert csharp.load_config(tmp_path, frozenset({"App/X.cs"})).projects[0].compiled is None


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("src/*.cs", "src/A.cs", True),
        ("src/*.cs", "src/sub/A.cs", False),
        ("src/**/*.cs", "src/A.cs", True),
        ("src/**/*.cs", "src/a/b/A.cs", True),
        ("src/A?.cs", "src/AB.cs", True),
        ("src/A?.cs", "src/A.cs", False),
        ("src/a.b.cs", "src/aXb.cs", False),
    ],
)
def test_msbuild_globs(pattern, path, matches):
    assert bool(csharp._glob(pattern).fullmatch(path)) is matches


def test_java_reflective_loads_are_imports_or_run_time_names(tmp_path):
    """Class.forName / loadClass with a literal name link to the class (or its package outside the
    repository: a JDBC driver); a name built at run time is listed as unresolved; another class's
    forName is not a load."""
    _write_tree(
        tmp_path,
        {
            "src/app/Main.java": (
                "package app;\n"
                "class Main { void f(String kind) throws Exception {\n"
                '  Class.forName("com.mysql.cj.jdbc.Driver");\n'
                '  java.lang.Class.forName("app.plugins.Csv$Row");\n'
                '  getClass().getClassLoader().loadClass("app.plugins.Pdf");\n'
                '  Class.forName("app.plugins." + kind);\n'
                '  Other.forName("app.plugins.Pdf");\n'
                "} }\n"
            ),
            "src/app/plugins/Csv.java": "package app.plugins;\npublic class Csv { public static class Row {} }\n",
            "src/app/plugins/Pdf.java": "package app.plugins;\npublic class Pdf {}\n",
        },
    )
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    imports = {(d.source, d.target, d.line) for d in static.resolution.dependencies if d.kind == "import"}
    assert imports == {
        ("src/app/Main.java", "src/app/plugins/Csv.java", 4),
        ("src/app/Main.java", "src/app/plugins/Pdf.java", 5),
    }
    assert [(e.package, e.module, e.line) for e in static.resolution.externals] == [
        ("com.mysql", "com.mysql.cj.jdbc.Driver", 3)
    ]
    assert [(u.module, u.line, u.reason) for u in static.resolution.unresolved] == [
        ('"app.plugins." + kind', 6, "module name built at run time")
    ]


def test_csharp_type_get_type_loads_are_imports_or_run_time_names(tmp_path):
    """Type.GetType with a literal name links to the type's file (a nested one through its outer type);
    a framework type is its external package; a name built at run time is listed as unresolved;
    obj.GetType() and other classes' GetType are not loads."""
    _write_tree(
        tmp_path,
        {
            "src/App/Main.cs": (
                "namespace App;\n"
                "class Main { void F(object o, string kind) {\n"
                '  var a = Type.GetType("Acme.Plugins.Csv, Acme.Plugins");\n'
                '  var b = System.Type.GetType("Acme.Plugins.Outer+Inner");\n'
                '  var c = Type.GetType("System.Data.SqlClient.SqlConnection, System.Data");\n'
                '  var d = Type.GetType("Acme.Plugins." + kind);\n'
                '  var e = Type.GetType("Acme.Plugins.Missing");\n'
                "  var f = o.GetType();\n"
                "} }\n"
            ),
            "src/Plugins/Csv.cs": "namespace Acme.Plugins;\npublic class Csv {}\n",
            "src/Plugins/Outer.cs": "namespace Acme.Plugins;\npublic class Outer { public class Inner {} }\n",
        },
    )
    from analyzer.config import Settings
    from analyzer.pipeline import analyze_static

    static = analyze_static(Settings(root=tmp_path, use_cache=False, jobs=1, use_git_history=False))
    imports = {(d.target, d.line) for d in static.resolution.dependencies if d.kind == "import"}
    assert imports == {("src/Plugins/Csv.cs", 3), ("src/Plugins/Outer.cs", 4)}
    assert [(e.package, e.line, e.standard) for e in static.resolution.externals] == [("System", 5, True)]
    assert [(u.module, u.line, u.reason) for u in static.resolution.unresolved] == [
        ('"Acme.Plugins." + kind', 6, "module name built at run time"),
        ("Acme.Plugins.Missing", 7, "no type of that name in its namespace"),
    ]

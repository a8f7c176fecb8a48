"""C# type facts (``csharp_types``) and the type-aware linker (``csharp_linking``) on small sources:
real tree-sitter parses, the real resolve stage."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter_c_sharp
from tree_sitter import Language, Parser

from analyzer.config import Settings
from analyzer.static.discover import discover_files
from analyzer.static.languages.csharp_types import type_facts
from analyzer.static.parse import parse_files
from analyzer.static.resolve import resolve_dependencies

_PARSER = Parser(Language(tree_sitter_c_sharp.language()))


def _facts(source: bytes) -> tuple:
    return type_facts(_PARSER.parse(source).root_node)


def _edges(root: Path, files: dict[str, str]) -> set[tuple[str, str, str]]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    settings = Settings(root=root, use_cache=False, jobs=1, use_git_history=False)
    parsed = parse_files(discover_files(settings).files, settings)
    return {(d.source, d.target, d.kind) for d in resolve_dependencies(parsed, settings).dependencies}


def _symbols(root: Path, source: str, target: str) -> set[str]:
    settings = Settings(root=root, use_cache=False, jobs=1, use_git_history=False)
    parsed = parse_files(discover_files(settings).files, settings)
    deps = resolve_dependencies(parsed, settings).dependencies
    return {s for d in deps if d.source == source and d.target == target and d.kind == "call" for s in d.symbols}


# --- facts ------------------------------------------------------------------


def test_types_are_qualified_by_their_namespaces():
    usings, classes, _, _, _ = _facts(
        b"using A.B; using static C.D; using X = E.F; global using G;\n"
        b"namespace Outer { namespace Inner.Deep { class K { class N {} } } }\n"
    )
    names = [(c[0], c[1]) for c in classes]
    assert names == [("Outer.Inner.Deep.K", "Outer.Inner.Deep"), ("Outer.Inner.Deep.K.N", "Outer.Inner.Deep.K")]
    assert usings == (
        ("using", "A.B", "", "", False),
        ("static", "C.D", "", "", False),
        ("alias", "E.F", "X", "", False),
        ("using", "G", "", "", True),
    )


def test_members_properties_indexers_partial_and_extensions():
    _, classes, _, partial, extensions = _facts(
        b"namespace N;\n"
        b"public static partial class Ext { public static int Twice(this Box b, int k) => 0; }\n"
        b"public record Box(int Width, Lid Top) { public string Name { get; set; }\n"
        b"  public Item this[int i] => null; public List<Item> Items; }\n"
    )
    box = next(c for c in classes if c[0] == "N.Box")
    assert dict(box[3]) == {"Width": "System.Int32", "Top": "Lid", "Name": "System.String", "Items": "List<Item>"}
    assert [m[:3] for m in box[4]] == [("this[]", 1, "Item")]
    assert partial == ("N.Ext",)
    assert extensions == (("N.Ext", "Twice"),)


def test_generic_types_keep_their_arguments_and_mark_type_variables():
    _, classes, _, _, _ = _facts(b"class Repo<T> : Base<T> where T : Entity { T Find(int id) => default; }")
    (repo,) = classes
    assert repo[2] == ("Base<!T>",)
    assert repo[4][0][:3] == ("Find", 1, "!T")
    assert repo[6] == (("T", "Entity"),)


def test_receivers_of_locals_follow_their_declared_type_or_initializer():
    _, _, uses, _, _ = _facts(
        b"class C { void M(Order o) { var a = new Order(); Order b = new(); var c = o as Order;\n"
        b"  foreach (var x in o.Lines) x.Ship(); a.Go(); b.Go(); c.Go(); Make().Go(); } }"
    )
    calls = {u[0][1:3] for u in uses if u[0][0] == "call"}
    assert (("t", "Order"), "Go") in calls  # var from new T(), target-typed new(), as T
    assert (("it", ("f", ("t", "Order"), "Lines")), "Ship") in calls
    assert (("m", None, "Make", 0, ()), "Go") in calls
    assert ("new", "Order") in {u[0] for u in uses}  # Order b = new() constructs an Order


def test_lambda_parameters_without_types_hide_members():
    _, _, uses, _, _ = _facts(b"class C { int Size; void M() { Run(Size => Size.Go()); } }")
    receivers = [u[0][1] for u in uses if u[0][0] == "call" and u[0][2] == "Go"]
    assert receivers == [("lp", None, "Run", 1, 0, (None,), 0)]  # the parameter of Run's delegate, not C.Size


# --- linking ----------------------------------------------------------------

_MODEL = {
    "Model/Box.cs": "namespace Shop.Model;\npublic class Box : Container { public int Size() => 1; }\n",
    "Model/Crate.cs": "namespace Shop.Model;\npublic class Crate { public int Size() => 2; }\n",
    "Model/Container.cs": "namespace Shop.Model;\npublic abstract class Container : ISealed { public void Seal() {} }\n",
    "Model/ISealed.cs": "namespace Shop.Model;\npublic interface ISealed { void Seal(); }\n",
}


def test_a_call_links_to_the_class_of_its_receiver_only(tmp_path):
    edges = _edges(
        tmp_path,
        _MODEL
        | {"App/A.cs": "using Shop.Model;\nclass A { int M(Box b, Vendor v) => b.Size() + v.Size() + v.Seal(); }\n"},
    )
    calls = {t for s, t, k in edges if s == "App/A.cs" and k == "call"}
    assert calls == {"Model/Box.cs"}


def test_inherited_members_come_from_the_base_class_before_interfaces(tmp_path):
    edges = _edges(tmp_path, _MODEL | {"App/A.cs": "using Shop.Model;\nclass A { void M(Box b) { b.Seal(); } }\n"})
    assert ("App/A.cs", "Model/Container.cs", "call") in edges
    assert ("App/A.cs", "Model/ISealed.cs", "call") not in edges


def test_collections_linq_and_extension_methods(tmp_path):
    files = _MODEL | {
        "Util/BoxExt.cs": "namespace Shop.Util;\nusing Shop.Model;\n"
        "public static class BoxExt { public static int Weight(this Container c) => 1; }\n",
        "App/A.cs": "using System.Linq; using Shop.Model; using Shop.Util;\n"
        "class A { Dictionary<string, List<Box>> byName;\n"
        '  void M() { foreach (var pair in byName) pair.Value[0].Size(); byName["x"].First().Weight(); } }\n',
    }
    edges = _edges(tmp_path, files)
    assert _symbols(tmp_path, "App/A.cs", "Model/Box.cs") == {"Size"}
    assert ("App/A.cs", "Util/BoxExt.cs", "call") in edges


def test_an_extension_method_needs_its_namespace(tmp_path):
    files = _MODEL | {
        "Util/BoxExt.cs": "namespace Shop.Util;\nusing Shop.Model;\n"
        "public static class BoxExt { public static int Weight(this Box b) => 1; }\n",
        "App/A.cs": "using Shop.Model;\nclass A { void M(Box b) { b.Weight(); } }\n",
    }
    assert not any(s == "App/A.cs" and t == "Util/BoxExt.cs" for s, t, _ in _edges(tmp_path, files))


def test_partial_members_link_to_the_part_declaring_them(tmp_path):
    files = {
        "M/Order.A.cs": "namespace M;\npublic partial class Order : Entity { public int Total() => 0; }\n",
        "M/Order.B.cs": "namespace M;\npublic partial class Order { public string Note { get; } }\n",
        "M/Entity.cs": "namespace M;\npublic class Entity { public int Id { get; } }\n",
        "App.cs": "using M;\nclass App { void Run(Order o) { o.Total(); var n = o.Note; var i = o.Id; } }\n",
    }
    _edges(tmp_path, files)
    assert _symbols(tmp_path, "App.cs", "M/Order.A.cs") == {"Total"}
    assert _symbols(tmp_path, "App.cs", "M/Order.B.cs") == {"Note"}
    assert _symbols(tmp_path, "App.cs", "M/Entity.cs") == {"Id"}


def test_types_statics_attributes_nameof_typeof_and_casts(tmp_path):
    files = {
        "M/Tools.cs": "namespace M;\npublic static class Tools { public static int Max = 1; public static void Run() {} }\n",
        "M/CheckAttribute.cs": "namespace M;\npublic class CheckAttribute : System.Attribute {}\n",
        "M/Pet.cs": "namespace M;\npublic class Pet { public string Name { get; } }\n",
        "App.cs": "using M;\n[Check]\nclass App { void Run(object o) { Tools.Run(); var t = typeof(Pet);\n"
        "  if (o is Pet p) { } var q = (Pet)o; var n = nameof(Pet.Name); } }\n",
    }
    edges = _edges(tmp_path, files)
    assert ("App.cs", "M/CheckAttribute.cs", "type") in edges
    assert ("App.cs", "M/Pet.cs", "type") in edges
    assert _symbols(tmp_path, "App.cs", "M/Tools.cs") == {"Run"}
    assert _symbols(tmp_path, "App.cs", "M/Pet.cs") == {"Name"}


@pytest.mark.parametrize(
    ("using", "expected"),
    [
        ("using Far;", "Near/Deep/Item.cs"),  # the enclosing namespace wins over a using at the top
        ("using Alias = Far.Item;", "Near/Deep/Item.cs"),
    ],
)
def test_names_are_looked_up_from_the_innermost_namespace(tmp_path, using, expected):
    files = {
        "Near/Deep/Item.cs": "namespace Near.Deep;\npublic class Item { public void Go() {} }\n",
        "Far/Item.cs": "namespace Far;\npublic class Item { public void Go() {} }\n",
        "Near/Deep/App.cs": f"{using}\nnamespace Near.Deep {{ class App {{ void M(Item i) {{ i.Go(); }} }} }}\n",
    }
    edges = _edges(tmp_path, files)
    assert {t for s, t, k in edges if s == "Near/Deep/App.cs" and k == "call"} == {expected}


def test_a_using_alias_and_a_global_using_name_types(tmp_path):
    files = {
        "Lib/Thing.cs": "namespace Lib;\npublic class Thing { public void Go() {} }\n",
        "Usings.cs": "global using Lib;\n",
        "A.cs": "using T2 = Lib.Thing;\nclass A { void M(T2 t) { t.Go(); } }\n",
        "B.cs": "class B { void M(Thing t) { t.Go(); } }\n",
    }
    edges = _edges(tmp_path, files)
    assert ("A.cs", "Lib/Thing.cs", "call") in edges
    assert ("B.cs", "Lib/Thing.cs", "call") in edges


def test_base_and_this_members(tmp_path):
    files = {
        "M/Base.cs": "namespace M;\npublic class Base { public virtual void Run() {} public int Count; }\n",
        "M/Kid.cs": "namespace M;\npublic class Kid : Base { public override void Run() { base.Run(); this.Count = 2; } }\n",
    }
    _edges(tmp_path, files)
    assert _symbols(tmp_path, "M/Kid.cs", "M/Base.cs") == {"Base", "Count", "Run"}


def test_extension_methods_on_library_types_yield_to_their_own_members(tmp_path):
    files = {
        "U/StringUtils.cs": "using System.Collections.Generic;\nnamespace U;\npublic static class StringUtils {\n"
        "  public static string FormatWith(this string s, object a) => s;\n"
        "  public static int IndexOf<T>(this IEnumerable<T> items, T item) => 0; }\n",
        "A.cs": "using U;\nclass A { int M(string text) { \"{0}\".FormatWith(1); return text.IndexOf('.'); } }\n",
        "B.cs": "using U;\nclass B { int M(string text) => text.IndexOf('.'); }\n",
    }
    edges = _edges(tmp_path, files)
    assert _symbols(tmp_path, "A.cs", "U/StringUtils.cs") == {"FormatWith"}  # string has its own IndexOf
    assert not any(s == "B.cs" and k == "call" for s, _, k in edges)


_BROKEN_HEADER = (
    b"namespace N\n{\n    public abstract class Token : IA<Token>, IB\n#if !(CORE || PORTABLE)\n        , IC\n"
    b"#endif\n#if !(NET35 || NET20)\n        , ID\n#endif\n    {\n        private Token _next;\n"
    b"        public Token Next { get; }\n#if NET45\n        public int Depth;\n#endif\n"
    b"        public void Walk() { Next.Walk(); }\n    }\n}\n"
)


def test_members_after_a_base_list_with_an_if_belong_to_their_type():
    header = _PARSER.parse(_BROKEN_HEADER).root_node.named_children[0].child_by_field_name("body").named_children[0]
    assert header.child_by_field_name("body") is None  # the grammar's limit this reads past
    _, classes, uses, _, _ = _facts(_BROKEN_HEADER)
    token = next(c for c in classes if c[0] == "N.Token")
    # the grammar's error recovery swallows the first member (`_next`) into the header: lost
    assert dict(token[3]) == {"Next": "Token", "Depth": "System.Int32"}
    assert [m[0] for m in token[4]] == ["Walk"]
    assert any(u[0][0] == "call" and u[0][2] == "Walk" and u[1] == "N.Token" for u in uses)


def test_an_extension_method_wins_over_an_instance_method_of_another_arity(tmp_path):
    files = {
        "L/Token.cs": "namespace L;\npublic class Token { public T Value<T>(object key) => default; }\n",
        "L/Extensions.cs": "using System.Collections.Generic;\nnamespace L;\n"
        "public static class Extensions { public static U Value<U>(this Token t) => default; }\n",
        "A.cs": "using L;\nclass A { void M(Token t) { t.Value<int>(); } }\n",
        "B.cs": 'using L;\nclass B { void M(Token t) { t.Value<int>("k"); } }\n',
    }
    _edges(tmp_path, files)
    assert _symbols(tmp_path, "A.cs", "L/Extensions.cs") == {"Value"}
    assert _symbols(tmp_path, "A.cs", "L/Token.cs") == set()
    assert _symbols(tmp_path, "B.cs", "L/Token.cs") == {"Value"}


def test_lambda_parameters_take_the_delegate_parameter_of_the_called_method(tmp_path):
    files = _MODEL | {
        "App/A.cs": "using System.Linq; using Shop.Model;\n"
        "class A { List<Box> boxes; Box[] more;\n"
        "  void M() { boxes.Where(b => b.Size() > 1); more.First(x => x.Seal() != null); }\n"
        "  void N(Crate c) { boxes.Select(b => b).Any(k => k.Size() > 0); } }\n",
    }
    _edges(tmp_path, files)
    assert _symbols(tmp_path, "App/A.cs", "Model/Box.cs") == {"Size"}
    assert _symbols(tmp_path, "App/A.cs", "Model/Container.cs") == {"Seal"}


def test_a_local_delegate_call_is_its_invoke(tmp_path):
    files = {
        "L/Maker.cs": "namespace L;\npublic delegate Item Maker(int n);\n",
        "L/Item.cs": "namespace L;\npublic class Item { public void Go() {} }\n",
        "A.cs": "using L;\nclass A { void M(Maker make, System.Func<int, int> f) { make(1).Go(); f(2); } }\n",
    }
    _edges(tmp_path, files)
    assert _symbols(tmp_path, "A.cs", "L/Maker.cs") == {"Invoke"}
    assert _symbols(tmp_path, "A.cs", "L/Item.cs") == {"Go"}

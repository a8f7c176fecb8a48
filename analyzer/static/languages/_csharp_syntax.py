"""Syntax helpers of ``csharp_types``: C# types written as ``_java_generics`` strings, a type
declaration's type variables, and the members a class body declares.

A type is written with its type arguments (``Dictionary<String,List<Order>>[]``, read back by
``_java_generics.split``); a type variable of an enclosing class or method is ``!T`` (the linker
binds it), a nullable type is its underlying one, ``global::`` is dropped, and a built-in type
keyword is its class in ``System`` (``string`` -> ``System.String``: the stubs of ``_csharp_bcl``
declare the few the linker needs); a tuple, pointer or function pointer type is "" (unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tree_sitter import Node

from analyzer.static.languages._java_generics import UNKNOWN

#: node types that write a type
TYPE_NODES = frozenset(
    {
        "identifier",
        "qualified_name",
        "generic_name",
        "alias_qualified_name",
        "predefined_type",
        "array_type",
        "nullable_type",
        "pointer_type",
        "tuple_type",
        "ref_type",
        "scoped_type",
        "function_pointer_type",
        "implicit_type",
    }
)
_BUILT_IN = {
    "string": "System.String",
    "object": "System.Object",
    "bool": "System.Boolean",
    "int": "System.Int32",
    "long": "System.Int64",
    "double": "System.Double",
    "char": "System.Char",
    "byte": "System.Byte",
    "decimal": "System.Decimal",
}
#: the locals' marker of a member of the enclosing type: a use of the name is looked up there
FIELD: tuple[str, ...] = ("field",)
#: a class's or a method's type variable in scope -> what it stands for (``!T`` or a bound)
TypeVars = Callable[[str], str | None]


def text(node: Node | None) -> str:
    """A node's text without whitespace ("" for None)."""
    if node is None or node.text is None:
        return ""
    found = node.text.decode("utf-8", "replace")
    return "".join(found.split()) if node.child_count else found  # a leaf (a name) holds no whitespace


def write(node: Node | None, tparam: TypeVars) -> str:
    """A type node as a generic type string (see the module's doc); "" when nothing is known."""
    if node is None:
        return ""
    t = node.type
    if t == "identifier":
        name = text(node)
        found = tparam(name)
        return name if found is None else found
    if t == "qualified_name":
        head = write(node.child_by_field_name("qualifier"), _no_vars)
        last = write(node.child_by_field_name("name"), _no_vars)
        return f"{head}.{last}" if head and last else ""
    if t == "alias_qualified_name":
        return write(node.child_by_field_name("name"), _no_vars)
    if t == "generic_name":
        parts = node.named_children
        base = text(parts[0]) if parts else ""
        arguments = next((c for c in parts if c.type == "type_argument_list"), None)
        args = [write(a, tparam) or UNKNOWN for a in arguments.named_children] if arguments is not None else []
        return f"{base}<{','.join(args)}>" if args else base
    if t == "predefined_type":
        return _BUILT_IN.get(text(node), "")
    if t == "array_type":
        inner = write(node.child_by_field_name("type"), tparam)
        return inner + "[]" if inner else ""
    if t in ("nullable_type", "ref_type", "scoped_type"):
        inner_node = node.child_by_field_name("type") or (node.named_children[0] if node.named_children else None)
        return write(inner_node, tparam)
    return ""


def erase(node: Node | None) -> str:
    """A type as written without type arguments (``A.B.C``, ``Foo[]``), type variables left as
    written; "" for built-in and unknown types."""
    written = write(node, _no_vars)
    if "<" not in written:
        return written
    out, depth = [], 0
    for ch in written:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _no_vars(name: str) -> str | None:
    return None


def type_parameters(decl: Node) -> dict[str, str]:
    """A declaration's type variables -> the first class or interface constraint its ``where``
    clause gives it, erased ("" without one)."""
    out: dict[str, str] = {}
    params = decl.child_by_field_name("type_parameters") or next(
        (c for c in decl.named_children if c.type == "type_parameter_list"), None
    )
    for p in params.named_children if params is not None else ():
        if p.type == "type_parameter":
            node = p.child_by_field_name("name") or next((c for c in p.named_children if c.type == "identifier"), None)
            out[text(node)] = ""
    for clause in decl.named_children:
        if clause.type != "type_parameter_constraints_clause" or not clause.named_children:
            continue
        variable = text(clause.named_children[0])
        for constraint in clause.named_children[1:]:
            type_node = constraint.child_by_field_name("type")
            if variable in out and not out[variable] and type_node is not None:
                out[variable] = erase(type_node)
    return out


def parameters(node: Node | None) -> list[Node]:
    """The ``parameter`` nodes of a parameter list."""
    return [p for p in (node.named_children if node is not None else ()) if p.type == "parameter"]


def has_modifier(node: Node, word: str) -> bool:
    """Whether a declaration (or a parameter) carries the modifier ``word``."""
    return any(c.type == "modifier" and text(c) == word for c in node.children)


def params_parameter(node: Node | None) -> tuple[Node | None, Node | None]:
    """(type, name) of a parameter list's ``params T[] xs`` (the grammar writes it as fields of the
    list itself, not as a ``parameter``); (None, None) without one."""
    if node is None or not any(c.type == "params" for c in node.children):
        return None, None
    return node.child_by_field_name("type"), node.child_by_field_name("name")


def record_parameters(decl: Node) -> Node | None:
    """The parameter list of a record (or of a class's primary constructor), if any (none in a header
    with an error: ``#if !(A || B)`` in a base list reads as one)."""
    if any(c.type == "ERROR" for c in decl.children):
        return None
    return decl.child_by_field_name("parameters") or next(
        (c for c in decl.named_children if c.type == "parameter_list"), None
    )


_DIRECTIVES = frozenset({"preproc_if", "preproc_elif", "preproc_else"})
#: what may follow a type header tree-sitter could not close
_MEMBERS = frozenset(
    {
        "field_declaration",
        "property_declaration",
        "method_declaration",
        "constructor_declaration",
        "destructor_declaration",
        "indexer_declaration",
        "event_declaration",
        "event_field_declaration",
        "operator_declaration",
        "conversion_operator_declaration",
        "comment",
        "ERROR",  # a stray `#endif` of the broken #if
        "preproc_region",
        "preproc_endregion",
        # a nested type (a file rarely declares a second top-level type after such a header)
        "class_declaration",
        "struct_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "delegate_declaration",
        *_DIRECTIVES,
    }
)


def body_members(decl: Node) -> tuple[list[Node], bool]:
    """The member declarations of a type, those inside ``#if`` blocks too, and whether they had to be
    taken from after the type: an ``#if`` in a base list (``class JToken : A\n#if X\n , B\n#endif``)
    leaves tree-sitter a header with an error and no body, its members following it as siblings."""
    body = decl.child_by_field_name("body")
    if body is not None:
        return _flatten(body.named_children), False
    found = []
    sibling = decl.next_named_sibling if any(c.type == "ERROR" for c in decl.children) else None
    while sibling is not None and sibling.type in _MEMBERS:
        found.append(sibling)
        sibling = sibling.next_named_sibling
    return _flatten(found), True


def _flatten(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        if node.type in _DIRECTIVES or node.type == "ERROR":
            out.extend(_flatten(node.named_children))
        else:
            out.append(node)
    return out


def members(nodes: list[Node], decl: Node, ex: Any) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]], set[str]]:
    """The fields (fields, properties, events, enum members, record parameters) and methods
    (indexers as ``this[]``) a type declares, and the names of its extension methods."""
    fields: list[tuple[str, str]] = []
    methods: list[tuple[Any, ...]] = []
    extensions: set[str] = set()
    own = ex.scope
    for p in parameters(record_parameters(decl)):  # a record's (or a primary constructor's)
        fields.append((text(p.child_by_field_name("name")), ex.written(p.child_by_field_name("type"))))
    for member in nodes:
        t = member.type
        if any(c.type == "explicit_interface_specifier" for c in member.named_children):
            continue  # `T IFoo.Bar()` is called through the interface only
        if t == "enum_member_declaration":
            fields.append((text(member.child_by_field_name("name")), own))
        elif t in ("field_declaration", "event_field_declaration"):
            declaration = next((c for c in member.named_children if c.type == "variable_declaration"), None)
            written = ex.written(declaration.child_by_field_name("type")) if declaration is not None else ""
            for declarator in declaration.named_children if declaration is not None else ():
                if declarator.type == "variable_declarator":
                    fields.append((text(declarator.child_by_field_name("name")), written))
        elif t in ("property_declaration", "event_declaration"):
            fields.append((text(member.child_by_field_name("name")), ex.written(member.child_by_field_name("type"))))
        elif t in ("method_declaration", "indexer_declaration"):
            method, is_extension = _method(member, ex)
            methods.append(method)
            if is_extension:
                extensions.add(method[0])
    return fields, methods, extensions


def _method(member: Node, ex: Any) -> tuple[tuple[Any, ...], bool]:
    """(name, nargs, returns, parameter types, is_abstract, type variables) of a method or an
    indexer, and whether it is an extension method (its first parameter says ``this``)."""
    bounds = type_parameters(member)
    ex.tparams.append({name: "!" + name for name in bounds})  # bound (or inferred) by the linker
    written = ex.written(member.child_by_field_name("returns") or member.child_by_field_name("type"))
    plist_node = member.child_by_field_name("parameters")
    plist = parameters(plist_node)
    types = tuple(ex.written(p.child_by_field_name("type")) for p in plist)
    rest, _ = params_parameter(plist_node)
    if rest is not None:
        types += (ex.written(rest),)
    ex.tparams.pop()
    count = -1 if rest is not None else len(plist)
    name = "this[]" if member.type == "indexer_declaration" else text(member.child_by_field_name("name"))
    is_abstract = member.child_by_field_name("body") is None and not has_modifier(member, "static")
    is_extension = bool(plist) and has_modifier(plist[0], "this") and has_modifier(member, "static")
    return (name, count, written, types, is_abstract, tuple(bounds.items())), is_extension

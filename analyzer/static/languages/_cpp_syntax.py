"""C++ syntax helpers of ``cpp_types``: types as written, declarator and member names, export macros."""

from __future__ import annotations

import re
from functools import cache

import tree_sitter_cpp
from tree_sitter import Language, Node, Parser

from analyzer.static.languages.base import node_text as text

#: class templates whose object stands for their first type argument (``p->m()`` on a
#: ``std::unique_ptr<T>`` calls ``T::m``)
POINTERS = frozenset({"unique_ptr", "shared_ptr", "weak_ptr", "scoped_refptr", "optional"})
#: nodes naming a type in a declaration's ``type`` field
TYPE_NAMES = frozenset({"type_identifier", "qualified_identifier", "template_type"})
#: declarators wrapping the declared name (``*x``, ``&x``, ``x[3]``, ``x = 1``...)
_WRAPPERS = frozenset(
    {
        "pointer_declarator",
        "reference_declarator",
        "array_declarator",
        "init_declarator",
        "parenthesized_declarator",
        "attributed_declarator",
        "variadic_declarator",
    }
)


def scope_parts(node: Node | None) -> list[str]:
    """``a::B<int>::`` -> ["a", "B"]: the names of a qualified identifier's scope."""
    if node is None:
        return []
    if node.type == "qualified_identifier":
        return scope_parts(node.child_by_field_name("scope")) + scope_parts(node.child_by_field_name("name"))
    if node.type == "template_type":
        return [text(node.child_by_field_name("name"))]
    if node.type in ("namespace_identifier", "type_identifier", "identifier"):
        return [text(node)]
    return []


def written(node: Node | None) -> str:
    """A type node as the class it names: ``const ns::Foo&`` -> ``ns::Foo``, ``std::unique_ptr<Foo>``
    -> ``Foo``; "" for a builtin, ``auto``, a dependent or unnamed type."""
    if node is None:
        return ""
    t = node.type
    if t == "type_identifier":
        return text(node)
    if t in ("class_specifier", "struct_specifier", "union_specifier", "enum_specifier"):
        return written(node.child_by_field_name("name"))
    if t == "type_descriptor":
        return written(node.child_by_field_name("type"))
    if t == "template_type":
        name = text(node.child_by_field_name("name"))
        return _pointee(node) if name in POINTERS else name
    if t == "qualified_identifier":
        inner = node.child_by_field_name("name")
        while inner is not None and inner.type == "qualified_identifier":
            inner = inner.child_by_field_name("name")
        if inner is not None and inner.type == "template_type" and text(inner.child_by_field_name("name")) in POINTERS:
            return _pointee(inner)
        parts = scope_parts(node)
        return "::".join(parts) if parts and parts[0] != "std" else ""
    return ""


def _pointee(template: Node) -> str:
    arguments = template.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return written(first)


def declared_name(node: Node | None) -> Node | None:
    """The identifier a declarator declares (``*x = 1`` -> ``x``); None for a function declarator."""
    while node is not None and node.type in _WRAPPERS:
        inner = node.child_by_field_name("declarator")
        if inner is None:  # reference_declarator has no field
            inner = next((c for c in node.named_children if c.type not in ("type_qualifier",)), None)
        node = inner
    if node is not None and node.type in ("identifier", "field_identifier"):
        return node
    return None


def function_declarator(node: Node | None) -> Node | None:
    """The function declarator inside a declarator (``*f()`` -> ``f()``), if it declares a function."""
    while node is not None and node.type in _WRAPPERS:
        inner = node.child_by_field_name("declarator")
        if inner is None:
            inner = next((c for c in node.named_children if c.type != "type_qualifier"), None)
        node = inner
    return node if node is not None and node.type == "function_declarator" else None


def template_names(node: Node) -> set[str]:
    """The type parameters a ``template_declaration`` introduces."""
    params = node.child_by_field_name("parameters")
    out: set[str] = set()
    for p in params.named_children if params is not None else []:
        for c in p.named_children:
            if c.type == "type_identifier":
                out.add(text(c))
            elif c.type in ("identifier",):
                out.add(text(c))
    return out


def function_name(declarator: Node) -> tuple[str, str]:
    """A function declarator's (qualifier as written, name): ``A::m`` -> ("A", "m"), ``f`` -> ("", "f")."""
    name = declarator.child_by_field_name("declarator")
    if name is None:
        return "", ""
    if name.type == "qualified_identifier":
        parts = scope_parts(name.child_by_field_name("scope"))
        inner = name.child_by_field_name("name")
        while inner is not None and inner.type == "qualified_identifier":
            parts += scope_parts(inner.child_by_field_name("scope"))
            inner = inner.child_by_field_name("name")
        return "::".join(parts), text(inner)
    if name.type == "template_function":
        return "", text(name.child_by_field_name("name"))
    return "", text(name)


#: where a bare ``class Foo;`` stands (a forward declaration)
_STATEMENT_LISTS = frozenset(
    {
        "translation_unit",
        "declaration_list",
        "field_declaration_list",
        "template_declaration",
        "friend_declaration",
        "preproc_if",
        "preproc_ifdef",
        "preproc_else",
        "preproc_elif",
    }
)
#: ``class LEVELDB_EXPORT Status {``: an export macro between the keyword and the name, which the
#: grammar reads as the class's name (and the rest as a function): blanked, the file is parsed again
_EXPORT_MACRO = re.compile(
    rb"\b(?:class|struct|union)\s+([A-Z][A-Z0-9_]*[A-Z0-9])\s+(?=[A-Za-z_]\w*(?:\s*<[^;{]*>)?\s*(?:final\s*)?[:{])"
)
#: ``SPDLOG_API void f();``, ``FMT_CONSTEXPR static const char* x``: a macro opening a declaration
#: line, before its type (an identifier followed by a space, ``*``, ``&`` or ``<``)
_LEADING_MACRO = re.compile(
    rb"^[ \t]*(?:\[\[[^\]\n]*\]\][ \t]*)?([A-Z][A-Z0-9_]*[A-Z0-9])[ \t]+(?=[A-Za-z_][\w:]*[ \t*&<])", re.M
)
#: ``void f() SPDLOG_NOEXCEPT;``: a macro after a declarator's parameters
_TRAILING_MACRO = re.compile(rb"\)[ \t]*(?:const[ \t]*)?([A-Z][A-Z0-9_]*[A-Z0-9])[ \t]*(?=[;{]|override|final|->)")
_MACROS = (_EXPORT_MACRO, _LEADING_MACRO, _TRAILING_MACRO)


def is_forward(specifier: Node) -> bool:
    """``class Foo;``, ``friend class Foo;``: a declaration of the name, not a use."""
    parent = specifier.parent
    if parent is None:
        return False
    if parent.type in ("declaration", "field_declaration"):
        return parent.child_by_field_name("declarator") is None
    return parent.type in _STATEMENT_LISTS


def member_name(field: Node | None) -> str:
    """``x.m``, ``x.template m<T>``, ``x.~T``: the member's name."""
    if field is None:
        return ""
    if field.type in ("template_method", "dependent_name"):
        inner = field.child_by_field_name("name") or (field.named_children[0] if field.named_children else None)
        return member_name(inner)
    return text(field) if field.type in ("field_identifier", "identifier") else ""


def split_qualified(node: Node) -> tuple[str, str]:
    """``a::B::m`` -> ("a::B", "m"); a template function's name without its arguments."""
    parts = scope_parts(node.child_by_field_name("scope"))
    inner = node.child_by_field_name("name")
    while inner is not None and inner.type == "qualified_identifier":
        parts += scope_parts(inner.child_by_field_name("scope"))
        inner = inner.child_by_field_name("name")
    if inner is not None and inner.type in ("template_function", "template_type"):
        inner = inner.child_by_field_name("name")
    return "::".join(parts), text(inner) if inner is not None else ""


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_cpp.language()))


def without_export_macros(root: Node) -> tuple[Node, list[tuple[str, int]]]:
    """The tree of the file with the macros around its declarations blanked (export, inline and
    ``noexcept`` macros, which the grammar cannot read; the same tree when it has none), and each
    macro blanked with its line (a use of the macro all the same)."""
    source = root.text or b""
    found: list[tuple[str, int]] = []
    blanked = source
    for pattern in _MACROS:
        for m in pattern.finditer(blanked):
            found.append((m.group(1).decode("ascii"), blanked.count(b"\n", 0, m.start(1)) + 1))
        blanked = pattern.sub(_blank, blanked)
    return (root if blanked == source else _parser().parse(blanked).root_node), found


def _blank(match: re.Match[bytes]) -> bytes:
    start, end = match.span(1)
    text = match.group(0)
    offset = start - match.start(0)
    return text[:offset] + b" " * (end - start) + text[offset + end - start :]

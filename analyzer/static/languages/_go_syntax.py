"""Go types as the type facts keep them: syntax nodes -> small tuples (see ``go_types``).

A type is one of ``("n", qualifier, name)`` (a named type; qualifier "" or an import's name),
``("p", t)`` (pointer), ``("s", t)`` (slice or array), ``("m", key, value)``, ``("c", t)`` (channel),
``("f", results)`` (a function type: its result types), ``("e", t)`` (the element type of the
named type ``t``: an elided composite literal's, ``Items{{...}}`` for a ``type Items []Item``), or
``("o", fields, embeds)`` (an inline struct type: its ``(name, type)`` fields and embedded types), or
None (anything else: an inline interface, a type parameter without a named constraint).
Type arguments are erased (``List[T]`` -> ``List``); a type parameter stands for its constraint
when that is one named type.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages.base import node_text as text

#: a type as the facts keep it (see the module doc string)
GoType = Any
#: builtins whose result is (a pointer to) their type argument, or their first argument
ALLOCATORS = frozenset({"new", "make"})
#: what a called function can be wrapped in: ``F[int](x)``, ``(f)(x)``
INSTANTIATIONS = frozenset({"index_expression", "generic_type", "parenthesized_expression"})
#: nodes that open a scope for the names declared in them
SCOPES = frozenset(
    "block if_statement for_statement expression_switch_statement select_statement expression_case"
    " default_case communication_case".split()
)
#: nodes that hold no name (skipped without a call)
LEAVES = frozenset(
    "comment interpreted_string_literal raw_string_literal int_literal float_literal imaginary_literal"
    " rune_literal nil true false iota field_identifier label_name".split()
)
_MAX_NESTING = 40
_WRAPPERS = {"pointer_type": "p", "slice_type": "s", "array_type": "s", "implicit_length_array_type": "s"}


def go_type(node: Node | None, params: dict[str, GoType], depth: int = 0) -> GoType:
    """The type tuple of a type node; ``params`` maps the type parameters in scope to their constraint
    (None past ``_MAX_NESTING`` levels)."""
    if node is None or depth > _MAX_NESTING:
        return None
    t = node.type
    if t == "type_identifier":
        name = text(node)
        return params[name] if name in params else ("n", "", name)
    if t == "qualified_type":
        return ("n", text(node.child_by_field_name("package")), text(node.child_by_field_name("name")))
    if t == "generic_type":
        return go_type(node.child_by_field_name("type"), params, depth + 1)
    if t in ("parenthesized_type", "type_elem", "type_constraint") and node.named_child_count == 1:
        return go_type(node.named_children[0], params, depth + 1)
    if t in _WRAPPERS:
        inner = node.child_by_field_name("element") or (node.named_children[-1] if node.named_children else None)
        elem = go_type(inner, params, depth + 1)
        return (_WRAPPERS[t], elem) if elem is not None else None
    if t == "map_type":
        key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
        return ("m", go_type(key, params, depth + 1), go_type(value, params, depth + 1))
    if t == "channel_type":
        elem = go_type(node.child_by_field_name("value"), params, depth + 1)
        return ("c", elem) if elem is not None else None
    if t == "function_type":
        return ("f", results(node.child_by_field_name("result"), params, depth + 1))
    if t == "struct_type":
        return ("o", *struct_fields(node, params, depth + 1))
    return None


def struct_fields(
    node: Node, params: dict[str, GoType], depth: int = 0
) -> tuple[tuple[tuple[str, GoType], ...], tuple[GoType, ...]]:
    """A struct type's ``(name, type)`` fields (an embedded one under its type's name) and the types
    it embeds."""
    fields: list[tuple[str, GoType]] = []
    embeds: list[GoType] = []
    for decls in node.named_children:
        for decl in decls.named_children if decls.type == "field_declaration_list" else ():
            if decl.type != "field_declaration":
                continue
            t = go_type(decl.child_by_field_name("type"), params, depth)
            names = decl.children_by_field_name("name")
            fields.extend((text(n), t) for n in names)
            if not names:
                embeds.append(t)
                bare = t[1] if t is not None and t[0] == "p" else t
                if bare is not None and bare[0] == "n":
                    fields.append((bare[2], t))
    return tuple(fields), tuple(embeds)


def results(node: Node | None, params: dict[str, GoType], depth: int = 0) -> tuple[GoType, ...]:
    """A function's result types by position (``(T, error)``; a named result list counts each name)."""
    if node is None:
        return ()
    if node.type != "parameter_list":
        return (go_type(node, params, depth),)
    out: list[GoType] = []
    for decl in node.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        t = go_type(decl.child_by_field_name("type"), params, depth)
        out.extend([t] * max(1, len(decl.children_by_field_name("name"))))
    return tuple(out)


def type_parameters(node: Node, params: dict[str, GoType]) -> dict[str, GoType]:
    """``params`` plus the type parameters a declaration introduces (``[T Stringer, K comparable]``)."""
    found = node.child_by_field_name("type_parameters")
    if found is None:
        return params
    out = dict(params)
    for decl in found.named_children:
        if decl.type != "type_parameter_declaration":
            continue
        constraint = decl.child_by_field_name("type")
        bound = go_type(constraint, out)
        for name in decl.children_by_field_name("name"):
            out[text(name)] = bound if bound is not None and bound[0] == "n" else None
    return out


def receiver_type(node: Node) -> tuple[str, tuple[str, ...]]:
    """The type name of a method's receiver (``(s *Set[T])`` -> ``Set``) and its type parameter names."""
    receiver = node.child_by_field_name("receiver")
    decls = [d for d in receiver.named_children if d.type == "parameter_declaration"] if receiver else []
    if not decls:
        return "", ()
    t = decls[0].child_by_field_name("type")
    while t is not None and t.type in ("pointer_type", "parenthesized_type"):
        t = t.named_children[0] if t.named_children else None
    if t is None:
        return "", ()
    if t.type == "generic_type":
        args = t.child_by_field_name("type_arguments")
        names = tuple(text(a) for a in args.named_children) if args is not None else ()
        return text(t.child_by_field_name("type")), names
    return (text(t), ()) if t.type == "type_identifier" else ("", ())


def element(t: GoType) -> GoType:
    """What indexing a value of type ``t`` gives (a slice's element, a map's value), if known here."""
    while t is not None and t[0] == "p":
        t = t[1]
    if t is None:
        return None
    if t[0] in ("s", "c"):
        return t[1]
    if t[0] == "m":
        return t[2]
    return None


def import_alias(path: str) -> str:
    """The name an unaliased import of ``path`` is used by, as most packages name themselves:
    the last element, without a major-version element (``hcl/v2`` -> ``hcl``), ``go-``/``.vN``."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        parts.pop()
    last = parts[-1] if parts else path
    last = last.removeprefix("go-").split(".")[0]
    return last.replace("-", "_")


def element_node(shape: Node | None) -> Node | None:
    """The written element type of a slice, array or map type (a pointer's target), if written."""
    if shape is None:
        return None
    if shape.type in ("slice_type", "array_type", "implicit_length_array_type", "map_type"):
        shape = shape.child_by_field_name("value" if shape.type == "map_type" else "element")
    while shape is not None and shape.type == "pointer_type" and shape.named_children:
        shape = shape.named_children[0]
    return shape

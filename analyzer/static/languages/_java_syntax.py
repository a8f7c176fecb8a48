"""Syntax helpers of ``java_types``: written types (erased), argument counts, a class body's members."""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

TYPE_NODES = frozenset({"type_identifier", "scoped_type_identifier", "generic_type", "array_type", "annotated_type"})


def erase(node: Node | None) -> str:
    """A type as written, without type arguments or annotations (``a.b.C.D``, ``Foo[]``); "" for
    primitives and anything else."""
    if node is None:
        return ""
    t = node.type
    if t == "type_identifier" or t == "identifier":
        return text(node)
    if t in ("scoped_type_identifier", "scoped_identifier"):
        parts = [c for c in node.named_children if c.type not in ("annotation", "marker_annotation")]
        if len(parts) < 2:
            return ""
        head = erase(parts[0])
        return f"{head}.{text(parts[-1])}" if head else ""
    if t == "generic_type":
        return erase(node.named_children[0]) if node.named_children else ""
    if t == "array_type":
        inner = erase(node.child_by_field_name("element"))
        dims = node.child_by_field_name("dimensions")
        return inner + "[]" * max(1, text(dims).count("[")) if inner else ""
    if t == "annotated_type":
        return erase(node.named_children[-1]) if node.named_children else ""
    return ""


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return "".join(node.text.decode("utf-8", "replace").split())


def nargs(node: Node) -> int:
    arguments = node.child_by_field_name("arguments")
    return len(arguments.named_children) if arguments is not None else 0


def type_nodes(node: Node) -> list[Node]:
    """The type nodes of a ``superclass`` / ``super_interfaces`` / ``type_list`` clause."""
    out: list[Node] = []
    for child in node.named_children:
        if child.type in TYPE_NODES:
            out.append(child)
        elif child.type == "type_list":
            out.extend(type_nodes(child))
    return out


def type_parameters(node: Node | None) -> dict[str, str]:
    """Type variable -> its first bound erased ("" when unbounded)."""
    out: dict[str, str] = {}
    if node is None:
        return out
    for param in node.named_children:
        if param.type != "type_parameter":
            continue
        name = next((c for c in param.named_children if c.type in ("type_identifier", "identifier")), None)
        bound = next((c for c in param.named_children if c.type == "type_bound"), None)
        first = bound.named_children[0] if bound is not None and bound.named_children else None
        if name is not None:
            out[text(name)] = erase(first)
    return out


_PARAMETERS = ("formal_parameter", "spread_parameter")


def _is_static(member: Node) -> bool:
    modifiers = next((c for c in member.children if c.type == "modifiers"), None)
    return modifiers is not None and any(c.type == "static" for c in modifiers.children)


def _spread_type(param: Node) -> Node | None:
    return next((c for c in param.named_children if c.type in TYPE_NODES), None)


def members(body: Node | None, decl: Node, ex: Any) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    """The fields and methods a class body declares (record components and enum constants too)."""
    fields: list[tuple[str, str]] = []
    methods: list[tuple[Any, ...]] = []
    if decl.type == "record_declaration":
        for param in (decl.child_by_field_name("parameters") or decl).named_children:
            if param.type == "formal_parameter":
                written = ex.written(param.child_by_field_name("type"))
                name = text(param.child_by_field_name("name"))
                fields.append((name, written))
                methods.append((name, 0, written, (), False, ()))
    if decl.type == "enum_declaration":  # the methods the compiler adds to every enum
        methods += [("values", 0, ex.scope + "[]", (), False, ()), ("valueOf", 1, ex.scope, ("String",), False, ())]
    if body is None:
        return fields, methods
    own = ex.scope
    for member in body.named_children:
        t = member.type
        if t == "enum_constant":
            fields.append((text(member.child_by_field_name("name")), own))
        elif t == "enum_body_declarations":
            more_fields, more_methods = members(member, member, ex)
            fields += more_fields
            methods += more_methods
        elif t in ("field_declaration", "constant_declaration"):
            written = ex.written(member.child_by_field_name("type"))
            for declarator in member.children_by_field_name("declarator"):
                dims = "[]" * text(declarator.child_by_field_name("dimensions")).count("[")
                fields.append((text(declarator.child_by_field_name("name")), written + dims if written else ""))
        elif t in ("method_declaration", "annotation_type_element_declaration"):
            bounds = type_parameters(member.child_by_field_name("type_parameters"))
            ex.tparams.append({name: "!" + name for name in bounds})  # bound (or inferred) by the linker
            written = ex.written(member.child_by_field_name("type"))
            params = member.child_by_field_name("parameters")
            plist = [p for p in (params.named_children if params is not None else ()) if p.type in _PARAMETERS]
            types = tuple(ex.written(p.child_by_field_name("type") or _spread_type(p)) for p in plist)
            ex.tparams.pop()
            varargs = any(p.type == "spread_parameter" for p in plist)
            count = -1 if varargs else sum(p.type == "formal_parameter" for p in plist)
            is_abstract = member.child_by_field_name("body") is None and not _is_static(member)
            methods.append(
                (text(member.child_by_field_name("name")), count, written, types, is_abstract, tuple(bounds.items()))
            )
    return fields, methods

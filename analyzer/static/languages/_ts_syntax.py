"""TypeScript syntax read by ``ts_types``: types as written, imports and exports, hoisted names."""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages.base import node_text as text
from analyzer.static.languages.base import strip_quotes

Recv = tuple[Any, ...] | None
TYPE_NAMES = frozenset({"type_identifier", "nested_type_identifier"})
#: generic types whose argument is what a receiver of them is used as
_UNWRAPPED = frozenset({"Promise", "PromiseLike", "Readonly", "Required", "Partial", "NonNullable"})
#: types nested deeper (``Array<Array<...>>``) name no type the linker would find
_MAX_NESTING = 40
#: a union of more members names no single type (and is not read further)
_MAX_UNION = 8
_ARRAYS = frozenset({"Array", "ReadonlyArray", "Set", "ReadonlySet"})
CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
FUNCTIONS = frozenset(
    {"function_declaration", "generator_function_declaration", "function_expression", "generator_function"}
)
SCOPES = frozenset({"statement_block", "for_statement", "switch_body", "class_body"})
PARAMETERS = frozenset({"required_parameter", "optional_parameter"})
UNWRAP_EXPRESSIONS = frozenset({"non_null_expression", "parenthesized_expression", "await_expression"})


def written(node: Node | None, params: dict[str, str] | None = None, depth: int = 0) -> str:
    """A type node as a receiver type (see the module's doc); "" when it names no single type."""
    if node is None or depth > _MAX_NESTING:
        return ""
    t = node.type
    if t == "type_annotation" or t in ("parenthesized_type", "readonly_type"):
        return written(node.named_children[-1], params, depth + 1) if node.named_children else ""
    if t in TYPE_NAMES:
        name = "".join(text(node).split())
        head = name.split(".", 1)[0]
        if params is not None and head in params:
            return params[head] + name[len(head) :] if params[head] else ""
        return name
    if t == "generic_type":
        name = written(node.child_by_field_name("name"), params)
        arguments = node.child_by_field_name("type_arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        if name in _UNWRAPPED:
            return written(first, params, depth + 1)
        if name in _ARRAYS:
            inner = written(first, params, depth + 1)
            return inner + "[]" if inner else ""
        return name
    if t == "array_type":
        inner = written(node.named_children[0], params, depth + 1) if node.named_children else ""
        return inner + "[]" if inner else ""
    if t == "union_type":
        found = [w for w in (written(c, params, depth + 1) for c in _union_members(node)) if w]
        return found[0] if len(found) == 1 else ""
    return ""


def _union_members(node: Node) -> list[Node]:
    """The members of ``A | B | C`` (nested left to right, as deep as it is long), read iteratively."""
    out: list[Node] = []
    todo = [node]
    while todo and len(out) <= _MAX_UNION:
        n = todo.pop()
        if n.type == "union_type":
            todo.extend(reversed(n.named_children))
        else:
            out.append(n)
    return out


def hoisted(block: Node) -> dict[str, Recv]:
    """Functions and classes declared in a block are visible in all of it (before their line too)."""
    out: dict[str, Recv] = {}
    for child in block.named_children:
        if child.type in FUNCTIONS or child.type in CLASSES:
            name = child.child_by_field_name("name")
            if name is not None:
                out[text(name)] = None
    return out


def by_name(members: list[tuple[str, Recv]]) -> tuple[tuple[str, Recv], ...]:
    """Members sorted by name, the first of each name (an overload's first signature)."""
    out: dict[str, Recv] = {}
    for name, recv in members:
        out.setdefault(name, recv)
    return tuple(sorted(out.items(), key=lambda m: m[0]))


def parameters(fn: Node) -> list[Node]:
    """A function's parameters, without a ``this: T`` declaration (which takes no argument)."""
    params = fn.child_by_field_name("parameters")
    if params is None:
        return []
    return [p for p in params.named_children if p.type in PARAMETERS and not _declares_this(p)]


def _declares_this(parameter: Node) -> bool:
    pattern = parameter.child_by_field_name("pattern")
    return pattern is not None and pattern.type == "this"


def import_bindings(node: Node) -> list[tuple[str, str, str]]:
    """(local, module, imported) of an import statement (imported ``*`` for a namespace, ``default``)."""
    out: list[tuple[str, str, str]] = []
    source = node.child_by_field_name("source")
    for child in node.named_children:
        if child.type == "import_require_clause":
            name = child.named_children[0] if child.named_children else None
            module = child.child_by_field_name("source")
            if name is not None and module is not None:
                out.append((text(name), strip_quotes(text(module)), "*"))
        elif child.type == "import_clause" and source is not None:
            out.extend(_import_clause(child, strip_quotes(text(source))))
    return out


def _import_clause(clause: Node, module: str) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for child in clause.named_children:
        if child.type == "identifier":
            out.append((text(child), module, "default"))
        elif child.type == "namespace_import" and child.named_children:
            out.append((text(child.named_children[0]), module, "*"))
        elif child.type == "named_imports":
            for spec in (s for s in child.named_children if s.type == "import_specifier"):
                name = text(spec.child_by_field_name("name"))
                alias = spec.child_by_field_name("alias")
                out.append((text(alias) if alias is not None else name, module, name))
    return out


def export_entries(node: Node) -> list[tuple[str, str, str]]:
    """(exported, module, name there) of an export statement (module "" for the file's own names;
    ``("*", module, "*")`` for ``export * from``); ``export default`` of a declaration or a name."""
    source = node.child_by_field_name("source")
    module = strip_quotes(text(source)) if source is not None else ""
    out: list[tuple[str, str, str]] = []
    declaration = node.child_by_field_name("declaration")
    value = node.child_by_field_name("value")
    if any(not c.is_named and c.type == "default" for c in node.children):
        declared = declaration.child_by_field_name("name") if declaration is not None else None
        if declared is not None:
            out.append(("default", "", text(declared)))
        elif value is not None:
            out.append(("default", "", text(value) if value.type == "identifier" else ""))
    for child in node.named_children:
        if child.type == "export_clause":
            for spec in (s for s in child.named_children if s.type == "export_specifier"):
                name = text(spec.child_by_field_name("name"))
                alias = spec.child_by_field_name("alias")
                out.append((text(alias) if alias is not None else name, module, name))
        elif child.type == "namespace_export" and child.named_children and module:
            out.append((text(child.named_children[0]), module, "*"))
    if module and not any(c.type in ("export_clause", "namespace_export") for c in node.named_children):
        out.append(("*", module, "*"))
    return out


def query_head(node: Node) -> Node | None:
    """The name ``typeof a.b.c`` starts from (``a``); None when it is no plain name."""
    head = node.named_children[0] if node.named_children else None
    while head is not None and head.type == "member_expression":
        head = head.child_by_field_name("object")
    return head if head is not None and head.type == "identifier" else None


def signature(fn: Node, params: dict[str, str]) -> tuple[Any, ...]:
    """The parameter types of a function or method: each a receiver (see ``ts_types``), or for a callback
    parameter ``("fn", its parameters' receivers)`` (``operate(init: (source: Observable<T>) => void)``)."""
    out: list[Any] = []
    for p in parameters(fn):
        annotation = p.child_by_field_name("type")
        inner = annotation.named_children[-1] if annotation is not None and annotation.named_children else None
        if inner is not None and inner.type == "function_type":
            out.append(("fn", tuple(_typed(q.child_by_field_name("type"), params) for q in parameters(inner))))
        else:
            out.append(_typed(annotation, params))
    return tuple(out)


def _typed(node: Node | None, params: dict[str, str]) -> Recv:
    w = written(node, params)
    return ("t", w) if w else None

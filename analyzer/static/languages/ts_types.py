"""TypeScript type facts: what one file imports, exports and declares, and for each use of a name
what its receiver is (``ts_linking`` resolves them over the repository's files).

A type is kept as written, erased (``Map<K, V>`` -> ``Map``; ``Promise<T>``, ``T | null`` and
``readonly T`` -> ``T``; ``T[]`` and ``Array<T>`` keep ``[]``); a type variable stands for its
constraint ("" without one: unknown).  A receiver (an expression) is one of:

* ``("t", "A.B[]")``: a type as written; ``("n", "x")``: a name that is no local of the file;
* ``("f", recv, "x")``: property ``x`` of ``recv``; ``("m", recv, "m")``: what method ``m`` of
  ``recv`` returns; ``("c", "f")``: what the file-level function ``f`` returns;
* ``("this",)``, ``("super",)``, ``("e", recv)`` (an element of the array ``recv``);
* ``("a", callee, i, j)``: parameter j of the function passed as argument i to ``callee`` (``("c", f)``,
  ``("m", recv, m)`` or ``("new", "T")``), typed by the callee's declared parameter (a callback).

A local (a parameter, a ``const``, a destructured name) holds its declared type, else its
initializer's receiver (destructured: its part of it); without either it holds None: nothing is linked
through it, and it hides a file-level name of the same spelling.

The facts (plain tuples, picklable): ``(imports, exports, decls, classes, uses, signatures)`` where
``imports`` holds ``(local, module, imported)`` (imported ``*`` for a namespace, ``default``);
``exports`` ``(exported, module, local)`` (module "" for the file's own names, ``("*", module, "*")``
for ``export * from``); ``decls`` ``(name, kind, recv)`` for the file-level names (kind class,
interface, function, variable, alias, enum, namespace; recv a variable's type, a function's return,
an alias's target); ``classes`` ``(name, supers, fields, methods)`` with ``(name, recv)`` members;
``uses`` ``(use, scope, line, count)``, a use one of ``("type", t)``, ``("inherit", t)``,
``("name", x)``, ``("tname", x)`` (a value named in a type: ``typeof x``) and
``("member", recv, x)``, ``scope`` the class it is written in; ``signatures`` ``((class or "", function),
parameter types)``, a callback parameter's type ``("fn", its parameters' types)``.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages._ts_syntax import (
    FUNCTIONS,
    TYPE_NAMES,
    Recv,
    by_name,
    export_entries,
    import_bindings,
    parameters,
    signature,
    written,
)
from analyzer.static.languages._ts_walk import Extractor
from analyzer.static.languages.base import node_text as text


def _class_like(ex: Extractor, node: Node, depth: int) -> None:
    name = text(node.child_by_field_name("name"))
    kind = "interface" if node.type == "interface_declaration" else "class"
    ex.file_level(name, kind)
    saved_params = ex.with_params(node)
    outer, ex.scope = ex.scope, name
    supers: list[str] = []
    for child in node.named_children:
        if child.type == "class_heritage":
            for clause in child.named_children:
                _heritage(ex, clause, supers)
        elif child.type == "extends_type_clause":
            _heritage(ex, child, supers)
    body = node.child_by_field_name("body")
    fields: list[tuple[str, Recv]] = []
    methods: list[tuple[str, Recv]] = []
    if body is not None:
        for member in body.named_children:
            _member(ex, member, fields, methods)
        ex.locals.append({})
        for member in body.named_children:
            ex.visit(member, depth)
        ex.locals.pop()
    if name:
        ex.classes.append((name, tuple(s for s in supers if s), by_name(fields), by_name(methods)))
    ex.scope = outer
    ex.params = saved_params


def _heritage(ex: Extractor, clause: Node, supers: list[str]) -> None:
    """``extends Base<T>`` / ``implements I`` / an interface's ``extends A, B``: inherit uses."""
    for child in clause.named_children:
        if child.type == "type_arguments":
            ex.type_uses(child)
            continue
        if child.type in ("identifier", "member_expression"):
            w = "".join(text(child).split())
            supers.append(w)
            ex.use(("inherit", w), child)
        elif child.type in TYPE_NAMES or child.type == "generic_type":
            supers.append(written(child, ex.params))
            name = child.child_by_field_name("name") if child.type == "generic_type" else child
            if name is not None:
                ex.use(("inherit", "".join(text(name).split())), name)
            ex.type_uses(child.child_by_field_name("type_arguments"))
        elif child.type == "call_expression":
            ex.visit(child)


def _member(ex: Extractor, member: Node, fields: list[tuple[str, Recv]], methods: list[tuple[str, Recv]]) -> None:
    """A class or interface member: a field or property with its type, a method with its return type."""
    t = member.type
    name = text(member.child_by_field_name("name"))
    if t in ("public_field_definition", "property_signature", "field_definition"):
        type_node = member.child_by_field_name("type")
        recv = ex.typed(type_node) if type_node is not None else ex.recv(member.child_by_field_name("value"))
        fields.append((name, recv))
    elif t in ("method_definition", "method_signature", "abstract_method_signature"):
        ex.signatures.append((ex.scope, name, signature(member, ex.params)))
        if name == "constructor":
            for p in parameters(member):
                if any(c.type == "accessibility_modifier" or text(c) == "readonly" for c in p.children):
                    fields.append((text(p.child_by_field_name("pattern")), ex.typed(p.child_by_field_name("type"))))
        elif member.child_by_field_name("return_type") is not None or t != "method_definition":
            getter = any(not c.is_named and text(c) == "get" for c in member.children)
            target = fields if getter else methods
            target.append((name, ex.typed(member.child_by_field_name("return_type"))))
        else:
            methods.append((name, None))


def _on_function(ex: Extractor, node: Node, depth: int) -> None:
    """A function, method or arrow function: its parameters are locals with their declared types (an
    untyped parameter of a callback: the type the callee declares for it)."""
    context, ex.callback = ex.callback, None
    returns = ex.typed(node.child_by_field_name("return_type"))
    if node.type in FUNCTIONS and node.type.endswith("declaration"):
        name = text(node.child_by_field_name("name"))
        ex.file_level(name, "function", returns)
        if not ex.locals:
            ex.signatures.append(("", name, signature(node, ex.params)))
    saved = ex.with_params(node)
    ex.locals.append({})
    single = node.child_by_field_name("parameter")
    if single is not None:
        ex.declare(text(single), ("a", context[0], context[1], 0) if context else None)
    for n, p in enumerate(parameters(node)):
        _parameter(ex, p, ("a", context[0], context[1], n) if context else None, depth)
    ex.type_uses(node.child_by_field_name("return_type"))
    for child in node.named_children:
        if child.type == "decorator":
            ex.visit(child, depth)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()
    ex.params = saved


def _parameter(ex: Extractor, p: Node, contextual: Recv, depth: int) -> None:
    type_node = p.child_by_field_name("type")
    ex.type_uses(type_node)
    pattern = p.child_by_field_name("pattern")
    if pattern is not None and pattern.type == "rest_pattern":
        pattern = pattern.named_children[0] if pattern.named_children else None
    ex.declare_pattern(pattern, ex.typed(type_node) if type_node is not None else contextual)
    value = p.child_by_field_name("value")
    if value is not None:
        ex.visit(value, depth)
    for decorator in (c for c in p.named_children if c.type == "decorator"):
        ex.visit(decorator, depth)


def _on_call(ex: Extractor, node: Node, depth: int) -> None:
    """A call or ``new``: a function passed to it takes the parameter types the callee declares for it."""
    callee = ex.callee(node)
    arguments = node.child_by_field_name("arguments")
    for child in node.named_children:
        if child != arguments:
            ex.visit(child, depth)
    if arguments is None:
        return
    for i, argument in enumerate(arguments.named_children):
        if callee is not None and argument.type in ("arrow_function", "function_expression"):
            ex.callback = (callee, i)
            ex.visit(argument, depth)
            ex.callback = None
        else:
            ex.visit(argument, depth)


def _on_variable(ex: Extractor, node: Node, depth: int) -> None:
    for declarator in (c for c in node.named_children if c.type == "variable_declarator"):
        type_node = declarator.child_by_field_name("type")
        ex.type_uses(type_node)
        value = declarator.child_by_field_name("value")
        if value is not None:
            ex.visit(value, depth)
        recv = ex.typed(type_node) if type_node is not None else ex.recv(value)
        name = declarator.child_by_field_name("name")
        if name is None:
            continue
        if name.type != "identifier":
            ex.declare_pattern(name, recv)
        elif value is not None and value.type == "arrow_function" and not ex.locals:
            ex.file_level(text(name), "function", ex.typed(value.child_by_field_name("return_type")))
            ex.signatures.append(("", text(name), signature(value, ex.params)))
        elif not ex.locals:
            ex.file_level(text(name), "variable", recv)
        else:
            ex.declare(text(name), recv)


def _on_field(ex: Extractor, node: Node, depth: int) -> None:
    """A field or property signature (its members were listed by ``_member``): types and initializer."""
    for child in node.named_children:
        if child.type == "type_annotation":
            ex.type_uses(child)
        elif child.type not in ("property_identifier", "private_property_identifier", "accessibility_modifier"):
            ex.visit(child, depth)


def _on_import(ex: Extractor, node: Node, depth: int) -> None:
    ex.imports.extend(import_bindings(node))


def _on_export(ex: Extractor, node: Node, depth: int) -> None:
    entries = export_entries(node)
    ex.exports.extend(entries)
    for exported, module, name in entries:
        if not module and name and exported != "default" and not ex.local(name)[0]:
            ex.use(("name", name), node)  # `export { a as b }`: a use of a
    for child in node.named_children:
        if child.type not in ("export_clause", "namespace_export", "string"):
            ex.visit(child, depth)


def _on_identifier(ex: Extractor, node: Node, depth: int) -> None:
    if not ex.local(text(node))[0]:
        ex.use(("name", text(node)), node)


def _on_member(ex: Extractor, node: Node, depth: int) -> None:
    obj = node.child_by_field_name("object")
    recv = ex.recv(obj)
    if recv is not None:
        ex.use(("member", recv, text(node.child_by_field_name("property"))), node)
    if obj is not None:
        ex.visit(obj, depth)


def _on_typed_expression(ex: Extractor, node: Node, depth: int) -> None:
    """``x as T``, ``x satisfies T``, ``<T>x``: the expression, and ``T`` as a type use."""
    for child in node.named_children:
        if child.type in TYPE_NAMES or child.type.endswith("_type") or child.type == "type_query":
            ex.type_uses(child)
        else:
            ex.visit(child, depth)


def _on_for_in(ex: Extractor, node: Node, depth: int) -> None:
    right = node.child_by_field_name("right")
    if right is not None:
        ex.visit(right, depth)
    of = any(not c.is_named and c.type == "of" for c in node.children)
    inner = ex.recv(right) if of else None
    ex.locals.append({})
    left = node.child_by_field_name("left")
    if left is not None and any(not c.is_named and c.type in ("const", "let", "var") for c in node.children):
        ex.declare_pattern(left, ("e", inner) if inner is not None else None)
    elif left is not None:
        ex.visit(left, depth)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()


def _on_catch(ex: Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    parameter = node.child_by_field_name("parameter")
    ex.declare_pattern(parameter, None)
    ex.type_uses(node.child_by_field_name("type"))
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()


def _on_alias(ex: Extractor, node: Node, depth: int) -> None:
    saved = ex.with_params(node)
    value = node.child_by_field_name("value")
    w = written(value, ex.params)
    ex.file_level(text(node.child_by_field_name("name")), "alias", ("t", w) if w else None)
    ex.type_uses(value)
    ex.params = saved


def _on_named(kind: str) -> Any:
    def handler(ex: Extractor, node: Node, depth: int) -> None:
        ex.file_level("".join(text(node.child_by_field_name("name")).split()), kind)
        body = node.child_by_field_name("body")
        if body is not None:
            ex.locals.append({})
            ex.children(body, depth)
            ex.locals.pop()

    return handler


def _on_jsx_name(ex: Extractor, node: Node, depth: int) -> None:
    """A JSX element: a capitalised name (or ``a.B``) is a component use; ``div`` is intrinsic."""
    for child in node.named_children:
        if child == node.child_by_field_name("name") and child.type == "identifier" and not text(child)[:1].isupper():
            continue
        ex.visit(child, depth)


def _skip(ex: Extractor, node: Node, depth: int) -> None:
    return None


def _on_types(ex: Extractor, node: Node, depth: int) -> None:
    ex.type_uses(node)


_HANDLERS: dict[str, Any] = {
    **dict.fromkeys(("class_declaration", "abstract_class_declaration", "class", "interface_declaration"), _class_like),
    **dict.fromkeys(
        (*FUNCTIONS, "arrow_function", "method_definition", "method_signature", "abstract_method_signature"),
        _on_function,
    ),
    **dict.fromkeys(("public_field_definition", "property_signature", "field_definition"), _on_field),
    **dict.fromkeys(("lexical_declaration", "variable_declaration"), _on_variable),
    "import_statement": _on_import,
    "export_statement": _on_export,
    "identifier": _on_identifier,
    "shorthand_property_identifier": _on_identifier,
    "member_expression": _on_member,
    **dict.fromkeys(("call_expression", "new_expression"), _on_call),
    **dict.fromkeys(("as_expression", "satisfies_expression", "type_assertion"), _on_typed_expression),
    "for_in_statement": _on_for_in,
    "catch_clause": _on_catch,
    "type_alias_declaration": _on_alias,
    "enum_declaration": _on_named("enum"),
    "internal_module": _on_named("namespace"),
    "module": _on_named("namespace"),
    **dict.fromkeys(("jsx_opening_element", "jsx_self_closing_element", "jsx_closing_element"), _on_jsx_name),
    **dict.fromkeys(("type_annotation", "type_arguments", "type_predicate_annotation"), _on_types),
    **dict.fromkeys(("statement_identifier", "comment"), _skip),
}


def type_facts(root: Node) -> tuple[Any, ...]:
    """The facts of one file (see the module's doc); the uses in the order they are first met."""
    ex = Extractor(_HANDLERS)
    ex.visit(root)
    uses = tuple((u, s, line, n) for (u, s), (line, n) in ex.uses.items())
    return (
        tuple(sorted(set(ex.imports))),
        tuple(sorted(set(ex.exports))),
        tuple(sorted(ex.decls.values(), key=lambda d: d[0])),
        tuple(ex.classes),
        uses,
        tuple(sorted(dict(((o, n), p) for o, n, p in reversed(ex.signatures)).items())),
    )

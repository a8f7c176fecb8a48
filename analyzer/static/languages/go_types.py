"""Go type facts: what one file declares, and for each use of a name what it names or what its
receiver is (``go_linking`` resolves them over the repository's packages).

Types are the tuples of ``_go_syntax``.  A receiver (an expression) is one of ``("t", type)``; ``("v",
x)`` (a name no local hides: the package's, or a dot import's); ``("q", pkg, x)`` (``pkg.X``);
``("sel", recv, x)`` (field or method ``x`` of ``recv``); ``("call", recv, i)`` (result ``i`` of
calling it: a function, a method, a conversion ``T(x)``); ``("elem", recv)`` (indexing it, or
receiving from it); ``("rkey", recv)`` / ``("rval", recv)`` (the first / second variable of a
``range`` over it); or None (unknown: nothing links through it).  A local (hiding a package-level
name) holds its declared type, else its initializer's receiver; a type switch's variable the case's.

The facts (plain tuples, picklable): ``(package, imports, types, funcs, values, uses)``:
``imports`` ``(name, path)`` (name "" unaliased, ``.``, ``_``); ``types`` ``(name, underlying,
fields, embeds, methods)`` (a struct's ``(name, type)`` fields, the types it or an interface embeds,
an interface's ``(name, results)`` methods); ``funcs`` ``(receiver type or "", name, results)``;
``values`` ``(name, type, recv)`` (a package-level var or const: its declared type, else its
initializer's receiver); ``uses`` ``(use, first line, count)``, each distinct use once, a use one
of ``("v", x)``, ``("q", pkg, x)``, ``("tn", pkg, x)`` (a type name; pkg "" unqualified), ``("inh",
pkg, x)`` (embedded), ``("member", recv, x)``, ``("key", type, x)`` (a key of a composite literal: a
field of a struct type, else a name).
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages._go_syntax import (
    ALLOCATORS,
    INSTANTIATIONS,
    LEAVES,
    SCOPES,
    GoType,
    element,
    element_node,
    go_type,
    import_alias,
    receiver_type,
    results,
    struct_fields,
    type_parameters,
)
from analyzer.static.languages.base import node_text as text

Recv = Any
_MAX_DEPTH = 300  # nodes deep (the walk), links long (a receiver): past them nothing is recorded
_MAX_CHAIN = 60


def type_facts(root: Node) -> tuple[object, ...]:
    """The type facts of one Go file's syntax tree (see the module doc string)."""
    ex = _Extractor()
    ex.visit(root, 0)
    uses = tuple((use, line, count) for use, (line, count) in ex.uses.items())
    return (ex.package, tuple(ex.imports), tuple(ex.types), tuple(ex.funcs), tuple(ex.values), uses)


class _Extractor:
    def __init__(self) -> None:
        self.package = ""
        self.imports: list[tuple[str, str]] = []
        self.aliases: set[str] = set()
        self.types: list[tuple[str, GoType, tuple[Any, ...], tuple[GoType, ...], tuple[Any, ...]]] = []
        self.funcs: list[tuple[str, str, tuple[GoType, ...]]] = []
        self.values: list[tuple[str, GoType, Recv]] = []
        self.uses: dict[Any, tuple[int, int]] = {}  # use -> (first line, count)
        self.locals: list[dict[str, Recv]] = []
        self.params: dict[str, GoType] = {}

    def local(self, name: str) -> tuple[bool, Recv]:
        for scope in reversed(self.locals):
            if name in scope:
                return True, scope[name]
        return False, None

    def declare(self, name: str, recv: Recv) -> None:
        if self.locals and name and name != "_":
            self.locals[-1][name] = recv

    def use(self, use: Any, node: Node) -> None:
        seen = self.uses.get(use)
        self.uses[use] = (seen[0], seen[1] + 1) if seen else (node.start_point[0] + 1, 1)

    def recv(self, node: Node | None, depth: int = 0) -> Recv:
        """The receiver an expression stands for (None: unknown, or past ``_MAX_CHAIN`` links)."""
        if node is None or depth > _MAX_CHAIN:
            return None
        t = node.type
        if t == "identifier":
            found, value = self.local(text(node))
            return value if found else ("v", text(node))
        if t == "selector_expression":
            operand, field = node.child_by_field_name("operand"), text(node.child_by_field_name("field"))
            if self.is_package(operand):
                return ("q", text(operand), field)
            inner = self.recv(operand, depth + 1)
            return ("sel", inner, field) if inner is not None else None
        if t == "call_expression":
            return self.call(node, 0, depth + 1)
        if t in ("type_conversion_expression", "type_assertion_expression", "composite_literal"):
            type_node = node.child_by_field_name("type")
            if t == "type_conversion_expression" and type_node is not None and type_node.type == "generic_type":
                return self.generic_call(type_node)  # T[A](x), or F[A](x): the grammar cannot tell
            return self.typed(type_node)
        if t == "unary_expression":
            op = node.child_by_field_name("operator")
            inner = self.recv(node.child_by_field_name("operand"), depth + 1)
            if op is not None and text(op) == "<-":
                return ("elem", inner) if inner is not None else None
            return inner if op is not None and text(op) in ("&", "*") else None
        if t == "parenthesized_expression" and node.named_child_count == 1:
            return self.recv(node.named_children[0], depth + 1)
        if t == "index_expression":
            inner = self.recv(node.child_by_field_name("operand"), depth + 1)
            return ("elem", inner) if inner is not None else None
        if t == "slice_expression":
            return self.recv(node.child_by_field_name("operand"), depth + 1)
        if t == "func_literal":
            return ("t", ("f", results(node.child_by_field_name("result"), self.params)))
        return None

    def call(self, node: Node, position: int, depth: int = 0) -> Recv:
        """Result ``position`` of a call: a function's or method's, a conversion's, ``new(T)``'s."""
        function = node.child_by_field_name("function")
        while function is not None and function.type in INSTANTIATIONS:
            function = (
                function.child_by_field_name("operand")
                or function.child_by_field_name("type")
                or (function.named_children[0] if function.named_children else None)
            )
        if function is None:
            return None
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if function.type == "identifier" and not self.local(text(function))[0]:
            name = text(function)
            if name in ALLOCATORS and first is not None:
                made = go_type(first, self.params)
                return ("t", ("p", made) if name == "new" and made is not None else made) if made else None
            if name == "append":
                return self.recv(first, depth + 1)
        inner = self.recv(function, depth + 1)
        return ("call", inner, position) if inner is not None else None

    def typed(self, node: Node | None) -> Recv:
        t = go_type(node, self.params)
        return ("t", t) if t is not None else None

    def generic_call(self, node: Node) -> Recv:
        """``T[A](x)``: the conversion to ``T``, or the call of the generic function ``T``."""
        t = go_type(node, self.params)
        return ("call", ("q", t[1], t[2]) if t[1] else ("v", t[2]), 0) if t is not None and t[0] == "n" else None

    def is_package(self, node: Node | None) -> bool:
        name = text(node) if node is not None and node.type == "identifier" else ""
        return name in self.aliases and not self.local(name)[0]

    def visit(self, node: Node, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        kind = node.type
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, node, depth + 1)
            return
        scoped = kind in SCOPES
        if scoped:
            self.locals.append({})
        for child in node.named_children:
            kind = child.type
            if kind in LEAVES:
                continue
            handler = _HANDLERS.get(kind)
            if handler is not None:  # called here: one frame less for most nodes
                handler(self, child, depth + 2)
            else:
                self.visit(child, depth + 1)
        if scoped:
            self.locals.pop()

    def children(self, node: Node | None, depth: int) -> None:
        if node is not None:
            for child in node.named_children:
                self.visit(child, depth)


def _package(ex: _Extractor, node: Node, depth: int) -> None:
    ex.package = next((text(c) for c in node.named_children if c.type == "package_identifier"), "")


def _import_spec(ex: _Extractor, node: Node, depth: int) -> None:
    path = text(node.child_by_field_name("path")).strip('"`')
    name_node = node.child_by_field_name("name")
    name = text(name_node) if name_node is not None else ""
    ex.imports.append((name, path))
    if name not in (".", "_"):
        ex.aliases.add(name or import_alias(path))


def _identifier(ex: _Extractor, node: Node, depth: int) -> None:
    name = text(node)
    if not ex.local(name)[0] and name != "_":
        ex.use(("v", name), node)


def _type_identifier(ex: _Extractor, node: Node, depth: int) -> None:
    name = text(node)
    if name not in ex.params:
        ex.use(("tn", "", name), node)


def _qualified_type(ex: _Extractor, node: Node, depth: int) -> None:
    ex.use(("tn", text(node.child_by_field_name("package")), text(node.child_by_field_name("name"))), node)


def _selector(ex: _Extractor, node: Node, depth: int) -> None:
    operand, field = node.child_by_field_name("operand"), node.child_by_field_name("field") or node
    if ex.is_package(operand):
        ex.use(("q", text(operand), text(field)), field)
        return
    inner = ex.recv(operand)
    if inner is not None:
        ex.use(("member", inner, text(field)), field)
    if operand is not None:
        ex.visit(operand, depth)


def _function(ex: _Extractor, node: Node, depth: int) -> None:
    saved = ex.params
    name = text(node.child_by_field_name("name"))
    owner = ""
    if node.type == "method_declaration":
        owner, type_args = receiver_type(node)
        ex.params = {**ex.params, **dict.fromkeys(type_args)}
    ex.params = type_parameters(node, ex.params)
    result = node.child_by_field_name("result")
    if node.type != "func_literal" and not ex.locals:
        ex.funcs.append((owner, name, results(result, ex.params)))
    ex.locals.append({})
    for field in ("receiver", "type_parameters", "parameters"):
        _parameters(ex, node.child_by_field_name(field), depth)
    if result is not None:
        if result.type == "parameter_list":
            _parameters(ex, result, depth)
        else:
            ex.visit(result, depth)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()
    ex.params = saved


def _parameters(ex: _Extractor, node: Node | None, depth: int) -> None:
    """Declare a parameter list's names with their types; visit the types (type uses)."""
    if node is None:
        return
    for decl in node.named_children:
        type_node = decl.child_by_field_name("type")
        if type_node is not None:
            ex.visit(type_node, depth)
        if decl.type == "type_parameter_declaration":
            continue
        t = go_type(type_node, ex.params)
        if decl.type == "variadic_parameter_declaration" and t is not None:
            t = ("s", t)
        for name in decl.children_by_field_name("name"):
            ex.declare(text(name), ("t", t) if t is not None else None)


def _type_spec(ex: _Extractor, node: Node, depth: int) -> None:
    saved = ex.params
    ex.params = type_parameters(node, ex.params)
    name = text(node.child_by_field_name("name"))
    body = node.child_by_field_name("type")
    fields: tuple[tuple[str, GoType], ...] = ()
    embeds: list[GoType] = []
    methods: list[tuple[str, tuple[GoType, ...]]] = []
    underlying: GoType = None
    if body is not None and body.type == "struct_type":
        fields, struct_embeds = _struct(ex, body, depth)
        embeds.extend(struct_embeds)
        underlying = ("o", (), ())  # a struct: its fields are the declaration's own
    elif body is not None and body.type == "interface_type":
        _interface(ex, body, embeds, methods, depth)
    elif body is not None:
        ex.visit(body, depth)
        underlying = go_type(body, ex.params)
    if not ex.locals:
        ex.types.append((name, underlying, fields, tuple(embeds), tuple(methods)))
    ex.children(node.child_by_field_name("type_parameters"), depth)
    ex.params = saved


def _struct(ex: _Extractor, body: Node, depth: int) -> tuple[tuple[tuple[str, GoType], ...], tuple[GoType, ...]]:
    """A struct type's fields and embedded types; its field types are type uses, its embedded ones
    inherit uses."""
    for decls in body.named_children:
        for decl in decls.named_children if decls.type == "field_declaration_list" else ():
            if decl.type != "field_declaration":
                continue
            type_node = decl.child_by_field_name("type")
            if decl.child_by_field_name("name") is None:
                _embedded(ex, type_node, depth)
            elif type_node is not None:
                ex.visit(type_node, depth)
    return struct_fields(body, ex.params)


def _interface(ex: _Extractor, body: Node, embeds: list[GoType], methods: list[Any], depth: int) -> None:
    for member in body.named_children:
        if member.type == "method_elem":
            result = member.child_by_field_name("result")
            methods.append((text(member.child_by_field_name("name")), results(result, ex.params)))
            ex.children(member.child_by_field_name("parameters"), depth)
            if result is not None:
                ex.visit(result, depth)
        elif member.type == "type_elem" and member.named_child_count == 1:
            embeds.append(go_type(member.named_children[0], ex.params))
            _embedded(ex, member.named_children[0], depth)
        else:
            ex.visit(member, depth)


def _embedded(ex: _Extractor, node: Node | None, depth: int) -> None:
    """An embedded type: an ``inherit`` use of its name (its type arguments: type uses)."""
    while node is not None and node.type in ("pointer_type", "generic_type"):
        if node.type == "generic_type":
            ex.children(node.child_by_field_name("type_arguments"), depth)
            node = node.child_by_field_name("type")
        else:
            node = node.named_children[0] if node.named_children else None
    if node is None:
        return
    if node.type == "type_identifier" and text(node) not in ex.params:
        ex.use(("inh", "", text(node)), node)
    elif node.type == "qualified_type":
        ex.use(("inh", text(node.child_by_field_name("package")), text(node.child_by_field_name("name"))), node)
    else:
        ex.visit(node, depth)


def _var_spec(ex: _Extractor, node: Node, depth: int) -> None:
    type_node = node.child_by_field_name("type")
    if type_node is not None:
        ex.visit(type_node, depth)
    values = node.child_by_field_name("value")
    right = values.named_children if values is not None else []
    for value in right:
        ex.visit(value, depth)
    names = [text(n) for n in node.children_by_field_name("name")]
    t = go_type(type_node, ex.params)
    recvs = [("t", t) if t is not None else None] * len(names) if type_node is not None else _assigned(ex, names, right)
    for name, recv in zip(names, recvs):
        if ex.locals:
            ex.declare(name, recv)
        else:
            ex.values.append((name, t, recv))


def _assigned(ex: _Extractor, names: list[Any], right: list[Node]) -> list[Recv]:
    """The receivers ``a, b := right...`` gives its names (a call's results by position)."""
    if len(right) == len(names):
        return [ex.recv(r) for r in right]
    if len(right) == 1 and right[0].type == "call_expression":
        return [ex.call(right[0], i) for i in range(len(names))]
    if len(right) == 1:
        return [ex.recv(right[0])] + [None] * (len(names) - 1)
    return [None] * len(names)


def _short_var(ex: _Extractor, node: Node, depth: int) -> None:
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    rights = right.named_children if right is not None else []
    for r in rights:
        ex.visit(r, depth)
    names = [n for n in (left.named_children if left is not None else [])]
    for n, recv in zip(names, _assigned(ex, [text(n) for n in names], rights)):
        if n.type == "identifier" and not (ex.locals and text(n) in ex.locals[-1]):
            ex.declare(text(n), recv)


def _range(ex: _Extractor, node: Node, depth: int) -> None:
    right = node.child_by_field_name("right")
    if right is not None:
        ex.visit(right, depth)
    left = node.child_by_field_name("left")
    names = left.named_children if left is not None else []
    if any(not c.is_named and text(c) == ":=" for c in node.children):
        inner = ex.recv(right)
        for kind, n in zip(("rkey", "rval"), names):
            ex.declare(text(n), (kind, inner) if inner is not None else None)
    else:
        ex.children(left, depth)


def _type_switch(ex: _Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    ex.children(node.child_by_field_name("initializer"), depth)
    value = node.child_by_field_name("value")
    if value is not None:
        ex.visit(value, depth)
    alias = node.child_by_field_name("alias")
    name = text(alias.named_children[0]) if alias is not None and alias.named_children else ""
    for case in node.named_children:
        if case.type not in ("type_case", "default_case"):
            continue
        types = case.children_by_field_name("type")
        ex.locals.append({})
        ex.declare(name, ex.typed(types[0]) if len(types) == 1 else ex.recv(value))
        for child in case.named_children:
            ex.visit(child, depth)
        ex.locals.pop()
    ex.locals.pop()


def _composite(ex: _Extractor, node: Node, depth: int, elided: GoType = None, shape: Node | None = None) -> None:
    """A composite literal (or an elided one inside it, of type ``elided`` written as ``shape``): its
    keys are fields of a struct type (``("key", type, name)``), expressions of a map's."""
    if depth > _MAX_DEPTH:
        return
    type_node = node.child_by_field_name("type") if node.type == "composite_literal" else None
    if type_node is not None:
        ex.visit(type_node, depth)
        shape = type_node
    t = go_type(type_node, ex.params) if type_node is not None else elided
    body = node.child_by_field_name("body") if node.type == "composite_literal" else node
    for item in body.named_children if body is not None else ():
        parts = item.named_children if item.type == "keyed_element" else [None, item]
        key, value = (parts + [None, None])[:2]
        inner = key.named_children[0] if key is not None and key.named_children else None
        if inner is not None and inner.type == "identifier" and not ex.local(text(inner))[0]:
            if t is not None:
                ex.use(("key", t, text(inner)), inner)
            elif shape is None or shape.type != "struct_type":  # an inline struct's field: no use
                ex.visit(inner, depth)
        elif inner is not None:
            ex.visit(inner, depth)
        inner = value.named_children[0] if value is not None and value.named_children else None
        if inner is not None and inner.type == "literal_value":
            nested = (element(t) if t[0] in ("s", "m") else ("e", t)) if t is not None else None
            _composite(ex, inner, depth + 1, nested, element_node(shape))
        elif inner is not None:
            ex.visit(inner, depth)


def _parameter(ex: _Extractor, node: Node, depth: int) -> None:
    """A parameter outside a declaration (a function type's): its type only, never its name."""
    type_node = node.child_by_field_name("type")
    if type_node is not None:
        ex.visit(type_node, depth)


def _interface_type(ex: _Extractor, node: Node, depth: int) -> None:
    _interface(ex, node, [], [], depth)


def _receive(ex: _Extractor, node: Node, depth: int) -> None:
    """``case v, ok := <-ch``: the names hold what the channel carries."""
    right = node.child_by_field_name("right")
    if right is not None:
        ex.visit(right, depth)
    left = node.child_by_field_name("left")
    names = left.named_children if left is not None else []
    if any(not c.is_named and text(c) == ":=" for c in node.children):
        for i, n in enumerate(names):
            ex.declare(text(n), ex.recv(right) if i == 0 else None)
    else:
        ex.children(left, depth)


_HANDLERS = {
    "parameter_declaration": _parameter,
    "variadic_parameter_declaration": _parameter,
    "struct_type": _struct,
    "interface_type": _interface_type,
    "receive_statement": _receive,
    "package_clause": _package,
    "import_spec": _import_spec,
    "identifier": _identifier,
    "type_identifier": _type_identifier,
    "qualified_type": _qualified_type,
    "selector_expression": _selector,
    "function_declaration": _function,
    "method_declaration": _function,
    "func_literal": _function,
    "type_spec": _type_spec,
    "type_alias": _type_spec,
    "var_spec": _var_spec,
    "const_spec": _var_spec,
    "short_var_declaration": _short_var,
    "range_clause": _range,
    "type_switch_statement": _type_switch,
    "composite_literal": _composite,
}

"""TypeScript type facts: what one file imports, exports and declares, and for each use of a name
what its receiver is (``ts_linking`` resolves them over the repository's files).

A type is kept as written, erased (``Map<K, V>`` -> ``Map``; ``Promise<T>``, ``T | null`` and
``readonly T`` -> ``T``; ``T[]`` and ``Array<T>`` keep ``[]``); a type variable stands for its
constraint ("" without one: unknown).  A receiver (an expression) is one of:

* ``("t", "A.B[]")``: a type as written; ``("n", "x")``: a name that is no local of the file;
* ``("f", recv, "x")``: property ``x`` of ``recv``; ``("m", recv, "m")``: what method ``m`` of
  ``recv`` returns; ``("c", "f")``: what the file-level function ``f`` returns;
* ``("this",)``, ``("super",)``, ``("e", recv)`` (an element of the array ``recv``).

A local (a parameter, a ``const``, a destructured name) holds its declared type, else its
initializer's receiver; without either (a callback's parameter) it holds None: nothing is linked
through it, and it hides a file-level name of the same spelling.

The facts (plain tuples, picklable): ``(imports, exports, decls, classes, uses)`` where
``imports`` holds ``(local, module, imported)`` (imported ``*`` for a namespace, ``default``);
``exports`` ``(exported, module, local)`` (module "" for the file's own names, ``("*", module, "*")``
for ``export * from``); ``decls`` ``(name, kind, recv)`` for the file-level names (kind class,
interface, function, variable, alias, enum, namespace; recv a variable's type, a function's return,
an alias's target); ``classes`` ``(name, supers, fields, methods)`` with ``(name, recv)`` members;
``uses`` ``(use, scope, line, count)``, a use one of ``("type", t)``, ``("inherit", t)``,
``("name", x)``, ``("tname", x)`` (a value named in a type: ``typeof x``) and
``("member", recv, x)``, ``scope`` the class it is written in.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages._ts_syntax import (
    FUNCTIONS,
    SCOPES,
    TYPE_NAMES,
    UNWRAP_EXPRESSIONS,
    Recv,
    by_name,
    export_entries,
    hoisted,
    import_bindings,
    parameters,
    query_head,
    written,
)
from analyzer.static.languages.base import node_text as text

_MAX_DEPTH = 300
_MAX_CHAIN = 40


class _Extractor:
    """One walk over a file's tree, with the class, type-parameter and local scopes at each point."""

    def __init__(self) -> None:
        self.imports: list[tuple[str, str, str]] = []
        self.exports: list[tuple[str, str, str]] = []
        self.decls: dict[str, tuple[str, str, Recv]] = {}
        self.classes: list[tuple[Any, ...]] = []
        self.uses: dict[tuple[Any, str], list[int]] = {}
        self.locals: list[dict[str, Recv]] = []
        self.params: dict[str, str] = {}
        self.scope = ""

    # --- recording --------------------------------------------------------

    def use(self, what: tuple[Any, ...], node: Node) -> None:
        key = (what, self.scope)
        entry = self.uses.get(key)
        if entry is None:
            self.uses[key] = [node.start_point[0] + 1, 1]
        else:
            entry[1] += 1

    def declare(self, name: str, recv: Recv) -> None:
        if self.locals:
            self.locals[-1][name] = recv

    def declare_pattern(self, pattern: Node | None, recv: Recv) -> None:
        """Every name a (destructuring) pattern binds: a plain name gets ``recv``, the others None."""
        if pattern is None:
            return
        if pattern.type == "identifier":
            self.declare(text(pattern), recv)
            return
        for child in pattern.named_children:
            if child.type in ("shorthand_property_identifier_pattern", "identifier"):
                self.declare(text(child), None)
            elif child.type in ("pair_pattern", "assignment_pattern", "object_assignment_pattern"):
                value = child.child_by_field_name("value") or child.child_by_field_name("left")
                self.declare_pattern(value, None)
                default = child.child_by_field_name("right")
                if default is not None:
                    self.visit(default)
            else:
                self.declare_pattern(child, None)

    def local(self, name: str) -> tuple[bool, Recv]:
        for layer in reversed(self.locals):
            if name in layer:
                return True, layer[name]
        return False, None

    def typed(self, node: Node | None) -> Recv:
        w = written(node, self.params)
        return ("t", w) if w else None

    def type_uses(self, node: Node | None) -> None:
        """A ``type`` use for every name a type node writes (its arguments too)."""
        if node is None:
            return
        t = node.type
        if t in TYPE_NAMES:
            name = "".join(text(node).split())
            if name.split(".", 1)[0] not in self.params:
                self.use(("type", name), node)
            return
        if t == "type_query":
            head = query_head(node)
            if head is not None and not self.local(text(head))[0]:
                self.use(("tname", text(head)), head)
            return
        if t in ("function_type", "constructor_type"):
            for child in node.named_children:
                if child.type == "formal_parameters":
                    for p in child.named_children:
                        self.type_uses(p.child_by_field_name("type"))
                else:
                    self.type_uses(child)
            return
        for child in node.named_children:
            if child.type not in ("property_identifier", "identifier"):
                self.type_uses(child)

    # --- the walk ---------------------------------------------------------

    def visit(self, node: Node, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        handler = _HANDLERS.get(node.type)
        if handler is not None:
            handler(self, node, depth + 1)
        elif node.type in SCOPES:
            self.locals.append(hoisted(node))
            self.children(node, depth)
            self.locals.pop()
        else:
            self.children(node, depth)

    def children(self, node: Node, depth: int) -> None:
        for child in node.named_children:
            self.visit(child, depth + 1)

    def recv(self, node: Node | None, depth: int = 0) -> Recv:
        """The receiver expression ``node`` stands for (see the module's doc); None if unknown."""
        if node is None or depth > _MAX_CHAIN:
            return None
        t = node.type
        if t == "identifier":
            found, recv = self.local(text(node))
            return recv if found else ("n", text(node))
        if t == "member_expression":
            inner = self.recv(node.child_by_field_name("object"), depth + 1)
            return ("f", inner, text(node.child_by_field_name("property"))) if inner is not None else None
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression":
                inner = self.recv(fn.child_by_field_name("object"), depth + 1)
                return ("m", inner, text(fn.child_by_field_name("property"))) if inner is not None else None
            if fn is not None and fn.type == "identifier" and not self.local(text(fn))[0]:
                return ("c", text(fn))
            return None
        if t == "new_expression":
            ctor = node.child_by_field_name("constructor")
            name = (
                "".join(text(ctor).split())
                if ctor is not None and ctor.type in ("identifier", "member_expression")
                else ""
            )
            return ("t", name) if name and not self.local(name.split(".", 1)[0])[0] else None
        if t in ("as_expression", "satisfies_expression") and len(node.named_children) > 1:
            return self.typed(node.named_children[1]) if t == "as_expression" else self.recv(node.named_children[0])
        if t in UNWRAP_EXPRESSIONS:
            return self.recv(node.named_children[0], depth + 1) if node.named_children else None
        if t == "this":
            return ("this",)
        if t == "super":
            return ("super",)
        if t == "subscript_expression":
            inner = self.recv(node.child_by_field_name("object"), depth + 1)
            return ("e", inner) if inner is not None else None
        if t == "ternary_expression":
            return self.recv(node.child_by_field_name("consequence"), depth + 1)
        return None

    # --- declarations -----------------------------------------------------

    def file_level(self, name: str, kind: str, recv: Recv = None) -> None:
        if not self.locals and name:
            self.decls.setdefault(name, (name, kind, recv))
        elif name:
            self.declare(name, None if kind in ("function", "class") else recv)

    def with_params(self, node: Node) -> dict[str, str]:
        """Enter the type parameters of ``node``: each stands for its constraint (``T extends Pet``)."""
        saved = self.params
        params = node.child_by_field_name("type_parameters")
        if params is not None:
            self.params = dict(saved)
            for p in params.named_children:
                constraint = p.child_by_field_name("constraint")
                bound = constraint.named_children[0] if constraint is not None and constraint.named_children else None
                self.params[text(p.child_by_field_name("name"))] = written(bound, saved)
                self.type_uses(constraint)
                self.type_uses(p.child_by_field_name("value"))
        return saved


def _class_like(ex: _Extractor, node: Node, depth: int) -> None:
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


def _heritage(ex: _Extractor, clause: Node, supers: list[str]) -> None:
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


def _member(ex: _Extractor, member: Node, fields: list[tuple[str, Recv]], methods: list[tuple[str, Recv]]) -> None:
    """A class or interface member: a field or property with its type, a method with its return type."""
    t = member.type
    name = text(member.child_by_field_name("name"))
    if t in ("public_field_definition", "property_signature", "field_definition"):
        type_node = member.child_by_field_name("type")
        recv = ex.typed(type_node) if type_node is not None else ex.recv(member.child_by_field_name("value"))
        fields.append((name, recv))
    elif t in ("method_definition", "method_signature", "abstract_method_signature"):
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


def _on_function(ex: _Extractor, node: Node, depth: int) -> None:
    """A function, method or arrow function: its parameters are locals with their declared types."""
    if node.type in FUNCTIONS and node.type.endswith("declaration"):
        ex.file_level(
            text(node.child_by_field_name("name")), "function", ex.typed(node.child_by_field_name("return_type"))
        )
    saved = ex.with_params(node)
    ex.locals.append({})
    single = node.child_by_field_name("parameter")
    if single is not None:
        ex.declare(text(single), None)
    for p in parameters(node):
        type_node = p.child_by_field_name("type")
        ex.type_uses(type_node)
        pattern = p.child_by_field_name("pattern")
        if pattern is not None and pattern.type == "rest_pattern":
            pattern = pattern.named_children[0] if pattern.named_children else None
        ex.declare_pattern(pattern, ex.typed(type_node))
        value = p.child_by_field_name("value")
        if value is not None:
            ex.visit(value, depth)
        for decorator in (c for c in p.named_children if c.type == "decorator"):
            ex.visit(decorator, depth)
    ex.type_uses(node.child_by_field_name("return_type"))
    for child in node.named_children:
        if child.type == "decorator":
            ex.visit(child, depth)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()
    ex.params = saved


def _on_variable(ex: _Extractor, node: Node, depth: int) -> None:
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
            ex.declare_pattern(name, None)
        elif value is not None and value.type == "arrow_function" and not ex.locals:
            ex.file_level(text(name), "function", ex.typed(value.child_by_field_name("return_type")))
        elif not ex.locals:
            ex.file_level(text(name), "variable", recv)
        else:
            ex.declare(text(name), recv)


def _on_field(ex: _Extractor, node: Node, depth: int) -> None:
    """A field or property signature (its members were listed by ``_member``): types and initializer."""
    for child in node.named_children:
        if child.type == "type_annotation":
            ex.type_uses(child)
        elif child.type not in ("property_identifier", "private_property_identifier", "accessibility_modifier"):
            ex.visit(child, depth)


def _on_import(ex: _Extractor, node: Node, depth: int) -> None:
    ex.imports.extend(import_bindings(node))


def _on_export(ex: _Extractor, node: Node, depth: int) -> None:
    entries = export_entries(node)
    ex.exports.extend(entries)
    for exported, module, name in entries:
        if not module and name and exported != "default" and not ex.local(name)[0]:
            ex.use(("name", name), node)  # `export { a as b }`: a use of a
    for child in node.named_children:
        if child.type not in ("export_clause", "namespace_export", "string"):
            ex.visit(child, depth)


def _on_identifier(ex: _Extractor, node: Node, depth: int) -> None:
    if not ex.local(text(node))[0]:
        ex.use(("name", text(node)), node)


def _on_member(ex: _Extractor, node: Node, depth: int) -> None:
    obj = node.child_by_field_name("object")
    recv = ex.recv(obj)
    if recv is not None:
        ex.use(("member", recv, text(node.child_by_field_name("property"))), node)
    if obj is not None:
        ex.visit(obj, depth)


def _on_typed_expression(ex: _Extractor, node: Node, depth: int) -> None:
    """``x as T``, ``x satisfies T``, ``<T>x``: the expression, and ``T`` as a type use."""
    for child in node.named_children:
        if child.type in TYPE_NAMES or child.type.endswith("_type") or child.type == "type_query":
            ex.type_uses(child)
        else:
            ex.visit(child, depth)


def _on_for_in(ex: _Extractor, node: Node, depth: int) -> None:
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


def _on_catch(ex: _Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    parameter = node.child_by_field_name("parameter")
    ex.declare_pattern(parameter, None)
    ex.type_uses(node.child_by_field_name("type"))
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()


def _on_alias(ex: _Extractor, node: Node, depth: int) -> None:
    saved = ex.with_params(node)
    value = node.child_by_field_name("value")
    w = written(value, ex.params)
    ex.file_level(text(node.child_by_field_name("name")), "alias", ("t", w) if w else None)
    ex.type_uses(value)
    ex.params = saved


def _on_named(kind: str) -> Any:
    def handler(ex: _Extractor, node: Node, depth: int) -> None:
        ex.file_level("".join(text(node.child_by_field_name("name")).split()), kind)
        body = node.child_by_field_name("body")
        if body is not None:
            ex.locals.append({})
            ex.children(body, depth)
            ex.locals.pop()

    return handler


def _on_jsx_name(ex: _Extractor, node: Node, depth: int) -> None:
    """A JSX element: a capitalised name (or ``a.B``) is a component use; ``div`` is intrinsic."""
    for child in node.named_children:
        if child == node.child_by_field_name("name") and child.type == "identifier" and not text(child)[:1].isupper():
            continue
        ex.visit(child, depth)


def _skip(ex: _Extractor, node: Node, depth: int) -> None:
    return None


def _on_types(ex: _Extractor, node: Node, depth: int) -> None:
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
    ex = _Extractor()
    ex.visit(root)
    uses = tuple((u, s, line, n) for (u, s), (line, n) in ex.uses.items())
    return (
        tuple(sorted(set(ex.imports))),
        tuple(sorted(set(ex.exports))),
        tuple(sorted(ex.decls.values(), key=lambda d: d[0])),
        tuple(ex.classes),
        uses,
    )

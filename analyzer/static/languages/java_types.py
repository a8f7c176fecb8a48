"""Java type facts: what one file declares and, for each use of a name, what its receiver is.

Parse time knows one file only, so a use is recorded with its receiver as an expression
(``java_linking`` resolves it over the repository's classes):

* ``("t", "a.b.C<X>[]")``: a type as written (with its type arguments: ``_java_generics``);
* ``("n", "x")``: a simple name that is no local variable (a field, or a class);
* ``("f", recv, "x")``: field (or member type) ``x`` of ``recv``;
* ``("m", recv, "m", nargs, args)``: what method ``m`` returns (``recv`` None: unqualified; ``args``
  its arguments' receivers, see ``_Extractor.arguments``);
* ``("this",)``, ``("super",)``, ``("e", recv)`` (an element of the array ``recv``), ``("it", recv)``
  (an element of the array or the ``Iterable`` ``recv``);
* ``("lp", recv, m, nargs, j, args, i)``: parameter ``i`` of the lambda passed as argument ``j`` to
  the call ``recv.m(args)`` (its type: the functional interface of that method's parameter; ``args``
  without the lambdas).

A local's receiver is its declared type, or for ``var`` its initializer's (``for (var x : xs)``: an
element of ``xs``); a lambda parameter passed anywhere else than to a method, or a
type variable of a method without a bound, has none (None): nothing is linked through it.

The facts (a tuple of tuples, picklable): ``(package, imports, classes, uses)``, where ``imports``
holds ``(kind, name)`` (kind single, ondemand, static, staticall), ``classes`` holds ``(name, outer,
supers, fields, methods, is_interface, tparams)`` (name nested as ``Outer.Inner``; anonymous and
local classes ``Outer.$3``; a class's superclass first among its supers; ``tparams`` its type
variables ``(name, bound)``), ``fields`` ``(name, type)``, ``methods`` ``(name, nargs, type,
parameter types, is_abstract, type variables)`` (nargs -1 for varargs), and ``uses`` ``(use, scope,
line, count)``; a use is one of ``("type", t)``, ``("inherit", t)``, ``("new", t)``, ``("anew", t)`` (an anonymous
class's supertype: a call of its constructor if it is a class), ``("name",
x)``, ``("field", recv, x)``, ``("call", recv, m, nargs, args)``, ``("case", recv, x)`` (a case
label's bare name, ``recv`` the switch's selector) and ``("superinit",)``, ``scope`` the class it is
written in.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages import _java_expressions as _x
from analyzer.static.languages._java_generics import VARIABLE, write
from analyzer.static.languages._java_syntax import TYPE_NODES, erase, members, nargs, text, type_nodes, type_parameters

Recv = tuple[Any, ...] | None
#: a local that is a field of the class declaring it (shadows the enclosing method's locals)
_FIELD: tuple[str, ...] = ("field",)
_CLASS_NODES = frozenset(
    {
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
        "annotation_type_declaration",
    }
)
_BLOCKS = frozenset(
    {
        "block",
        "constructor_body",
        "for_statement",
        "enhanced_for_statement",
        "catch_clause",
        "try_with_resources_statement",
        "switch_block_statement_group",
        "switch_rule",
        "lambda_expression",
    }
)
_SKIP = frozenset({"line_comment", "block_comment", "break_statement", "continue_statement", "modifiers_keyword"})
_MAX_DEPTH = 400
_MAX_CHAIN = 60
#: the most tuples a receiver may hold written out: a chain of calls taking lambdas holds each link's
#: receiver twice (its object, and its lambdas' parameters), so a long fluent chain doubles per link;
#: past this it is unknown (no edge), not hashed and compared at exponential cost
_MAX_RECV = 400


class _Extractor:
    """One walk over a file's tree, with the class, type-variable and local scopes at each point."""

    def __init__(self) -> None:
        self.package = ""
        self.imports: list[tuple[str, str]] = []
        self.classes: list[tuple[Any, ...]] = []
        self.uses: dict[tuple[Any, str], list[int]] = {}
        self.locals: list[dict[str, Recv]] = [{}]
        self.tparams: list[dict[str, str]] = [{}]
        self.switches: list[Recv] = []  # the selector of each switch the walk is in
        self.calls: dict[int, tuple[Recv, ...]] = {}  # a call's node id -> its arguments' receivers
        self.sizes: dict[int, tuple[Any, int]] = {}  # id of a receiver tuple -> (it, its size written out)
        self.plain: dict[int, tuple[Recv, ...]] = {}  # the same, lambdas left out
        self.lambdas: dict[int, tuple[Any, ...]] = {}  # a lambda argument's node id -> ("lp", its call...)
        self.scope = ""
        self.counter = 0

    # --- recording --------------------------------------------------------

    def use(self, what: tuple[Any, ...], node: Node) -> None:
        key = (what, self.scope)
        entry = self.uses.get(key)
        if entry is None:
            self.uses[key] = [node.start_point[0] + 1, 1]
        else:
            entry[1] += 1

    def tparam(self, name: str) -> str | None:
        """The bound of a type variable in scope ("" without one); None when ``name`` is none."""
        for layer in reversed(self.tparams):
            if name in layer:
                return layer[name]
        return None

    def typed(self, written: str) -> str:
        """A written type with a type variable replaced by its bound ("" when it has none)."""
        head = written.split(".", 1)[0].split("[", 1)[0]
        if not written or written == "var":
            return ""
        bound = self.tparam(head)
        if bound is not None:
            return bound + written[len(head) :] if bound else ""
        return written

    def written(self, node: Node | None) -> str:
        """A type node as a generic type string (``_java_generics``), type variables replaced."""
        return write(node, self.tparam)

    def as_recv(self, written: str) -> Recv:
        typed = self.typed(written)
        return ("t", typed) if typed else None

    def type_uses(self, node: Node | None) -> None:
        """A ``type`` use for every class a type node names (its arguments and bounds too)."""
        if node is None:
            return
        t = node.type
        if t in ("type_identifier", "scoped_type_identifier"):
            written = erase(node)
            if written and written != "var" and self.tparam(written.split(".", 1)[0]) is None:
                self.use(("type", written), node)
            for child in node.named_children:
                if child.type in ("annotation", "marker_annotation", "generic_type"):
                    self.visit(child) if child.type != "generic_type" else self.type_uses(child)
            return
        if t in ("annotation", "marker_annotation"):
            self.visit(node)
            return
        for child in node.named_children:
            self.type_uses(child)

    def declare(self, name: Node | None, recv: Recv) -> None:
        if name is not None:
            self.locals[-1][text(name)] = recv

    # --- the walk ---------------------------------------------------------

    def visit(self, node: Node, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        t = node.type
        handler = _HANDLERS.get(t)
        if handler is not None:
            handler(self, node, depth + 1)
        elif t in TYPE_NODES:
            self.type_uses(node)
        elif t in _BLOCKS:
            self.locals.append({})
            self.children(node, depth)
            self.locals.pop()
        elif t not in _SKIP:
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
            name = text(node)
            for layer in reversed(self.locals):
                if name in layer:
                    found = layer[name]
                    return ("n", name) if found is _FIELD else found
            return ("n", name)
        if t == "field_access":
            field = node.child_by_field_name("field")
            obj = node.child_by_field_name("object")
            if field is not None and field.type == "this":
                return ("t", erase(obj)) if obj is not None and erase(obj) else None
            inner = self.recv(obj, depth + 1)
            return ("f", inner, text(field)) if inner is not None else None
        if t == "method_invocation":
            obj = node.child_by_field_name("object")
            inner = self.recv(obj, depth + 1) if obj is not None else None
            if obj is not None and inner is None:
                return None
            found = ("m", inner, text(node.child_by_field_name("name")), nargs(node), self.arguments(node, inner))
            return found if self.size(found) <= _MAX_RECV else None
        if t in ("object_creation_expression", "cast_expression", "array_creation_expression"):
            written = self.written(node.child_by_field_name("type"))
            if t == "array_creation_expression" and written:
                written += "[]" * max(1, sum(c.type in ("dimensions_expr", "dimensions") for c in node.children))
            return self.as_recv(written)
        if t == "parenthesized_expression":
            return self.recv(node.named_children[0], depth + 1) if node.named_children else None
        if t == "this":
            return ("this",)
        if t == "super":
            return ("super",)
        if t == "array_access":
            inner = self.recv(node.child_by_field_name("array"), depth + 1)
            return ("e", inner) if inner is not None else None
        if t == "ternary_expression":
            return self.recv(node.child_by_field_name("consequence"), depth + 1)
        return None

    def size(self, value: Any) -> int:
        """How many tuples ``value`` holds written out (shared parts counted each time they occur),
        in time linear in its distinct parts."""
        if not isinstance(value, tuple):
            return 0
        known = self.sizes.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        n = 1 + sum(self.size(v) for v in value)
        self.sizes[id(value)] = (value, n)
        return n

    def arguments(self, call: Node, recv: Recv) -> tuple[Recv, ...]:
        """The receivers of a call's arguments (its overload and its method's type variables follow
        them): a lambda is ``("lambda", body)`` (its expression body's receiver, its parameters
        declared), a method reference ``("ref", recv, name)``."""
        cached = self.calls.get(call.id)  # a call in a chain is met again as each outer call's receiver
        if cached is not None:
            return cached
        arguments = call.child_by_field_name("arguments")
        if arguments is None:
            return ()
        out: list[Recv] = []
        name, count = text(call.child_by_field_name("name")), nargs(call)
        plain = self.plain_arguments(call)
        for j, argument in enumerate(arguments.named_children):
            if argument.type == "lambda_expression":
                out.append(("lambda", self.lambda_body(argument, ("lp", recv, name, count, j, plain))))
            elif argument.type == "method_reference":
                parts = argument.named_children
                head = parts[0] if parts else None
                inner = self.as_recv(self.written(head)) if head is not None and head.type in TYPE_NODES else None
                inner = inner or self.recv(head)
                out.append(("ref", inner, text(argument.children[-1])) if inner is not None else None)
            else:
                out.append(self.recv(argument))
        self.calls[call.id] = tuple(out)
        return self.calls[call.id]

    def plain_arguments(self, call: Node) -> tuple[Recv, ...]:
        """The receivers of a call's arguments other than lambdas (None for a lambda): a lambda's
        parameter types may follow the method's type variables these bind."""
        found = self.plain.get(call.id)
        if found is None:
            arguments = call.child_by_field_name("arguments")
            nodes = arguments.named_children if arguments is not None else []
            found = tuple(None if a.type == "lambda_expression" else self.recv(a) for a in nodes)
            self.plain[call.id] = found
        return found

    def lambda_body(self, node: Node, target: tuple[Any, ...]) -> Recv:
        """The receiver an expression-bodied lambda returns, its parameters typed by ``target``."""
        body = node.child_by_field_name("body")
        if body is None or body.type == "block":
            return None
        self.locals.append({})
        params = node.child_by_field_name("parameters")
        if params is not None and params.type == "identifier":
            self.declare(params, (*target, 0))
        elif params is not None and params.type == "inferred_parameters":
            for i, p in enumerate(params.named_children):
                self.declare(p, (*target, i))
        out = self.recv(body)
        self.locals.pop()
        return out

    # --- declarations -----------------------------------------------------

    def class_like(self, node: Node, depth: int, name: str, supers: list[Node], body: Node | None) -> None:
        self.counter += 1
        nested = name or f"${self.counter}"
        full = f"{self.scope}.{nested}" if self.scope else nested
        outer, self.scope = self.scope, full
        bounds = type_parameters(node.child_by_field_name("type_parameters"))
        self.tparams.append({name: VARIABLE + name for name in bounds})
        written = [t for n in supers for t in ([n] if n.type in TYPE_NODES else type_nodes(n))]
        super_types = [s for s in (self.written(n) for n in written) if s]
        fields, methods = members(body, node, self)
        is_interface = node.type in ("interface_declaration", "annotation_type_declaration")
        self.classes.append(
            (full, outer, tuple(super_types), tuple(sorted(fields)), tuple(sorted(methods)), is_interface)
            + (tuple(bounds.items()),)
        )
        self.locals.append(dict.fromkeys((f for f, _ in fields), _FIELD))
        if node.type == "class_declaration" and node.child_by_field_name("superclass") is not None:
            self.use(("superinit",), node)  # each constructor calls one of the superclass, if only implicitly
        for child in node.named_children:
            if child.type in ("superclass", "super_interfaces", "extends_interfaces", "permits"):
                for type_node in type_nodes(child):
                    typed = self.typed(erase(type_node))
                    if typed:
                        self.use(("inherit", typed), type_node)
                    self.type_uses_inside(type_node)
            elif child.type in ("type_parameters", "formal_parameters"):
                self.type_uses(child)
            elif child.type != "identifier" and (child == body or node.type != "object_creation_expression"):
                self.visit(child, depth)  # an anonymous class: _on_new visited the rest
        self.locals.pop()
        self.tparams.pop()
        self.scope = outer

    def type_uses_inside(self, node: Node) -> None:
        """The type arguments of a supertype (``extends Base<Pet>`` uses ``Pet``)."""
        for child in node.named_children:
            if child.type == "type_arguments":
                self.type_uses(child)
            elif child.type in TYPE_NODES:
                self.type_uses_inside(child)


def _on_class(ex: _Extractor, node: Node, depth: int) -> None:
    supers = [c for c in node.named_children if c.type in ("superclass", "super_interfaces", "extends_interfaces")]
    ex.class_like(node, depth, text(node.child_by_field_name("name")), supers, node.child_by_field_name("body"))


def _on_package(ex: _Extractor, node: Node, depth: int) -> None:
    named = [c for c in node.named_children if c.type in ("identifier", "scoped_identifier")]
    if named and not ex.package:
        ex.package = text(named[0])


def _on_import(ex: _Extractor, node: Node, depth: int) -> None:
    static = any(c.type == "static" for c in node.children)
    wildcard = any(c.type == "asterisk" for c in node.children)
    named = [c for c in node.named_children if c.type in ("identifier", "scoped_identifier")]
    if named:
        kind = ("staticall" if wildcard else "static") if static else ("ondemand" if wildcard else "single")
        ex.imports.append((kind, text(named[0])))


def _on_method(ex: _Extractor, node: Node, depth: int) -> None:
    ex.tparams.append(type_parameters(node.child_by_field_name("type_parameters")))
    ex.locals.append({})
    for child in node.named_children:
        if child.type == "identifier":
            continue
        if child.type in TYPE_NODES or child.type == "throws":
            ex.type_uses(child)
        else:
            ex.visit(child, depth)
    ex.locals.pop()
    ex.tparams.pop()


def _on_variable(ex: _Extractor, node: Node, depth: int) -> None:
    """Parameters and local declarations: each name gets its type (``var``: its initializer's)."""
    type_node = node.child_by_field_name("type")
    if type_node is None and node.type == "spread_parameter":
        type_node = next((c for c in node.named_children if c.type in TYPE_NODES), None)
    if node.type == "catch_formal_parameter":
        type_node = next((c for c in node.named_children if c.type == "catch_type"), None)
    ex.type_uses(type_node)
    written = ex.written(type_node) if type_node is not None and type_node.type != "catch_type" else ""
    if node.type == "catch_formal_parameter" and type_node is not None and len(type_node.named_children) == 1:
        written = ex.written(type_node.named_children[0])
    if node.type == "spread_parameter" and written:
        written += "[]"
    declarators = node.children_by_field_name("declarator") or [
        c for c in node.named_children if c.type == "variable_declarator"
    ]
    for child in node.named_children:
        if child.type in ("modifiers",):
            ex.visit(child, depth)
    if not declarators:
        value = node.child_by_field_name("value")
        if value is not None:
            ex.visit(value, depth)
        recv = ex.as_recv(written) if written != "var" else None
        if written == "var" and node.type == "resource":
            recv = ex.recv(value)
        ex.declare(node.child_by_field_name("name"), recv)
        return
    for declarator in declarators:
        value = declarator.child_by_field_name("value")
        if value is not None:
            ex.visit(value, depth)
        dims = "[]" * text(declarator.child_by_field_name("dimensions")).count("[")
        recv = ex.recv(value) if written == "var" else ex.as_recv(written + dims if written else "")
        ex.declare(declarator.child_by_field_name("name"), recv)


def _on_enhanced_for(ex: _Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    value = node.child_by_field_name("value")
    if value is not None:
        ex.visit(value, depth)
    written = ex.written(type_node)
    value_recv = ex.recv(value)  # for (var x : xs): an element of the array or Iterable xs
    element = ("it", value_recv) if value_recv is not None else None
    ex.declare(node.child_by_field_name("name"), ex.as_recv(written) if written != "var" else element)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()


def _on_lambda(ex: _Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    params = node.child_by_field_name("parameters")
    target = ex.lambdas.pop(node.id, None)
    if params is not None:
        if params.type == "identifier":
            ex.declare(params, (*target, 0) if target else None)
        elif params.type == "inferred_parameters":
            for i, p in enumerate(params.named_children):
                ex.declare(p, (*target, i) if target else None)
        else:
            ex.visit(params, depth)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()


_HANDLERS = {
    **dict.fromkeys(_CLASS_NODES, _on_class),
    "package_declaration": _on_package,
    "import_declaration": _on_import,
    "method_declaration": _on_method,
    "constructor_declaration": _on_method,
    "compact_constructor_declaration": _on_method,
    "annotation_type_element_declaration": _on_method,
    **dict.fromkeys(
        (
            "formal_parameter",
            "spread_parameter",
            "catch_formal_parameter",
            "local_variable_declaration",
            "field_declaration",
            "constant_declaration",
            "resource",
        ),
        _on_variable,
    ),
    "enhanced_for_statement": _on_enhanced_for,
    "lambda_expression": _on_lambda,
    "method_invocation": _x.on_invocation,
    "field_access": _x.on_field_access,
    "identifier": _x.on_identifier,
    "object_creation_expression": _x.on_new,
    "method_reference": _x.on_method_reference,
    "instanceof_expression": _x.on_instanceof,
    "explicit_constructor_invocation": _x.on_constructor_call,
    "annotation": _x.on_annotation,
    "marker_annotation": _x.on_annotation,
    "class_literal": _x.on_class_literal,
    "labeled_statement": _x.on_labeled,
    "switch_expression": _x.on_switch,
    "switch_label": _x.on_switch_label,
    "type_pattern": _x.on_type_pattern,
    "module_declaration": lambda ex, node, depth: None,
}


def type_facts(root: Node) -> tuple[Any, ...]:
    """The facts of one file (see the module's doc); the uses in the order they are first met."""
    ex = _Extractor()
    ex.visit(root)
    uses = tuple((u, s, line, n) for (u, s), (line, n) in ex.uses.items())  # in the order of the walk
    return (ex.package, tuple(sorted(set(ex.imports))), tuple(ex.classes), uses)

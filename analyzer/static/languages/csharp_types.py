"""C# type facts: what one file declares and, for each use of a name, what its receiver is.

Parse time knows one file only, so a use is recorded with its receiver as an expression, in the
receiver language of ``java_types`` (``csharp_linking`` resolves it over the repository's types
with the class table the Java linker uses):

* ``("t", "A.B<X>[]")``: a type as written (``_csharp_syntax``); ``("n", "x")``: a simple name
  that is no local (a field or property, or a type);
* ``("f", recv, "x")``: field, property (or member type) ``x`` of ``recv``;
* ``("m", recv, "m", nargs, args)``: what method ``m`` returns (``recv`` None: unqualified; an
  indexer is the method ``this[]``);
* ``("this",)``, ``("super",)`` (``base``), ``("e", recv)`` (an element of ``recv``: an array's, or
  what its indexer returns), ``("it", recv)`` (what ``foreach`` over ``recv`` gives).

A local's receiver is its declared type, or for ``var`` its initializer's (``foreach (var x in
xs)``: an element of ``xs``); an untyped lambda parameter is ``("lp", recv, m, nargs, j, args, i)``
(parameter ``i`` of the lambda passed as argument ``j`` of ``recv.m(args)``: the linker types it by
that method's delegate), else None: nothing is linked through it, and it hides a member of its name.

The facts (a tuple of tuples, picklable): ``(usings, classes, uses, partial, extensions)``:
``usings`` holds ``(kind, name, alias, within, is_global)`` (kind ``using``, ``static`` or
``alias``; ``within`` the namespace block it is written in); ``classes`` the class tuples of
``java_types`` with names qualified by their namespace (``A.B.Outer.Inner``; a top-level type's
outer is its namespace); ``uses`` ``(use, scope, line, count)``, a use one of ``("type", t)``,
``("inherit", t)``, ``("new", t)``, ``("attr", t)`` (an attribute: ``[Foo]`` is ``FooAttribute``
or ``Foo``), ``("name", x)``, ``("field", recv, x)``, ``("call", recv, m, nargs, args)`` and
``("superinit",)``, ``scope`` the type it is written in (else its namespace); ``partial`` the
types declared ``partial`` here; ``extensions`` ``(static class, method)`` of each extension method.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages import _csharp_expressions as _x
from analyzer.static.languages._csharp_syntax import (
    FIELD,
    TYPE_NODES,
    body_members,
    erase,
    has_modifier,
    members,
    parameters,
    params_parameter,
    text,
    type_parameters,
    write,
)

Recv = tuple[Any, ...] | None
_CLASS_NODES = frozenset(
    {
        "class_declaration",
        "struct_declaration",
        "interface_declaration",
        "record_declaration",
        "record_struct_declaration",
        "enum_declaration",
    }
)
_BLOCKS = frozenset(
    {
        "block",
        "for_statement",
        "using_statement",
        "switch_section",
        "switch_expression_arm",
        "catch_clause",
        "query_expression",
        "fixed_statement",
    }
)
_SKIP = frozenset(
    {"comment", "modifier", "name_colon", "preprocessor_call", "using_directive", "extern_alias_directive"}
)
_MAX_DEPTH = 400


class Extractor:
    """One walk over a file's tree, with the namespace, type, type-variable and local scopes."""

    def __init__(self) -> None:
        self.namespace = ""
        self.scope = ""  # the type the walk is in, else its namespace
        self.usings: list[tuple[str, str, str, str, bool]] = []
        self.classes: list[tuple[Any, ...]] = []
        self.partial: set[str] = set()
        self.extensions: set[tuple[str, str]] = set()
        self.uses: dict[tuple[Any, str], list[int]] = {}
        self.locals: list[dict[str, Recv]] = [{}]
        self.tparams: list[dict[str, str]] = [{}]
        self.conditional: list[Recv] = []  # the receiver of each ``a?.`` the walk is in
        self.calls: dict[int, tuple[Recv, ...]] = {}  # a call's node id -> its arguments' receivers
        self.receivers: dict[int, Recv] = {}  # an expression's node id -> its receiver
        self.detached: set[int] = set()  # members visited with the type header they follow
        self.lambdas: dict[int, tuple[Any, ...]] = {}  # a lambda argument's node id -> ("lp", its call...)

    # --- recording --------------------------------------------------------

    def use(self, what: tuple[Any, ...], node: Node) -> None:
        key = (what, self.scope)
        entry = self.uses.get(key)
        if entry is None:
            self.uses[key] = [node.start_point[0] + 1, 1]
        else:
            entry[1] += 1

    def tparam(self, name: str) -> str | None:
        """What a type variable in scope stands for (``!T``, a bound, "" for none); None when
        ``name`` is none."""
        for layer in reversed(self.tparams):
            if name in layer:
                return layer[name]
        return None

    def written(self, node: Node | None) -> str:
        return write(node, self.tparam) if node is not None and node.type != "implicit_type" else ""

    def as_recv(self, written: str) -> Recv:
        return ("t", written) if written and not written.startswith("!") else None

    def type_uses(self, node: Node | None) -> None:
        """A ``type`` use for every type a type node names (its type arguments too)."""
        if node is None:
            return
        t = node.type
        if t in ("identifier", "qualified_name", "generic_name", "alias_qualified_name"):
            written = erase(node)
            if written and self.tparam(written.split(".", 1)[0]) is None:
                self.use(("type", written), node)
            for child in node.named_children:
                if child.type == "type_argument_list":
                    self.type_uses(child)
                elif child.type in ("generic_name", "qualified_name") and t != "alias_qualified_name":
                    self.type_uses_inside(child)
            return
        for child in node.named_children:
            self.type_uses(child)

    def type_uses_inside(self, node: Node) -> None:
        """The type arguments written inside a type name (``A.B<Pet>`` uses ``Pet``)."""
        for child in node.named_children:
            if child.type == "type_argument_list":
                self.type_uses(child)
            elif child.type in ("generic_name", "qualified_name"):
                self.type_uses_inside(child)

    def declare(self, name: Node | None, recv: Recv) -> None:
        if name is not None and name.type == "identifier":
            self.locals[-1][text(name)] = recv

    # --- the walk ---------------------------------------------------------

    def visit(self, node: Node, depth: int = 0) -> None:
        if depth > _MAX_DEPTH or node.id in self.detached:
            return
        t = node.type
        handler = _HANDLERS.get(t)
        if handler is not None:
            handler(self, node, depth + 1)
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
        return _x.recv(self, node, depth)

    # --- declarations -----------------------------------------------------

    def class_like(self, node: Node, depth: int) -> None:
        name = text(node.child_by_field_name("name"))
        if not name:
            return
        full = f"{self.scope}.{name}" if self.scope else name
        outer, self.scope = self.scope, full
        bounds = type_parameters(node)
        self.tparams.append({n: "!" + n for n in bounds})
        base_list = next((c for c in node.named_children if c.type == "base_list"), None)
        bases = [c for c in base_list.named_children if c.type in TYPE_NODES] if base_list is not None else []
        if node.type == "enum_declaration":
            bases = []  # an enum's base is its integral type
        supers = tuple(s for s in (self.written(b) for b in bases) if s)
        nodes, detached = body_members(node)
        fields, methods, extensions = members(nodes, node, self)
        is_interface = node.type == "interface_declaration"
        self.classes.append((full, outer, supers, tuple(sorted(fields)), tuple(sorted(methods)), is_interface))
        self.classes[-1] += (tuple(bounds.items()),)
        if has_modifier(node, "partial"):
            self.partial.add(full)
        self.extensions.update((full, m) for m in extensions)
        self.locals.append(dict.fromkeys((f for f, _ in fields), FIELD))
        if node.type in ("class_declaration", "record_declaration") and bases:
            self.use(("superinit",), node)  # a constructor calls one of the base class, if only implicitly
        for child in node.named_children:
            if child.type == "base_list":
                self.base_list(child)
            elif child.type in ("type_parameter_list", "type_parameter_constraints_clause", "parameter_list"):
                self.type_uses(child)
            elif child.type not in ("identifier", "modifier"):
                self.visit(child, depth)
        if detached:  # the members tree-sitter left after a broken header: visited here, in the type
            for member in nodes:
                self.visit(member, depth)
            self.detached.update(member.id for member in nodes)
        self.locals.pop()
        self.tparams.pop()
        self.scope = outer

    def base_list(self, node: Node) -> None:
        for child in node.named_children:
            if child.type in TYPE_NODES:
                written = erase(child)
                if written and self.tparam(written.split(".", 1)[0]) is None:
                    self.use(("inherit", written), child)
                self.type_uses_inside(child)
            else:  # record Point(int X) : Base(X): the base's constructor arguments
                self.visit(child)


def _on_namespace(ex: Extractor, node: Node, depth: int) -> None:
    name = "".join(text(node.child_by_field_name("name")).split()).removeprefix("global::")
    full = f"{ex.namespace}.{name}" if ex.namespace and name else name or ex.namespace
    body = [c for c in node.named_children if c != node.child_by_field_name("name")]
    if node.type == "file_scoped_namespace_declaration":
        ex.namespace = ex.scope = full  # it holds the rest of the file
        for child in body:
            ex.visit(child, depth)
        return
    outer = ex.namespace, ex.scope
    ex.namespace = ex.scope = full
    for child in body:
        ex.visit(child, depth)
    ex.namespace, ex.scope = outer


def _on_using(ex: Extractor, node: Node, depth: int) -> None:
    named = [c for c in node.named_children if c.type in ("identifier", "qualified_name", "alias_qualified_name")]
    alias_node = node.child_by_field_name("name")
    target = [c for c in node.named_children if c != alias_node and c.type in TYPE_NODES]
    is_global = any(c.type == "global" for c in node.children)
    if alias_node is not None and target:
        module = erase(target[-1]) or text(target[-1]).partition("<")[0]
        ex.usings.append(("alias", module.removeprefix("global::"), text(alias_node), ex.namespace, is_global))
    elif named:
        kind = "static" if any(c.type == "static" for c in node.children) else "using"
        module = text(named[-1]).removeprefix("global::")
        ex.usings.append((kind, module, "", ex.namespace, is_global))


def _on_class(ex: Extractor, node: Node, depth: int) -> None:
    ex.class_like(node, depth)


def _on_delegate(ex: Extractor, node: Node, depth: int) -> None:
    """``delegate R D(A a)``: an interface with one method, ``Invoke``."""
    name = text(node.child_by_field_name("name"))
    full = f"{ex.scope}.{name}" if ex.scope else name
    bounds = type_parameters(node)
    ex.tparams.append({n: "!" + n for n in bounds})
    plist = parameters(node.child_by_field_name("parameters"))
    returns = ex.written(node.child_by_field_name("type"))
    invoke = ("Invoke", len(plist), returns, tuple(ex.written(p.child_by_field_name("type")) for p in plist), True, ())
    ex.classes.append((full, ex.scope, (), (), (invoke,), True, tuple(bounds.items())))
    ex.type_uses(node.child_by_field_name("type"))
    ex.type_uses(node.child_by_field_name("parameters"))
    ex.tparams.pop()


def _on_method(ex: Extractor, node: Node, depth: int) -> None:
    """A method, constructor, operator, accessor-bearing member or local function: its types are
    uses, its parameters locals of its body."""
    ex.tparams.append(type_parameters(node))
    ex.locals.append({})
    if node.type in ("property_declaration", "indexer_declaration", "event_declaration"):
        ex.locals[-1]["value"] = None  # an accessor's implicit parameter
    name = node.child_by_field_name("name")
    for child in node.named_children:
        if child == name or child.type in ("modifier", "type_parameter_list"):
            continue
        if child.type in ("parameter_list", "bracketed_parameter_list"):
            declare_parameters(ex, child)
        elif child.type == "constructor_initializer":
            if any(c.type == "base" for c in child.children):
                ex.use(("superinit",), child)
            ex.children(child, depth)
        elif child.type in TYPE_NODES or child.type in (
            "explicit_interface_specifier",
            "type_parameter_constraints_clause",
        ):
            ex.type_uses(child)
        else:
            ex.visit(child, depth)
    ex.locals.pop()
    ex.tparams.pop()


def declare_parameters(ex: Extractor, plist: Node) -> None:
    """Each parameter (and a ``params`` one) is a local of its declared type; its type is a use."""
    for p in parameters(plist):
        type_node = p.child_by_field_name("type")
        ex.type_uses(type_node)
        for child in p.named_children:
            if child.type == "attribute_list" or child.type == "equals_value_clause":
                ex.visit(child)
        ex.declare(p.child_by_field_name("name"), ex.as_recv(ex.written(type_node)))
    rest, name = params_parameter(plist)
    if rest is not None:
        ex.type_uses(rest)
        ex.declare(name, ex.as_recv(ex.written(rest)))


def _on_variables(ex: Extractor, node: Node, depth: int) -> None:
    """``T a = x, b;`` (a field's, a local's, a ``using`` / ``for`` / ``fixed`` one's): each name a
    local of type ``T`` (``var``: its initializer's); ``T a = new()`` constructs a ``T``."""
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    written = ex.written(type_node)
    is_field = node.parent is not None and node.parent.type in ("field_declaration", "event_field_declaration")
    for declarator in node.named_children:
        if declarator.type != "variable_declarator":
            continue
        value = next((c for c in declarator.named_children if c != declarator.child_by_field_name("name")), None)
        if value is not None and value.type == "equals_value_clause" and value.named_children:
            value = value.named_children[0]
        if value is not None:
            if value.type == "implicit_object_creation_expression" and written:
                ex.use(("new", written), value)
            ex.visit(value, depth)
        if not is_field:
            name = declarator.child_by_field_name("name")
            recv = ex.recv(value) if type_node is not None and type_node.type == "implicit_type" else None
            ex.declare(name, recv if recv is not None or written == "" else ex.as_recv(written))


def _on_foreach(ex: Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    value = node.child_by_field_name("right")
    if value is not None:
        ex.visit(value, depth)
    value_recv = ex.recv(value)
    element = ("it", value_recv) if value_recv is not None else None
    declared = type_node is not None and type_node.type != "implicit_type"
    ex.declare(node.child_by_field_name("left"), ex.as_recv(ex.written(type_node)) if declared else element)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()


def _on_typed_name(ex: Extractor, node: Node, depth: int) -> None:
    """``catch (T e)``, ``out T x`` / ``out var x``, ``case T x``: ``x`` is a local of type ``T``."""
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    ex.declare(node.child_by_field_name("name"), ex.as_recv(ex.written(type_node)))


def _on_lambda(ex: Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    params = node.child_by_field_name("parameters")
    target = ex.lambdas.pop(node.id, None)  # passed to a method: its parameter's delegate types ours
    if params is not None and params.type == "implicit_parameter":
        ex.locals[-1][text(params)] = (*target, 0) if target else None
    elif params is not None:
        declare_parameters(ex, params)
        for i, p in enumerate(parameters(params)):
            if p.child_by_field_name("type") is None and target:
                ex.declare(p.child_by_field_name("name"), (*target, i))
    for child in node.named_children:
        if child != params and child.type not in ("modifier",) and child.type not in TYPE_NODES:
            ex.visit(child, depth)
    ex.locals.pop()


def _on_query_name(ex: Extractor, node: Node, depth: int) -> None:
    """``from c in cs``, ``let n = ...``, ``join d in ds``: ``c``, ``n``, ``d`` are locals (untyped)."""
    name = node.child_by_field_name("name") or next((c for c in node.named_children if c.type == "identifier"), None)
    for child in node.named_children:
        if child != name:
            ex.visit(child, depth)
    ex.declare(name, None)


_HANDLERS = {
    **dict.fromkeys(_CLASS_NODES, _on_class),
    "namespace_declaration": _on_namespace,
    "file_scoped_namespace_declaration": _on_namespace,
    "using_directive": _on_using,
    "delegate_declaration": _on_delegate,
    **dict.fromkeys(
        (
            "method_declaration",
            "constructor_declaration",
            "destructor_declaration",
            "operator_declaration",
            "conversion_operator_declaration",
            "local_function_statement",
            "property_declaration",
            "indexer_declaration",
            "event_declaration",
        ),
        _on_method,
    ),
    "variable_declaration": _on_variables,
    "foreach_statement": _on_foreach,
    **dict.fromkeys(("catch_declaration", "declaration_expression", "declaration_pattern"), _on_typed_name),
    **dict.fromkeys(("lambda_expression", "anonymous_method_expression"), _on_lambda),
    **dict.fromkeys(("from_clause", "let_clause", "join_clause", "query_continuation"), _on_query_name),
    **_x.HANDLERS,
}


def type_facts(root: Node) -> tuple[Any, ...]:
    """The facts of one file (see the module's doc); the uses in the order they are first met."""
    ex = Extractor()
    ex.visit(root)
    uses = tuple((u, s, line, n) for (u, s), (line, n) in ex.uses.items())
    return (tuple(ex.usings), tuple(ex.classes), uses, tuple(sorted(ex.partial)), tuple(sorted(ex.extensions)))

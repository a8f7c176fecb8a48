"""Rust type facts for method calls: what one file implements and, for each ``x.m()``, what ``x`` is.

Only method calls are typed (``rust_linking``); every other name keeps the by-name pass through ``use``.
A receiver is recorded as an expression: ``("t", "Foo")`` (an object of a type as written: ``&Foo``,
``&mut Foo``, ``Box<Foo>``, ``Rc<Foo>``, ``Arc<Foo>`` give ``Foo``; ``Self`` the impl's type), ``("self",)``,
``("f", recv, x)`` (field ``x``), ``("m", recv, m)`` (what method ``m`` returns), ``("qm", "Foo", m)``
(what ``Foo::m()`` returns, as ``Foo::new()``).  A local's receiver is its annotated type, else its
initializer's (``Foo { .. }``, ``Foo::new()``, a call); a generic parameter, a closure's parameter or a
pattern has none: nothing is linked through it.

The facts: ``(impls, traits, structs, uses)``: ``impls`` holds ``(type, trait, methods)`` (``trait``
"" for an inherent impl; a method ``(name, return type)``), ``traits`` ``(name, default methods)``,
``structs`` ``(name, fields)`` (a field ``(name, type)``), ``uses`` ``(("call", recv, m), impl type,
line, count)``.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages.base import node_text as text

Recv = tuple[Any, ...] | None
#: wrappers whose value stands for their first type argument
_WRAPPERS = frozenset({"Box", "Rc", "Arc", "RefCell", "Cell", "Mutex", "RwLock"})
_BLOCKS = frozenset({"block", "closure_expression", "for_expression", "if_expression", "match_arm", "while_expression"})
#: nodes deep the walk goes, links long a receiver is followed: past them nothing is recorded
_MAX_DEPTH = 200
_MAX_CHAIN = 60


def written(node: Node | None, self_type: str = "") -> str:
    """The type a type node names (``&mut Box<a::Foo<T>>`` -> ``Foo``); "" for a builtin or a tuple."""
    if node is None:
        return ""
    t = node.type
    if t == "type_identifier":
        name = text(node)
        return self_type if name == "Self" else name
    if t == "scoped_type_identifier":
        return written(node.child_by_field_name("name"), self_type)
    if t == "reference_type":
        return written(node.child_by_field_name("type"), self_type)
    if t == "generic_type":
        base = written(node.child_by_field_name("type"), self_type)
        arguments = node.child_by_field_name("type_arguments")
        if base in _WRAPPERS and arguments is not None and arguments.named_children:
            return written(arguments.named_children[0], self_type)
        return base
    return ""


class _Extractor:
    """One walk over a file, with the impl's type and the local scopes at each point."""

    def __init__(self) -> None:
        self.impls: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
        self.traits: list[tuple[str, tuple[str, ...]]] = []
        self.structs: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.uses: dict[tuple[Any, str], list[int]] = {}
        self.self_type = ""
        self.generics: list[set[str]] = [set()]
        self.locals: list[dict[str, Recv]] = [{}]

    def as_type(self, node: Node | None) -> Recv:
        w = written(node, self.self_type)
        return ("t", w) if w and not any(w in g for g in self.generics) else None

    def visit(self, node: Node, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        t = node.type
        if t == "impl_item":
            self.impl(node, depth)
        elif t == "trait_item":
            self.trait(node, depth)
        elif t == "struct_item":
            self.struct(node)
        elif t == "function_item":
            self.function(node, depth)
        elif t == "let_declaration":
            value = node.child_by_field_name("value")
            if value is not None:
                self.visit(value, depth + 1)
            pattern = node.child_by_field_name("pattern")
            recv = self.as_type(node.child_by_field_name("type")) or self.recv(value)
            if pattern is not None and pattern.type == "identifier":
                self.locals[-1][text(pattern)] = recv
            elif pattern is not None:
                self.bind_pattern(pattern)
        elif t == "call_expression":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "field_expression":
                recv = self.recv(function.child_by_field_name("value"))
                if recv is not None:
                    self.use(("call", recv, text(function.child_by_field_name("field"))), node)
            self.children(node, depth)
        elif t in _BLOCKS:
            self.locals.append({})
            if t == "closure_expression":
                self.bind_pattern(node.child_by_field_name("parameters"))
            self.children(node, depth)
            self.locals.pop()
        else:
            self.children(node, depth)

    def children(self, node: Node, depth: int) -> None:
        for child in node.named_children:
            self.visit(child, depth + 1)

    def bind_pattern(self, pattern: Node | None) -> None:
        """Names a pattern binds have no known type (they shadow any outer local)."""
        if pattern is None:
            return
        if pattern.type == "identifier":
            self.locals[-1][text(pattern)] = None
        for child in pattern.named_children:
            self.bind_pattern(child)

    def use(self, what: tuple[Any, ...], node: Node) -> None:
        entry = self.uses.get((what, self.self_type))
        if entry is None:
            self.uses[(what, self.self_type)] = [node.start_point[0] + 1, 1]
        else:
            entry[1] += 1

    def recv(self, node: Node | None, depth: int = 0) -> Recv:
        """The receiver expression ``node`` stands for; None if unknown (or past ``_MAX_CHAIN`` links)."""
        if node is None or depth > _MAX_CHAIN:
            return None
        t = node.type
        if t == "self":
            return ("self",) if self.self_type else None
        if t == "identifier":
            name = text(node)
            for layer in reversed(self.locals):
                if name in layer:
                    return layer[name]
            return None
        if t == "field_expression":
            inner = self.recv(node.child_by_field_name("value"), depth + 1)
            field = node.child_by_field_name("field")
            return ("f", inner, text(field)) if inner is not None and field is not None else None
        if t == "struct_expression":
            return self.as_type(node.child_by_field_name("name"))
        if t in ("reference_expression", "parenthesized_expression", "try_expression", "unary_expression"):
            operand = node.child_by_field_name("value") or (node.named_children[-1] if node.named_children else None)
            return self.recv(operand, depth + 1)
        if t == "call_expression":
            function = node.child_by_field_name("function")
            if function is not None and function.type == "field_expression":
                inner = self.recv(function.child_by_field_name("value"), depth + 1)
                name = text(function.child_by_field_name("field"))
                return ("m", inner, name) if inner is not None else None
            if function is not None and function.type == "scoped_identifier":
                path = function.child_by_field_name("path")
                owner = written(path, self.self_type) if path is not None and path.type != "identifier" else ""
                owner = owner or (text(path) if path is not None and path.type == "identifier" else "")
                owner = self.self_type if owner == "Self" else owner
                if owner and owner[:1].isupper() and not any(owner in g for g in self.generics):
                    return ("qm", owner, text(function.child_by_field_name("name")))
        return None

    # --- items ------------------------------------------------------------------

    def impl(self, node: Node, depth: int) -> None:
        self.generics.append(_generics(node))
        outer, self.self_type = self.self_type, written(node.child_by_field_name("type"))
        trait = written(node.child_by_field_name("trait"))
        body = node.child_by_field_name("body")
        methods = []
        for item in body.named_children if body is not None else []:
            if item.type == "function_item":
                ret = written(item.child_by_field_name("return_type"), self.self_type)
                methods.append((text(item.child_by_field_name("name")), ret))
        if self.self_type:
            self.impls.append((self.self_type, trait, tuple(sorted(methods))))
        if body is not None:
            self.children(body, depth)
        self.self_type = outer
        self.generics.pop()

    def trait(self, node: Node, depth: int) -> None:
        body = node.child_by_field_name("body")
        defaults = [
            text(item.child_by_field_name("name"))
            for item in (body.named_children if body is not None else [])
            if item.type == "function_item"
        ]
        self.traits.append((text(node.child_by_field_name("name")), tuple(sorted(defaults))))
        outer, self.self_type = self.self_type, ""
        if body is not None:
            self.children(body, depth)
        self.self_type = outer

    def struct(self, node: Node) -> None:
        body = node.child_by_field_name("body")
        fields = [
            (text(f.child_by_field_name("name")), written(f.child_by_field_name("type")))
            for f in (body.named_children if body is not None else [])
            if f.type == "field_declaration"
        ]
        self.structs.append((text(node.child_by_field_name("name")), tuple(sorted(fields))))

    def function(self, node: Node, depth: int) -> None:
        self.generics.append(_generics(node))
        self.locals.append({})
        params = node.child_by_field_name("parameters")
        for p in params.named_children if params is not None else []:
            pattern = p.child_by_field_name("pattern")
            if p.type == "parameter" and pattern is not None and pattern.type == "identifier":
                self.locals[-1][text(pattern)] = self.as_type(p.child_by_field_name("type"))
            elif p.type == "parameter":
                self.bind_pattern(pattern)
        body = node.child_by_field_name("body")
        if body is not None:
            self.visit(body, depth)
        self.locals.pop()
        self.generics.pop()


def _generics(node: Node) -> set[str]:
    params = node.child_by_field_name("type_parameters")
    out: set[str] = set()
    for p in params.named_children if params is not None else []:
        name = p.child_by_field_name("name") or (p.named_children[0] if p.named_children else None)
        if name is not None:
            out.add(text(name))
    return out


def type_facts(root: Node) -> tuple[Any, ...]:
    """The facts of one file (see the module's doc)."""
    ex = _Extractor()
    ex.visit(root)
    uses = tuple((u, scope, line, n) for (u, scope), (line, n) in ex.uses.items())
    return (tuple(ex.impls), tuple(ex.traits), tuple(ex.structs), uses)

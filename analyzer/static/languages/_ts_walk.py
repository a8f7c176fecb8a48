"""The walk of ``ts_types``: one file's scopes (locals, type parameters, the class) and receivers."""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages._ts_syntax import (
    SCOPES,
    TYPE_NAMES,
    UNWRAP_EXPRESSIONS,
    Recv,
    hoisted,
    query_head,
    written,
)
from analyzer.static.languages.base import node_text as text

_MAX_DEPTH = 300
#: nodes that hold no name the walk records (literals, keys, comments): not walked into
_INERT = frozenset(
    """
    string number comment true false null undefined regex property_identifier private_property_identifier
    predefined_type literal_type accessibility_modifier statement_identifier hash_bang_line string_fragment
    escape_sequence html_comment jsx_text
    """.split()
)
_MAX_CHAIN = 40


class Extractor:
    """One walk over a file's tree, with the class, type-parameter and local scopes at each point."""

    def __init__(self, handlers: dict[str, Any]) -> None:
        self.handlers = handlers
        self.imports: list[tuple[str, str, str]] = []
        self.exports: list[tuple[str, str, str]] = []
        self.decls: dict[str, tuple[str, str, Recv]] = {}
        self.classes: list[tuple[Any, ...]] = []
        self.uses: dict[tuple[Any, str], list[int]] = {}
        self.locals: list[dict[str, Recv]] = []
        self.params: dict[str, str] = {}
        self.scope = ""
        self.signatures: list[tuple[str, str, tuple[Any, ...]]] = []
        #: for the function about to be visited: (callee, argument index) whose parameter types its
        #: untyped parameters take
        self.callback: tuple[Any, int] | None = None

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
        else:  # a file-level name bound by destructuring
            self.decls.setdefault(name, (name, "variable", recv))

    def declare_pattern(self, pattern: Node | None, recv: Recv) -> None:
        """Every name a (destructuring) pattern binds, each with its part of ``recv``: ``{ a, b: [c] }``
        binds ``a`` to property ``a`` of ``recv`` and ``c`` to an element of property ``b``; the key ``b``
        written out is a use of that property (``a``, shorthand, names the local, as the compiler reads it)."""
        if pattern is None:
            return
        t = pattern.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            self.declare(text(pattern), recv)
        elif t in ("assignment_pattern", "object_assignment_pattern"):
            self.declare_pattern(pattern.child_by_field_name("left"), recv)
            default = pattern.child_by_field_name("right")
            if default is not None:
                self.visit(default)
        elif t == "object_pattern":
            for child in pattern.named_children:
                if child.type == "pair_pattern":
                    key = child.child_by_field_name("key")
                    named = key is not None and key.type == "property_identifier"
                    if named and recv is not None:
                        self.use(("member", recv, text(key)), child)
                    part = ("f", recv, text(key)) if named and recv is not None else None
                    self.declare_pattern(child.child_by_field_name("value"), part)
                elif child.type in ("shorthand_property_identifier_pattern", "object_assignment_pattern"):
                    name = child.child_by_field_name("left") or child
                    self.declare_pattern(child, ("f", recv, text(name)) if recv is not None else None)
                else:
                    self.declare_pattern(child, None)
        else:  # an array pattern: its elements; a rest pattern: unknown
            element = ("e", recv) if t == "array_pattern" and recv is not None else None
            for child in pattern.named_children:
                self.declare_pattern(child, element)

    def local(self, name: str) -> tuple[bool, Recv]:
        for layer in reversed(self.locals):
            if name in layer:
                return True, layer[name]
        return False, None

    def typed(self, node: Node | None) -> Recv:
        w = written(node, self.params)
        return ("t", w) if w else None

    def type_uses(self, node: Node | None) -> None:
        """A ``type`` use for every name a type node writes (its arguments too); iterative, as a union
        of thousands of members nests as deep."""
        todo = [node] if node is not None else []
        while todo:
            n = todo.pop()
            t = n.type
            if t in TYPE_NAMES:
                name = "".join(text(n).split())
                if name.split(".", 1)[0] not in self.params:
                    self.use(("type", name), n)
            elif t == "type_query":
                head = query_head(n)
                if head is not None and not self.local(text(head))[0]:
                    self.use(("tname", text(head)), head)
            elif t == "formal_parameters":  # of a function type: their types, never their names
                todo.extend(c for c in (p.child_by_field_name("type") for p in reversed(n.named_children)) if c)
            else:
                todo.extend(
                    c for c in reversed(n.named_children) if c.type not in ("property_identifier", "identifier")
                )

    # --- the walk ---------------------------------------------------------

    def visit(self, node: Node, depth: int = 0) -> None:
        t = node.type
        if depth > _MAX_DEPTH or t in _INERT:
            return
        handler = self.handlers.get(t)
        if handler is not None:
            handler(self, node, depth + 1)
        elif t in SCOPES:
            self.locals.append(hoisted(node))
            self.children(node, depth)
            self.locals.pop()
        else:
            self.children(node, depth)

    def callee(self, node: Node) -> Recv:
        """What a call or ``new`` calls, for its arguments' contextual types (None if unknown)."""
        if node.type == "new_expression":
            recv = self.recv(node)
            return ("new", recv[1]) if recv is not None else None
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and not self.local(text(fn))[0]:
            return ("c", text(fn))
        if fn is not None and fn.type == "member_expression":
            inner = self.recv(fn.child_by_field_name("object"))
            return ("m", inner, text(fn.child_by_field_name("property"))) if inner is not None else None
        return None

    def children(self, node: Node, depth: int) -> None:
        for child in node.named_children:
            if child.type not in _INERT:
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

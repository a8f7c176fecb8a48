"""The ``java_types`` extractor's handlers of expressions: each records the uses it makes.

``ex`` is the extractor of ``java_types`` (its ``use``, ``recv``, ``visit``, ``type_uses``...).
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages._java_syntax import TYPE_NODES, erase, nargs, text


def on_invocation(ex: Any, node: Node, depth: int) -> None:
    obj = node.child_by_field_name("object")
    recv = ex.recv(obj) if obj is not None else None
    if obj is None or recv is not None:
        name, count = text(node.child_by_field_name("name")), nargs(node)
        ex.use(("call", recv, name, count, ex.arguments(node, recv)), node)
        arguments = node.child_by_field_name("arguments")
        for j, argument in enumerate(arguments.named_children if arguments is not None else ()):
            if argument.type == "lambda_expression":
                ex.lambdas[argument.id] = ("lp", recv, name, count, j, ex.plain_arguments(node))
    for child in node.named_children:
        if child is not None and node.child_by_field_name("name") != child:
            ex.visit(child, depth)


def on_field_access(ex: Any, node: Node, depth: int) -> None:
    obj = node.child_by_field_name("object")
    field = node.child_by_field_name("field")
    if field is not None and field.type == "this":
        if obj is not None and erase(obj):
            ex.use(("type", erase(obj)), obj)
        return
    recv = ex.recv(obj)
    if recv is not None and field is not None:
        ex.use(("field", recv, text(field)), node)
    if obj is not None:
        ex.visit(obj, depth)


def on_identifier(ex: Any, node: Node, depth: int) -> None:
    recv = ex.recv(node)
    if recv is not None and recv[0] == "n":
        ex.use(("name", recv[1]), node)


def on_new(ex: Any, node: Node, depth: int) -> None:
    """``new T(...)``: a use of T's constructor; ``new T(...) { body }``: an anonymous class, whose
    supertype T is inherited (javac attributes it as the class's extends / implements clause), and
    its own constructor calls T's when T is a class, not an interface (javac: T's constructor used)."""
    type_node = node.child_by_field_name("type")
    written = ex.typed(erase(type_node))
    ex.type_uses(type_node)
    body = next((c for c in node.named_children if c.type == "class_body"), None)
    if written and body is not None:
        ex.use(("inherit", written), node)
        ex.use(("anew", written), node)  # its constructor calls T's, if T is a class (not an interface)
    elif written:
        ex.use(("new", written), node)
    for child in node.named_children:
        if child != type_node and child != body:
            ex.visit(child, depth)
    if body is not None:
        ex.class_like(node, depth, "", [type_node] if type_node is not None else [], body)


def on_method_reference(ex: Any, node: Node, depth: int) -> None:
    parts = node.named_children
    if not parts:
        return
    head = parts[0]
    last = node.children[-1]
    if head.type in TYPE_NODES:
        ex.type_uses(head)
        recv = ex.as_recv(erase(head))
    else:
        ex.visit(head, depth)
        recv = ex.recv(head)
    if recv is None:
        return
    if last.type == "new":
        if recv[0] == "t":
            ex.use(("new", recv[1]), node)
        elif recv[0] == "n":  # `X::new`, X read as a plain name: only a type can be constructed
            ex.use(("new", recv[1]), node)
    elif len(parts) > 1:
        ex.use(("call", recv, text(last), -1, ()), node)


def on_instanceof(ex: Any, node: Node, depth: int) -> None:
    left = node.child_by_field_name("left")
    if left is not None:
        ex.visit(left, depth)
    right = node.child_by_field_name("right")
    for child in node.named_children:
        if child.type in TYPE_NODES or child.type in ("record_pattern", "type_pattern"):
            ex.type_uses(child)
    name = node.child_by_field_name("name")
    if name is not None and right is not None:
        ex.declare(name, ex.as_recv(erase(right)))


def on_constructor_call(ex: Any, node: Node, depth: int) -> None:
    first = node.child_by_field_name("constructor")
    if first is not None and first.type == "super":
        ex.use(("superinit",), node)
    for child in node.named_children:
        if child.type not in ("this", "super"):
            ex.visit(child, depth)


def on_annotation(ex: Any, node: Node, depth: int) -> None:
    name = node.child_by_field_name("name")
    if name is not None and erase(name):
        ex.use(("type", erase(name)), name)
    arguments = node.child_by_field_name("arguments")
    if arguments is not None:
        for child in arguments.named_children:
            key = child.child_by_field_name("key") if child.type == "element_value_pair" else None
            if key is not None and name is not None and erase(name):  # @A(key = v): A's element key()
                ex.use(("call", ("t", erase(name)), text(key), 0, ()), key)
            value = child.child_by_field_name("value") if child.type == "element_value_pair" else child
            if value is not None:
                ex.visit(value, depth)


def on_class_literal(ex: Any, node: Node, depth: int) -> None:
    """``T.class``: T named, and its class object read as a value (javac: T's member ``class``), a call."""
    for child in node.named_children:
        if child.type in ("identifier", "scoped_identifier"):
            if erase(child):
                ex.use(("type", erase(child)), child)
        else:
            ex.type_uses(child)
        written = ex.typed(erase(child)) if child.type in ("type_identifier", "scoped_type_identifier") else None
        if written:
            ex.use(("new", written), child)


def on_labeled(ex: Any, node: Node, depth: int) -> None:
    for child in node.named_children:
        if child.type != "identifier":
            ex.visit(child, depth)


def on_switch(ex: Any, node: Node, depth: int) -> None:
    """A switch: its case labels' bare names are constants of the selector's type (an enum's)."""
    condition = node.child_by_field_name("condition")
    if condition is not None:
        ex.visit(condition, depth)
    ex.switches.append(ex.recv(condition))
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.switches.pop()


def on_switch_label(ex: Any, node: Node, depth: int) -> None:
    selector = ex.switches[-1] if ex.switches else None
    for child in node.named_children:
        if child.type == "identifier" and selector is not None:
            ex.use(("case", selector, text(child)), child)
        else:
            ex.visit(child, depth)


def on_type_pattern(ex: Any, node: Node, depth: int) -> None:
    """``case Foo f`` / ``o instanceof Foo f``: ``f`` is a local of type ``Foo``."""
    type_node = next((c for c in node.named_children if c.type in TYPE_NODES), None)
    ex.type_uses(type_node)
    name = next((c for c in node.named_children if c.type == "identifier"), None)
    ex.declare(name, ex.as_recv(erase(type_node)) if type_node is not None else None)

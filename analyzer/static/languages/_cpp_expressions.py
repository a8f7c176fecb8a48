"""The ``cpp_types`` extractor's handlers of expressions: each records the uses it makes.

``ex`` is the extractor of ``cpp_types`` (its ``use``, ``recv``, ``local``, ``visit``, ``type_uses``...).
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages._cpp_syntax import member_name, split_qualified, written
from analyzer.static.languages.base import node_text as text


def on_call(ex: Any, node: Node, depth: int) -> None:
    function = node.child_by_field_name("function")
    t = function.type if function is not None else ""
    if function is not None and t == "identifier":
        if not ex.local(text(function))[0]:
            ex.use(("call", None, text(function)), function)
    elif function is not None and t == "template_function":
        ex.use(("call", None, text(function.child_by_field_name("name"))), function)
        ex.type_uses(function.child_by_field_name("arguments"))
    elif function is not None:
        ex.visit(function, depth)
    arguments = node.child_by_field_name("arguments")
    if arguments is not None:
        ex.visit(arguments, depth)


def on_field(ex: Any, node: Node, depth: int) -> None:
    argument = node.child_by_field_name("argument")
    name = member_name(node.child_by_field_name("field"))
    recv = ex.recv(argument)
    if recv is not None and name:
        is_call = node.parent is not None and node.parent.type == "call_expression"
        ex.use(("call" if is_call else "field", recv, name), node)
    if argument is not None:
        ex.visit(argument, depth)


def on_identifier(ex: Any, node: Node, depth: int) -> None:
    if not ex.local(text(node))[0]:
        ex.use(("name", text(node)), node)


def on_qualified(ex: Any, node: Node, depth: int) -> None:
    qual, name = split_qualified(node)
    if qual and qual != "std" and not qual.startswith("std::") and not ex.is_tparam(qual):
        ex.use(("qual", qual, name), node)
    for child in node.named_children:
        if child.type in ("template_type", "template_function", "qualified_identifier"):
            ex.type_uses(child.child_by_field_name("arguments"))


def on_new(ex: Any, node: Node, depth: int) -> None:
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    w = written(type_node)
    if w and not ex.is_tparam(w):
        ex.use(("new", w), node)
    for child in node.named_children:
        if child != type_node:
            ex.visit(child, depth)


def on_initializer(ex: Any, node: Node, depth: int) -> None:
    """``: Base(x), field_(y)``: a base class's constructor (a field of the class links nothing more)."""
    named = node.named_children
    if named and named[0].type in ("field_identifier", "type_identifier", "template_method"):
        ex.use(("ctor", member_name(named[0]) or text(named[0])), named[0])
    for child in named[1:]:
        ex.visit(child, depth)

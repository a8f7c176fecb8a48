"""The ``csharp_types`` extractor's receivers and its handlers of expressions: each records the
uses it makes.

``ex`` is the extractor of ``csharp_types`` (its ``use``, ``recv``, ``visit``, ``type_uses``...).
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages._csharp_syntax import FIELD as _FIELD
from analyzer.static.languages._csharp_syntax import erase, text

Recv = tuple[Any, ...] | None
_MAX_CHAIN = 60
_STRINGS = frozenset(
    {"string_literal", "verbatim_string_literal", "raw_string_literal", "interpolated_string_expression"}
)
#: names that read as calls but are operators of the language
_OPERATORS = frozenset({"nameof"})


def recv(ex: Any, node: Node | None, depth: int = 0) -> Recv:
    """The receiver expression ``node`` stands for (see ``csharp_types``); None if unknown.

    Memoized per node: the walk meets each link of a chain ``a.b.c.d`` again as the receiver of
    the next (the locals it reads do not change between those meetings)."""
    if node is None or depth > _MAX_CHAIN:
        return None
    key = node.id
    if key in ex.receivers:
        return ex.receivers[key]  # type: ignore[no-any-return]
    found = _recv(ex, node, depth)
    if node.type != "identifier":  # a name's meaning changes where a local is declared
        ex.receivers[key] = found
    return found


def _recv(ex: Any, node: Node, depth: int) -> Recv:
    t = node.type
    if t == "identifier":
        name = text(node)
        for layer in reversed(ex.locals):
            if name in layer:
                found = layer[name]
                return ("n", name) if found is _FIELD else found
        return ("n", name)
    if t in ("generic_name", "qualified_name", "predefined_type", "alias_qualified_name"):
        return ex.as_recv(ex.written(node))
    if t == "member_access_expression":
        inner = recv(ex, node.child_by_field_name("expression"), depth + 1)
        name = _simple(node.child_by_field_name("name"))
        return ("f", inner, name) if inner is not None and name else None
    if t == "member_binding_expression":
        inner = ex.conditional[-1] if ex.conditional else None
        name = _simple(node.child_by_field_name("name"))
        return ("f", inner, name) if inner is not None and name else None
    if t == "conditional_access_expression":
        ex.conditional.append(recv(ex, node.child_by_field_name("condition"), depth + 1))
        out = recv(ex, node.named_children[-1], depth + 1) if len(node.named_children) > 1 else None
        ex.conditional.pop()
        return out
    if t == "invocation_expression":
        return _call_recv(ex, node, depth)
    if t in ("object_creation_expression", "cast_expression", "array_creation_expression"):
        return ex.as_recv(ex.written(node.child_by_field_name("type")))
    if t == "as_expression":
        return ex.as_recv(ex.written(node.child_by_field_name("right")))
    if t in ("parenthesized_expression", "await_expression", "checked_expression", "postfix_unary_expression"):
        return recv(ex, node.named_children[0], depth + 1) if node.named_children else None
    if t in _STRINGS:
        return ("t", "System.String")  # "{0}".FormatWith(x): an extension method of string
    if t == "this":
        return ("this",)
    if t == "base":
        return ("super",)
    if t == "element_access_expression":
        inner = recv(ex, node.child_by_field_name("expression"), depth + 1)
        return ("e", inner) if inner is not None else None
    if t == "conditional_expression":
        return recv(ex, node.child_by_field_name("consequence"), depth + 1)
    return None


def _simple(node: Node | None) -> str:
    """A member's name (``M`` of ``M<T>``)."""
    if node is not None and node.type == "generic_name":
        return text(node.named_children[0]) if node.named_children else ""
    return text(node)


def _call_recv(ex: Any, node: Node, depth: int) -> Recv:
    """What a call returns: ``("m", receiver, name, nargs, args)``; None for a call of a delegate."""
    function = node.child_by_field_name("function")
    owner, name = _callee(ex, function, depth)
    if not name or (function is not None and function.type not in ("identifier", "generic_name") and owner is None):
        return None
    return ("m", owner, name, _nargs(node), argument_receivers(ex, node, depth))


def argument_receivers(ex: Any, call: Node, depth: int = 0) -> tuple[Recv, ...]:
    """The receivers of a call's arguments (the linker picks an overload by their types)."""
    cached = ex.calls.get(call.id)  # a call in a chain is met again as each outer call's receiver
    if cached is None:
        found = call.child_by_field_name("arguments")
        values = [a.named_children[-1] if a.named_children else None for a in found.named_children] if found else []
        cached = ex.calls[call.id] = tuple(recv(ex, v, depth + 1) for v in values)
    return cached  # type: ignore[no-any-return]


def _callee(ex: Any, function: Node | None, depth: int) -> tuple[Recv, str]:
    """(receiver, method name) of a call's function: (None, name) for an unqualified call."""
    if function is None:
        return None, ""
    t = function.type
    if t in ("identifier", "generic_name"):
        name = _simple(function)
        if t == "identifier" and _is_local(ex, name):  # a local delegate: f(x) is f.Invoke(x)
            local = recv(ex, function, depth + 1)
            return (local, "Invoke") if local is not None else (None, "")
        return None, ("" if name in _OPERATORS else name)
    if t == "member_access_expression":
        return recv(ex, function.child_by_field_name("expression"), depth + 1), _simple(
            function.child_by_field_name("name")
        )
    if t == "member_binding_expression":
        return (ex.conditional[-1] if ex.conditional else None), _simple(function.child_by_field_name("name"))
    if t == "conditional_access_expression" and len(function.named_children) > 1:
        ex.conditional.append(recv(ex, function.child_by_field_name("condition"), depth + 1))
        out = _callee(ex, function.named_children[-1], depth + 1)
        ex.conditional.pop()
        return out
    return None, ""


def _is_local(ex: Any, name: str) -> bool:
    """Whether ``name`` is a local in scope (a local delegate called as ``f()`` is no method)."""
    for layer in reversed(ex.locals):
        if name in layer:
            return layer[name] is not _FIELD
    return False


def _nargs(node: Node) -> int:
    arguments = node.child_by_field_name("arguments")
    return sum(c.type == "argument" for c in arguments.named_children) if arguments is not None else 0


def on_invocation(ex: Any, node: Node, depth: int) -> None:
    function = node.child_by_field_name("function")
    owner, name = _callee(ex, function, depth)
    qualified = function is not None and function.type not in ("identifier", "generic_name")
    if name and (owner is not None or not qualified):
        args = argument_receivers(ex, node, depth)
        ex.use(("call", owner, name, _nargs(node), args), node)
        _lambda_targets(ex, node, ("lp", owner, name, _nargs(node)), args)
    if function is not None:
        if function.type == "member_access_expression":
            _visit_owner(ex, function, depth)
        elif function.type == "conditional_access_expression":
            on_conditional(ex, function, depth, record=False)
        elif function.type == "generic_name":
            _type_arguments(ex, function)
        elif function.type != "identifier" and function.type != "member_binding_expression":
            ex.visit(function, depth)
    arguments = node.child_by_field_name("arguments")
    if arguments is not None:
        ex.visit(arguments, depth)


def _lambda_targets(ex: Any, call: Node, callee: tuple[Any, ...], args: tuple[Recv, ...]) -> None:
    """A lambda argument's parameters are typed by the parameter of the called method there (a
    delegate: ``orders.Where(o => o.IsOpen)``): ``("lp", receiver, name, nargs, j, args, i)``."""
    found = call.child_by_field_name("arguments")
    for j, argument in enumerate(found.named_children if found is not None else ()):
        value = argument.named_children[-1] if argument.named_children else None
        if value is not None and value.type == "lambda_expression":
            ex.lambdas[value.id] = (*callee, j, args)


def _visit_owner(ex: Any, access: Node, depth: int) -> None:
    """The expression before ``.name`` (its own uses), and the type arguments of ``name<T>``."""
    expression = access.child_by_field_name("expression")
    if expression is not None:
        ex.visit(expression, depth)
    name = access.child_by_field_name("name")
    if name is not None and name.type == "generic_name":
        _type_arguments(ex, name)


def _type_arguments(ex: Any, generic: Node) -> None:
    for child in generic.named_children:
        if child.type == "type_argument_list":
            ex.type_uses(child)


def on_member_access(ex: Any, node: Node, depth: int) -> None:
    inner = recv(ex, node.child_by_field_name("expression"), depth)
    name = _simple(node.child_by_field_name("name"))
    if inner is not None and name:
        ex.use(("field", inner, name), node)
    _visit_owner(ex, node, depth)


def on_conditional(ex: Any, node: Node, depth: int, record: bool = True) -> None:
    """``a?.B``, ``a?.M()``, ``a?[i]``: the part after ``?`` reads ``a`` as its receiver."""
    condition = node.child_by_field_name("condition")
    if condition is not None:
        ex.visit(condition, depth)
    ex.conditional.append(recv(ex, condition, depth))
    for child in node.named_children:
        if child == condition:
            continue
        if child.type == "member_binding_expression":
            inner, name = ex.conditional[-1], _simple(child.child_by_field_name("name"))
            if record and inner is not None and name:
                ex.use(("field", inner, name), child)
        else:
            ex.visit(child, depth)
    ex.conditional.pop()


def on_element_access(ex: Any, node: Node, depth: int) -> None:
    """``x[i]``: a use of ``x``'s indexer (none for an array)."""
    inner = recv(ex, node.child_by_field_name("expression"), depth)
    if inner is not None:
        ex.use(("call", inner, "this[]", 1, ()), node)
    ex.children(node, depth)


def on_identifier(ex: Any, node: Node, depth: int) -> None:
    found = recv(ex, node)
    if found is not None and found[0] == "n":
        ex.use(("name", found[1]), node)


def on_generic_name(ex: Any, node: Node, depth: int) -> None:
    """A generic type in an expression (``Cache<Pet>.Get()``): a type and its arguments."""
    ex.type_uses(node)


def on_new(ex: Any, node: Node, depth: int) -> None:
    type_node = node.child_by_field_name("type")
    written = erase(type_node)
    ex.type_uses(type_node)
    if written:
        ex.use(("new", written), node)
    made = ex.as_recv(ex.written(type_node))
    for child in node.named_children:
        if child == type_node:
            continue
        if child.type == "initializer_expression" and made is not None:
            _initializer(ex, child, made, depth)
        else:
            ex.visit(child, depth)


def _initializer(ex: Any, node: Node, made: Recv, depth: int) -> None:
    """``new T { A = 1 }``: ``A`` is a member of ``T``."""
    for child in node.named_children:
        left = child.child_by_field_name("left") if child.type == "assignment_expression" else None
        if left is not None and left.type == "identifier":
            ex.use(("field", made, text(left)), left)
            right = child.child_by_field_name("right")
            if right is not None:
                ex.visit(right, depth)
        else:
            ex.visit(child, depth)


def on_anonymous_object(ex: Any, node: Node, depth: int) -> None:
    """``new { A = 1, b.C }``: ``A`` names a member of the new object, nothing else."""
    for child in node.named_children:
        following = child.next_sibling
        if child.type == "identifier" and following is not None and following.type == "=":
            continue
        ex.visit(child, depth)


def on_typed_expression(ex: Any, node: Node, depth: int) -> None:
    """A cast, ``x as T``, ``x is T``, ``typeof(T)``, ``default(T)``, ``sizeof(T)``, an array
    creation: the type is a use, the rest is visited."""
    type_node = node.child_by_field_name("type") or node.child_by_field_name("right")
    if type_node is not None and node.type == "is_expression":
        ex.visit(type_node, depth)  # `x is Foo` / `x is Color.Red`: a type or a constant
    else:
        ex.type_uses(type_node)
    for child in node.named_children:
        if child != type_node:
            ex.visit(child, depth)


def on_attribute(ex: Any, node: Node, depth: int) -> None:
    """``[Foo(1, Bar = 2)]``: the type ``FooAttribute`` (else ``Foo``); its arguments' values."""
    name = node.child_by_field_name("name")
    written = erase(name)
    if written:
        ex.use(("attr", written), node)
    for child in node.named_children:
        if child.type == "attribute_argument_list":
            for argument in child.named_children:
                key = argument.child_by_field_name("name")
                for part in argument.named_children:
                    if part != key:
                        ex.visit(part, depth)


def on_argument(ex: Any, node: Node, depth: int) -> None:
    """An argument; ``f(name: x)`` names a parameter, no member."""
    name = node.child_by_field_name("name")
    for child in node.named_children:
        if child != name:
            ex.visit(child, depth)


def on_skip(ex: Any, node: Node, depth: int) -> None:
    """Nodes that name nothing of the repository (a goto label, a literal)."""


HANDLERS = {
    "invocation_expression": on_invocation,
    "member_access_expression": on_member_access,
    "conditional_access_expression": on_conditional,
    "element_access_expression": on_element_access,
    "identifier": on_identifier,
    "generic_name": on_generic_name,
    "qualified_name": on_generic_name,
    "object_creation_expression": on_new,
    "anonymous_object_creation_expression": on_anonymous_object,
    **dict.fromkeys(
        (
            "cast_expression",
            "as_expression",
            "is_expression",
            "typeof_expression",
            "default_expression",
            "sizeof_expression",
            "array_creation_expression",
            "stackalloc_expression",
        ),
        on_typed_expression,
    ),
    "attribute": on_attribute,
    "argument": on_argument,
    **dict.fromkeys(("goto_statement", "string_literal", "verbatim_string_literal"), on_skip),
}

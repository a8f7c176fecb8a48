"""Generic types as ``java_types`` writes them and ``java_linking`` reads them back.

A written type keeps its type arguments: ``Map<String,List<a.Pet>>[]``.  A type variable of an
enclosing class is written ``!T`` (the linker binds it to the receiver's type argument, or to its
bound); one of a method is replaced by its bound (``?`` without one); a wildcard is its bound
(``? extends Pet`` and ``? super Pet`` are ``Pet``: what a lambda parameter of that type is), a bare
one ``?``; a primitive type argument cannot be written, so it is ``?`` too.  ``?`` is a type
nothing is known of.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from tree_sitter import Node

from analyzer.static.languages._java_syntax import erase, text

UNKNOWN = "?"
#: the mark of a class's type variable in a written type
VARIABLE = "!"


def write(node: Node | None, tparam: Callable[[str], str | None]) -> str:
    """A type node as a generic type string; "" for a primitive, ``void`` or nothing.

    ``tparam(name)`` is what a type variable in scope stands for (``!T`` or a bound, "" for none)
    and None for a name that is no type variable.
    """
    if node is None:
        return ""
    t = node.type
    if t == "type_identifier":
        name = text(node)
        found = tparam(name)
        return name if found is None else found
    if t == "scoped_type_identifier":
        return erase(node)
    if t == "generic_type":
        parts = node.named_children
        base = write(parts[0], tparam) if parts else ""
        arguments = next((c for c in parts if c.type == "type_arguments"), None)
        if not base or arguments is None or base.startswith(VARIABLE):
            return base
        args = [write(a, tparam) or UNKNOWN for a in arguments.named_children if a.type != "annotation"]
        return f"{base}<{','.join(args)}>" if args else base
    if t == "array_type":
        inner = write(node.child_by_field_name("element"), tparam)
        dims = text(node.child_by_field_name("dimensions")).count("[")
        return inner + "[]" * max(1, dims) if inner else ""
    if t == "annotated_type":
        return write(node.named_children[-1], tparam) if node.named_children else ""
    if t == "wildcard":
        bound = [c for c in node.named_children if c.type not in ("annotation", "marker_annotation")]
        return write(bound[-1], tparam) if bound else UNKNOWN
    return ""


@lru_cache(maxsize=65536)
def split(written: str) -> tuple[str, tuple[str, ...], int]:
    """``a.B<X,Y<Z>>[][]`` -> (``a.B``, (``X``, ``Y<Z>``), 2)."""
    dims = 0
    while written.endswith("[]"):
        written, dims = written[:-2], dims + 1
    open_at = written.find("<")
    if open_at < 0 or not written.endswith(">"):
        return written, (), dims
    args: list[str] = []
    depth, start = 0, open_at + 1
    for i in range(open_at + 1, len(written) - 1):
        ch = written[i]
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(written[start:i])
            start = i + 1
    args.append(written[start:-1])
    return written[:open_at], tuple(args), dims


def erased(written: str) -> str:
    """A written type without its type arguments (arrays kept): ``List<Pet>[]`` -> ``List[]``."""
    if "<" not in written:
        return written
    base, _, dims = split(written)
    return base + "[]" * dims

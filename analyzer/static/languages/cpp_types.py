"""C++ type facts: what one file declares and, for each use of a name, what its receiver is.

Parse time knows one file only, so a use is recorded with its receiver as an expression
(``cpp_linking`` resolves it over the repository's classes and the files each file includes):

* ``("t", "ns::Foo")``: an object of a type as written (``const Foo&``, ``Foo*``,
  ``std::unique_ptr<Foo>``, ``new Foo``, ``std::make_unique<Foo>()`` and casts all give ``Foo``);
* ``("n", "x")``: a name that is no local variable (a field of the class in scope, a global);
* ``("this",)``; ``("f", recv, "x")``: field ``x`` of ``recv``; ``("m", recv, "m")``: what method
  ``m`` returns (``recv`` None: an unqualified call); ``("qm", "A", "m")``: what ``A::m()`` returns.

A local's receiver is its declared type, or for ``auto`` its initializer's; a type parameter of a
template, a builtin or a type of the standard library has none (None): nothing is linked through it.

The facts (a tuple of tuples, picklable): ``(defs, classes, uses)``.  ``defs`` holds ``(kind,
qualified name, type)`` of what the file declares outside classes: ``f`` a function defined (its
return type), ``p`` one only declared (a prototype), ``v`` a variable (its type), ``t`` a class,
enum or alias (an alias's target), ``e`` an enumerator, ``d`` a macro.  ``classes`` holds
``(qualified name, namespace, bases, members)``, a member ``(name, kind, type)`` with kind ``f``
field, ``m`` method, ``t`` member type, ``e`` enumerator (a scoped enum is a class of enumerators;
a specialization ``formatter<Foo>`` is none).  ``uses`` holds ``(use, namespace, class,
line, count)`` where ``class`` is the class the code is written in (as written: ``A`` for the body
of ``void A::m() {}``) and a use is one of ``("type", t)``, ``("inherit", t)``, ``("new", t)``,
``("name", x)``, ``("call", recv, m)``, ``("field", recv, x)``, ``("qual", "A", x)`` (``A::x``),
``("ctor", x)`` (``: x(...)`` in a constructor: a base class or a field).  A macro blanked for the
grammar (``class LEVELDB_EXPORT Status``) is a ``("name", macro)`` use.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

from analyzer.static.languages import _cpp_expressions as _x
from analyzer.static.languages._cpp_syntax import (
    POINTERS,
    TYPE_NAMES,
    declared_name,
    function_declarator,
    function_name,
    is_forward,
    member_name,
    scope_parts,
    split_qualified,
    template_names,
    without_export_macros,
    written,
)
from analyzer.static.languages.base import node_text as text

Recv = tuple[Any, ...] | None
_SPECIFIERS = frozenset({"class_specifier", "struct_specifier", "union_specifier"})
#: scopes of local variables
_BLOCKS = frozenset({"compound_statement", "for_statement", "if_statement", "while_statement", "switch_statement"})
_BLOCKS |= {"catch_clause", "lambda_expression"}
_CASTS = frozenset({"static_cast", "dynamic_cast", "reinterpret_cast", "const_cast", "make_unique", "make_shared"})
_SKIP = frozenset(
    {"comment", "preproc_include", "string_literal", "raw_string_literal", "char_literal", "using_declaration"}
)
#: nodes deep the walk goes, links long a receiver is followed: past them nothing is recorded
_MAX_DEPTH = 200
_MAX_CHAIN = 60


class _Extractor:
    """One walk over a file's tree, with the namespace, class, template and local scopes at each point."""

    def __init__(self) -> None:
        self.defs: set[tuple[str, str, str]] = set()
        self.classes: list[tuple[Any, ...]] = []
        self.members: list[list[tuple[str, str, str]]] = []
        self.uses: dict[tuple[Any, str, str], list[int]] = {}
        self.ns: list[str] = []
        self.cls: list[str] = []  # the class scope of the code being walked ("" outside classes)
        self.locals: list[dict[str, Recv]] = []
        self.tparams: list[set[str]] = []

    # --- recording --------------------------------------------------------

    @property
    def namespace(self) -> str:
        return "::".join(n for n in self.ns if n)

    def qualify(self, name: str) -> str:
        outer = self.cls[-1] if self.cls and self.members else self.namespace
        return f"{outer}::{name}" if outer else name

    def use(self, what: tuple[Any, ...], node: Node) -> None:
        key = (what, self.namespace, self.cls[-1] if self.cls else "")
        entry = self.uses.get(key)
        if entry is None:
            self.uses[key] = [node.start_point[0] + 1, 1]
        else:
            entry[1] += 1

    def define(self, kind: str, name: str, type_: str = "") -> None:
        """A declaration: a member of the class being defined, else a definition of the file."""
        if not name:
            return
        if self.members and self.cls and not self.locals:
            self.members[-1].append((name, "m" if kind == "p" else kind, type_))
        elif not self.locals:
            self.defs.add((kind if kind != "m" else "f", self.qualify(name), type_))

    def is_tparam(self, name: str) -> bool:
        head = name.split("::", 1)[0]
        return any(head in layer for layer in self.tparams)

    def local(self, name: str) -> tuple[bool, Recv]:
        for layer in reversed(self.locals):
            if name in layer:
                return True, layer[name]
        return False, None

    def type_of_written(self, w: str) -> Recv:
        return ("t", w) if w and not self.is_tparam(w) else None

    def type_uses(self, node: Node | None, depth: int = 0) -> None:
        """A ``type`` use for every repository type a type node can name (template arguments too)."""
        if node is None or depth > _MAX_CHAIN:
            return
        t = node.type
        if t == "type_identifier":
            name = text(node)
            if not self.is_tparam(name):
                self.use(("type", name), node)
            return
        if t == "template_type":
            name = text(node.child_by_field_name("name"))
            if name not in POINTERS and not self.is_tparam(name):
                self.use(("type", name), node)
            self.type_uses(node.child_by_field_name("arguments"), depth + 1)
            return
        if t == "qualified_identifier":
            parts = scope_parts(node)
            if parts and parts[0] != "std" and not self.is_tparam(parts[0]):
                self.use(("type", "::".join(parts)), node)
                if len(parts) > 1:  # Outer::Inner names Outer too (nothing when it is a namespace)
                    self.use(("type", "::".join(parts[:-1])), node)
            for child in node.named_children:
                if child.type in ("template_type", "qualified_identifier"):
                    self.type_uses(child.child_by_field_name("arguments") or child, depth + 1)
            return
        if t in _SPECIFIERS or t == "enum_specifier":
            if node.child_by_field_name("body") is not None:
                self.visit(node, _MAX_DEPTH // 2)
            elif not is_forward(node):
                self.type_uses(node.child_by_field_name("name"), depth + 1)
            return
        for child in node.named_children:
            if child.type not in ("identifier", "field_identifier"):
                self.type_uses(child, depth + 1) if child.type != "argument_list" else self.visit(
                    child, _MAX_DEPTH // 2
                )

    # --- the walk ---------------------------------------------------------

    def visit(self, node: Node, depth: int = 0) -> None:
        if depth > _MAX_DEPTH:
            return
        handler = _HANDLERS.get(node.type)
        if handler is not None:
            handler(self, node, depth + 1)
        elif node.type in _BLOCKS:
            self.locals.append({})
            self.children(node, depth)
            self.locals.pop()
        elif node.type in ("type_descriptor", "template_argument_list"):
            self.type_uses(node)
        elif node.type not in _SKIP:
            self.children(node, depth)

    def children(self, node: Node, depth: int) -> None:
        for child in node.named_children:
            self.visit(child, depth + 1)

    def recv(self, node: Node | None, depth: int = 0) -> Recv:
        """The receiver expression ``node`` stands for (see the module's doc); None if unknown (or
        past ``_MAX_CHAIN`` links: a builder chain of thousands of calls)."""
        if node is None or depth > _MAX_CHAIN:
            return None
        t = node.type
        if t == "identifier":
            found, recv = self.local(text(node))
            return recv if found else ("n", text(node))
        if t == "this":
            return ("this",)
        if t == "field_expression":
            inner = self.recv(node.child_by_field_name("argument"), depth + 1)
            name = member_name(node.child_by_field_name("field"))
            return ("f", inner, name) if inner is not None and name else None
        if t == "call_expression":
            return self.call_recv(node.child_by_field_name("function"), depth + 1)
        if t in ("new_expression", "cast_expression", "compound_literal_expression"):
            return self.type_of_written(written(node.child_by_field_name("type")))
        if t in ("parenthesized_expression", "pointer_expression"):
            operand = node.child_by_field_name("argument") if t == "pointer_expression" else None
            return self.recv(operand or (node.named_children[0] if node.named_children else None), depth + 1)
        return None

    def call_recv(self, function: Node | None, depth: int = 0) -> Recv:
        """What a call returns, by its function expression."""
        if function is None:
            return None
        t = function.type
        if t == "field_expression":
            inner = self.recv(function.child_by_field_name("argument"), depth + 1)
            name = member_name(function.child_by_field_name("field"))
            return ("m", inner, name) if inner is not None and name else None
        if t == "identifier":
            found, _ = self.local(text(function))
            return None if found else ("m", None, text(function))
        if t == "qualified_identifier":
            qual, name = split_qualified(function)
            if name in _CASTS or qual == "std":
                return self.cast_recv(function.child_by_field_name("name")) if qual == "std" else None
            return ("qm", qual, name) if qual and name else None
        if t == "template_function":
            return self.cast_recv(function)
        return None

    def cast_recv(self, template_function: Node | None) -> Recv:
        """``static_cast<Foo*>(x)``, ``make_unique<Foo>()``: an object of the first template argument."""
        if template_function is None or template_function.type != "template_function":
            return None
        if text(template_function.child_by_field_name("name")) not in _CASTS:
            return None
        arguments = template_function.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        return self.type_of_written(written(first))

    def declare(self, name: Node | None, recv: Recv) -> None:
        if name is not None and self.locals:
            self.locals[-1][text(name)] = recv


# --- declarations -------------------------------------------------------------


def _on_namespace(ex: _Extractor, node: Node, depth: int) -> None:
    name = text(node.child_by_field_name("name"))
    ex.ns.append(name)
    body = node.child_by_field_name("body")
    if body is not None:
        ex.children(body, depth)
    ex.ns.pop()


def _on_template(ex: _Extractor, node: Node, depth: int) -> None:
    ex.tparams.append(template_names(node))
    for child in node.named_children:
        if child.type != "template_parameter_list":
            ex.visit(child, depth)
    ex.tparams.pop()


def _on_class(ex: _Extractor, node: Node, depth: int) -> None:
    body = node.child_by_field_name("body")
    name_node = node.child_by_field_name("name")
    if body is None:
        ex.type_uses(name_node if not is_forward(node) else None)
        return
    name = "::".join(scope_parts(name_node)) if name_node is not None else ""
    full = ex.qualify(name) if name else ""
    # a specialization (``struct formatter<Foo>``) declares no name: uses of the name mean the template
    last = name_node
    while last is not None and last.type == "qualified_identifier":
        last = last.child_by_field_name("name")
    specialization = last is not None and last.type == "template_type"
    if full and not specialization:
        ex.define("t", name)
    if full and "::" in name and name_node is not None:  # class Outer::Inner { ... }
        ex.use(("type", name.rsplit("::", 1)[0]), name_node)
    bases: list[str] = []
    for child in node.named_children:
        if child.type == "base_class_clause":
            for base in child.named_children:
                if base.type in TYPE_NAMES:
                    w = "::".join(scope_parts(base))
                    if w and not ex.is_tparam(w) and not w.startswith("std::"):
                        bases.append(w)
                        ex.use(("inherit", w), base)
                    for inner in base.named_children:
                        ex.type_uses(inner if inner.type != "type_identifier" else None)
    if not full:  # an unnamed struct: its members belong to no class the linker knows
        ex.children(body, depth)
        return
    saved = ex.locals
    ex.locals = []
    ex.cls.append(full)
    ex.members.append([])
    ex.children(body, depth)
    members = ex.members.pop()
    ex.cls.pop()
    ex.locals = saved
    if not specialization:
        ex.classes.append((full, ex.namespace, tuple(bases), tuple(sorted(set(members)))))


def _on_enum(ex: _Extractor, node: Node, depth: int) -> None:
    body = node.child_by_field_name("body")
    name = text(node.child_by_field_name("name"))
    if body is None:
        ex.type_uses(node.child_by_field_name("name"))
        return
    scoped = any(c.type in ("class", "struct") for c in node.children)
    names = [text(e.child_by_field_name("name")) for e in body.named_children if e.type == "enumerator"]
    if name:
        ex.define("t", name)
    if scoped and name:
        ex.classes.append((ex.qualify(name), ex.namespace, (), tuple(sorted((n, "e", "") for n in names))))
    else:
        for n in names:
            ex.define("e", n)
    for e in body.named_children:
        value = e.child_by_field_name("value")
        if value is not None:
            ex.visit(value, depth)


def _on_function(ex: _Extractor, node: Node, depth: int) -> None:
    """A function definition: a method (in a class body or ``A::m`` out of line) or a free function."""
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    fd = function_declarator(node.child_by_field_name("declarator"))
    qual, name = function_name(fd) if fd is not None else ("", "")
    out_of_line = bool(qual) and not (ex.cls and ex.members)
    if out_of_line:
        ex.use(("type", qual), node)
        ex.cls.append(qual)
    elif not (ex.cls and ex.members and name == ex.cls[-1].rsplit("::", 1)[-1]):
        ex.define("m", name, written(type_node))
    saved_members, ex.members = ex.members, []
    ex.locals.append({})
    if fd is not None:
        _parameters(ex, fd.child_by_field_name("parameters"), depth)
    for child in node.named_children:
        if child.type in ("compound_statement", "field_initializer_list", "try_statement"):
            ex.visit(child, depth)
    ex.locals.pop()
    ex.members = saved_members
    if out_of_line:
        ex.cls.pop()


def _parameters(ex: _Extractor, params: Node | None, depth: int) -> None:
    for p in params.named_children if params is not None else []:
        type_node = p.child_by_field_name("type")
        ex.type_uses(type_node)
        default = p.child_by_field_name("default_value")
        if default is not None:
            ex.visit(default, depth)
        ex.declare(declared_name(p.child_by_field_name("declarator")), ex.type_of_written(written(type_node)))


def _on_declaration(ex: _Extractor, node: Node, depth: int) -> None:
    """A declaration or a class member: each function declared, each variable with its receiver."""
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    w = written(type_node)
    is_auto = type_node is not None and type_node.type == "placeholder_type_specifier"
    for declarator in node.children_by_field_name("declarator"):
        fd = function_declarator(declarator)
        if fd is not None:
            qual, name = function_name(fd)
            params = fd.child_by_field_name("parameters")
            for p in params.named_children if params is not None else []:
                ex.type_uses(p.child_by_field_name("type"))
            if not qual and not (ex.cls and ex.members and name == ex.cls[-1].rsplit("::", 1)[-1]):
                ex.define("p", name, w)
            continue
        value = declarator.child_by_field_name("value") if declarator.type == "init_declarator" else None
        value = value or node.child_by_field_name("default_value")
        if value is not None:
            ex.visit(value, depth)
        name_node = declared_name(declarator)
        recv = ex.recv(value) if is_auto and value is not None else ex.type_of_written(w)
        if ex.locals:
            ex.declare(name_node, recv)
        elif name_node is not None:
            ex.define("f" if ex.members and ex.cls else "v", text(name_node), w)


def _on_typedef(ex: _Extractor, node: Node, depth: int) -> None:
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    target = written(type_node)
    if node.type == "alias_declaration":
        ex.define("t", text(node.child_by_field_name("name")), target)
        return
    for declarator in node.children_by_field_name("declarator"):
        inner: Node | None = declarator
        while inner is not None and inner.type != "type_identifier":
            inner = inner.child_by_field_name("declarator")
        if inner is not None:
            ex.define("t", text(inner), target)


def _on_range_for(ex: _Extractor, node: Node, depth: int) -> None:
    ex.locals.append({})
    type_node = node.child_by_field_name("type")
    ex.type_uses(type_node)
    right = node.child_by_field_name("right")
    if right is not None:
        ex.visit(right, depth)
    ex.declare(declared_name(node.child_by_field_name("declarator")), ex.type_of_written(written(type_node)))
    body = node.child_by_field_name("body")
    if body is not None:
        ex.visit(body, depth)
    ex.locals.pop()


def _on_macro(ex: _Extractor, node: Node, depth: int) -> None:
    saved, ex.locals = ex.locals, []
    ex.define("d", text(node.child_by_field_name("name")))
    ex.locals = saved


_HANDLERS = {
    "namespace_definition": _on_namespace,
    "template_declaration": _on_template,
    **dict.fromkeys(_SPECIFIERS, _on_class),
    "enum_specifier": _on_enum,
    "function_definition": _on_function,
    "declaration": _on_declaration,
    "field_declaration": _on_declaration,
    "type_definition": _on_typedef,
    "alias_declaration": _on_typedef,
    "for_range_loop": _on_range_for,
    "preproc_def": _on_macro,
    "preproc_function_def": _on_macro,
    "call_expression": _x.on_call,
    "field_expression": _x.on_field,
    "identifier": _x.on_identifier,
    "qualified_identifier": _x.on_qualified,
    "new_expression": _x.on_new,
    # an explicit instantiation declares what the template declared (clang shows no references in it)
    "template_instantiation": lambda ex, node, depth: None,
    "field_initializer": _x.on_initializer,
    "parameter_list": lambda ex, node, depth: _parameters(ex, node, depth),
    "type_identifier": lambda ex, node, depth: ex.type_uses(node),
    "template_type": lambda ex, node, depth: ex.type_uses(node),
}


def type_facts(root: Node) -> tuple[Any, ...]:
    """The facts of one file (see the module's doc); the uses in the order they are first met."""
    ex = _Extractor()
    tree, macros = without_export_macros(root)
    ex.visit(tree)
    for name, line in macros:
        entry = ex.uses.setdefault((("name", name), "", ""), [line, 0])
        entry[1] += 1
    uses = tuple((u, ns, cls, line, n) for (u, ns, cls), (line, n) in ex.uses.items())
    return (tuple(sorted(ex.defs)), tuple(ex.classes), uses)

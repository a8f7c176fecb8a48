"""Python facts for the import-bound reference pass: what a file imports (with aliases), defines, and
how it writes each use of a name (``python_linking`` resolves them over the repository's files).

A use is ``(kind, tag, written, name, cls)`` with ``kind`` :data:`CALL`, :data:`TYPE` or
:data:`INHERIT`; ``name`` the last name written; ``tag`` and ``written`` what it is written on:

* :data:`BARE`: the bare name (``f()``, ``Foo`` in an annotation, a base class);
* :data:`DOTTED` ``a.b``: a chain of plain names (``a.b.f()``, ``ft.Callable[...]``), none a local;
* :data:`SELF` / :data:`SUPER`: ``self.m()`` or ``cls.m()`` in a method, ``super().m()``, of class ``cls``;
* :data:`NEW` ``a.B``: a name bound to ``a.B(...)`` (or annotated ``a.B``) earlier in the same
  function or at module level (``x = Foo(); x.m()``), or the call itself (``Foo(x).m()``);
* :data:`MODULE` ``a.b``: a name bound to ``import_module("a.b")`` (``__import__("a")``);
* :data:`ATTR` ``x``: ``self.x.m()`` where class ``cls`` sets ``self.x = Foo(...)`` (or ``x = Foo()``,
  or ``self.x = y`` of a ``y`` known so).

Kinds and tags are small ints: a string constant shared by every file's facts would pickle as one
object in a fresh run and as one per batch from the parse cache (the run cache must be the same bytes).

Anything else (a parameter without annotation, a call's result, a subscript) is no receiver: the
name is not recorded.  Annotations are read whole: ``t.Optional[Foo]`` uses ``t.Optional`` and
``Foo``; a string annotation (``"Foo"``, ``"m.Foo | None"``) uses the dotted names it holds.

The facts (plain tuples, picklable): ``(bindings, defs, classes, uses, instances)`` where ``bindings`` holds
``(local, module, imported)`` (imported ``""``: ``local`` is the module, ``import a.b as c``;
``"."``: ``import a.b.c``, whose ``local`` ``a`` reaches each prefix; ``"*"``: a wildcard; else
``from module import imported as local``); ``defs`` the names the module level defines (not by an
import; ``x = x`` re-binds, it defines nothing); ``classes`` ``(name, bases, members, attrs)`` of
the module-level classes (bases as written, ``attrs`` the ``(x, "A.B")`` of ``self.x = A.B(...)`` in a
method or ``x = A.B(...)`` in the body); ``uses`` ``(kind, tag, written, name, cls, line, count)``; ``instances``
the ``(x, "A.B")`` of module-level ``x = A.B(...)`` (or ``x: A.B = ...``) and of the module-level
functions annotated ``-> A.B``: a call of them is an A.B.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from analyzer.static.languages.base import node_text as text

_BLANKS = re.compile(r"[\s\\]+")
#: the dotted names a string annotation holds
_STRING_NAMES = re.compile(r"[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*")
#: an absolute module name, as ``import_module`` takes it
_MODULE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
CALL, TYPE, INHERIT = 0, 1, 2
BARE, DOTTED, SELF, SUPER, NEW, MODULE, ATTR = range(7)
#: a receiver: (tag, written)
Recv = tuple[int, str]
_SELF = frozenset({"self", "cls"})
_FUNCTIONS = frozenset({"function_definition", "lambda"})
_PARAMS = frozenset({"typed_parameter", "typed_default_parameter", "default_parameter", "identifier"})
#: nodes that hold no name a use is read from
_INERT = frozenset({"comment", "integer", "float", "true", "false", "none", "escape_sequence", "ellipsis"})
_MAX_DEPTH = 200


@dataclass(slots=True)
class _Scope:
    cls: str = ""  # the module-level class a method of which this is ("" elsewhere)
    function: bool = False
    method: bool = False  # a function directly in the class body, or nested in one
    #: name -> the class it holds as written ("" unknown: a local that hides module names)
    locals: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Facts:
    bindings: list[tuple[str, str, str]] = field(default_factory=list)
    defs: set[str] = field(default_factory=set)
    classes: dict[str, tuple[tuple[str, ...], set[str], dict[str, str]]] = field(default_factory=dict)
    uses: dict[tuple[int, int, str, str, str], list[int]] = field(default_factory=dict)
    module_vars: dict[str, str] = field(default_factory=dict)
    returns: dict[str, str] = field(default_factory=dict)


def type_facts(root: Node) -> tuple[object, ...]:
    """The facts of one file (see the module's docstring)."""
    facts = _Facts()
    _walk(root, _Scope(), facts)
    classes = tuple(
        (name, bases, tuple(sorted(members)), tuple(sorted((a, t) for a, t in attrs.items() if t)))
        for name, (bases, members, attrs) in sorted(facts.classes.items())
    )
    uses = tuple((*key, line, count) for key, (line, count) in sorted(facts.uses.items()))
    held = {n: t for n, t in facts.module_vars.items() if t and not t.startswith("=")} | facts.returns
    instances = tuple(sorted(held.items()))
    return (tuple(facts.bindings), tuple(sorted(facts.defs)), classes, uses, instances)


def dotted(node: Node | None) -> str:
    """``a.b.c`` for a chain of plain names (identifiers and attributes), else ""."""
    parts: list[str] = []
    while node is not None and node.type == "attribute":
        parts.append(text(node.child_by_field_name("attribute")))
        node = node.child_by_field_name("object")
    if node is None or node.type != "identifier":
        return ""
    parts.append(text(node))
    return ".".join(reversed(parts))


def _walk(node: Node, scope: _Scope, facts: _Facts, depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        return
    t = node.type
    if t in ("import_statement", "import_from_statement"):
        _imports(node, facts)
        return
    if t == "class_definition":
        _class(node, scope, facts, depth)
        return
    if t in _FUNCTIONS:
        _function(node, scope, facts, depth)
        return
    if t == "decorated_definition":
        for child in node.named_children:
            if child.type == "decorator":
                for expr in child.named_children:
                    if expr.type in ("identifier", "attribute"):
                        _use(facts, scope, CALL, expr, node)
        # falls through: the decorators' calls and the definition are walked below
    elif t == "call":
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type in ("identifier", "attribute"):
            _use(facts, scope, CALL, callee, node)
    elif t == "type":
        _annotation(node, scope, facts)
        return
    elif t == "assignment":
        _assignment(node, scope, facts, depth)
        return
    elif t == "for_statement" or t == "for_in_clause":
        _bind_targets(node.child_by_field_name("left"), scope, facts, "")
    elif t in _INERT:
        return
    for child in node.named_children:
        if child.named_child_count:  # a leaf (a name, a literal) is read by its parent, if at all
            _walk(child, scope, facts, depth + 1)


def _is_super(node: Node) -> bool:
    if node.type != "call":
        return False
    callee = node.child_by_field_name("function")
    return callee is not None and callee.type == "identifier" and text(callee) == "super"


def _use(facts: _Facts, scope: _Scope, kind: int, expr: Node, at: Node) -> None:
    """Record ``expr`` (an identifier or an attribute) used as ``kind``, when its receiver is one we read."""
    if expr.type == "identifier":
        name = text(expr)
        if name in scope.locals:
            return  # a local (of a known class or not) is not the module-level name
        recv: Recv = (BARE, "")
    else:
        name = text(expr.child_by_field_name("attribute"))
        obj = expr.child_by_field_name("object")
        held = _receiver(obj, scope, facts) if obj is not None else None
        if held is None:
            return
        recv = held
    _count(facts, (kind, *recv, name, scope.cls if recv[0] in (SELF, SUPER, ATTR) else ""), at)


def _count(facts: _Facts, key: tuple[int, int, str, str, str], at: Node) -> None:
    entry = facts.uses.get(key)
    if entry is None:
        facts.uses[key] = [at.start_point[0] + 1, 1]
    else:
        entry[1] += 1


def _receiver(obj: Node, scope: _Scope, facts: _Facts) -> Recv | None:
    if _is_super(obj):
        return (SUPER, "") if scope.cls and scope.method else None
    if obj.type == "call":  # ``Repo(session).get()``: an instance of the class called, if it is one
        callee = dotted(obj.child_by_field_name("function"))
        if not callee or _receiver_of_chain(callee, scope, facts) is None:
            return None  # a local's or self's method: what it returns is not known
        return (NEW, callee)
    if obj.type == "attribute":
        inner = obj.child_by_field_name("object")
        if inner is not None and inner.type == "identifier" and text(inner) == "self" and scope.cls and scope.method:
            return (ATTR, text(obj.child_by_field_name("attribute")))
    chain = dotted(obj)
    if not chain:
        return None
    head = chain.split(".", 1)[0]
    if head in _SELF and scope.method and scope.cls and "." not in chain:
        return (SELF, "")
    if head in scope.locals:
        return _held(scope.locals[head], chain)
    if head in facts.module_vars:
        return _held(facts.module_vars[head], chain)
    return (DOTTED, chain)


def _held(written: str, chain: str) -> Recv | None:
    """The receiver a name bound to ``written`` is (a class as written, ``=m`` a module)."""
    if not written or "." in chain:
        return None
    return (MODULE, written[1:]) if written.startswith("=") else (NEW, written)


def annotated(node: Node | None) -> str:
    """The class an annotation names, as written: ``a.B``, ``B | None``, ``Optional[B]``, ``"B"``; else ""."""
    for _ in range(8):
        if node is None:
            return ""
        if node.type == "type":
            node = node.named_children[0] if node.named_children else None
            continue
        chain = dotted(node)
        if chain:
            return chain
        if node.type == "binary_operator":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None or {left.type, right.type} - {"none"} == set():
                return ""
            node = right if left.type == "none" else left if right.type == "none" else None
            continue
        if node.type in ("generic_type", "subscript"):
            head = node.child_by_field_name("value") if node.type == "subscript" else node.named_children[0]
            inner = node.child_by_field_name("subscript") if node.type == "subscript" else node.named_children[-1]
            if dotted(head).rpartition(".")[2] != "Optional" or inner is None or inner is head:
                return ""
            node = inner.named_children[0] if inner.type == "type_parameter" and inner.named_children else inner
            continue
        if node.type == "string":
            content = "".join(text(c) for c in node.named_children if c.type == "string_content").strip()
            return content if _MODULE.fullmatch(content) else ""
        return ""
    return ""


def _annotation(node: Node, scope: _Scope, facts: _Facts) -> None:
    """Every name an annotation writes: the plain chains, the subscripted ones, the strings' names."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("identifier", "attribute"):
            if dotted(n):
                _use(facts, scope, TYPE, n, node)
                continue
        if n.type == "string":
            _string_annotation(n, scope, facts, node)
            continue
        stack.extend(reversed(n.named_children))


def _string_annotation(node: Node, scope: _Scope, facts: _Facts, at: Node) -> None:
    content = "".join(text(c) for c in node.named_children if c.type == "string_content")
    for written in _STRING_NAMES.findall(content):
        chain = _BLANKS.sub("", written)
        head, _, rest = chain.rpartition(".")
        if head:
            recv = _receiver_of_chain(head, scope, facts)
            if recv is None:
                continue
        else:
            if chain in scope.locals and scope.function:
                continue
            recv, rest = (BARE, ""), chain
        _count(facts, (TYPE, *recv, rest, ""), at)


def _receiver_of_chain(chain: str, scope: _Scope, facts: _Facts) -> Recv | None:
    head = chain.split(".", 1)[0]
    if head in scope.locals or head in facts.module_vars or head in _SELF:
        return None
    return (DOTTED, chain)


def _imports(node: Node, facts: _Facts) -> None:
    if node.type == "import_statement":
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                module = _BLANKS.sub("", text(child.child_by_field_name("name")))
                facts.bindings.append((text(child.child_by_field_name("alias")), module, ""))
            else:
                module = _BLANKS.sub("", text(child))
                head = module.split(".", 1)[0]
                facts.bindings.append((head, module, "." if "." in module else ""))
        return
    module = _BLANKS.sub("", text(node.child_by_field_name("module_name")))
    if any(c.type == "wildcard_import" for c in node.named_children):
        facts.bindings.append(("*", module, "*"))
        return
    for child in node.children_by_field_name("name"):
        if child.type == "aliased_import":
            name = _BLANKS.sub("", text(child.child_by_field_name("name")))
            facts.bindings.append((text(child.child_by_field_name("alias")), module, name))
        else:
            name = _BLANKS.sub("", text(child))
            facts.bindings.append((name, module, name))


def _class(node: Node, scope: _Scope, facts: _Facts, depth: int) -> None:
    name = text(node.child_by_field_name("name"))
    top = not scope.function and not scope.cls and not scope.method
    bases: list[str] = []
    supers = node.child_by_field_name("superclasses")
    if supers is not None:
        for base in supers.named_children:
            if base.type in ("identifier", "attribute"):
                _use(facts, scope, INHERIT, base, node)
                bases.append(dotted(base))
            else:  # metaclass=..., a call
                _walk(base, scope, facts, depth + 1)
    if top:
        facts.defs.add(name)
        members: set[str] = set()
        attrs: dict[str, str] = {}
        facts.classes[name] = (tuple(b for b in bases if b), members, attrs)
        inner = _Scope(cls=name)
    else:
        if scope.function:
            scope.locals[name] = ""
        inner = _Scope(cls="", function=scope.function, locals=dict(scope.locals) if scope.function else {})
    body = node.child_by_field_name("body")
    if body is None:
        return
    for stmt in body.named_children:
        if top:
            _members(stmt, facts.classes[name][1])
        _walk(stmt, inner, facts, depth + 1)


def _members(stmt: Node, members: set[str]) -> None:
    """The names a class body statement defines (methods, class attributes)."""
    target = stmt.child_by_field_name("definition") if stmt.type == "decorated_definition" else stmt
    if target is None:
        return
    if target.type in ("function_definition", "class_definition"):
        members.add(text(target.child_by_field_name("name")))
    elif target.type == "expression_statement":
        for expr in target.named_children:
            if expr.type == "assignment":
                left = expr.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    members.add(text(left))


def _function(node: Node, scope: _Scope, facts: _Facts, depth: int) -> None:
    if node.type == "function_definition":
        name = text(node.child_by_field_name("name"))
        if not scope.function and not scope.cls:
            facts.defs.add(name)
        elif scope.function:
            scope.locals[name] = ""
    inner = _Scope(
        cls=scope.cls, function=True, method=bool(scope.cls), locals=dict(scope.locals) if scope.function else {}
    )
    params = node.child_by_field_name("parameters")
    for param in params.named_children if params is not None else ():
        _parameter(param, inner, facts, depth)
    returns = node.child_by_field_name("return_type")
    if returns is not None:
        _annotation(returns, scope, facts)
        written = annotated(returns)
        if written and node.type == "function_definition" and not scope.function and not scope.cls:
            facts.returns[text(node.child_by_field_name("name"))] = written
    body = node.child_by_field_name("body")
    if body is not None:
        _walk(body, inner, facts, depth + 1)


def _parameter(param: Node, inner: _Scope, facts: _Facts, depth: int) -> None:
    if param.type not in _PARAMS:
        for child in param.named_children:  # *args, **kwargs
            if child.type == "identifier":
                inner.locals[text(child)] = ""
        return
    name_node = param if param.type == "identifier" else param.child_by_field_name("name")
    if name_node is None:
        name_node = next((c for c in param.named_children if c.type == "identifier"), None)
    annotation = param.child_by_field_name("type")
    written = ""
    if annotation is not None:
        _annotation(annotation, inner, facts)
        written = annotated(annotation)
    default = param.child_by_field_name("value")
    if default is not None:
        _walk(default, inner, facts, depth + 1)
    if name_node is not None and name_node.type == "identifier":
        inner.locals[text(name_node)] = written


def _assignment(node: Node, scope: _Scope, facts: _Facts, depth: int) -> None:
    """Walk the value, then bind the target: ``x = Foo(...)`` (or ``x: Foo = ...``) holds a Foo."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    annotation = node.child_by_field_name("type")
    if annotation is not None:
        _annotation(annotation, scope, facts)
    if right is not None:
        _walk(right, scope, facts, depth + 1)
    written = annotated(annotation)
    if right is not None and right.type == "boolean_operator":  # ``x or Foo()``: the fallback built
        right = right.child_by_field_name("right")
    if not written and right is not None and right.type == "call":
        written = _imported_module(right) or dotted(right.child_by_field_name("function"))
    elif not written and right is not None and right.type == "identifier":  # ``self.repo = repo``
        written = scope.locals.get(text(right), "") if scope.function else facts.module_vars.get(text(right), "")
    if left is None:
        return
    if left.type == "attribute":
        obj = left.child_by_field_name("object")
        if obj is not None and obj.type == "identifier" and text(obj) == "self" and scope.cls and scope.method:
            attrs = facts.classes[scope.cls][2] if scope.cls in facts.classes else None
            attr = text(left.child_by_field_name("attribute"))
            if attrs is not None and right is not None and right.type != "none":
                attrs[attr] = written if attrs.get(attr, written) == written else ""
        else:
            _walk(left, scope, facts, depth + 1)
        return
    if left.type == "identifier" and scope.cls and not scope.function and scope.cls in facts.classes:
        if written and not written.startswith("="):  # a class attribute: ``objects = Manager()``
            attrs = facts.classes[scope.cls][2]
            attrs[text(left)] = written if attrs.get(text(left), written) == written else ""
    if left.type == "identifier" and not scope.function and not scope.cls:
        name = text(left)
        if right is None or right.type != "identifier" or text(right) != name:
            facts.defs.add(name)  # ``x = x`` re-binds: the name stays what it was
    _bind_targets(left, scope, facts, written)


def _imported_module(call: Node) -> str:
    """``=a.b`` for ``import_module("a.b")`` (``__import__("a")``): the module a literal names, else ""."""
    callee = dotted(call.child_by_field_name("function"))
    if callee.rpartition(".")[2] not in ("import_module", "__import__"):
        return ""
    args = call.child_by_field_name("arguments")
    if args is None or len(args.named_children) != 1 or args.named_children[0].type != "string":
        return ""
    first = args.named_children[0]
    parts = first.named_children
    if any(p.type not in ("string_start", "string_content", "string_end") for p in parts):
        return ""
    module = "".join(text(p) for p in parts if p.type == "string_content")
    if not _MODULE.fullmatch(module) or (callee.endswith("__import__") and "." in module):
        return ""
    return "=" + module


def _bind_targets(left: Node | None, scope: _Scope, facts: _Facts, written: str) -> None:
    if left is None:
        return
    if left.type == "identifier":
        name = text(left)
        if scope.function:
            scope.locals[name] = written
        elif not scope.cls:
            facts.module_vars[name] = written
        return
    if left.type in ("pattern_list", "tuple_pattern", "list_pattern", "list_splat_pattern", "expression_list"):
        for child in left.named_children:
            _bind_targets(child, scope, facts, "")
        return
    if left.type in ("subscript", "attribute"):
        return

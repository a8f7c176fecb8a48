"""Java's type-aware reference pass: the facts of ``java_types`` -> (target, kind, symbol, line, count).

A type name is looked up as javac does, in order: the member types of the class it is written
in, of its outer classes and of their supertypes; the file's own top-level classes; its
single-type imports; its package; its on-demand imports; a fully qualified name.  A member
(``x.size()``, ``x.count``) links to the file of the class that declares it, found from the
receiver's type up the repository's class hierarchy; an unqualified one from the class it is
written in, its supertypes, its outer classes, then the static imports.  Generic types are bound
(``_java_classes``): a member's type written with a type variable of its class is the receiver's
type argument (``List<Pet>``'s ``get`` returns ``Pet``), through the repository's own generic
classes and the JDK stubs of ``_java_jdk``; a lambda's parameter is the parameter of the
functional interface the called method takes there.  A receiver whose type is not known (a
chain through a library's type, a method's own type variable) links nothing: never every class
that defines the name.

Kinds: ``type`` for a class named, ``inherit`` for a supertype, ``call`` for a method, a
constructor or a field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from analyzer.domain import CALL, INHERIT, TYPE, ParsedFile
from analyzer.static.languages._java_classes import (
    MAX_HOPS,
    STUB_PREFIX,
    Binding,
    ClassTable,
    JavaClass,
    Overload,
    TypeRef,
    subst,
)
from analyzer.static.languages._java_generics import UNKNOWN, VARIABLE, erased, split
from analyzer.static.languages._java_jdk import stub_facts

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
#: a method found: (the class declaring it, the overload)
Method = tuple[JavaClass, Overload]
#: whether an overload of a class accepts a call's arguments
Fits = Callable[[JavaClass, Overload], bool]


class JavaLinker(ClassTable):
    """Every Java class of the repository, its members and hierarchy; links one file at a time."""

    def __init__(
        self, facts: Sequence[tuple[str, tuple[Any, ...]]], stubs: Sequence[tuple[str, tuple[Any, ...]]]
    ) -> None:
        """``facts``: (path, facts) of each file; ``stubs``: the same of the library's stub classes."""
        super().__init__(facts, stubs)
        self._recv: dict[tuple[Any, str, str], TypeRef | None] = {}
        self._overloads: dict[tuple[str, str, int, str], list[Method]] = {}

    # --- members ------------------------------------------------------------

    def field_of(self, qname: str, name: str, path: str) -> JavaClass | None:
        for c in self.hierarchy(qname, path):
            if name in c.fields:
                return c
        return None

    def method_of(self, qname: str, name: str, nargs: int, path: str, fits: Fits | None = None) -> Method | None:
        """The nearest overload of ``name`` taking ``nargs`` arguments up ``qname``'s hierarchy (a
        subclass's ``get()`` does not hide its superclass's ``get(ctxt)``), of several the nearest
        that ``fits`` the arguments' types; else the nearest of any arity."""
        found = self.overloads(qname, name, nargs, path)
        if len(found) > 1 and fits is not None:
            return next((m for m in found if fits(*m)), found[0])
        return found[0] if found else None

    def overloads(self, qname: str, name: str, nargs: int, path: str) -> list[Method]:
        """Every overload of ``name`` taking ``nargs`` arguments, nearest first (or the nearest one of
        another arity when none does)."""
        key = (qname, name, nargs, path)
        found = self._overloads.get(key)
        if found is None:
            found, other = [], None
            for c in self.hierarchy(qname, path):
                for o in c.methods.get(name, ()):
                    if o[0] == nargs or o[0] < 0 or nargs < 0:
                        found.append((c, o))
                    elif other is None:
                        other = (c, o)
            found = found or ([other] if other else [])
            self._overloads[key] = found
        return found

    def accepts(self, written: str, c: JavaClass, t: TypeRef, path: str) -> bool:
        """Whether a parameter of ``c`` written ``written`` takes an argument of type ``t``."""
        base, _, dims = split(written)
        if base.startswith(VARIABLE) or base == UNKNOWN:
            return True
        simple = base.rsplit(".", 1)[-1]
        if t[1] != dims or not base:
            return t[1] > dims and simple == "Object"
        q = self.resolve_type(base, c.path, c.qname)
        up = list(self.hierarchy(t[0], path))
        if q is not None:
            return any(h.qname == q for h in up)
        # a type the linker does not know: t is one when a supertype of it is written with its name
        return simple == "Object" or any(erased(s).rsplit(".", 1)[-1] == simple for h in up for s in h.supers)

    def _fits(self, args: tuple[Any, ...], path: str, scope: str, hops: int) -> Fits:
        """Whether an overload accepts ``args`` (an argument of unknown type fits any parameter)."""
        types: dict[int, TypeRef | None] = {}

        def arg(i: int) -> TypeRef | None:
            if i not in types:
                a = args[i]
                plain = a is not None and a[0] not in ("lambda", "ref")
                types[i] = self.type_of(a, path, scope, hops + 1) if plain else None
            return types[i]

        def fits(c: JavaClass, o: Overload) -> bool:
            params = o[2][:-1] if o[0] < 0 else o[2]  # varargs: the fixed parameters only
            for i, written in enumerate(params[: len(args)]):
                t = arg(i)
                if t is not None and not self.accepts(written, c, t, path):
                    return False
            return True

        return fits

    def _scopes(self, scope: str, path: str) -> Iterator[str]:
        s = scope
        while s:
            yield s
            c = self.cls(s, path)
            s = c.outer if c is not None else ""

    def name(self, name: str, path: str, scope: str) -> tuple[JavaClass | None, str | None]:
        """A simple name: (the class declaring it as a field, None) or (None, the class it names)."""
        for s in self._scopes(scope, path):
            c = self.field_of(s, name, path)
            if c is not None:
                return c, None
        f = self.files.get(path)
        if f is not None:
            for owner in f.static.get(name, []) + f.staticall:
                q = self.qualified(owner, path)
                c = self.field_of(q, name, path) if q else None
                if c is not None:
                    return c, None
        return None, self.resolve_type(name, path, scope)  # a class (jextract's openssl_h too), else nothing

    def method(
        self, name: str, nargs: int, path: str, scope: str, fits: Fits | None = None
    ) -> tuple[Method, TypeRef] | None:
        """An unqualified call: the method, and the type it is a member of (the class in scope)."""
        for s in self._scopes(scope, path):
            found = self.method_of(s, name, nargs, path, fits)
            if found is not None:
                return found, (s, 0, ())
        f = self.files.get(path)
        if f is not None:
            for owner in f.static.get(name, []) + f.staticall:
                q = self.qualified(owner, path)
                found = self.method_of(q, name, nargs, path, fits) if q else None
                if found is not None and q:
                    return found, (q, 0, ())
        return None

    def _call(
        self, recv: Any, name: str, nargs: int, path: str, scope: str, hops: int, args: tuple[Any, ...] = ()
    ) -> tuple[Method, TypeRef] | None:
        """The method a call ``recv.name(args)`` reaches, and its receiver's type."""
        fits = self._fits(args, path, scope, hops) if args else None
        if recv is None:
            return self.method(name, nargs, path, scope, fits)
        inner = self.type_of(recv, path, scope, hops + 1)
        found = self.method_of(inner[0], name, nargs, path, fits) if inner and not inner[1] else None
        return (found, inner) if found and inner else None

    def returns(
        self, m: Method, seen_from: TypeRef, args: tuple[Any, ...], path: str, scope: str, hops: int
    ) -> TypeRef | None:
        """What a call of ``m`` on ``seen_from`` returns: its class's type variables bound by the
        receiver, its own inferred from the arguments (else their bounds)."""
        c, o = m
        t = subst(self.ref(o[1], c.path, c.qname), self._method_binding(m, seen_from, args, (path, scope, hops)))
        return t if t is not None and not t[0].startswith(VARIABLE) else None

    def _method_binding(
        self, m: Method, seen_from: TypeRef, args: tuple[Any, ...], at: tuple[str, str, int]
    ) -> Binding:
        """The type variables of ``m``'s class bound by the receiver, and ``m``'s own by its arguments."""
        c, o = m
        binding = self.binding_at(seen_from, c.qname, at[0])
        if not o[4]:
            return binding
        binding = dict(binding)
        names = {n for n, _ in o[4]}
        binding.update({n: (VARIABLE + n, 0, ()) for n in names})
        inferred: Binding = {}
        for i, written in enumerate(o[2][: len(args)]):
            p = subst(self.ref(written, c.path, c.qname), binding)
            self._infer(p, args[i], names, inferred, at)
        for n, bound in o[4]:
            binding[n] = inferred.get(n) or (self.ref(bound, c.path, c.qname) if bound else None)
        return binding

    def _infer(self, p: TypeRef | None, arg: Any, names: set[str], out: Binding, at: tuple[str, str, int]) -> None:
        """Bind the method type variables ``names`` in parameter type ``p`` from one argument: its
        type, or for a lambda or a method reference what it returns (the functional interface's result)."""
        path, scope, hops = at
        if p is None or arg is None:
            return
        if arg[0] in ("lambda", "ref"):
            sam = self.sam(p[0], path) if not p[1] else None
            if sam is None:
                return
            result = subst(self.ref(sam[1][1], sam[0].path, sam[0].qname), self.binding_at(p, sam[0].qname, path))
            self._unify(result, self._produces(arg, path, scope, hops), names, out, path)
            return
        self._unify(p, self.type_of(arg, path, scope, hops + 1), names, out, path)

    def _produces(self, arg: Any, path: str, scope: str, hops: int) -> TypeRef | None:
        """What a lambda's expression body, or a method reference (``Owner::getName``, ``Pet::new``), gives."""
        if arg[0] == "lambda":
            return self.type_of(arg[1], path, scope, hops + 1)
        head = self.type_of(arg[1], path, scope, hops + 1)
        if head is None or head[1]:
            return None
        if arg[2] == "new":
            return head
        found = self.method_of(head[0], arg[2], -1, path)
        return self.returns(found, head, (), path, scope, hops + 1) if found else None

    def _unify(self, p: TypeRef | None, t: TypeRef | None, names: set[str], out: Binding, path: str) -> None:
        """Bind the type variables ``names`` in ``p`` so that ``p`` matches ``t`` (``List<!T>`` and an
        ``ArrayList<Pet>``: ``T`` is ``Pet``)."""
        if p is None or t is None:
            return
        if p[0].startswith(VARIABLE):
            name = p[0][1:]
            if name in names and name not in out and t[1] >= p[1]:
                out[name] = (t[0], t[1] - p[1], t[2])
            return
        if not p[2] or t[1] != p[1] or not any(h.qname == p[0] for h in self.hierarchy(t[0], path)):
            return
        c = self.cls(p[0], path)
        view = self.binding_at((t[0], 0, t[2]), p[0], path)
        for (name, _), arg in zip(c.tparams if c is not None else (), p[2], strict=False):
            self._unify(arg, view.get(name), names, out, path)

    def sam(self, qname: str, path: str) -> Method | None:
        """The one abstract method of the functional interface ``qname`` (None for any other type)."""
        for c in self.hierarchy(qname, path):
            if not c.is_interface:
                return None
            single = [(c, o) for overloads in c.methods.values() for o in overloads if o[3]]
            if len(single) == 1:
                return single[0]
            if single:
                return None
        return None

    # --- receivers ------------------------------------------------------------

    def type_of(self, recv: Any, path: str, scope: str, hops: int = 0) -> TypeRef | None:
        """The type of a receiver expression (``_java_classes.TypeRef``); None when not known."""
        if recv is None or hops > MAX_HOPS:
            return None
        key = (recv, path, scope)
        if key in self._recv:
            return self._recv[key]
        self._recv[key] = None
        out = self._type_of(recv, path, scope, hops)
        self._recv[key] = out
        return out

    def _type_of(self, recv: Any, path: str, scope: str, hops: int) -> TypeRef | None:
        what = recv[0]
        this: TypeRef = (scope, 0, ())
        if what == "t":
            t = (
                subst(self.ref(recv[1], path, scope), self.binding(this, path))
                if scope
                else self.ref(recv[1], path, "")
            )
            return t if t is not None and t[0] in self.classes else None
        if what == "this":
            return this if scope else None
        if what == "super":
            return self._super(scope, path)
        if what == "n":
            owner, named = self.name(recv[1], path, scope)
            if owner is not None:
                return self.member_ref(owner.fields[recv[1]], owner, this, path)
            return (named, 0, ()) if named else None
        if what == "e":
            inner = self.type_of(recv[1], path, scope, hops + 1)
            return (inner[0], inner[1] - 1, inner[2]) if inner and inner[1] > 0 else None
        if what == "f":
            inner = self.type_of(recv[1], path, scope, hops + 1)
            if inner is None:  # a qualified class name, a.b.Pet
                dotted = _dotted(recv)
                q = self.qualified(dotted, path) if dotted else None
                return (q, 0, ()) if q else None
            if inner[1]:
                return None
            owner = self.field_of(inner[0], recv[2], path)
            if owner is not None:
                return self.member_ref(owner.fields[recv[2]], owner, inner, path)
            member = self.member_type(inner[0], recv[2], path)
            return (member, 0, ()) if member else None
        if what == "m":
            found = self._call(recv[1], recv[2], recv[3], path, scope, hops, recv[4])
            return self.returns(found[0], found[1], recv[4], path, scope, hops) if found else None
        if what == "it":  # an element of an array, else what its iterator() returns
            inner = self.type_of(recv[1], path, scope, hops + 1)
            if inner is not None and inner[1]:
                return (inner[0], inner[1] - 1, inner[2])
            return self.type_of(("m", ("m", recv[1], "iterator", 0, ()), "next", 0, ()), path, scope, hops + 1)
        if what == "lp":
            return self._lambda_parameter(recv, path, scope, hops)
        return None

    def _super(self, scope: str, path: str) -> TypeRef | None:
        """``super``: the superclass of the class in scope, with the type arguments it is given."""
        c = self.cls(scope, path)
        up = self.superclass(c) if c is not None else None
        if c is None or up is None:
            return None
        for written in c.supers:
            t = self.ref(written, c.path, c.outer)
            if t is not None and t[0] == up:
                return subst(t, self.binding((scope, 0, ()), path)) or (up, 0, ())
        return (up, 0, ())

    def _lambda_parameter(self, recv: Any, path: str, scope: str, hops: int) -> TypeRef | None:
        """Parameter ``i`` of a lambda passed as argument ``j`` of ``call_recv.m(...)``: the
        parameter of the one abstract method of the functional interface ``m`` takes there."""
        _, call_recv, name, nargs, j, args, i = recv
        found = self._call(call_recv, name, nargs, path, scope, hops, args)
        if found is None:
            return None
        (owner, overload), seen_from = found
        params = overload[2]
        if not params or (j >= len(params) and nargs >= 0):
            return None
        binding = self._method_binding(found[0], seen_from, args, (path, scope, hops))
        fn = subst(self.ref(params[min(j, len(params) - 1)], owner.path, owner.qname), binding)
        fn = fn if fn is not None and not fn[0].startswith(VARIABLE) else None
        sam = self.sam(fn[0], path) if fn is not None and not fn[1] else None
        if fn is None or sam is None or i >= len(sam[1][2]):
            return None
        return self.member_ref(sam[1][2][i], sam[0], fn, path)

    # --- uses -> links --------------------------------------------------------

    def links(self, p: ParsedFile) -> list[Link]:
        """The links of one file's uses, in the order of its facts."""
        out: list[Link] = []
        if not p.facts:
            return out
        uses: tuple[tuple[Any, str, int, int], ...] = p.facts[3]  # type: ignore[assignment]
        package = self.files[p.path].package
        prefix = f"{package}." if package else ""  # a use's scope is written without it, a class's key with it
        for use, scope, line, count in uses:
            found = self._link(use, p.path, prefix + scope if scope else "")
            if found is not None and found[0] != p.path and not found[0].startswith(STUB_PREFIX):
                out.append((found[0], found[1], found[2], line, count))
        return out

    def _link(self, use: Any, path: str, scope: str) -> tuple[str, str, str] | None:
        what = use[0]
        if what in ("type", "inherit", "new", "anew"):
            q = self.resolve_type(use[1], path, scope)
            if what == "anew":  # an anonymous class's supertype: a class's constructor is called
                c = self.cls(q, path) if q else None
                q, what = (q, "new") if c is not None and not c.is_interface else (None, what)
            target = self.top_file(q, path) if q else None
            kind = {"type": TYPE, "inherit": INHERIT, "new": CALL, "anew": CALL}[what]
            return (target, kind, q.rsplit(".", 1)[-1]) if target and q else None
        if what == "name":
            owner, named = self.name(use[1], path, scope)
            if owner is not None:
                return owner.path, CALL, use[1]
            target = self.top_file(named, path) if named else None
            return (target, TYPE, use[1].rsplit(".", 1)[-1]) if target and named else None
        if what == "case":  # an enum switch's constant, else a constant in scope
            inner = self.type_of(use[1], path, scope)
            owner = self.field_of(inner[0], use[2], path) if inner and not inner[1] else None
            return (owner.path, CALL, use[2]) if owner is not None else self._link(("name", use[2]), path, scope)
        if what == "field":
            inner = self.type_of(use[1], path, scope)
            if inner is None or inner[1]:
                return None
            owner = self.field_of(inner[0], use[2], path)
            if owner is not None:
                return owner.path, CALL, use[2]
            member = self.member_type(inner[0], use[2], path)
            target = self.top_file(member, path) if member else None
            return (target, TYPE, use[2]) if target else None
        if what == "call":
            found = self._call(use[1], use[2], use[3], path, scope, 0, use[4])
            return (found[0][0].path, CALL, use[2]) if found else None
        if what == "superinit":
            up = self._super(scope, path)
            target = self.top_file(up[0], path) if up else None
            return (target, CALL, up[0].rsplit(".", 1)[-1]) if target and up else None
        return None


def _dotted(recv: Any) -> str | None:
    """``a.b.C`` of the receiver ``("f", ("f", ("n", "a"), "b"), "C")``; None for any other."""
    if recv[0] == "n":
        return str(recv[1])
    inner = _dotted(recv[1]) if recv[0] == "f" and recv[1] is not None else None
    return f"{inner}.{recv[2]}" if inner else None


def typed_links(parsed: Sequence[ParsedFile], index: object = None) -> JavaLinker:
    """The linker over every Java file (``LanguageSpec.typed_links``)."""
    return JavaLinker([(p.path, p.facts) for p in parsed if p.facts], stub_facts())

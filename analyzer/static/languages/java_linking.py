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

from collections.abc import Iterator, Sequence
from typing import Any

from analyzer.domain import CALL, INHERIT, TYPE, ParsedFile
from analyzer.static.languages._java_classes import (
    MAX_HOPS,
    STUB_PREFIX,
    ClassTable,
    JavaClass,
    TypeRef,
    subst,
)
from analyzer.static.languages._java_jdk import stub_facts

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
#: a method found: (the class declaring it, its return type, its parameter types), as written
Method = tuple[JavaClass, str, tuple[str, ...]]


class JavaLinker(ClassTable):
    """Every Java class of the repository, its members and hierarchy; links one file at a time."""

    def __init__(self, parsed: Sequence[ParsedFile]) -> None:
        super().__init__([(p.path, p.facts) for p in parsed if p.facts], stub_facts())
        self._recv: dict[tuple[Any, str, str], TypeRef | None] = {}

    # --- members ------------------------------------------------------------

    def field_of(self, qname: str, name: str, path: str) -> JavaClass | None:
        for c in self.hierarchy(qname, path):
            if name in c.fields:
                return c
        return None

    def method_of(self, qname: str, name: str, nargs: int, path: str) -> Method | None:
        """The nearest overload of ``name`` taking ``nargs`` arguments up ``qname``'s hierarchy (a
        subclass's ``get()`` does not hide its superclass's ``get(ctxt)``); else the nearest of any
        arity.  Overloads of one arity are not told apart by their arguments' types."""
        nearest: Method | None = None
        for c in self.hierarchy(qname, path):
            overloads = c.methods.get(name)
            if overloads:
                fit = [o for o in overloads if o[0] == nargs or o[0] < 0 or nargs < 0]
                if fit:
                    return c, fit[0][1], fit[0][2]
                nearest = nearest or (c, overloads[0][1], overloads[0][2])
        return nearest

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
        if name[:1].isupper() or "." in name:
            return None, self.resolve_type(name, path, scope)
        return None, None

    def method(self, name: str, nargs: int, path: str, scope: str) -> tuple[Method, TypeRef] | None:
        """An unqualified call: the method, and the type it is a member of (the class in scope)."""
        for s in self._scopes(scope, path):
            found = self.method_of(s, name, nargs, path)
            if found is not None:
                return found, (s, 0, ())
        f = self.files.get(path)
        if f is not None:
            for owner in f.static.get(name, []) + f.staticall:
                q = self.qualified(owner, path)
                found = self.method_of(q, name, nargs, path) if q else None
                if found is not None and q:
                    return found, (q, 0, ())
        return None

    def _call(
        self, recv: Any, name: str, nargs: int, path: str, scope: str, hops: int
    ) -> tuple[Method, TypeRef] | None:
        """The method a call ``recv.name(...)`` reaches, and its receiver's type."""
        if recv is None:
            return self.method(name, nargs, path, scope)
        inner = self.type_of(recv, path, scope, hops + 1)
        found = self.method_of(inner[0], name, nargs, path) if inner and not inner[1] else None
        return (found, inner) if found and inner else None

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
            if inner is None or inner[1]:
                return None
            owner = self.field_of(inner[0], recv[2], path)
            if owner is not None:
                return self.member_ref(owner.fields[recv[2]], owner, inner, path)
            member = self.member_type(inner[0], recv[2], path)
            return (member, 0, ()) if member else None
        if what == "m":
            found = self._call(recv[1], recv[2], recv[3], path, scope, hops)
            return self.member_ref(found[0][1], found[0][0], found[1], path) if found else None
        if what == "it":  # an element of an array, else what its iterator() returns
            inner = self.type_of(recv[1], path, scope, hops + 1)
            if inner is not None and inner[1]:
                return (inner[0], inner[1] - 1, inner[2])
            return self.type_of(("m", ("m", recv[1], "iterator", 0), "next", 0), path, scope, hops + 1)
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
        _, call_recv, name, nargs, j, i = recv
        found = self._call(call_recv, name, nargs, path, scope, hops)
        if found is None:
            return None
        (owner, _, params), seen_from = found
        if not params or (j >= len(params) and nargs >= 0):
            return None
        fn = self.member_ref(params[min(j, len(params) - 1)], owner, seen_from, path)
        if fn is None or fn[1]:
            return None
        for c in self.hierarchy(fn[0], path):
            if not c.is_interface:
                return None
            single = [o for overloads in c.methods.values() for o in overloads if o[3]]
            if len(single) == 1:
                params = single[0][2]
                return self.member_ref(params[i], c, fn, path) if i < len(params) else None
            if single:
                return None
        return None

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
        if what in ("type", "inherit", "new"):
            q = self.resolve_type(use[1], path, scope)
            target = self.top_file(q, path) if q else None
            kind = {"type": TYPE, "inherit": INHERIT, "new": CALL}[what]
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
            found = self._call(use[1], use[2], use[3], path, scope, 0)
            return (found[0][0].path, CALL, use[2]) if found else None
        if what == "superinit":
            up = self._super(scope, path)
            target = self.top_file(up[0], path) if up else None
            return (target, CALL, up[0].rsplit(".", 1)[-1]) if target and up else None
        return None


def typed_links(parsed: Sequence[ParsedFile]) -> JavaLinker:
    """The linker over every Java file (``LanguageSpec.typed_links``)."""
    return JavaLinker(parsed)

"""Java's type-aware reference pass: the facts of ``java_types`` -> (target, kind, symbol, line, count).

A type name is looked up as javac does, in order: the member types of the class it is written
in, of its outer classes and of their supertypes; the file's own top-level classes; its
single-type imports; its package; its on-demand imports; a fully qualified name.  A member
(``x.size()``, ``x.count``) links to the file of the class that declares it, found from the
receiver's type up the repository's class hierarchy; an unqualified one from the class it is
written in, its supertypes, its outer classes, then the static imports.  A receiver whose type
is not known (a lambda parameter, a chain through a library's type, a type variable) links
nothing: never every class that defines the name.

Kinds: ``type`` for a class named, ``inherit`` for a supertype, ``call`` for a method, a
constructor or a field.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.domain import CALL, INHERIT, TYPE, ParsedFile
from analyzer.static.languages.base import nearest

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
_MAX_HOPS = 40


@dataclass(slots=True)
class _Class:
    qname: str
    path: str
    outer: str  # qualified name of the enclosing class, "" for a top-level one
    supers: tuple[str, ...]
    fields: dict[str, str]
    methods: dict[str, list[tuple[int, str]]]
    is_interface: bool = False
    members: dict[str, str] = field(default_factory=dict)  # simple name -> qualified member type


@dataclass(slots=True)
class _File:
    path: str
    package: str
    single: dict[str, str]
    ondemand: list[str]
    static: dict[str, list[str]]
    staticall: list[str]
    top: dict[str, str]  # simple name -> qualified, the file's top-level classes


class JavaLinker:
    """Every Java class of the repository, its members and hierarchy; links one file at a time."""

    def __init__(self, parsed: Sequence[ParsedFile]) -> None:
        self.classes: dict[str, list[_Class]] = {}
        self.files: dict[str, _File] = {}
        for p in parsed:
            if p.facts:
                self._add(p.path, p.facts)
        self._types: dict[tuple[str, str, str], str | None] = {}
        self._supers: dict[tuple[str, str], list[str]] = {}
        self._recv: dict[tuple[Any, str, str], tuple[str, int] | None] = {}

    def _add(self, path: str, facts: tuple[Any, ...]) -> None:
        package, imports, classes, _ = facts
        prefix = f"{package}." if package else ""
        f = _File(path, package, {}, [], {}, [], {})
        for kind, name in imports:
            if kind == "single":
                f.single.setdefault(name.rsplit(".", 1)[-1], name)
            elif kind == "ondemand":
                f.ondemand.append(name)
            elif kind == "static" and "." in name:
                owner, member = name.rsplit(".", 1)
                f.static.setdefault(member, []).append(owner)
            elif kind == "staticall":
                f.staticall.append(name)
        self.files[path] = f
        for name, outer, supers, fields, methods, is_interface in classes:
            qname = prefix + name
            methods_by_name: dict[str, list[tuple[int, str]]] = {}
            for m, nargs, returns in methods:
                methods_by_name.setdefault(m, []).append((nargs, returns))
            outer_q = prefix + outer if outer else ""
            c = _Class(qname, path, outer_q, tuple(supers), dict(fields), methods_by_name, is_interface)
            self.classes.setdefault(qname, []).append(c)
            if outer:
                parent = self.classes.get(prefix + outer)
                if parent:
                    parent[-1].members[name.rsplit(".", 1)[-1]] = qname
            else:
                f.top[name] = qname

    # --- classes ------------------------------------------------------------

    def cls(self, qname: str, path: str) -> _Class | None:
        """The class ``qname`` as ``path`` sees it: of several copies, the nearest."""
        found = self.classes.get(qname)
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        near = nearest(path, tuple(c.path for c in found))
        return min((c for c in found if c.path in near), key=lambda c: (c.path.count("/"), c.path))

    def top_file(self, qname: str, path: str) -> str | None:
        c = self.cls(qname, path)
        return c.path if c is not None else None

    def supers(self, c: _Class) -> list[str]:
        """The repository's direct supertypes of ``c`` (qualified)."""
        key = (c.qname, c.path)
        found = self._supers.get(key)
        if found is None:
            self._supers[key] = []  # a cyclic hierarchy ends here
            found = [q for q in (self.resolve_type(s, c.path, c.outer) for s in c.supers) if q and q != c.qname]
            self._supers[key] = found
        return found

    def superclass(self, c: _Class) -> str | None:
        """The repository's superclass of ``c`` (not an interface); None when it has none there."""
        if c.is_interface:
            return None
        for q in self.supers(c):
            up = self.cls(q, c.path)
            if up is not None and not up.is_interface:
                return q
        return None

    def hierarchy(self, qname: str, path: str) -> Iterator[_Class]:
        """``qname`` and its supertypes in the repository as javac searches them: the class and its
        superclasses first (a method an abstract class implements wins over its interface's), then
        every interface, nearest first (breadth first)."""
        seen: set[str] = set()
        chain: list[_Class] = []
        q: str | None = qname
        while q and q not in seen and len(seen) < _MAX_HOPS:
            seen.add(q)
            c = self.cls(q, path)
            if c is None:
                break
            chain.append(c)
            yield c
            q = self.superclass(c)
        todo = [s for c in chain for s in self.supers(c)]
        while todo and len(seen) < _MAX_HOPS:
            q = todo.pop(0)
            if q in seen:
                continue
            seen.add(q)
            c = self.cls(q, path)
            if c is not None:
                yield c
                todo.extend(self.supers(c))

    def member_type(self, qname: str, name: str, path: str) -> str | None:
        for c in self.hierarchy(qname, path):
            if name in c.members:
                return c.members[name]
        return None

    def resolve_type(self, written: str, path: str, scope: str) -> str | None:
        """The qualified name of the repository class ``written`` names in ``scope`` of ``path``."""
        written = written.replace("[]", "")
        key = (written, path, scope)
        if key in self._types:
            return self._types[key]
        self._types[key] = None
        head, _, rest = written.partition(".")
        q = self._simple(head, path, scope)
        if q is not None:
            for part in rest.split(".") if rest else ():
                q = self.member_type(q, part, path) if q else None
        elif rest:
            q = self._qualified(written, path)
        self._types[key] = q
        return q

    def _simple(self, name: str, path: str, scope: str) -> str | None:
        s = scope
        while s:
            if s.rsplit(".", 1)[-1] == name and self.cls(s, path) is not None:
                return s
            found = self.member_type(s, name, path)
            if found:
                return found
            c = self.cls(s, path)
            s = c.outer if c is not None else ""
        f = self.files.get(path)
        if f is None:
            return None
        for q in (f.top.get(name), f.single.get(name)):
            if q:
                return q if q in self.classes else self._qualified(q, path)
        for owner in [f.package, *f.ondemand]:
            q = f"{owner}.{name}" if owner else name
            if q in self.classes:
                return q
            if owner in self.classes:  # import a.b.Outer.*: its member types
                found = self.member_type(owner, name, path)
                if found:
                    return found
        return None

    def _qualified(self, written: str, path: str) -> str | None:
        """``a.b.C.D`` as a fully qualified name: the longest prefix that is a class, then members."""
        parts = written.split(".")
        for cut in range(len(parts), 0, -1):
            q: str | None = ".".join(parts[:cut])
            if q in self.classes:
                for part in parts[cut:]:
                    q = self.member_type(q, part, path) if q else None
                return q
        return None

    # --- members ------------------------------------------------------------

    def field_of(self, qname: str, name: str, path: str) -> _Class | None:
        for c in self.hierarchy(qname, path):
            if name in c.fields:
                return c
        return None

    def method_of(self, qname: str, name: str, nargs: int, path: str) -> tuple[_Class, str] | None:
        for c in self.hierarchy(qname, path):
            overloads = c.methods.get(name)
            if overloads:
                fit = [r for n, r in overloads if n == nargs or n < 0 or nargs < 0] or [r for _, r in overloads]
                return c, fit[0]
        return None

    def _scopes(self, scope: str, path: str) -> Iterator[str]:
        s = scope
        while s:
            yield s
            c = self.cls(s, path)
            s = c.outer if c is not None else ""

    def name(self, name: str, path: str, scope: str) -> tuple[_Class | None, str | None]:
        """A simple name: (the class declaring it as a field, None) or (None, the class it names)."""
        for s in self._scopes(scope, path):
            c = self.field_of(s, name, path)
            if c is not None:
                return c, None
        f = self.files.get(path)
        if f is not None:
            for owner in f.static.get(name, []) + f.staticall:
                q = self._qualified(owner, path)
                c = self.field_of(q, name, path) if q else None
                if c is not None:
                    return c, None
        if name[:1].isupper() or "." in name:
            return None, self.resolve_type(name, path, scope)
        return None, None

    def method(self, name: str, nargs: int, path: str, scope: str) -> tuple[_Class, str] | None:
        for s in self._scopes(scope, path):
            found = self.method_of(s, name, nargs, path)
            if found is not None:
                return found
        f = self.files.get(path)
        if f is not None:
            for owner in f.static.get(name, []) + f.staticall:
                q = self._qualified(owner, path)
                found = self.method_of(q, name, nargs, path) if q else None
                if found is not None:
                    return found
        return None

    def type_of(self, recv: Any, path: str, scope: str, hops: int = 0) -> tuple[str, int] | None:
        """(qualified class, array dimensions) of a receiver expression; None when not known."""
        if recv is None or hops > _MAX_HOPS:
            return None
        key = (recv, path, scope)
        if key in self._recv:
            return self._recv[key]
        self._recv[key] = None
        out = self._type_of(recv, path, scope, hops)
        self._recv[key] = out
        return out

    def _typed(self, written: str, c: _Class) -> tuple[str, int] | None:
        q = self.resolve_type(written, c.path, c.qname) if written else None
        return (q, written.count("[]")) if q else None

    def _type_of(self, recv: Any, path: str, scope: str, hops: int) -> tuple[str, int] | None:
        what = recv[0]
        if what == "t":
            q = self.resolve_type(recv[1], path, scope)
            return (q, recv[1].count("[]")) if q else None
        if what == "this":
            return (scope, 0) if scope else None
        if what == "super":
            c = self.cls(scope, path)
            up = self.superclass(c) if c is not None else None
            return (up, 0) if up else None
        if what == "n":
            owner, named = self.name(recv[1], path, scope)
            if owner is not None:
                return self._typed(owner.fields[recv[1]], owner)
            return (named, 0) if named else None
        if what == "e":
            inner = self.type_of(recv[1], path, scope, hops + 1)
            return (inner[0], inner[1] - 1) if inner and inner[1] > 0 else None
        if what == "f":
            inner = self.type_of(recv[1], path, scope, hops + 1)
            if inner is None or inner[1]:
                return None
            owner = self.field_of(inner[0], recv[2], path)
            if owner is not None:
                return self._typed(owner.fields[recv[2]], owner)
            member = self.member_type(inner[0], recv[2], path)
            return (member, 0) if member else None
        if what == "m":
            if recv[1] is None:
                found = self.method(recv[2], recv[3], path, scope)
            else:
                inner = self.type_of(recv[1], path, scope, hops + 1)
                found = self.method_of(inner[0], recv[2], recv[3], path) if inner and not inner[1] else None
            return self._typed(found[1], found[0]) if found else None
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
            if found is not None and found[0] != p.path:
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
            if use[1] is None:
                found = self.method(use[2], use[3], path, scope)
            else:
                inner = self.type_of(use[1], path, scope)
                found = self.method_of(inner[0], use[2], use[3], path) if inner and not inner[1] else None
            return (found[0].path, CALL, use[2]) if found else None
        if what == "superinit":
            up = self._type_of(("super",), path, scope, 0)
            target = self.top_file(up[0], path) if up else None
            return (target, CALL, up[0].rsplit(".", 1)[-1]) if target and up else None
        return None


def typed_links(parsed: Sequence[ParsedFile]) -> JavaLinker:
    """The linker over every Java file (``LanguageSpec.typed_links``)."""
    return JavaLinker(parsed)

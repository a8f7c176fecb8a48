"""The class table of ``java_linking``: every Java class of the repository (and of ``_java_jdk``'s
stubs), type names resolved as javac does, the class hierarchy, and generic types bound.

A resolved type is a ``TypeRef``: ``(qualified class, array dimensions, type arguments)``, each
argument a ``TypeRef`` or None (not known); ``("!T", dims, ())`` is the type variable ``T`` before
it is bound.  A binding maps a class's type variables to the arguments a receiver's type gives
them, or, for a raw type or ``this``, to their bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.static.languages._java_generics import UNKNOWN, VARIABLE, erased, split
from analyzer.static.languages.base import nearest

TypeRef = tuple[str, int, tuple[Any, ...]]
#: a method as declared: (nargs, returns, parameter types, is_abstract, its type variables (name, bound))
Overload = tuple[int, str, tuple[str, ...], bool, tuple[tuple[str, str], ...]]
Binding = dict[str, TypeRef | None]
#: how far a hierarchy or a chain of receivers is followed
MAX_HOPS = 40
#: the path of a stub class (``_java_jdk``, ``_csharp_bcl``): it is known, but no file of the repository
STUB_PREFIX = "<stub>"


@dataclass(slots=True)
class JavaClass:
    qname: str
    path: str
    outer: str  # qualified name of the enclosing class, "" for a top-level one
    supers: tuple[str, ...]  # as written (generic), the superclass first
    fields: dict[str, str]
    #: name -> (nargs, returns, parameter types, is_abstract, type variables) of each overload
    methods: dict[str, list[Overload]]
    is_interface: bool = False
    tparams: tuple[tuple[str, str], ...] = ()  # (type variable, its bound as written)
    members: dict[str, str] = field(default_factory=dict)  # simple name -> qualified member type


@dataclass(slots=True)
class JavaFile:
    path: str
    package: str
    single: dict[str, str]
    ondemand: list[str]
    static: dict[str, list[str]]
    staticall: list[str]
    top: dict[str, str]  # simple name -> qualified, the file's top-level classes


class ClassTable:
    """Classes by qualified name (several copies of one: the nearest wins), their files' imports."""

    def __init__(self, facts: Sequence[tuple[str, tuple[Any, ...]]], stubs: Sequence[tuple[str, tuple[Any, ...]]]):
        self.classes: dict[str, list[JavaClass]] = {}
        self.files: dict[str, JavaFile] = {}
        for path, f in facts:
            self._add(path, f)
        own = set(self.classes)
        for path, (package, imports, classes, uses) in stubs:  # a class the repository defines wins
            kept = tuple(c for c in classes if not {f"{package}.{c[0]}", f"{package}.{c[1]}"} & own)
            self._add(path, (package, imports, kept, uses))
        self._types: dict[tuple[str, str, str], str | None] = {}
        self._supers: dict[tuple[str, str], list[str]] = {}
        self._refs: dict[tuple[str, str, str], TypeRef | None] = {}
        self._bindings: dict[tuple[TypeRef, str, str], Binding] = {}
        self._hierarchies: dict[tuple[str, str], list[JavaClass]] = {}

    def _add(self, path: str, facts: tuple[Any, ...]) -> None:
        package, imports, classes, _ = facts
        prefix = f"{package}." if package else ""
        f = JavaFile(path, package, {}, [], {}, [], {})
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
        for name, outer, supers, fields, methods, is_interface, tparams in classes:
            qname = prefix + name
            by_name: dict[str, list[Overload]] = {}
            for m, *overload in methods:
                by_name.setdefault(m, []).append(tuple(overload))  # type: ignore[arg-type]
            outer_q = prefix + outer if outer else ""
            c = JavaClass(qname, path, outer_q, tuple(supers), dict(fields), by_name, is_interface, tuple(tparams))
            self.classes.setdefault(qname, []).append(c)
            if outer:
                parent = self.classes.get(outer_q)
                if parent:
                    parent[-1].members[name.rsplit(".", 1)[-1]] = qname
            else:
                f.top[name] = qname

    # --- classes ------------------------------------------------------------

    def cls(self, qname: str, path: str) -> JavaClass | None:
        """The class ``qname`` as ``path`` sees it: of several copies, the nearest."""
        found = self.classes.get(qname)
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        near = nearest(path, tuple(c.path for c in found))
        return min((c for c in found if c.path in near), key=lambda c: (c.path.count("/"), c.path))

    def top_file(self, qname: str, path: str) -> str | None:
        """The repository file declaring ``qname`` (None for a stub)."""
        c = self.cls(qname, path)
        return c.path if c is not None and not c.path.startswith(STUB_PREFIX) else None

    def supers(self, c: JavaClass) -> list[str]:
        """The known direct supertypes of ``c`` (qualified)."""
        key = (c.qname, c.path)
        found = self._supers.get(key)
        if found is None:
            self._supers[key] = []  # a cyclic hierarchy ends here
            found = [q for q in (self.resolve_type(s, c.path, c.outer) for s in c.supers) if q and q != c.qname]
            self._supers[key] = found
        return found

    def superclass(self, c: JavaClass) -> str | None:
        """The known superclass of ``c`` (not an interface); None when it has none."""
        if c.is_interface:
            return None
        for q in self.supers(c):
            up = self.cls(q, c.path)
            if up is not None and not up.is_interface:
                return q
        return None

    def parts(self, qname: str, path: str) -> list[JavaClass]:
        """The declarations of class ``qname`` as ``path`` sees it: one in Java (C#: every part of a
        partial type)."""
        c = self.cls(qname, path)
        return [c] if c is not None else []

    def hierarchy(self, qname: str, path: str) -> list[JavaClass]:
        """``qname`` and its supertypes as javac searches them: the class and its superclasses
        first (a method an abstract class implements wins over its interface's), then every
        interface, nearest first (breadth first); each class with all its :meth:`parts`."""
        key = (qname, path)
        found = self._hierarchies.get(key)
        if found is not None:
            return found
        seen: set[str] = set()
        out: list[JavaClass] = []
        q: str | None = qname
        while q and q not in seen and len(seen) < MAX_HOPS:
            seen.add(q)
            parts = self.parts(q, path)
            if not parts:
                break
            out.extend(parts)
            q = self.superclass(parts[0])
        todo = [s for c in out for s in self.supers(c)]
        while todo and len(seen) < MAX_HOPS:
            q = todo.pop(0)
            if q in seen:
                continue
            seen.add(q)
            for c in self.parts(q, path):
                out.append(c)
                todo.extend(self.supers(c))
        self._hierarchies[key] = out
        return out

    def member_type(self, qname: str, name: str, path: str) -> str | None:
        for c in self.hierarchy(qname, path):
            if name in c.members:
                return c.members[name]
        return None

    # --- type names ---------------------------------------------------------

    def resolve_type(self, written: str, path: str, scope: str) -> str | None:
        """The qualified name of the class ``written`` (type arguments and ``[]`` ignored) names in
        ``scope`` of ``path``."""
        written = erased(written).replace("[]", "")
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
            q = self.qualified(written, path)
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
                return q if q in self.classes else self.qualified(q, path)
        for owner in [f.package, *f.ondemand, "java.lang"]:  # java.lang.*: imported by every file
            q = f"{owner}.{name}" if owner else name
            if q in self.classes:
                return q
            if owner in self.classes:  # import a.b.Outer.*: its member types
                found = self.member_type(owner, name, path)
                if found:
                    return found
        return None

    def qualified(self, written: str, path: str) -> str | None:
        """``a.b.C.D`` as a fully qualified name: the longest prefix that is a class, then members."""
        parts = written.split(".")
        for cut in range(len(parts), 0, -1):
            q: str | None = ".".join(parts[:cut])
            if q in self.classes:
                for part in parts[cut:]:
                    q = self.member_type(q, part, path) if q else None
                return q
        return None

    # --- generic types ------------------------------------------------------

    def ref(self, written: str, path: str, scope: str) -> TypeRef | None:
        """A written generic type resolved in ``scope`` of ``path`` (type variables left unbound)."""
        key = (written, path, scope)
        if key in self._refs:
            return self._refs[key]
        self._refs[key] = None
        base, args, dims = split(written)
        out: TypeRef | None
        if base.startswith(VARIABLE):
            out = (base, dims, ())
        else:
            q = self.resolve_type(base, path, scope) if base and base != UNKNOWN else None
            out = (q, dims, tuple(self.ref(a, path, scope) for a in args)) if q else None
        self._refs[key] = out
        return out

    def binding(self, t: TypeRef, path: str) -> Binding:
        """The type variables of ``t``'s class (and of its outer classes) -> ``t``'s arguments, or
        their bounds for a raw type."""
        out: Binding = {}
        c = self.cls(t[0], path)
        own = True
        while c is not None:
            args = t[2] if own and len(t[2]) == len(c.tparams) else ()
            for i, (name, bound) in enumerate(c.tparams):
                if name not in out:
                    out[name] = args[i] if args else (self.ref(bound, c.path, c.qname) if bound else None)
            own = False
            c = self.cls(c.outer, path) if c.outer else None
        return out

    def binding_at(self, t: TypeRef, target: str, path: str) -> Binding:
        """The binding of ``target``'s type variables seen from ``t`` (``target`` is ``t``'s class or
        one of its supertypes: ``ArrayList<Pet>`` seen as ``Iterable`` binds ``T`` to ``Pet``)."""
        key = (t, target, path)
        found = self._bindings.get(key)
        if found is not None:
            return found
        out: Binding | None = None
        todo: list[TypeRef] = [t]
        seen: set[str] = set()
        while todo and len(seen) < MAX_HOPS and out is None:
            cur = todo.pop(0)
            if cur[0] in seen:
                continue
            seen.add(cur[0])
            b = self.binding(cur, path)
            if cur[0] == target:
                out = b
                break
            c = self.cls(cur[0], path)
            if c is None:
                continue
            for s in c.supers:
                up = subst(self.ref(s, c.path, c.outer), b)
                if up is not None and not up[0].startswith(VARIABLE):
                    todo.append(up)
        if out is None:
            out = self.binding((target, 0, ()), path)
        self._bindings[key] = out
        return out

    def member_ref(self, written: str, owner: JavaClass, seen_from: TypeRef, path: str) -> TypeRef | None:
        """The type of a member ``owner`` declares as ``written``, seen from a receiver of type
        ``seen_from`` (its type variables bound); None when not known."""
        t = subst(self.ref(written, owner.path, owner.qname), self.binding_at(seen_from, owner.qname, path))
        return t if t is not None and not t[0].startswith(VARIABLE) else None


def subst(t: TypeRef | None, binding: Binding) -> TypeRef | None:
    """``t`` with its type variables replaced by what ``binding`` binds them to (None: unknown)."""
    if t is None:
        return None
    if t[0].startswith(VARIABLE):
        bound = binding.get(t[0][1:])
        return (bound[0], bound[1] + t[1], bound[2]) if bound else None
    if not t[2]:
        return t
    return (t[0], t[1], tuple(subst(a, binding) for a in t[2]))

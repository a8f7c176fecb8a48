"""C#'s type-aware reference pass: the facts of ``csharp_types`` -> (target, kind, symbol, line, count).

It is the Java linker (``java_linking``: receivers typed through the class table, members found up
the hierarchy, generic types bound, overloads by arity and argument types) with C#'s rules where
they differ:

* a type name is looked up in the type it is written in, its outer types and their base types;
  then in each enclosing namespace from the innermost outwards, with the ``using`` directives
  written at that level (``using A.B;``, ``using static A.B.C;``, ``using X = A.B;``; global
  usings and a project's ``<Using>`` items at the outermost); then the stubs of ``_csharp_bcl``;
* a ``partial`` type is every one of its parts: a member links to the file of the part that
  declares it, and the base list of any part is the type's;
* ``x.M()`` with no member ``M`` on ``x``'s type is an extension method: a static ``M`` whose
  first parameter says ``this`` and takes ``x``'s type, of a class in a namespace the file sees;
* ``[Foo]`` is ``FooAttribute`` (else ``Foo``); ``x[i]`` is ``x``'s indexer (``this[]``), and
  ``foreach`` over ``x`` gives what ``x.GetEnumerator().Current`` is.

A lambda's parameters are typed by the delegate parameter of the method it is passed to (an
extension method's too); calling a local delegate is a call of its ``Invoke``.  A receiver whose type
is not known (a chain through a library's type, a lambda passed to an unknown method) links nothing:
never every type that defines the name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.domain import TYPE, ParsedFile
from analyzer.static.languages._csharp_bcl import IMPLICIT, stub_facts
from analyzer.static.languages._java_classes import MAX_HOPS, STUB_PREFIX, JavaClass, TypeRef
from analyzer.static.languages.java_linking import JavaLinker, Link, Method

_ENUMERABLE = "System.Collections.Generic.IEnumerable"
#: directory -> the global usings of the projects under it: (kind, name) with kind using / static
Scoped = Mapping[str, Sequence[tuple[str, str]]]


@dataclass(slots=True)
class _Usings:
    """One file's using directives, by the namespace block they are written in ("": the file's top)."""

    namespaces: dict[str, list[str]] = field(default_factory=dict)  # within -> namespaces imported
    statics: dict[str, list[str]] = field(default_factory=dict)  # within -> types imported statically
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> what it names (any level)
    #: every namespace the file imports at any level (extension methods are looked up in them)
    seen: set[str] = field(default_factory=set)


class CSharpLinker(JavaLinker):
    """Every C# type of the repository (and of the stubs), its members and hierarchy; links one
    file at a time."""

    def __init__(self, parsed: Sequence[ParsedFile], scoped: Scoped) -> None:
        files = [(p.path, p.facts) for p in parsed if p.facts]
        stubs = stub_facts()
        super().__init__([(path, _as_java(f)) for path, f in files], [(path, _as_java(f)) for path, f in stubs])
        self.partial = {q for _, f in (*files, *stubs) for q in f[3]}
        self.usings: dict[str, _Usings] = {}
        for path, f in (*files, *stubs):
            self.usings[path] = _read_usings(path, f[0], scoped)
            self.files[path].staticall = [n for ns in self.usings[path].statics.values() for n in ns]
        self.extensions: dict[str, list[Method]] = {}
        self._extension_ids: set[int] = set()
        for path, f in (*files, *stubs):
            for owner, name in f[4]:
                for c in self.classes.get(owner, ()):
                    if c.path == path:
                        for o in c.methods.get(name, ()):
                            self.extensions.setdefault(name, []).append((c, o))
                            self._extension_ids.add(id(o))

    # --- types ----------------------------------------------------------------

    def namespace_of(self, scope: str, path: str) -> str:
        """The namespace a scope (a type, else a namespace) is in."""
        s = scope
        for _ in range(MAX_HOPS):
            c = self.cls(s, path) if s in self.classes else None
            if c is None:
                return s
            s = c.outer
        return ""

    def resolve_type(self, written: str, path: str, scope: str) -> str | None:
        """As the Java table does, after replacing an alias at the head (``Col.List<T>``)."""
        head, dot, rest = written.partition(".")
        aliases = self.usings[path].aliases if path in self.usings else {}
        target = aliases.get(head.partition("<")[0])
        if target is not None:
            written = target + dot + rest if dot else target + written[len(head.partition("<")[0]) :]
        return super().resolve_type(written, path, scope)

    def _simple(self, name: str, path: str, scope: str) -> str | None:
        s = scope
        while s and s in self.classes:
            if s.rsplit(".", 1)[-1] == name:
                return s
            found = self.member_type(s, name, path)
            if found:
                return found
            c = self.cls(s, path)
            s = c.outer if c is not None else ""
        usings = self.usings.get(path, _Usings())
        ns = s
        while True:
            q = f"{ns}.{name}" if ns else name
            if q in self.classes:
                return q
            found = self._imported(usings, ns, name, path)
            if found:
                return found
            if not ns:
                break
            ns = ns.rpartition(".")[0]
        return next((q for q in (f"{n}.{name}" for n in IMPLICIT) if q in self.classes), None)

    def _imported(self, usings: _Usings, within: str, name: str, path: str) -> str | None:
        """A type ``name`` that the using directives written at the level ``within`` bring in."""
        for namespace in usings.namespaces.get(within, ()):
            q = f"{namespace}.{name}"
            if q in self.classes:
                return q
        for owner in usings.statics.get(within, ()):
            qualified = self.qualified(owner, path)
            member = self.member_type(qualified, name, path) if qualified else None
            if member:
                return member
        if not within and name in usings.aliases:
            return self.qualified(usings.aliases[name], path)
        return None

    # --- partial types ------------------------------------------------------

    def parts(self, qname: str, path: str) -> list[JavaClass]:
        """Every part of a partial type; else the one class ``qname`` is as ``path`` sees it."""
        found = self.classes.get(qname)
        if found and qname in self.partial and len(found) > 1:
            return found
        c = self.cls(qname, path)
        return [c] if c is not None else []

    def superclass(self, c: JavaClass) -> str | None:
        """The known base class of ``c`` (not an interface), given in the base list of any part."""
        for part in self.parts(c.qname, c.path):
            if part.is_interface:
                return None
            for q in self.supers(part):
                up = self.cls(q, part.path)
                if up is not None and not up.is_interface:
                    return q
        return None

    # --- extension methods --------------------------------------------------

    def _call(
        self, recv: Any, name: str, nargs: int, path: str, scope: str, hops: int, args: tuple[Any, ...] = ()
    ) -> tuple[Method, TypeRef] | None:
        found = super()._call(recv, name, nargs, path, scope, hops, args)
        arity = found[0][1][0] if found is not None else None
        library = found is not None and found[0][0].path.startswith(STUB_PREFIX)  # stubs omit overloads
        if recv is None or arity is not None and (arity == nargs or arity < 0 or nargs < 0 or library):
            return found
        # no instance method, or only one of another arity (``token.Value<T>()`` beside JToken's
        # ``Value<T>(key)``): an extension method taking the arguments wins
        inner = self.type_of(recv, path, scope, hops + 1)
        if inner is not None and inner[1]:  # an array is an IEnumerable<T> to extension methods
            inner = (_ENUMERABLE, 0, ((inner[0], inner[1] - 1, inner[2]),))
        extension = self.extension(inner, name, nargs, path, scope) if inner is not None else None
        if extension is not None and found is not None and extension[1][0] != nargs + 1 and extension[1][0] >= 0:
            return found
        return (extension, inner) if extension is not None and inner is not None else found

    def extension(self, t: TypeRef, name: str, nargs: int, path: str, scope: str) -> Method | None:
        """The extension method ``name`` of a static class in a namespace the file sees whose
        ``this`` parameter takes a ``t``: of several, one taking ``nargs`` more arguments first, then
        the one whose ``this`` type is nearest ``t`` in its hierarchy; of two alike, the library's (a
        repository's copy of a LINQ operator is a polyfill another build compiles: Json.NET's NET20
        ``LinqBridge``, whose using sits under ``#if NET20`` beside ``using System.Linq;``)."""
        candidates = self.extensions.get(name)
        if not candidates:
            return None
        usings = self.usings.get(path, _Usings())
        ns = self.namespace_of(scope, path)
        visible = usings.seen | {"System.Linq"} | {ns.rsplit(".", i)[0] for i in range(ns.count(".") + 1) if ns}
        fitting = [
            (c, o)
            for c, o in candidates
            if self.namespace_of(c.outer, c.path) in visible and o[2] and self.accepts(o[2][0], c, t, path)
        ]
        if len(fitting) > 1:
            up = [h.qname for h in self.hierarchy(t[0], path)]

            def rank(m: Method) -> tuple[bool, int, bool]:
                own = self.resolve_type(m[1][2][0], m[0].path, m[0].qname)
                near = up.index(own) if own in up else len(up)
                return (not (m[1][0] == nargs + 1 or m[1][0] < 0), near, not m[0].path.startswith(STUB_PREFIX))

            fitting.sort(key=rank)
        return fitting[0] if fitting else None

    def returns(
        self, m: Method, seen_from: TypeRef, args: tuple[Any, ...], path: str, scope: str, hops: int
    ) -> TypeRef | None:
        """What a call returns; an extension method's receiver is its first argument."""
        if id(m[1]) in self._extension_ids:
            args = (("ext", seen_from), *args)
            seen_from = (m[0].qname, 0, ())
        return super().returns(m, seen_from, args, path, scope, hops)

    def _lambda_parameter(self, recv: Any, path: str, scope: str, hops: int) -> TypeRef | None:
        """As for Java; a lambda given to an extension method is its argument ``j + 1`` (the first is
        the receiver, ``("ext", its type)``, which binds the method's type variables)."""
        _, call_recv, name, nargs, j, args, i = recv
        found = self._call(call_recv, name, nargs, path, scope, hops, args)
        if found is not None and id(found[0][1]) in self._extension_ids:
            recv = ("lp", call_recv, name, nargs, j + 1, (("ext", found[1]), *args), i)
        return super()._lambda_parameter(recv, path, scope, hops)

    def _type_of(self, recv: Any, path: str, scope: str, hops: int) -> TypeRef | None:
        what = recv[0]
        if what == "ext":  # an extension method's receiver, already typed
            return recv[1]  # type: ignore[no-any-return]
        if what == "e":  # an array's element, else what the indexer returns
            inner = self.type_of(recv[1], path, scope, hops + 1)
            if inner is None or inner[1]:
                return (inner[0], inner[1] - 1, inner[2]) if inner else None
            found = self.method_of(inner[0], "this[]", 1, path)
            return self.returns(found, inner, (), path, scope, hops) if found else None
        if what == "it":  # foreach: an array's element, else GetEnumerator().Current
            inner = self.type_of(recv[1], path, scope, hops + 1)
            if inner is not None and inner[1]:
                return (inner[0], inner[1] - 1, inner[2])
            current = ("f", ("m", recv[1], "GetEnumerator", 0, ()), "Current")
            return self.type_of(current, path, scope, hops + 1)
        return super()._type_of(recv, path, scope, hops)

    # --- uses -> links --------------------------------------------------------

    def links(self, p: ParsedFile) -> list[Link]:
        """The links of one file's uses, in the order of its facts."""
        out: list[Link] = []
        if not p.facts:
            return out
        uses: tuple[tuple[Any, str, int, int], ...] = p.facts[2]  # type: ignore[assignment]
        for use, scope, line, count in uses:
            found = self._link(use, p.path, scope)
            if found is not None and found[0] != p.path and not found[0].startswith(STUB_PREFIX):
                out.append((found[0], found[1], found[2], line, count))
        return out

    def _link(self, use: Any, path: str, scope: str) -> tuple[str, str, str] | None:
        if use[0] == "attr":
            q = self.resolve_type(use[1] + "Attribute", path, scope) or self.resolve_type(use[1], path, scope)
            target = self.top_file(q, path) if q else None
            return (target, TYPE, q.rsplit(".", 1)[-1]) if target and q else None
        return super()._link(use, path, scope)


def _as_java(facts: tuple[Any, ...]) -> tuple[Any, ...]:
    """The class table's view of a file's facts: its types, qualified (no package)."""
    return ("", (), facts[1], ())


def _read_usings(path: str, usings: tuple[tuple[str, str, str, str, bool], ...], scoped: Scoped) -> _Usings:
    """A file's using directives, with the global ones of the projects above it (at its top)."""
    out = _Usings()
    written = [(kind, name, alias, within) for kind, name, alias, within, _ in usings]
    for directory, items in scoped.items():
        if not directory or path.startswith(directory + "/"):
            written += [(kind, name, "", "") for kind, name in items]
    for kind, name, alias, within in written:
        # a name written in namespace A.B is looked up from there outwards (A.B.name, A.name, name)
        forms = [f"{within.rsplit('.', i)[0]}.{name}" for i in range(within.count(".") + 1) if within] + [name]
        if kind == "alias":
            out.aliases.setdefault(alias, name)
        elif kind == "static":
            out.statics.setdefault(within, []).extend(forms)
        else:
            out.namespaces.setdefault(within, []).extend(forms)
            out.seen.update(forms)
    return out

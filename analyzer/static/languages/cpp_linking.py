"""C++'s type-aware reference pass: the facts of ``cpp_types`` -> (target, kind, symbol, line, count).

What a file sees is what the compiler sees: the file itself and every file it includes, transitively,
through C headers too (``LanguageSpec.typed_reads``: a header with no C++-only line is C).  A
header's type names also see what the first translation unit including it (in path order) sees:
``class Options;`` in a header and ``const Options&`` mean the class the unit defines.  A name is
looked up among the declarations of those files, never elsewhere.

* A type named (``Foo x``, ``const ns::Foo&``, ``A::m`` out of line) links ``type`` to the file
  declaring it, a base clause ``inherit``; of several, those nearest the namespace in scope.
* A member (``x.m()``, ``x->f``, ``this->m()``, an unqualified name in a member function) links
  ``call`` to the file of the class declaring it, found from the receiver's class up its bases in
  the repository: the receiver's type is a local's, a parameter's or a field's declared type (smart
  pointers by their argument), ``auto``'s initializer, or what a method returns.  A receiver of
  unknown type (a template parameter, a library's type) links nothing: never every class that
  declares the name.
* ``A::m`` links the class ``A`` (``type``) and its member (``call``); ``ns::f`` and the other free
  functions, variables, enumerators and macros link ``call`` by name to the visible files declaring them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.domain import CALL, INHERIT, TYPE, ParsedFile, RepoIndex
from analyzer.static.languages.c import resolve_include

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
_MAX_HOPS = 12
_SOURCES = (".cc", ".cpp", ".cxx", ".c++", ".c")
#: def kinds a use of each form may link (a global variable is no symbol of its file: used only
#: for the type of a receiver)
_FREE_NAME = frozenset({"e", "d", "f", "p", "?"})
#: what a name that is no function may be (an enumerator, a macro)
_CONSTANTS = frozenset({"e", "d"})
_FUNCTIONS = frozenset({"f", "p"})


@dataclass(frozen=True, slots=True)
class _Decl:
    """A declaration outside classes: ``kind`` as in ``cpp_types`` (``?``: a C file's, kind unknown)."""

    path: str
    kind: str
    qname: str
    type: str
    #: a member type of a class: named qualified (``Outer::Inner``) or from inside its class
    nested: bool = False


@dataclass(slots=True)
class _Class:
    """A class (struct, union, scoped enum) of the repository with its members."""

    qname: str
    path: str
    namespace: str
    bases: tuple[str, ...]
    members: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (kind, type)


def _parts(qname: str) -> list[str]:
    return [p for p in qname.split("::") if p]


def _compatible(qname: str, written: str) -> bool:
    """``ns::Foo`` answers ``Foo`` and ``x::ns::Foo`` (a namespace a macro opened is unknown)."""
    q, w = _parts(qname), _parts(written)
    n = min(len(q), len(w))
    return q[len(q) - n :] == w[len(w) - n :]


def _in_scope(qname: str, written: str, context: str) -> bool:
    """A member type is named qualified (``Outer::Inner``) or from inside its class."""
    outer = _parts(qname)[-2] if len(_parts(qname)) > 1 else ""
    return len(_parts(written)) > 1 or outer in _parts(context)


def _closeness(qname: str, context: str) -> int:
    """How many leading scopes a declaration shares with the scope of a use."""
    n = 0
    for a, b in zip(_parts(qname)[:-1], _parts(context), strict=False):
        if a != b:
            break
        n += 1
    return n


class CppLinker:
    """Every C++ class and declaration of the repository, and what each file includes."""

    def __init__(self, parsed: Sequence[ParsedFile], index: RepoIndex) -> None:
        self.facts = {p.path: p.facts for p in parsed if p.facts}
        self.decls: dict[str, list[_Decl]] = {}
        self.classes: dict[tuple[str, str], _Class] = {}
        self.includes: dict[str, set[str]] = {}
        self._closure: dict[str, frozenset[str]] = {}
        self._view: dict[str, frozenset[str]] = {}
        self._by_header: dict[str, list[str]] | None = None
        self._memo: dict[tuple[Any, ...], Any] = {}
        cpp = set(self.facts)
        for p in parsed:
            self.includes[p.path] = {t for ref in p.imports for t in resolve_include(ref, index, True).targets}
        for path, facts in self.facts.items():
            defs, classes, _ = facts
            for kind, qname, type_ in defs:  # type: ignore[attr-defined]
                self._declare(_Decl(path, kind, qname, type_))
            for qname, ns, bases, members in classes:  # type: ignore[attr-defined]
                c = self.classes.setdefault((qname, path), _Class(qname, path, ns, bases))
                for name, kind, type_ in members:
                    c.members.setdefault(name, (kind, type_))
                    if kind == "t":
                        self._declare(_Decl(path, "t", f"{qname}::{name}", type_, nested=True))
        for name, files in index.definitions.items():  # the C headers a C++ file includes
            for path in files:
                if path not in cpp:
                    self._declare(_Decl(path, "?", name, ""))

    def _declare(self, d: _Decl) -> None:
        self.decls.setdefault(_parts(d.qname)[-1] if d.qname else "", []).append(d)

    # --- visibility -----------------------------------------------------------

    def visible(self, path: str) -> frozenset[str]:
        """What a file sees: a source file its includes, transitively; a header also what the
        translation units including it see (the first one, in path order)."""
        found = self._view.get(path)
        if found is None:
            found = self.closure(path)
            if not path.endswith(_SOURCES):
                units = self._units().get(path)
                if units:  # what the unit includes (its own definitions come after its includes)
                    found = found | (self.closure(units[0]) - {units[0]})
            self._view[path] = found
        return found

    def _units(self) -> dict[str, list[str]]:
        """header -> the source files whose translation units hold it, in path order."""
        if self._by_header is None:
            self._by_header = {}
            for unit in sorted(p for p in self.includes if p.endswith(_SOURCES)):
                for header in self.closure(unit):
                    self._by_header.setdefault(header, []).append(unit)
        return self._by_header

    def closure(self, path: str) -> frozenset[str]:
        """The file and every file it includes, transitively."""
        found = self._closure.get(path)
        if found is None:
            seen = {path}
            stack = [path]
            while stack:
                for target in self.includes.get(stack.pop(), ()):
                    if target not in seen:
                        seen.add(target)
                        stack.append(target)
            found = self._closure[path] = frozenset(seen)
        return found

    def lookup(self, written: str, path: str, context: str, kinds: frozenset[str]) -> list[_Decl]:
        """The declarations of ``kinds`` a name written in ``path`` (in scope ``context``) can mean:
        those of the files it sees (else its own), nearest the scope, a function's prototypes before
        its definitions."""
        key = ("lookup", written, path, context, kinds)
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        name = _parts(written)[-1] if _parts(written) else ""
        found = [
            d
            for d in self.decls.get(name, ())
            if d.kind in kinds
            and _compatible(d.qname, written)
            and (not d.nested or _in_scope(d.qname, written, context))
        ]
        # a header's types, enumerators and macros may come from what its translation unit included
        # before it; its functions are looked up in what it includes itself (a template's calls are
        # bound where it is instantiated)
        seen = self.closure(path) if kinds & _FUNCTIONS else self.visible(path)
        near = [d for d in found if d.path in seen and d.path != path] or [d for d in found if d.path == path]
        if near:
            best = max(_closeness(d.qname, context) for d in near)
            near = [d for d in near if _closeness(d.qname, context) == best]
            if any(d.kind == "p" for d in near):  # a function's prototype is what callers see
                near = [d for d in near if d.kind != "f"]
        self._memo[key] = near
        return near

    # --- classes and members ----------------------------------------------------

    def class_of(self, written: str, path: str, context: str, hops: int = 0) -> _Class | None:
        """The class a type written in ``path`` names (through aliases); None when not a repository class."""
        if not written or hops > _MAX_HOPS:
            return None
        found = self.lookup(written, path, context, frozenset({"t"}))
        if len(found) != 1:  # two definitions seen: branches of an #if the walk cannot choose between
            return None
        d = found[0]
        c = self.classes.get((d.qname, d.path))
        if c is None and d.type:
            return self.class_of(d.type, d.path, d.qname, hops + 1)
        return c

    def hierarchy(self, c: _Class) -> list[_Class]:
        """The class and its repository bases, nearest first."""
        key = ("up", c.qname, c.path)
        found = self._memo.get(key)
        if found is None:
            found = [c]
            self._memo[key] = found
            for base in c.bases:
                b = self.class_of(base, c.path, c.qname)
                for up in self.hierarchy(b) if b is not None else []:
                    if up not in found:
                        found.append(up)
        return found  # type: ignore[no-any-return]

    def member(self, c: _Class | None, name: str) -> tuple[_Class, str, str] | None:
        """(the class declaring ``name``, its kind, its type) up ``c``'s hierarchy."""
        for up in self.hierarchy(c) if c is not None else []:
            found = up.members.get(name)
            if found is not None:
                return up, found[0], found[1]
        return None

    def scope(self, path: str, ns: str, cls: str) -> list[_Class]:
        """The class a use is written in, then its outer classes."""
        out: list[_Class] = []
        parts = _parts(cls)
        while parts:
            c = self.class_of("::".join(parts), path, ns)
            if c is not None and c not in out:
                out.append(c)
            parts = parts[:-1]
        return out

    def unqualified(self, name: str, path: str, ns: str, cls: str) -> tuple[_Class, str, str] | None:
        for c in self.scope(path, ns, cls):
            found = self.member(c, name)
            if found is not None:
                return found
        return None

    def type_of(self, recv: Any, path: str, ns: str, cls: str, hops: int = 0) -> _Class | None:
        """The class of a receiver expression; None when not known."""
        if recv is None or hops > _MAX_HOPS:
            return None
        key = ("recv", recv, path, ns, cls)
        if key not in self._memo:
            self._memo[key] = None
            self._memo[key] = self._type_of(recv, path, ns, cls, hops)
        return self._memo[key]  # type: ignore[no-any-return]

    def _type_of(self, recv: Any, path: str, ns: str, cls: str, hops: int) -> _Class | None:
        what = recv[0]
        context = f"{ns}::{cls}" if ns and cls else ns or cls
        if what == "t":
            return self.class_of(recv[1], path, context)
        if what == "this":
            found = self.scope(path, ns, cls)
            return found[0] if found else None
        if what in ("n", "m") and (what == "n" or recv[1] is None):
            member = self.unqualified(recv[-1], path, ns, cls)
            if member is not None:
                return self._member_type(member)
            kinds = frozenset({"v"}) if what == "n" else _FUNCTIONS
            for d in self.lookup(recv[-1], path, context, kinds):
                if d.type:
                    return self.class_of(d.type, d.path, d.qname)
            return self.class_of(recv[-1], path, context) if what == "m" else None
        if what in ("f", "m"):
            inner = self.type_of(recv[1], path, ns, cls, hops + 1)
            member = self.member(inner, recv[2])
            return self._member_type(member) if member is not None else None
        if what == "qm":
            owner = self.class_of(recv[1], path, context)
            if owner is not None:
                member = self.member(owner, recv[2])
                return self._member_type(member) if member is not None else None
            made = self.class_of(f"{recv[1]}::{recv[2]}", path, context)
            if made is not None:
                return made
            for d in self.lookup(f"{recv[1]}::{recv[2]}", path, context, _FUNCTIONS):
                return self.class_of(d.type, d.path, d.qname) if d.type else None
        return None

    def _member_type(self, member: tuple[_Class, str, str]) -> _Class | None:
        owner, kind, type_ = member
        if kind in ("f", "m") and type_:
            return self.class_of(type_, owner.path, owner.qname)
        return None

    # --- uses -> links --------------------------------------------------------

    def links(self, p: ParsedFile) -> list[Link]:
        """The links of one file's uses, in the order of its facts."""
        out: list[Link] = []
        facts = self.facts.get(p.path)
        if not facts:
            return out
        uses: tuple[tuple[Any, str, str, int, int], ...] = facts[2]  # type: ignore[assignment]
        for use, ns, cls, line, count in uses:
            for target, kind, symbol in self._link(use, p.path, ns, cls):
                if target != p.path:
                    out.append((target, kind, symbol, line, count))
        return out

    def _link(self, use: Any, path: str, ns: str, cls: str) -> list[tuple[str, str, str]]:
        what = use[0]
        context = f"{ns}::{cls}" if ns and cls else ns or cls
        if what in ("type", "inherit"):
            kind = TYPE if what == "type" else INHERIT
            name = (_parts(use[1]) or [""])[-1]
            return [(d.path, kind, name) for d in self.lookup(use[1], path, context, frozenset({"t", "?"}))]
        if what == "ctor":  # a member initializer: a base's constructor, or a field (nothing more)
            member = self.unqualified(use[1], path, ns, cls)
            c = self.class_of(use[1], path, context) if member is None else None
            return [(c.path, CALL, use[1]), (c.path, TYPE, use[1])] if c is not None else []
        if what == "new":
            c = self.class_of(use[1], path, context)
            return [(c.path, CALL, _parts(c.qname)[-1])] if c is not None else []
        if what in ("name", "call") and (what == "name" or use[1] is None):
            name = use[-1]
            member = self.unqualified(name, path, ns, cls)
            if member is not None:
                return [_member_link(member, name)]
            c = self.class_of(name, path, context) if what == "call" else None
            if c is not None:  # Foo(1): a constructor
                return [(c.path, CALL, name)]
            found = self.lookup(name, path, context, _CONSTANTS) or self.lookup(name, path, context, _FREE_NAME)
            return [(d.path, CALL, name) for d in found]
        if what in ("call", "field"):
            member = self.member(self.type_of(use[1], path, ns, cls), use[2])
            return [_member_link(member, use[2])] if member is not None else []
        if what == "qual":
            return self._qualified(use[1], use[2], path, context)
        return []

    def _qualified(self, qual: str, name: str, path: str, context: str) -> list[tuple[str, str, str]]:
        """``A::m``: the class ``A`` and its member; ``ns::f``: the free declarations of ``f`` in ``ns``."""
        owner = self.class_of(qual, path, context)
        if owner is not None:
            out = [(owner.path, TYPE, _parts(owner.qname)[-1])]
            member = self.member(owner, name)
            if member is not None:
                out.append(_member_link(member, name))
            return out
        made = self.class_of(f"{qual}::{name}", path, context)
        if made is not None:
            return [(made.path, CALL, name)]
        return [(d.path, CALL, name) for d in self.lookup(f"{qual}::{name}", path, context, _FREE_NAME)]


def _member_link(member: tuple[_Class, str, str], name: str) -> tuple[str, str, str]:
    """The ``call`` link of a member: named by itself, a field by its class (fields are no symbols)."""
    owner, kind, _ = member
    return owner.path, CALL, _parts(owner.qname)[-1] if kind == "f" else name


def typed_links(parsed: Sequence[ParsedFile], index: RepoIndex) -> CppLinker:
    """The linker over every C++ file (``LanguageSpec.typed_links``)."""
    return CppLinker(parsed, index)

"""Rust's method calls by the receiver's type: the facts of ``rust_types`` -> (target, call, m, line, count).

A method call ``x.m()`` links to the file of the ``impl`` block of ``x``'s type that defines ``m``
(inherent or of a trait; a trait's default method: the trait's file), wherever the crate declares it:
Rust needs no ``use`` for an inherent method.  The receiver's type is a local's or a parameter's
annotation, a constructor's (``Foo { .. }``, ``Foo::new()``: an associated function returning ``Self``),
``self`` in an ``impl``, a struct field's declared type, or what a method returns.  A receiver of
unknown type links nothing: never every file defining a method of the name (the by-name pass, which
keeps every other name, no longer sees method calls: the queries capture none).  Types are known by
their name in the repository: of two types of one name with the method (regex-syntax's two
``ParserBuilder``), the impl nearest the caller's directory wins, both when equally near.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analyzer.domain import CALL, ParsedFile, RepoIndex
from analyzer.static.languages.base import nearest

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
_MAX_HOPS = 12
#: what ``#[derive(Default, Clone)]`` gives a type: these return ``Self`` without an impl in the repository
_SELF_RETURNING = frozenset({"default", "clone", "to_owned"})


class RustLinker:
    """Every impl, trait and struct of the repository by type name."""

    def __init__(self, parsed: Sequence[ParsedFile]) -> None:
        self.facts = {p.path: p.facts for p in parsed if p.facts}
        #: type -> [(file, trait, {method: return type})]
        self.impls: dict[str, list[tuple[str, str, dict[str, str]]]] = {}
        self.defaults: dict[str, list[tuple[str, frozenset[str]]]] = {}  # trait -> [(file, default methods)]
        self.fields: dict[str, dict[str, str]] = {}  # struct -> {field: type} (one struct of the name)
        shared: set[str] = set()
        for path, facts in sorted(self.facts.items()):
            impls: Any
            traits: Any
            structs: Any
            impls, traits, structs, _ = facts
            for type_, trait, methods in impls:
                self.impls.setdefault(type_, []).append((path, trait, dict(methods)))
            for name, defaults in traits:
                self.defaults.setdefault(name, []).append((path, frozenset(defaults)))
            for name, fields in structs:
                if name in self.fields:
                    shared.add(name)
                self.fields[name] = dict(fields)
        for name in shared:  # two structs of one name: their fields' types are not known
            del self.fields[name]
        self._memo: dict[tuple[Any, ...], str | None] = {}

    def methods(self, type_: str, name: str) -> list[tuple[str, str]]:
        """(file, return type) of each inherent impl of ``type_`` defining ``name``, else of each trait
        impl, else of each trait it implements whose default method it is."""
        impls = self.impls.get(type_, ())
        found = [(path, methods[name]) for path, trait, methods in impls if name in methods and not trait]
        found = found or [(path, methods[name]) for path, _, methods in impls if name in methods]
        if found:  # an inherent method before a trait's of the same name, as the compiler picks
            return found
        traits = {trait for _, trait, _ in self.impls.get(type_, ()) if trait}
        return [(path, "") for t in sorted(traits) for path, defaults in self.defaults.get(t, ()) if name in defaults]

    def type_of(self, recv: Any, scope: str, hops: int = 0) -> str | None:
        """The type name of a receiver expression; None when not known."""
        if recv is None or hops > _MAX_HOPS:
            return None
        key = (recv, scope)
        if key not in self._memo:
            self._memo[key] = None
            self._memo[key] = self._type_of(recv, scope, hops)
        return self._memo[key]

    def _type_of(self, recv: Any, scope: str, hops: int) -> str | None:
        what = recv[0]
        if what == "t":
            return str(recv[1]) if recv[1] in self.impls or recv[1] in self.fields else None
        if what == "self":
            return scope or None
        if what == "f":
            inner = self.type_of(recv[1], scope, hops + 1)
            found = self.fields.get(inner or "", {}).get(recv[2])
            return found if found and (found in self.impls or found in self.fields) else None
        if what in ("m", "qm"):
            owner = self.type_of(recv[1], scope, hops + 1) if what == "m" else recv[1]
            if owner and recv[2] in _SELF_RETURNING and not self.methods(owner, recv[2]):
                return owner if owner in self.impls or owner in self.fields else None  # derived
            returns = {ret for _, ret in self.methods(owner, recv[2])} if owner else set()
            ret = returns.pop() if len(returns) == 1 else ""
            return ret if ret and (ret in self.impls or ret in self.fields) else None
        return None

    def links(self, p: ParsedFile) -> list[Link]:
        """The links of one file's method calls, in the order of its facts."""
        out: list[Link] = []
        facts = self.facts.get(p.path)
        if not facts:
            return out
        for use, scope, line, count in facts[3]:  # type: ignore[attr-defined]
            type_ = self.type_of(use[1], scope)
            targets = tuple(sorted({f for f, _ in self.methods(type_, use[2])})) if type_ else ()
            for target in nearest(p.path, targets):  # two types of one name: the one nearest the caller
                if target != p.path:
                    out.append((target, CALL, use[2], line, count))
        return out


def typed_links(parsed: Sequence[ParsedFile], index: RepoIndex) -> RustLinker:
    """The method-call linker over every Rust file (``LanguageSpec.typed_links``)."""
    return RustLinker(parsed)

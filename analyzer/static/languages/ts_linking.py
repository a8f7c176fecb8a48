"""TypeScript's type-aware reference pass: the facts of ``ts_types`` -> (target, kind, symbol, line, count).

A name is looked up as the compiler binds it: a local hides everything; else the file's own
declarations, then its imports, each followed to the file that declares it (through ``export {a as
b} from``, ``export * from`` and namespace re-exports of barrel files, as far as they reach).  A
member (``x.size()``, ``x.count``) links to the file of the class or interface that declares it,
found from the receiver's type up the repository's hierarchy (``extends`` / ``implements``); the
type comes from annotations, ``new T()``, ``this``, ``as T``, fields and the return types of the
repository's own functions and methods.  A receiver whose type is not known (an untyped callback
parameter, a chain through a library's type) links nothing: never every class that defines the name.

Kinds: ``type`` for a name in a type position, ``inherit`` for a supertype, ``call`` for every
other use (a call, a ``new``, a member, a value).  A file without facts (JavaScript, Vue) that a
TypeScript file imports is linked by the names it is imported for, without types.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.domain import CALL, INHERIT, TYPE, ImportRef, ParsedFile, RepoIndex
from analyzer.static.languages.javascript import resolve_import

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
#: a declaration: (file, file-level name); a name the file has no facts for is opaque (no type)
Decl = tuple[str, str]
_MAX_HOPS = 24
_NAMESPACE = "*"


@dataclass(slots=True)
class _File:
    imports: dict[str, tuple[str, str]]  # local -> (module, imported)
    exports: dict[str, tuple[str, str]]  # exported -> (module or "", name there)
    stars: list[str]  # modules of ``export * from``
    decls: dict[str, tuple[str, Any]]  # name -> (kind, recv)
    classes: dict[str, tuple[tuple[str, ...], dict[str, Any], dict[str, Any]]]  # name -> (supers, fields, methods)
    signatures: dict[tuple[str, str], tuple[Any, ...]]  # (class or "", function) -> parameter types


class TypeScriptLinker:
    """Every TypeScript file's declarations, imports and exports; links one file at a time."""

    def __init__(self, parsed: Sequence[ParsedFile], index: RepoIndex) -> None:
        self.index = index
        self.files: dict[str, _File] = {}
        for p in parsed:
            if p.facts:
                self.files[p.path] = _read(p.facts)
        self._modules: dict[tuple[str, str], str | None] = {}
        self._exports: dict[tuple[str, str], Decl | None] = {}
        self._types: dict[tuple[str, str], Decl | None] = {}
        self._recv: dict[tuple[Any, str, str], tuple[Decl, int] | None] = {}

    # --- names ----------------------------------------------------------------

    def module(self, path: str, spec: str) -> str | None:
        """The file an import of ``spec`` in ``path`` resolves to (None: external or unresolved)."""
        key = (path, spec)
        if key not in self._modules:
            found = resolve_import(ImportRef(path, spec, (), 0, "import"), self.index)
            self._modules[key] = found.targets[0] if found.targets else None
        return self._modules[key]

    def binding(self, path: str, name: str) -> Decl | None:
        """What a name that no local hides stands for in ``path``: its declaration (``(file, "*")``
        for a namespace import), None for a global or a library's name."""
        f = self.files.get(path)
        if f is None:
            return None
        if name in f.decls or name in f.classes:
            return (path, name)
        imported = f.imports.get(name)
        if imported is None:
            return None
        target = self.module(path, imported[0])
        if target is None:
            return None
        return (target, _NAMESPACE) if imported[1] == _NAMESPACE else self.export(target, imported[1])

    def export(self, path: str, name: str, hops: int = 0) -> Decl | None:
        """The declaration that ``path`` exports as ``name``, through re-exports."""
        key = (path, name)
        if key in self._exports:
            return self._exports[key]
        self._exports[key] = None  # a cycle of re-exports ends here
        found = self._export(path, name, hops)
        self._exports[key] = found
        return found

    def _export(self, path: str, name: str, hops: int) -> Decl | None:
        f = self.files.get(path)
        if f is None:
            return (path, name)  # JavaScript and the like: the file, without types
        entry = f.exports.get(name)
        if entry is not None:
            module, local = entry
            if not module:
                return self.binding(path, local) if local else (path, name)
            target = self.module(path, module)
            if target is None or hops > _MAX_HOPS:
                return None
            return (target, _NAMESPACE) if local == _NAMESPACE else self.export(target, local, hops + 1)
        if name in f.decls or name in f.classes:
            return (path, name)
        if name == "default" or hops > _MAX_HOPS:
            return None
        for module in f.stars:
            target = self.module(path, module)
            found = self.export(target, name, hops + 1) if target is not None else None
            if found is not None:
                return found
        return None

    def resolve_type(self, path: str, written: str) -> Decl | None:
        """The declaration a type as written in ``path`` names (``A``, ``ns.A``; ``[]`` ignored)."""
        written = written.replace("[]", "")
        key = (path, written)
        if key not in self._types:
            self._types[key] = None
            head, _, rest = written.partition(".")
            found = self.binding(path, head)
            for part in rest.split(".") if rest else ():
                found = self.export(found[0], part) if found is not None and found[1] == _NAMESPACE else None
            self._types[key] = found
        return self._types[key]

    # --- types ------------------------------------------------------------------

    def kind(self, decl: Decl) -> tuple[str, Any]:
        f = self.files.get(decl[0])
        if f is None:
            return ("", None)
        if decl[1] in f.classes and decl[1] not in f.decls:
            return ("class", None)
        return f.decls.get(decl[1], ("", None))

    def hierarchy(self, decl: Decl) -> Iterator[tuple[Decl, tuple[Any, ...]]]:
        """``decl``'s class or interface and its supertypes in the repository, nearest first."""
        seen: set[Decl] = set()
        todo = [decl]
        while todo and len(seen) < _MAX_HOPS:
            d = todo.pop(0)
            if d in seen:
                continue
            seen.add(d)
            f = self.files.get(d[0])
            c = f.classes.get(d[1]) if f is not None else None
            if c is None:
                continue
            yield d, c
            todo.extend(s for s in (self.resolve_type(d[0], w) for w in c[0]) if s is not None)

    def member(self, decl: Decl, name: str) -> tuple[Decl, Any, bool] | None:
        """(the class declaring member ``name``, its receiver, whether it is a method)."""
        for d, (_, fields, methods) in self.hierarchy(decl):
            if name in fields:
                return d, fields[name], False
            if name in methods:
                return d, methods[name], True
        return None

    def type_of(self, recv: Any, path: str, scope: str, hops: int = 0) -> tuple[Decl, int] | None:
        """(declaration, array dimensions) of a receiver expression; None when not known."""
        if recv is None or hops > _MAX_HOPS:
            return None
        key = (recv, path, scope)
        if key in self._recv:
            return self._recv[key]
        self._recv[key] = None
        out = self._type_of(recv, path, scope, hops)
        self._recv[key] = out
        return out

    def _value(self, decl: Decl | None, hops: int) -> tuple[Decl, int] | None:
        """The type of a file-level name used as a value: a class itself, a variable's type."""
        if decl is None:
            return None
        if decl[1] == _NAMESPACE:
            return decl, 0
        kind, recv = self.kind(decl)
        if kind in ("class", "enum", "namespace"):
            return decl, 0
        return self.type_of(recv, decl[0], "", hops + 1) if kind == "variable" else None

    def _resolved(self, decl: Decl | None, dims: int, hops: int) -> tuple[Decl, int] | None:
        """A type declaration with aliases followed (``type Repo = UserRepository``)."""
        while decl is not None and hops < _MAX_HOPS:
            kind, recv = self.kind(decl)
            if kind != "alias":
                return decl, dims
            if recv is None:
                return None
            dims += recv[1].count("[]")
            decl, hops = self.resolve_type(decl[0], recv[1]), hops + 1
        return None

    def signature(self, callee: Any, path: str, scope: str, hops: int) -> tuple[tuple[Any, ...], Decl] | None:
        """(parameter types, (file, class or "")) of what a call or ``new`` calls."""
        if callee[0] == "new":
            resolved = self._resolved(self.resolve_type(path, callee[1]), 0, hops)
            if resolved is None:
                return None
            for (file, name), _ in self.hierarchy(resolved[0]):
                found = self._params(file, name, "constructor")
                if found is not None:
                    return found
            return None
        if callee[0] == "c":
            decl = self.binding(path, callee[1])
            return self._params(decl[0], "", decl[1]) if decl is not None else None
        inner = self.type_of(callee[1], path, scope, hops + 1)
        if inner is None or inner[1]:
            return None
        if inner[0][1] == _NAMESPACE:
            decl = self.export(inner[0][0], callee[2])
            return self._params(decl[0], "", decl[1]) if decl is not None else None
        member = self.member(inner[0], callee[2])
        return self._params(member[0][0], member[0][1], callee[2]) if member is not None else None

    def _params(self, path: str, owner: str, name: str) -> tuple[tuple[Any, ...], Decl] | None:
        f = self.files.get(path)
        params = f.signatures.get((owner, name)) if f is not None else None
        return (params, (path, owner)) if params is not None else None

    def _parameter(self, recv: Any, path: str, scope: str, hops: int) -> tuple[Decl, int] | None:
        """``("a", callee, i, j)``: the type of parameter j of the callback that parameter i takes."""
        found = self.signature(recv[1], path, scope, hops)
        if found is None or recv[2] >= len(found[0]):
            return None
        declared = found[0][recv[2]]
        if declared is None or declared[0] != "fn" or recv[3] >= len(declared[1]):
            return None
        return self.type_of(declared[1][recv[3]], found[1][0], found[1][1], hops + 1)

    def _type_of(self, recv: Any, path: str, scope: str, hops: int) -> tuple[Decl, int] | None:
        what = recv[0]
        if what == "t":
            return self._resolved(self.resolve_type(path, recv[1]), recv[1].count("[]"), hops)
        if what == "this":
            f = self.files.get(path)
            return ((path, scope), 0) if f is not None and scope in f.classes else None
        if what == "super":
            f = self.files.get(path)
            c = f.classes.get(scope) if f is not None else None
            return self._resolved(self.resolve_type(path, c[0][0]), 0, hops) if c and c[0] else None
        if what == "n":
            return self._value(self.binding(path, recv[1]), hops)
        if what == "c":
            decl = self.binding(path, recv[1])
            kind, returns = self.kind(decl) if decl is not None else ("", None)
            return self.type_of(returns, decl[0], "", hops + 1) if decl is not None and kind == "function" else None
        if what == "e":
            inner = self.type_of(recv[1], path, scope, hops + 1)
            return (inner[0], inner[1] - 1) if inner and inner[1] > 0 else None
        if what == "a":
            return self._parameter(recv, path, scope, hops)
        inner = self.type_of(recv[1], path, scope, hops + 1)
        if inner is None or inner[1]:
            return None
        if inner[0][1] == _NAMESPACE:
            decl = self.export(inner[0][0], recv[2])
            if what == "f":
                return self._value(decl, hops)
            kind, returns = self.kind(decl) if decl is not None else ("", None)
            return self.type_of(returns, decl[0], "", hops + 1) if decl is not None and kind == "function" else None
        found = self.member(inner[0], recv[2])
        if found is None or found[2] != (what == "m"):
            return None
        return self.type_of(found[1], found[0][0], found[0][1], hops + 1)

    # --- uses -> links -------------------------------------------------------------

    def links(self, p: ParsedFile) -> list[Link]:
        """The links of one file's uses, in the order of its facts.

        An edge's symbol is a name its target defines (``RepoIndex.defined``): the member or name
        used, else the class or interface declaring it (a field: ``User.id`` gives ``User``), else
        the name it was declared under.  A module namespace (``import * as ns``, ``export * as ns
        from``) names its file itself, as the compiler binds it: a link with no symbol, also for the
        head of a qualified type (``ns.T``).  A JavaScript file's name it does not define gives no link."""
        out: list[Link] = []
        if not p.facts:
            return out
        uses: tuple[tuple[Any, str, int, int], ...] = p.facts[4]  # type: ignore[assignment]
        for use, scope, line, count in uses:
            found = self._link(use, p.path, scope)
            if use[0] in ("type", "inherit") and "." in use[1]:
                head = self.binding(p.path, use[1].partition(".")[0])
                if head is not None and head[1] == _NAMESPACE and head[0] != p.path:
                    out.append((head[0], TYPE if use[0] == "type" else INHERIT, "", line, count))
            if found is None or found[0] == p.path:
                continue
            defined = self.index.defined.get(found[0], frozenset())
            symbol = next((n for n in found[2] if n in defined), "" if self._declares(found) else None)
            if symbol is not None:
                out.append((found[0], found[1], symbol, line, count))
        return out

    def _declares(self, found: tuple[str, str, tuple[str, ...]]) -> bool:
        """Whether a link that names no symbol of its target still names something the target
        declares: a module namespace (the file itself), or a TypeScript file's own declaration that
        is no symbol (``export const paths = {...}``, a destructured ``export const {a, b} = ...``, an
        ``export default`` of an expression)."""
        name = found[2][-1]
        f = self.files.get(found[0])
        if name == _NAMESPACE or f is None:
            return name == _NAMESPACE
        return name in f.decls or name in f.classes or (name == "default" and "default" in f.exports)

    def _link(self, use: Any, path: str, scope: str) -> tuple[str, str, tuple[str, ...]] | None:
        """(target file, kind, the symbols it may be named by, best first) of one use."""
        what = use[0]
        if what in ("type", "inherit"):
            decl = self.resolve_type(path, use[1])
            kind = TYPE if what == "type" else INHERIT
            return (decl[0], kind, (use[1].rsplit(".", 1)[-1], decl[1])) if decl else None
        if what in ("name", "tname"):
            decl = self.binding(path, use[1])
            return (decl[0], CALL if what == "name" else TYPE, (use[1], decl[1])) if decl else None
        if what == "member":
            inner = self.type_of(use[1], path, scope)
            if inner is None or inner[1]:
                return None
            if inner[0][1] == _NAMESPACE:
                decl = self.export(inner[0][0], use[2])
                return (decl[0], CALL, (use[2], decl[1])) if decl else None
            found = self.member(inner[0], use[2])
            return (found[0][0], CALL, (use[2], found[0][1])) if found else None
        return None


def _read(facts: tuple[Any, ...]) -> _File:
    imports, exports, decls, classes, _, signatures = facts
    f = _File({}, {}, [], {}, {}, dict(signatures))
    for local, module, imported in imports:
        f.imports.setdefault(local, (module, imported))
    for exported, module, local in exports:
        if exported == _NAMESPACE and local == _NAMESPACE:
            f.stars.append(module)
        else:
            f.exports.setdefault(exported, (module, local))
    for name, kind, recv in decls:
        f.decls[name] = (kind, recv)
    for name, supers, fields, methods in classes:
        f.classes.setdefault(name, (tuple(supers), dict(fields), dict(methods)))
    return f


def typed_links(parsed: Sequence[ParsedFile], index: RepoIndex) -> TypeScriptLinker:
    """The linker over every TypeScript and TSX file (``LanguageSpec.typed_links``)."""
    return TypeScriptLinker(parsed, index)

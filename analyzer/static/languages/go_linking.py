"""Go's type-aware reference pass: the facts of ``go_types`` -> (target, kind, symbol, line, count).

A name is looked up as the compiler binds it: a local hides everything; else the package's own
declarations (a file of package ``p`` in directory ``d`` sees every file of ``d:p``; a non-test file
never a ``_test.go`` one), then its dot imports; ``pkg.X`` in the package an import names.  A member
(``x.M()``, ``x.f``) links to the file declaring the method or field of x's type, found through
embedded structs and interfaces (promoted members, shallowest first); an interface's method to the
interface's file.  x's type comes from the facts' receivers: declared types, results of the
project's own functions and methods by position, literals, conversions, ``new``, assertions, type
switches, elements of slices, maps and channels.  A receiver whose type is not known (a library's,
a type parameter without a named constraint) links nothing: never every type defining the name.

Kinds: ``type`` for a type name (in a type, a conversion or a literal), ``inherit`` for an embedded
type, ``call`` for every other use (a function, a method, a field, a variable or a constant).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.domain import CALL, INHERIT, TYPE, ImportRef, ParsedFile, RepoIndex
from analyzer.static.languages._go_syntax import GoType, element, import_alias
from analyzer.static.languages.base import ImportResolver

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
_TEST = "_test.go"
_MAX_DEPTH = 48
_MAX_EMBEDDING = 6


@dataclass(frozen=True, slots=True)
class _Decl:
    """A package-level declaration: its file and what it is (``type``, ``func``, ``value``)."""

    path: str
    kind: str
    detail: Any  # type: (underlying, fields, embeds, methods); func: results; value: (type, recv)


@dataclass(slots=True)
class _File:
    directory: str
    package: str  # the package's key: "dir:name"
    imports: dict[str, str]  # name -> import path ("." entries: dot imports, by path)
    dots: list[str]
    uses: tuple[tuple[Any, int, int], ...]


class GoLinker:
    """Every Go file's declarations by package; links one file at a time."""

    def __init__(self, parsed: Sequence[ParsedFile], index: RepoIndex, resolve_import: ImportResolver) -> None:
        self.index = index
        self.resolve_import = resolve_import
        self.files: dict[str, _File] = {}
        #: package key -> name -> its declarations (test files last)
        self.decls: dict[str, dict[str, list[_Decl]]] = {}
        #: (package key, type name) -> method name -> its declarations
        self.methods: dict[tuple[str, str], dict[str, list[_Decl]]] = {}
        #: directory -> the key of the package its non-test files hold
        self.importable: dict[str, str] = {}
        names: dict[str, dict[str, int]] = {}
        for p in sorted(parsed, key=lambda q: (q.path.endswith(_TEST), q.path)):
            if len(p.facts) != 6:
                continue
            package, imports, types, funcs, values, uses = _read(p.facts)
            directory = posixpath.dirname(p.path)
            key = f"{directory}:{package}"
            dots = [path for name, path in imports if name == "."]
            named = {name or import_alias(path): path for name, path in imports if name not in (".", "_")}
            self.files[p.path] = _File(directory, key, named, dots, uses)
            table = self.decls.setdefault(key, {})
            for name, underlying, fields, embeds, methods in types:
                table.setdefault(name, []).append(_Decl(p.path, "type", (underlying, fields, embeds, methods)))
            for owner, name, results in funcs:
                into = self.methods.setdefault((key, owner), {}) if owner else table
                into.setdefault(name, []).append(_Decl(p.path, "func", results))
            for name, t, recv in values:
                table.setdefault(name, []).append(_Decl(p.path, "value", (t, recv)))
            if not p.path.endswith(_TEST):
                counts = names.setdefault(posixpath.dirname(p.path), {})
                counts[package] = counts.get(package, 0) + 1
        for directory, counts in names.items():
            library = {n: c for n, c in counts.items() if n != "main"} or counts
            best = max(library.items(), key=lambda kv: (kv[1], kv[0]))[0]
            self.importable[directory] = f"{directory}:{best}"
        self._dirs: dict[tuple[str, str], str | None] = {}
        self._memo: dict[tuple[str, Any], Any] = {}

    # --- names ----------------------------------------------------------------

    def links(self, parsed: ParsedFile) -> list[Link]:
        """The file's uses of other files' declarations, merged per (target, kind, symbol)."""
        f = self.files.get(parsed.path)
        if f is None:
            return []
        found: dict[tuple[str, str, str], list[int]] = {}
        for use, line, count in f.uses:
            for target, kind, symbol in self._targets(parsed.path, use):
                if target != parsed.path:
                    entry = found.setdefault((target, kind, symbol), [line, 0])
                    entry[0] = min(entry[0], line)
                    entry[1] += count
        return [(t, k, s, v[0], v[1]) for (t, k, s), v in sorted(found.items())]

    def _targets(self, path: str, use: Any) -> list[tuple[str, str, str]]:
        tag = use[0]
        if tag == "v":
            return [(d.path, TYPE if d.kind == "type" else CALL, use[1]) for d in self.lookup(path, use[1])]
        if tag == "q":
            return [(d.path, TYPE if d.kind == "type" else CALL, use[2]) for d in self.qualified(path, use[1], use[2])]
        if tag in ("tn", "inh"):
            kind = INHERIT if tag == "inh" else TYPE
            found = self.qualified(path, use[1], use[2]) if use[1] else self.lookup(path, use[2])
            types = [d for d in found if d.kind == "type"]
            if tag == "tn" and not types:  # a generic function's call F[T](x), read as a conversion
                return [(d.path, CALL, use[2]) for d in found if d.kind == "func"]
            return [(d.path, kind, use[2]) for d in types]
        if tag == "member":
            return self._member_link(self.member(self.value(path, use[1]), use[2]), use[2])
        if tag == "key":
            t = self.resolve(path, use[1])
            if self.is_struct(t):
                return self._member_link(self.member(("T", t), use[2]), use[2])
            return self._targets(path, ("v", use[2]))
        return []

    def _member_link(self, member: tuple[str, Any, str] | None, name: str) -> list[tuple[str, str, str]]:
        """The edge of a member: named by the member when its file defines it as a symbol (a method),
        else by the type declaring it (a field, an interface's method)."""
        if member is None or not member[2]:  # an inline struct's field: no name to give the edge
            return []
        return [(member[0], CALL, name if name in self.index.defined.get(member[0], ()) else member[2])]

    def lookup(self, path: str, name: str) -> list[_Decl]:
        """The declarations an unqualified package-level name of ``path`` stands for."""
        f = self.files[path]
        found = self.visible(f.package, name, path.endswith(_TEST))
        if found:
            return found
        for dot in f.dots:
            key = self.package_of(path, dot)
            found = self.visible(key, name, False) if key else []
            if found:
                return found
        return []

    def qualified(self, path: str, alias: str, name: str) -> list[_Decl]:
        """The declarations ``alias.name`` stands for in ``path``."""
        f = self.files.get(path)
        spec = f.imports.get(alias) if f is not None else None
        key = self.package_of(path, spec) if spec is not None else None
        if f is None or key is None:
            return []
        return self.visible(key, name, path.endswith(_TEST) and key.startswith(f.directory + ":"))

    def visible(self, key: str, name: str, from_test: bool) -> list[_Decl]:
        found = self.decls.get(key, {}).get(name, [])
        return found if from_test else [d for d in found if not d.path.endswith(_TEST)]

    def package_of(self, path: str, spec: str) -> str | None:
        """The key of the package an import path names from ``path`` (None: not the repository's)."""
        key = (path, spec)
        if key not in self._dirs:
            found = self.resolve_import(ImportRef(path, spec, (), 0, "import"), self.index)
            directory = posixpath.dirname(found.targets[0]) if found.targets else None
            self._dirs[key] = self.importable.get(directory) if directory is not None else None
        return self._dirs[key]

    # --- types ----------------------------------------------------------------

    def resolve(self, path: str, t: GoType) -> Any:
        """A type of ``path``'s facts with its names resolved: ``("N", package key, name)``
        for a declared type, ``("F", path, results)`` for a function type; None when unknown."""
        if t is None:
            return None
        tag = t[0]
        if tag == "n":
            found = self.qualified(path, t[1], t[2]) if t[1] else self.lookup(path, t[2])
            decl = next((d for d in found if d.kind == "type"), None)
            if decl is None:
                return None
            return ("N", self.files[decl.path].package, t[2])
        if tag == "m":
            return ("m", self.resolve(path, t[1]), self.resolve(path, t[2]))
        if tag == "f":
            return ("F", path, t[1])
        if tag == "o":
            return ("O", path, t[1], t[2])
        if tag == "e":  # the element of a named slice, array or map type (an elided literal's)
            return element(self.underlying(self.resolve(path, t[1])))
        inner = self.resolve(path, t[1])
        return (tag, inner) if inner is not None else None

    def type_decl(self, t: Any) -> _Decl | None:
        while t is not None and t[0] == "p":
            t = t[1]
        if t is None or t[0] != "N":
            return None
        return next((d for d in self.decls.get(t[1], {}).get(t[2], []) if d.kind == "type"), None)

    def underlying(self, t: Any, depth: int = 0) -> Any:
        """The type a declared type is defined as (followed through named types), resolved; a
        declared struct's is ``("o", (), ())`` (its fields are the declaration's)."""
        decl = self.type_decl(t)
        if decl is None or depth > _MAX_EMBEDDING:
            return t
        if decl.detail[0] is not None and decl.detail[0][0] == "o":
            return decl.detail[0]
        inner = self.resolve(decl.path, decl.detail[0])
        return self.underlying(inner, depth + 1) if inner is not None and inner[0] == "N" else inner

    def is_struct(self, t: Any) -> bool:
        """Whether a type is a struct type (``type A B`` followed to B)."""
        t = self.underlying(t)
        return t is not None and t[0] in ("o", "O")

    def member(self, value: Any, name: str) -> tuple[str, Any, str] | None:
        """(declaring file, value, declaring type) of field or method ``name`` of a value's type, through embedding."""
        if value is None or value[0] not in ("T", "ty"):
            return None
        level = [value[1]]
        seen: set[Any] = set()
        for _ in range(_MAX_EMBEDDING):
            following: list[Any] = []
            for t in level:
                found = self._own_member(t, name, seen, following)
                if found is not None:
                    return found
            if not following:
                return None
            level = following
        return None

    def _own_member(self, t: Any, name: str, seen: set[Any], following: list[Any]) -> tuple[str, Any, str] | None:
        while t is not None and t[0] == "p":
            t = t[1]
        if t is None or t in seen or t[0] not in ("N", "O"):
            return None
        seen.add(t)
        if t[0] == "O":  # an inline struct: declared where it is written, by no name
            for field, ft in t[2]:
                if field == name:
                    return t[1], ("T", self.resolve(t[1], ft)), ""
            following.extend(self.resolve(t[1], e) for e in t[3])
            return None
        methods = self.methods.get((t[1], t[2]), {}).get(name)
        if methods:
            return methods[0].path, ("fn", methods[0].path, methods[0].detail), t[2]
        decl = self.type_decl(t)
        if decl is None:
            return None
        underlying, fields, embeds, interface_methods = decl.detail
        for field, ft in fields:
            if field == name:
                return decl.path, ("T", self.resolve(decl.path, ft)), t[2]
        for method, results in interface_methods:
            if method == name:
                return decl.path, ("fn", decl.path, results), t[2]
        following.extend(self.resolve(decl.path, e) for e in embeds)
        if underlying is not None and underlying[0] in ("n", "p"):
            following.append(self.resolve(decl.path, underlying))
        return None

    # --- receivers ------------------------------------------------------------

    def value(self, path: str, recv: Any, depth: int = 0) -> Any:
        """What a receiver of ``path`` evaluates to: ``("T", type)`` a value, ``("ty", type)`` a type,
        ``("fn", file, results)`` a function; None when unknown."""
        if recv is None or depth > _MAX_DEPTH:
            return None
        key = (path, recv)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # a cycle (``var a = b; var b = a``) is unknown
        found = self._value(path, recv, depth + 1)
        self._memo[key] = found
        return found

    def _value(self, path: str, recv: Any, depth: int) -> Any:
        tag = recv[0]
        if tag == "t":
            t = self.resolve(path, recv[1])
            return ("T", t) if t is not None else None
        if tag in ("v", "q"):
            decls = self.lookup(path, recv[1]) if tag == "v" else self.qualified(path, recv[1], recv[2])
            return self._declared(decls[0], recv[-1], depth) if decls else None
        inner = self.value(path, recv[1], depth)
        if inner is None:
            return None
        if tag == "sel":
            found = self.member(inner, recv[2])
            return found[1] if found is not None else None
        if tag == "call":
            return self._called(inner, recv[2])
        if inner[0] != "T":
            return None
        t = self.underlying(inner[1])
        if tag == "elem" or (tag == "rval" and t is not None and t[0] != "c"):
            found = element(t)
        elif tag == "rkey" and t is not None and t[0] in ("m", "c"):
            found = t[1]
        else:
            found = None
        return ("T", found) if found is not None else None

    def _declared(self, decl: _Decl, name: str, depth: int) -> Any:
        if decl.kind == "type":
            return ("ty", ("N", self.files[decl.path].package, name))
        if decl.kind == "func":
            return ("fn", decl.path, decl.detail)
        t, recv = decl.detail
        if t is not None:
            resolved = self.resolve(decl.path, t)
            return ("T", resolved) if resolved is not None else None
        return self.value(decl.path, recv, depth)

    def _called(self, callee: Any, position: int) -> Any:
        if callee[0] == "ty":
            return ("T", callee[1])
        if callee[0] == "T" and callee[1] is not None and callee[1][0] == "F":
            callee = ("fn", callee[1][1], callee[1][2])
        if callee[0] != "fn" or position >= len(callee[2]):
            return None
        t = self.resolve(callee[1], callee[2][position])
        return ("T", t) if t is not None else None


def _read(facts: tuple[object, ...]) -> tuple[str, Any, Any, Any, Any, Any]:
    """The six parts of a file's facts (``go_types.type_facts``)."""
    package, imports, types, funcs, values, uses = facts
    return str(package), imports, types, funcs, values, uses

"""Python's import-bound reference pass: the facts of ``python_types`` -> (target, kind, symbol, line, count).

A name links only through what the file binds: its own module-level definitions (no edge), its
imports with their aliases (``from m import A as B``: ``B`` is ``A`` of m; ``import a.b as c``:
``c`` is the module a.b), and its wildcard imports.  An imported name is followed to the file that
defines it, through the modules that only re-bind it (``from .app import Flask`` in a package's
``__init__.py``) or reach it by ``*``; a package's submodule is a name of the package.

An attribute (``mod.f()``, ``a.b.C``) links when its receiver is a module the file imports (or a
chain of them): never to every imported file that defines the name.  A method links to the file
defining it in the receiver's class chain, for receivers whose class is known from what is written:
``self.m()`` / ``cls.m()`` and ``super().m()`` in a method, ``Foo.m()``, a name bound to ``Foo(...)``
(or annotated ``Foo``) in the same function or at module level, ``self.x.m()`` where a method sets
``self.x = Foo(...)``.  The bases are resolved in the file of each class, as far as the repository
goes.  Any other receiver links nothing.

Kinds: ``inherit`` for a base class, ``call`` for a call, a decorator and a name in an annotation
(Python folds its type uses into ``call``, as its by-name linking did).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from analyzer.domain import CALL, INHERIT, TYPE, ImportRef, ParsedFile, RepoIndex
from analyzer.static.languages.base import ResolvedImport
from analyzer.static.languages.python_types import ATTR, BARE, DOTTED, MODULE, NEW, SELF, SUPER

#: (target file, kind, symbol, first line, count)
Link = tuple[str, str, str, int, int]
#: (file, module-level name); name "" for the module itself
Decl = tuple[str, str]
_KINDS = (CALL, TYPE, INHERIT)  # python_types CALL, TYPE, INHERIT
_MAX_HOPS = 32
_INITS = ("/__init__.py", "/__init__.pyi")


@dataclass(frozen=True, slots=True)
class _File:
    bound: dict[str, list[tuple[str, str]]]  # local -> (module, imported) in order; imported "": the module
    stars: tuple[str, ...]  # modules of ``from m import *``
    plain: frozenset[str]  # the modules ``import a.b.c`` reaches through ``a``: a, a.b, a.b.c
    defs: frozenset[str]
    classes: dict[str, tuple[tuple[str, ...], frozenset[str], dict[str, str]]]  # name -> (bases, members, attrs)
    uses: tuple[tuple[int, int, str, str, str, int, int], ...]
    instances: dict[str, str]  # module-level name -> the class it is bound to, as written


def _read(facts: tuple[Any, ...]) -> _File:
    bindings, defs, classes, uses, instances = facts
    bound: dict[str, list[tuple[str, str]]] = {}
    stars: list[str] = []
    plain: set[str] = set()
    for local, module, imported in bindings:
        if imported == "*":
            stars.append(module)
        elif imported == ".":
            parts = module.split(".")
            plain.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
            bound.setdefault(local, []).append((local, ""))
        else:
            bound.setdefault(local, []).append((module, imported))
            if not imported and local == module:
                plain.add(module)
    return _File(
        bound=bound,
        stars=tuple(stars),
        plain=frozenset(plain),
        defs=frozenset(defs),
        classes={name: (bases, frozenset(members), dict(attrs)) for name, bases, members, attrs in classes},
        uses=uses,
        instances=dict(instances),
    )


class PythonLinker:
    """Every Python file's bindings and classes; links one file at a time."""

    def __init__(
        self,
        parsed: Sequence[ParsedFile],
        index: RepoIndex,
        resolve_import: Callable[[ImportRef, RepoIndex], ResolvedImport],
    ) -> None:
        self.index = index
        self.resolve_import = resolve_import
        self.files = {p.path: _read(p.facts) for p in parsed if p.facts}
        self._modules: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._exports: dict[Decl, Decl | None] = {}
        self._members: dict[tuple[str, str, str], Decl | None] = {}
        #: the chains being resolved now: an instance built from its own attribute (``c = c.attr()``), or
        #: two built from each other, comes back to one of them and ends there (no class)
        self._chains: set[tuple[str, str]] = set()

    def links(self, parsed: ParsedFile) -> list[Link]:
        f = self.files.get(parsed.path)
        if f is None:
            return []
        found: dict[tuple[str, str, str], list[int]] = {}
        for kind, tag, written, name, cls, line, count in f.uses:
            decl = self._link(parsed.path, f, tag, written, name, cls)
            if decl is None or decl[0] == parsed.path or not decl[1]:
                continue
            key = (decl[0], _KINDS[kind], decl[1])
            entry = found.get(key)
            if entry is None:
                found[key] = [line, count]
            else:
                entry[0], entry[1] = min(entry[0], line), entry[1] + count
        return [(t, k, s, line, count) for (t, k, s), (line, count) in sorted(found.items())]

    def _link(self, path: str, f: _File, tag: int, written: str, name: str, cls: str) -> Decl | None:
        if tag == BARE:
            return self.binding(path, name)
        if tag == DOTTED:
            owner = self.chain(path, written)
            if owner is None:
                return None
            return self.export(owner[0], name) if not owner[1] else self.member(self.as_class(owner), name)
        if tag == SELF:
            return self.member((path, cls), name)
        if tag == SUPER:
            return self._in_bases((path, cls), name, 0)
        if tag == MODULE:
            mod_file = self.module_file(path, written)
            return self.export(mod_file, name) if mod_file is not None else None
        if tag == NEW:
            return self.member(self.as_class(self.chain(path, written)), name)
        if tag == ATTR:
            return self.member(self.attribute_class((path, cls), written), name)
        return None

    # --- modules and names ------------------------------------------------------

    def _resolve(self, path: str, module: str, name: str) -> tuple[str, ...]:
        key = (path, module, name)
        if key not in self._modules:
            ref = ImportRef(path, module, (name,) if name else (), 0, "from" if name else "import")
            self._modules[key] = self.resolve_import(ref, self.index).targets
        return self._modules[key]

    def module_file(self, path: str, module: str) -> str | None:
        """The file ``import module`` in ``path`` names (None: external, a namespace folder, unresolved)."""
        targets = self._resolve(path, module, "")
        return targets[0] if targets else None

    def _imported(self, path: str, module: str, imported: str, hops: int) -> Decl | None:
        """What ``from module import imported`` (or ``import module``: imported "") binds in ``path``."""
        mod_file = self.module_file(path, module)
        if not imported:
            return (mod_file, "") if mod_file is not None else None
        sub = [t for t in self._resolve(path, module, imported) if t != mod_file]
        if sub:
            return (sub[0], "")
        return self.export(mod_file, imported, hops + 1) if mod_file is not None else None

    def binding(self, path: str, name: str) -> Decl | None:
        """What a module-level ``name`` stands for in ``path`` (None: a builtin, a library's name)."""
        return self.export(path, name)

    def export(self, path: str, name: str, hops: int = 0) -> Decl | None:
        """The definition that ``name`` of module ``path`` is, through re-bindings and wildcards."""
        key = (path, name)
        if key in self._exports:
            return self._exports[key]
        self._exports[key] = None  # a cycle of re-exports ends here
        found = self._export(path, name, hops) if hops <= _MAX_HOPS else None
        self._exports[key] = found
        return found

    def _export(self, path: str, name: str, hops: int) -> Decl | None:
        f = self.files.get(path)
        if f is None:  # a file without facts: its own module-level names only
            return (path, name) if name in self.index.definitions and path in self.index.definitions[name] else None
        if name in f.defs:
            return (path, name)
        for module, imported in f.bound.get(name, ()):  # the first that resolves: try / except ImportError
            found = self._imported(path, module, imported, hops)
            if found is not None:
                return found
        if path.endswith(_INITS):
            folder = path.rsplit("/", 1)[0]
            for sub in (f"{folder}/{name}.py", f"{folder}/{name}/__init__.py", f"{folder}/{name}.pyi"):
                if sub in self.index.files:
                    return (sub, "")
        for module in f.stars:
            target = self.module_file(path, module)
            found = self.export(target, name, hops + 1) if target is not None else None
            if found is not None:
                return found
        return None

    def chain(self, path: str, written: str) -> Decl | None:
        """The module or definition a chain of names written in ``path`` (``a.b.C``) stands for."""
        key = (path, written)
        if key in self._chains or len(self._chains) > _MAX_HOPS:
            return None
        self._chains.add(key)
        try:
            return self._chain(path, written)
        finally:
            self._chains.discard(key)

    def _chain(self, path: str, written: str) -> Decl | None:
        f = self.files.get(path)
        if f is None:
            return None
        parts = written.split(".")
        current: Decl | None = None
        rest: list[str] = []
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            if prefix in f.plain and parts[0] not in f.defs:
                mod_file = self.module_file(path, prefix)
                if mod_file is not None:
                    current, rest = (mod_file, ""), parts[cut:]
                    break
        if current is None:
            current, rest = self.binding(path, parts[0]), parts[1:]
        for part in rest:
            if current is None:
                return None
            current = self.export(current[0], part) if not current[1] else self.attribute_class(current, part)
        return current

    # --- classes -------------------------------------------------------------

    def as_class(self, decl: Decl | None, depth: int = 0) -> Decl | None:
        """The class ``decl`` is, or the class of the instance it is bound to (``apps = Apps()``)."""
        if decl is None or not decl[1] or depth > _MAX_HOPS:
            return None
        f = self.files.get(decl[0])
        if f is None or decl[1] in f.classes:
            return decl
        written = f.instances.get(decl[1])
        return self.as_class(self.chain(decl[0], written), depth + 1) if written else None

    def attribute_class(self, owner: Decl, attr: str, depth: int = 0) -> Decl | None:
        """The class of attribute ``attr`` of class (or instance) ``owner``: ``objects = Manager()`` in
        its body or ``self.attr = Manager()`` in a method, up its bases."""
        cls = self.as_class(owner)
        f = self.files.get(cls[0]) if cls is not None else None
        entry = f.classes.get(cls[1]) if f is not None and cls is not None else None
        if entry is None or cls is None or depth > _MAX_HOPS:
            return None
        written = entry[2].get(attr)
        if written:
            return self.as_class(self.chain(cls[0], written))
        if attr in entry[1]:
            return None  # a method or an attribute of unknown class
        for base in entry[0]:
            found = self.attribute_class(self.chain(cls[0], base) or ("", ""), attr, depth + 1)
            if found is not None:
                return found
        return None

    def member(self, owner: Decl | None, name: str, depth: int = 0) -> Decl | None:
        """The file (and name) defining member ``name`` of class ``owner``, up its bases."""
        if owner is None:
            return None
        key = (owner[0], owner[1], name)
        if key in self._members:
            return self._members[key]
        self._members[key] = None  # a cycle of bases ends here
        found: Decl | None = None
        f = self.files.get(owner[0])
        entry = f.classes.get(owner[1]) if f is not None else None
        if entry is not None and depth <= _MAX_HOPS:
            found = (owner[0], name) if name in entry[1] else self._in_bases(owner, name, depth)
        self._members[key] = found
        return found

    def _in_bases(self, owner: Decl, name: str, depth: int) -> Decl | None:
        f = self.files.get(owner[0])
        entry = f.classes.get(owner[1]) if f is not None else None
        for base in entry[0] if entry is not None else ():
            decl = self.chain(owner[0], base)
            found = self.member(decl, name, depth + 1) if decl is not None and decl[1] else None
            if found is not None:
                return found
        return None

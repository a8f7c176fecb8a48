"""Run inside bench/_work/venv-jedi: every name a project's Python files use -> the files jedi defines it in.

    venv-jedi/bin/python bench/_jedi_refs.py ROOT PROJECT_DIR OUT.json [SYS_PATH_DIR ...] [--files LIST]

ROOT is the analyzed folder (paths are written relative to it, like the analyzer's); PROJECT_DIR is jedi's
project (its sys.path, with the SYS_PATH_DIRs added: Flask's ``src``); LIST (optional) a file with one path
per line, relative to ROOT, to read only those (the rest of ROOT is still what jedi resolves into).

Each name leaf of each file (parso's tree) that is not a definition is one reference, of one kind:

- ``import``: an import statement: ``import a.b`` -> a/b's file; ``from m import f`` -> m's file, or f's
  own file when f is a submodule (jedi's goto on the module and on the imported name);
- ``inherit``: the class a base-class expression names (``class A(b.Base)``: ``Base``; ``Base[T]``: ``Base``);
- ``call``: the callee of a call (``f()``, ``a.b.f()``: ``f``) or a decorator (``@f``, ``@a.f(...)``);
- ``type``: a name in an annotation (parameter, return, ``x: T``) that is not a receiver (``t.Optional``:
  ``Optional``, not ``t``);
- ``name``: any other use: reads (``mod.CONST``, ``isinstance(x, Foo)``, ``raise E``), receivers
  (``mod`` in ``mod.f()``, ``self`` and ``self.app`` in ``self.app.run()``), arguments.

Its targets are ``Script.goto(follow_imports=True)``'s definitions (the file defining the name, past every
re-export) that are files under ROOT; a file's references to itself are dropped.  ``direct`` is 1 when
the name is written bare (``f``) or as an attribute of a module (``mod.f``, ``a.b.f``); 0 when jedi had
to infer the receiver's type (``self.app.run``, ``get_app().run``).

Writes {"jedi": version, "files": n, "references": n, "errors": n, "seconds": s,
"pairs": [[source, target, kind, direct, count, first_line, first_name], ...],
"names": [[source, kind, name, count, [internal targets]], ...]} (names for call / type / inherit only).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jedi
import parso
from parso.python import tree

#: the kinds whose names are also written per name (the analyzer links these by name)
_BY_NAME = ("call", "type", "inherit")


def _chain_position(leaf: tree.Name) -> tuple[Any, int]:
    """(the atom_expr / power node the name is part of, the index of its element there), or (None, -1)."""
    node = leaf.parent if _is_trailer(leaf.parent, ".") else leaf
    chain = node.parent
    if chain is not None and chain.type in ("atom_expr", "power"):
        return chain, chain.children.index(node)
    return None, -1


def _is_trailer(node: Any, first: str) -> bool:
    return (
        node is not None
        and node.type == "trailer"
        and node.children[0].type == "operator"
        and (node.children[0].value == first)
    )


def _inherit_leaves(module: tree.Module) -> set[tree.Name]:
    """The names base-class expressions name: ``Base``, ``b.Base``, ``Base[T]``."""
    out: set[tree.Name] = set()
    for cls in _walk_type(module, "classdef"):
        bases = cls.get_super_arglist()
        if bases is None:
            continue
        exprs = [c for c in bases.children if c.type != "operator"] if bases.type == "arglist" else [bases]
        for expr in exprs:
            if expr.type == "argument":  # metaclass=..., **kwargs
                continue
            if expr.type == "name":
                out.add(expr)
            elif expr.type in ("atom_expr", "power"):
                parts = list(expr.children)
                if _is_trailer(parts[-1], "[") and len(parts) > 1:
                    parts.pop()
                last = parts[-1]
                if last.type == "name":
                    out.add(last)
                elif _is_trailer(last, "."):
                    out.add(last.children[1])
    return out


def _walk_type(node: Any, kind: str) -> Any:
    return _walk_types(node, (kind,))


def _walk_types(node: Any, kinds: tuple[str, ...]) -> Any:
    """The nodes of these types under ``node``, in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in kinds:
            yield n
        stack.extend(reversed(getattr(n, "children", ())))


def _annotation_leaves(module: tree.Module) -> set[tree.Name]:
    out: set[tree.Name] = set()
    stack = [module]
    while stack:
        n = stack.pop()
        ann = None
        if n.type == "param" or n.type == "funcdef":
            ann = n.annotation
        elif n.type == "annassign":
            ann = n.children[1]
        if ann is not None:
            out.update(x for x in _walk_type(ann, "name"))
        stack.extend(getattr(n, "children", ()))
    return out


def _kind(leaf: tree.Name, inherit: set[tree.Name], annotated: set[tree.Name]) -> str:
    if leaf in inherit:
        return "inherit"
    chain, idx = _chain_position(leaf)
    nxt = chain.children[idx + 1] if chain is not None and idx + 1 < len(chain.children) else None
    if _is_trailer(nxt, "("):
        return "call"
    expr = chain if chain is not None and idx == len(chain.children) - 1 else (leaf if chain is None else None)
    if expr is not None and expr.parent is not None and expr.parent.type == "decorator":
        return "call"
    if leaf in annotated and not _is_trailer(nxt, "."):
        return "type"
    return "name"


def _receiver(leaf: tree.Name) -> tuple[int, int] | None | bool:
    """The start of the name this attribute is read from; False when the name is bare, None when the
    receiver is no name (a call's or a subscript's result, a literal)."""
    chain, idx = _chain_position(leaf)
    if not _is_trailer(leaf.parent, ".") or chain is None:
        return False
    prev = chain.children[idx - 1]
    if prev.type == "name":
        return prev.start_pos
    if _is_trailer(prev, "."):
        return prev.children[1].start_pos
    return None


class Refs:
    def __init__(self, root: Path, project_dir: Path, sys_dirs: list[Path]) -> None:
        self.root = root.resolve()
        # every path resolved: a symlinked sys.path entry that differs from the file's own path makes jedi
        # miss the file's package, and its relative imports fall back to the standard library's modules
        # (sansio/app.py's `from ..logging import create_logger` became the logging module)
        self.project = jedi.Project(project_dir.resolve(), added_sys_path=[str(d.resolve()) for d in sys_dirs])
        self.pairs: dict[tuple[str, str, str, int], list[Any]] = {}
        #: (source, kind, name) -> [count, internal targets] for the kinds the analyzer links by name
        self.by_name: dict[tuple[str, str, str], list[Any]] = {}
        self.names = 0
        self.errors = 0
        self.grammar = parso.load_grammar()

    def _internal(self, path: Any) -> str | None:
        if path is None:
            return None
        p = Path(path)
        if p.suffix not in (".py", ".pyi"):
            return None
        try:
            return p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def _goto(self, script: jedi.Script, pos: tuple[int, int]) -> list[Any]:
        self.names += 1
        try:
            return script.goto(pos[0], pos[1], follow_imports=True)
        except Exception:  # noqa: BLE001 - jedi fails on odd code; the name counts as unresolved
            self.errors += 1
            return []

    def _add(self, src: str, defs: list[Any], kind: str, direct: int, leaf: Any) -> None:
        targets = {self._internal(d.module_path) for d in defs} - {None, src}
        if kind in _BY_NAME:
            entry = self.by_name.setdefault((src, kind, leaf.value), [0, set()])
            entry[0] += 1
            entry[1].update(targets)
        for tgt in sorted(targets):  # type: ignore[type-var]
            entry = self.pairs.setdefault((src, tgt, kind, direct), [0, leaf.start_pos[0], leaf.value])
            entry[0] += 1

    def file(self, rel: str) -> None:
        path = self.root / rel
        code = path.read_text(encoding="utf-8", errors="replace")
        script = jedi.Script(code, path=path, project=self.project)
        module = self.grammar.parse(code)  # the same text jedi parses: positions match
        in_import: set[tree.Name] = set()
        for imp in _walk_types(module, ("import_name", "import_from")):  # in functions too
            in_import.update(_walk_type(imp, "name"))
            self._import(script, rel, imp)
        inherit = _inherit_leaves(module)
        annotated = _annotation_leaves(module)
        resolved_module: dict[tuple[int, int], bool] = {}
        for leaf in _walk_type(module, "name"):
            if leaf in in_import or leaf.is_definition():
                continue
            defs = self._goto(script, leaf.start_pos)
            resolved_module[leaf.start_pos] = any(d.type == "module" for d in defs)
            recv = _receiver(leaf)
            direct = 1 if recv is False or (recv is not None and resolved_module.get(recv, False)) else 0
            self._add(rel, defs, _kind(leaf, inherit, annotated), direct, leaf)

    def _import(self, script: jedi.Script, rel: str, imp: Any) -> None:
        if imp.type == "import_name":
            for path in imp.get_paths():
                self._add(rel, self._goto(script, path[-1].start_pos), "import", 1, path[-1])
            return
        from_names = imp.get_from_names()
        if from_names:
            module_defs = self._goto(script, from_names[-1].start_pos)
        else:  # from . import x: the package itself
            base = (self.root / rel).parent
            for _ in range(imp.level - 1):
                base = base.parent
            init = base / "__init__.py"
            module_defs = [_FileDef(init)] if init.is_file() else []
        if imp.is_star_import():
            self._add(rel, module_defs, "import", 1, imp.children[-1])
            return
        for path in imp.get_paths():
            name = path[-1]
            defs = [d for d in self._goto(script, name.start_pos) if d.type == "module"]
            self._add(rel, defs or module_defs, "import", 1, name)


class _FileDef:
    type = "module"

    def __init__(self, path: Path) -> None:
        self.module_path = path


def main() -> None:
    args = sys.argv[1:]
    files_list = None
    if "--files" in args:
        i = args.index("--files")
        files_list = Path(args[i + 1])
        del args[i : i + 2]
    root, project_dir, out = Path(args[0]), Path(args[1]), Path(args[2])
    # parso's pickled trees in a folder of this run's own: two runs at once never read each other's writes
    jedi.settings.cache_directory = tempfile.mkdtemp(prefix="jedi-refs-")
    refs = Refs(root, project_dir, [Path(a) for a in args[3:]])
    if files_list is not None:
        rels = [line for line in files_list.read_text().splitlines() if line]
    else:
        rels = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    t0 = time.perf_counter()
    for n, rel in enumerate(rels, 1):
        refs.file(rel)
        if n % 50 == 0:
            print(f"{n}/{len(rels)} files, {refs.names} names, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    pairs = [[s, t, k, d, *v] for (s, t, k, d), v in sorted(refs.pairs.items())]
    data = {
        "jedi": version("jedi"),
        "files": len(rels),
        "references": refs.names,
        "errors": refs.errors,
        "seconds": round(time.perf_counter() - t0, 1),
        "pairs": pairs,
        "names": [[s, k, n, v[0], sorted(v[1])] for (s, k, n), v in sorted(refs.by_name.items())],
    }
    out.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    shutil.rmtree(jedi.settings.cache_directory, ignore_errors=True)


if __name__ == "__main__":
    main()

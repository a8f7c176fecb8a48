"""Print every reference clang resolves from one project file to another: ``file<TAB>target<TAB>kind``.

Run with the interpreter of ``bench/_work/venv-clang`` (``pip install libclang==18.1.1``: the wheel
carries libclang.so), never the project's: ``python _clang_refs.py ROOT [-IDIR | -DNAME]...``.  Each
``.cc``/``.cpp``/``.cxx`` file under ROOT is parsed as a translation unit (``-std=c++17``, the
given flags; errors for missing library headers are ignored: clang still resolves
the rest).  Its cursors, and those of the project headers it includes (each header walked in the
first translation unit that reaches it only), are walked; a cursor whose ``referenced`` declaration
lies in another file of ROOT gives a pair.  Kinds: ``import`` (an ``#include``), ``inherit`` (a base
specifier), ``type`` (a type or template named outside a base specifier), ``call`` (a call, member,
declaration or macro reference).  A unit with a fatal error (a header not found: clang compiles
nothing after it) is not walked; the files walked are listed last, as ``#walked<TAB>file``.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import clang.cindex as ci  # type: ignore[import-not-found]

SOURCES = (".cc", ".cpp", ".cxx")
K = ci.CursorKind
CALLS = {
    K.CALL_EXPR,
    K.MEMBER_REF_EXPR,
    K.DECL_REF_EXPR,
    K.MEMBER_REF,
    K.OVERLOADED_DECL_REF,
    K.MACRO_INSTANTIATION,
    K.VARIABLE_REF,
}
TYPES = {K.TYPE_REF, K.TEMPLATE_REF}


def kind_of(cursor: ci.Cursor, parent_kind: ci.CursorKind | None) -> str | None:
    k = cursor.kind
    if k == K.INCLUSION_DIRECTIVE:
        return "import"
    if k == K.CXX_BASE_SPECIFIER:
        return "inherit"
    if k in TYPES:
        return None if parent_kind == K.CXX_BASE_SPECIFIER else "type"
    if k in CALLS:
        return "call"
    return None


@cache
def real(name: str) -> str:
    return os.path.realpath(name)


def target_of(cursor: ci.Cursor) -> str | None:
    if cursor.kind == K.INCLUSION_DIRECTIVE:
        try:
            included = cursor.get_included_file()
        except AssertionError:  # an include clang did not find (a library's header)
            return None
        return real(included.name) if included is not None else None
    ref = cursor.referenced
    if ref is None or ref.location.file is None:
        return None
    return real(ref.location.file.name)


def walk_unit(tu: ci.TranslationUnit, root: str, done: set[str], out: set[tuple[str, str, str]]) -> None:
    """The pairs of one translation unit's cursors in files of ``root`` not walked before."""
    here: set[str] = set()
    stack: list[tuple[ci.Cursor, ci.CursorKind | None]] = [(c, None) for c in tu.cursor.get_children()]
    while stack:
        cursor, parent_kind = stack.pop()
        loc = cursor.location.file
        name = real(loc.name) if loc is not None else None
        if name is None or not name.startswith(root) or (name in done and name not in here):
            continue
        here.add(name)
        kind = kind_of(cursor, parent_kind)
        if kind is not None:
            target = target_of(cursor)
            if target and target != name and target.startswith(root):
                out.add((name[len(root) :], target[len(root) :], kind))
        stack.extend((c, cursor.kind) for c in cursor.get_children())
    done.update(here)


def builtin_headers() -> list[str]:
    """``-isystem`` for the compiler's own headers (``stddef.h``...), which the libclang wheel lacks:
    GCC's, when installed (without them every unit including the C library stops at a fatal error)."""
    found = sorted(Path("/usr/lib/gcc").glob("*/*/include/stddef.h"))
    return ["-isystem", str(found[-1].parent)] if found else []


def main() -> None:
    root = real(sys.argv[1]) + "/"
    args = ["-x", "c++", "-std=c++17", *builtin_headers(), *sys.argv[2:]]
    index = ci.Index.create()
    options = ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
    done: set[str] = set()
    out: set[tuple[str, str, str]] = set()
    for path in sorted(p for p in Path(root).rglob("*") if p.suffix in SOURCES and p.is_file()):
        try:
            tu = index.parse(str(path), args=args, options=options)
        except ci.TranslationUnitLoadError:
            print(f"cannot parse {path}", file=sys.stderr)
            continue
        fatal = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Fatal]
        if fatal:  # a missing header (GoogleTest...): what follows it is not compiled, nothing is walked
            print(f"{path}: {fatal[0]}", file=sys.stderr)
            continue
        walk_unit(tu, root, done, out)
    for row in sorted(out):
        print("\t".join(row))
    for name in sorted(done):
        print(f"#walked\t{name[len(root) :]}")


if __name__ == "__main__":
    main()

"""Python: absolute and relative imports, packages, src/ layouts, namespace packages, TYPE_CHECKING."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import tree_sitter_python
from tree_sitter import Node

from analyzer.domain import ImportRef, ParsedFile, RepoIndex
from analyzer.static.languages.base import (
    KIND_COMPUTED,
    LanguageSpec,
    ResolvedImport,
    ancestor_dirs,
    call_arguments,
    computed_name,
    node_text,
)
from analyzer.static.languages.python_linking import PythonLinker
from analyzer.static.languages.python_types import type_facts

_SOURCE_ROOT_NAMES = ("src", "lib", "python")
#: ``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (any module alias), not negated
_TYPE_CHECKING = re.compile(r"(?:\w+\.)?TYPE_CHECKING")
#: a module name as import_module() takes it: optional leading dots, then dotted identifiers
_DOTTED = re.compile(r"\.*[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
#: what may separate the dots and names of an import statement's module (``from . aix_data import x``)
_BLANKS = re.compile(r"[\s\\]+")


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Set ``kind`` (import | from) and ``type_only`` (inside ``if TYPE_CHECKING:``).

    The module is the dotted name without the blanks Python allows between its tokens
    (``from . aix_data import x``, ``import os . path``, a backslash continuation).

    A call (``import_module("a.b")``, ``__import__("a.b")``) imports like ``import a.b``
    when its first argument is a plain literal; a relative name only with ``__package__``
    as the anchor.  Any other name is built at run time: kind ``computed`` (listed as
    unresolved with the expression as written; never guessed).
    """
    if stmt.type == "call":
        module = _literal_module(stmt)
        if module is None:
            # parse.py reads import calls only when they have an argument
            expression = computed_name(node_text(call_arguments(stmt)[0]))
            return ImportRef(ref.path, expression, (), ref.line, KIND_COMPUTED, _is_type_checking_only(stmt))
        return ImportRef(ref.path, module, (), ref.line, "import", _is_type_checking_only(stmt))
    kind = "from" if stmt.type == "import_from_statement" else "import"
    module = _BLANKS.sub("", ref.module)
    return ImportRef(ref.path, module, ref.names, ref.line, kind, _is_type_checking_only(stmt))


def _literal_module(call: Node) -> str | None:
    """The module name a dynamic-import call names literally, or None."""
    args = call_arguments(call)
    if args[0].type != "string":
        return None
    parts = args[0].named_children
    start = node_text(parts[0]) if parts and parts[0].type == "string_start" else ""
    if any(p.type not in ("string_start", "string_content", "string_end") for p in parts) or "b" in start.lower():
        return None  # interpolated, escaped or bytes
    module = "".join(node_text(p) for p in parts if p.type == "string_content")
    if not _DOTTED.fullmatch(module):
        return None
    if module.startswith("."):
        anchor = args[1] if len(args) > 1 else None
        if anchor is None or anchor.type != "identifier" or node_text(anchor) != "__package__":
            return None
    return module


def _is_type_checking_only(stmt: Node) -> bool:
    """True when ``stmt`` sits in the body (not the else/elif) of ``if [typing.]TYPE_CHECKING:``."""
    child, node = stmt, stmt.parent
    while node is not None:
        if node.type == "if_statement" and child == node.child_by_field_name("consequence"):
            cond = node.child_by_field_name("condition")
            if cond is not None and _TYPE_CHECKING.fullmatch(node_text(cond).strip()):
                return True
        child, node = node, node.parent
    return False


@lru_cache(maxsize=8)
def _source_roots(files: frozenset[str]) -> frozenset[str]:
    """Directories that are source roots.

    A source root is "" (the repository root), a directory named src/lib/python,
    or the parent of a top-level package (a directory with __init__.py whose
    parent has none).
    """
    dirs_with_init = {
        p.rsplit("/", 1)[0] if "/" in p else "" for p in files if p.endswith("/__init__.py") or p == "__init__.py"
    }
    roots = {""}
    for d in dirs_with_init:
        parent = d.rsplit("/", 1)[0] if "/" in d else ""
        if parent not in dirs_with_init:
            roots.add(parent)
    for p in files:
        parts = p.split("/")
        for i, part in enumerate(parts[:-1]):
            if part in _SOURCE_ROOT_NAMES:
                roots.add("/".join(parts[: i + 1]))
    return frozenset(roots)


def _module_file(files: frozenset[str], base: str, dotted: str) -> str | None:
    """File for module ``dotted`` under directory ``base`` (module.py, package/__init__.py)."""
    rel = dotted.replace(".", "/")
    prefix = f"{base}/{rel}" if base else rel
    for cand in (f"{prefix}.py", f"{prefix}/__init__.py", f"{prefix}.pyi", f"{prefix}/__init__.pyi"):
        if cand in files:
            return cand
    return None


def _is_namespace_dir(files: frozenset[str], base: str, dotted: str) -> bool:
    prefix = (f"{base}/" if base else "") + dotted.replace(".", "/")
    return prefix in ancestor_dirs(files)


@lru_cache(maxsize=4096)
def _candidate_roots(importer_dir: str, roots: frozenset[str], files: frozenset[str]) -> tuple[str, ...]:
    """Directories an absolute import from a file in ``importer_dir`` may start from, best first.

    The importer's ancestors count only up to the first package (a directory
    with ``__init__``): Python 3 has no implicit relative imports, so inside a
    package ``import json`` is the standard library, not a sibling json.py.
    Cached per directory: every file of a directory shares the answer.
    """
    ancestors = [""]
    parts = importer_dir.split("/") if importer_dir else []
    for i in range(1, len(parts) + 1):
        d = "/".join(parts[:i])
        if f"{d}/__init__.py" in files or f"{d}/__init__.pyi" in files:
            break
        ancestors.append(d)
    return tuple(sorted(set(ancestors) | roots, key=lambda r: (r not in ancestors, -len(r), r)))


def _resolve_in(
    files: frozenset[str], base: str, module: str, names: tuple[str, ...], is_from: bool
) -> tuple[str, ...] | None:
    """Targets of one import relative to a base directory, or None if nothing matches."""
    targets: list[str] = []
    mod_file = (
        _module_file(files, base, module)
        if module
        else (
            f"{base}/__init__.py"
            if base and f"{base}/__init__.py" in files
            else ("__init__.py" if not base and "__init__.py" in files else None)
        )
    )
    if is_from:
        for name in names:
            if name == "*":
                continue
            sub = _module_file(files, base, f"{module}.{name}" if module else name)
            if sub:
                targets.append(sub)
            elif mod_file:
                targets.append(mod_file)
        if not targets and mod_file:
            targets.append(mod_file)
    elif mod_file:
        targets.append(mod_file)
    if not targets and not (module and _is_namespace_dir(files, base, module)):
        return None
    return tuple(sorted(set(targets)))


def load_config(root: Path, files: frozenset[str]) -> str:
    """The dotted name of the package the analyzed root is ("" when the root is not a package).

    ``analyze ./django`` reads a folder whose ``__init__.py`` makes it the package ``django``: its
    own files import each other as ``django.x``.  A root inside a package (``./django/db``) takes
    its parents' names too, as far up as ``__init__.py`` files go.
    """
    if "__init__.py" not in files and "__init__.pyi" not in files:
        return ""
    names: list[str] = []
    folder = root.resolve()
    while folder.name.isidentifier() and folder.parent != folder:
        names.append(folder.name)
        parent = folder.parent
        if not ((parent / "__init__.py").is_file() or (parent / "__init__.pyi").is_file()):
            break
        folder = parent
    return ".".join(reversed(names))


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    # the answer depends on the importer's directory only: files of a package share it
    module = ref.module
    own = index.config.get("python", "")
    if isinstance(own, str) and own and (module == own or module.startswith(own + ".")):
        inside = module[len(own) + 1 :]
        if inside or ref.kind == "from":
            found = _resolve_in(index.files, "", inside, ref.names, ref.kind == "from")
        else:
            found = _resolve_in(index.files, "", "", (), False)
        if found:
            return ResolvedImport(targets=found)
    return _resolve(ref.path.rpartition("/")[0], module, ref.names, ref.kind == "from", index.files)


@lru_cache(maxsize=65536)
def _resolve(
    importer_dir: str, module: str, names: tuple[str, ...], is_from: bool, files: frozenset[str]
) -> ResolvedImport:
    if module.startswith("."):
        level = len(module) - len(module.lstrip("."))
        rest = module[level:]
        parts = importer_dir.split("/") if importer_dir else []
        if level - 1 > len(parts):
            return ResolvedImport(unresolved="relative import beyond the repository root")
        base_parts = parts[: len(parts) - (level - 1)]
        base = "/".join(base_parts)
        found = _resolve_in(files, base, rest, names, is_from)
        if found is None:
            # a plain module (not a package) answers for the names below it: six.py's six.moves
            prefix_file = _prefix_file(files, base, rest)
            if prefix_file and not prefix_file.rsplit("/", 1)[-1].startswith("__init__."):
                return ResolvedImport(targets=(prefix_file,))
            return ResolvedImport(unresolved="relative import matches no file")
        return ResolvedImport(targets=found) if found else ResolvedImport()
    roots = _source_roots(files)
    top = module.split(".")[0]
    for base in _candidate_roots(importer_dir, roots, files):
        if _module_file(files, base, top) is None and not _is_namespace_dir(files, base, top):
            continue
        found = _resolve_in(files, base, module, names, is_from)
        if found == () and is_from and _names_outside_namespace(files, base, module, names):
            # a namespace package has no attributes but its submodules: names that are none of them
            # come from elsewhere (Redmine's adapters/mercurial/ holds a Mercurial extension whose
            # `from mercurial import cmdutil` means the installed Mercurial)
            continue
        if found is not None:
            return ResolvedImport(targets=found) if found else ResolvedImport()
        # top-level package exists here but the submodule does not: try a deeper prefix
        prefix_file = _prefix_file(files, base, module)
        if prefix_file:
            return ResolvedImport(targets=(prefix_file,))
    return ResolvedImport(external=top)


def _names_outside_namespace(files: frozenset[str], base: str, module: str, names: tuple[str, ...]) -> bool:
    """Whether ``from module import names`` names something, and nothing a namespace directory holds."""
    named = [n for n in names if n != "*"]
    return bool(named) and not any(_is_namespace_dir(files, base, f"{module}.{n}") for n in named)


def _prefix_file(files: frozenset[str], base: str, module: str) -> str | None:
    """The file of the deepest proper prefix of ``module`` under ``base`` (``a.b`` for ``a.b.c``)."""
    parts = module.split(".") if module else []
    for cut in range(len(parts) - 1, 0, -1):
        prefix_file = _module_file(files, base, ".".join(parts[:cut]))
        if prefix_file:
            return prefix_file
    return None


#: standard modules this interpreter's list lacks: ``__main__``, Python 2 modules renamed or removed
#: in Python 3 (legacy code still imports them), those added after 3.11, those removed before 3.11
#: and after it (the answer must not depend on the interpreter running the analyzer: pip's vendored
#: distlib still imports ``dummy_threading``), typeshed's ``_typeshed`` (stubs every type checker
#: ships with the standard library's) and PyPy's built-in ``__pypy__``
_MORE_STDLIB = frozenset(
    {
        "__main__",
        "annotationlib",
        "compression",
        "_typeshed",
        "__pypy__",
        "_bootlocale",
        "_dummy_thread",
        "binhex",
        "dummy_threading",
        "formatter",
        "macpath",
        "parser",
        "symbol",
        "asynchat",
        "asyncore",
        "distutils",
        "imp",
        "smtpd",
        "aifc",
        "audioop",
        "cgi",
        "cgitb",
        "chunk",
        "crypt",
        "imghdr",
        "lib2to3",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "sndhdr",
        "spwd",
        "sunau",
        "telnetlib",
        "uu",
        "xdrlib",
        "_abcoll",
        "_winreg",
        "__builtin__",
        "anydbm",
        "BaseHTTPServer",
        "CGIHTTPServer",
        "commands",
        "ConfigParser",
        "Cookie",
        "cookielib",
        "copy_reg",
        "cPickle",
        "cStringIO",
        "dbhash",
        "dircache",
        "dummy_thread",
        "exceptions",
        "htmlentitydefs",
        "HTMLParser",
        "httplib",
        "md5",
        "mimetools",
        "new",
        "popen2",
        "Queue",
        "repr",
        "robotparser",
        "sets",
        "sha",
        "SimpleHTTPServer",
        "SimpleXMLRPCServer",
        "SocketServer",
        "StringIO",
        "thread",
        "Tkinter",
        "tkMessageBox",
        "urllib2",
        "urlparse",
        "UserDict",
        "UserList",
        "UserString",
        "whichdb",
        "xmlrpclib",
    }
)


def is_standard_library(package: str) -> bool:
    """A module of Python's standard library (this interpreter's list, plus :data:`_MORE_STDLIB`)."""
    return package in sys.stdlib_module_names or package in _MORE_STDLIB


def python_linker(parsed: Sequence[ParsedFile], index: RepoIndex) -> PythonLinker:
    """The import-bound reference pass over every Python file (``LanguageSpec.typed_links``)."""
    return PythonLinker(parsed, index, resolve_import)


SPEC = LanguageSpec(
    name="python",
    extensions=(".py", ".pyi"),
    grammar=tree_sitter_python.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    is_standard_library=is_standard_library,
    import_calls=frozenset({"import_module", "__import__"}),
    load_config=load_config,
    type_facts=type_facts,
    typed_links=python_linker,
)

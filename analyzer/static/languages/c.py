"""C: ``#include "x"`` / ``#include <x>`` resolved against the includer's directory and include dirs.

The include helpers here are shared with :mod:`analyzer.static.languages.cpp` (one
configuration, keyed ``"c"``).  Include directories are every directory named
``include``, the ``-I`` directories of a ``compile_commands.json`` (at the
root or in ``build/``), then the repository root; without a
``compile_commands.json``, last, the repository file whose path ends with the
included path (nearest to the includer), never for a C, POSIX or C++ standard header
(``<sys/socket.h>`` stays the system's though PostgreSQL ships a Windows stand-in in
``src/include/port/win32/sys/socket.h``).  ``.h`` files are C unless
their content has C++-only lines (classes, namespaces, templates, access
specifiers, ``std::``): discovery then gives them to C++ (see
``discover._language_from_content``).

A ``<header>`` no repository file answers is an external package: ``libc`` (the C
standard, POSIX, the C libraries' own headers and the compilers' intrinsics), ``c++std``
and ``windows`` (the Windows SDK and MSVC runtime) are the standard library; any other is named by its
first path component (``openssl/ssl.h`` -> ``openssl``).  An include that no repository
file answers is looked at once more: a standard header is the standard library even when
quoted (the quoted search ends on the system path, as ``#include "limits.h"`` in redis);
one into a directory the repository has where the compiler looks (``<spdlog/fmt/bundled/core.h>``
beside ``include/spdlog/``) is unresolved, the file being generated or stripped; a quoted one
into a directory of its own (``"gtest/gtest.h"``) is that package; a quoted bare name
(``"config.h"``) is unresolved.
"""

from __future__ import annotations

import json
import posixpath
import shlex
from dataclasses import dataclass
from pathlib import Path

import tree_sitter_c
from tree_sitter import Node

from analyzer.domain import ImportRef, RepoIndex
from analyzer.static.languages._c_headers import (
    C_HEADERS,
    CXX_DIRS,
    CXX_HEADERS,
    LIBC_EXTENSIONS,
    POSIX_DIRS,
    WINDOWS_DIRS,
    WINDOWS_HEADERS,
)
from analyzer.static.languages.base import LanguageSpec, ResolvedImport, ancestor_dirs, files_by_suffix, nearest

#: configuration key shared by C and C++
CONFIG_KEY = "c"
#: external package name of the C standard library / POSIX headers
LIBC = "libc"
#: external package name of the C++ standard library
CXX_STD = "c++std"
#: external package name of the Windows SDK and MSVC runtime headers
WINDOWS = "windows"
#: extensions of files an include may name (sources and headers of C and C++)
_SOURCE_SUFFIXES = frozenset(
    {"h", "c", "hh", "hpp", "hxx", "h++", "ipp", "inc", "inl", "cc", "cpp", "cxx", "c++", "tpp"}
)


@dataclass(frozen=True, slots=True)
class IncludeConfig:
    """Repository-relative include directories, in search order ("" = the root).

    ``from_build``: a compile_commands.json gave the directories; without one, an
    include that no directory resolves may match a repository file by its path suffix.
    """

    include_dirs: tuple[str, ...] = ("",)
    from_build: bool = False


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """``"x"`` -> kind include, ``<x>`` -> kind system_include."""
    path = stmt.child_by_field_name("path")
    kind = "system_include" if path is not None and path.type == "system_lib_string" else "include"
    return ImportRef(ref.path, ref.module, (), ref.line, kind)


def load_config(root: Path, files: frozenset[str]) -> IncludeConfig:
    """Include dirs: directories named ``include``, compile_commands ``-I`` dirs, the root."""
    named: set[str] = set()
    for f in files:
        parts = f.split("/")[:-1]
        for i, part in enumerate(parts):
            if part == "include":
                named.add("/".join(parts[: i + 1]))
    ordered = sorted(named, key=lambda d: (d.count("/"), d))
    from_build = _compile_commands_dirs(root)
    for d in from_build:
        if d not in ordered:
            ordered.append(d)
    if "" not in ordered:
        ordered.append("")
    return IncludeConfig(tuple(ordered), bool(from_build))


def resolve_include(ref: ImportRef, index: RepoIndex, cxx: bool) -> ResolvedImport:
    """Resolve one include for C (``cxx=False``) or C++ (``cxx=True``)."""
    config = index.config.get(CONFIG_KEY)
    if not isinstance(config, IncludeConfig):
        config = IncludeConfig()
    files = index.files
    name = ref.module.strip()
    here = ref.path.rsplit("/", 1)[0] if "/" in ref.path else ""
    if ref.kind != "system_include":
        found = _lookup(files, here, name)
        if found:
            return ResolvedImport(targets=(found,))
    for directory in config.include_dirs:
        found = _lookup(files, directory, name)
        if found:
            return ResolvedImport(targets=(found,))
    # without build information (no compile_commands.json), a repository file whose path
    # ends with the included path, nearest to the includer (never for a standard header)
    if not config.from_build and not (ref.kind == "system_include" and (name in C_HEADERS or name in CXX_HEADERS)):
        by_suffix = files_by_suffix(files, _SOURCE_SUFFIXES)
        found_near = nearest(ref.path, by_suffix.get(posixpath.normpath(name), ()))
        if len(found_near) == 1:
            return ResolvedImport(targets=found_near)
        if found_near:
            return ResolvedImport(unresolved=f"ambiguous include: {len(found_near)} files end with {name}")
    package = external_package(name, cxx)
    if is_standard_library(package):
        # the quoted search ends on the system path
        return ResolvedImport(external=package)
    quoted = ref.kind != "system_include"
    bases = ((here,) if quoted else ()) + config.include_dirs
    if _in_repository_directory(name, bases, files):
        return ResolvedImport(
            unresolved="quoted include matches no file"
            if quoted
            else "include names a repository directory but matches no file"
        )
    if quoted and not _in_foreign_directory(name):
        return ResolvedImport(unresolved="quoted include matches no file")
    return ResolvedImport(external=package)


def external_package(header: str, cxx: bool) -> str:
    """Package name of a system header that is not in the repository."""
    first = header.split("/", 1)[0]
    if header in C_HEADERS or header in LIBC_EXTENSIONS or (first in POSIX_DIRS and "/" in header):
        return LIBC
    if header in CXX_HEADERS or (
        cxx
        and (
            (header.startswith("c") and header[1:] + ".h" in C_HEADERS)
            or (first in CXX_DIRS and "/" in header)
            or header.startswith("__")
        )
    ):
        return CXX_STD
    if header.lower() in WINDOWS_HEADERS or (first.lower() in WINDOWS_DIRS and "/" in header):
        return WINDOWS
    if "/" in header:
        return first
    return first.rsplit(".", 1)[0] if "." in first else first


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """C include resolution."""
    return resolve_include(ref, index, cxx=False)


# --- helpers ----------------------------------------------------------------


def _lookup(files: frozenset[str], directory: str, name: str) -> str | None:
    joined = posixpath.normpath(posixpath.join(directory, name)) if directory else posixpath.normpath(name)
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined if joined in files else None


def _in_repository_directory(name: str, bases: tuple[str, ...], files: frozenset[str]) -> bool:
    """``a/b.h``: one of the directories searched holds a repository directory ``a``.

    Only where the compiler looks: spdlog's ``include/spdlog/fmt/`` does not make the
    external ``<fmt/format.h>`` its own."""
    first = name.split("/", 1)[0]
    if "/" not in name or first in ("", ".", ".."):
        return False
    directories = ancestor_dirs(files)
    return any(posixpath.join(base, first) in directories if base else first in directories for base in bases)


def _in_foreign_directory(name: str) -> bool:
    """``gtest/gtest.h``: a path into a directory of its own, not ``x.h`` or ``../x.h``."""
    return "/" in name and name.split("/", 1)[0] not in (".", "..", "")


def _compile_commands_dirs(root: Path) -> list[str]:
    """Repository-relative ``-I`` directories of compile_commands.json (root or build/)."""
    out: list[str] = []
    resolved_root = root.resolve()
    for cand in (root / "compile_commands.json", root / "build" / "compile_commands.json"):
        try:
            entries = json.loads(cand.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for flag in _include_flags(entry):
                base = Path(str(entry.get("directory", root)))
                path = (base / flag).resolve() if not Path(flag).is_absolute() else Path(flag).resolve()
                try:
                    rel = path.relative_to(resolved_root).as_posix()
                except ValueError:
                    continue
                rel = "" if rel == "." else rel
                if rel not in out:
                    out.append(rel)
    return out


def _include_flags(entry: dict[str, object]) -> list[str]:
    args = entry.get("arguments")
    if not isinstance(args, list):
        command = entry.get("command")
        try:
            args = shlex.split(command) if isinstance(command, str) else []
        except ValueError:
            args = []
    out: list[str] = []
    items = [str(a) for a in args]
    for i, arg in enumerate(items):
        if arg in ("-I", "-isystem", "-iquote") and i + 1 < len(items):
            out.append(items[i + 1])
        elif arg.startswith("-I") and len(arg) > 2:
            out.append(arg[2:])
    return out


def is_standard_library(package: str) -> bool:
    """The system's headers: the C library and POSIX (grouped as ``libc``), the C++ standard
    library (``c++std``), and the Windows SDK with the MSVC runtime (``windows``)."""
    return package in (LIBC, CXX_STD, WINDOWS)


SPEC = LanguageSpec(
    name="c",
    extensions=(".c", ".h"),
    grammar=tree_sitter_c.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    config_key=CONFIG_KEY,
    is_standard_library=is_standard_library,
)

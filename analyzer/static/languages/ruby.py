"""Ruby: ``require`` / ``require_relative`` / ``load`` / ``autoload`` resolved against the file and the load path.

The load path is the repository root, every ``lib/`` directory and, in a
Rails-like tree, every ``app/<kind>/`` directory (models, controllers...).  A
``require`` that matches no file names a gem (or the standard library): its
first path segment becomes the external package.  ``autoload :Name, "path"`` is a
require done on first use; ActiveSupport::Autoload's ``autoload :Name`` names the
path through the module nesting (``active_record/base``).  A Rails ``helper :queries``
is a load of ``queries_helper`` (``app/helpers/queries_helper.rb``).

Rails code rarely requires its own files: Zeitwerk autoloads a constant from the
file named after it under an autoload root (every ``app/<kind>/`` directory,
its ``concerns/``, and the app's ``lib/``).  :func:`autoload_links` links a reference to a constant
(``User``, ``Admin::UsersController``) to the autoloaded file named after it
(``user.rb``, ``users_controller.rb``; acronyms match case-insensitively) that
defines it, from any Ruby file of the tree, when the reference fits the constant the
file's path names (``ActiveRecord::Base`` is not ``lib/redmine/scm/base.rb``).

A ``module`` / ``class`` statement reopens one object that many files may open (``module Rack``
in every file of rack): a name the file opens itself is its own, and its uses there link to no
other file that opens it (``reopened_kinds``; a superclass still links).
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path

import tree_sitter_ruby
from tree_sitter import Node

from analyzer.domain import ImportRef, RepoIndex
from analyzer.static.languages.base import (
    KIND_COMPUTED,
    LanguageSpec,
    ResolvedImport,
    call_arguments,
    computed_name,
    node_text,
)

_EXTENSIONS = (".rb",)
#: extensions a require / load may spell out (a Ruby file the analyzer reads: SPEC.extensions)
_NAMED_EXTENSIONS = (".rb", ".rake", ".gemspec")
_LOAD_PATHS = "load_paths"
#: kind of a Rails ``helper :name`` declaration (not a require: its module is a constant, not a gem)
_HELPER = "helper"
_AUTOLOAD_ROOTS = "autoload_roots"


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Read a ``require`` / ``require_relative`` / ``load`` / ``autoload`` call (the ``import_calls``).

    A plain string is the path (kind ``require_relative`` for ``require_relative``, else
    ``require``).  The pre-``require_relative`` idioms that name a path next to the file are
    worked out as ``require_relative``: ``File.expand_path("../x", __dir__ | __FILE__)``,
    ``File.join(File.dirname(__FILE__) | __dir__, "lib", "x")``, ``File.dirname(__FILE__) + "/x"``
    and ``"#{File.dirname(__FILE__)}/x"``.  Anything else is built at run time (kind ``computed``).
    A call with a receiver (``obj.require x``) is not a load.  ``autoload`` is read by :func:`_autoload`;
    a Rails controller's ``helper :queries`` (each symbol or string, from imports.scm) names
    ``queries_helper`` (kind ``helper``: found on the load path, ``app/helpers/``, or unresolved).
    """
    if stmt.child_by_field_name("receiver") is not None:
        return None
    method = node_text(stmt.child_by_field_name("method"))
    if method == "helper":  # Rails: `helper :queries` is QueriesHelper (queries_helper.rb)
        name = ref.module.strip().lstrip(":")
        return ImportRef(ref.path, f"{name}_helper", ref.names, ref.line, _HELPER, ref.type_only) if name else None
    arguments = call_arguments(stmt)
    if not arguments:
        return None
    if method == "autoload":
        return _autoload(ref, stmt, arguments)
    first = arguments[0]
    plain = _plain_string(first)
    if plain is not None:
        kind = "require_relative" if method == "require_relative" else "require"
        return ImportRef(ref.path, plain, ref.names, ref.line, kind, ref.type_only)
    beside = _path_beside_file(first, ref.path)
    if beside is not None:
        return ImportRef(ref.path, beside, ref.names, ref.line, "require_relative", ref.type_only)
    return ImportRef(ref.path, computed_name(node_text(first)), (), ref.line, KIND_COMPUTED, ref.type_only)


def _autoload(ref: ImportRef, stmt: Node, arguments: list[Node]) -> ImportRef | None:
    """``autoload :Name, "path"`` loads ``path`` (kind ``require``) when ``Name`` is first used.

    ActiveSupport::Autoload's one-argument form names no path: it is the enclosing
    ``autoload_at "path" do`` block's, else the module nesting, any ``autoload_under "dir" do``
    and the constant, underscored (``module ActiveRecord; autoload :Base`` ->
    ``active_record/base``), as ``ActiveSupport::Autoload#autoload`` builds it.
    """
    if len(arguments) >= 2:
        path = _plain_string(arguments[1])
        if path is not None:
            return ImportRef(ref.path, path, ref.names, ref.line, "require", ref.type_only)
        beside = _path_beside_file(arguments[1], ref.path)
        if beside is not None:
            return ImportRef(ref.path, beside, ref.names, ref.line, "require_relative", ref.type_only)
        return ImportRef(ref.path, computed_name(node_text(arguments[1])), (), ref.line, KIND_COMPUTED, ref.type_only)
    first = arguments[0]
    if first.type != "simple_symbol":
        return None  # not a constant's autoload (`autoload name`: some other method)
    nesting: list[str] = []
    under: list[str] = []
    node = stmt.parent
    while node is not None:
        if node.type in ("module", "class"):
            nesting.append(node_text(node.child_by_field_name("name")).lstrip(":"))
        elif (
            node.type == "call"
            and node.child_by_field_name("receiver") is None
            and node.child_by_field_name("block") is not None
        ):
            block_method = node_text(node.child_by_field_name("method"))
            block_args = call_arguments(node)
            block_path = _plain_string(block_args[0]) if len(block_args) == 1 else None
            if block_method == "autoload_at" and block_path is not None:  # wins over autoload_under
                return ImportRef(ref.path, block_path, ref.names, ref.line, "require", ref.type_only)
            if block_method == "autoload_under" and block_path is not None:
                under.append(block_path)
        node = node.parent
    full = "::".join([*reversed(nesting), *reversed(under), node_text(first).lstrip(":")])
    return ImportRef(ref.path, _underscore(full), ref.names, ref.line, "require", ref.type_only)


def _underscore(name: str) -> str:
    """``ActiveSupport::Inflector.underscore`` without app-defined acronyms: ``A::HTTPError`` -> ``a/http_error``."""
    word = name.replace("::", "/")
    word = re.sub(r"([A-Z\d]+)([A-Z][a-z])", r"\1_\2", word)
    word = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", word)
    return word.replace("-", "_").lower()


def _plain_string(node: Node) -> str | None:
    """The text of a string literal without interpolation, else None."""
    if node.type != "string" or any(c.type != "string_content" for c in node.named_children):
        return None
    return "".join(node_text(c) for c in node.named_children)


def _is_here(node: Node | None, file_too: bool = False) -> str | None:
    """ "dir" for ``__dir__`` / ``File.dirname(__FILE__)``, "file" for ``__FILE__`` (when allowed)."""
    if node is None:
        return None
    text = "".join(node_text(node).split())
    if text in ("__dir__", "File.dirname(__FILE__)", "File.expand_path(File.dirname(__FILE__))"):
        return "dir"
    if file_too and text == "__FILE__":
        return "file"
    return None


def _path_beside_file(node: Node, importer: str) -> str | None:
    """The path, relative to the importer's directory, that one of the idioms names (else None)."""
    if node.type == "call" and node_text(node.child_by_field_name("receiver")) == "File":
        method = node_text(node.child_by_field_name("method"))
        args = call_arguments(node)
        if method == "expand_path" and len(args) == 2:
            rel, anchor = _plain_string(args[0]), _is_here(args[1], file_too=True)
            if rel is not None and anchor == "dir":
                return _relative(rel)
            if rel is not None and anchor == "file":  # relative to the file itself: one level less
                return _relative(posixpath.join(posixpath.basename(importer), rel))
        if method == "join" and len(args) >= 2 and _is_here(args[0]):
            parts = [_plain_string(a) for a in args[1:]]
            if all(p is not None for p in parts):
                return _relative("/".join(p.strip("/") for p in parts if p))
        return None
    if node.type == "binary" and _is_here(node.child_by_field_name("left")):
        right = node.child_by_field_name("right")
        rest = _plain_string(right) if right is not None else None
        return _relative(rest.lstrip("/")) if rest is not None and rest.startswith("/") else None
    if node.type == "string" and len(node.named_children) == 2:
        head, tail = node.named_children
        if (
            head.type == "interpolation"
            and tail.type == "string_content"
            and node_text(tail).startswith("/")
            and _is_here(head.named_children[0] if head.named_children else None)
        ):
            return _relative(node_text(tail).lstrip("/"))
    return None


def _relative(path: str) -> str | None:
    """``path`` normalised, with ``./`` for a path that does not climb (so it reads as relative)."""
    norm = posixpath.normpath(path) if path else ""
    if not norm or norm == ".":
        return None
    return norm if norm.startswith("../") or norm == ".." else "./" + norm


def load_config(root: Path, files: frozenset[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The Ruby load path and autoload roots derived from the tree (no file is read).

    Returns:
        ``(("autoload_roots", roots), ("load_paths", dirs))``: ``dirs`` lists ""
        (the root), every directory named ``lib`` holding Ruby files and every
        ``app/<x>`` directory of a Rails-like tree; ``roots`` the ``app/<x>``
        directories, their ``concerns/`` and the ``lib/`` beside ``app/``
        (Zeitwerk's roots); both sorted.
    """
    dirs: set[str] = {""}
    roots: set[str] = set()
    apps: set[str] = set()  # directories holding a Rails app/ tree
    for path in files:
        if not path.endswith(_EXTENSIONS):
            continue
        parts = path.split("/")[:-1]
        for i, part in enumerate(parts):
            if part == "lib":
                dirs.add("/".join(parts[: i + 1]))
            elif part == "app" and i + 1 < len(parts):
                app_dir = "/".join(parts[: i + 2])
                dirs.add(app_dir)
                roots.add(app_dir)
                apps.add("/".join(parts[:i]))
                if i + 2 < len(parts) and parts[i + 2] == "concerns":
                    roots.add(f"{app_dir}/concerns")
    # the app's lib/ is autoloaded too (Rails 7.1 `autoload_lib`, and the older
    # `autoload_paths << lib` habit)
    roots.update(d for d in dirs if d.rpartition("/")[2] == "lib" and d.rpartition("/")[0] in apps)
    return ((_AUTOLOAD_ROOTS, tuple(sorted(roots))), (_LOAD_PATHS, tuple(sorted(dirs))))


def autoload_links(importer: str, names: frozenset[str], index: RepoIndex) -> dict[str, frozenset[str]]:
    """The autoloaded files defining constants that ``importer`` references (Zeitwerk).

    A file stands for the constant its path names below its autoload root (the deepest
    one holding it): ``lib/redmine/scm/base.rb`` is ``Redmine::Scm::Base``.  A qualified
    reference links to it when it spells the end of that path (``Scm::Base``, not
    ``ActiveRecord::Base``), or all of it after a leading ``::``; a bare ``Base`` only from a file
    that opens the enclosing namespace (defines ``Scm``), where Ruby's lexical lookup finds it.
    A file at the top of its root (``User``) is reached by its bare name from anywhere.
    """
    config = index.config.get("ruby")
    roots = dict(config).get(_AUTOLOAD_ROOTS, ()) if isinstance(config, tuple) else ()
    if not roots:
        return {}
    table = _autoloaded(index.files, roots)
    opened: frozenset[str] | None = None  # namespaces the importer defines, built on first need
    found: dict[str, set[str]] = {}
    for name in names:
        parts = name.lstrip(":").split("::")
        if not all(p[:1].isupper() for p in parts):
            continue  # a method, or a path through an expression (`self.class::X`)
        wanted = tuple(_flat(p) for p in parts)
        last = parts[-1]
        for target, constant in table.get(wanted[-1], ()):
            if target == importer or last not in index.defined.get(target, ()):
                continue
            if name.startswith("::"):  # from the top: the whole path
                if constant != wanted:
                    continue
            elif len(wanted) > 1:
                if constant[-len(wanted) :] != wanted:
                    continue
            elif len(constant) > 1:
                if opened is None:
                    opened = frozenset(_flat(d) for d in index.defined.get(importer, ()) if d[:1].isupper())
                if constant[-2] not in opened:
                    continue
            found.setdefault(target, set()).add(name)
    return {t: frozenset(n) for t, n in found.items()}


def symbol_of(name: str) -> str:
    """The constant a qualified reference ends with (``Redmine::Scm::Base`` -> ``Base``)."""
    return name.rpartition("::")[2]


def _flat(name: str) -> str:
    """A constant or file name as Zeitwerk's camelizing matches it: no underscores, any letter case."""
    return name.replace("_", "").lower()


@lru_cache(maxsize=8)
def _autoloaded(files: frozenset[str], roots: tuple[str, ...]) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Constant name, flattened (``base``) -> ``(file, its constant path flattened)`` for every
    ``.rb`` file under an autoload root (``("lib/redmine/scm/base.rb", ("redmine", "scm", "base"))``)."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    by_depth = sorted(roots, key=lambda r: (-r.count("/"), r))  # nested roots (concerns/) first
    for f in files:
        if not f.endswith(".rb"):
            continue
        root = next((r for r in by_depth if f.startswith(f"{r}/")), None)
        if root is None:
            continue
        constant = tuple(_flat(p) for p in f[len(root) + 1 : -3].split("/"))
        out.setdefault(constant[-1], []).append((f, constant))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one require: relative to the file, then along the load path, else a gem."""
    module = ref.module.strip()
    if not module:
        return ResolvedImport(unresolved="empty require")
    if ref.kind == "require_relative" or module.startswith(("./", "../")):
        base = posixpath.dirname(ref.path)
        joined = posixpath.normpath(posixpath.join(base, module))
        if joined == ".." or joined.startswith("../"):
            return ResolvedImport(unresolved="require_relative beyond the repository root")
        found = _ruby_file(index.files, joined)
        if found:
            return ResolvedImport(targets=(found,))
        return ResolvedImport(unresolved="require_relative matches no file")
    if module.startswith("/"):
        return ResolvedImport(unresolved="absolute require path")
    for base in _load_paths(index, ref.path):
        found = _ruby_file(index.files, posixpath.join(base, module) if base else module)
        if found:
            return ResolvedImport(targets=(found,))
    if ref.kind == _HELPER:
        return ResolvedImport(unresolved="Rails helper matches no file (defined by a gem or an engine?)")
    return ResolvedImport(external=_package(module))


# --- helpers ----------------------------------------------------------------

#: load-path directories that Ruby and gems both put libraries in (``net/http`` ships with Ruby,
#: ``net/ldap`` and ``net/ssh`` are gems): a package under one is named by two segments
_SHARED_DIRS = frozenset({"net"})


def _package(module: str) -> str:
    """The external package a require names: its first segment (``active_support/core_ext`` ->
    ``active_support``), two under a shared directory (``net/ldap/dn`` -> ``net/ldap``)."""
    parts = module.split("/", 2)
    if parts[0] in _SHARED_DIRS and len(parts) > 1:
        return f"{parts[0]}/{parts[1].removesuffix('.rb')}"
    return parts[0].removesuffix(".rb")


def _ruby_file(files: frozenset[str], stem: str) -> str | None:
    """The file a require / load names: as written when it carries a Ruby file's extension
    (``load "tasks/db.rake"`` names the ``.rake`` file itself), else with ``.rb`` added."""
    stem = posixpath.normpath(stem)
    candidates = (stem,) if stem.endswith(_NAMED_EXTENSIONS) else tuple(stem + e for e in _EXTENSIONS)
    for cand in candidates:
        if cand in files:
            return cand
    return None


def _load_paths(index: RepoIndex, importer: str) -> tuple[str, ...]:
    """Load path dirs in search order.

    Directories sharing more leading components with the importer come first
    (in a monorepo, a gem's own ``lib/`` wins), then shallower ones; the
    repository root is searched last.
    """
    config = index.config.get("ruby")
    dirs: tuple[str, ...] = ("",)
    if isinstance(config, tuple):
        dirs = dict(config).get(_LOAD_PATHS, dirs)
    here = importer.split("/")[:-1]

    def shared(d: str) -> int:
        n = 0
        for a, b in zip(d.split("/"), here):
            if a != b:
                break
            n += 1
        return n

    return tuple(sorted(dirs, key=lambda d: (d == "", -shared(d) if d else 0, d.count("/"), d)))


#: libraries that ship with Ruby (the standard library, default gems and long-standing bundled
#: gems, among them those a Ruby 2.x program required without a Gemfile entry: rexml, matrix),
#: and the features the interpreter provides (fiber, continuation, rubygems), by the package
#: :func:`_package` names (the first path element of what `require` names; two under ``net/``)
_STDLIB = frozenset(
    {
        "English",
        "abbrev",
        "base64",
        "benchmark",
        "bigdecimal",
        "bundler",
        "cgi",
        "complex",
        "continuation",
        "coverage",
        "csv",
        "date",
        "delegate",
        "did_you_mean",
        "digest",
        "drb",
        "enumerator",
        "erb",
        "error_highlight",
        "etc",
        "expect",
        "fcntl",
        "fiber",
        "fiddle",
        "fileutils",
        "find",
        "forwardable",
        "getoptlong",
        "io",
        "ipaddr",
        "irb",
        "json",
        "kconv",
        "logger",
        "matrix",
        "mkmf",
        "monitor",
        "mutex_m",
        "net",
        "net/ftp",
        "net/http",
        "net/https",
        "net/imap",
        "net/pop",
        "net/protocol",
        "net/smtp",
        "net/telnet",
        "nkf",
        "objspace",
        "observer",
        "open-uri",
        "open3",
        "openssl",
        "optparse",
        "ostruct",
        "pathname",
        "pp",
        "prettyprint",
        "prime",
        "pstore",
        "psych",
        "pty",
        "racc",
        "random",
        "rational",
        "rbconfig",
        "rdoc",
        "readline",
        "reline",
        "resolv",
        "rexml",
        "rinda",
        "ripper",
        "ruby2_keywords",
        "rubygems",
        "securerandom",
        "set",
        "shellwords",
        "singleton",
        "socket",
        "stringio",
        "strscan",
        "syslog",
        "tempfile",
        "thread",
        "time",
        "timeout",
        "tmpdir",
        "tsort",
        "un",
        "unicode_normalize",
        "uri",
        "weakref",
        "win32",
        "win32ole",
        "yaml",
        "zlib",
    }
)


def is_standard_library(package: str) -> bool:
    """A library that ships with Ruby (``json``, ``set``, ``net/http``...), not a gem to install."""
    return package in _STDLIB


SPEC = LanguageSpec(
    name="ruby",
    extensions=_NAMED_EXTENSIONS,
    grammar=tree_sitter_ruby.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    filenames=("Rakefile",),
    implicit_links=autoload_links,
    symbol_of=symbol_of,
    is_standard_library=is_standard_library,
    import_calls=frozenset({"require", "require_relative", "load", "autoload"}),
    reopened_kinds=frozenset({"module", "class"}),
)

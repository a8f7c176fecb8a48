"""Java: packages, single-type, wildcard and static imports, same-package visibility.

``import a.b.C;`` resolves to the file that declares ``package a.b`` and
defines a top-level ``C`` (or, failing that, to ``a/b/C.java`` under any
source root such as ``src/main/java``).  ``import a.b.*;`` resolves to the
files of package ``a.b`` named after a class the importer names (all of them when it names none).  Static imports
resolve to the class's file.  A class missing from a package the repository
declares is unresolved (generated at build time, like AutoValue or protobuf
classes).  Anything else is external, grouped by its first two segments
(``org.springframework``), or more while those name the repository's own package
prefix (Guava's ``com.google.errorprone``, not ``com.google``); the JDK's packages (``java.*``, ``jdk.*``, the
``javax.*``, ``org.xml.sax``, ``org.w3c.dom`` and ``com.sun.*`` packages it exports) are grouped
as ``java``.  A class defined by several files (a multi-module build's variants of one package,
such as Guava's ``android/`` copy) resolves to the copy nearest the importer, and a file sees
only that copy of its own package's classes, and main code none of its package's test classes
(:func:`namespace_files`).

In ``module-info.java``, ``requires m;`` resolves to the ``module-info.java`` that declares module
``m`` (else it is external: ``java.sql`` is the JDK, ``org.slf4j`` a library); the classes of
``uses`` and ``provides ... with ...`` resolve like imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tree_sitter_java
from tree_sitter import Node

from analyzer.domain import ImportRef, RepoIndex
from analyzer.static.languages.base import (
    KIND_COMPUTED,
    LanguageSpec,
    ResolvedImport,
    call_arguments,
    computed_name,
    nearest,
    node_text,
    per_file_set,
)
from analyzer.static.languages.java_linking import typed_links
from analyzer.static.languages.java_types import type_facts

#: import kinds set by :func:`postprocess_import`
KIND_IMPORT = "import"
KIND_STATIC = "static"
#: ``requires m;`` of a module-info.java: ``module`` is a module name, not a class
KIND_REQUIRES = "requires"
_MODULE_INFO = "module-info.java"
#: the declaration of a module-info.java (after comments are removed): ``open module a.b {``
_MODULE_DECLARATION = re.compile(r"\bmodule\s+([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\{")
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
WILDCARD = "*"
_EXTENSION = ".java"
#: package prefixes -> whether they (and their subpackages) belong to the JDK; the longest match
#: wins, no match is third-party.  ``javax.*`` is split: ``javax.annotation.Nullable`` (JSR 305),
#: ``javax.inject``, ``javax.servlet`` and the Java EE APIs the JDK dropped in 11 (JAXB, JAX-WS)
#: are libraries
_JDK_PACKAGES: dict[str, bool] = {
    "java": True,
    "jdk": True,
    "sun": True,
    **dict.fromkeys(
        (
            "javax.accessibility",
            "javax.annotation.processing",
            "javax.crypto",
            "javax.imageio",
            "javax.lang.model",
            "javax.management",
            "javax.naming",
            "javax.net",
            "javax.print",
            "javax.rmi.ssl",
            "javax.script",
            "javax.security.auth",
            "javax.security.cert",
            "javax.security.sasl",
            "javax.smartcardio",
            "javax.sound",
            "javax.sql",
            "javax.swing",
            "javax.tools",
            "javax.transaction.xa",
            "javax.xml",
            "org.ietf.jgss",
            "org.w3c.dom",
            "org.xml.sax",
            "com.sun.net.httpserver",
            "com.sun.management",
            "com.sun.nio.sctp",
            "com.sun.nio.file",
            "com.sun.security.auth",
            "com.sun.security.jgss",
            "com.sun.jdi",
            "com.sun.source",
            "com.sun.tools.javac",
            "com.sun.tools.attach",
            "com.sun.tools.jconsole",
            "com.sun.tools.javadoc",
            "com.sun.tools.doclets",
            "com.sun.javadoc",
            "com.sun.jndi",
            "com.sun.crypto.provider",
            "com.sun.org.apache",
            "com.sun.xml.internal",
            "com.sun.java",
            "com.sun.jarsigner",
            "com.sun.awt",
            "com.sun.beans",
            "com.sun.imageio",
            "com.sun.media.sound",
        ),
        True,
    ),
    **dict.fromkeys(
        (
            "javax.xml.bind",
            "javax.xml.ws",
            "javax.xml.soap",
            "javax.xml.rpc",
            "javax.xml.registry",
            "javax.security.auth.message",
            "org.w3c.dom.svg",
            "org.w3c.dom.smil",
        ),
        False,
    ),
}
#: folder names of test source trees, whose classes the main code of a package cannot see
_TEST_DIRECTORIES = frozenset({"test", "tests"})
#: a binary class name as Class.forName takes it (after ``$`` -> ``.``)
_CLASS_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


@dataclass(frozen=True, slots=True)
class JavaConfig:
    """The modules the repository's ``module-info.java`` files declare: (module name, file), sorted."""

    modules: tuple[tuple[str, str], ...] = ()

    def declaring(self, module: str) -> tuple[str, ...]:
        """The module-info.java files declaring ``module``."""
        return tuple(path for name, path in self.modules if name == module)


def load_config(root: Path, files: frozenset[str]) -> JavaConfig:
    """Read the module name of every ``module-info.java`` (an unreadable one declares none)."""
    modules = []
    for path in sorted(f for f in files if f.rsplit("/", 1)[-1] == _MODULE_INFO):
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = _MODULE_DECLARATION.search(_COMMENT.sub(" ", text))
        if found:
            modules.append(("".join(found.group(1).split()), path))
    return JavaConfig(tuple(sorted(modules)))


def postprocess_import(ref: ImportRef, stmt: Node) -> ImportRef | None:
    """Split ``import static a.b.C.m`` into class ``a.b.C`` + name ``m`` and set the kind.

    A reflective load (``Class.forName("a.b.C")``, ``loader.loadClass("a.b.C")``: the calls of
    ``import_calls``) imports class ``a.b.C`` when the name is a plain literal (``Outer$Inner``
    read as ``Outer.Inner``); any other name is built at run time (kind ``computed``).
    """
    if stmt.type == "method_invocation":
        return _reflective_load(ref, stmt)
    if stmt.type == "requires_module_directive":
        return ImportRef(ref.path, ref.module, (), ref.line, KIND_REQUIRES)
    is_static = any(child.type == "static" for child in stmt.children)
    is_wildcard = WILDCARD in ref.names
    module, names = ref.module, ref.names
    if is_static and not is_wildcard and "." in module:
        module, member = module.rsplit(".", 1)
        names = (member,)
    kind = KIND_STATIC if is_static else KIND_IMPORT
    return ImportRef(ref.path, module, names, ref.line, kind, ref.type_only)


def _reflective_load(ref: ImportRef, call: Node) -> ImportRef | None:
    name = node_text(call.child_by_field_name("name"))
    target = node_text(call.child_by_field_name("object"))
    if name == "forName" and target not in ("Class", "java.lang.Class"):
        return None  # some other forName()
    arguments = call_arguments(call)
    if not arguments:
        return None
    first = arguments[0]
    parts = first.named_children
    if first.type == "string_literal" and all(p.type == "string_fragment" for p in parts):
        dotted = "".join(node_text(p) for p in parts).replace("$", ".")
        if _CLASS_NAME.fullmatch(dotted):
            return ImportRef(ref.path, dotted, (), ref.line, KIND_IMPORT)
    return ImportRef(ref.path, computed_name(node_text(first)), (), ref.line, KIND_COMPUTED)


def resolve_import(ref: ImportRef, index: RepoIndex) -> ResolvedImport:
    """Resolve one Java import to files of the repository or an external package."""
    module = ref.module
    if ref.kind == KIND_REQUIRES:
        config = index.config.get("java")
        declaring = config.declaring(module) if isinstance(config, JavaConfig) else ()
        if declaring:
            return ResolvedImport(targets=(_nearest_one(ref.path, declaring),))
        return ResolvedImport(external=external_package(module, _repository_packages(index)[1]))
    wildcard = ref.kind != KIND_STATIC and WILDCARD in ref.names
    if wildcard:
        package_files = _package_files(module, index)
        members = _used_classes(_nearest_copies(ref.path, package_files), ref.path, index)
        if members:
            return ResolvedImport(targets=members)
        if package_files:  # the importer's own package, which it alone declares
            return ResolvedImport()
    target = _class_file(module, index, ref.path)
    if target:
        return ResolvedImport(targets=(target,))
    packages = _repository_packages(index)
    package = _package_part(module) if not wildcard else module
    if package in packages[0] and not _is_jdk(module.split(".")):
        # a class its package in the repository lacks: generated at build time (AutoValue,
        # protobuf, annotation processors) or gone; not a library named after the project
        return ResolvedImport(
            unresolved=f"no class {module.removeprefix(package + '.')} in the repository's "
            f"package {package} (generated at build time?)"
        )
    return ResolvedImport(external=external_package(module, packages[1]))


def external_package(module: str, repository_prefixes: frozenset[str] = frozenset()) -> str:
    """Package name of an import that leaves the repository (``org.springframework``, ``java``).

    Two segments, or more while they still name a package prefix of the repository itself
    (Guava's ``com.google.errorprone`` and ``com.google.common.truth`` are not ``com.google``,
    which is Guava's own), never past the package part (the lowercase segments before the class).
    A library inside a JDK namespace keeps its whole ``_JDK_PACKAGES`` name (``javax.xml.bind``).
    """
    parts = module.split(".")
    if _is_jdk(parts):
        return "java"
    carved_out = _library_in_jdk_namespace(parts)
    if carved_out:
        return carved_out
    limit = max(2, len(_package_part(module).split(".")))
    n = 2
    while n < limit and ".".join(parts[:n]) in repository_prefixes:
        n += 1
    return ".".join(parts[:n])


def _used_classes(candidates: tuple[str, ...], importer: str, index: RepoIndex) -> tuple[str, ...]:
    """The files of a package imported on demand (``import a.b.*;``) whose class the importer names.

    A class another package can import is public, and a public top-level class lives in the file
    named after it: ``a/b/Pet.java`` is used when the importer names ``Pet``; a method or field named
    like another file's member (``collect``, ``isEnabled``) does not count.  When it names none of
    them, every file of the package (the import still depends on the package as a whole).
    """
    used = index.referenced.get(importer, frozenset())
    others = tuple(sorted(c for c in candidates if c != importer))
    return tuple(c for c in others if c.rsplit("/", 1)[-1][: -len(_EXTENSION)] in used) or others


def _package_part(module: str) -> str:
    """The segments before the first one that starts with an uppercase letter (Java's naming
    convention for classes): ``a.b`` of ``a.b.C.D``; the whole name when none does."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part[:1].isupper():
            return ".".join(parts[:i])
    return module


def _repository_packages(index: RepoIndex) -> tuple[frozenset[str], frozenset[str]]:
    """(the Java packages the repository declares, every dotted prefix of them)."""
    return _packages_and_prefixes(index.namespaces)


@per_file_set
def _packages_and_prefixes(namespaces: dict[str, tuple[str, ...]]) -> tuple[frozenset[str], frozenset[str]]:
    """Computed once per resolution run (its namespace table), asked once per external import."""
    packages = frozenset(name for name, paths in namespaces.items() if any(p.endswith(_EXTENSION) for p in paths))
    prefixes = frozenset(
        ".".join(parts[:n]) for parts in (p.split(".") for p in packages) for n in range(1, len(parts) + 1)
    )
    return packages, prefixes


# --- helpers ----------------------------------------------------------------


def _is_jdk(parts: list[str]) -> bool:
    """Whether a dotted name (split) lies in a JDK package (longest prefix of ``_JDK_PACKAGES``)."""
    for n in range(len(parts), 0, -1):
        found = _JDK_PACKAGES.get(".".join(parts[:n]))
        if found is not None:
            return found
    return False


def _library_in_jdk_namespace(parts: list[str]) -> str | None:
    """The ``_JDK_PACKAGES`` entry that makes a name a library inside a JDK namespace (``javax.xml.rpc``
    of ``javax.xml.rpc.Service``: JAX-RPC, not the JDK's ``javax.xml``), so that it is not named
    ``javax.xml`` like a JDK package; None for any other name."""
    for n in range(len(parts), 2, -1):
        prefix = ".".join(parts[:n])
        if _JDK_PACKAGES.get(prefix) is False:
            return prefix
    return None


def _class_file(dotted: str, index: RepoIndex, importer: str) -> str | None:
    """File defining the (possibly nested) class ``dotted``.

    Tries ``a.b.C.D`` as class D in package a.b.C, then class C in package a.b
    (``D`` nested in ``C``), and so on.  Of several files defining it, the one nearest
    ``importer`` (then the shallowest).
    """
    parts = dotted.split(".")
    lowest = 1 if len(parts) > 1 else 0
    for cut in range(len(parts) - 1, lowest - 1, -1):
        package, cls = ".".join(parts[:cut]), parts[cut]
        declared = set(_package_files(package, index)) if package else set()
        defining = tuple(declared.intersection(index.definitions.get(cls, ())))
        if defining:
            return _nearest_one(importer, defining)
        by_path = _files_by_suffix(index.files).get("/".join(parts[: cut + 1]) + ".java")
        if by_path:
            return _nearest_one(importer, by_path)
    return None


def _nearest_one(importer: str, candidates: tuple[str, ...]) -> str:
    """The candidate sharing the most leading directories with ``importer``, then the shallowest."""
    return min(nearest(importer, candidates), key=lambda p: (p.count("/"), p))


def namespace_files(importer: str, files: tuple[str, ...]) -> frozenset[str]:
    """The files of ``importer``'s package it sees: one copy of each class (see :func:`_nearest_copies`),
    and, from main code, none of the package's test classes (see :func:`_is_test_source`)."""
    return _copies_seen_from(importer.rsplit("/", 1)[0] if "/" in importer else "", files)


@lru_cache(maxsize=1024)
def _copies_seen_from(directory: str, files: tuple[str, ...]) -> frozenset[str]:
    """Cached per directory: every file of a directory sees the same copies."""
    if not _is_test_source(directory):
        files = tuple(f for f in files if not _is_test_source(f.rsplit("/", 1)[0] if "/" in f else ""))
    return frozenset(_nearest_copies(f"{directory}/_" if directory else "_", files))


def _is_test_source(directory: str) -> bool:
    """Whether a directory lies in a test source tree (Maven's ``src/test/java``, Tomcat's ``test/``):
    one of its folders is named ``test`` or ``tests``.  Main code does not compile against the test
    classes its package has there (Tomcat's ``test/org/apache/catalina/core/TestStandardContext.java``
    is no dependency of ``java/org/apache/catalina/core/StandardContext.java``); a package whose own
    name has such a segment is a test source on both sides, so nothing is hidden from it."""
    return any(part in _TEST_DIRECTORIES for part in directory.split("/"))


def _nearest_copies(importer: str, files: tuple[str, ...]) -> tuple[str, ...]:
    """A package's files with one copy per file name (``a/X.java`` and ``android/a/X.java``
    declaring one package define the same class): the copy nearest ``importer``."""
    by_name: dict[str, list[str]] = {}
    for f in files:
        by_name.setdefault(f.rsplit("/", 1)[-1], []).append(f)
    return tuple(sorted(_nearest_one(importer, tuple(copies)) for copies in by_name.values()))


def _package_files(package: str, index: RepoIndex) -> tuple[str, ...]:
    """Java files declaring ``package`` (the index is shared with other languages)."""
    return tuple(p for p in index.namespaces.get(package, ()) if p.endswith(_EXTENSION))


@per_file_set
def _files_by_suffix(files: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """``a/b/C.java`` -> files ending with that path (under any source root)."""
    out: dict[str, list[str]] = {}
    for f in files:
        if not f.endswith(_EXTENSION):
            continue
        parts = f.split("/")
        for i in range(len(parts)):
            out.setdefault("/".join(parts[i:]), []).append(f)
    return {k: tuple(sorted(v, key=lambda p: (p.count("/"), p))) for k, v in out.items()}


def is_standard_library(package: str) -> bool:
    """The JDK (``java.*``, ``jdk.*``, its ``javax.*``... grouped as ``java`` by external_package)."""
    return package == "java"


SPEC = LanguageSpec(
    name="java",
    extensions=(_EXTENSION,),
    grammar=tree_sitter_java.language,
    resolve_import=resolve_import,
    postprocess_import=postprocess_import,
    load_config=load_config,
    namespace_visibility=True,
    namespace_files=namespace_files,
    is_standard_library=is_standard_library,
    import_calls=frozenset({"forName", "loadClass"}),
    type_facts=type_facts,
    typed_links=typed_links,
)

"""Discover stage: root + Settings -> Discovery (files to parse, skip counts by reason).

Honors ``.gitignore`` files at every level with git's semantics (pathspec's
GitIgnoreSpec: the deepest file with a matching pattern decides, negations
included) inside a git work tree, as ripgrep and fd do (``--ignore`` /
``--no-ignore`` choose either way), ``--include`` / ``--exclude`` globs, and skips
vendored, generated, minified, binary and oversized files.  A folder is a
virtualenv when it holds ``pyvenv.cfg`` and a build output when its build tool
says so (see ``config.BUILD_OUTPUT_MARKERS``), never by its name alone.  Symlinks are followed only when they
stay inside the root, and a directory is never entered twice (no loops).

Skip reasons are counted per file, except for directories pruned whole
(vendored trees, ignored directories), which are counted per directory under
a reason ending in "(directories)" so that a huge ``node_modules`` costs
nothing to skip.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pathspec

from analyzer.config import BUILD_OUTPUT_MARKERS, JS_BUILD_OUTPUTS, TOOL_DIRS, VENDORED_DIRS, Settings
from analyzer.domain import Diagnostic, Discovery, SkipCounts, SourceFile
from analyzer.errors import InputPathError, NoSourceFilesError
from analyzer.static._stat_index import StatIndex
from analyzer.static.languages import language_for_path

SKIP_GITIGNORED = "ignored by .gitignore"
SKIP_GITIGNORED_DIR = "ignored by .gitignore (directories)"
SKIP_VENDORED_DIR = "vendored or generated tree (directories)"
SKIP_VIRTUALENV_DIR = "virtualenv (directories)"
SKIP_BUILD_DIR = "build output (directories)"
SKIP_EXCLUDED = "excluded by --exclude"
SKIP_NOT_INCLUDED = "not matched by --include"
SKIP_UNSUPPORTED = "unsupported language"
SKIP_MINIFIED = "minified"
SKIP_GENERATED = "generated"
SKIP_BINARY = "binary content"
SKIP_TOO_LARGE = "larger than --max-file-bytes"
SKIP_OBJC = "unsupported language (Objective-C header)"
SKIP_UNREADABLE = "unreadable"
SKIP_SYMLINK_OUTSIDE = "symlink outside the root"
SKIP_SYMLINK_LOOP = "symlink loop or repeat"
SKIP_OUTPUT = "analyzer output"
SKIP_GO_IGNORED = "ignored by the go tool (testdata/, _ or . names)"

#: skip reasons that --no-default-excludes lifts
DEFAULT_EXCLUSION_REASONS = frozenset(
    {SKIP_VENDORED_DIR, SKIP_VIRTUALENV_DIR, SKIP_BUILD_DIR, SKIP_GENERATED, SKIP_MINIFIED, SKIP_GO_IGNORED}
)
#: a tsconfig.json's output folders: "outDir": "..." (and declarationDir)
_TS_OUT_DIR = re.compile(r'"(?:outDir|declarationDir)"\s*:\s*"([^"]+)"')

_GENERATED_SUFFIXES = (
    "_pb2.py",
    "_pb2_grpc.py",
    ".pb.go",
    ".pb.cc",
    ".pb.h",
    ".generated.cs",
    ".g.cs",
    ".designer.cs",
    ".min.js",
    ".min.mjs",
    ".bundle.js",
    "-min.js",
)
_MINIFY_SNIFF = 65536
_MINIFIED_LINE = 1000  # average line length above which JS/TS counts as minified


@dataclass(slots=True)
class _Walker:
    root: Path
    real_root: str
    settings: Settings
    include: pathspec.PathSpec | None
    exclude: pathspec.PathSpec | None
    outputs: frozenset[str]
    skipped: Counter[str]
    diagnostics: list[Diagnostic]
    files: list[SourceFile]
    seen_dirs: set[tuple[int, int]]  # (st_dev, st_ino) of every directory entered
    stats: StatIndex  # what earlier runs learned from unchanged files' bytes
    use_ignore_files: bool
    skipped_dirs: list[tuple[str, str]]  # (path, reason) of every folder pruned whole
    declared_outputs: set[str]  # folders a tsconfig.json names as its outDir


#: a directory still to walk: (path, repo-relative path, .gitignore specs in force, inside a JS package)
_Dir = tuple[str, str, list[tuple[str, pathspec.GitIgnoreSpec]], bool]


def discover_files(settings: Settings, on_progress: Callable[[int], None] | None = None) -> Discovery:
    """Walk ``settings.root`` and select the files to analyze.

    Raises:
        InputPathError: the root does not exist or is not a directory.
    """
    root = settings.root
    if not root.exists():
        raise InputPathError(f"{root}: no such file or directory")
    if not root.is_dir():
        raise InputPathError(f"{root}: not a directory (give the repository's root folder)")
    real_root = os.path.realpath(root)
    ignore_applied, ignore_why = ignore_files_decision(root, settings.use_ignore_files)
    outputs = frozenset(
        os.path.relpath(os.path.realpath(p), real_root).replace(os.sep, "/")
        for p in settings.output_paths
        if _is_within(os.path.realpath(p), real_root)
    )
    walker = _Walker(
        root=root,
        real_root=real_root,
        settings=settings,
        include=_spec(settings.include),
        exclude=_spec(settings.exclude),
        outputs=outputs,
        skipped=Counter(),
        diagnostics=[],
        files=[],
        seen_dirs={_dir_key(root)},
        stats=StatIndex.open(settings),
        use_ignore_files=ignore_applied,
        skipped_dirs=[],
        declared_outputs=set(),
    )
    _walk(walker, (str(root), "", [], False), on_progress)
    if on_progress:
        on_progress(len(walker.files))  # the final count (the walk reports every 500 files)
    walker.stats.save()
    files = tuple(sorted(walker.files, key=lambda f: f.path))
    skipped = SkipCounts(tuple(sorted(walker.skipped.items())))
    return Discovery(
        files=files,
        skipped=skipped,
        diagnostics=tuple(sorted(walker.diagnostics, key=Diagnostic.sort_key)),
        skipped_dirs=tuple(sorted(walker.skipped_dirs)),
        ignore_files=ignore_why,
    )


def ignore_files_decision(root: Path, requested: bool | None) -> tuple[bool, str]:
    """Whether ``.gitignore`` files apply under ``root``, and why (a sentence for the report).

    Like ripgrep and fd: only inside a git work tree, unless asked.  A source tree that is not a
    work tree may ship a ``.gitignore`` meant for someone else's repository (Debian's kernel source
    package ignores ``/*``).
    """
    if requested is True:
        return True, "applied (--ignore)"
    if requested is False:
        return False, "not applied (--no-ignore)"
    folder = root.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return True, "applied: the folder is inside a git work tree (--no-ignore reads ignored files too)"
    return False, "not applied: the folder is not inside a git work tree (--ignore applies them)"


def require_sources(discovery: Discovery, settings: Settings) -> None:
    """Raise when discovery found nothing to analyze, naming what was skipped and why.

    Raises:
        NoSourceFilesError: no file in a supported language was selected.
    """
    if discovery.files:
        return
    counts = sorted(discovery.skipped.counts, key=lambda rc: (-rc[1], rc[0]))
    hint = (
        "; --no-default-excludes reads vendored and generated trees too"
        if settings.use_default_excludes and DEFAULT_EXCLUSION_REASONS & {r for r, _ in counts}
        else ""
    )
    raise NoSourceFilesError(
        f"{settings.root}: no source files in a supported language "
        f"(skipped: {', '.join(f'{n} {r}' for r, n in counts) or 'nothing'}{hint})"
    )


def _spec(patterns: tuple[str, ...]) -> pathspec.PathSpec | None:
    return pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _load_gitignore(directory: str) -> pathspec.GitIgnoreSpec | None:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    """Git semantics: the deepest .gitignore with a matching pattern decides."""
    for base, spec in reversed(specs):
        sub = rel[len(base) + 1 :] if base else rel
        if is_dir:
            sub += "/"
        result = spec.check_file(sub)
        if result.include is not None:
            return bool(result.include)
    return False


def _walk(w: _Walker, top: _Dir, on_progress: Callable[[int], None] | None) -> None:
    """Walk iteratively (a deep tree must not exhaust the Python stack).

    Directories reached through a symlink are entered only after every real
    directory, so a tree linked to from elsewhere in the root is listed under
    its real path and the link is counted as a repeat.
    """
    stack: list[_Dir] = [top]
    linked: list[_Dir] = []
    while stack or linked:
        if not stack:
            entry = linked.pop(0)
            key = _dir_key(entry[0])
            if key in w.seen_dirs:
                w.skipped[SKIP_SYMLINK_LOOP] += 1
                continue
            w.seen_dirs.add(key)
            stack.append(entry)
        subdirs = _walk_one(w, stack.pop(), linked, on_progress)
        stack.extend(reversed(subdirs))


def _walk_one(w: _Walker, current: _Dir, linked: list[_Dir], on_progress: Callable[[int], None] | None) -> list[_Dir]:
    """Consider the files of one directory; return its real subdirectories to walk."""
    directory, rel_dir, specs, in_js_package = current
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        w.diagnostics.append(Diagnostic(rel_dir or ".", 0, "warning", f"cannot list directory: {e.strerror or e}"))
        w.skipped[SKIP_UNREADABLE] += 1
        return []
    names = frozenset(e.name for e in entries)
    if w.use_ignore_files and ".gitignore" in names:
        gi = _load_gitignore(directory)
        specs = [*specs, (rel_dir, gi)] if gi is not None else specs
    if "tsconfig.json" in names:
        w.declared_outputs.update(_ts_out_dirs(directory, rel_dir))
    here = (directory, rel_dir, specs, in_js_package or "package.json" in names)
    subdirs: list[_Dir] = []
    for entry in entries:
        rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
        kind = _entry_kind(w, entry)
        if kind in ("dir", "link-dir"):
            subdir = _consider_dir(w, entry, rel, here, names, linked)
            if subdir is not None:
                subdirs.append(subdir)
        elif kind == "file":
            _consider_file(w, entry, rel, specs)
            if on_progress and w.files and len(w.files) % 500 == 0:
                on_progress(len(w.files))
    return subdirs


def _entry_kind(w: _Walker, entry: os.DirEntry[str]) -> str:
    """ "dir", "file", or "" for a symlink that leaves the root or leads nowhere (counted)."""
    try:
        is_link = entry.is_symlink()
        is_dir = entry.is_dir(follow_symlinks=True)
    except OSError:
        is_link, is_dir = True, False
    if is_link:
        target = os.path.realpath(entry.path)
        if not os.path.exists(target):
            w.skipped[SKIP_SYMLINK_LOOP if _is_loop(entry.path) else SKIP_SYMLINK_OUTSIDE] += 1
            return ""
        if not _is_within(target, w.real_root):
            w.skipped[SKIP_SYMLINK_OUTSIDE] += 1
            return ""
    return ("link-dir" if is_link else "dir") if is_dir else "file"


def _consider_dir(
    w: _Walker, entry: os.DirEntry[str], rel: str, parent: _Dir, siblings: frozenset[str], linked: list[_Dir]
) -> _Dir | None:
    """The subdirectory to walk, or None when it is skipped whole (reason and path recorded)."""
    if entry.name == ".git":
        return None
    specs, in_js_package = parent[2], parent[3]
    reason = _default_exclusion(w, entry, rel, siblings, in_js_package) if w.settings.use_default_excludes else ""
    if not reason and _ignored(rel, True, specs):
        reason = SKIP_GITIGNORED_DIR
    if reason:
        w.skipped[reason] += 1
        if reason != SKIP_VENDORED_DIR or entry.name not in TOOL_DIRS:
            w.skipped_dirs.append((rel, reason))
        return None
    subdir = (entry.path, rel, specs, in_js_package)
    if entry.is_symlink():
        linked.append(subdir)
        return None
    try:
        key = _dir_key(entry)
    except OSError:
        key = (-1, -1)
    if key in w.seen_dirs:
        w.skipped[SKIP_SYMLINK_LOOP] += 1
        return None
    w.seen_dirs.add(key)
    return subdir


def _default_exclusion(
    w: _Walker, entry: os.DirEntry[str], rel: str, siblings: frozenset[str], in_js_package: bool
) -> str:
    """Why a default exclusion skips this folder ("" when none does).

    Vendored trees and tool caches by name; a virtualenv by its ``pyvenv.cfg``; a build output when
    the build tool beside it (or a package.json above it) makes the name one, or a tsconfig.json
    names it as its ``outDir``.
    """
    name = entry.name
    if name in VENDORED_DIRS or name in TOOL_DIRS:
        return SKIP_VENDORED_DIR
    if os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
        return SKIP_VIRTUALENV_DIR
    if rel in w.declared_outputs:
        return SKIP_BUILD_DIR
    markers = BUILD_OUTPUT_MARKERS.get(name, ())
    if any(
        (m[1:] and any(s.endswith(m[1:]) for s in siblings)) if m.startswith("*") else m in siblings for m in markers
    ) or (in_js_package and name in JS_BUILD_OUTPUTS):
        return SKIP_BUILD_DIR
    return ""


def _ts_out_dirs(directory: str, rel_dir: str) -> set[str]:
    """The folders a tsconfig.json in ``directory`` writes its output to (repo-relative)."""
    try:
        with open(os.path.join(directory, "tsconfig.json"), encoding="utf-8", errors="replace") as fh:
            text = fh.read(262144)
    except OSError:
        return set()
    out = set()
    for found in _TS_OUT_DIR.findall(text):
        path = os.path.normpath(os.path.join(rel_dir, found)).replace(os.sep, "/")
        if path not in (".", "") and not path.startswith(".."):
            out.add(path)
    return out


def _dir_key(entry: os.DirEntry[str] | str | Path) -> tuple[int, int]:
    """Identity of a directory (cheap, unlike realpath on a deep path)."""
    st = entry.stat(follow_symlinks=True) if isinstance(entry, os.DirEntry) else os.stat(entry)
    return (st.st_dev, st.st_ino)


def _is_loop(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as e:
        return e.errno == 40  # ELOOP
    return False


def _consider_file(
    w: _Walker, entry: os.DirEntry[str], rel: str, specs: list[tuple[str, pathspec.GitIgnoreSpec]]
) -> None:
    if rel in w.outputs:
        w.skipped[SKIP_OUTPUT] += 1
        return
    if entry.name == ".gitignore":
        return
    if _ignored(rel, False, specs):
        w.skipped[SKIP_GITIGNORED] += 1
        return
    if w.exclude is not None and w.exclude.match_file(rel):
        w.skipped[SKIP_EXCLUDED] += 1
        return
    if w.include is not None and not w.include.match_file(rel):
        w.skipped[SKIP_NOT_INCLUDED] += 1
        return
    language = language_for_path(rel)
    if language is None:
        w.skipped[SKIP_UNSUPPORTED] += 1
        return
    if w.settings.use_default_excludes and language == "go" and _go_ignores(rel):
        w.skipped[SKIP_GO_IGNORED] += 1
        return
    if w.settings.use_default_excludes and entry.name.lower().endswith(_GENERATED_SUFFIXES):
        w.skipped[SKIP_MINIFIED if ".min." in entry.name or "-min." in entry.name else SKIP_GENERATED] += 1
        return
    try:
        st = entry.stat(follow_symlinks=True)
        if not stat.S_ISREG(st.st_mode):
            w.skipped[SKIP_UNREADABLE] += 1
            return
        if st.st_size > w.settings.max_file_bytes:
            w.skipped[SKIP_TOO_LARGE] += 1
            return
        size = st.st_size
        known = w.stats.lookup(rel, st)
        if known is None:
            with open(entry.path, "rb") as fh:
                data = fh.read()
            size, verdict = len(data), _verdict(data, language)
            decided = _language_from_content(rel, language, data)
            if size == st.st_size:  # else it changed while read: hash it again next time
                w.stats.record(rel, st, verdict, decided)
        else:
            verdict, decided = known
        language = decided or language
    except OSError as e:
        w.skipped[SKIP_UNREADABLE] += 1
        w.diagnostics.append(Diagnostic(rel, 0, "warning", f"cannot read file: {e.strerror or e}"))
        return
    if verdict in (SKIP_BINARY, SKIP_MINIFIED, SKIP_OBJC):
        w.skipped[verdict] += 1
        return
    w.files.append(SourceFile(rel, language, size, verdict))


def _go_ignores(rel: str) -> bool:
    """Whether the go tool leaves out a .go file: one whose name, or a directory's above it, starts
    with ``_`` or ``.``, or one below a directory named ``testdata`` (fixtures, often invalid Go
    on purpose)."""
    *dirs, name = rel.split("/")
    return name.startswith(("_", ".")) or any(d == "testdata" or d.startswith(("_", ".")) for d in dirs)


def _verdict(data: bytes, language: str) -> str:
    """What the bytes decide: a skip reason, or the sha256 hex that identifies the content."""
    if _is_binary(data):
        return SKIP_BINARY
    if language in ("javascript", "typescript", "tsx") and _is_minified(data):
        return SKIP_MINIFIED
    if language == "c" and _OBJC_MARKERS.search(data, 0, _CPP_SNIFF):
        return SKIP_OBJC  # a .h of Objective-C: the C grammar would only report syntax errors
    return hashlib.sha256(data).hexdigest()


#: lines that only C++ has (a C header's ``extern "C"`` / ``__cplusplus`` guards do not count)
_CPP_MARKERS = re.compile(
    rb"^[ \t]*(?:template[ \t]*<|namespace(?:[ \t]+[\w:]+)?[ \t]*\{|using[ \t]+namespace[ \t]"
    rb"|class[ \t]+[A-Za-z_]\w*(?:[ \t]+final)?[ \t]*(?:[:{;]|$)|(?:public|private|protected)[ \t]*:(?!:))"
    rb"|\bstd::\w",
    re.MULTILINE,
)
_CPP_SNIFF = 256 * 1024
#: lines only Objective-C has (@interface ... @end, #import)
_OBJC_MARKERS = re.compile(
    rb"^[ \t]*(?:@(?:interface|protocol|implementation|end)\b|#[ \t]*import[ \t]*[<\"])", re.MULTILINE
)


def _language_from_content(rel: str, language: str, data: bytes) -> str:
    """The language the bytes decide where the extension cannot: "cpp" for a ``.h`` header
    with C++-only lines (classes, namespaces, templates, access specifiers, ``std::``), else ""."""
    if language == "c" and rel.lower().endswith(".h") and _CPP_MARKERS.search(data, 0, _CPP_SNIFF):
        return "cpp"
    return ""


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text
    if b"\x00" not in head:
        return False
    # a few NULs in otherwise printable text are reported by parse, not skipped
    nonprint = sum(1 for b in head if b < 9 or 13 < b < 32)
    return nonprint > len(head) // 20


def _is_minified(data: bytes) -> bool:
    head = data[:_MINIFY_SNIFF]
    lines = head.count(b"\n") + 1
    return len(head) > 4096 and len(head) / lines > _MINIFIED_LINE

"""On-disk caches, one file per analyzed root and kind, under ``Settings.cache_dir``:

* ``parse/<root>.pkl``: per-file parse results keyed by path + content digest.  Workers
  pickle their batch once (:func:`dumps`); the same bytes are stored here unchanged as a
  *blob*, and an index maps each path to (language, size, digest, blob, position).
* ``stat/<root>.pkl``: discovery's stat index (size, mtime, ctime, inode -> digest or
  skip verdict), so that unchanged files are not read and hashed again.
* ``run/<root>.pkl``: the whole static result after discovery (the parsed files without
  their references and imports, resolution, churn, graph analysis) keyed by a hash of
  everything it depends on (:func:`run_key`); checked before parsing, so a hit parses
  nothing.

A stale (other format, analyzer build or query fingerprint) or corrupt file is
ignored and replaced.  Writes are atomic (temp file + rename); a read-only cache
folder never fails a run.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import io
import os
import pickle
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from . import domain
from .config import Settings
from .domain import ParsedFile, SourceFile

_FORMAT = 4
_LOAD_ERRORS = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError,
                ImportError, IndexError, KeyError, MemoryError, RecursionError)
#: stat entries younger than this (relative to the index write) are re-hashed: a file
#: rewritten within the file system's timestamp granularity keeps its mtime
_RACY_NS = 2_000_000_000
#: blobs are rewritten when more than half of what they hold is stale
_COMPACT_RATIO = 2

# --- fast pickling of frozen slots dataclasses ---------------------------------------

_DISPATCH: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)


def register_values(*modules: Any) -> None:
    """Pickle the slots dataclasses of ``modules`` as ``(cls, field values)``.

    A frozen slots dataclass otherwise pickles through ``__getstate__``/``__setstate__``
    written in Python (a dict per object); as a plain tuple it is about twice as fast
    both ways.  Only classes whose fields are all ``__init__`` parameters qualify.
    """
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, type) and dataclasses.is_dataclass(value)
                    and "__slots__" in vars(value) and value not in _DISPATCH
                    and not hasattr(value, "__post_init__")):
                fields = dataclasses.fields(value)
                if fields and all(f.init for f in fields):
                    _DISPATCH[value] = _reducer(value, attrgetter(*(f.name for f in fields)),
                                                len(fields) == 1)


def _reducer(cls: type, get: Callable[[Any], Any], single: bool) -> Callable[[Any], tuple[Any, ...]]:
    if single:
        return lambda obj: (cls, (get(obj),))
    return lambda obj: (cls, get(obj))


register_values(domain)


def dumps(obj: object) -> bytes:
    """Pickle ``obj`` (domain values as plain tuples; see :func:`register_values`)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    with paused_gc():
        pickler.dump(obj)
    return buf.getvalue()


def loads(data: bytes) -> Any:
    """Unpickle with the cyclic garbage collector paused (it would scan every new object)."""
    with paused_gc():
        return pickle.loads(data)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (restored on exit).

    Building hundreds of thousands of acyclic values (parse results, edges) otherwise
    triggers full collections that rescan every object built so far.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _root_key(settings: Settings) -> str:
    return hashlib.sha256(str(settings.root.resolve()).encode()).hexdigest()[:20]


def _load_file(path: Path) -> Any:
    """The unpickled content of ``path``, or None when missing or corrupt."""
    try:
        return loads(path.read_bytes())
    except _LOAD_ERRORS:
        return None


def _write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` atomically; False (and nothing left behind) when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


# --- parse cache --------------------------------------------------------------------

#: path -> (language, size, digest, blob index, position in blob)
Entry = tuple[str, int, str, int, int]


@dataclass
class ParseCache:
    """Per-file parse results stored as the pickled batches the workers produced."""

    path: Path
    fingerprint: str
    entries: dict[str, Entry] = field(default_factory=dict)
    blobs: list[bytes] = field(default_factory=list)
    #: number of ParsedFile values in each blob
    counts: list[int] = field(default_factory=list)
    _decoded: dict[int, list[ParsedFile]] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)
    _dirty: bool = False

    @classmethod
    def open(cls, settings: Settings, fingerprint: str) -> "ParseCache":
        """Load the cache for ``settings.root`` (empty when missing, stale or corrupt)."""
        path = settings.cache_dir / "parse" / f"{_root_key(settings)}.pkl"
        cache = cls(path, f"{_FORMAT}:{code_digest()}:{fingerprint}")
        data = _load_file(path)
        if isinstance(data, dict) and data.get("fingerprint") == cache.fingerprint:
            entries, blobs, counts = data.get("entries"), data.get("blobs"), data.get("counts")
            if (isinstance(entries, dict) and isinstance(blobs, list) and isinstance(counts, list)
                    and len(blobs) == len(counts)
                    and all(isinstance(b, bytes) for b in blobs)):
                cache.entries, cache.blobs, cache.counts = entries, blobs, counts
        return cache

    def get(self, source: SourceFile) -> ParsedFile | None:
        """The cached result for exactly this file (path, language, size, digest), else None."""
        entry = self.entries.get(source.path)
        if entry is None or entry[:3] != (source.language, source.size, source.digest):
            return None
        try:
            batch = self._decoded.get(entry[3])
            if batch is None:
                batch = self._decoded[entry[3]] = loads(self.blobs[entry[3]])
            hit = batch[entry[4]]
        except _LOAD_ERRORS:
            return None
        if not isinstance(hit, ParsedFile) or hit.source != source:
            return None
        self._used.add(source.path)
        return hit

    def add(self, blob: bytes, parsed: Sequence[ParsedFile], keep: Callable[[ParsedFile], bool]) -> None:
        """Store a worker's pickled batch (``parsed`` is what it unpickles to)."""
        index = len(self.blobs)
        self.blobs.append(blob)
        self.counts.append(len(parsed))
        self._decoded[index] = list(parsed)
        for pos, p in enumerate(parsed):
            if keep(p):
                s = p.source
                self.entries[s.path] = (s.language, s.size, s.digest, index, pos)
                self._used.add(s.path)
        self._dirty = True

    def save(self) -> None:
        """Keep exactly the entries used or added in this run (atomically; errors are ignored)."""
        entries = {k: v for k, v in self.entries.items() if k in self._used}
        if not self._dirty and len(entries) == len(self.entries):
            return
        live: dict[int, int] = {}
        for e in entries.values():
            live[e[3]] = live.get(e[3], 0) + 1
        if sum(self.counts[b] for b in live) > _COMPACT_RATIO * len(entries) + 64:
            entries, blobs, counts = self._compacted(entries)
        else:
            renumber = {old: new for new, old in enumerate(sorted(live))}
            blobs = [self.blobs[old] for old in sorted(live)]
            counts = [self.counts[old] for old in sorted(live)]
            entries = {k: (*v[:3], renumber[v[3]], v[4]) for k, v in entries.items()}
        data = pickle.dumps({"fingerprint": self.fingerprint, "entries": entries, "blobs": blobs,
                             "counts": counts}, protocol=pickle.HIGHEST_PROTOCOL)
        _write_atomic(self.path, data)

    def _compacted(self, entries: dict[str, Entry]) -> tuple[dict[str, Entry], list[bytes], list[int]]:
        """Re-pickle the live values into fresh blobs (when most stored values are stale)."""
        values: list[ParsedFile] = []
        for path in sorted(entries):
            e = entries[path]
            batch = self._decoded.get(e[3])
            if batch is None:
                batch = self._decoded[e[3]] = loads(self.blobs[e[3]])
            values.append(batch[e[4]])
        out: dict[str, Entry] = {}
        blobs: list[bytes] = []
        counts: list[int] = []
        for start in range(0, len(values), 256):
            chunk = values[start:start + 256]
            for pos, p in enumerate(chunk):
                out[p.path] = (p.source.language, p.source.size, p.source.digest, len(blobs), pos)
            blobs.append(dumps(chunk))
            counts.append(len(chunk))
        return out, blobs, counts


# --- stat index (discovery) ---------------------------------------------------------

#: rel path -> (size, mtime_ns, ctime_ns, inode, verdict, language); verdict: sha256 hex or a
#: skip reason; language: what the bytes decided where the file name does not (a ``.h`` header
#: of C++), else ""
StatEntry = tuple[int, int, int, int, str, str]


@dataclass
class StatIndex:
    """Remembers what discovery learned from each file's bytes, keyed by its stat."""

    path: Path | None
    entries: dict[str, StatEntry] = field(default_factory=dict)
    trusted_before_ns: int = 0
    _fresh: dict[str, StatEntry] = field(default_factory=dict)
    _changed: bool = False

    @classmethod
    def open(cls, settings: Settings) -> "StatIndex":
        """The index of ``settings.root`` (empty when missing, corrupt or caching is off)."""
        if not settings.use_cache:
            return cls(None)
        path = settings.cache_dir / "stat" / f"{_root_key(settings)}.pkl"
        index = cls(path)
        data = _load_file(path)
        if isinstance(data, dict) and data.get("format") == _FORMAT:
            entries, written = data.get("entries"), data.get("written_ns")
            if isinstance(entries, dict) and isinstance(written, int):
                index.entries, index.trusted_before_ns = entries, written - _RACY_NS
        return index

    def lookup(self, rel: str, st: os.stat_result) -> tuple[str, str] | None:
        """(verdict, language) stored for ``rel`` if its stat is unchanged (and not racy), else None."""
        entry = self.entries.get(rel)
        if (entry is None or entry[0] != st.st_size or entry[1] != st.st_mtime_ns
                or entry[2] != st.st_ctime_ns or entry[3] != st.st_ino
                or st.st_mtime_ns >= self.trusted_before_ns or st.st_ctime_ns >= self.trusted_before_ns):
            return None
        self._fresh[rel] = entry
        return entry[4], entry[5]

    def record(self, rel: str, st: os.stat_result, verdict: str, language: str = "") -> None:
        """Remember what the bytes of ``rel`` as stat'ed in ``st`` decided (verdict, language)."""
        self._fresh[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, verdict, language)
        self._changed = True

    def save(self) -> None:
        """Keep exactly the entries seen in this walk (atomically; errors are ignored)."""
        if self.path is None or (not self._changed and len(self._fresh) == len(self.entries)):
            return
        data = pickle.dumps({"format": _FORMAT, "written_ns": time.time_ns(), "entries": self._fresh},
                            protocol=pickle.HIGHEST_PROTOCOL)
        _write_atomic(self.path, data)


@cache
def code_digest() -> str:
    """Version and a digest of the analyzer's own Python files.

    Part of every cache key: results stored by one build of the analyzer (an upgrade, a
    checkout of another commit with the same version number) are never reused by another.
    """
    from . import __version__

    return f"{__version__}+{source_digest(Path(__file__).resolve().parent)}"


def source_digest(folder: Path) -> str:
    """Digest of the names and bytes of every ``.py`` file under ``folder``."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob("*.py")):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


# --- whole-run cache ----------------------------------------------------------------

def run_key(settings: Settings, files: Sequence[SourceFile], fingerprint: str) -> str | None:
    """Hash of everything the static result after parsing depends on.

    Analyzer build (:func:`code_digest`), cache format, query fingerprint, the settings that change the
    result, every selected file (path, language, size, digest), the per-language
    configuration read from the tree (go.mod, tsconfig.json, composer.json...: the
    values resolution would load, compared by :func:`_stable_repr`) and, when git history
    is used, the commit at HEAD.  None when HEAD cannot be read (no caching).
    """
    configs = _language_configs(settings.root, files)
    h = hashlib.sha256()
    head = ""
    if settings.use_git_history and (settings.root / ".git").exists():
        found = _git_head(settings.root)
        if found is None:
            return None
        head = found
    parts = (_FORMAT, code_digest(), fingerprint, str(settings.root.resolve()), settings.include,
             settings.exclude, settings.use_default_excludes, settings.max_file_bytes,
             settings.use_git_history, head, _stable_repr(configs))
    h.update(repr(parts).encode())
    for f in files:
        h.update(f"\0{f.path}\0{f.language}\0{f.size}\0{f.digest}".encode())
    return h.hexdigest()


def _stable_repr(value: object) -> str:
    """``repr`` with sets and dicts in sorted order: a set's iteration order follows string hashes,
    which differ from one process to the next (a JavaScript configuration's set of JSON files made
    every other warm run miss its key)."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_stable_repr(v) for v in value)) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(f"{_stable_repr(k)}: {_stable_repr(v)}" for k, v in value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_stable_repr(v) for v in value) + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value).__name__ + "(" + ", ".join(
            f"{f.name}={_stable_repr(getattr(value, f.name))}" for f in dataclasses.fields(value)) + ")"
    return repr(value)


def _language_configs(root: Path, files: Sequence[SourceFile]) -> list[tuple[str, object]]:
    """What each language present loads from the tree (exactly as ``resolve.build_index`` does)."""
    from .languages import load_language_configs

    loaded = load_language_configs(root, frozenset(f.path for f in files), (f.language for f in files))
    return sorted(loaded.items())


def _git_head(root: Path) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        out = subprocess.run([git, "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             timeout=30, check=False,
                             env={"GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent", "PATH": ""})
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout.decode("ascii", "replace").strip()
    return text if out.returncode == 0 and text else None


@dataclass
class RunCache:
    """One stored static result per root, valid for exactly one :func:`run_key`."""

    path: Path
    key: str

    @classmethod
    def open(cls, settings: Settings, key: str) -> "RunCache":
        """The run cache of ``settings.root`` for ``key`` (nothing is read yet)."""
        return cls(settings.cache_dir / "run" / f"{_root_key(settings)}.pkl", key)

    def load(self) -> Any:
        """The stored value if it was saved under this key, else None (missing, stale, corrupt)."""
        data = _load_file(self.path)
        if isinstance(data, tuple) and len(data) == 3 and data[0] == _FORMAT and data[1] == self.key:
            return data[2]
        return None

    def save(self, value: object) -> None:
        """Store ``value`` under this key (atomically; errors are ignored)."""
        try:
            data = dumps((_FORMAT, self.key, value))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return
        _write_atomic(self.path, data)


__all__ = ["ParseCache", "RunCache", "StatIndex", "dumps", "loads", "register_values", "run_key"]

"""The run cache (``run/<root>.pkl``): the whole static result after discovery, under one key.

The key (:func:`run_key`) hashes everything the result depends on, so a warm run checks it
before parsing and a hit parses nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analyzer.config import Settings
from analyzer.domain import SourceFile
from analyzer.static._codec import FORMAT, dumps, load_file, root_key, write_atomic
from analyzer.static.result import StaticResult


@cache
def code_digest() -> str:
    """Version and a digest of the analyzer's own Python files.

    Part of every cache key: results stored by one build of the analyzer (an upgrade, a
    checkout of another commit with the same version number) are never reused by another.
    """
    from analyzer import __version__

    return f"{__version__}+{source_digest(Path(__file__).resolve().parent.parent)}"


def source_digest(folder: Path) -> str:
    """Digest of the names and bytes of every ``.py`` file under ``folder``."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob("*.py")):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


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
    parts = (
        FORMAT,
        code_digest(),
        fingerprint,
        str(settings.root.resolve()),
        settings.include,
        settings.exclude,
        settings.use_default_excludes,
        settings.max_file_bytes,
        settings.use_git_history,
        settings.use_ignore_files,
        head,
        _stable_repr(configs),
    )
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
        return (
            type(value).__name__
            + "("
            + ", ".join(f"{f.name}={_stable_repr(getattr(value, f.name))}" for f in dataclasses.fields(value))
            + ")"
        )
    return repr(value)


def _language_configs(root: Path, files: Sequence[SourceFile]) -> list[tuple[str, object]]:
    """What each language present loads from the tree (exactly as ``resolve.build_index`` does)."""
    from analyzer.static.languages import load_language_configs

    loaded = load_language_configs(root, frozenset(f.path for f in files), (f.language for f in files))
    return sorted(loaded.items())


def _git_head(root: Path) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        out = subprocess.run(
            [git, "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            timeout=30,
            check=False,
            env={"GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent", "PATH": ""},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout.decode("ascii", "replace").strip()
    return text if out.returncode == 0 and text else None


@dataclass
class RunCache:
    """One stored :class:`StaticResult` per root, valid for exactly one :func:`run_key`."""

    path: Path
    key: str

    @classmethod
    def open(cls, settings: Settings, files: Sequence[SourceFile], fingerprint: str) -> RunCache | None:
        """The run cache of ``settings.root`` for these files (None when caching is off or HEAD unreadable)."""
        key = run_key(settings, files, fingerprint) if settings.use_cache else None
        return cls(settings.cache_dir / "run" / f"{root_key(settings)}.pkl", key) if key else None

    def load(self) -> StaticResult | None:
        """The stored result if it was saved under this key, else None (missing, stale, corrupt)."""
        data = load_file(self.path)
        if (
            isinstance(data, tuple)
            and len(data) == 3
            and data[0] == FORMAT
            and data[1] == self.key
            and isinstance(data[2], StaticResult)
        ):
            return data[2]
        return None

    def save(self, value: StaticResult) -> None:
        """Store ``value`` under this key (atomically; errors are ignored)."""
        try:
            data = dumps((FORMAT, self.key, value))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return
        write_atomic(self.path, data)

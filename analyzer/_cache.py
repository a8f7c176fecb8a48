"""On-disk parse cache: one pickle per analyzed root, keyed by path + content digest.

A stale (other analyzer version / query fingerprint) or corrupt cache file is
ignored and replaced.  Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .domain import ParsedFile, SourceFile

_FORMAT = 1


@dataclass
class ParseCache:
    path: Path
    fingerprint: str
    entries: dict[str, ParsedFile] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: Settings, fingerprint: str) -> "ParseCache":
        """Load the cache for ``settings.root`` (empty when missing, stale or corrupt)."""
        from . import __version__

        key = hashlib.sha256(str(settings.root.resolve()).encode()).hexdigest()[:20]
        path = settings.cache_dir / "parse" / f"{key}.pkl"
        fp = f"{_FORMAT}:{__version__}:{fingerprint}"
        cache = cls(path, fp)
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
            if isinstance(data, dict) and data.get("fingerprint") == fp:
                entries = data.get("entries")
                if isinstance(entries, dict):
                    cache.entries = entries
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError,
                TypeError, ImportError, IndexError):
            pass  # missing or corrupt: start empty, rewritten on save
        return cache

    def get(self, source: SourceFile) -> ParsedFile | None:
        hit = self.entries.get(source.path)
        if hit is not None and hit.source == source:
            return hit
        return None

    def save(self, parsed: Iterable[ParsedFile]) -> None:
        """Replace the cache with exactly these results (atomically; errors are ignored)."""
        entries = {p.path: p for p in parsed}
        if entries == self.entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump({"fingerprint": self.fingerprint, "entries": entries}, fh,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a read-only cache dir must not fail the run
        self.entries = entries

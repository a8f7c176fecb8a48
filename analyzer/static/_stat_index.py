"""Discovery's stat index (``stat/<root>.pkl``): what each file's bytes decided, keyed by its stat.

Size, mtime, ctime and inode -> digest or skip verdict, so that unchanged files are not read
and hashed again.
"""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.config import Settings
from analyzer.static._codec import FORMAT, load_file, root_key, write_atomic

#: stat entries younger than this (relative to the index write) are re-hashed: a file
#: rewritten within the file system's timestamp granularity keeps its mtime
_RACY_NS = 2_000_000_000

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
    def open(cls, settings: Settings) -> StatIndex:
        """The index of ``settings.root`` (empty when missing, corrupt or caching is off)."""
        if not settings.use_cache:
            return cls(None)
        path = settings.cache_dir / "stat" / f"{root_key(settings)}.pkl"
        index = cls(path)
        data = load_file(path)
        if isinstance(data, dict) and data.get("format") == FORMAT:
            entries, written = data.get("entries"), data.get("written_ns")
            if isinstance(entries, dict) and isinstance(written, int):
                index.entries, index.trusted_before_ns = entries, written - _RACY_NS
        return index

    def lookup(self, rel: str, st: os.stat_result) -> tuple[str, str] | None:
        """(verdict, language) stored for ``rel`` if its stat is unchanged (and not racy), else None."""
        entry = self.entries.get(rel)
        if (
            entry is None
            or entry[0] != st.st_size
            or entry[1] != st.st_mtime_ns
            or entry[2] != st.st_ctime_ns
            or entry[3] != st.st_ino
            or st.st_mtime_ns >= self.trusted_before_ns
            or st.st_ctime_ns >= self.trusted_before_ns
        ):
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
        data = pickle.dumps(
            {"format": FORMAT, "written_ns": time.time_ns(), "entries": self._fresh}, protocol=pickle.HIGHEST_PROTOCOL
        )
        write_atomic(self.path, data)

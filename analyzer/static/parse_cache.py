"""The parse cache (``parse/<root>.pkl``): per-file parse results keyed by path + content digest.

Workers pickle their batch once (:func:`~analyzer.static._codec.dumps`); the same bytes are
stored here unchanged as a *blob*, and an index maps each path to (language, size, digest,
blob, position).  A file stored by another cache format, analyzer build or query fingerprint is
ignored and replaced.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.config import Settings
from analyzer.domain import ParsedFile, SourceFile
from analyzer.static import run_cache
from analyzer.static._codec import FORMAT, LOAD_ERRORS, dumps, load_file, loads, root_key, write_atomic

#: blobs are rewritten when more than half of what they hold is stale
_COMPACT_RATIO = 2

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
    def open(cls, settings: Settings, fingerprint: str) -> ParseCache:
        """Load the cache for ``settings.root`` (empty when missing, stale or corrupt)."""
        path = settings.cache_dir / "parse" / f"{root_key(settings)}.pkl"
        cache = cls(path, f"{FORMAT}:{run_cache.code_digest()}:{fingerprint}")
        data = load_file(path)
        if isinstance(data, dict) and data.get("fingerprint") == cache.fingerprint:
            entries, blobs, counts = data.get("entries"), data.get("blobs"), data.get("counts")
            if (
                isinstance(entries, dict)
                and isinstance(blobs, list)
                and isinstance(counts, list)
                and len(blobs) == len(counts)
                and all(isinstance(b, bytes) for b in blobs)
            ):
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
        except LOAD_ERRORS:
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
        data = pickle.dumps(
            {"fingerprint": self.fingerprint, "entries": entries, "blobs": blobs, "counts": counts},
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        write_atomic(self.path, data)

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
            chunk = values[start : start + 256]
            for pos, p in enumerate(chunk):
                out[p.path] = (p.source.language, p.source.size, p.source.digest, len(blobs), pos)
            blobs.append(dumps(chunk))
            counts.append(len(chunk))
        return out, blobs, counts

"""On-disk store of llama.cpp KV state for a shared prompt prefix.

A state file is keyed by sha256(model file identity + n_ctx + kv_type + prefix
tokens).  Layout (little endian)::

    magic    8 bytes  b"ANKVST01"
    key     64 bytes  hex sha256 (must match the file name and the request)
    n_tok    8 bytes  number of prefix tokens
    n_state  8 bytes  length of the llama.cpp state blob
    digest  32 bytes  sha256(tokens + state)
    tokens   4 * n_tok bytes (int32)
    state    n_state bytes

Anything that does not match (short file, wrong magic, other key, other
tokens, bad checksum) is treated as absent: the prefix is evaluated again and
the file rewritten.  Writes go to a temporary file renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"ANKVST01"
_HEAD = struct.Struct("<8s64sQQ32s")
SUFFIX = ".kvstate"


def model_identity(path: Path) -> str:
    """Path + size + mtime: changes whenever the model file is replaced."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def common_prefix_length(a: Sequence[int], b: Sequence[int]) -> int:
    """Number of leading items ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _token_bytes(tokens: Sequence[int]) -> bytes:
    arr = array("i", (int(t) for t in tokens))
    if arr.itemsize != 4:  # pragma: no cover - every supported platform has 32-bit int
        raise RuntimeError("array('i') is not 32-bit")
    return arr.tobytes()


@dataclass(frozen=True, slots=True)
class KVStateStore:
    """Saves and loads KV state blobs for one model configuration."""

    directory: Path
    identity: str
    n_ctx: int
    kv_type: str

    def key(self, tokens: Sequence[int]) -> str:
        """The hex sha256 naming the state of ``tokens``."""
        h = hashlib.sha256()
        h.update(f"{self.identity}\0{self.n_ctx}\0{self.kv_type}\0".encode())
        h.update(_token_bytes(tokens))
        return h.hexdigest()

    def path_for(self, tokens: Sequence[int]) -> Path:
        """Where the state of ``tokens`` is (or would be) stored."""
        return self.directory / f"{self.key(tokens)}{SUFFIX}"

    def load(self, tokens: Sequence[int]) -> bytes | None:
        """The stored state blob for ``tokens``, or None when absent, stale or corrupt."""
        path = self.path_for(tokens)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) < _HEAD.size:
            return None
        magic, key, n_tok, n_state, digest = _HEAD.unpack_from(data)
        tok = _token_bytes(tokens)
        body = data[_HEAD.size :]
        if (
            magic != MAGIC
            or key.decode("ascii", "replace") != self.key(tokens)
            or n_tok != len(tokens)
            or len(body) != 4 * n_tok + n_state
            or body[: 4 * n_tok] != tok
            or hashlib.sha256(body).digest() != digest
        ):
            return None
        return body[4 * n_tok :]

    def save(self, tokens: Sequence[int], state: bytes) -> Path:
        """Write the state of ``tokens`` atomically; returns the file path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(tokens)
        body = _token_bytes(tokens) + state
        head = _HEAD.pack(
            MAGIC, self.key(tokens).encode("ascii"), len(tokens), len(state), hashlib.sha256(body).digest()
        )
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=SUFFIX)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(head)
                fh.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

"""The byte format of the static caches: fast pickling of domain values, atomic cache files.

Shared by the parse cache, the stat index and the run cache (each stores one file per analyzed
root and kind under ``Settings.cache_dir``).  A stale or corrupt file reads as None; a write that
fails leaves nothing behind and never fails a run.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import Any

from analyzer import domain
from analyzer.config import Settings

FORMAT = 5
LOAD_ERRORS = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    AttributeError,
    ValueError,
    TypeError,
    ImportError,
    IndexError,
    KeyError,
    MemoryError,
    RecursionError,
)
_DISPATCH: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)


def register_values(*modules: Any) -> None:
    """Pickle the slots dataclasses of ``modules`` as ``(cls, field values)``.

    A frozen slots dataclass otherwise pickles through ``__getstate__``/``__setstate__``
    written in Python (a dict per object); as a plain tuple it is about twice as fast
    both ways.  Only classes whose fields are all ``__init__`` parameters qualify.
    """
    for module in modules:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and "__slots__" in vars(value)
                and value not in _DISPATCH
                and not hasattr(value, "__post_init__")
            ):
                fields = dataclasses.fields(value)
                if fields and all(f.init for f in fields):
                    _DISPATCH[value] = _reducer(value, attrgetter(*(f.name for f in fields)), len(fields) == 1)


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


def root_key(settings: Settings) -> str:
    """The cache file stem of ``settings.root`` (a digest of its absolute path)."""
    return hashlib.sha256(str(settings.root.resolve()).encode()).hexdigest()[:20]


def load_file(path: Path) -> Any:
    """The unpickled content of ``path``, or None when missing or corrupt."""
    try:
        return loads(path.read_bytes())
    except LOAD_ERRORS:
        return None


def write_atomic(path: Path, data: bytes) -> bool:
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

"""Output files: checked before any work starts, written atomically when done."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from analyzer.errors import OutputPathError


def check_writable(path: Path) -> None:
    """Fail early (before any work) when an output path cannot be written.

    Probes the folder by creating (and removing) a temporary file there, since
    permission bits do not tell (root, read-only or pseudo file systems).

    Raises:
        OutputPathError: the path is a directory, or its folder is missing or not writable.
    """
    parent = _check_target(path)
    try:
        fd, probe = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise OutputPathError(f"{path}: not writable ({e.strerror or e})") from e
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def _check_target(path: Path) -> Path:
    """The checks that need no probe file; returns the folder to write in."""
    if path.is_dir():
        raise OutputPathError(f"{path}: is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputPathError(f"{path}: folder {parent} does not exist")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputPathError(f"{path}: not writable")
    return parent


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never half-written.

    Raises:
        OutputPathError: the file cannot be written.
    """
    parent = _check_target(path)  # the temporary file below is the write probe
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise OutputPathError(f"{path}: not writable ({e.strerror or e})") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, _new_file_mode(path))  # mkstemp creates 0600; give the usual mode
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputPathError(f"{path}: cannot write ({e.strerror or e})") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_file_mode(path: Path) -> int:
    """The mode of the file being replaced, else 0o666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask

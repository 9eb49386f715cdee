"""Files quizzer writes: whole or not at all, with normal permissions, and caches verified.

:func:`write_atomically` is every writer's way to a file (cache entries, PNGs, PDFs): a
temporary file beside the target, renamed into place, so a reader (or a crash) never sees
half a file. The result has the mode a plain ``open()`` would give it: a new file follows
the umask (0644 under the usual 022), a replaced file keeps its mode. ``mkstemp`` alone
would leave every output 0600.

Everything in the cache folder can be deleted at any time; it only costs speed. Entries are
named by a hash of what they were made from (for files: path, size and modification time,
which is how the bank snapshot and the worked-example cache notice an edited file without
reading it), and never trusted blindly: a JSON entry carries the SHA-256 of its content
(:func:`write_verified`, :func:`read_verified`), a PNG must be a whole PNG (:func:`png_is_whole`:
signature, every chunk's CRC-32, the end chunk, nothing after it). Any doubt means the caller
computes it again.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import tempfile
import threading
import zlib
from functools import lru_cache
from pathlib import Path
from typing import IO, Callable, Iterable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Part of the code key, so bumping it disowns every kept run (2: entries carry their SHA-256).
CODE_FORMAT = "2"
_VERIFIED = b"quizzer-cache sha256="  # first line of a verified entry: this, 64 hex, newline


def stat_key(paths: Iterable[Path], *extra: str) -> str | None:
    """A hash of ``extra`` and each file's resolved path, size and mtime; None if a file is
    missing (the caller then does the real work, which reports it)."""
    parts = list(extra)
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            return None
        parts.append(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}")
    return hashlib.sha256(chr(0).join(parts).encode()).hexdigest()


# ------------------------------------------------------------------------------ writing

_umask_lock = threading.Lock()
_umask: int | None = None


@lru_cache(maxsize=1)
def code_key() -> str | None:
    """A key of the simulations' code: size and mtime of every simulations source file and
    of the data they read, with the quizzer version. None if a file cannot be read.
    Kept runs are filed under it, and it is part of the bank snapshot's key."""
    from importlib.util import find_spec

    from quizzer import __version__

    folders = [Path(find_spec(name).submodule_search_locations[0])
               for name in ("quizzer.simulations", "quizzer.question_bank")]
    files = sorted(folders[0].glob("*.py")) + sorted((folders[1] / "data").glob("*"))
    return stat_key(files, CODE_FORMAT, __version__)


def umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux
    /proc), else by setting and restoring it under a lock (threads draw PNGs)."""
    global _umask
    if _umask is None:
        with _umask_lock:
            try:
                with open("/proc/self/status", encoding="ascii") as status:
                    _umask = next(int(line.split()[1], 8) for line in status
                                  if line.startswith("Umask:"))
            except (OSError, StopIteration, ValueError, IndexError):
                _umask = os.umask(0o022)
                os.umask(_umask)
    return _umask


def mode_for(path: Path) -> int:
    """The permission bits ``path`` should get: its own if it exists (a replaced file keeps
    its mode), else what ``open()`` would create (0666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~umask()


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """Call ``write`` on a temporary file beside ``path`` and rename it into place, so a
    reader (or a crash) never sees half a file; the file gets :func:`mode_for` ``path``.
    Errors (OSError for a full disk or a folder that cannot be written) propagate; the
    temporary is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # POSIX; Windows files carry no such mode bits
            os.fchmod(fd, mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ------------------------------------------------------------------------------ verifying

def write_verified(path: Path, data: bytes) -> Path:
    """Write ``data`` atomically after a first line holding its SHA-256."""
    digest = hashlib.sha256(data).hexdigest().encode()
    return write_atomically(path, lambda handle: handle.write(_VERIFIED + digest + b"\n"
                                                              + data))


def read_verified(path: Path) -> bytes | None:
    """The data :func:`write_verified` wrote, or None if the file is missing, unreadable,
    cut short, edited, or not a verified entry at all."""
    try:
        blob = Path(path).read_bytes()
    except OSError:
        return None
    head, newline, data = blob.partition(b"\n")
    if not newline or not head.startswith(_VERIFIED):
        return None
    if hashlib.sha256(data).hexdigest().encode() != head[len(_VERIFIED):]:
        return None
    return data


def png_is_whole(path: Path) -> bool:
    """True if ``path`` is a complete PNG: the signature, then chunks whose CRC-32s all
    match, starting with IHDR and ending with IEND at the file's last byte. A truncated,
    empty, padded or scribbled-on file is False."""
    try:
        blob = Path(path).read_bytes()
    except OSError:
        return False
    if not blob.startswith(PNG_SIGNATURE):
        return False
    pos, first = len(PNG_SIGNATURE), True
    while pos + 12 <= len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        end = pos + 12 + length
        if end > len(blob) or (first and kind != b"IHDR"):
            return False
        crc = struct.unpack(">I", blob[end - 4:end])[0]
        if zlib.crc32(blob[pos + 4:end - 4]) != crc:
            return False
        if kind == b"IEND":
            return end == len(blob)
        pos, first = end, False
    return False

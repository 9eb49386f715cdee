"""Files quizzer writes: whole or not at all, with normal permissions, and caches verified.

:func:`write_atomically` is every writer's way to a file (cache entries, PNGs, PDFs): a
temporary file beside the target, renamed into place, so a reader (or a crash) never sees
half a file. The result has the mode a plain ``open()`` would give it: a new file follows
the umask (0644 under the usual 022), a replaced file keeps its mode. ``mkstemp`` alone
would leave every output 0600.

Everything in the cache folder can be deleted at any time; it only costs speed. Entries are
named by a hash of what they were made from (for files: path, size and modification time,
which is how the bank snapshot and the worked-example cache notice an edited file without
reading it), and never trusted blindly: a JSON entry carries the CRC-32 of its content
(:func:`write_verified`, :func:`read_verified`), a PNG must be a whole PNG (:func:`png_is_whole`:
signature, every chunk's CRC-32, the end chunk, nothing after it). Any doubt means the caller
computes it again.

CRC-32, not a cryptographic hash, on the path of every start: it is what PNG and zip use
against damage (a torn write, a flipped bit, a truncated copy), and it is in zlib, which
costs nothing to import, where hashlib loads OpenSSL (about 3 ms, 5 % of a start). Neither
would stop someone who can write the cache folder, who could recompute either; what an entry
says is checked on reading as well (quizzer.content.bank_snapshot). An entry whose name is a
CRC of its key also holds the key itself (:func:`key_name`), so two keys that share a name
only cost a rebuild.

This module also owns the cache folder (the last section): where each of its three caches
keeps its entries, and how each stays bounded.

- the bank snapshot, ``bank-<source>-<key>.json``, an entry per bank file: the newest
  entry of each file only, and all of them within :data:`BANK` (64 MiB), so the entries of
  banks no longer used go too (their content is quizzer.content.bank_snapshot's);
- the run cache, ``examples-<code key>/<scenario>-<call hash>.json``: the current code's
  folder only, and within it at most :data:`RUNS` (32 MiB);
- plots, ``<scenario>-<chart hash>.png``: at most :data:`PLOTS` (64 MiB).

Bounded caches evict the least recently used entries: a hit marks its entry used (its
modification time is set to now; access times are not kept on many file systems), and
after a write the folder is swept down to three quarters of its bound, oldest use first.
Entries used in the last :data:`KEEP_SECONDS` are never evicted, so a running export or
session keeps the plots it has handed out; above the bound only by those.
"""

from __future__ import annotations

import os
import stat
import struct
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Callable, Iterable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Part of the code key, so bumping it disowns every kept run (2: entries carry their SHA-256;
# 3: their CRC-32).
CODE_FORMAT = "3"
_VERIFIED = b"quizzer-cache crc32="  # first line of a verified entry: this, 8 hex, newline


def stat_key(paths: Iterable[Path], *extra: str, resolved: bool = False) -> str | None:
    """``extra`` and each file's resolved path, size and mtime, as one line of text (names
    are made from it with :func:`key_name`); None if a file is missing (the caller then does
    the real work, which reports it). ``resolved``: the paths are real paths already."""
    parts = list(extra)
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            return None
        parts.append(f"{path if resolved else real_path(path)}|{st.st_size}|{st.st_mtime_ns}")
    return ascii(chr(0).join(parts))


# A path's real path, once per process: every start asks it of each bank file two or three
# times (its entry's name and key), and realpath looks at every folder on the way.
_real_path = lru_cache(maxsize=4096)(os.path.realpath)


def real_path(path: str | os.PathLike) -> str:
    """``path`` with every symbolic link resolved (os.path.realpath), asked once per process."""
    return _real_path(os.fspath(path))


def key_name(key: str) -> str:
    """Eight hex digits for a file name made from ``key`` (its CRC-32). Different keys can
    share a name, so an entry named this way also holds its key and is used only when the
    key matches."""
    return f"{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}"


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

    code, bank = (os.path.realpath(find_spec(name).submodule_search_locations[0])
                  for name in ("quizzer.simulations", "quizzer.question_bank"))
    data = os.path.join(bank, "data")
    try:  # listed with os, not Path.glob: this runs before every first question
        files = ([os.path.join(code, n) for n in sorted(os.listdir(code)) if n.endswith(".py")]
                 + [os.path.join(data, n) for n in sorted(os.listdir(data))])
    except OSError:
        return None
    return stat_key(files, CODE_FORMAT, __version__, resolved=True)  # (in real folders)


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
    import tempfile  # writing only: reading a cache entry, as every start does, needs none

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
    """Write ``data`` atomically after a first line holding its CRC-32."""
    digest = b"%08x" % zlib.crc32(data)
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
    if b"%08x" % zlib.crc32(data) != head[len(_VERIFIED):]:
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


# ------------------------------------------------------------------------- the cache folder

@dataclass(frozen=True)
class Bound:
    """The entries of one cache (``pattern``, a glob in its folder) and the bytes they may
    take together before the least recently used go."""

    pattern: str
    max_bytes: int


# The built-in bank's plots take about 8 MiB (113 PNGs of about 74 KB), its runs under 2 MiB:
# the bounds hold several such banks, and what one `explain --set` sweep of values leaves.
PLOTS = Bound("*.png", 64 * 2**20)
RUNS = Bound("*.json", 32 * 2**20)
# The built-in bank's entries take about 0.7 MiB; 10,000 questions about 6 MiB.
BANK = Bound("bank-*.json", 64 * 2**20)
# A sweep lists the folder, so it runs at a process's first write to a cache and then every
# SWEEP_EVERY writes (an export writes hundreds): a folder may exceed its bound by that
# many entries in between.
SWEEP_EVERY = 64
KEEP_SECONDS = 3600
_writes: dict[tuple, int] = {}
_writes_lock = threading.Lock()


def cache_folder() -> Path:
    """The folder of all three caches (``$QUIZZER_HOME/cache``, else the platform's)."""
    from quizzer.system.home import cache_dir

    return cache_dir()


def snapshot_path(folder: Path, source: str, name: str) -> Path:
    """Where the bank snapshot's entry for the bank file ``source`` (a name made from its
    path) with content key named ``name`` (:func:`key_name`) lives."""
    return Path(folder) / f"bank-{source}-{name}.json"


def snapshot_written(path: Path, source: str) -> None:
    """After a bank file's entry is written: the file's earlier entries go (they can never
    match again), and so does the whole-bank snapshot of earlier versions,
    ``bank-<20 hex>.json``; then the bound, :data:`BANK`."""
    path = Path(path)
    for old in path.parent.glob(f"bank-{source}-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    for old in path.parent.glob("bank-" + "?" * 20 + ".json"):
        old.unlink(missing_ok=True)
    if _sweep_due(_count_write(path.parent, BANK)):
        sweep(path.parent, BANK)


def runs_folder(code: str) -> Path:
    """The run cache's folder for the simulations' code with key ``code``."""
    return cache_folder() / f"examples-{key_name(code)}"


def run_written(path: Path) -> None:
    """After a run is kept: entries made by other code can never be read again, so the
    process's first write into this code's folder removes the other folders; then the
    bound, :data:`RUNS`."""
    folder = Path(path).parent
    count = _count_write(folder, RUNS)
    if count == 1:
        import shutil

        for other in folder.parent.glob("examples-*"):
            if other != folder and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
    if _sweep_due(count):
        sweep(folder, RUNS)


def plot_path(name: str, key: str, folder: Path | None = None) -> Path:
    """Where scenario ``name``'s plot with chart hash ``key`` lives."""
    return Path(folder or cache_folder()) / f"{name}-{key}.png"


def plot_written(path: Path) -> None:
    """After a plot is drawn: the bound, :data:`PLOTS`."""
    folder = Path(path).parent
    if _sweep_due(_count_write(folder, PLOTS)):
        sweep(folder, PLOTS)


def used(path: Path) -> None:
    """Mark a cache entry used now (a hit), so eviction takes it last. A read-only cache
    or an entry removed meanwhile only loses the mark."""
    try:
        os.utime(path)
    except OSError:
        pass


def _count_write(folder: Path, bound: Bound) -> int:
    """This process's writes so far to one cache (plots and bank entries share a folder)."""
    key = (folder, bound.pattern)
    with _writes_lock:
        _writes[key] = _writes.get(key, 0) + 1
        return _writes[key]


def _sweep_due(count: int) -> bool:
    return (count - 1) % SWEEP_EVERY == 0


def sweep(folder: Path, bound: Bound, now: float | None = None) -> list[Path]:
    """Remove the least recently used entries of ``folder`` matching ``bound.pattern``
    until they take at most three quarters of ``bound.max_bytes`` (none if they are within
    the bound), keeping those used since ``now - KEEP_SECONDS`` (``now``: epoch seconds,
    default the clock). Returns what was removed. Entries removed meanwhile by another
    process, or that cannot be removed, are passed over; nothing is raised."""
    import time

    recent = (time.time() if now is None else now) - KEEP_SECONDS
    entries = []
    try:
        found = list(Path(folder).glob(bound.pattern))
    except OSError:
        return []
    for path in found:
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            entries.append((info.st_mtime, path.name, path, info.st_size))
    total = sum(size for *_, size in entries)
    if total <= bound.max_bytes:
        return []
    removed = []
    for last_used, _, path, size in sorted(entries):
        if total <= bound.max_bytes * 3 // 4 or last_used > recent:
            break
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue
        total -= size
        removed.append(path)
    return removed

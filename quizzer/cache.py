"""Files under ``$QUIZZER_HOME/cache``: rebuilt when stale, written whole or not at all.

Everything here can be deleted at any time; it only costs speed. Entries are named by a hash
of what they were made from (for files: path, size and modification time, which is how the
bank snapshot and the worked-example cache notice an edited file without reading it).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, Callable, Iterable


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


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """Call ``write`` on a temporary file beside ``path`` and rename it into place, so a
    reader (or a crash) never sees half a file. Errors propagate; the temporary is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

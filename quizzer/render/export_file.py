"""The file an export writes (PDF sheets now, an Anki package later): checked, then written
whole or not at all.

:func:`check_target` is asked before any work starts, so a typo in ``--out`` costs nothing.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ExportTargetError(Exception):
    """The output file cannot be written; ``str()`` is the message for the user."""


def check_target(path: Path | str) -> Path:
    """``path`` as a Path if its folder exists and is writable.

    Raises ExportTargetError ("cannot write X: the folder Y does not exist" / "...: no
    permission to write in Y", or "...: it is a folder")."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportTargetError(f"cannot write {target}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ExportTargetError(f"cannot write {target}: no permission to write in {folder}")
    if target.is_dir():
        raise ExportTargetError(f"cannot write {target}: it is a folder")
    return target


PARTIAL = ".quizzer-partial"  # temporary names: .<name>.<pid>-<random>.quizzer-partial


def remove_stale_partials(target: Path) -> None:
    """Remove what an export to ``target`` killed mid-rename left: ``.<name>.<pid>-...``
    files of ours whose process is gone."""
    for path in target.parent.glob(f".{target.name}.*{PARTIAL}"):
        pid = path.name[len(target.name) + 2:-len(PARTIAL)].partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def write_atomically(target: Path, data: bytes) -> None:
    """Put ``data`` at ``target`` whole or not at all, with a normal file mode.

    The bytes go first into an unnamed file in the target's folder (Linux ``O_TMPFILE``),
    which a kill leaves nowhere; it is named (``.<name>.<pid>-<random>.quizzer-partial``) only
    for the rename into place. Where there are no unnamed files the data is written under
    that name, which the next export removes if a kill left it. A new file follows the
    umask; a replaced file keeps its mode. Raises OSError.
    """
    target = Path(target)
    remove_stale_partials(target)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    temp = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL}"
    fd = None
    if hasattr(os, "O_TMPFILE"):
        try:
            fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, 0o666)
        except OSError:  # a file system without unnamed files
            fd = None
    named = fd is None
    if named:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            fd = handle.fileno()
            handle.write(data)
            handle.flush()
            os.fsync(fd)
            if mode is not None:
                os.fchmod(fd, mode)
            if not named:
                _name_unnamed(fd, temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _name_unnamed(fd: int, path: Path) -> None:
    """Give the O_TMPFILE file ``fd`` the name ``path`` (linkat with AT_SYMLINK_FOLLOW on
    its /proc link: Python calls linkat, not link, when a directory fd is given)."""
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", path, src_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)

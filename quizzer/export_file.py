"""The file an export writes (PDF sheets now, an Anki package later): checked, then written
whole or not at all.

:func:`check_target` is asked before any work starts, so a typo in ``--out`` costs nothing.
"""

from __future__ import annotations

import os
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

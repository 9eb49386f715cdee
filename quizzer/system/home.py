"""Where a learner's data lives.

``QUIZZER_HOME`` puts everything in that one folder (progress in it, caches in its ``cache``
subfolder); tests always set it. Otherwise the platform's conventions, through
``platformdirs``: progress in the user data folder (``~/.local/share/quizzer`` on Linux,
``~/Library/Application Support/quizzer`` on macOS, ``%LOCALAPPDATA%\\quizzer`` on Windows)
and caches in the user cache folder (``~/.cache/quizzer`` on Linux). Before platformdirs,
both sat in click's app folder (``~/.config/quizzer`` on Linux): :func:`legacy_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path


def _override() -> Path | None:
    env = os.environ.get("QUIZZER_HOME")
    return Path(env).expanduser() if env else None


def data_dir() -> Path:
    """The folder of ``progress.db``."""
    override = _override()
    if override is not None:
        return override
    import platformdirs

    return platformdirs.user_data_path("quizzer", appauthor=False)


def cache_dir() -> Path:
    """Rendered figures, worked examples and the parsed-bank snapshot; safe to delete."""
    override = _override()
    if override is not None:
        return override / "cache"
    import platformdirs

    return platformdirs.user_cache_path("quizzer", appauthor=False)


def legacy_dir() -> Path | None:
    """Where quizzer kept everything before it followed platformdirs (click's app folder),
    or None when that is not a different place (QUIZZER_HOME set, or the same folder)."""
    if _override() is not None:
        return None
    import click

    old = Path(click.get_app_dir("quizzer"))
    return None if old == data_dir() else old


def prepare_matplotlib() -> None:
    """Give matplotlib a writable config and cache folder before it is imported.

    matplotlib keeps its settings in ``~/.config/matplotlib`` and its font list in
    ``~/.cache/matplotlib``. When those cannot be written (a read-only home) it warns twice
    and rebuilds the font cache in a new temporary folder on every run, which costs seconds.
    Then it gets ``matplotlib`` under our cache folder instead (MPLCONFIGDIR), which it
    keeps between runs. An MPLCONFIGDIR the user set is left alone.
    """
    if os.environ.get("MPLCONFIGDIR"):
        return
    user = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or user / ".config") / "matplotlib"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or user / ".cache") / "matplotlib"
    if _writable_folder(config) and _writable_folder(cache):
        return
    ours = cache_dir() / "matplotlib"
    if _writable_folder(ours):
        os.environ["MPLCONFIGDIR"] = str(ours)


def _writable_folder(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK | os.X_OK)

"""Where a learner's data lives: QUIZZER_HOME, else the platform's per-user app folder."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("QUIZZER_HOME")
    if env:
        return Path(env).expanduser()
    import click

    return Path(click.get_app_dir("quizzer"))


def cache_dir() -> Path:
    """Rendered figures and the parsed-bank snapshot; safe to delete at any time."""
    return home() / "cache"

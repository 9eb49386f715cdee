"""Where data lives: platformdirs' folders, the one-time move from ~/.config/quizzer,
QUIZZER_HOME as one folder, and a writable folder for matplotlib (issue 13, "Also")."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def platform_env(tmp_path: Path, **extra) -> dict:
    """No QUIZZER_HOME: the XDG folders (what platformdirs and click read on Linux) in
    tmp_path, so nothing touches the real home."""
    env = {k: v for k, v in os.environ.items() if k != "QUIZZER_HOME"}
    env.update(PYTHONPATH=str(ROOT), HOME=str(tmp_path / "user"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.update(extra)
    return env


# matplotlib's own notice when building its font list takes over 5 s (a loaded machine): it
# says nothing about where quizzer keeps its files, which is what these tests check.
FONT_CACHE_NOTICE = "Matplotlib is building the font cache; this may take a moment.\n"


def quizzer(env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "quizzer", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    done.stderr = done.stderr.replace(FONT_CACHE_NOTICE, "", 1)
    return done


LEGACY = """
import os, sys
from pathlib import Path
from quizzer.engine.store import open_store
store = open_store(Path(sys.argv[1]))
session = store.start_session("practice", 1, ["t"])
for i in range(5):
    store.record_attempt(session, f"q{i}", "t", "a", True, 1.0)
os._exit(0)  # killed: the answers are committed but still in progress.db-wal
"""


def legacy_progress(tmp_path: Path) -> Path:
    old = tmp_path / "config" / "quizzer" / "progress.db"
    subprocess.run([sys.executable, "-c", LEGACY, str(old)], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert old.with_name("progress.db-wal").stat().st_size > 0
    (old.parent / "cache").mkdir()
    (old.parent / "cache" / "old.png").write_bytes(b"stale")
    return old


@pytest.mark.slow
def test_progress_in_the_old_folder_moves_once_with_a_message(tmp_path):
    old = legacy_progress(tmp_path)
    (old.parent / "notes.txt").write_text("mine")  # not ours: stays where it is
    env = platform_env(tmp_path)
    new = tmp_path / "data" / "quizzer" / "progress.db"
    first = quizzer(env, "topics")
    assert first.returncode == 0
    assert first.stderr == (f"Moved your progress from {old} to {new}, where your platform "
                            "keeps app data (a one-time move).\n")
    assert not old.exists() and not old.with_name("progress.db-wal").exists()
    assert not (old.parent / "cache").exists() and (old.parent / "notes.txt").exists()
    db = sqlite3.connect(new)
    assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 5  # the WAL's too
    db.close()
    again = quizzer(env, "topics")
    assert (again.returncode, again.stderr) == (0, "")
    assert list((tmp_path / "cache" / "quizzer").glob("bank-*.json"))  # caches: cache dir


@pytest.mark.slow
def test_two_first_runs_move_it_once(tmp_path):
    legacy_progress(tmp_path)
    env = platform_env(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-m", "quizzer", "topics"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert sum(e.count("Moved your progress") for e in errs) == 1, errs
    assert "Error" not in "".join(errs), errs
    db = sqlite3.connect(tmp_path / "data" / "quizzer" / "progress.db")
    assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 5
    db.close()


def test_a_file_in_the_old_folder_that_is_not_ours_is_not_moved(tmp_path):
    old = tmp_path / "config" / "quizzer" / "progress.db"
    old.parent.mkdir(parents=True)
    old.write_text("someone else's")
    result = quizzer(platform_env(tmp_path), "topics")
    assert (result.returncode, result.stderr) == (0, "")
    assert old.read_text() == "someone else's"


def test_quizzer_home_keeps_everything_in_one_folder(tmp_path):
    home = tmp_path / "one"
    legacy_progress(tmp_path)
    result = quizzer(platform_env(tmp_path, QUIZZER_HOME=str(home)), "explain", "cm")
    assert (result.returncode, result.stderr) == (0, "")
    assert (home / "progress.db").exists() is False  # explain keeps no progress
    assert quizzer(platform_env(tmp_path, QUIZZER_HOME=str(home)), "topics").stderr == ""
    assert sorted(p.name for p in home.iterdir()) == ["cache", "progress.db"]
    assert list((home / "cache").glob("*.png"))
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "cache" / "quizzer").exists()  # (matplotlib's own cache is there)
    assert (tmp_path / "config" / "quizzer" / "progress.db").exists()  # not moved


def test_matplotlib_gets_our_cache_when_its_own_folders_cannot_be_written(tmp_path):
    """A file where ~/.config and ~/.cache should be (unwritable even for root): drawing is
    quiet, and matplotlib's font list is kept under our cache for the next run."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    home = tmp_path / "q"
    env = platform_env(tmp_path, QUIZZER_HOME=str(home), XDG_CONFIG_HOME=str(blocker),
                       XDG_CACHE_HOME=str(blocker))
    env.pop("MPLCONFIGDIR", None)
    result = quizzer(env, "explain", "cm")
    assert (result.returncode, result.stderr) == (0, "")
    assert list((home / "cache" / "matplotlib").glob("fontlist-*.json"))


@pytest.mark.slow
def test_the_move_across_disks_copies_it_whole(tmp_path):
    """The data folder on another file system (a tmpfs, where this machine may mount one):
    no hard link across disks, so a copy is made beside it and linked into place."""
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    data = tmp_path / "data"
    data.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(data)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        old = legacy_progress(tmp_path)
        result = quizzer(platform_env(tmp_path), "topics")
        assert result.returncode == 0 and result.stderr.startswith("Moved your progress")
        assert not old.exists()
        assert sorted(p.name for p in (data / "quizzer").iterdir()) == ["progress.db"]
        db = sqlite3.connect(data / "quizzer" / "progress.db")
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 5
        db.close()
    finally:
        subprocess.run(["umount", "-l", str(data)], check=True)

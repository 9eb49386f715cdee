"""The learner's progress: an SQLite file under QUIZZER_HOME.

Every graded answer is committed on its own transaction the moment it is graded, in WAL mode,
so Ctrl-C, a closed terminal or ``kill -9`` lose at most the question on screen. The schema is
versioned with ``PRAGMA user_version`` and migrated forward step by step; the file is marked
with an ``application_id`` so that a file that is not ours (or is corrupt) is reported and
never written to.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

APPLICATION_ID = 0x51555A52  # "QUZR": marks a quizzer progress database
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """The progress file cannot be used; the message says why and what to do."""


def home() -> Path:
    """QUIZZER_HOME, or the platform's per-user app folder."""
    env = os.environ.get("QUIZZER_HOME")
    if env:
        return Path(env).expanduser()
    import click

    return Path(click.get_app_dir("quizzer"))


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it COMMITs first, which would split a migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    _run_script(db, """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL DEFAULT 'practice',
            started_at TEXT NOT NULL,
            ended_at TEXT,
            seed INTEGER,
            topics TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            response TEXT NOT NULL,
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            seconds REAL NOT NULL,
            answered_at TEXT NOT NULL
        );
        CREATE INDEX attempts_question ON attempts(question_id, answered_at);
    """)


# MIGRATIONS[i] takes a database from user_version i to i + 1. Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]


@dataclass(frozen=True)
class TopicStats:
    topic: str
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


class Store:
    """Progress for one learner. Open with :func:`open_store`."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.path = path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing: each call is its own committed transaction
    def start_session(self, kind: str, seed: int | None, topics: list[str],
                      now: datetime | None = None) -> int:
        with self.db:
            cur = self.db.execute(
                "INSERT INTO sessions (kind, started_at, seed, topics) VALUES (?, ?, ?, ?)",
                (kind, (now or utc_now()).isoformat(), seed, ",".join(topics)))
        return int(cur.lastrowid)

    def record_attempt(self, session_id: int, question_id: str, topic: str, response: str,
                       correct: bool, seconds: float, now: datetime | None = None) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO attempts (session_id, question_id, topic, response, correct, "
                "seconds, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_id, question_id, topic, response, int(correct), round(seconds, 3),
                 (now or utc_now()).isoformat()))

    def end_session(self, session_id: int, now: datetime | None = None) -> None:
        with self.db:
            self.db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?",
                            ((now or utc_now()).isoformat(), session_id))

    # -- reading
    def topic_stats(self) -> dict[str, TopicStats]:
        rows = self.db.execute("SELECT topic, COUNT(*), SUM(correct) FROM attempts "
                               "GROUP BY topic").fetchall()
        return {t: TopicStats(t, n, int(c or 0)) for t, n, c in rows}

    def wrong_last_time(self) -> set[str]:
        """Questions whose most recent attempt was wrong."""
        rows = self.db.execute("""
            SELECT question_id, correct FROM attempts a
            WHERE id = (SELECT MAX(id) FROM attempts b WHERE b.question_id = a.question_id)
        """).fetchall()
        return {qid for qid, correct in rows if not correct}

    def attempt_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]


def _looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def open_store(path: Path | None = None) -> Store:
    """Open (creating if absent) the progress database and migrate it to the current schema.

    Raises StoreError for a file that is not a quizzer database or is damaged; such a file is
    left exactly as it was.
    """
    path = Path(path) if path else home() / "progress.db"
    exists = path.exists() and path.stat().st_size > 0
    if exists and not _looks_like_sqlite(path):
        raise StoreError(f"{path} is not a quizzer progress database (not an SQLite file); "
                         "it was left untouched. Move it away or set QUIZZER_HOME.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create {path.parent}: {err.strerror}") from None
    try:
        db = sqlite3.connect(path, timeout=10, isolation_level=None)
    except sqlite3.Error as err:
        raise StoreError(f"cannot open {path}: {err}") from None
    # Autocommit (isolation_level=None): each INSERT is its own durable transaction, and the
    # few multi-statement changes (migrations) use an explicit BEGIN ... COMMIT.
    try:
        if exists:
            _check_ours(db, path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        _migrate(db)
    except sqlite3.DatabaseError as err:
        db.close()
        raise StoreError(f"{path} is damaged ({err}); it was left untouched. Move it away to "
                         "start fresh, or set QUIZZER_HOME.") from None
    except StoreError:
        db.close()
        raise
    return Store(db, path)


def _check_ours(db: sqlite3.Connection, path: Path) -> None:
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path} is an SQLite database of another program "
                         f"(application_id {app_id}); it was left untouched. Move it away or "
                         "set QUIZZER_HOME.")
    check = db.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise sqlite3.DatabaseError(check)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(f"{path} was written by a newer quizzer (schema {version}, this one "
                         f"knows {len(MIGRATIONS)}); upgrade quizzer to use it.")


def _migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for target in range(version, len(MIGRATIONS)):
        # One transaction per step: a crash mid-migration leaves the previous version intact.
        db.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[target](db)
            if target == 0:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {target + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

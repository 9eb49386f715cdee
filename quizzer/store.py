"""The learner's progress: an SQLite file under QUIZZER_HOME.

Every graded answer is committed on its own transaction the moment it is graded, in WAL mode,
so Ctrl-C, a closed terminal or ``kill -9`` lose at most the question on screen. The schema is
versioned with ``PRAGMA user_version`` and migrated forward step by step; the file is marked
with an ``application_id`` so that a file that is not ours (or is corrupt) is reported and
never written to.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from quizzer.home import home

APPLICATION_ID = 0x51555A52  # "QUZR": marks a quizzer progress database
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """The progress file cannot be used; the message says why and what to do."""


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


def _v2(db: sqlite3.Connection) -> None:
    """Spaced repetition: a schedule per item, a log of every rating, and settings.

    Past practice answers become reviews (wrong = Again, right = Good: v1 did not know the
    slow threshold, so no Hard) and are replayed through the scheduler, so a learner who
    practised before upgrading starts with real schedules rather than everything new.
    """
    _run_script(db, """
        CREATE TABLE schedules (
            item_id TEXT PRIMARY KEY,          -- a question or card id (one namespace)
            kind TEXT NOT NULL CHECK (kind IN ('question', 'card')),
            topic TEXT NOT NULL,
            state INTEGER NOT NULL,            -- fsrs.State
            stability REAL NOT NULL,           -- days
            difficulty REAL NOT NULL,          -- 1..10
            due TEXT NOT NULL,                 -- local calendar date, YYYY-MM-DD
            last_review TEXT NOT NULL,         -- local calendar date
            first_review TEXT NOT NULL,        -- local calendar date
            reps INTEGER NOT NULL,
            lapses INTEGER NOT NULL
        );
        CREATE INDEX schedules_due ON schedules(due);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('question', 'card')),
            topic TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at TEXT NOT NULL,         -- UTC instant
            seconds REAL,
            attempt_id INTEGER REFERENCES attempts(id)
        );
        CREATE INDEX reviews_item ON reviews(item_id, reviewed_at);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO reviews (item_id, kind, topic, rating, reviewed_at, seconds, attempt_id)
            SELECT question_id, 'question', topic, CASE correct WHEN 1 THEN 3 ELSE 1 END,
                   answered_at, seconds, id
            FROM attempts ORDER BY id
    """)
    from quizzer.scheduling import replay

    history: dict[str, list] = {}
    for item_id, topic, rating, at in db.execute(
            "SELECT item_id, topic, rating, reviewed_at FROM reviews ORDER BY id"):
        history.setdefault(item_id, []).append((_instant(at), rating, topic))
    for item_id, events in history.items():
        events.sort(key=lambda e: e[0])
        topic = events[-1][2]  # a question moved to another topic keeps its latest one
        _save_schedule(db, replay(item_id, "question", topic,
                                  [(rating, at) for at, rating, _ in events]))


def _instant(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _save_schedule(db: sqlite3.Connection, schedule) -> None:
    row = schedule.to_row()
    db.execute(f"INSERT OR REPLACE INTO schedules ({', '.join(row)}) "
               f"VALUES ({', '.join(':' + k for k in row)})", row)


# MIGRATIONS[i] takes a database from user_version i to i + 1. Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2]


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

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # The connection is in autocommit mode, so several statements that must land together
        # get an explicit transaction (``with self.db`` alone would not group them).
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def record_attempt(self, session_id: int, question_id: str, topic: str, response: str,
                       correct: bool, seconds: float, now: datetime | None = None,
                       outcome=None) -> None:
        """Save one graded answer and, given the scheduler's ``outcome``, the item's new
        schedule and review, all in one transaction."""
        with self._transaction():
            cur = self.db.execute(
                "INSERT INTO attempts (session_id, question_id, topic, response, correct, "
                "seconds, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_id, question_id, topic, response, int(correct), round(seconds, 3),
                 (now or utc_now()).isoformat()))
            if outcome is not None:
                self._write_outcome(outcome, attempt_id=cur.lastrowid)

    def record_review(self, outcome) -> None:
        """Save a rating that is not a graded answer (a flashcard) and its new schedule."""
        with self._transaction():
            self._write_outcome(outcome, attempt_id=None)

    def _write_outcome(self, outcome, attempt_id: int | None) -> None:
        s = outcome.schedule
        self.db.execute(
            "INSERT INTO reviews (item_id, kind, topic, rating, reviewed_at, seconds, "
            "attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (s.item_id, s.kind, s.topic, outcome.rating,
             outcome.at.astimezone(timezone.utc).isoformat(),
             None if outcome.seconds is None else round(outcome.seconds, 3), attempt_id))
        _save_schedule(self.db, s)

    def set_setting(self, key: str, value: str | None) -> None:
        with self.db:
            if value is None:
                self.db.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                (key, value))

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

    def setting(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def exam_date(self) -> date | None:
        value = self.setting("exam_date")
        return date.fromisoformat(value) if value else None

    def schedule(self, item_id: str):
        """The item's :class:`quizzer.scheduling.Schedule`, or None if never reviewed."""
        from quizzer.scheduling import Schedule

        cur = self.db.execute("SELECT * FROM schedules WHERE item_id = ?", (item_id,))
        row = cur.fetchone()
        return Schedule.from_row(_as_dict(cur, row)) if row else None

    def schedules(self) -> dict:
        """item id -> :class:`quizzer.scheduling.Schedule` for every item ever reviewed."""
        from quizzer.scheduling import Schedule

        cur = self.db.execute("SELECT * FROM schedules ORDER BY item_id")
        return {row[0]: Schedule.from_row(_as_dict(cur, row)) for row in cur.fetchall()}

    def attempts(self) -> list[tuple[str, str, bool, datetime]]:
        """Every graded answer as (question id, topic, correct, UTC instant), oldest first."""
        rows = self.db.execute("SELECT question_id, topic, correct, answered_at FROM attempts "
                               "ORDER BY answered_at, id").fetchall()
        return [(q, t, bool(c), _instant(at)) for q, t, c, at in rows]

    def reviews(self, item_id: str) -> list[tuple[int, datetime]]:
        """An item's ratings as (rating, UTC instant), oldest first."""
        rows = self.db.execute("SELECT rating, reviewed_at FROM reviews WHERE item_id = ? "
                               "ORDER BY reviewed_at, id", (item_id,)).fetchall()
        return [(r, _instant(at)) for r, at in rows]


def _as_dict(cursor: sqlite3.Cursor, row: tuple) -> dict:
    return {d[0]: v for d, v in zip(cursor.description, row)}


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

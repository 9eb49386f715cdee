"""The learner's progress: an SQLite file, ``progress.db``, in the data folder
(quizzer.system.home).

Every graded answer is committed on its own transaction the moment it is graded, in WAL mode,
so Ctrl-C, a closed terminal or ``kill -9`` lose at most the question on screen.

**Files that are not ours.** A file is identified before anything opens it for writing
(:func:`identify`): its first bytes (the SQLite header, and the ``application_id`` that marks
our files) and, when those do not settle it, a read-only connection (``mode=ro``, which reads
another program's committed WAL frames but never checkpoints them). Another program's
database, a damaged file, a folder named progress.db: each is reported with its own message
and left exactly as it was.

**Schema.** Versioned with ``PRAGMA user_version`` and migrated forward by :data:`MIGRATIONS`.
Creating and migrating is one ``BEGIN IMMEDIATE`` transaction that reads the version again
inside it, so a second process started at the same moment waits, then finds the work done.
To change the schema, append one function to MIGRATIONS; nothing else changes.

**Faults.** SQLite waits :data:`BUSY_TIMEOUT` for a lock itself; after that the learner is
told the file is locked by another program and the write is retried (the answer stays in
memory) until the lock goes or ``QUIZZER_LOCK_WAIT`` seconds (default 60) pass. A write that
cannot be made (a full disk, a read-only file or folder, a lock that stays) raises
:class:`StoreError` naming what was not saved; every earlier answer is already committed.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, TypeVar

APPLICATION_ID = 0x51555A52  # "QUZR": marks a quizzer progress database
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT = 2.0  # seconds SQLite waits on a lock before we tell the learner
LOCK_WAIT = 60.0    # seconds of retrying after that, unless QUIZZER_LOCK_WAIT says otherwise
NOTICE_AFTER = 1.0  # seconds locked before the learner is told (see Store._retrying)

T = TypeVar("T")


class StoreError(Exception):
    """The progress file cannot be used; the message says why, what (if anything) was not
    saved, and what to do. Nothing in it advises deleting the file."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def say(text: str) -> None:
    """The default way the store tells the learner something: a line on stderr."""
    stream = sys.stderr
    if stream is not None:
        try:
            stream.write(text + "\n")
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed stderr has nobody to tell


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it COMMITs first, which would split a migration's transaction.
    # A trigger holds semicolons of its own: a statement ends where SQLite says it is whole.
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                db.execute(statement)
            statement = ""


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
    from quizzer.engine.scheduling import replay

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


def _v3(db: sqlite3.Connection) -> None:
    """Skipped questions: not answers (no accuracy, no schedule), but ``--wrong`` brings a
    question back when the latest thing that happened to it was a skip."""
    _run_script(db, """
        CREATE TABLE skips (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            skipped_at TEXT NOT NULL           -- UTC instant
        );
        CREATE INDEX skips_question ON skips(question_id, skipped_at);
    """)


def _v4(db: sqlite3.Connection) -> None:
    """Running totals, so no command reads the whole history: answers and right answers per
    topic and local calendar day (what stats, topics and the accuracy plot show), and each
    question's latest answer or skip (what ``practice --wrong`` asks for). Triggers keep them
    in the same transaction as the row that changes them, whatever writes it.

    The day is the learner's local day when the answer was written (SQLite's ``localtime``,
    the same C library clock as :func:`quizzer.engine.scheduling.local_day`)."""
    _run_script(db, """
        CREATE TABLE answer_days (
            topic TEXT NOT NULL,
            day TEXT NOT NULL,                 -- local calendar day, YYYY-MM-DD
            attempts INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            PRIMARY KEY (topic, day)
        ) WITHOUT ROWID;
        INSERT INTO answer_days
            SELECT topic, date(answered_at, 'localtime'), COUNT(*), SUM(correct)
            FROM attempts GROUP BY 1, 2;
        CREATE TABLE latest_answers (
            question_id TEXT PRIMARY KEY,
            correct INTEGER NOT NULL,          -- 0 for a skip: it comes back with --wrong
            at TEXT NOT NULL                   -- UTC instant
        ) WITHOUT ROWID;
        INSERT INTO latest_answers
            SELECT question_id, correct, MAX(at) FROM (
                SELECT question_id, correct, answered_at AS at FROM attempts
                UNION ALL SELECT question_id, 0, skipped_at FROM skips)
            GROUP BY question_id;
        CREATE TRIGGER attempts_totals AFTER INSERT ON attempts BEGIN
            INSERT INTO answer_days VALUES
                (NEW.topic, date(NEW.answered_at, 'localtime'), 1, NEW.correct)
                ON CONFLICT (topic, day) DO UPDATE
                SET attempts = attempts + 1, correct = correct + excluded.correct;
            INSERT INTO latest_answers VALUES (NEW.question_id, NEW.correct, NEW.answered_at)
                ON CONFLICT (question_id) DO UPDATE
                SET correct = excluded.correct, at = excluded.at
                WHERE excluded.at >= latest_answers.at;
        END;
        CREATE TRIGGER skips_latest AFTER INSERT ON skips BEGIN
            INSERT INTO latest_answers VALUES (NEW.question_id, 0, NEW.skipped_at)
                ON CONFLICT (question_id) DO UPDATE
                SET correct = 0, at = excluded.at
                WHERE excluded.at >= latest_answers.at;
        END;
    """)


def _v5(db: sqlite3.Connection) -> None:
    """Mock exams (``quizzer exam``): the exam, and one row per question in the order drawn.

    Everything a learner does in an exam is a row update committed at once: the answer as
    typed (re-read with the stored presentation, so it means what was on screen), the flag,
    the question on screen, and the seconds used so far (per question and in total). Time
    between ``last_active_at`` and a resume is time away: added to ``away_seconds``, never to
    ``used_seconds``. Answers become attempts (and schedule reviews) only at submission.
    """
    _run_script(db, """
        CREATE TABLE exams (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            status TEXT NOT NULL CHECK (status IN ('open', 'submitted', 'abandoned')),
            started_at TEXT NOT NULL,          -- UTC instant
            seed INTEGER NOT NULL,
            topics TEXT NOT NULL DEFAULT '',
            limit_seconds REAL NOT NULL,
            used_seconds REAL NOT NULL DEFAULT 0,
            away_seconds REAL NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0,  -- the question on screen (0-based)
            last_active_at TEXT NOT NULL,      -- UTC instant of the last committed step
            submitted_at TEXT,
            timed_out INTEGER NOT NULL DEFAULT 0,
            correct INTEGER,
            total INTEGER,
            scaled INTEGER,                    -- the 100-1000 estimate at submission
            fed INTEGER NOT NULL DEFAULT 0     -- 1: its answers are in attempts and reviews
        );
        CREATE TABLE exam_items (
            exam_id INTEGER NOT NULL REFERENCES exams(id),
            position INTEGER NOT NULL,         -- 0-based, the order drawn
            question_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            presentation TEXT NOT NULL,        -- JSON: the shuffled order(s) shown
            typed TEXT,                        -- the answer as typed, NULL if unanswered
            response TEXT,                     -- the same answer in bank terms
            flagged INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,   -- time this question was on screen
            correct INTEGER,                   -- set at submission
            PRIMARY KEY (exam_id, position)
        )
    """)


# MIGRATIONS[i] takes a database from user_version i to i + 1. Append, never edit.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5]


@dataclass
class Session:
    """A practice or review session not written until it has something to keep.

    Its row goes into ``sessions`` in the same transaction as its first answer or skip, so a
    session quit at its first question writes nothing, and the first question reaches the
    screen without waiting for a commit (each commit waits for the disk: synchronous=FULL).
    ``id`` is the row's id once written, else None.
    """

    kind: str
    started_at: datetime
    seed: int | None = None
    topics: tuple = ()
    id: int | None = None


@dataclass
class TopicStats:
    """A topic's answers so far: how many, and how many were right."""

    topic: str
    attempts: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


class Store:
    """Progress for one learner. Open with :func:`open_store`.

    ``notify`` receives the one-line notices the learner must see while a command goes on
    (the file is locked, retrying); errors that end it are raised as StoreError.
    """

    def __init__(self, db: sqlite3.Connection, path: Path,
                 notify: Callable[[str], None] = say):
        self.db = db
        self.path = path
        self.notify = notify

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- every statement goes through here: locks are waited out, faults become StoreError
    def _retrying(self, action: Callable[[], T], unsaved: str | None = None) -> T:
        """Run ``action`` (one transaction or read). While another program holds the lock,
        say so once and try again until it lets go or the lock wait runs out.

        ``unsaved`` names what is lost if it fails ("your answer to q1").
        """
        started, deadline, told = time.monotonic(), None, False
        while True:
            try:
                return action()
            except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
                raise  # a bug in quizzer, not a fault of the file: let it show
            except sqlite3.Error as err:
                if _kind(err) != "locked":
                    raise StoreError(failure_message(err, self.path, unsaved)) from None
                if deadline is None:
                    deadline = time.monotonic() + _lock_wait()
                # SQLite usually waits out BUSY_TIMEOUT before saying "locked", but not when
                # two connections would wait for each other (two quizzers starting together):
                # a lock that goes within NOTICE_AFTER seconds is not worth a notice.
                if not told and (time.monotonic() - started >= NOTICE_AFTER
                                 or time.monotonic() >= deadline):
                    told = True
                    self.notify(f"{self.path.name} is locked by another program; retrying…")
                if time.monotonic() >= deadline:
                    raise StoreError(failure_message(err, self.path, unsaved,
                                                     time.monotonic() - started)) from None
                try:
                    time.sleep(0.2)
                except KeyboardInterrupt:
                    if unsaved:
                        self.notify(f"{_capital(unsaved)} was NOT saved: {self.path.name} "
                                    "was still locked by another program.")
                    raise

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # The connection is in autocommit mode, so several statements that must land together
        # get an explicit transaction (``with self.db`` alone would not group them).
        # IMMEDIATE takes the write lock first: what is read inside is what gets written on.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _write(self, unsaved: str | None, sql: str, args: tuple) -> sqlite3.Cursor:
        def run() -> sqlite3.Cursor:
            with self._transaction():
                return self.db.execute(sql, args)
        return self._retrying(run, unsaved)

    def _read(self, sql: str, args: tuple = ()) -> tuple[list, sqlite3.Cursor]:
        def run():
            cur = self.db.execute(sql, args)
            return cur.fetchall(), cur
        return self._retrying(run)

    # -- writing: each call is its own committed transaction
    def start_session(self, kind: str, seed: int | None, topics: list[str],
                      now: datetime | None = None) -> int:
        cur = self._write(None, "INSERT INTO sessions (kind, started_at, seed, topics) "
                                "VALUES (?, ?, ?, ?)",
                          (kind, (now or utc_now()).isoformat(), seed, ",".join(topics)))
        return int(cur.lastrowid)

    def _session_row(self, session: int | Session) -> int:
        """The row id of ``session``: an id as given, or a :class:`Session`'s, inserting its
        row first (inside the caller's transaction) if it has none yet."""
        if isinstance(session, int):
            return session
        if session.id is not None:
            return session.id
        cur = self.db.execute("INSERT INTO sessions (kind, started_at, seed, topics) "
                              "VALUES (?, ?, ?, ?)",
                              (session.kind, session.started_at.isoformat(), session.seed,
                               ",".join(session.topics)))
        return int(cur.lastrowid)

    @staticmethod
    def _written(session: int | Session, row: int) -> None:
        # Only after the commit: a rolled-back first answer leaves the session unwritten.
        if isinstance(session, Session):
            session.id = row

    def record_attempt(self, session: int | Session, question_id: str, topic: str,
                       response: str, correct: bool, seconds: float,
                       now: datetime | None = None, outcome=None) -> None:
        """Save one graded answer and, given the scheduler's ``outcome``, the item's new
        schedule and review, all in one transaction (with the session's row, if this is its
        first answer). Raises StoreError (naming the answer as not saved) if it cannot be
        written."""
        def run() -> int:
            with self._transaction():
                row = self._session_row(session)
                cur = self.db.execute(
                    "INSERT INTO attempts (session_id, question_id, topic, response, correct, "
                    "seconds, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row, question_id, topic, response, int(correct), round(seconds, 3),
                     (now or utc_now()).isoformat()))
                if outcome is not None:
                    self._write_outcome(outcome, attempt_id=cur.lastrowid)
            return row
        self._written(session, self._retrying(run, f"your answer to {question_id}"))

    def record_skip(self, session: int | Session, question_id: str, topic: str,
                    now: datetime | None = None) -> None:
        """Note that a question was skipped (it comes back with ``practice --wrong``)."""
        def run() -> int:
            with self._transaction():
                row = self._session_row(session)
                self.db.execute("INSERT INTO skips (session_id, question_id, topic, "
                                "skipped_at) VALUES (?, ?, ?, ?)",
                                (row, question_id, topic, (now or utc_now()).isoformat()))
            return row
        self._written(session, self._retrying(run, f"your skip of {question_id}"))

    def record_review(self, outcome) -> None:
        """Save a rating that is not a graded answer (a flashcard) and its new schedule."""
        def run() -> None:
            with self._transaction():
                self._write_outcome(outcome, attempt_id=None)
        self._retrying(run, f"your rating of {outcome.schedule.item_id}")

    def _write_outcome(self, outcome, attempt_id: int | None) -> None:
        s = outcome.schedule
        self.db.execute(
            "INSERT INTO reviews (item_id, kind, topic, rating, reviewed_at, seconds, "
            "attempt_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (s.item_id, s.kind, s.topic, outcome.rating,
             outcome.at.astimezone(timezone.utc).isoformat(),
             None if outcome.seconds is None else round(outcome.seconds, 3), attempt_id))
        row = self.db.execute("SELECT reps FROM schedules WHERE item_id = ?",
                              (s.item_id,)).fetchone()
        if (row[0] if row else 0) != s.reps - 1:
            # Another session rated this item between our read of its schedule and this
            # write (two windows answering the same question). Both reviews are kept; the
            # schedule is replayed from all of them, inside this transaction, so neither
            # rating is lost from it.
            from quizzer.engine.scheduling import replay

            history = self.db.execute("SELECT rating, reviewed_at FROM reviews "
                                      "WHERE item_id = ? ORDER BY reviewed_at, id",
                                      (s.item_id,)).fetchall()
            s = replay(s.item_id, s.kind, s.topic, [(r, _instant(at)) for r, at in history])
        _save_schedule(self.db, s)

    def set_setting(self, key: str, value: str | None) -> None:
        if value is None:
            self._write(f"clearing the {key} setting",
                        "DELETE FROM settings WHERE key = ?", (key,))
        else:
            self._write(f"the {key} setting",
                        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                        (key, value))

    def end_session(self, session: int | Session, now: datetime | None = None) -> None:
        """Note when the session ended: one try, no retries, no error. The end time is a
        convenience; every answer was committed already, and a session ending because the
        file could not be written must not wait or fail again here. A :class:`Session` with
        nothing written leaves nothing to note."""
        row = session.id if isinstance(session, Session) else session
        if row is None:
            return
        try:
            self.db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?",
                            ((now or utc_now()).isoformat(), row))
        except sqlite3.Error:
            pass

    # -- reading
    def topic_stats(self) -> dict[str, TopicStats]:
        """Answers and right answers per topic (from the per-day totals: a row per topic and
        day, however many answers)."""
        rows, _ = self._read("SELECT topic, SUM(attempts), SUM(correct) FROM answer_days "
                             "GROUP BY topic")
        return {t: TopicStats(t, int(n), int(c or 0)) for t, n, c in rows}

    def answer_days(self) -> list[tuple[str, str, int, int]]:
        """(topic, local day as ``YYYY-MM-DD`` text, answers, right answers) for every topic
        and day with answers, by topic and oldest first within each: at most one row per
        topic and day, however long the history. In the table's own order (its primary key),
        so nothing is sorted; the rows as SQLite returns them, nothing converted per row
        (``stats --json`` prints every day as this same text)."""
        rows, _ = self._read("SELECT topic, day, attempts, correct FROM answer_days "
                             "ORDER BY topic, day")
        return rows

    def wrong_last_time(self) -> set[str]:
        """Questions whose latest answer was wrong, or that were skipped since their latest
        answer (one row per question, however long the history)."""
        rows, _ = self._read("SELECT question_id FROM latest_answers WHERE correct = 0")
        return {qid for (qid,) in rows}

    def attempt_count(self) -> int:
        return self._read("SELECT COUNT(*) FROM attempts")[0][0][0]

    def setting(self, key: str) -> str | None:
        rows, _ = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def exam_date(self) -> date | None:
        value = self.setting("exam_date")
        return date.fromisoformat(value) if value else None

    def schedule(self, item_id: str):
        """The item's :class:`quizzer.engine.scheduling.Schedule`, or None if never reviewed."""
        from quizzer.engine.scheduling import Schedule

        rows, cur = self._read("SELECT * FROM schedules WHERE item_id = ?", (item_id,))
        return Schedule.from_row(_as_dict(cur, rows[0])) if rows else None

    def schedules(self) -> dict:
        """item id -> :class:`quizzer.engine.scheduling.Schedule` for every item ever reviewed."""
        from quizzer.engine.scheduling import Schedule

        rows, cur = self._read("SELECT * FROM schedules ORDER BY item_id")
        return {row[0]: Schedule.from_row(_as_dict(cur, row)) for row in rows}

    def reviews(self, item_id: str) -> list[tuple[int, datetime]]:
        """An item's ratings as (rating, UTC instant), oldest first."""
        rows, _ = self._read("SELECT rating, reviewed_at FROM reviews WHERE item_id = ? "
                             "ORDER BY reviewed_at, id", (item_id,))
        return [(r, _instant(at)) for r, at in rows]

    # -- mock exams: quizzer.engine.exam holds the records and the rules; these write and read rows.
    # Every step is its own committed transaction, so kill -9 loses at most the step on screen.
    def create_exam(self, seed: int, topics: list[str], limit_seconds: float,
                    items: list[tuple[str, str, str]], now: datetime) -> int:
        """A new open exam with its questions ((question id, topic, presentation JSON) in
        the order drawn) and its session, in one transaction; returns the exam's id."""
        def run() -> int:
            with self._transaction():
                at = now.isoformat()
                session = self.db.execute(
                    "INSERT INTO sessions (kind, started_at, seed, topics) VALUES "
                    "('exam', ?, ?, ?)", (at, seed, ",".join(topics))).lastrowid
                exam_id = self.db.execute(
                    "INSERT INTO exams (session_id, status, started_at, seed, topics, "
                    "limit_seconds, last_active_at) VALUES (?, 'open', ?, ?, ?, ?, ?)",
                    (session, at, seed, ",".join(topics), limit_seconds, at)).lastrowid
                self.db.executemany(
                    "INSERT INTO exam_items (exam_id, position, question_id, topic, "
                    "presentation) VALUES (?, ?, ?, ?, ?)",
                    [(exam_id, i, qid, topic, shown)
                     for i, (qid, topic, shown) in enumerate(items)])
                return int(exam_id)
        return self._retrying(run, "the new exam")

    def exam(self, exam_id: int):
        """The :class:`quizzer.engine.exam.Exam` with its items, or None."""
        from quizzer.engine.exam import Exam

        rows, cur = self._read("SELECT * FROM exams WHERE id = ?", (exam_id,))
        if not rows:
            return None
        head = _as_dict(cur, rows[0])
        items, cur = self._read("SELECT * FROM exam_items WHERE exam_id = ? "
                                "ORDER BY position", (exam_id,))
        return Exam.from_rows(head, [_as_dict(cur, r) for r in items])

    def open_exam(self):
        """The exam still open (started, neither submitted nor abandoned), or None."""
        rows, _ = self._read("SELECT id FROM exams WHERE status = 'open' ORDER BY id DESC "
                             "LIMIT 1")
        return self.exam(rows[0][0]) if rows else None

    def exams(self, status: str = "submitted") -> list:
        """Every exam with ``status``, oldest first, as :class:`quizzer.engine.exam.Exam`."""
        rows, _ = self._read("SELECT id FROM exams WHERE status = ? ORDER BY started_at, id",
                             (status,))
        return [self.exam(r[0]) for r in rows]

    def exam_step(self, exam_id: int, seconds: float, on_screen: int, now: datetime,
                  position: int | None = None, answer: tuple[str, str] | None = None,
                  flagged: bool | None = None) -> None:
        """One step of an open exam: ``seconds`` more used (on the question at ``on_screen``),
        and optionally its new ``answer`` (typed, response), flag, or the next ``position``.
        A step on an exam no longer open changes nothing."""
        def run() -> None:
            with self._transaction():
                done = self.db.execute(
                    "UPDATE exams SET used_seconds = used_seconds + ?, last_active_at = ?, "
                    "position = COALESCE(?, position) WHERE id = ? AND status = 'open'",
                    (max(0.0, seconds), now.isoformat(), position, exam_id)).rowcount
                if not done:
                    return
                self.db.execute("UPDATE exam_items SET seconds = seconds + ? "
                                "WHERE exam_id = ? AND position = ?",
                                (max(0.0, seconds), exam_id, on_screen))
                if answer is not None:
                    self.db.execute("UPDATE exam_items SET typed = ?, response = ? "
                                    "WHERE exam_id = ? AND position = ?",
                                    (*answer, exam_id, on_screen))
                if flagged is not None:
                    self.db.execute("UPDATE exam_items SET flagged = ? "
                                    "WHERE exam_id = ? AND position = ?",
                                    (int(flagged), exam_id, on_screen))
        what = (f"your answer to question {on_screen + 1} ({answer[0]})" if answer
                else f"the flag on question {on_screen + 1}" if flagged is not None
                else "the exam's last few seconds of time used")
        self._retrying(run, what)

    def resume_exam(self, exam_id: int, away_seconds: float, now: datetime) -> None:
        """Back to an open exam: the time since its last step counts as away, not used."""
        self._write("the resumed exam's time away",
                    "UPDATE exams SET away_seconds = away_seconds + ?, last_active_at = ? "
                    "WHERE id = ? AND status = 'open'",
                    (max(0.0, away_seconds), now.isoformat(), exam_id))

    def abandon_exam(self, exam_id: int, now: datetime) -> None:
        self._write("abandoning the exam",
                    "UPDATE exams SET status = 'abandoned', last_active_at = ? "
                    "WHERE id = ? AND status = 'open'", (now.isoformat(), exam_id))

    def submit_exam(self, exam_id: int, marks: list[tuple[int, bool]], correct: int,
                    total: int, scaled: int, timed_out: bool, now: datetime) -> bool:
        """Close an open exam with its marks ((position, correct) per answered question) and
        score, in one transaction. False if it was not open (submitted already)."""
        def run() -> bool:
            with self._transaction():
                done = self.db.execute(
                    "UPDATE exams SET status = 'submitted', submitted_at = ?, timed_out = ?, "
                    "correct = ?, total = ?, scaled = ?, last_active_at = ? "
                    "WHERE id = ? AND status = 'open'",
                    (now.isoformat(), int(timed_out), correct, total, scaled,
                     now.isoformat(), exam_id)).rowcount
                if done:
                    self.db.executemany("UPDATE exam_items SET correct = ? "
                                        "WHERE exam_id = ? AND position = ?",
                                        [(int(ok), exam_id, pos) for pos, ok in marks])
                return bool(done)
        return self._retrying(run, "the exam's submission (every answer in it is saved; "
                                   "quizzer exam --resume submits it again)")

    def last_answered(self) -> dict[str, datetime]:
        """question id -> the UTC instant of its latest graded answer (the exam's draw
        prefers questions not seen recently)."""
        rows, _ = self._read("SELECT question_id, MAX(answered_at) FROM attempts "
                             "GROUP BY question_id")
        return {qid: _instant(at) for qid, at in rows}

    def unfed_exams(self) -> list[int]:
        """Submitted exams whose answers have not all reached the scheduler yet (the
        process ended between submitting and feeding them)."""
        rows, _ = self._read("SELECT id FROM exams WHERE status = 'submitted' AND fed = 0")
        return [r[0] for r in rows]

    def exam_fed(self, exam_id: int) -> None:
        self._write(None, "UPDATE exams SET fed = 1 WHERE id = ?", (exam_id,))

    def attempted_in_session(self, session_id: int) -> set[str]:
        """Question ids with a graded answer in this session (an exam's answers are fed to
        the scheduler once: those already there are not fed again)."""
        rows, _ = self._read("SELECT question_id FROM attempts WHERE session_id = ?",
                             (session_id,))
        return {r[0] for r in rows}


def _as_dict(cursor: sqlite3.Cursor, row: tuple) -> dict:
    return {d[0]: v for d, v in zip(cursor.description, row)}


# ------------------------------------------------------------------------------ faults

def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("QUIZZER_LOCK_WAIT", LOCK_WAIT)))
    except ValueError:
        return LOCK_WAIT


def _kind(err: BaseException) -> str:
    """What went wrong, from SQLite's result code (Python 3.11+) or else its message:
    locked, full, readonly, cantopen, ioerror, damaged or other."""
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err).lower()
    if isinstance(err, OSError):
        return {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "readonly",
                errno.EACCES: "readonly", errno.EPERM: "readonly"}.get(err.errno, "other")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "is locked" in text:
        return "locked"
    if name == "SQLITE_FULL" or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "readonly"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return "cantopen"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "ioerror"
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in text \
            or "not a database" in text:
        return "damaged"
    return "other"


def _why_not_writable(path: Path) -> str:
    folder = path.parent
    try:
        if os.statvfs(path if path.exists() else folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only disk"
    except (OSError, AttributeError):
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is read-only"
    return "permission denied"


def failure_message(err: BaseException, path: Path, unsaved: str | None = None,
                    waited: float | None = None) -> str:
    """One true sentence about why ``path`` could not be written or read, what was not
    saved, and what to do; never advice that could make anyone delete good data."""
    kind = _kind(err)
    if kind == "full":
        problem, fix = (f"there is no space left on the disk that holds {path}",
                        "free some space and run quizzer again")
    elif kind == "readonly" or (kind == "cantopen" and _why_not_writable(path)
                                != "permission denied"):
        problem, fix = (f"{path} is not writable ({_why_not_writable(path)})",
                        "make it writable, or set QUIZZER_HOME to a writable folder")
    elif kind == "locked":
        waited = BUSY_TIMEOUT if waited is None else waited
        problem, fix = (f"{path.name} is still locked by another program "
                        f"({path}, waited {waited:.0f} s)",
                        "close the other program and run quizzer again")
    elif kind == "ioerror":
        problem, fix = (f"the disk that holds {path} reported an input/output error "
                        f"({err})", "check the disk and run quizzer again")
    elif kind == "damaged":
        problem, fix = (f"{path} looks damaged ({err}); it was left untouched",
                        "keep the file: `sqlite3 progress.db .recover` can rescue what it "
                        "holds; set QUIZZER_HOME to another folder to study meanwhile")
    else:
        problem, fix = (f"{path} could not be used ({err})",
                        "set QUIZZER_HOME to another folder to study meanwhile")
    lost = f"{_capital(unsaved)} was NOT saved. Every answer before it is safe; " if unsaved \
        else "Nothing was lost; "
    return f"{problem}. {lost}{fix}."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------------------ identity

def _not_ours(path: Path, why: str) -> StoreError:
    return StoreError(f"{path} {why}; it was left untouched. Move it away or set "
                      "QUIZZER_HOME.")


def identify(path: Path) -> str:
    """``"new"`` (absent, empty, or an empty SQLite database) or ``"ours"``; anything else
    raises StoreError. Nothing here opens ``path`` for writing.

    The header settles most cases without SQLite: not the SQLite magic, or an application_id
    (bytes 68-71) of ours. The rest (an id of 0, which a database of ours also has until its
    first checkpoint) are asked through a read-only connection, which sees committed WAL
    frames but never checkpoints or changes the database or its ``-wal``.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return "new"
    except OSError as err:
        raise StoreError(f"cannot read {path}: {err.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _not_ours(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _not_ours(path, "is not a regular file")
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as err:
        raise StoreError(f"cannot read {path}: {err.strerror}; it was left untouched. "
                         "Make it readable, or set QUIZZER_HOME to another folder.") from None
    wal = path.with_name(path.name + "-wal")
    if not header and not (wal.exists() and wal.stat().st_size):
        return "new"
    if header and not header.startswith(SQLITE_HEADER):
        raise _not_ours(path, "is not a quizzer progress database (not an SQLite file)")
    if len(header) >= 72 and int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return "ours"
    return _probe(path)


def _probe(path: Path, tries: int = 4) -> str:
    """Ask SQLite, read-only, whose database ``path`` is. A file another quizzer is creating
    this moment can read as neither empty nor ours for an instant (the six-process start
    test met it about once in ten rounds), so "another program's" is only concluded when
    it still reads so after a few looks 0.1 s apart: another program's file stays so."""
    for _ in range(tries - 1):
        state, _app_id = _probe_once(path)
        if state != "other":
            return state
        time.sleep(0.1)
    state, app_id = _probe_once(path)
    if state == "other":
        raise _not_ours(path, f"is an SQLite database of another program (application_id "
                              f"{app_id})")
    return state


def _probe_once(path: Path) -> tuple[str, int]:
    """("ours" | "new" | "other", the file's application_id); StoreError if unreadable."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as err:
        if _kind(err) == "damaged":
            raise _not_ours(path, f"is not a readable SQLite database ({err})") from None
        raise StoreError(failure_message(err, path)) from None
    if app_id == APPLICATION_ID:
        return "ours", app_id
    if app_id == 0 and version == 0 and tables == 0:
        return "new", app_id  # an empty database, or ours being created by another run
    return "other", app_id


# ------------------------------------------------------------------------------ opening

def open_store(path: Path | None = None, notify: Callable[[str], None] = say) -> Store:
    """Open (creating if absent) the progress database and migrate it to the current schema.

    Raises StoreError for a file that is not a quizzer database, is damaged, or cannot be
    written; such a file is left exactly as it was.
    """
    if path is None:
        from quizzer.system.home import data_dir

        path = data_dir() / "progress.db"
        _adopt_legacy(path, notify)
    path = Path(path)
    state = identify(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(failure_message(err, path)) from None
    if state == "ours" and not os.access(path, os.W_OK):
        raise StoreError(f"{path} is not writable ({_why_not_writable(path)}). Nothing was "
                         "lost; make it writable, or set QUIZZER_HOME to a writable folder.")
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as err:
        raise StoreError(failure_message(err, path)) from None
    # Autocommit (isolation_level=None): each INSERT is its own durable transaction, and the
    # multi-statement changes use an explicit BEGIN IMMEDIATE ... COMMIT.
    store = Store(db, path, notify)
    try:
        store._retrying(lambda: _prepare(db, path, check=state == "ours"))
    except BaseException:
        db.close()
        raise
    return store


def _prepare(db: sqlite3.Connection, path: Path, check: bool) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    if check:
        # Reading the schema catches a damaged header or schema page up front. A whole-file
        # check (PRAGMA quick_check) would cost time in proportion to the history at every
        # start; damage elsewhere is reported by the query that meets it, with the same
        # message, and every answer before it is already committed.
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    if db.execute("PRAGMA user_version").fetchone()[0] != len(MIGRATIONS):
        _migrate(db, path)


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to date in one transaction that holds the write lock throughout.

    The version is read again inside it: a second process that started at the same moment
    waits at BEGIN IMMEDIATE, then finds the schema complete and does nothing. A crash (or a
    failure) part-way leaves the previous version intact.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID and (version or db.execute(
                "SELECT COUNT(*) FROM sqlite_master").fetchone()[0]):
            raise _not_ours(path, f"is an SQLite database of another program (application_id "
                                  f"{app_id})")
        if version > len(MIGRATIONS):
            raise StoreError(f"{path} was written by a newer quizzer (schema {version}, this "
                             f"one knows {len(MIGRATIONS)}); upgrade quizzer to use it.")
        for step in MIGRATIONS[version:]:
            step(db)
        if version < len(MIGRATIONS):
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _adopt_legacy(path: Path, notify: Callable[[str], None]) -> None:
    """Move progress kept where quizzer used to keep it (quizzer.system.home.legacy_dir) to
    ``path``, once, with a message. Only a database of ours is moved.

    The file appears at ``path`` whole or not at all: its WAL is checkpointed into it first,
    then it is hard-linked into place (or, across disks, copied beside ``path`` and linked),
    which fails rather than overwrite if another run got there first; that run's move
    stands, and this one says nothing. The old cache is removed (it is only a cache);
    another file in the old folder is left alone.
    """
    from quizzer.system.home import legacy_dir

    old_dir = legacy_dir()
    if old_dir is None or path.exists():
        return
    old = old_dir / "progress.db"
    try:
        if not old.is_file() or identify(old) != "ours":
            return
    except StoreError:
        return  # not ours: not ours to move
    try:
        _checkpoint(old)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _link_whole(old, path):
            return  # another run moved it a moment ago
        for leftover in (old, old.with_name("progress.db-wal"),
                         old.with_name("progress.db-shm")):
            leftover.unlink(missing_ok=True)
    except (OSError, sqlite3.Error) as err:
        if path.exists():
            return  # another run moved it while this one tried
        raise StoreError(f"could not move your progress from {old} to {path} "
                         f"({getattr(err, 'strerror', None) or err}); it was left where it "
                         f"was. Set QUIZZER_HOME={old_dir} to keep using it there.") from None
    import shutil

    shutil.rmtree(old_dir / "cache", ignore_errors=True)
    notify(f"Moved your progress from {old} to {path}, where your platform keeps app data "
           "(a one-time move).")


def _checkpoint(path: Path) -> None:
    """Fold ``path``'s WAL into it. ``mode=rw``: a file another run has just moved away is
    an error here, never recreated empty."""
    from urllib.parse import quote

    db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True,
                         timeout=BUSY_TIMEOUT, isolation_level=None)
    try:
        # The pragma does not raise when it cannot finish: it returns busy = 1 (another run
        # is checkpointing the same file, or still reading it). Moving the file then would
        # race that run's page copies, so wait until a checkpoint of ours completes.
        deadline = time.monotonic() + _lock_wait()
        while db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] != 0:
            if time.monotonic() >= deadline:
                raise sqlite3.OperationalError("database is locked")
            time.sleep(0.05)
    finally:
        db.close()


def _link_whole(source: Path, target: Path) -> bool:
    """Make ``target`` the file ``source`` is, appearing all at once; False if ``target``
    exists already (it is never overwritten)."""
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        return False
    except OSError as err:
        if err.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
    import shutil
    import tempfile

    # Another disk (or no hard links there): a whole copy beside the target, then linked.
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".db", dir=target.parent)
    os.close(fd)
    try:
        shutil.copy2(source, tmp)
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: rename, unless it appeared
            if target.exists():
                return False
            os.replace(tmp, target)
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)

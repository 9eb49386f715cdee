"""The progress store: durable answers, schema versioning, and files that are not ours."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content.bank import load
from quizzer.engine.session import select_questions
from quizzer.engine.store import APPLICATION_ID, MIGRATIONS, Session, StoreError, open_store

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


def test_new_database_is_versioned_marked_and_in_wal_mode(isolated_home):
    with open_store() as store:
        sid = store.start_session("practice", 7, ["mini"])
        store.record_attempt(sid, "q1", "mini", "0", True, 1.5)
        store.record_attempt(sid, "q2", "mini", "1", False, 2.0)
        store.record_attempt(sid, "q1", "mini", "1", False, 3.0)
    db = sqlite3.connect(isolated_home / "progress.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with open_store() as store:
        stats = store.topic_stats()["mini"]
        assert (stats.attempts, stats.correct) == (3, 1)
        assert store.wrong_last_time() == {"q1", "q2"}


def _session_rows(home: Path) -> list:
    db = sqlite3.connect(home / "progress.db")
    try:
        return db.execute("SELECT kind, started_at, seed, topics, ended_at FROM sessions "
                          "ORDER BY id").fetchall()
    finally:
        db.close()


def test_a_session_is_written_with_its_first_answer_and_only_then(isolated_home):
    from datetime import datetime, timezone

    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with open_store() as store:
        quit_early = Session("practice", start, 3, ("mini",))
        store.end_session(quit_early)  # quit at the first question: nothing to keep
        assert quit_early.id is None
        answered = Session("review", start, 4, ("a", "b"))
        store.record_skip(answered, "q1", "mini")
        first_id = answered.id
        store.record_attempt(answered, "q2", "mini", "0", True, 1.0)
        store.end_session(answered, start.replace(hour=10))
        assert answered.id == first_id  # one row for the whole session
    assert _session_rows(isolated_home) == [
        ("review", start.isoformat(), 4, "a,b", start.replace(hour=10).isoformat())]
    db = sqlite3.connect(isolated_home / "progress.db")
    assert db.execute("SELECT session_id FROM attempts UNION ALL "
                      "SELECT session_id FROM skips").fetchall() == [(first_id,), (first_id,)]
    db.close()


def test_a_first_answer_that_cannot_be_saved_leaves_no_session_behind(isolated_home):
    from datetime import datetime, timezone

    class FullDisk:
        """The connection, except that inserting an answer fails as on a full disk."""

        def __init__(self, db):
            self.db = db

        def execute(self, sql, *args):
            if sql.startswith("INSERT INTO attempts"):
                raise sqlite3.OperationalError("database or disk is full")
            return self.db.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.db, name)

    session = Session("practice", datetime(2026, 3, 1, tzinfo=timezone.utc))
    with open_store() as store:
        healthy, store.db = store.db, FullDisk(store.db)
        with pytest.raises(StoreError, match="Your answer to q1 was NOT saved"):
            store.record_attempt(session, "q1", "mini", "0", True, 1.0)
        assert session.id is None  # rolled back with the answer: the next answer writes it
        store.db = healthy
        store.record_attempt(session, "q1", "mini", "0", True, 1.0)
    assert [row[0] for row in _session_rows(isolated_home)] == ["practice"]


def test_wrong_last_time_uses_the_latest_attempt(isolated_home):
    with open_store() as store:
        sid = store.start_session("practice", 1, [])
        store.record_attempt(sid, "q1", "t", "0", False, 1)
        store.record_attempt(sid, "q1", "t", "1", True, 1)
        assert store.wrong_last_time() == set()


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(isolated_home):
    isolated_home.mkdir()
    path = isolated_home / "progress.db"
    path.write_text("my shopping list\n")
    with pytest.raises(StoreError, match="not a quizzer progress database"):
        open_store()
    assert path.read_text() == "my shopping list\n"


def test_another_programs_database_is_refused_and_left_untouched(isolated_home):
    isolated_home.mkdir()
    path = isolated_home / "progress.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (body TEXT)")
    other.commit()
    other.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="database of another program"):
        open_store()
    assert path.read_bytes() == before


def test_a_corrupt_database_is_reported_and_left_untouched(isolated_home):
    with open_store() as store:
        sid = store.start_session("practice", 1, [])
        for i in range(200):
            store.record_attempt(sid, f"q{i}", "t", "0", True, 1)
    path = isolated_home / "progress.db"
    data = bytearray(path.read_bytes())
    data[100:400] = b"\xff" * 300  # scribble over the schema page, past the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        open_store()
    assert path.read_bytes() == bytes(data)


def test_cli_reports_a_bad_progress_file_without_traceback(isolated_home, mini_bank):
    isolated_home.mkdir()
    (isolated_home / "progress.db").write_text("not a database")
    result = CliRunner().invoke(cli, ["practice", "--no-plots"], input="q\n")
    assert result.exit_code == 1
    assert result.output == (f"Error: {isolated_home / 'progress.db'} is not a quizzer progress "
                             "database (not an SQLite file); it was left untouched. Move it away "
                             "or set QUIZZER_HOME.\n")


def test_a_newer_schema_is_refused(isolated_home):
    with open_store():
        pass
    db = sqlite3.connect(isolated_home / "progress.db")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="written by a newer quizzer"):
        open_store()


@pytest.mark.slow
def test_sigkill_mid_session_keeps_every_graded_answer(isolated_home):
    """Answer N questions, kill -9 the process, and find exactly N attempts intact."""
    bank = load([FIXTURE_BANK], builtin=False)
    order = select_questions(bank, topics=["mini"], count=4, seed=5)
    answers = {"single": "a", "multiple": "ab", "true-false": "t", "numeric": "0.5"}
    env = {**os.environ, "QUIZZER_HOME": str(isolated_home)}
    proc = subprocess.Popen(
        # quizzer with the tests' scenarios registered: the fixture bank's examples use one
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
         "import conftest; from quizzer.cli import main; main()",
         "practice", "--bank", str(FIXTURE_BANK), "-t", "mini",
         "--seed", "5", "--count", "4", "--no-plots"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    db_path = isolated_home / "progress.db"
    n = 3
    try:
        for i, question in enumerate(order[:n], 1):
            proc.stdin.write((answers[question.kind] + "\n").encode())
            proc.stdin.flush()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if db_path.exists():
                    db = sqlite3.connect(db_path)
                    try:
                        if db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == i:
                            break
                    except sqlite3.OperationalError:
                        pass  # schema not created yet
                    finally:
                        db.close()
                time.sleep(0.05)
            else:
                pytest.fail(f"answer {i} was not committed within 30 s")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT question_id FROM attempts ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [q.id for q in order[:n]]
    with open_store(db_path) as store:  # and quizzer can open it again
        assert store.attempt_count() == n


def test_moving_old_progress_waits_for_a_complete_checkpoint(tmp_path, monkeypatch):
    """The legacy move folds the WAL into the file before linking it into place; if a
    checkpoint cannot complete (another run is reading the file), it must not report
    success, or the move would leave the WAL's answers behind."""
    from quizzer.engine.store import _checkpoint

    path = tmp_path / "progress.db"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE attempts (x)")
    writer.execute("INSERT INTO attempts VALUES (1)")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM attempts").fetchone()  # holds a WAL snapshot
    writer.execute("INSERT INTO attempts VALUES (2)")  # a frame the reader does not see
    monkeypatch.setenv("QUIZZER_LOCK_WAIT", "0.3")
    monkeypatch.setattr("quizzer.engine.store.BUSY_TIMEOUT", 0.1)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _checkpoint(path)
    reader.execute("COMMIT")  # the other run is done: now the checkpoint completes
    _checkpoint(path)
    assert path.with_name("progress.db-wal").stat().st_size == 0
    writer.close()
    reader.close()
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 2


def test_a_lock_that_goes_at_once_is_waited_out_without_a_notice(isolated_home, monkeypatch):
    """Two quizzers starting together can get SQLite's immediate 'locked' (it does not wait
    when the two would wait for each other); a moment later it is gone. Only a lock that
    lasts gets 'locked by another program; retrying…'."""
    import quizzer.engine.store as store_module

    said = []
    monkeypatch.setattr(store_module, "NOTICE_AFTER", 0.5)
    with open_store(notify=said.append) as store:
        tries = []

        def locked_once():
            tries.append(1)
            if len(tries) == 1:
                raise sqlite3.OperationalError("database is locked")
            return "done"

        assert store._retrying(locked_once) == "done" and said == []
        until = time.monotonic() + 0.8

        def locked_a_while():
            if time.monotonic() < until:
                raise sqlite3.OperationalError("database is locked")
            return "done"

        assert store._retrying(locked_a_while) == "done"
        assert said == ["progress.db is locked by another program; retrying…"]

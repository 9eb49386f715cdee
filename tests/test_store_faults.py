"""The progress store under faults between processes and on the disk (issue 13, kinds 1-5).

Faults between processes are made with real processes: two quizzer runs on a new home, two
sessions rating one item, a real sqlite3 connection holding the lock. Disks are made full or
read-only with a tiny tmpfs or a read-only bind mount where this machine allows mounting
(as root in CI); the same messages are also checked by injecting SQLite's error at the
store's boundary, which runs everywhere.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content.bank import load
from quizzer.engine.session import select_questions
import quizzer.engine.store
from quizzer.engine.store import APPLICATION_ID, open_store

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"
ROOT = Path(__file__).parent.parent
ANSWERS = {"single": "a", "multiple": "ab", "true-false": "t", "numeric": "0.5"}


def subprocess_bank(folder: Path) -> Path:
    """The mini test bank with a built-in simulation: a subprocess has no conftest.fixed."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURE_BANK / "mini.yaml").read_text().replace(
        "simulation: conftest.fixed, params: {tp: 50, fp: 5}",
        "simulation: confusion_matrix.metrics, params: {tp: 50, fp: 5, fn: 10, tn: 100}")
    (folder / "mini.yaml").write_text(text)
    return folder


def practice_args(bank: Path) -> list[str]:
    return ["practice", "--bank", str(bank), "-t", "mini", "--seed", "5", "--count", "1",
            "--no-plots"]


def first_question():
    bank = load([FIXTURE_BANK], builtin=False)
    return select_questions(bank, topics=["mini"], count=1, seed=5)[0]


def quizzer_env(home: Path, **extra) -> dict:
    return {**os.environ, "QUIZZER_HOME": str(home), "PYTHONPATH": str(ROOT), **extra}


class Running:
    """A `python -m quizzer` process whose stdout and stderr are collected as they come."""

    def __init__(self, args: list[str], env: dict):
        self.proc = subprocess.Popen([sys.executable, "-m", "quizzer", *args], cwd=ROOT,
                                     env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out, self.err = [], []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream, sink):
        for chunk in iter(lambda: stream.read1(4096), b""):
            sink.append(chunk)

    def text(self, which: str = "out") -> str:
        return b"".join(getattr(self, which)).decode("utf-8", "replace")

    def wait_for(self, needle: str, which: str = "out", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text(which):
            if time.monotonic() > deadline or self.proc.poll() is not None and \
                    needle not in self.text(which):
                time.sleep(0.2)
                if needle in self.text(which):
                    return
                pytest.fail(f"{needle!r} never came on std{which}; out:\n{self.text()}\n"
                            f"err:\n{self.text('err')}")
            time.sleep(0.02)

    def send(self, line: str) -> None:
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 60) -> int:
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        code = self.proc.wait(timeout)
        time.sleep(0.1)  # let the pumps drain
        return code


def attempts(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT question_id, response FROM attempts ORDER BY id").fetchall()
    finally:
        db.close()


def assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Error:" in text, text


# ------------------------------------------------------------------ 1. concurrent first start

RACER = """
import os, sys, time
from pathlib import Path
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.001)
from quizzer.engine.store import open_store
with open_store() as store:
    print(store.attempt_count())
"""


@pytest.mark.slow
def test_processes_starting_together_on_a_new_home_all_find_a_whole_schema(tmp_path):
    """Six processes released at the same instant on an empty home, five times over: the
    schema is created once, the others wait for it; no 'damaged', no 'another program'."""
    for round_ in range(5):
        home = tmp_path / f"home{round_}"
        go = tmp_path / f"go{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", RACER, str(go)], cwd=ROOT,
                                  env=quizzer_env(home), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(6)]
        time.sleep(0.5)  # every interpreter started and waiting
        go.touch()
        results = [p.communicate(timeout=60) for p in procs]
        assert [(p.returncode, out, err) for p, (out, err) in zip(procs, results)] == \
            [(0, "0\n", "")] * 6
        db = sqlite3.connect(home / "progress.db")
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        version = db.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(quizzer.engine.store.MIGRATIONS)
        db.close()


@pytest.mark.slow
def test_two_commands_on_a_new_home_both_succeed(tmp_path):
    """The case as the fault campaign ran it: `quizzer topics & quizzer topics`."""
    for round_ in range(4):
        env = quizzer_env(tmp_path / f"home{round_}")
        procs = [subprocess.Popen([sys.executable, "-m", "quizzer", "topics"], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert (proc.returncode, err) == (0, "")
            assert out.startswith("topic ")


def test_a_migration_runs_once_when_a_second_process_waits_for_it(isolated_home):
    """The version is read again inside the write transaction: a process that found an old
    schema, then waited for the lock, sees the new one and migrates nothing."""
    with open_store():
        pass
    path = isolated_home / "progress.db"
    latest = len(quizzer.engine.store.MIGRATIONS)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute(f"PRAGMA user_version = {latest - 1}")  # pretend: the last step not applied...
    first = sqlite3.connect(path, isolation_level=None)
    original = quizzer.engine.store.MIGRATIONS[-1]

    def must_not_run(conn):
        raise AssertionError("the last step must not run again")

    # ...but another process applies it while this one waits at BEGIN IMMEDIATE.
    db.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.5, lambda: (db.execute(f"PRAGMA user_version = {latest}"),
                                             db.execute("COMMIT")))
    releaser.start()
    quizzer.engine.store.MIGRATIONS[-1] = must_not_run
    try:
        quizzer.engine.store._migrate(first, path)
    finally:
        quizzer.engine.store.MIGRATIONS[-1] = original
        releaser.join()
    assert first.execute("PRAGMA user_version").fetchone()[0] == latest


# ------------------------------------------------------------------ 2. lost schedule update

ANSWERER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from quizzer.engine import scheduling
from quizzer.engine.store import open_store
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
with open_store() as store:
    session = store.start_session("practice", 1, ["t"])
    previous = store.schedule("shared-item")          # read the schedule, as practice does
    at = datetime.now(timezone.utc)
    outcome = scheduling.review(previous, "shared-item", "question", "t", 3, at, 4.0)
    ready.touch()
    while not go.exists():                             # ...the other session answers too
        time.sleep(0.001)
    store.record_attempt(session, "shared-item", "t", "a", True, 4.0, now=at, outcome=outcome)
"""


def test_two_sessions_answering_one_item_at_once_both_count_in_its_schedule(isolated_home,
                                                                             tmp_path):
    with open_store():
        pass
    go = tmp_path / "go"
    readies = [tmp_path / f"ready{i}" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, "-c", ANSWERER, str(r), str(go)], cwd=ROOT,
                              env=quizzer_env(isolated_home), stderr=subprocess.PIPE,
                              text=True) for r in readies]
    deadline = time.monotonic() + 30
    while not all(r.exists() for r in readies):  # both have read "never reviewed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    go.touch()
    for proc in procs:
        assert proc.communicate(timeout=30)[1] == "" and proc.returncode == 0
    with open_store() as store:
        reviews = store.reviews("shared-item")
        schedule = store.schedule("shared-item")
    from quizzer.engine import scheduling

    assert len(reviews) == 2
    assert schedule.reps == 2
    assert schedule == scheduling.replay("shared-item", "question", "t", reviews)


# ------------------------------------------------------------------ 3. a lock held elsewhere

@contextmanager
def exclusive_lock(path: Path):
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("COMMIT")
        other.close()


def start_practice(home: Path, **env) -> Running:
    with open_store(home / "progress.db"):
        pass
    bank = subprocess_bank(home.parent / f"{home.name}-bank")
    run = Running(practice_args(bank), quizzer_env(home, **env))
    run.wait_for("> ")
    return run


@pytest.mark.slow
def test_an_answer_typed_while_another_program_holds_the_lock_is_written_when_it_goes(
        isolated_home):
    question = first_question()
    run = start_practice(isolated_home, QUIZZER_LOCK_WAIT="30")
    path = isolated_home / "progress.db"
    with exclusive_lock(path):
        started = time.monotonic()
        run.send(ANSWERS[question.kind])
        run.wait_for("progress.db is locked by another program; retrying…", "err")
        waited = time.monotonic() - started
        assert attempts(path) == []
        time.sleep(1)
    run.wait_for("Session summary")
    assert run.finish() == 0
    # told within seconds, not 20 s of silence
    assert waited < quizzer.engine.store.BUSY_TIMEOUT + 3
    assert [qid for qid, _ in attempts(path)] == [question.id]
    assert run.text("err") == "progress.db is locked by another program; retrying…\n"
    assert "Score: " in run.text()


@pytest.mark.slow
def test_a_lock_that_stays_ends_the_session_with_the_answer_reported_unsaved(isolated_home):
    question = first_question()
    run = start_practice(isolated_home, QUIZZER_LOCK_WAIT="1")
    path = isolated_home / "progress.db"
    with exclusive_lock(path):
        run.send(ANSWERS[question.kind])
        code = run.finish()
    err = run.text("err")
    assert code == 1
    waited = re.search(r"waited (\d+) s\)", err)
    assert waited and 3 <= int(waited.group(1)) <= 3 + 2 * quizzer.engine.store.BUSY_TIMEOUT, err
    assert err.startswith("progress.db is locked by another program; retrying…\n"
                          f"Error: progress.db is still locked by another program ({path}, "
                          f"waited {waited.group(1)} s). ")
    assert re.search(rf"Your answer to {question.id} was NOT saved\. Every answer "
                     r"before it is safe; close the other program and run quizzer again\.\n$",
                     err), err
    assert "Traceback" not in err
    assert attempts(path) == []


# ------------------------------------------------------------------ 4. full, read-only, folder

class FailingConnection:
    """An sqlite3 connection whose writes of one table fail with SQLite's own error."""

    def __init__(self, db, table: str, error: Exception):
        self._db, self._table, self._error = db, table, error

    def execute(self, sql, *args):
        if f"INTO {self._table}" in sql:
            raise self._error
        return self._db.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._db, name)


def failing_store(monkeypatch, table: str, error: Exception):
    real = quizzer.engine.store.open_store

    def opened(*args, **kwargs):
        store = real(*args, **kwargs)
        store.db = FailingConnection(store.db, table, error)
        return store

    monkeypatch.setattr(quizzer.engine.store, "open_store", opened)


INJECTED = [
    (sqlite3.OperationalError("database or disk is full"),
     "there is no space left on the disk that holds {path}. Your answer to mini-tf "
     "was NOT saved. Every answer before it is safe; free some space and run quizzer again."),
    (sqlite3.OperationalError("attempt to write a readonly database"),
     "{path} is not writable (permission denied). Your answer to mini-tf was NOT "
     "saved. Every answer before it is safe; make it writable, or set QUIZZER_HOME to a "
     "writable folder."),
    (sqlite3.OperationalError("disk I/O error"),
     "the disk that holds {path} reported an input/output error (disk I/O error). Your "
     "answer to mini-tf was NOT saved. Every answer before it is safe; check the disk "
     "and run quizzer again."),
]


@pytest.mark.parametrize("error,message", INJECTED, ids=["full", "readonly", "ioerror"])
def test_a_failed_answer_write_ends_the_session_saying_what_was_not_saved(
        isolated_home, mini_bank, monkeypatch, error, message):
    failing_store(monkeypatch, "attempts", error)
    result = CliRunner().invoke(cli, ["practice", "--seed", "5", "--count", "1",
                                      "--no-plots"], input="t\n")
    path = isolated_home / "progress.db"
    assert result.exit_code == 1
    # The question screen (the loop's, asserted in its own tests), the answer, then only
    # the error: no feedback as if it were saved, no summary, no traceback.
    question, answer = result.output.split("\n> t\n")
    assert question.startswith("[1/1] mini\n\nAccuracy is a good metric")
    assert answer == f"Error: {message.format(path=path)}\n"
    assert attempts(path) == []
    assert "move it away" not in result.output.lower()


@contextmanager
def mounted(kind: str, target: Path):
    """A tmpfs of 1 MB at ``target`` (kind "tmpfs"), or ``target`` bind-mounted read-only
    over itself ("ro"). Skips the test where this machine does not allow mounting."""
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    target.mkdir(parents=True, exist_ok=True)
    if kind == "tmpfs":
        cmds = [["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(target)]]
    else:
        cmds = [["mount", "--bind", str(target), str(target)],
                ["mount", "-o", "remount,bind,ro", str(target)]]
    for i, cmd in enumerate(cmds):
        if subprocess.run(cmd, capture_output=True).returncode != 0:
            if i:
                subprocess.run(["umount", str(target)])
            pytest.skip(f"cannot {' '.join(cmd[:3])} here")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


def fill(folder: Path) -> None:
    try:
        with open(folder / "ballast", "wb", buffering=0) as f:
            while True:
                f.write(b"\0" * 4096)
    except OSError:
        pass  # the disk is full


@pytest.mark.slow
def test_a_disk_that_fills_during_a_session(tmp_path):
    question = first_question()
    with mounted("tmpfs", tmp_path / "small") as home:
        run = start_practice(home)
        fill(home)
        run.send(ANSWERS[question.kind])
        code = run.finish()
        err = run.text("err")
        assert code == 1, err
        assert re.fullmatch(
            rf"Error: there is no space left on the disk that holds {home}/progress.db\. Your "
            rf"answer to {question.id} was NOT saved\. Every answer before it is safe; "
            r"free some space and run quizzer again\.\n", err), err
        (home / "ballast").unlink()
        with open_store(home / "progress.db") as store:
            assert store.attempt_count() == 0  # and the file is healthy


@pytest.mark.slow
def test_a_read_only_home_or_file_is_named_before_any_question(tmp_path):
    home = tmp_path / "home"
    with open_store(home / "progress.db") as store:
        store.start_session("practice", 1, [])
    before = (home / "progress.db").read_bytes()
    with mounted("ro", home):
        bank = subprocess_bank(tmp_path / "bank")
        result = subprocess.run([sys.executable, "-m", "quizzer", *practice_args(bank)],
                                cwd=ROOT,
                                env=quizzer_env(home), input="t\n", capture_output=True,
                                text=True, timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {home}/progress.db is not writable (it is on a "
                             "read-only disk). Nothing was lost; make it writable, or set "
                             "QUIZZER_HOME to a writable folder.\n")
    assert (home / "progress.db").read_bytes() == before
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with mounted("ro", fresh):
        result = subprocess.run([sys.executable, "-m", "quizzer", "topics"], cwd=ROOT,
                                env=quizzer_env(fresh), capture_output=True, text=True,
                                timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: {fresh}/progress.db is not writable (it is on a "
                                    "read-only disk). Nothing was lost;")


def test_a_folder_named_progress_db_is_named_as_a_folder(isolated_home):
    (isolated_home / "progress.db").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["topics"])
    assert (result.exit_code, result.output) == (
        1, f"Error: {isolated_home}/progress.db is a folder, not a file; it was left "
           "untouched. Move it away or set QUIZZER_HOME.\n")


def test_a_damaged_file_is_not_called_disposable(isolated_home):
    with open_store() as store:
        sid = store.start_session("practice", 1, [])
        for i in range(200):
            store.record_attempt(sid, f"q{i}", "t", "0", True, 1)
    path = isolated_home / "progress.db"
    data = bytearray(path.read_bytes())
    # every table past the schema page: whatever the command reads meets the damage (opening
    # reads only the schema, so damage is reported by the first query that meets it)
    data[4096:] = b"\xff" * (len(data) - 4096)
    path.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["topics"])
    assert result.exit_code == 1
    assert "looks damaged" in result.output and "left untouched" in result.output
    assert "start fresh" not in result.output and "move it away" not in result.output.lower()
    assert path.read_bytes() == bytes(data)


# ------------------------------------------------------------------ 5. another app's WAL db

OTHER_APP = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("CREATE TABLE notes (body TEXT)")
db.commit()
db.executemany("INSERT INTO notes VALUES (?)", [("note %d" % i,) for i in range(50)])
db.commit()
os._exit(0)  # as if killed: its committed frames stay in the -wal, never checkpointed
"""


def checksums(path: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in (path, path.with_name(path.name + "-wal"))}


@pytest.mark.parametrize("application_id", [0, 0x4F544852])
def test_another_apps_wal_database_is_identified_and_left_byte_identical(
        isolated_home, application_id):
    isolated_home.mkdir()
    path = isolated_home / "progress.db"
    script = OTHER_APP.replace('db.execute("CREATE TABLE',
                               f'db.execute("PRAGMA application_id={application_id}")\n'
                               'db.execute("CREATE TABLE')
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)
    wal = path.with_name("progress.db-wal")
    assert wal.stat().st_size > 0  # committed frames waiting there
    before = checksums(path)
    result = subprocess.run([sys.executable, "-m", "quizzer", "topics"], cwd=ROOT,
                            env=quizzer_env(isolated_home), capture_output=True, text=True,
                            timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {path} is an SQLite database of another program "
                             f"(application_id {application_id}); it was left untouched. "
                             "Move it away or set QUIZZER_HOME.\n")
    assert checksums(path) == before

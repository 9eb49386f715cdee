"""A long history costs no more than a short one: running totals kept by the store, and
commands that read them instead of every answer."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.engine import scheduling as sch
import quizzer.engine.store
from quizzer.engine.store import MIGRATIONS, open_store
from quizzer.screens.console import Clock, Console

pytestmark = pytest.mark.usefixtures("utc_zone", "mini_bank")

START = datetime(2025, 3, 1, 7, 30, tzinfo=timezone.utc)
QUESTIONS = ("mini-single", "mini-multiple", "mini-tf", "mini-numeric")


def generated_history(store, answers: int, days: int, seed: int = 3) -> list:
    """``answers`` answers (and a few skips) spread over ``days`` days; returns the raw
    (question, correct, instant) answers and skips (correct None) in writing order."""
    rng = random.Random(seed)
    written = []
    store.db.execute("PRAGMA synchronous=OFF")  # test data: thousands of commits, no fsyncs
    sid = store.start_session("practice", seed, ["mini"], now=START)
    for n in range(answers):
        at = START + timedelta(minutes=rng.randrange(days * 24 * 60))
        qid = rng.choice(QUESTIONS)
        if rng.random() < 0.05:
            store.record_skip(sid, qid, "mini", now=at)
            written.append((qid, None, at))
        else:
            correct = rng.random() < 0.7
            store.record_attempt(sid, qid, "mini", "x", correct, 5.0, now=at)
            written.append((qid, correct, at))
    return written


def expected_days(written) -> list:
    days = Counter()
    right = Counter()
    for _, correct, at in written:
        if correct is not None:
            day = sch.local_day(at)
            days[day] += 1
            right[day] += correct
    return [("mini", day.isoformat(), days[day], right[day]) for day in sorted(days)]


def expected_wrong(written) -> set:
    latest = {}
    for qid, correct, at in written:  # written out of time order on purpose
        if qid not in latest or at >= latest[qid][0]:
            latest[qid] = (at, correct)
    return {qid for qid, (_, correct) in latest.items() if not correct}


def test_running_totals_equal_the_raw_history(isolated_home):
    with open_store() as store:
        written = generated_history(store, 3000, 90)
        assert store.answer_days() == expected_days(written)
        assert store.wrong_last_time() == expected_wrong(written)
        graded = [c for _, c, _ in written if c is not None]
        stats = store.topic_stats()["mini"]
        assert (stats.attempts, stats.correct) == (len(graded), sum(graded))


def test_migrating_an_older_database_fills_the_totals(isolated_home):
    """A v3 database with history gets the same totals the triggers would have kept."""
    path = isolated_home / "progress.db"
    with open_store() as store:
        written = generated_history(store, 500, 20)
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER attempts_totals; DROP TRIGGER skips_latest; "
                     "DROP TABLE answer_days; DROP TABLE latest_answers; "
                     "DROP TABLE exam_items; DROP TABLE exams; "  # v5's, back to v3 too
                     "PRAGMA user_version = 3;")
    db.close()
    assert len(MIGRATIONS) == 5
    with open_store() as store:
        assert store.answer_days() == expected_days(written)
        assert store.wrong_last_time() == expected_wrong(written)


def _statements(monkeypatch) -> list:
    """Every SQL statement the commands run on the progress database."""
    seen: list = []
    real = quizzer.engine.store.open_store

    def traced(*args, **kwargs):
        store = real(*args, **kwargs)
        store.db.set_trace_callback(seen.append)
        return store

    monkeypatch.setattr(quizzer.engine.store, "open_store", traced)
    return seen


@pytest.mark.parametrize("command", [["stats"], ["stats", "--json"], ["topics"],
                                     ["practice", "--wrong", "--no-plots"],
                                     ["plan", "--exam-date", "2025-07-01"],
                                     ["review", "--no-plots"]])
def test_commands_never_read_the_whole_history(isolated_home, monkeypatch, command):
    """What stats, topics, practice --wrong, plan and review read is bounded by the bank and
    the days with answers: they never select from the answer or review logs (which grow
    with every answer), only from the totals and the schedules."""
    with open_store() as store:
        generated_history(store, 400, 30)
    seen = _statements(monkeypatch)
    now = START + timedelta(days=31)
    result = CliRunner().invoke(cli, command, input="q\n",
                                obj=Console(Clock(now=lambda: now)))
    assert result.exit_code in (0, 130), result.output
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert reads, "the command read nothing: the trace is not watching it"
    for statement in reads:
        tables = statement.lower().replace("\n", " ")
        assert " from attempts" not in tables and " from reviews" not in tables, statement
        assert " from skips" not in tables, statement


def test_stats_numbers_do_not_depend_on_how_answers_were_written(isolated_home):
    """Twice the answers on the same days: stats reads the same number of day rows."""
    with open_store() as store:
        generated_history(store, 300, 10, seed=1)
        rows_small = len(store.answer_days())
        generated_history(store, 3000, 10, seed=2)
        rows_large = len(store.answer_days())
    assert rows_small == rows_large == 11  # 1 March 07:30 to 11 March 07:30

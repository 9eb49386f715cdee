"""The mock exam's rules and records (quizzer.engine.exam) and their rows
(quizzer.engine.store): the estimate's arithmetic, the time limit, the draw, saving every step,
submission feeding the scheduler exactly once. No terminal here: tests/test_exam_screen.py
drives the screens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizzer.content.bank import load
from quizzer.engine import exam as ex
from quizzer.engine.grading import present
from quizzer.engine.store import open_store

EXAM_BANK = Path(__file__).parent / "fixtures" / "exam"
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def bank():
    return load([EXAM_BANK], builtin=False)


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "progress.db") as s:
        yield s


# ------------------------------------------------------------------------------ estimate

@pytest.mark.parametrize("correct, total, scaled", [
    (0, 65, 100),            # nothing right: the bottom of the scale
    (65, 65, 1000),          # everything right: the top
    (45, 65, 723),           # 100 + 900 * 45/65 = 723.08: the fewest that pass at 65
    (44, 65, 709),           # 100 + 900 * 44/65 = 709.23: one fewer fails
    (3, 5, 640),             # 100 + 900 * 0.6
    (1, 3, 400),             # 100 + 300
    (0, 0, 100),             # an empty exam has no share correct
])
def test_scaled_estimate_is_a_straight_line_from_100_to_1000(correct, total, scaled):
    assert ex.scaled_estimate(correct, total) == scaled


def test_the_pass_mark_sits_between_44_and_45_of_65():
    assert ex.passed(ex.scaled_estimate(45, 65))
    assert not ex.passed(ex.scaled_estimate(44, 65))
    assert ex.passed(720) and not ex.passed(719)


def test_time_limit_scales_130_minutes_for_65_questions():
    assert ex.time_limit(65) == 130 * 60
    assert ex.time_limit(5) == 10 * 60          # two minutes a question
    assert ex.time_limit(5, minutes=7) == 7 * 60


def test_clock_text():
    assert ex.clock_text(130 * 60) == "2:10:00"
    assert ex.clock_text(599.9) == "9:59"       # rounded down: 0:00 means the time is up
    assert ex.clock_text(-3) == "0:00"


def test_trend():
    assert ex.trend([]) == "no exams yet"
    assert ex.trend([500]) == "first exam"
    assert ex.trend([500, 640]) == "+140 since the previous"
    assert ex.trend([500, 640, 600]) == "-40 since the previous, +100 since the first"


# ---------------------------------------------------------------------------------- draw

def test_draw_uses_exam_kinds_only_unless_all_kinds(bank):
    kinds = {q.kind for q in ex.draw(bank, 20, seed=1)}
    assert kinds == {"single", "multiple"}
    assert {q.kind for q in ex.draw(bank, 20, seed=1, all_kinds=True)} == {
        "single", "multiple", "true-false", "numeric"}


def test_draw_spreads_over_topics_and_difficulties(bank):
    for seed in range(20):
        chosen = ex.draw(bank, 4, seed)
        topics = [q.topic for q in chosen]
        assert topics.count("alpha") == topics.count("beta") == 2, seed
        for topic in ("alpha", "beta"):
            levels = [q.difficulty for q in chosen if q.topic == topic]
            assert len(set(levels)) == 2, (seed, levels)


def test_draw_prefers_questions_not_seen_recently(bank):
    seen = {"alpha-precision": T0, "beta-lr-high": T0 - timedelta(days=1)}
    for seed in range(20):
        ids = {q.id for q in ex.draw(bank, 4, seed, last_seen=seen)}
        assert not ids & set(seen), seed  # both have an unseen question of the same topic
    # Once every question was answered, the ones answered longest ago come first.
    beta = {"beta-lr-high": T0, "beta-batch": T0 - timedelta(days=3),
            "beta-two-fixes": T0 - timedelta(days=1)}
    for seed in range(5):
        assert [q.id for q in ex.draw(bank, 1, seed, ["beta"], last_seen=beta)] == [
            "beta-batch"]
        assert {q.id for q in ex.draw(bank, 2, seed, ["beta"], last_seen=beta)} == {
            "beta-batch", "beta-two-fixes"}


def test_draw_is_fixed_by_its_seed_and_narrowed_by_topic(bank):
    assert [q.id for q in ex.draw(bank, 5, 7)] == [q.id for q in ex.draw(bank, 5, 7)]
    assert {q.topic for q in ex.draw(bank, 5, 7, topics=["beta"])} == {"beta"}
    assert len(ex.draw(bank, 50, 7)) == 6   # every exam-kind question, no repeats


def test_presentation_round_trip(bank):
    import random

    question = bank.questions[1]
    presented = present(question, random.Random(4))
    assert ex.presented_from(question, ex.presentation_json(presented)) == presented


# ------------------------------------------------------------------------------- storage

def _new_exam(store, bank, count=4, seed=2, limit=480.0):
    import random

    rng = random.Random(seed)
    questions = ex.draw(bank, count, seed)
    items = [(q.id, q.topic, ex.presentation_json(present(q, rng))) for q in questions]
    return store.exam(store.create_exam(seed, [], limit, items, T0))


def _shown(bank, item) -> list[tuple[str, object]]:
    """(letter, choice) as the exam showed them: letter i is the bank choice order[i]."""
    from string import ascii_uppercase

    question = next(q for q in bank.questions if q.id == item.question_id)
    order = ex.presented_from(question, item.presentation).order
    return [(ascii_uppercase[i], question.choices[j]) for i, j in enumerate(order)]


def _key(bank, item) -> str:
    """The letters of the correct choices as shown, from the bank (not the grader)."""
    return "".join(letter for letter, choice in _shown(bank, item) if choice.correct)


def _wrong(bank, item) -> str:
    shown = _shown(bank, item)
    wrong = [letter for letter, choice in shown if not choice.correct]
    return "".join(wrong[:sum(choice.correct for _, choice in shown)])


def test_every_step_is_saved_and_read_back(store, bank):
    exam = _new_exam(store, bank)
    assert exam.status == "open" and len(exam.items) == 4 and exam.remaining == 480
    store.exam_step(exam.id, 30.5, 0, T0 + timedelta(seconds=31), answer=("b", "1"),
                    position=1)
    store.exam_step(exam.id, 12.0, 1, T0 + timedelta(seconds=43), flagged=True)
    store.exam_step(exam.id, 3.0, 1, T0 + timedelta(seconds=46), position=3)
    back = store.exam(exam.id)
    assert back.items[0].typed == "b" and back.items[0].seconds == 30.5
    assert back.items[1].flagged and back.items[1].seconds == 15.0
    assert back.position == 3 and back.used_seconds == 45.5
    assert back.remaining == 480 - 45.5
    assert back.unanswered == [2, 3, 4] and back.flagged == [2]
    assert back.last_active_at == T0 + timedelta(seconds=46)


def test_time_away_is_counted_apart(store, bank):
    exam = _new_exam(store, bank)
    store.exam_step(exam.id, 60, 0, T0 + timedelta(minutes=1))
    store.resume_exam(exam.id, 3600, T0 + timedelta(minutes=61))
    back = store.exam(exam.id)
    assert back.used_seconds == 60 and back.away_seconds == 3600


def test_submit_scores_the_answers_and_feeds_the_scheduler_once(store, bank):
    exam = _new_exam(store, bank)
    first, second, third, _ = exam.items
    store.exam_step(exam.id, 40, 0, T0, answer=(_key(bank, first).lower(), "x"))
    store.exam_step(exam.id, 50, 1, T0, answer=(_key(bank, second), "x"), flagged=True)
    store.exam_step(exam.id, 20, 2, T0, answer=(_wrong(bank, third), "x"))
    done = ex.submit(store, bank, store.exam(exam.id), T0 + timedelta(minutes=5))
    assert done.status == "submitted" and (done.correct, done.total) == (2, 4)
    assert done.scaled == ex.scaled_estimate(2, 4) == 550
    assert [i.correct for i in done.items] == [True, True, False, None]
    report = ex.report(done, bank)
    assert (report.correct, report.total, report.answered, report.flagged) == (2, 4, 3, 1)
    assert report.used_seconds == 110 and not report.passed
    assert sum(s.total for s in report.topics) == 4
    assert sum(s.correct for s in report.topics) == 2
    assert [s.share for s in report.topics] == sorted(s.share for s in report.topics)
    # Three answers became attempts with their time on screen; the unanswered one did not.
    attempts = store.db.execute("SELECT question_id, correct, seconds FROM attempts "
                                "ORDER BY id").fetchall()
    assert attempts == [(first.question_id, 1, 40.0), (second.question_id, 1, 50.0),
                        (third.question_id, 0, 20.0)]
    assert store.unfed_exams() == []
    # A second feed (a run that died before marking it fed) adds nothing.
    ex.feed_scheduler(store, bank, done)
    assert store.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 3
    assert store.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 3
    # Submitting again changes nothing; a step after submission changes nothing.
    assert not store.submit_exam(exam.id, [], 0, 4, 100, False, T0)
    store.exam_step(exam.id, 99, 3, T0, answer=("a", "0"))
    assert store.exam(exam.id) == done


def test_an_exam_fed_halfway_is_finished_without_doubles(store, bank):
    exam = _new_exam(store, bank)
    for item in exam.items:
        store.exam_step(exam.id, 10, item.position, T0, answer=(_key(bank, item), "x"))
    exam = store.exam(exam.id)
    scored = ex.marks(exam, {q.id: q for q in bank.questions})
    store.submit_exam(exam.id, scored, 4, 4, 1000, False, T0)
    # The process died after one answer reached the scheduler:
    from quizzer.engine.session import record_answer

    closed = store.exam(exam.id)
    question = next(q for q in bank.questions if q.id == closed.items[0].question_id)
    record_answer(store, closed.session_id, question, ex.response_of(closed.items[0],
                                                                     question), 10, T0)
    assert store.unfed_exams() == [exam.id]
    ex.feed_scheduler(store, bank, closed)
    counts = store.db.execute("SELECT question_id, COUNT(*) FROM attempts "
                              "GROUP BY question_id").fetchall()
    assert sorted(counts) == sorted((i.question_id, 1) for i in closed.items)
    assert store.unfed_exams() == []


def test_open_exam_and_abandon(store, bank):
    assert store.open_exam() is None
    exam = _new_exam(store, bank)
    assert store.open_exam().id == exam.id
    store.abandon_exam(exam.id, T0)
    assert store.open_exam() is None and store.exam(exam.id).status == "abandoned"
    assert store.exams() == []


# ---------------------------------------------------------------------------------- stats

def _submitted(store, bank, right: int, at: datetime):
    """A 4-question exam with ``right`` answers right, submitted at ``at``."""
    exam = _new_exam(store, bank)
    for item in exam.items:
        letters = _key(bank, item) if item.position < right else _wrong(bank, item)
        store.exam_step(exam.id, 30, item.position, at, answer=(letters, "x"))
    return ex.submit(store, bank, store.exam(exam.id), at)


def test_stats_lists_past_exams_with_the_trend(bank, monkeypatch):
    import json

    from click.testing import CliRunner

    from quizzer.cli import cli
    import quizzer.content.bank
    from quizzer.system.home import data_dir

    monkeypatch.setattr(quizzer.content.bank, "builtin_files",
                        lambda: sorted(EXAM_BANK.glob("*.yaml")))
    with open_store(data_dir() / "progress.db") as store:
        _submitted(store, bank, 1, T0)                        # 1/4: 100 + 225 = 325
        _submitted(store, bank, 3, T0 + timedelta(days=2))    # 3/4: 775
        _submitted(store, bank, 2, T0 + timedelta(days=3))    # 2/4: 550
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 0, result.output
    text = result.output[result.output.index("Mock exams"):]
    rows = [line.split() for line in text.splitlines()[3:6]]
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("#1", "1/4", "25%", "325", "fail"), ("#2", "3/4", "75%", "775", "pass"),
        ("#3", "2/4", "50%", "550", "fail")]
    assert "Trend: -225 since the previous, +225 since the first" in text
    data = json.loads(CliRunner().invoke(cli, ["stats", "--json"]).output)
    assert [(e["exam"], e["correct"], e["scaled_estimate"], e["passed_estimate"])
            for e in data["exams"]] == [(1, 1, 325, False), (2, 3, 775, True),
                                        (3, 2, 550, False)]


def test_the_stats_plot_has_the_exam_scores_and_the_pass_mark(bank, store):
    from quizzer.screens import stats

    exams = [_submitted(store, bank, 1, T0), _submitted(store, bank, 4, T0 + timedelta(1))]
    progress = stats.progress(bank, store.schedules(), store.answer_days(),
                              T0 + timedelta(2))
    panel = stats.chart(progress, exams).panels[-1]
    [series] = panel.series
    assert list(series.y) == [325, 1000]
    assert list(series.x) == [-2, -1]
    assert panel.hlines == ((720, "pass mark 720"),)
    assert len(stats.chart(progress).panels) == 2            # no exams, no third panel


def test_review_after_submission_walks_the_wrong_or_flagged_questions(bank, monkeypatch):
    from click.testing import CliRunner

    from quizzer.cli import cli
    import quizzer.content.bank
    from quizzer.system.home import data_dir

    monkeypatch.setattr(quizzer.content.bank, "builtin_files",
                        lambda: sorted(EXAM_BANK.glob("*.yaml")))
    with open_store(data_dir() / "progress.db") as store:
        exam = _new_exam(store, bank)
        first, second, third, _ = exam.items
        store.exam_step(exam.id, 10, 0, T0, answer=(_key(bank, first), "x"), flagged=True)
        store.exam_step(exam.id, 10, 1, T0, answer=(_wrong(bank, second), "x"))
        store.exam_step(exam.id, 10, 2, T0, flagged=True)
        ex.submit(store, bank, store.exam(exam.id), T0)
    questions = {q.id: q for q in bank.questions}

    import quizzer.screens.prefetch

    calls = []  # the review asks for every example at once, in order, and waits only when
    real_prefetch = quizzer.screens.prefetch.Prefetcher.prefetch  # its text needs the values
    real_get = quizzer.screens.prefetch.Prefetcher.get
    monkeypatch.setattr(quizzer.screens.prefetch.Prefetcher, "prefetch",
                        lambda self, q: calls.append(("prefetch", q.id))
                        or real_prefetch(self, q))
    monkeypatch.setattr(quizzer.screens.prefetch.Prefetcher, "get",
                        lambda self, q: calls.append(("get", q.id)) or real_get(self, q))
    result = CliRunner().invoke(cli, ["exam", "--review", "--wrong", "--no-plots"], input="")
    assert result.exit_code == 0, result.output
    chosen = [second.question_id, third.question_id, exam.items[3].question_id]
    assert [name for kind, name in calls[:3]] == chosen and \
        {kind for kind, _ in calls[:3]} == {"prefetch"}
    # the wrong answer's question is shown before its example is waited for (its feedback
    # waits); the unanswered ones wait first, since their answer key quotes the example
    shown = [kind for kind, name in calls[3:] if name == second.question_id]
    assert "get" in shown and calls.index(("get", second.question_id)) > 2
    out = result.output
    assert out.startswith("Review of exam #1: 3 questions (wrong)\n")
    assert questions[first.question_id].prompt not in out      # right: not in --wrong
    wrong = questions[second.question_id]
    assert f"You answered {_wrong(bank, second)}.\n" in out
    assert f"Not quite. The answer is {_key(bank, second)}." in out
    for choice in wrong.choices:                                # the why of every option
        assert " ".join(choice.why.split()) in " ".join(out.split())
    assert out.count("Not answered.") == 2                      # the third and fourth:
    for item, mark in ((third, " (flagged)"), (exam.items[3], "")):  # their key, every why
        assert (f"Not answered.{mark}\nThe answer is {_key(bank, item)}.  "
                f"({item.question_id})\n") in out
        for choice in questions[item.question_id].choices:
            assert " ".join(choice.why.split()) in " ".join(out.split())
    assert "Worked example: confusion_matrix.metrics" in out

    flagged = CliRunner().invoke(cli, ["exam", "--flagged", "--no-plots"], input="").output
    assert flagged.startswith("Review of exam #1: 2 questions (flagged)\n")
    assert f"Correct. The answer is {_key(bank, first)}." in flagged
    assert f"You answered {_key(bank, first)}. (flagged)\n" in flagged
    assert "Not answered. (flagged)\n" in flagged


def test_a_v4_database_gets_the_exam_tables(tmp_path):
    """Migration v5 adds the exam tables to a database that has progress already."""
    import sqlite3

    from quizzer.engine.store import MIGRATIONS

    path = tmp_path / "progress.db"
    with open_store(path) as store:
        store.start_session("practice", 1, [], T0)
    db = sqlite3.connect(path)
    db.executescript("DROP TABLE exam_items; DROP TABLE exams; PRAGMA user_version = 4;")
    db.close()
    with open_store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 5
        assert store.open_exam() is None and store.exams() == []
        assert store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1


def test_exam_command_errors_and_the_open_exam_question_through_a_pipe(monkeypatch):
    from click.testing import CliRunner

    from quizzer.cli import cli
    import quizzer.content.bank

    monkeypatch.setattr(quizzer.content.bank, "builtin_files",
                        lambda: sorted(EXAM_BANK.glob("*.yaml")))
    from quizzer.screens.console import Clock, Console

    def run(cli, args, input=None):  # a stopped clock: the time left reads exactly
        return CliRunner().invoke(cli, args, input=input,
                                  obj=Console(Clock(now=lambda: T0, elapsed=lambda: 0.0)))
    result = run(cli, ["exam", "--resume"], input="")
    assert (result.exit_code, result.output) == (
        1, "Error: no exam is open: start one with quizzer exam\n")
    result = run(cli, ["exam", "--resume", "--count", "3", "--seed", "1"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: --count, --seed only shape a new exam; drop them "
                                  "with --resume.\n")
    result = run(cli, ["exam", "--exam", "2"])
    assert result.output.endswith("Error: --exam ID goes with --review, --wrong or "
                                  "--flagged.\n")
    assert run(cli, ["exam", "--review"]).output == (
        "Error: no exam submitted yet: start one with quizzer exam\n")
    started = run(cli, ["exam", "--count", "2", "--seed", "1"], input="q\n")
    assert started.exit_code == 0 and "Exam paused with 4:00 left" in started.output
    # Another exam while it is open: a wrong key asks again; end of input changes nothing.
    result = run(cli, ["exam", "--count", "2"], input="x\n")
    assert result.exit_code == 0
    assert result.output == (
        "Exam #1 is still open: 0 of 2 answered, 4:00 left.\n"
        "r: resume it · a: abandon it and start a new one · q: quit x\n"
        "Press r, a or q.\n"
        "r: resume it · a: abandon it and start a new one · q: quit \n"
        "Exam #1 stays open: quizzer exam --resume continues it.\n")

"""`quizzer stats`: numbers against a hand-built history, JSON, and the plot."""

import json
import struct
import time
from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content.bank import load
from quizzer.engine import scheduling as sch
from quizzer.engine.store import open_store
from quizzer.screens import stats as st
from quizzer.screens.console import Clock, Console

TODAY = datetime(2025, 5, 12, 9, 0, tzinfo=timezone.utc)  # Monday
F = sch.FSRS_FACTOR
DECAY = sch.FSRS_DECAY


pytestmark = pytest.mark.usefixtures("utc_zone")


@pytest.fixture(autouse=True)
def stable(mini_bank):
    return mini_bank


def stats(*args, now=TODAY):
    """``quizzer stats ARGS`` with the wall clock at ``now``."""
    return CliRunner().invoke(cli, ["stats", *args], obj=Console(Clock(now=lambda: now)))


def utc(day: int, month: int = 5, hour: int = 9) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=timezone.utc)


def schedule(item_id, kind, stability, due, last):
    return sch.Schedule(item_id, kind, "mini", 2, stability, 5.0, due, last, last)


@pytest.fixture
def history():
    """Six answers over twelve days and three scheduled items (two are new)."""
    with open_store() as store:
        sid = store.start_session("practice", 1, ["mini"], now=utc(1))
        for qid, correct, at in [("mini-single", True, utc(1)),
                                 ("mini-single", False, utc(1, hour=10)),
                                 ("mini-tf", False, utc(5)),       # 8 days ago: not "7 days"
                                 ("mini-tf", True, utc(6)),        # 6 days ago
                                 ("mini-single", True, utc(8)),
                                 ("mini-single", True, utc(12))]:
            store.record_attempt(sid, qid, "mini", "x", correct, 3.0, now=at)
        for s in [schedule("mini-single", "question", 30.0, date(2025, 6, 10), date(2025, 5, 12)),
                  schedule("mini-tf", "question", 5.0, date(2025, 5, 11), date(2025, 5, 6)),
                  schedule("mini-card", "card", 3.0, date(2025, 5, 15), date(2025, 5, 12))]:
            store.record_review(sch.Outcome(s, 3, utc(s.last_review.day), None))
        yield store


def test_numbers_match_the_hand_built_history(history):
    bank = load([], builtin=True)
    p = st.progress(bank, history.schedules(), history.answer_days(), TODAY)
    [mini] = p.topics
    assert (mini.attempts, mini.correct, mini.attempts_7d, mini.correct_7d) == (6, 4, 3, 3)
    assert mini.accuracy == pytest.approx(4 / 6) and mini.accuracy_7d == 1.0
    assert (mini.mastered, mini.learning, mini.new) == (1, 2, 2)
    assert (mini.due_today, mini.due_week) == (1, 2)  # mini-tf overdue; the card Thursday
    def recall(days: int, stability: float) -> float:  # FSRS-6's forgetting curve
        return (1 + F * days / stability) ** DECAY

    # Tomorrow: a day after today's reviews (mini-single, the card), seven after mini-tf's.
    assert mini.recall == pytest.approx((recall(1, 30.0) + recall(7, 5.0) + recall(1, 3.0)) / 3)
    assert round(recall(7, 5.0), 4) == 0.8753
    assert p.total == mini.__class__(**{**mini.__dict__, "topic": "all"})
    assert p.forecast[0] == 1 and p.forecast[3] == 1 and p.forecast[29] == 1
    assert sum(p.forecast) == 3
    assert p.history == {"mini": (
        ("2025-05-01", 0.5, 2), ("2025-05-05", 1 / 3, 3), ("2025-05-06", 0.5, 4),
        ("2025-05-08", 2 / 3, 3), ("2025-05-12", 1.0, 3))}


def test_a_question_missed_today_is_not_predicted_certain_to_be_recalled():
    """Beside 0 % accuracy a learner who has just missed a question read 100 % predicted
    recall: FSRS counts any item seen today as certain. Recall is predicted for tomorrow."""
    from datetime import timedelta

    missed = sch.review(None, "mini-single", "question", "mini", 1, TODAY).schedule
    p = st.progress(load([], builtin=True), {"mini-single": missed}, [], TODAY)
    assert missed.retrievability(TODAY.date()) == 1.0
    assert p.total.recall == missed.retrievability(TODAY.date() + timedelta(days=1)) < 0.8
    stats_text = st.render(p)
    assert "  all           0         -            -              77%" in stats_text


def test_an_exam_date_brings_a_last_review_into_the_run_up(history):
    bank = load([], builtin=True)
    exam = date(2025, 5, 20)
    p = st.progress(bank, history.schedules(), history.answer_days(), TODAY, exam=exam)
    # mini-single, seen today and naturally due 10 June, comes on its run-up day, Sat 17;
    # mini-tf (overdue) and the card (Thursday) are due before the exam anyway.
    assert sch.run_up_day("mini-single", exam) == date(2025, 5, 17)
    assert p.forecast[:6] == (1, 0, 0, 1, 0, 1) and sum(p.forecast) == 3
    assert (p.total.due_today, p.total.due_week) == (1, 3)
    # With the exam two days away, today is in its run-up: today's reviews were the last
    # look, so nothing moves.
    near = st.progress(bank, history.schedules(), history.answer_days(), TODAY,
                       exam=date(2025, 5, 14))
    assert near.forecast == st.progress(bank, history.schedules(), history.answer_days(),
                                        TODAY).forecast


def test_stats_transcript(history):
    result = stats()
    assert result.exit_code == 0
    assert result.output == """\
Progress on Mon 12 May 2025

  topic  answered  accuracy  last 7 days  recall tomorrow
  -----  --------  --------  -----------  ---------------
  mini          6       67%         100%              94%
  -----  --------  --------  -----------  ---------------
  all           6       67%         100%              94%

  topic  mastered  learning  new    due  due in
                                  today  7 days
  -----  --------  --------  ---  -----  ------
  mini          1         2    2      1       2
  -----  --------  --------  ---  -----  ------
  all           1         2    2      1       2

Accuracy counts graded answers. Recall tomorrow is the scheduler's chance that
you would recall a reviewed item if asked tomorrow. Mastered: a stability of 21
days or more. Flashcards count in the schedule only.
Due: 1 today, 2 in the next 7 days, 3 in the next 30.
"""


def test_stats_json(history):
    result = stats("--json")
    data = json.loads(result.output)
    assert data["today"] == "2025-05-12" and data["exam_date"] is None
    assert data["topics"][0] == {
        "topic": "mini", "attempts": 6, "correct": 4, "attempts_7d": 3, "correct_7d": 3,
        "accuracy": 0.6667, "accuracy_7d": 1.0, "mastered": 1, "learning": 2, "new": 2,
        "due_today": 1, "due_week": 2, "recall": 0.9426}
    assert [d["due"] for d in data["forecast"]][:4] == [1, 0, 0, 1]
    assert data["forecast"][29] == {"date": "2025-06-10", "due": 1}
    assert data["accuracy_history"]["mini"][-1] == {"date": "2025-05-12", "accuracy": 1.0,
                                                   "attempts": 3}
    assert data["plot"] is None


def test_the_plot_is_a_valid_png_of_both_panels(history, tmp_path):
    path = tmp_path / "progress.png"
    result = stats("--plot", str(path))
    assert result.exit_code == 0
    assert result.output.endswith(f"Plot: {path}\n")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 1000 and height > 400
    assert not list(tmp_path.glob(".progress-*"))  # written via a temporary file
    from matplotlib.image import imread

    assert imread(path).shape[:2] == (height, width)


def test_the_chart_shows_well_supported_accuracy_points_and_the_forecast(history):
    bank = load([], builtin=True)
    p = st.progress(bank, history.schedules(), history.answer_days(), TODAY,
                    exam=date(2025, 5, 20))
    accuracy, due = st.chart(p).panels
    [line] = accuracy.series
    assert line.x == (-7.0, -6.0, -4.0, 0.0)  # May 1 had only two answers in its window
    assert line.y == pytest.approx((100 / 3, 50.0, 200 / 3, 100.0))
    assert due.series[0].x[:2] == ("Mon 12 May", "Tue 13 May") and len(due.series[0].x) == 30
    assert due.vlines == ((8, "exam day"),)


def test_stats_on_a_fresh_store_and_an_unwritable_plot(tmp_path):
    result = stats("--json")
    data = json.loads(result.output)
    assert data["total"]["new"] == 5 and data["total"]["attempts"] == 0
    assert data["total"]["accuracy"] is None and data["total"]["recall"] is None
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = stats("--plot", str(blocker / "p.png"))
    assert result.exit_code == 1 and result.output.startswith("Error: cannot write the plot")


def test_days_are_local_in_what_is_printed(monkeypatch, history):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    out = stats(now=utc(12, hour=20)).output
    assert out.startswith("Progress on Tue 13 May 2025\n")  # 05:00 on the 13th in Tokyo


def test_stats_json_is_the_same_data_with_one_line_per_history_point(history):
    """The history points are written one to a line; the document reads back as exactly
    what json's indenting encoder writes for to_dict(), keys in the same order."""
    bank = load([], builtin=True)
    p = st.progress(bank, history.schedules(), history.answer_days(), TODAY)
    data = {**p.to_dict(), "exams": [], "plot": None}
    text = st.json_text(p, exams=[], plot=None)
    assert json.dumps(json.loads(text), indent=2) == json.dumps(data, indent=2)
    points = [line.strip().rstrip(",") for line in text.splitlines() if '"date"' in line
              and '"accuracy"' in line]
    assert [json.loads(line) for line in points] == data["accuracy_history"]["mini"]
    assert text.startswith('{\n  "today": "2025-05-12",\n')


def test_stats_json_without_history_is_the_indenting_encoders_text():
    p = st.progress(load([], builtin=True), {}, [], TODAY)
    assert p.history == {}
    assert st.json_text(p, plot=None) == json.dumps({**p.to_dict(), "plot": None}, indent=2)


OTHER_TOPIC = """\
topic: other
title: Another topic
summary: A second topic, for two topics' histories.
key_points: [Recall is TP / (TP + FN).]
example: {simulation: conftest.fixed, params: {tp: 50, fp: 5}}
questions:
  - id: other-tf
    kind: true-false
    answer: true
    prompt: Recall is also called sensitivity.
    explanation: Both are TP / (TP + FN).
"""


def test_stats_json_history_of_two_topics_with_gaps(history, tmp_path):
    """Each day with answers gets its 7-day accuracy (that day and the six before it, days
    without answers counting for nothing); a topic answered only more than 7 days ago keeps
    its points and has no last-7-days accuracy; answers to a topic no longer in the bank
    are not shown. Figures worked out by hand from the answers below."""
    bank_file = tmp_path / "other.yaml"
    bank_file.write_text(OTHER_TOPIC)
    sid = history.start_session("practice", 2, ["other"], now=utc(20, 4))
    for qid, topic, correct, at in [("other-tf", "other", True, utc(20, 4)),
                                    ("other-tf", "other", True, utc(20, 4, hour=11)),
                                    ("other-tf", "other", False, utc(24, 4)),
                                    ("other-tf", "other", True, utc(30, 4)),  # 6 days on
                                    ("gone-1", "gone", False, utc(11))]:
        history.record_attempt(sid, qid, topic, "x", correct, 3.0, now=at)
    result = stats("--json", "--bank", str(bank_file))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [t["topic"] for t in data["topics"]] == ["mini", "other"]
    other = data["topics"][1]
    assert (other["attempts"], other["correct"], other["accuracy"]) == (4, 3, 0.75)
    assert (other["attempts_7d"], other["correct_7d"], other["accuracy_7d"]) == (0, 0, None)
    assert (data["total"]["attempts"], data["total"]["correct"]) == (10, 7)
    assert (data["total"]["attempts_7d"], data["total"]["correct_7d"]) == (3, 3)
    start = result.output.index('  "accuracy_history"')
    end = result.output.index('  "exams"')
    assert result.output[start:end] == """\
  "accuracy_history": {
    "mini": [
      {"date": "2025-05-01", "accuracy": 0.5, "attempts": 2},
      {"date": "2025-05-05", "accuracy": 0.3333, "attempts": 3},
      {"date": "2025-05-06", "accuracy": 0.5, "attempts": 4},
      {"date": "2025-05-08", "accuracy": 0.6667, "attempts": 3},
      {"date": "2025-05-12", "accuracy": 1.0, "attempts": 3}
    ],
    "other": [
      {"date": "2025-04-20", "accuracy": 1.0, "attempts": 2},
      {"date": "2025-04-24", "accuracy": 0.6667, "attempts": 3},
      {"date": "2025-04-30", "accuracy": 0.5, "attempts": 2}
    ]
  },
"""
    text = stats("--bank", str(bank_file)).output
    assert """
  mini          6       67%         100%              94%
  other         4       75%            -                -
  -----  --------  --------  -----------  ---------------
  all          10       70%         100%              94%
""" in text

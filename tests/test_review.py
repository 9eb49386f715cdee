"""`quizzer review` and `quizzer plan`: whole transcripts with a movable wall clock.

Each run gets a Console whose wall clock is WALL, which the test moves a day at a time, and
whose stopwatch advances 2 seconds a read; TZ is UTC.
"""

import re
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content.bank import load
from quizzer.engine import scheduling as sch
from quizzer.engine.grading import Presented
from quizzer.engine.store import open_store
from quizzer.render.terminal import day_text
import quizzer.screens.review

from conftest import ticking_console

MONDAY = datetime(2025, 5, 12, 9, 0, tzinfo=timezone.utc)
# The right answer to each fixture item when choices are shown in bank order.
RIGHT = {"mini-card": "\n3", "mini-single": "a", "mini-multiple": "ab", "mini-tf": "f",
         "mini-numeric": "0.909"}


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


pytestmark = pytest.mark.usefixtures("utc_zone")


WALL = Clock(MONDAY)


@pytest.fixture(autouse=True)
def clock(mini_bank):
    WALL.now = MONDAY
    return WALL


@pytest.fixture
def unshuffled(monkeypatch):
    """Choices in bank order, so RIGHT holds whatever the queue order."""
    monkeypatch.setattr(quizzer.screens.review, "present",
                        lambda q, rng: Presented(q, tuple(range(len(q.choices)))))


def run(*args, input=""):
    result = CliRunner().invoke(cli, [*args], input=input, obj=ticking_console(WALL))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def review(*args, input=""):
    return run("review", "--no-plots", "--seed", "1", *args, input=input)


def headers(out: str) -> list[str]:
    """The items reviewed, in order: ids are shown once graded, skipped or turned over."""
    ids = []
    for found in re.findall(r"\((mini-[a-z-]+)\)", out):
        if not ids or ids[-1] != found:
            ids.append(found)
    return ids


def queue_now(**kw):
    bank = load([], builtin=True)
    with open_store() as store:
        return quizzer.screens.review.build_queue(bank, store.schedules(), WALL(),
                                          exam=store.exam_date(), **kw)


def right_answers() -> str:
    return "".join(RIGHT[i.id] + "\n" for i in queue_now().items)


# ------------------------------------------------------------------------------ transcripts

def test_first_day_transcript_new_items_then_what_is_due_next():
    code, out = review(input="\n3\nb\nbd\nf\n0.909\n")
    assert code == 0
    assert out == FIRST_DAY


def test_nothing_due_says_so_and_when_the_next_review_is(clock, unshuffled):
    review(input=right_answers())
    clock.advance(days=1)
    code, out = review()
    assert code == 0
    assert out == ("Nothing is due.\n"
                   "  Next due: 5 items tomorrow (Wed 14 May); 5 in the next 7 days.\n")


def test_questions_and_flashcards_have_their_own_daily_new_limits(clock, unshuffled):
    limits = ("--new-cards", "1", "--new-questions", "2")
    code, out = review(*limits, input="\n3\nq\n")  # the flashcard, then quit
    assert out.startswith("To review: 1 new flashcard and 2 new questions.\n")
    code, out = review(*limits, input="b\nq\n")  # one new question (wrong), then quit
    assert out.startswith("To review: 2 new questions.\n")
    code, out = review(*limits, input="q\n")
    assert out.startswith("To review: 1 new question.\n")  # one of today's two is used
    review(*limits, input="ab\n")
    code, out = review(*limits)
    assert (code, " ".join(out.splitlines()[:2])) == (0, (
        "Nothing is due, and today's new questions (2 a day, 2 still new; --new-questions N "
        "for more) are done."))
    clock.advance(days=1)
    out = review(*limits, input="q\n")[1]  # mini-single was wrong yesterday
    assert out.startswith("To review: 1 item due, then 2 new questions.\n")


def test_review_offers_flashcards_after_a_first_practice_session(clock):
    """Practice starts questions; the day's new flashcards are still there for review."""
    run("practice", "--no-plots", "--seed", "1", input="bd\nf\nb\n0.909\n")
    code, out = review("--new-questions", "3", input="q\n")
    assert out.startswith("To review: 1 new flashcard.\n")
    review("--new-questions", "3", input="\n3\n")
    code, out = review("--new-questions", "3", "--new-cards", "1")
    assert out.splitlines()[0] == "Nothing is due."


def test_a_week_of_right_answers_spaces_the_reviews_out(clock, unshuffled):
    """Every day for three weeks: review everything due, all right. Intervals grow."""
    seen = {}
    for day in range(21):
        answers = right_answers()
        code, out = review(input=answers)
        assert code == 0
        for item in headers(out):
            seen.setdefault(item, []).append(day)
        clock.advance(days=1)
    # New on day 0, Good -> 2 days, then 11: back on days 0, 2, 13.
    assert seen == {i: [0, 2, 13] for i in RIGHT}
    with open_store() as store:
        s = store.schedule("mini-tf")
    assert (s.reps, s.lapses, s.interval) == (3, 0, 46)


def test_a_wrong_answer_brings_the_item_back_the_next_day(clock, unshuffled):
    review(input=right_answers())
    clock.advance(days=2)
    wrong = right_answers().replace("\nf\n", "\nt\n")  # mini-tf wrong, the rest right
    code, out = review(input=wrong)
    assert "Not quite. The answer is False." in out
    assert "Next review: tomorrow (Thu 15 May).\n" in out
    clock.advance(days=1)
    out = review(input="f\n")[1]
    assert headers(out) == ["mini-tf"]
    with open_store() as store:
        s = store.schedule("mini-tf")
    assert (s.reps, s.lapses) == (3, 1)


def test_due_items_come_most_overdue_first(clock):
    with open_store() as store:
        for item_id, kind, seen_day, rating in [("mini-tf", "question", 0, 1),
                                                ("mini-card", "card", 3, 1),
                                                ("mini-single", "question", 1, 1),
                                                ("mini-numeric", "question", 5, 3)]:
            out = sch.review(None, item_id, kind, "mini", rating,
                             MONDAY + timedelta(days=seen_day))
            store.record_review(out)
    clock.advance(days=6)  # due: tf on the 13th, single the 14th, card the 16th; numeric 19th
    out = review("--new", "0", input="s\n" * 4)[1]
    assert out.startswith("To review: 3 items due.\n")
    assert headers(out) == ["mini-tf", "mini-single", "mini-card"]
    assert "Reviewed" not in out and "Nothing reviewed; 3 skipped.\n" in out


def test_limit_and_topic(clock):
    code, out = review("--limit", "2", input="s\n" * 5)
    assert headers(out) == ["mini-card", "mini-single"]
    code, out = review("--topic", "nope")
    assert code == 2 and "unknown topic 'nope'" in out


# ------------------------------------------------------------------------------ ending

def test_ctrl_c_exits_130_keeping_the_answers_given():
    from test_practice import Lines

    console = ticking_console(WALL)
    console.stdin = Lines("\n", "4\n", "c\n")
    result = CliRunner().invoke(cli, ["review", "--no-plots", "--seed", "1"], obj=console)
    code, out = result.exit_code, result.output
    assert code == 130
    assert "Review summary\n  Reviewed 2: 1 question (1 right), 1 card (1 easy).\n" in out
    with open_store() as store:
        assert set(store.schedules()) == {"mini-card", "mini-single"}


def test_quit_on_a_revealed_card_saves_nothing_and_exits_0(isolated_home):
    code, out = review(input="\nq\n")
    assert code == 0
    assert out.endswith("> q\n\nReview summary\n  Nothing reviewed.\n  Time: 0m 04s\n"
                        "  Nothing is scheduled yet.\n")
    db = sqlite3.connect(isolated_home / "progress.db")
    assert db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0


def test_bad_rating_is_asked_again():
    out = review(input="\n5\ngood\n3\nq\n")[1]
    again = "Type 1, 2, 3 or 4 (? help, s skips, q ends the session).\n"
    assert (f"> 5\n{again}> good\n{again}> 3\nNext review: in 2 days (Wed 14 May).\n"
            in out)
    assert out.count(again) == 2  # and not for the rating that was taken


# ------------------------------------------------------------------------------ practice

def test_practice_answers_feed_the_schedule_wrong_again_right_good_slow_hard():
    run("practice", "--no-plots", "--seed", "1", "--count", "2",
        input="bd\nf\n")  # seed 1: mini-multiple right, mini-tf right
    slow = ticking_console(WALL, step=100)  # now every answer takes 100 s: slow
    CliRunner().invoke(cli, ["practice", "--no-plots", "--seed", "1", "--count", "2"],
                       input="bd\nt\n", obj=slow)
    with open_store() as store:
        assert store.reviews("mini-multiple") == [(3, MONDAY), (2, MONDAY)]
        assert store.reviews("mini-tf") == [(3, MONDAY), (1, MONDAY)]
        rows = store.db.execute("SELECT COUNT(*) FROM reviews r JOIN attempts a "
                                "ON a.id = r.attempt_id").fetchone()[0]
    assert rows == 4  # every review row points at its attempt


def test_quizzer_now_moves_the_scheduling_clock():
    result = CliRunner().invoke(cli, ["review", "--no-plots", "--new", "1"], input="\n3\n",
                                env={"QUIZZER_NOW": "2031-02-03T10:00:00+00:00"})
    assert result.exit_code == 0, result.output
    assert "Next review: in 2 days (Wed 5 Feb).\n" in result.output
    with open_store() as store:
        [(_, at)] = store.reviews("mini-card")
    assert at.date() == date(2031, 2, 3)
    result = CliRunner().invoke(cli, ["stats"], env={"QUIZZER_NOW": "yesterday"})
    assert result.exit_code == 2 and "is not an ISO date-time" in result.output


# ------------------------------------------------------------------------------ plan

def test_plan_spreads_the_last_reviews_over_the_run_up_and_shows_the_workload(clock,
                                                                             unshuffled):
    code, out = run("plan", "--exam-date", "2025-05-20")
    assert code == 0
    assert out == PLAN
    review(input=right_answers())  # Monday: all 5 new, right -> due Wednesday
    clock.advance(days=2)
    code, out = review(input=right_answers())
    assert out.startswith("To review: 5 items due.\n"
                          "Exam in 6 days (Tue 20 May): reviews that would fall on or after "
                          "it come in the 3 days before it.\n")
    # Good on Wednesday would mean 11 days (Sun 25, after the exam): each item's last look
    # before the exam comes on its run-up day, Sat 17 to Mon 19, never on the exam day.
    run_up = {i: sch.run_up_day(i, date(2025, 5, 20)) for i in RIGHT}
    assert set(run_up.values()) == {date(2025, 5, 17), date(2025, 5, 18), date(2025, 5, 19)}
    for day in sorted(set(run_up.values())):
        text = day_text(day, date(2025, 5, 14))
        count = sum(1 for d in run_up.values() if d == day)
        assert out.count(f"Next review: {text} (capped: 11 days without the exam).\n") == count
    # Each item comes back on exactly its run-up day (the PLAN table's 2, 2 and 1)...
    for day in (15, 16, 17, 18, 19):
        clock.advance(days=1)
        due = [i for i, d in run_up.items() if d == date(2025, 5, day)]
        assert sorted(headers(review(input=right_answers())[1])) == sorted(due)
    # ...and once seen there keeps its natural date: nothing is left for the exam day.
    clock.advance(days=1)
    assert review()[1] == ("Nothing is due.\n"
                           "  Next due: 2 items in 20 days (Mon 9 Jun); 0 in the next 7 days.\n")
    with open_store() as store:
        natural = [s.due for s in store.schedules().values()]
    assert all(d > date(2025, 5, 20) for d in natural)  # every one after the exam
    assert natural.count(min(natural)) == 2 and min(natural) == date(2025, 6, 9)  # Sat 17's
    clock.advance(days=1)  # the day after: normal scheduling, as it already was
    assert review()[1].startswith("Nothing is due.\n  Next due: 2 items in 19 days (Mon 9 Jun)")


def test_clearing_the_exam_date_brings_the_natural_schedule_back(clock, unshuffled):
    run("plan", "--exam-date", "2025-05-20")
    review(input=right_answers())
    clock.advance(days=2)
    review(input=right_answers())  # Wednesday: naturally due in 11 days, Sun 25 May
    assert review()[1] == ("Nothing is due.\n"
                           "  Next due: 2 items in 3 days (Sat 17 May); 5 in the next 7 days.\n")
    assert run("plan", "--clear") == (0, "Exam date cleared: normal scheduling.\n")
    assert review()[1] == ("Nothing is due.\n"
                           "  Next due: 5 items in 11 days (Sun 25 May); 0 in the next 7 days.\n")


def test_plan_clear_past_dates_and_no_date():
    assert run("plan") == (0, "No exam date set. Set one with: quizzer plan --exam-date "
                              "YYYY-MM-DD\n")
    code, out = run("plan", "--exam-date", "2025-05-01")
    assert code == 2 and "2025-05-01 is in the past (today is 2025-05-12)" in out
    assert run("plan", "--exam-date", "2025-5-40")[0] == 2
    run("plan", "--exam-date", "2025-05-20")
    assert run("plan")[1].startswith("Exam in 8 days (Tue 20 May).\n")
    assert run("plan", "--clear") == (0, "Exam date cleared: normal scheduling.\n")
    assert run("plan")[1].startswith("No exam date set.")


def test_plan_after_the_exam_says_normal_scheduling_is_back(clock):
    run("plan", "--exam-date", "2025-05-13")
    clock.advance(days=2)
    assert run("plan") == (0, "Your exam date 2025-05-13 has passed, so normal scheduling "
                              "is back. Set a new one with --exam-date, or forget it with "
                              "--clear.\n")


PLAN = """\
Exam in 8 days (Tue 20 May).
Until then, a review that would fall on or after the exam day comes in the 3
days before it instead (spread over them, so the exam day stays light);
afterwards normal scheduling returns.

  day                reviews  new  total
  -----------------  -------  ---  -----
  Mon 12 May               0    5      5
  Tue 13 May               0    0      0
  Wed 14 May               5    0      5
  Thu 15 May               0    0      0
  Fri 16 May               0    0      0
  Sat 17 May               2    0      2
  Sun 18 May               2    0      2
  Mon 19 May               1    0      1
  Tue 20 May (exam)        0    0      0

A projection assuming every review is answered right and 20 new items a day
(quizzer review starts 10 flashcards and 10 questions; plan --new N to change).
The last of the 5 new items is started today (Mon 12 May).
"""

FIRST_DAY = """\
To review: 1 new flashcard and 4 new questions.

[1/5] mini  flashcard

What is precision?

Press Enter to show the back (? help, s skips, q ends)
> 

  TP / (TP + FP).  (mini-card)

How well did you recall it?  1 again  2 hard  3 good  4 easy
> 3
Next review: in 2 days (Wed 14 May).

[2/5] mini

Which formula gives precision?

  A) TP / (TP + FN)
  B) TN / (TN + FP)
  C) TP / (TP + FP)

Choose ONE letter
> b
Not quite. The answer is C.  (mini-single)
  A: That is recall.
  B (you chose): That is specificity.
  C (correct): Of all predicted positives, the share that is right.

  Precision is 0.909 for the cat example.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

Next review: tomorrow (Tue 13 May).

[3/5] mini

Which two are the same metric as recall?

  A) Precision
  B) True positive rate
  C) Sensitivity
  D) Specificity

Choose TWO (letters, e.g. ab)
> bd
Not quite. The answer is BC.  (mini-multiple)
  A: Precision divides by predicted positives.
  B (you chose, correct): Another name for recall.
  C (correct): Another name for recall.
  D (you chose): That is the true negative rate.

  Recall, sensitivity and TPR are TP / (TP + FN).

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

Next review: tomorrow (Tue 13 May).

[4/5] mini

Accuracy is a good metric for a rare disease.

Answer t (true) or f (false)
> f
Correct. The answer is False.  (mini-tf)

  A model that always says healthy is very accurate and useless.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

Next review: in 2 days (Wed 14 May).

[5/5] mini

TP 50, FP 5. What is the precision?

Type a number
> 0.909
Correct. The answer is 0.909 (within ±0.005).  (mini-numeric)

  50 / 55 = 0.909.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

Next review: in 2 days (Wed 14 May).

Review summary
  Reviewed 5: 4 questions (2 right), 1 card (1 good).
  Time: 0m 22s
  Next due: 2 items tomorrow (Tue 13 May); 5 in the next 7 days.
"""


def test_a_card_that_quotes_its_worked_example_is_filled_in(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("""\
topic: extra
title: Extra topic
exam: {MLA-C01: "Domain 2: ML Model Development", MLS-C01: "Domain 3: Modeling"}
summary: A card that quotes its example.
key_points: [Precision.]
example: {simulation: conftest.fixed, params: {tp: 40, fp: 10}}
cards:
  - {id: extra-card, front: "Precision at TP 40, FP 10?", back: "{{precision:.2f}}"}
""")
    code, out = review("--bank", str(extra), "--topic", "extra", input="\n3\n")
    assert code == 0, out
    assert "> \n\n  0.80  (extra-card)\n\nHow well" in out


def test_a_card_id_after_its_back_goes_to_the_next_line_rather_than_past_80_columns(
        tmp_path):
    extra = tmp_path / "extra.yaml"
    back = ("The number of examples used for one gradient step, as opposed to an epoch, "
            "which is one whole pass over all of the training data, every example once.")
    extra.write_text(f"""\
topic: extra
title: Extra topic
exam: {{MLA-C01: "Domain 2: ML Model Development", MLS-C01: "Domain 3: Modeling"}}
summary: A card whose id does not fit after its back.
key_points: [Batch size.]
cards:
  - {{id: extra-card-definition, front: What is the batch size?, back: "{back}"}}
""")
    code, out = review("--bank", str(extra), "--topic", "extra", input="\n3\n")
    assert code == 0, out
    assert ("> \n\n"
            "  The number of examples used for one gradient step, as opposed to an epoch,\n"
            "  which is one whole pass over all of the training data, every example once.\n"
            "  (extra-card-definition)\n\nHow well") in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_choosing_the_queue_decodes_only_the_items_it_shows(tmp_path, monkeypatch):
    """Of a kept bank (records decoded when first used), review's queue decodes the items it
    shows, not the hundreds of new ones it chooses among (nor does `plan`'s order)."""
    from pathlib import Path

    from quizzer.content import bank_snapshot

    folder = Path(__file__).resolve().parent.parent / "question_bank"
    load([folder], builtin=False, cache_dir=tmp_path)  # keeps the snapshot entries
    bank = load([folder], builtin=False, cache_dir=tmp_path)
    decoded = []
    real = bank_snapshot.KeptRecords._decode
    monkeypatch.setattr(bank_snapshot.KeptRecords, "_decode",
                        lambda self, index: decoded.append(index) or real(self, index))
    queue = quizzer.screens.review.build_queue(bank, {}, WALL())
    assert len(sch.bank_order(bank)) > 400
    assert sorted(type(i).__name__ for i in queue.items) == ["Card"] * 10 + ["Question"] * 10
    assert len(decoded) == len(queue.items) == 20


def test_a_far_exam_keeps_the_run_up_and_the_exam_day_on_their_own_rows(clock):
    """Weeks are summed when the plan is long, but the run-up days and the exam day are the
    days the exam cap is about: each keeps its own row, so the exam day is seen to stay
    light (a new-user trial found it summed into its week)."""
    code, out = run("plan", "--exam-date", "2025-07-01")  # 50 days: rows by week
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert rows[0][0] == "when" and rows[3][:7] == ["Mon", "12", "May", "-", "Sun", "18", "May"]
    assert [r[:3] for r in rows[-4:]] == [["Sat", "28", "Jun"], ["Sun", "29", "Jun"],
                                          ["Mon", "30", "Jun"], ["Tue", "1", "Jul"]]
    assert rows[-1][3] == "(exam)" and rows[-1][4:] == ["0", "0", "0", "0"]
    assert all(r[3] != "-" for r in rows[-4:])

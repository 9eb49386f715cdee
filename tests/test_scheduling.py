"""The scheduler wrapper: ratings, growing and lapsing intervals, due order, exam cap, v2."""

import sqlite3
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizzer.content.bank import load
from quizzer.engine import scheduling as sch
from quizzer.engine import store as store_module
from quizzer.engine.store import open_store

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"
DAY0 = datetime(2025, 5, 12, 9, 0, tzinfo=timezone.utc)  # a Monday
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


pytestmark = pytest.mark.usefixtures("utc_zone")


@pytest.fixture
def bank():
    return load([FIXTURE_BANK], builtin=False)


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return DAY0 + timedelta(days=day, hours=hour - 9, minutes=minute)


def intervals(ratings, *, on_time=True):
    """Review an item with ``ratings``, each on the day it falls due; the intervals."""
    schedule, day, out = None, 0, []
    for rating in ratings:
        schedule = sch.review(schedule, "q", "question", "t", rating, at(day)).schedule
        out.append(schedule.interval)
        day += schedule.interval
    return out, schedule


# ------------------------------------------------------------------------------ ratings

def test_rating_wrong_is_again_right_is_good_right_but_slow_is_hard():
    assert sch.rating_for(False, 1.0, 30) == sch.fsrs_module().Rating.Again
    assert sch.rating_for(False, 99.0, 30) == sch.fsrs_module().Rating.Again
    assert sch.rating_for(True, 29.9, 30) == sch.fsrs_module().Rating.Good
    assert sch.rating_for(True, 30.0, 30) == sch.fsrs_module().Rating.Good
    assert sch.rating_for(True, 30.1, 30) == sch.fsrs_module().Rating.Hard


def test_slow_threshold_is_reading_plus_thinking_time(bank):
    thresholds = {q.id: sch.slow_threshold(q) for q in bank.questions}
    # mini-single: 19 words of prompt and choices at 4 a second, plus 20 s for recall
    assert thresholds == {"mini-single": 24.8, "mini-multiple": 23.5, "mini-tf": 22.2,
                          "mini-numeric": 52.0}
    scenario = bank.question("mini-single").__class__(
        id="s", topic="t", kind="single", prompt="word " * 80, explanation="",
        style="scenario")
    assert sch.slow_threshold(scenario) == 80 / 4 + 45


def test_after_answer_turns_a_slow_right_answer_into_hard(bank):
    q = bank.question("mini-single")
    assert sch.after_answer(None, q, True, 10.0, at(0)).rating == GOOD
    assert sch.after_answer(None, q, True, 60.0, at(0)).rating == HARD
    assert sch.after_answer(None, q, False, 1.0, at(0)).rating == AGAIN


# ------------------------------------------------------------------------------ intervals

def test_intervals_grow_after_repeated_right_answers():
    assert intervals([GOOD, GOOD, GOOD, GOOD])[0] == [2, 11, 46, 163]


def test_a_wrong_answer_resets_the_interval_then_it_grows_again():
    got, schedule = intervals([GOOD, GOOD, GOOD, AGAIN, GOOD, GOOD])
    assert got == [2, 11, 46, 3, 8, 19]
    assert (schedule.reps, schedule.lapses) == (6, 1)


def test_first_ratings_schedule_in_days_and_hard_grows_slower_than_good():
    assert [intervals([r])[0] for r in (AGAIN, HARD, GOOD, EASY)] == [[1], [1], [2], [8]]
    assert intervals([HARD, HARD, HARD])[0] == [1, 3, 7]
    assert intervals([AGAIN, AGAIN, GOOD, GOOD])[0] == [1, 1, 1, 2]


def test_schedules_count_calendar_days_not_hours():
    """Seen at 22:00, back at 08:00 two days later: two days for FSRS, not one (46 h)."""
    first = sch.review(None, "q", "question", "t", GOOD, at(0, 22)).schedule
    early = sch.review(first, "q", "question", "t", GOOD, at(2, 8)).schedule
    late = sch.review(first, "q", "question", "t", GOOD, at(2, 23)).schedule
    assert first.due == date(2025, 5, 14)
    assert early == late
    assert early.interval == 11


def test_a_same_day_repeat_barely_moves_the_schedule():
    first = sch.review(None, "q", "question", "t", GOOD, at(0, 9)).schedule
    again_today = sch.review(first, "q", "question", "t", GOOD, at(0, 18)).schedule
    assert again_today.due <= first.due + timedelta(days=1)


def test_times_must_be_timezone_aware():
    with pytest.raises(ValueError):
        sch.review(None, "q", "question", "t", GOOD, datetime(2025, 5, 12, 9))


def test_the_local_calendar_day_is_the_learners(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    evening_utc = datetime(2025, 5, 12, 20, 0, tzinfo=timezone.utc)  # 05:00 on the 13th
    assert sch.local_day(evening_utc) == date(2025, 5, 13)
    outcome = sch.review(None, "q", "question", "t", GOOD, evening_utc)
    assert outcome.schedule.last_review == date(2025, 5, 13)
    assert outcome.at == evening_utc  # the true instant is kept, in UTC


def test_schedule_rows_round_trip():
    schedule = intervals([GOOD, AGAIN])[1]
    assert sch.Schedule.from_row(schedule.to_row()) == schedule


# ------------------------------------------------------------------------------ due order

def make(item_id: str, due: date, last: date, stability: float = 5.0, topic="t"):
    return sch.Schedule(item_id, "question", topic, 2, stability, 5.0, due, last, last)


def test_due_items_come_most_overdue_first_then_lower_recall_then_id():
    today = date(2025, 5, 20)
    items = [
        make("on-time", today, date(2025, 5, 10)),
        make("future", date(2025, 5, 21), date(2025, 5, 15)),
        make("week-late", date(2025, 5, 13), date(2025, 5, 10)),
        make("b-two-late", date(2025, 5, 18), date(2025, 5, 16), stability=20),
        make("a-two-late", date(2025, 5, 18), date(2025, 5, 16), stability=20),
        make("weak-two-late", date(2025, 5, 18), date(2025, 5, 16), stability=1),
    ]
    order = [s.item_id for s in sch.due_now(items, today)]
    assert order == ["week-late", "weak-two-late", "a-two-late", "b-two-late", "on-time"]


def test_new_items_take_turns_by_topic_and_alternate_cards_and_questions(bank):
    from quizzer.content.bank import Card, Question

    def q(i, topic):
        return Question(id=i, topic=topic, kind="true-false", prompt="p", explanation="e")

    def c(i, topic):
        return Card(id=i, topic=topic, front="f", back="b")

    items = [q("a1", "a"), q("a2", "a"), q("a3", "a"), c("a-card", "a"), c("a-card2", "a"),
             q("b1", "b"), c("b-card", "b")]
    fresh = sch.new_items(items, {"a1": None})
    # The order over all items is a-card b-card a1 b1 a-card2 a2 a3; a1 is already seen.
    assert [i.id for i in fresh] == ["a-card", "b-card", "b1", "a-card2", "a2", "a3"]


def test_forecast_and_next_due():
    today = date(2025, 5, 20)
    items = [make("late", date(2025, 5, 1), date(2025, 4, 28)),
             make("today", today, date(2025, 5, 18)),
             make("in-2", date(2025, 5, 22), date(2025, 5, 19)),
             make("in-2b", date(2025, 5, 22), date(2025, 5, 19)),
             make("far", date(2025, 9, 1), date(2025, 5, 19))]
    assert sch.forecast(items, today, 5) == [2, 0, 2, 0, 0]
    assert sch.next_due(items, today) == (date(2025, 5, 22), 2)
    assert sch.next_due(items[:2], today) is None


# ------------------------------------------------------------------------------ exam cap

EXAM = date(2025, 5, 22)  # a Thursday: the run-up is Mon 19, Tue 20 and Wed 21 May
RUN_UP = [date(2025, 5, 19), date(2025, 5, 20), date(2025, 5, 21)]


def due_after_the_exam(count: int) -> list:
    """Items last seen 21 Apr .. 18 May (up to the day before the run-up), naturally due on
    the exam day or up to 29 days after it: all of them the old cap put on the exam day."""
    return [make(f"item-{n:03}", EXAM + timedelta(days=n % 30),
                 date(2025, 4, 21) + timedelta(days=n % 28)) for n in range(count)]


def test_reviewing_when_due_brings_the_last_review_into_the_run_up_once():
    schedule, seen = None, []
    for day in range(11):  # Mon 12 .. Thu 22, the exam day
        today = at(day).date()
        if schedule is not None and sch.effective_due(schedule, today, EXAM) > today:
            continue
        schedule = sch.review(schedule, "q", "question", "t", GOOD, at(day)).schedule
        seen.append(today)
        assert sch.effective_due(schedule, today, EXAM) <= EXAM or today in RUN_UP
    # New on Mon 12 (2 days), Good on Wed 14 (11 days: the 25th, after the exam), so its last
    # look before the exam comes on its run-up day; after that look its natural date stands.
    assert seen == [date(2025, 5, 12), date(2025, 5, 14), sch.run_up_day("q", EXAM)]
    assert sch.run_up_day("q", EXAM) in RUN_UP
    assert sch.effective_due(schedule, seen[-1], EXAM) == schedule.due > EXAM


def test_items_due_after_the_exam_are_spread_over_the_run_up_not_piled_on_the_exam_day():
    items = due_after_the_exam(300)
    today = date(2025, 5, 12)
    due = {s.item_id: sch.effective_due(s, today, EXAM) for s in items}
    assert Counter(due.values()) == {RUN_UP[0]: 109, RUN_UP[1]: 86, RUN_UP[2]: 105}
    # Never after the exam, never on it, never before the day after the item's last review
    # (the latest last review here is Sun 18, the day before the run-up).
    assert all(s.last_review < due[s.item_id] < EXAM for s in items)
    assert max(s.last_review for s in items) == date(2025, 5, 18)
    assert sch.forecast(items, today, 11, EXAM) == [0] * 7 + [109, 86, 105, 0]
    # Deterministic: the same dates on any day they are read, whatever the other items.
    assert all(sch.effective_due(s, RUN_UP[0], EXAM) == due[s.item_id] for s in items)
    assert [sch.effective_due(s, today, EXAM) for s in items[:10]] == \
        [due[s.item_id] for s in due_after_the_exam(10)]


def test_the_cap_leaves_alone_reviews_due_in_time_and_items_seen_in_the_run_up():
    today = date(2025, 5, 12)
    items = [make("due-in-the-run-up", date(2025, 5, 20), date(2025, 5, 10)),
             make("due-before-it", date(2025, 5, 15), date(2025, 5, 10)),
             make("seen-in-the-run-up", date(2025, 6, 1), RUN_UP[0]),
             make("seen-on-the-eve", date(2025, 6, 1), RUN_UP[-1]),
             make("seen-in-it-due-on-exam-day", EXAM, RUN_UP[1])]
    # A look in the run-up is the last one before the exam: capping it again would bring the
    # item back on every remaining day. Its natural date, after the exam, means FSRS predicts
    # at least 90 % recall on the exam day; one on the exam day itself is kept.
    for day in (today, RUN_UP[-1], EXAM):
        assert [sch.effective_due(s, day, EXAM) for s in items] == [s.due for s in items]


def test_with_one_day_before_the_exam_left_that_day_takes_the_run_up():
    items = due_after_the_exam(30)
    by_day = Counter(sch.run_up_day(s.item_id, EXAM) for s in items)
    assert set(by_day) == set(RUN_UP)  # some on each run-up day
    # Exam set with two days to go: the run-up day already past is overdue, so due today.
    assert sch.forecast(items, RUN_UP[1], 3, EXAM) == [by_day[RUN_UP[0]] + by_day[RUN_UP[1]],
                                                       by_day[RUN_UP[2]], 0]
    # One day to go: everything is due today, the eve, and the exam day stays empty...
    eve = RUN_UP[-1]
    assert len(sch.due_now(items, eve, EXAM)) == 30
    assert sch.forecast(items, eve, 2, EXAM) == [30, 0]
    # ...reviewed there, each item keeps its natural date, after the exam.
    reviewed = [sch.review(s, s.item_id, "question", "t", GOOD, at(9)).schedule
                for s in items]
    assert all(sch.effective_due(s, eve, EXAM) == s.due > EXAM for s in reviewed)
    # No day before the exam left: everything lands on the exam day.
    assert sch.forecast(items, EXAM, 1, EXAM) == [30]


def test_clearing_the_exam_or_the_exam_passing_brings_the_natural_dates_back():
    items = due_after_the_exam(30)
    today = date(2025, 5, 12)
    assert all(sch.effective_due(s, today, EXAM) < EXAM for s in items)
    assert [sch.effective_due(s, today, None) for s in items] == [s.due for s in items]
    day_after = EXAM + timedelta(days=1)
    assert [sch.effective_due(s, day_after, EXAM) for s in items] == [s.due for s in items]
    seen_on_exam_day = make("q", due=date(2025, 6, 30), last=EXAM)
    assert sch.effective_due(seen_on_exam_day, EXAM, EXAM) == date(2025, 6, 30)


def test_plan_workload_projects_reviews_and_new_items_until_the_exam():
    from quizzer.content.bank import Question

    today = date(2025, 5, 12)
    known = [make("due-today", today, date(2025, 5, 10), stability=2.3)]
    new = [Question(id=f"new-{n}", topic="t", kind="true-false", prompt="p", explanation="e")
           for n in range(5)]
    loads, unseen = sch.plan_workload(known, new, today=today, exam=EXAM, new_per_day=2)
    # New items (Good) come back two days later; that review jumps past the exam, so each
    # item's last look before it comes on its own run-up day (19-21) and the exam day is
    # free. due-today, Good today, is naturally due on the 20th: before the exam, kept.
    assert [(d.day.day, d.reviews, d.new) for d in loads] == [
        (12, 1, 2), (13, 0, 2), (14, 2, 1), (15, 2, 0), (16, 1, 0), (17, 0, 0), (18, 0, 0),
        (19, 1, 0), (20, 3, 0), (21, 2, 0), (22, 0, 0)]
    run_up = Counter(sch.run_up_day(q.id, EXAM) for q in new)
    assert [d.reviews for d in loads[7:10]] == [run_up[date(2025, 5, 19)],
                                                run_up[date(2025, 5, 20)] + 1,
                                                run_up[date(2025, 5, 21)]]
    assert unseen == 0
    # With the exam on Friday 16 the run-up is 13-15: due-today's last look comes on the 13th,
    # the new items' first reviews (14, 15) fall in the run-up and keep their natural dates,
    # and the item started on the 14th is naturally due on the exam day.
    short = sch.plan_workload(known, new, today, date(2025, 5, 16), 2)[0]
    assert [(d.day.day, d.reviews) for d in short] == [(12, 1), (13, 1), (14, 2), (15, 2),
                                                       (16, 1)]
    assert sch.run_up_day("due-today", date(2025, 5, 16)) == date(2025, 5, 13)
    assert sch.pace_needed(5, today, date(2025, 5, 16)) == 2
    nine = [Question(id=f"n{i}", topic="t", kind="true-false", prompt="p", explanation="e")
            for i in range(9)]
    assert sch.plan_workload([], nine, today, date(2025, 5, 16), 2)[1] == 1  # 4 days x 2



# ------------------------------------------------------------------------------ edges

def test_a_second_answer_builds_on_the_first_and_keeps_its_seconds(bank):
    q = bank.question("mini-single")
    first = sch.after_answer(None, q, True, 10.0, at(0))
    second = sch.after_answer(first.schedule, q, True, 12.5, at(first.schedule.interval))
    assert (first.seconds, second.seconds) == (10.0, 12.5)
    assert (second.schedule.reps, second.schedule.first_review, second.schedule.last_review) \
        == (2, date(2025, 5, 12), date(2025, 5, 14))
    assert second.schedule.interval > first.schedule.interval  # the first one counted
    assert sch.review(None, "c", "card", "t", GOOD, at(0)).seconds is None


def test_the_naive_time_error_says_what_is_wrong():
    with pytest.raises(ValueError, match="^times must be timezone-aware$"):
        sch.local_day(datetime(2025, 5, 12, 9))


def test_retrievability_is_read_on_the_day_asked_not_today():
    item = make("q", date(2025, 5, 17), date(2025, 5, 12), stability=5.0)
    assert item.retrievability(date(2025, 5, 12)) == pytest.approx(1.0)
    assert item.retrievability(date(2025, 5, 17)) == pytest.approx(0.9, abs=0.005)
    assert 0.5 < item.retrievability(date(2025, 6, 30)) < 0.75  # FSRS's power-law curve


def test_new_seen_on_counts_the_items_first_reviewed_that_day():
    items = [make("a", date(2025, 5, 20), date(2025, 5, 12)),
             make("b", date(2025, 5, 21), date(2025, 5, 12)),
             make("c", date(2025, 5, 22), date(2025, 5, 13))]
    assert [sch.new_seen_on(items, date(2025, 5, d)) for d in (11, 12, 13)] == [0, 2, 1]


def test_the_forecast_ends_before_its_last_day_and_next_due_honours_the_exam_cap():
    today = date(2025, 5, 12)
    items = [make("in-5", date(2025, 5, 17), date(2025, 5, 10)),
             make("in-4", date(2025, 5, 16), date(2025, 5, 10))]
    assert sch.forecast(items, today, 5) == [0, 0, 0, 0, 1]  # day 5 is outside 5 days
    assert sch.forecast(items, today, 6) == [0, 0, 0, 0, 1, 1]
    far = [make("far", date(2025, 7, 1), date(2025, 5, 1))]
    assert sch.next_due(far, today) == (date(2025, 7, 1), 1)
    assert sch.next_due(far, today, EXAM) == (sch.run_up_day("far", EXAM), 1)


def test_the_plan_horizon_is_three_years_to_the_day_and_the_horizon_itself_is_planned():
    assert sch.plan_horizon(date(2025, 5, 12)) == date(2028, 5, 12)
    assert sch.plan_horizon(date(2024, 2, 29)) == date(2027, 2, 28)
    today = date(2025, 5, 12)
    loads, _ = sch.plan_workload([], [], today, date(2028, 5, 12))
    assert (loads[0].day, loads[-1].day, len(loads)) == (today, date(2028, 5, 12), 1097)
    with pytest.raises(ValueError, match=r"^2028-05-13 is beyond the planning horizon "
                                         r"\(2028-05-12\)$"):
        sch.plan_workload([], [], today, date(2028, 5, 13))


@pytest.mark.parametrize("count,days,pace", [(0, 4, 0), (1, 4, 1), (5, 4, 2), (8, 4, 2),
                                             (9, 4, 3), (3, 1, 3), (3, 0, 3), (3, -2, 3)])
def test_pace_needed_spreads_the_new_items_over_the_days_left(count, days, pace):
    today = date(2025, 5, 12)
    assert sch.pace_needed(count, today, today + timedelta(days=days)) == pace


# ------------------------------------------------------------------------------ migration

def test_v1_database_migrates_with_schedules_replayed_from_past_answers(isolated_home,
                                                                      monkeypatch):
    """A database written by the v1 schema (practice answers only) gains schedules."""
    with monkeypatch.context() as old_version:
        old_version.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
        with open_store() as old:
            sid = old.start_session("practice", 1, ["mini"], now=at(0))
            old.record_attempt(sid, "mini-single", "mini", "0", True, 3.0, now=at(0))
            old.record_attempt(sid, "mini-tf", "mini", "true", False, 4.0, now=at(0, 10))
            old.record_attempt(sid, "mini-single", "mini", "0", True, 3.0, now=at(2))
    db = sqlite3.connect(isolated_home / "progress.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()

    with open_store() as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(store_module.MIGRATIONS)
        assert store.attempt_count() == 3
        assert store.reviews("mini-single") == [(GOOD, at(0)), (GOOD, at(2))]
        assert store.reviews("mini-tf") == [(AGAIN, at(0, 10))]
        schedules = store.schedules()
    expected = sch.replay("mini-single", "question", "mini", [(GOOD, at(0)), (GOOD, at(2))])
    assert schedules["mini-single"] == expected
    assert (expected.reps, expected.interval, expected.due) == (2, 11, date(2025, 5, 25))
    assert schedules["mini-tf"].due == date(2025, 5, 13)
    assert set(schedules) == {"mini-single", "mini-tf"}


def test_migration_of_an_empty_v1_database_and_atomic_answer_plus_schedule(isolated_home,
                                                                          monkeypatch):
    with monkeypatch.context() as old_version:
        old_version.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
        open_store().close()
    with open_store() as store:
        assert store.schedules() == {}
        sid = store.start_session("practice", 1, [])
        outcome = sch.review(None, "mini-single", "question", "mini", GOOD, at(0))
        broken = sch.Outcome(outcome.schedule, 9, at(0), 1.0)  # rating 9 breaks a CHECK
        with pytest.raises(sqlite3.IntegrityError):
            store.record_attempt(sid, "mini-single", "mini", "0", True, 1.0, now=at(0),
                                 outcome=broken)
        assert store.attempt_count() == 0  # the attempt was rolled back with the review
        store.record_attempt(sid, "mini-single", "mini", "0", True, 1.0, now=at(0),
                             outcome=outcome)
        assert store.attempt_count() == 1
        assert store.schedule("mini-single") == outcome.schedule


def test_the_constants_named_for_fsrs_values_agree_with_fsrs():
    """The module names fsrs's values itself (so choosing due items imports no fsrs)."""
    import fsrs

    assert sch.REVIEW_STATE == fsrs.State.Review
    assert sch.GOOD == fsrs.Rating.Good
    assert sch.RATING_NAMES == {int(r): r.name.lower() for r in fsrs.Rating}


def test_predicted_recall_is_fsrs_own_to_the_last_bit():
    """Schedule.retrievability writes fsrs's forgetting curve itself (stats predicts recall
    without importing fsrs); for every stability and day count it is fsrs's number."""
    scheduler = sch.scheduler()
    last = date(2025, 3, 1)
    for stability in (0.1, 0.5, 1.0, 2.3, 5.0, 11.7, 21.0, 46.2, 365.0, 3650.0):
        for days in (-3, 0, 1, 2, 6, 7, 30, 100, 1000):
            s = sch.Schedule("q", "question", "t", sch.REVIEW_STATE, stability, 5.0,
                             last + timedelta(days=10), last, last)
            today = last + timedelta(days=days)
            assert s.retrievability(today) == scheduler.get_card_retrievability(
                s.fsrs_card(), sch.day_stamp(today)), (stability, days)

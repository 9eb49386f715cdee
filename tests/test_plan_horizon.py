"""`quizzer plan` and a far exam date: refused past the horizon, saved only once planned, and
the projection's cost set by the reviews it projects, not by the days until the exam."""

import random
import re
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content.bank import Question
from quizzer.engine import scheduling as sch
from quizzer.engine.store import open_store
from quizzer.screens.console import Clock, Console

NOW = datetime(2025, 5, 12, 9, 0, tzinfo=timezone.utc)
TODAY = date(2025, 5, 12)

pytestmark = pytest.mark.usefixtures("utc_zone", "mini_bank")


def run(*args):
    """The command with the wall clock at NOW."""
    result = CliRunner().invoke(cli, list(args), obj=Console(Clock(now=lambda: NOW)))
    return result.exit_code, result.output


def saved_exam():
    with open_store() as store:
        return store.exam_date()


def test_a_date_beyond_three_years_is_refused_at_once_and_not_saved():
    started = time.monotonic()
    code, out = run("plan", "--exam-date", "9999-12-31")
    assert time.monotonic() - started < 5
    assert code == 2
    assert out.endswith("Error: Invalid value for --exam-date: 9999-12-31 is more than 3 "
                        "years away; a plan reaches 2028-05-12 at the latest. Nothing was "
                        "saved.\n")
    assert saved_exam() is None
    assert run("plan") == (0, "No exam date set. Set one with: quizzer plan --exam-date "
                              "YYYY-MM-DD\n")
    # The horizon itself is accepted, and then saved.
    code, out = run("plan", "--exam-date", "2028-05-12")
    assert code == 0 and out.startswith("Exam in 1096 days (Fri 12 May 2028).\n")
    # Years of days are summed a month to a row: one row for each month until the exam's,
    # then the three run-up days and the exam day a row each.
    table = re.split(r"  -+  -+  -+  -+  -+\n", out, maxsplit=1)[1].split("\n\n")[0]
    rows = [line.split() for line in table.splitlines()]
    months = [date(2025 + (4 + k) // 12, (4 + k) % 12 + 1, 1).strftime("%b %Y")
              for k in range(37)]
    assert [" ".join(row[:2]) for row in rows[:-4]] == months
    assert [" ".join(row[:3]) for row in rows[-4:]] == [
        "Tue 9 May", "Wed 10 May", "Thu 11 May", "Fri 12 May"]
    assert rows[-1][3] == "(exam)"
    assert all(int(total) == int(reviews) + int(new)
               for _, _, reviews, new, total, _ in rows[:-4])
    assert saved_exam() == date(2028, 5, 12)


def test_a_far_date_saved_by_an_older_quizzer_is_refused_not_planned():
    with open_store() as store:
        store.set_setting("exam_date", "9999-12-31")
    code, out = run("plan")
    assert (code, out) == (1, "Error: your saved exam date 9999-12-31 is more than 3 years "
                              "away, too far to plan. Set a nearer one with --exam-date, or "
                              "forget it with --clear.\n")
    assert run("plan", "--exam-date", "2025-06-30")[0] == 0
    assert saved_exam() == date(2025, 6, 30)


def test_the_date_is_saved_only_after_its_plan_succeeds(monkeypatch):
    from quizzer.screens import stats

    def broken(*args, **kwargs):
        raise RuntimeError("the plan failed")

    monkeypatch.setattr(stats, "exam_plan", broken)
    result = CliRunner().invoke(cli, ["plan", "--exam-date", "2025-06-30"],
                                obj=Console(Clock(now=lambda: NOW)))
    assert isinstance(result.exception, RuntimeError)
    assert saved_exam() is None


def day_by_day(schedules, new, today, exam, new_per_day):
    """The projection as first written: every item looked at on every day (the oracle)."""
    state = {s.item_id: s for s in schedules}
    waiting = list(new)
    loads = []
    day = today
    while day <= exam:
        due = [s for s in state.values() if sch.effective_due(s, day, exam) <= day]
        started = waiting[:new_per_day] if day < exam else []
        del waiting[:len(started)]
        noon = sch.local_noon(day)
        for s in due:
            state[s.item_id] = sch.review(s, s.item_id, s.kind, s.topic, 3, noon).schedule
        for item in started:
            state[item.id] = sch.review(None, item.id, sch.item_kind(item), item.topic, 3,
                                        noon).schedule
        loads.append((day, len(due), len(started)))
        day += timedelta(days=1)
    return loads, len(waiting)


def population(seed, known=40, fresh=30):
    rng = random.Random(seed)
    schedules = []
    for i in range(known):
        last = TODAY - timedelta(days=rng.randrange(0, 60))
        due = last + timedelta(days=rng.randrange(1, 90))
        schedules.append(sch.Schedule(f"k{i}", "question", "t", 2, rng.uniform(1, 60),
                                      rng.uniform(1, 10), due, last, last))
    new = [Question(id=f"n{i}", topic="t", kind="true-false", prompt="p", explanation="e")
           for i in range(fresh)]
    return schedules, new


@pytest.mark.parametrize("seed,days", [(1, 9), (2, 40), (3, 200)])
def test_the_bucketed_projection_matches_looking_at_every_item_every_day(seed, days):
    schedules, new = population(seed)
    exam = TODAY + timedelta(days=days)
    loads, unseen = sch.plan_workload(schedules, new, TODAY, exam, 4)
    expected, expected_unseen = day_by_day(schedules, new, TODAY, exam, 4)
    assert [(d.day, d.reviews, d.new) for d in loads] == expected
    assert unseen == expected_unseen


def test_the_projection_costs_reviews_not_days(monkeypatch):
    """Three years cost about what one does: intervals grow, so each item is reviewed a few
    times whatever the horizon, and an item is looked at only when it is reviewed (the
    day-by-day version looked at each of 70 items on each of 1096 days)."""
    schedules, new = population(4)
    calls = []
    for name in ("review", "effective_due"):
        real = getattr(sch, name)
        monkeypatch.setattr(sch, name, lambda *a, real=real, **k: calls.append(1) or real(*a, **k))
    sch.plan_workload(schedules, new, TODAY, TODAY + timedelta(days=365), 10)
    one_year = len(calls)
    calls.clear()
    sch.plan_workload(schedules, new, TODAY, sch.plan_horizon(TODAY), 10)
    assert one_year <= len(calls) < 1.5 * one_year
    assert len(calls) < 1096 * 70 / 50
    with pytest.raises(ValueError, match="beyond the planning horizon"):
        sch.plan_workload(schedules, new, TODAY, date(9999, 12, 31), 10)


def test_the_horizon_of_a_leap_day_is_the_28th():
    assert sch.plan_horizon(date(2024, 2, 29)) == date(2027, 2, 28)

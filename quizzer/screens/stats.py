"""``quizzer stats``: progress per topic as numbers, JSON, and a two-panel plot.

Definitions (all days are the learner's local calendar days):

- attempts / accuracy: graded question answers (practice and review); flashcards are rated by
  the learner, not graded, so they count in the schedule columns only.
- last 7 days: today and the six days before it.
- new: bank items (questions and cards) never reviewed; mastered: in review with a stability
  of at least 21 days (FSRS predicts 90 % recall three weeks on); learning: the rest.
- due today / this week: effective due date (exam cap included) on or before today /
  today + 6; overdue items count as due today.
- recall tomorrow: the mean of FSRS's retrievability tomorrow over the reviewed items. Not
  today: an item answered today, right or wrong, has just been seen, and FSRS predicts
  100 % for it until a day has passed (the learner who just missed one saw 100 %).

The numbers are computed by :func:`progress` from plain inputs (schedules, attempts, ``now``)
so they are tested against a hand-built history. The plot is a
:class:`quizzer.simulations.example.Chart` drawn by :func:`quizzer.render.figures.draw`, the same renderer
as every worked example.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from typing import Iterable, Iterator, Sequence

from quizzer.content.bank import Bank
from quizzer.content.bank_snapshot import record_ids
from quizzer.engine import scheduling as sch

WINDOW_DAYS = 7
FORECAST_DAYS = 30
MIN_POINT_ATTEMPTS = 3


@dataclass(frozen=True)
class TopicProgress:
    topic: str
    attempts: int = 0
    correct: int = 0
    attempts_7d: int = 0
    correct_7d: int = 0
    mastered: int = 0
    learning: int = 0
    new: int = 0
    due_today: int = 0
    due_week: int = 0
    recall: float | None = None  # mean predicted recall of the reviewed items, tomorrow

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def accuracy_7d(self) -> float | None:
        return self.correct_7d / self.attempts_7d if self.attempts_7d else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(accuracy=_round(self.accuracy), accuracy_7d=_round(self.accuracy_7d),
                    recall=_round(self.recall))
        return data


@dataclass(frozen=True)
class Progress:
    today: date
    exam: date | None
    topics: tuple          # TopicProgress per bank topic, in bank order
    total: TopicProgress
    forecast: tuple        # reviews due on each of the next FORECAST_DAYS days (0 = today)
    days: dict             # topic -> its answer_days rows (topic, "YYYY-MM-DD", answers,
                           # right), oldest first; bank order, topics with answers only

    @cached_property
    def history(self) -> dict:
        """topic -> (("YYYY-MM-DD", accuracy over the 7 days to that day, answers in them),
        ...): a point for each day with answers. Computed when first asked for (the JSON and
        the plot show it; the table does not)."""
        return {topic: tuple((day, right / answers, answers)
                             for day, answers, right in _windows(rows))
                for topic, rows in self.days.items()}

    def to_dict(self) -> dict:
        """Everything ``stats --json`` prints from the progress, as plain data."""
        return {**self._summary(),
                "accuracy_history": {topic: [{"date": d, "accuracy": round(a, 4),
                                              "attempts": n} for d, a, n in points]
                                     for topic, points in self.history.items()}}

    def _summary(self) -> dict:
        """:meth:`to_dict` up to (not including) ``accuracy_history``: what does not grow
        with the history."""
        return {
            "today": self.today.isoformat(),
            "exam_date": self.exam.isoformat() if self.exam else None,
            "topics": [p.to_dict() for p in self.topics],
            "total": self.total.to_dict(),
            "forecast": [{"date": (self.today + timedelta(days=i)).isoformat(), "due": n}
                         for i, n in enumerate(self.forecast)],
        }


# One accuracy point as json.dumps writes {"date": ..., "accuracy": ..., "attempts": ...}:
# json writes a float with float.__repr__ (_AccuracyTexts) and an int with int.__repr__
# (%d); the date needs no escaping (see json_text).
_POINT = '{"date": "%s", "accuracy": %s, "attempts": %d}'


class _AccuracyTexts(dict):
    """accuracy -> its JSON text, rounded to 4 places, made when first asked for.

    A long history repeats few accuracies (473 distinct ones in the 7,665 points of the
    benchmark's three years): looking one up costs less than rounding it and writing it."""

    def __missing__(self, accuracy: float) -> str:
        text = self[accuracy] = repr(round(accuracy, 4))
        return text


def json_text(progress: Progress, **extra) -> str:
    """``{**progress.to_dict(), **extra}`` as ``json.dumps(..., indent=2)`` would write it,
    except that each point of ``accuracy_history`` takes one line.

    The points are the only part of ``stats --json`` that grows with the history (7,665 for
    three years of daily use): building a dict per point and encoding it was most of the
    command's time on a long history (json's indenting encoder is Python; even its C encoder
    walks each dict). Each point is written by one %-format as its window is summed
    (:func:`_windows`, the pass behind :attr:`Progress.history`), its accuracy's text looked
    up (:class:`_AccuracyTexts`). Its date is SQLite's ``date()`` text, which
    :func:`_windows` has read as an ISO date (``date.fromisoformat``), so it holds only
    digits, ``-`` and ``W``: nothing JSON escapes.
    """
    import json
    import re

    texts = _AccuracyTexts()
    lists = ["[\n      " + ",\n      ".join([_POINT % (day, texts[right / answers], answers)
                                          for day, answers, right in _windows(rows)])
             + "\n    ]" for rows in progress.days.values()]
    # Each mark stands where its list goes: a NUL and a number, which no other text in the
    # document can hold (not a path, not a slug), written by json as "\u0000<number>".
    marks = {topic: f"\0{i}" for i, topic in enumerate(progress.days)}
    text = json.dumps({**progress._summary(), "accuracy_history": marks, **extra}, indent=2)
    return re.sub(r'"\\u0000(\d+)"', lambda mark: lists[int(mark.group(1))], text)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def progress(bank: Bank, schedules: dict, days: Iterable[tuple], now: datetime,
             exam: date | None = None) -> Progress:
    """Everything ``quizzer stats`` shows.

    ``schedules``: item id -> Schedule; ``days``: (topic, local day as ``YYYY-MM-DD``,
    answers, right answers) rows as :meth:`quizzer.engine.store.Store.answer_days` returns
    them, grouped by topic and in day order within each. The cost is C-level sums over those
    rows (a row per topic and day) and the schedules: a long history adds rows only for the
    days it covers, never a pass per answer; the accuracy history (:attr:`Progress.history`)
    is computed only if asked for.
    """
    today = sch.local_day(now)
    tomorrow = today + timedelta(days=1)
    week = ((today - timedelta(days=WINDOW_DAYS - 1)).isoformat(), today.isoformat())
    slugs = [t.slug for t in bank.topics]
    by_topic: dict[str, list] = {slug: [] for slug in slugs}
    for topic, rows in groupby(days, itemgetter(0)):
        if topic in by_topic:  # answers to topics no longer in the bank are not shown
            by_topic[topic].extend(rows)
    counts = {slug: _answer_counts(by_topic[slug], *week) for slug in slugs}
    all_ids = _bank_ids(bank)
    known = [schedules[i] for i in all_ids if i in schedules]
    # Each reviewed item's state today, worked out once for its topic's row and the total's
    # (FSRS's retrievability builds a card object each time it is asked).
    states = {s.item_id: _ItemToday(s.mastered, sch.effective_due(s, today, exam),
                                    s.retrievability(tomorrow)) for s in known}
    rows = [_topic_progress(topic.slug, _ids(topic), states, counts[topic.slug], today)
            for topic in bank.topics]
    total = _topic_progress("all", all_ids, states,
                            tuple(map(sum, zip((0, 0, 0, 0), *counts.values()))), today)
    return Progress(today, exam, tuple(rows), total,
                    tuple(sch.forecast(known, today, FORECAST_DAYS, exam)),
                    {slug: tuple(rows) for slug, rows in by_topic.items() if rows})


def _ids(topic) -> list[str]:
    """The topic's question and card ids, decoding no record a bank snapshot keeps."""
    return [*record_ids(topic.questions), *record_ids(topic.cards)]


def _bank_ids(bank: Bank) -> list[str]:
    """Every question id, then every card id (bank order), decoding no kept record."""
    return ([i for topic in bank.topics for i in record_ids(topic.questions)]
            + [i for topic in bank.topics for i in record_ids(topic.cards)])


def _answer_counts(rows: list, week_start: str, today: str) -> tuple:
    """(answers, right answers, answers in the last 7 days, right ones) of one topic's
    answer_days ``rows`` in day order; days as ``YYYY-MM-DD`` text, which sorts as the days
    do. The 7 days are found by bisection: a long history costs C-level sums, not a
    comparison per day."""
    day = itemgetter(1)
    recent = rows[bisect_left(rows, week_start, key=day):bisect_right(rows, today, key=day)]
    return (sum(map(itemgetter(2), rows)), sum(map(itemgetter(3), rows)),
            sum(map(itemgetter(2), recent)), sum(map(itemgetter(3), recent)))


@dataclass
class _ItemToday:
    """A reviewed item as the progress table counts it today."""

    mastered: bool
    due: date           # effective due date (exam cap included)
    recall: float       # FSRS's retrievability tomorrow, 0..1


def _topic_progress(name: str, ids: Sequence[str], states: dict, counts: tuple,
                    today: date) -> TopicProgress:
    """``ids``: the items counted; ``states``: item id -> _ItemToday of each reviewed item;
    ``counts``: (answers, right, answers in the last 7 days, right ones)."""
    known = [states[i] for i in ids if i in states]
    attempts, correct, attempts_7d, correct_7d = counts
    return TopicProgress(
        topic=name, attempts=attempts, correct=correct,
        attempts_7d=attempts_7d, correct_7d=correct_7d,
        mastered=sum(1 for s in known if s.mastered),
        learning=sum(1 for s in known if not s.mastered),
        new=len(ids) - len(known),
        due_today=sum(1 for s in known if s.due <= today),
        due_week=sum(1 for s in known if s.due <= today + timedelta(days=WINDOW_DAYS - 1)),
        recall=(sum(s.recall for s in known) / len(known)) if known else None)


def _windows(rows: Sequence[tuple]) -> Iterator[tuple[str, int, int]]:
    """For each day with answers: (the day's ``YYYY-MM-DD`` text, answers in the 7 days
    ending that day, right ones among them), oldest first. ``rows``: one topic's
    answer_days rows (topic, day, answers, right) in day order.

    One pass: a sliding window adds each day once and drops it once, days compared as
    ordinal numbers (read from the text in C; a day that is not an ISO date raises
    ValueError). The day stays text: the JSON prints it as it is. A generator, so that the
    JSON's points are written without a tuple kept per day."""
    ordinals = list(map(date.toordinal, map(date.fromisoformat, map(itemgetter(1), rows))))
    answers = right = 0
    start = 0
    for (_, day, n, c), ordinal in zip(rows, ordinals):
        answers += n
        right += c
        while ordinals[start] <= ordinal - WINDOW_DAYS:  # left the 7 days ending this day
            answers -= rows[start][2]
            right -= rows[start][3]
            start += 1
        yield day, answers, right


# ---------------------------------------------------------------------------------- text

def render(progress: Progress) -> str:
    from quizzer.render import terminal as t
    from quizzer.render.terminal import day_text

    def pct(value: float | None, column: str) -> str:
        # Padded to the column's width, so the table (which left-aligns text) aligns right.
        return f"{'-' if value is None else f'{100 * value:.0f}%':>{len(column)}}"

    everything = (*progress.topics, progress.total)
    answers = _with_total_rule(t.table(
        ("topic", "answered", "accuracy", "last 7 days", "recall tomorrow"),
        [(p.topic, p.attempts, pct(p.accuracy, "accuracy"), pct(p.accuracy_7d, "last 7 days"),
          pct(p.recall, "recall tomorrow"))
         for p in everything], indent="  "))
    schedule = _with_total_rule(t.table(
        ("topic", "mastered", "learning", "new", "due today", "due in 7 days"),
        [(p.topic, p.mastered, p.learning, p.new, p.due_today, p.due_week)
         for p in everything], indent="  "))
    today = progress.today
    lines = [t.heading(f"Progress on {today:%a} {today.day} {today:%b} {today.year}"), "",
             answers, "", schedule, "",
             t.dim(t.wrap("Accuracy counts graded answers. Recall tomorrow is the "
                          "scheduler's chance that you would recall a reviewed item if "
                          "asked tomorrow. "
                          "Mastered: a stability of 21 days or more. Flashcards count in the "
                          "schedule only."))]
    if progress.exam:
        lines.append(f"Exam: {day_text(progress.exam, progress.today)}.")
    week = progress.forecast[:WINDOW_DAYS]
    lines.append(f"Due: {progress.forecast[0]} today, {sum(week)} in the next 7 days, "
                 f"{sum(progress.forecast)} in the next {FORECAST_DAYS}.")
    return "\n".join(lines)


def _with_total_rule(table: str) -> str:
    lines = table.splitlines()
    rule = next(line for line in lines if line.strip() and not line.strip(" -"))
    lines.insert(len(lines) - 1, rule)  # a rule above the "all" row
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- plot

def chart(progress: Progress, exams: Sequence = ()):
    """The plot as a chart description: accuracy over time, and the 30-day due forecast;
    with ``exams`` (submitted :class:`quizzer.engine.exam.Exam` records), a third panel of their
    score estimates over time with the pass mark.

    An accuracy point needs at least :data:`MIN_POINT_ATTEMPTS` answers in its 7-day window:
    "100 %" from one answer says nothing. (The JSON keeps every point.)
    """
    from quizzer.simulations.example import Chart, Panel, Series

    lines = []
    for topic, points in progress.history.items():
        kept = [(d, a) for d, a, n in points if n >= MIN_POINT_ATTEMPTS]
        if kept:
            today = progress.today.toordinal()
            lines.append(Series.of(topic, [date.fromisoformat(d).toordinal() - today
                                           for d, _ in kept],
                                   [100 * a for _, a in kept]))
    accuracy = Panel("lines", "Accuracy over the previous 7 days, per topic",
                     "days from today (0 = today)", "accuracy (%)", tuple(lines),
                     hlines=((100 * sch.DESIRED_RETENTION, "90%"),) if lines else ())
    days = [progress.today + timedelta(days=i) for i in range(FORECAST_DAYS)]
    exam_offset = (progress.exam - progress.today).days if progress.exam else -1
    due = Panel("bars", f"Reviews due in the next {FORECAST_DAYS} days",
                "day (today includes anything overdue)", "items due",
                (Series.of("due", [_day_label(d) for d in days], list(progress.forecast)),),
                vlines=((exam_offset, "exam day"),) if 0 <= exam_offset < FORECAST_DAYS
                else ())
    panels = (accuracy, due)
    if exams:
        from quizzer.engine.exam import PASS_MARK

        days = [(sch.local_day(e.submitted_at) - progress.today).days for e in exams]
        panels += (Panel("lines", "Mock exams: scaled score (our estimate)",
                         "days from today (0 = today)", "estimated score (100-1000)",
                         (Series.of("exam", days, [e.scaled for e in exams]),),
                         hlines=((PASS_MARK, f"pass mark {PASS_MARK}"),)),)
    return Chart(f"quizzer progress on {progress.today.day} {progress.today:%b %Y}", panels)


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def save_plot(progress: Progress, path, exams: Sequence = ()):
    """Draw :func:`chart` with the shared renderer and write the PNG atomically."""
    from quizzer.render.figures import draw, save_png

    fig = draw(chart(progress, exams))
    # Accuracy on its full 0-100 scale, legend below the lines rather than over them.
    from matplotlib.ticker import MaxNLocator

    accuracy_axes = fig.axes[0]
    accuracy_axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole days
    if accuracy_axes.get_legend() is not None:
        accuracy_axes.set_ylim(0, 104)
        legend = accuracy_axes.legend(fontsize=8, framealpha=0.85, loc="lower left",
                                      ncol=2)
        for text in legend.get_texts():
            text.set_parse_math(False)
    # Thirty dated bars: label one day a week (today, +7, ...) so the labels can be read.
    forecast_axes = fig.axes[1]
    for i, label in enumerate(forecast_axes.get_xticklabels()):
        label.set_visible(i % 7 == 0)
        label.set_rotation(0)
        label.set_horizontalalignment("center")
    if exams:  # the whole score scale, whole days
        exam_axes = fig.axes[2]
        exam_axes.set_ylim(100, 1000)
        low, high = exam_axes.dataLim.intervalx
        if high - low < 2:  # one day of exams: a day either side, not fractions of one
            exam_axes.set_xlim(low - 1, high + 1)
        exam_axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return save_png(fig, path)


# ---------------------------------------------------------------------------------- plan

@dataclass(frozen=True)
class ExamPlan:
    today: date
    exam: date
    days: tuple            # scheduling.DayLoad from today to the exam day
    new_total: int         # bank items never reviewed
    unseen_at_exam: int    # of those, how many the projection does not reach
    new_per_day: int
    pace: int              # new items a day that would reach them all before the exam day


def exam_plan(bank: Bank, schedules: dict, now: datetime, exam: date,
              new_per_day: int = sch.NEW_PER_DAY) -> ExamPlan:
    """The projected daily workload until ``exam`` (see scheduling.plan_workload)."""

    today = sch.local_day(now)
    ids = _bank_ids(bank)
    known = [schedules[i] for i in ids if i in schedules]
    fresh = sch.new_items(sch.bank_order(bank), schedules)  # in the order review starts them
    loads, unseen = sch.plan_workload(known, fresh, today, exam, new_per_day)
    return ExamPlan(today, exam, tuple(loads), len(fresh), unseen, new_per_day,
                    sch.pace_needed(len(fresh), today, exam))


def render_plan(plan: ExamPlan) -> str:
    from quizzer.render import terminal as t
    from quizzer.render.terminal import day_text

    lines = [t.heading(f"Exam {day_text(plan.exam, plan.today)}."),
             t.wrap("Until then, a review that would fall on or after the exam day comes "
                    f"in the {sch.RUN_UP_DAYS} days before it instead (spread over them, so "
                    "the exam day stays light); afterwards normal scheduling returns."),
             ""]
    if len(plan.days) <= 28:
        rows = [(_day_label(d.day) + (" (exam)" if d.day == plan.exam else ""),
                 d.reviews, d.new, d.total) for d in plan.days]
        lines.append(t.table(("day", "reviews", "new", "total"), rows, indent="  "))
    else:
        # Weeks (months beyond half a year), then the run-up and the exam day a row each:
        # the days the cap spreads the last reviews over, so a learner can see the exam day
        # stay light.
        grouped, last = plan.days[:-(sch.RUN_UP_DAYS + 1)], plan.days[-(sch.RUN_UP_DAYS + 1):]
        if len(plan.days) <= 26 * 7:
            periods = [grouped[start:start + 7] for start in range(0, len(grouped), 7)]
            label = lambda days: f"{_day_label(days[0].day)} - {_day_label(days[-1].day)}"
        else:  # more than half a year: a row a month keeps the table on a screen or two
            months: dict = {}
            for d in grouped:
                months.setdefault((d.day.year, d.day.month), []).append(d)
            periods = list(months.values())
            label = lambda days: f"{days[0].day:%b %Y}"
        rows = [(label(days), sum(d.reviews for d in days), sum(d.new for d in days),
                 sum(d.total for d in days), max(d.total for d in days)) for days in periods]
        rows += [(_day_label(d.day) + (" (exam)" if d.day == plan.exam else ""), d.reviews,
                  d.new, d.total, d.total) for d in last]
        lines.append(t.table(("when", "reviews", "new", "total", "busiest day"), rows,
                             indent="  "))
    lines += ["", t.wrap(f"A projection assuming every review is answered right and "
                         f"{plan.new_per_day} new items a day (quizzer review starts "
                         f"{sch.NEW_CARDS_PER_DAY} flashcards and "
                         f"{sch.NEW_QUESTIONS_PER_DAY} questions; plan --new N to change).")]
    if plan.new_total and plan.unseen_at_exam:
        lines.append(t.wrap(f"{plan.unseen_at_exam} of {plan.new_total} new items would still "
                            f"be unseen on the exam day: {plan.pace} new a day would reach "
                            "them all (quizzer review --new-cards and --new-questions set "
                            "how many start a day)."))
    elif plan.new_total:
        last = [d.day for d in plan.days if d.new][-1]
        lines.append(f"The last of the {plan.new_total} new items is started "
                     f"{day_text(last, plan.today)}.")
    return "\n".join(lines)

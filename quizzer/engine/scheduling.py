"""Spaced repetition: when each question and flashcard comes back, decided by FSRS.

The maths is the ``fsrs`` package's (py-fsrs 6): each item has a *stability* S (days until
the predicted chance of recall falls to 90 %) and a *difficulty* D (1..10). A review rated
Again / Hard / Good / Easy updates both, and the next interval is the number of days at which
recall is predicted to fall to the desired retention (0.9, so the interval is about S). A
right answer makes S grow (2 -> 11 -> 46 days for Good, Good, Good); a wrong one drops it to a
few days.

This module wraps the scheduler and adds what a study tool needs around it. It is pure: no
terminal, no database, and the time is always a parameter (``now``, timezone-aware UTC).
Callers pass the time from their console's clock (:class:`quizzer.screens.console.Clock`).

**Whole days.** Intervals are whole days and an item is due on a *local calendar day*, as in
Anki: something due "Thursday" is due all Thursday, whatever time it was last seen. FSRS
counts elapsed days with ``timedelta.days`` (a floor), so feeding it real instants would
treat a review 23 hours later as "same day" and barely grow the interval. It is therefore fed
a *day stamp* for each review: midnight UTC of the local date the review happened on. Those
stamps are exactly 24 h apart per calendar day, so FSRS sees calendar-day differences. The
true instant of every answer is kept too (the store's ``reviews`` and ``attempts`` tables).
There are no minute-scale learning steps: a new item's first rating schedules it in days
(Again 1, Hard 1, Good 2, Easy 8), and a lapse is rescheduled from its new, lower stability
(usually 1 to 5 days). Fuzzing is off, so schedules are reproducible and testable.

**Exam cap.** With an exam date set, every item gets one last look in the *run-up*: the
:data:`RUN_UP_DAYS` days before the exam. An item last seen before the run-up whose natural
due date falls on or after the exam day is due on its run-up day instead, one of those days
picked by a stable hash of its id (:func:`run_up_day`), so a few hundred such items become
about a third each on the three days before the exam rather than all on the exam morning. The
run-up day is never after the exam and always after the item's last review. An item seen
*in* the run-up has had its last look: it keeps its natural date, which is either a review
the run-up still holds or a date after the exam (and FSRS's due date is where recall falls
to 90 %, so it is at least that on the exam day). Capping those again would bring every
item back on every remaining day. The exam day itself only gets natural reviews of items
seen in the run-up, and items still overdue when it comes. The cap is applied when due dates
are *read*, never stored: clearing the date, or the exam day passing, brings the natural
schedule straight back.
"""

from __future__ import annotations

import math
import zlib
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    import fsrs

DESIRED_RETENTION = 0.9
NEW_CARDS_PER_DAY = 10      # new flashcards `quizzer review` starts a day by default
NEW_QUESTIONS_PER_DAY = 10  # new questions likewise (practice starts them too)
NEW_PER_DAY = NEW_CARDS_PER_DAY + NEW_QUESTIONS_PER_DAY  # what `quizzer plan` assumes
MASTERED_STABILITY = 21.0  # days; Anki calls a card "mature" from a 21-day interval
RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}  # fsrs.Rating's values
GOOD = 3  # fsrs.Rating.Good
# The days before an exam that take the last review of everything capped to it. Three days
# cut the exam-morning spike to about a third a day and keep each item's last look within
# three days of the exam, so it is fresh on the day; a longer run-up spreads the load
# thinner but moves that look further from the exam, a shorter one concentrates it again.
# The window is fixed to the exam, not to today, so a due date once shown never moves. With
# fewer days left (an exam set late), run-up days already past are overdue like any other
# due date, so their items are due today: the window is then min(3 days, days left),
# today taking the past days' share.
RUN_UP_DAYS = 3
# An exam further away than this is refused by `quizzer plan`: no certification is booked
# years ahead, and a date like 9999-12-31 is a typo or a test of the tool.
PLAN_HORIZON_YEARS = 3

# fsrs's State.Review: the state of an item past its first review (1 learning is not used).
REVIEW_STATE = 2
# FSRS-6's forgetting curve R(t) = (1 + FACTOR * t / S) ** DECAY, with py-fsrs's default
# decay (its Scheduler's -parameters[20]) and the FACTOR that makes R(S) = 0.9, written as
# fsrs writes them: predicting recall (stats) then needs no fsrs import (about 6 ms of every
# stats command with a history; a learner with none never imported it). A test holds the
# curve to fsrs's own, bit for bit.
FSRS_DECAY = -0.1542
FSRS_FACTOR = 0.9 ** (1 / FSRS_DECAY) - 1


def fsrs_module():
    """The fsrs package, imported when an item is first rated (or a plan projects ratings):
    choosing review's first card (due dates), showing it and predicting recall
    (:meth:`Schedule.retrievability`) need none of it, and importing it costs about 10 ms."""
    import fsrs

    return fsrs


@functools.cache
def scheduler() -> fsrs.Scheduler:
    """The one FSRS scheduler: desired retention 0.9, whole days, no fuzzing."""
    return fsrs_module().Scheduler(desired_retention=DESIRED_RETENTION, learning_steps=(),
                                   relearning_steps=(), enable_fuzzing=False)


def local_day(instant: datetime) -> date:
    """The learner's calendar date at ``instant`` (system time zone)."""
    if instant.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return instant.astimezone().date()


def day_stamp(day: date) -> datetime:
    """Midnight UTC of ``day``: the time FSRS is told a review on ``day`` happened."""
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


# ------------------------------------------------------------------------------ records

@dataclass(frozen=True)
class Schedule:
    """One item's memory state and next due date (a question or a flashcard)."""

    item_id: str
    kind: str             # "question" | "card"
    topic: str
    state: int            # fsrs.State: 2 review, 3 relearning (1 learning is not used)
    stability: float      # days
    difficulty: float     # 1..10
    due: date             # natural due date, without any exam cap
    last_review: date
    first_review: date
    reps: int = 1
    lapses: int = 0

    @property
    def interval(self) -> int:
        return (self.due - self.last_review).days

    @property
    def mastered(self) -> bool:
        return self.state == REVIEW_STATE and self.stability >= MASTERED_STABILITY

    def fsrs_card(self) -> fsrs.Card:
        fsrs = fsrs_module()
        return fsrs.Card(card_id=_card_id(self.item_id), state=fsrs.State(self.state),
                         step=None if self.state == REVIEW_STATE else 0,
                         stability=self.stability, difficulty=self.difficulty,
                         due=day_stamp(self.due), last_review=day_stamp(self.last_review))

    def retrievability(self, today: date) -> float:
        """FSRS's predicted probability of recalling the item on ``today``: its forgetting
        curve after the whole days since the last review, as fsrs's
        ``Scheduler.get_card_retrievability`` computes it for the day stamps."""
        elapsed = max(0, (today - self.last_review).days)
        return (1 + FSRS_FACTOR * elapsed / self.stability) ** FSRS_DECAY

    def to_row(self) -> dict:
        return {"item_id": self.item_id, "kind": self.kind, "topic": self.topic,
                "state": self.state, "stability": self.stability,
                "difficulty": self.difficulty, "due": self.due.isoformat(),
                "last_review": self.last_review.isoformat(),
                "first_review": self.first_review.isoformat(), "reps": self.reps,
                "lapses": self.lapses}

    @classmethod
    def from_row(cls, row: Mapping) -> "Schedule":
        return cls(row["item_id"], row["kind"], row["topic"], int(row["state"]),
                   float(row["stability"]), float(row["difficulty"]),
                   date.fromisoformat(row["due"]), date.fromisoformat(row["last_review"]),
                   date.fromisoformat(row["first_review"]), int(row["reps"]),
                   int(row["lapses"]))


@dataclass(frozen=True)
class Outcome:
    """A rating and the schedule it produced: what the store writes for one review."""

    schedule: Schedule
    rating: int
    at: datetime          # the true instant, UTC
    seconds: float | None


def _card_id(item_id: str) -> int:
    # fsrs wants an int id; it only ties review logs to cards, so a stable hash will do.
    return zlib.crc32(item_id.encode())


# ------------------------------------------------------------------------------ rating

def slow_threshold(question) -> float:
    """Seconds after which a right answer counts as Hard rather than Good.

    Reading time plus thinking time: the prompt and what its kind shows with it (choices,
    items, pairs) at 4 words a second (240 words a minute), plus 20 s to think for a recall
    question, 45 s for a scenario question, plus the kind's own
    :attr:`~quizzer.content.kinds.base.QuestionKind.think_seconds` (30 s for a numeric one: there is
    arithmetic to do; 20 s to arrange an ordering, 30 s to match pairs). A two-line recall
    question gets about 25 s; a paragraph-long scenario with four long options about 90 s.
    """
    from quizzer.content import kinds  # small, but only needed once an answer is graded

    kind = kinds.of(question)
    words = len(question.prompt.split()) + sum(len(text.split())
                                               for text in kind.shown_texts(question))
    think = (45.0 if question.style == "scenario" else 20.0) + kind.think_seconds
    return round(words / 4.0 + think, 1)


def rating_for(correct: bool, seconds: float, threshold: float) -> fsrs.Rating:
    """Wrong is Again; right is Good, or Hard when it took longer than ``threshold``."""
    rating = fsrs_module().Rating
    if not correct:
        return rating.Again
    return rating.Hard if seconds > threshold else rating.Good


# ------------------------------------------------------------------------------ reviewing

def review(previous: Schedule | None, item_id: str, kind: str, topic: str, rating: int,
           now: datetime, seconds: float | None = None) -> Outcome:
    """Rate one item at ``now``; ``previous`` is None for an item never seen."""
    today = local_day(now)
    stamp = day_stamp(today)
    fsrs = fsrs_module()
    card = previous.fsrs_card() if previous else fsrs.Card(card_id=_card_id(item_id), due=stamp)
    card, _log = scheduler().review_card(card, fsrs.Rating(rating), review_datetime=stamp)
    lapse = (previous is not None and previous.state == REVIEW_STATE
             and rating == fsrs.Rating.Again)
    schedule = Schedule(
        item_id=item_id, kind=kind, topic=topic, state=int(card.state),
        stability=float(card.stability), difficulty=float(card.difficulty),
        due=card.due.date(), last_review=today,
        first_review=previous.first_review if previous else today,
        reps=(previous.reps if previous else 0) + 1,
        lapses=(previous.lapses if previous else 0) + int(lapse))
    return Outcome(schedule, int(rating), now, seconds)


def after_answer(previous: Schedule | None, question, correct: bool, seconds: float,
                 now: datetime) -> Outcome:
    """The schedule update for one graded practice or review answer."""
    rating = rating_for(correct, seconds, slow_threshold(question))
    return review(previous, question.id, "question", question.topic, rating, now, seconds)


def replay(item_id: str, kind: str, topic: str,
           ratings: Iterable[tuple[int, datetime]]) -> Schedule | None:
    """The schedule that a history of (rating, instant) reviews leads to, oldest first."""
    schedule = None
    for rating, at in ratings:
        schedule = review(schedule, item_id, kind, topic, rating, at).schedule
    return schedule


# ------------------------------------------------------------------------------ due dates

def exam_cap_active(exam: date | None, today: date) -> bool:
    """Up to and including the exam day; afterwards normal scheduling returns."""
    return exam is not None and today <= exam


def run_up_day(item_id: str, exam: date) -> date:
    """The day before ``exam`` that takes this item's last review: 1 to RUN_UP_DAYS before.

    Chosen by a hash of the id, so it is the same on every read and for every learner, and
    independent of the other items (adding one moves no other). blake2b rather than the
    crc32 used for fsrs's card ids: a checksum mixes similar ids poorly (4 of the 5
    ``mini-*`` test ids fall on one day with crc32), a cryptographic digest is uniform.
    """
    import hashlib  # only with an exam date: hashlib loads OpenSSL, which every review would pay

    digest = hashlib.blake2b(item_id.encode(), digest_size=8).digest()
    return exam - timedelta(days=RUN_UP_DAYS - int.from_bytes(digest, "big") % RUN_UP_DAYS)


def effective_due(schedule: Schedule, today: date, exam: date | None = None) -> date:
    """The due date, brought into the run-up when the natural one is on or after the exam.

    Only for items last seen before the run-up (see the module docstring): one seen in it
    keeps its natural date. So the run-up day is always after the last review.
    """
    if (exam_cap_active(exam, today) and schedule.due >= exam
            and schedule.last_review < exam - timedelta(days=RUN_UP_DAYS)):
        return run_up_day(schedule.item_id, exam)
    return schedule.due


def due_now(schedules: Iterable[Schedule], today: date,
            exam: date | None = None) -> list[Schedule]:
    """Items due on or before ``today``, most overdue first.

    Ties (same due date) go to the item with the lower predicted recall, then by id, so the
    order is stable.
    """
    due = [(effective_due(s, today, exam), s) for s in schedules]
    due = [(d, s) for d, s in due if d <= today]
    due.sort(key=lambda pair: (pair[0], pair[1].retrievability(today), pair[1].item_id))
    return [s for _, s in due]


def new_items(items: Sequence, scheduled: Mapping[str, Schedule] | set) -> list:
    """Items never reviewed, in a fixed study order over the whole bank.

    ``items`` are bank records (Card or Question) in bank order. Topics take turns, so a few
    new items a day cover several; within a topic, cards and questions alternate, a card
    first (the card states an idea, the question then tests it). The order is computed over
    all items and *then* the seen ones are dropped, so each day picks up where the last left.
    """
    by_topic: dict[str, tuple[list, list]] = {}
    for item in items:
        cards, questions = by_topic.setdefault(item.topic, ([], []))
        (cards if item_kind(item) == "card" else questions).append(item)
    pools = []
    for cards, questions in by_topic.values():
        pool = []
        for i in range(max(len(cards), len(questions))):
            pool += cards[i:i + 1] + questions[i:i + 1]
        pools.append(pool)
    order = []
    while any(pools):
        for pool in pools:
            if pool:
                order.append(pool.pop(0))
    return [item for item in order if item.id not in scheduled]


@dataclass
class Item:
    """A bank item named by its id, topic and kind ("card" or "question"), its record
    decoded only when :attr:`record` is asked for: choosing what to start from hundreds of
    new items needs no more (a kept bank decodes a record when first used)."""

    id: str
    topic: str
    kind: str
    records: Sequence = field(repr=False, compare=False)  # its topic's cards or questions
    position: int = field(repr=False, compare=False)

    @property
    def record(self):
        """The Card or Question itself."""
        return self.records[self.position]


def bank_order(bank) -> list[Item]:
    """Topics in bank order, each its cards then its questions: what new_items orders."""
    from quizzer.content.bank_snapshot import record_ids

    return [Item(item_id, topic.slug, kind, records, position) for topic in bank.topics
            for kind, records in (("card", topic.cards), ("question", topic.questions))
            for position, item_id in enumerate(record_ids(records))]


def item_kind(item) -> str:
    """"card" or "question", for an :class:`Item` or a bank record."""
    if isinstance(item, Item):
        return item.kind
    return "question" if hasattr(item, "prompt") else "card"


def new_seen_on(schedules: Iterable[Schedule], day: date) -> int:
    return sum(1 for s in schedules if s.first_review == day)


def forecast(schedules: Iterable[Schedule], today: date, days: int = 30,
             exam: date | None = None) -> list[int]:
    """Reviews due on each of the next ``days`` days; day 0 (today) includes the overdue."""
    counts = [0] * days
    for s in schedules:
        offset = max(0, (effective_due(s, today, exam) - today).days)
        if offset < days:
            counts[offset] += 1
    return counts


def next_due(schedules: Iterable[Schedule], today: date,
             exam: date | None = None) -> tuple[date, int] | None:
    """The first day after ``today`` with something due, and how many are due then."""
    later = [effective_due(s, today, exam) for s in schedules]
    later = [d for d in later if d > today]
    if not later:
        return None
    first = min(later)
    return first, later.count(first)


# ------------------------------------------------------------------------------ exam plan

@dataclass(frozen=True)
class DayLoad:
    day: date
    reviews: int
    new: int

    @property
    def total(self) -> int:
        return self.reviews + self.new


def plan_horizon(today: date) -> date:
    """The furthest exam date a plan is made for: :data:`PLAN_HORIZON_YEARS` from today
    (29 February moves to the 28th)."""
    year = today.year + PLAN_HORIZON_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def plan_workload(schedules: Iterable[Schedule], new: Sequence, today: date, exam: date,
                  new_per_day: int = NEW_PER_DAY) -> tuple[list[DayLoad], int]:
    """Day-by-day workload from ``today`` to the exam day, and how many stay unseen.

    ``new``: the bank items never seen, in the order they are started (:func:`new_items`).
    A projection, not a promise: it assumes every review is answered right (Good) and that
    ``new_per_day`` new items are started each day before the exam day. Each day's reviews
    are rescheduled with the exam cap, exactly as real reviews would be; new items are
    started under their own ids, since an item's run-up day depends on its id.

    The work is one review per projected review, not one look at every item every day:
    each item waits in the bucket of its next due day (with the cap active until the exam,
    an item's effective due date does not depend on the day it is read). Intervals grow
    geometrically, so an item is reviewed a few times whatever the horizon; the days
    themselves cost a dictionary look-up each. Raises ValueError for an exam beyond
    :func:`plan_horizon`.
    """
    if exam > plan_horizon(today):
        raise ValueError(f"{exam} is beyond the planning horizon ({plan_horizon(today)})")
    waiting_on: dict[date, list[Schedule]] = {}

    def wait(schedule: Schedule, earliest: date) -> None:
        day = max(effective_due(schedule, today, exam), earliest)
        if day <= exam:  # due after the exam: outside the plan
            waiting_on.setdefault(day, []).append(schedule)

    for s in schedules:
        wait(s, today)
    waiting = list(new)
    loads = []
    day = today
    while day <= exam:
        due = waiting_on.pop(day, [])
        started = waiting[:new_per_day] if day < exam else []
        del waiting[:len(started)]
        noon = local_noon(day)
        after = day + timedelta(days=1)
        for s in due:
            wait(review(s, s.item_id, s.kind, s.topic, GOOD, noon).schedule, after)
        for item in started:
            wait(review(None, item.id, item_kind(item), item.topic, GOOD,
                        noon).schedule, after)
        loads.append(DayLoad(day, len(due), len(started)))
        day = after
    return loads, len(waiting)


def local_noon(day: date) -> datetime:
    """Noon of the local calendar day ``day``, as a UTC instant."""
    return datetime(day.year, day.month, day.day, 12).astimezone().astimezone(timezone.utc)


def pace_needed(new_count: int, today: date, exam: date) -> int:
    """New items a day needed to have seen every item before the exam day."""
    days = (exam - today).days
    if new_count == 0:
        return 0
    return math.ceil(new_count / days) if days > 0 else new_count

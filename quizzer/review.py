"""``quizzer review``: what is due today, most overdue first, then a few new items.

Questions are asked exactly as in practice (the same screen, grading, feedback and worked
example: :func:`quizzer.practice.ask`), and the answer becomes a rating: wrong Again, right
Good, right but slower than the question's threshold Hard. Flashcards show their front; Enter
reveals the back and the learner rates their own recall 1-4. Every rating is saved with the
item's new schedule the moment it is given.

Choosing what to show is pure (:func:`build_queue`, given the schedules and ``now``); the
loop (:func:`run`) reads the time from :func:`quizzer.scheduling.wall_clock` as it goes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Sequence

from quizzer import practice as p
from quizzer import scheduling as sch
from quizzer import terminal as t
from quizzer.bank import Bank, Card, Question, fill_placeholders, placeholders
from quizzer.grading import present
from quizzer.store import Store

RATE_PROMPT = "How well did you recall it?  1 again  2 hard  3 good  4 easy"


@dataclass
class ReviewOptions:
    seed: int
    limit: int | None = None            # at most this many items this session
    new_per_day: int = sch.NEW_PER_DAY
    echo_input: bool = False

    def practice_options(self) -> p.PracticeOptions:
        return p.PracticeOptions(seed=self.seed, echo_input=self.echo_input)


@dataclass(frozen=True)
class Queue:
    """What one review session shows: ``due`` (most overdue first), then ``new``."""

    due: tuple
    new: tuple
    due_total: int        # due now in the chosen topics, before --limit
    new_allowed: int      # new items still allowed today, before --limit
    new_total: int        # never-seen items in the chosen topics

    @property
    def items(self) -> tuple:
        return self.due + self.new


def build_queue(bank: Bank, schedules: dict, now: datetime, *, exam: date | None = None,
                topics: Sequence[str] = (), limit: int | None = None,
                new_per_day: int = sch.NEW_PER_DAY) -> Queue:
    """Due items (most overdue first), then new ones up to what today's new limit allows."""
    today = sch.local_day(now)
    records = {i.id: i for i in (*bank.questions, *bank.cards)
               if not topics or i.topic in topics}
    due = [records[s.item_id] for s in sch.due_now(schedules.values(), today, exam)
           if s.item_id in records]
    fresh = sch.new_items([i for i in bank_order(bank) if i.id in records], schedules)
    allowed = max(0, new_per_day - sch.new_seen_on(schedules.values(), today))
    room = len(due) + allowed if limit is None else limit
    shown_due = due[:room]
    shown_new = fresh[:min(allowed, room - len(shown_due))]
    return Queue(tuple(shown_due), tuple(shown_new), len(due), allowed, len(fresh))


def bank_order(bank: Bank) -> list:
    """Topics in bank order, each its cards then its questions: what new_items orders."""
    return [i for topic in bank.topics for i in (*topic.cards, *topic.questions)]


# ---------------------------------------------------------------------------------- text

def day_text(day: date, today: date) -> str:
    """'today', 'tomorrow (Thu 16 May)', 'in 5 days (Mon 20 May)': a local calendar day."""
    label = f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")
    delta = (day - today).days
    if delta == 0:
        return f"today ({label})"
    if delta == 1:
        return f"tomorrow ({label})"
    if delta > 1:
        return f"in {delta} days ({label})"
    return f"{-delta} day{'s' if delta < -1 else ''} ago ({label})"


def render_start(queue: Queue, exam: date | None, today: date) -> str:
    due = t.plural(queue.due_total, "item") + " due"
    new = t.plural(len(queue.new), "new item")
    text = (f"{due} and {len(queue.new)} new" if queue.due_total and queue.new
            else due if queue.due_total else new)
    lines = [t.heading(f"To review: {text}.")]
    if len(queue.due) < queue.due_total:
        lines.append(f"This session takes the {len(queue.due)} most overdue (--limit).")
    if sch.exam_cap_active(exam, today):
        lines.append(t.dim(f"Exam {day_text(exam, today)}: reviews that would fall on or "
                           f"after it come in the {sch.RUN_UP_DAYS} days before it."))
    return "\n".join(lines)


def render_next(schedules: dict, today: date, exam: date | None,
                topics: Sequence[str] = ()) -> str:
    """What is still due today and what comes next, and when."""
    chosen = [s for s in schedules.values() if not topics or s.topic in topics]
    lines = []
    still = len(sch.due_now(chosen, today, exam))
    if still:
        lines.append(f"  Still due today: {still} (run quizzer review again).")
    following = sch.next_due(chosen, today, exam)
    if following:
        day, count = following
        week = sum(sch.forecast(chosen, today, 8, exam)[1:])
        lines.append(f"  Next due: {t.plural(count, 'item')} {day_text(day, today)}; "
                     f"{week} in the next 7 days.")
    elif not still:
        lines.append("  Nothing is scheduled yet.")
    return "\n".join(lines)


@dataclass
class Tally:
    questions: int = 0
    right: int = 0
    cards: dict = field(default_factory=dict)  # rating -> count
    skipped: int = 0

    def render(self) -> str:
        parts = []
        if self.questions:
            parts.append(f"{t.plural(self.questions, 'question')} "
                         f"({self.right} right)")
        if self.cards:
            ratings = ", ".join(f"{n} {sch.RATING_NAMES[r]}"
                                for r, n in sorted(self.cards.items()))
            parts.append(f"{t.plural(sum(self.cards.values()), 'card')} ({ratings})")
        done = self.questions + sum(self.cards.values())
        text = f"  Reviewed {done}: " + ", ".join(parts) if parts else "  Nothing reviewed"
        return text + (f"; {self.skipped} skipped" if self.skipped else "") + "."


# ---------------------------------------------------------------------------------- loop

def run(bank: Bank, store: Store, options: ReviewOptions, topics: Sequence[str] = (),
        examples=None) -> int:
    """One review session; returns the exit code (0 normal end, quit or EOF; 130 Ctrl-C)."""
    now = sch.wall_clock()
    today = sch.local_day(now)
    exam = store.exam_date()
    queue = build_queue(bank, store.schedules(), now, exam=exam, topics=topics,
                        limit=options.limit, new_per_day=options.new_per_day)
    if not queue.items:
        t.echo(_nothing_due(queue, options))
        t.echo(render_next(store.schedules(), today, exam, topics))
        return 0
    t.echo(render_start(queue, exam, today))
    session_id = store.start_session("review", options.seed, sorted({i.topic for i in
                                                                      queue.items}), now)
    rng = random.Random(options.seed)
    tally = Tally()
    started = p.clock()
    code = 0
    try:
        total = len(queue.items)
        for index, item in enumerate(queue.items, 1):
            if isinstance(item, Question):
                rated = _review_question(item, index, total, store, session_id, options,
                                         rng, examples, tally)
            else:
                rated = _review_card(item, index, total, store, options, tally, examples)
            if rated:
                t.echo(("\n" if isinstance(item, Question) else "")
                       + _next_review_text(store.schedule(item.id), exam))
    except (p.QuitSession, EOFError):
        pass
    except KeyboardInterrupt:
        t.echo("")
        code = 130
    finally:
        store.end_session(session_id, sch.wall_clock())
    now = sch.wall_clock()
    t.echo("\n" + t.heading("Review summary"))
    t.echo(tally.render())
    t.echo(f"  Time: {t.duration(p.clock() - started)}")
    t.echo(render_next(store.schedules(), sch.local_day(now), exam, topics))
    return code


def _nothing_due(queue: Queue, options: ReviewOptions) -> str:
    if queue.new_total and not queue.new_allowed:
        return (f"Nothing is due, and today's new items are done ({options.new_per_day} a "
                f"day; {queue.new_total} still new, quizzer review --new N for more).")
    if queue.new_total and options.limit == 0:
        return "Nothing to review with --limit 0."
    return "Nothing is due."


def _review_question(question: Question, index: int, total: int, store: Store,
                     session_id: int, options: ReviewOptions, rng, examples,
                     tally: Tally) -> bool:
    presented = present(question, rng)
    p.show_question(presented, index, total, examples, lead="\n")
    result = p.ask(presented, store, session_id, options.practice_options(), p.clock(),
                   examples)
    if result.correct is None:
        tally.skipped += 1
        return False
    tally.questions += 1
    tally.right += int(result.correct)
    return True


def _review_card(card: Card, index: int, total: int, store: Store,
                 options: ReviewOptions, tally: Tally, examples) -> bool:
    popts = options.practice_options()
    values = {}
    if examples is not None and placeholders(card.front + card.back):
        # The card quotes its worked example ({{name}}): compute it before showing.
        worked = examples.get(card)
        values = dict(worked.example.values) if worked and worked.example else {}
    t.echo("\n" + t.heading(f"[{index}/{total}] {card.topic}") + t.dim(f"  ({card.id})")
           + "  flashcard")
    t.echo("\n" + t.wrap(fill_placeholders(card.front, values)) + "\n")
    t.echo(t.dim("Press Enter to show the back (s skips, q ends)"))
    shown_at = p.clock()
    while True:
        t.echo("> ", nl=False)
        text = p._read_line(popts).strip().lower()
        if text in ("q", "quit", "exit"):
            raise p.QuitSession
        if text in ("s", "skip"):
            t.echo(t.dim("Skipped."))
            tally.skipped += 1
            return False
        break
    t.echo("\n" + t.wrap(fill_placeholders(card.back, values), indent="  ", first="  ")
           + "\n")
    t.echo(t.dim(RATE_PROMPT))
    while True:
        t.echo("> ", nl=False)
        text = p._read_line(popts).strip().lower()
        if text in ("q", "quit", "exit"):
            raise p.QuitSession  # the back was seen but not rated: nothing is saved
        if text in ("1", "2", "3", "4"):
            break
        t.echo(t.dim("Type 1, 2, 3 or 4 (q ends the session)."))
    rating = int(text)
    seconds = p.clock() - shown_at
    outcome = sch.review(store.schedule(card.id), card.id, "card", card.topic, rating,
                         sch.wall_clock(), seconds)
    store.record_review(outcome)
    tally.cards[rating] = tally.cards.get(rating, 0) + 1
    return True


def _next_review_text(schedule: sch.Schedule, exam: date | None) -> str:
    today = sch.local_day(sch.wall_clock())
    due = sch.effective_due(schedule, today, exam)
    capped = f" (capped: {schedule.interval} days without the exam)" \
        if due < schedule.due else ""
    return t.dim(f"Next review: {day_text(due, today)}{capped}.")

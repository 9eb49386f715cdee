"""``quizzer review``: what is due today, most overdue first, then a few new items.

Questions go through the same steps as in practice (:mod:`quizzer.screens.asking`: read, record,
feedback), and the answer becomes a rating: wrong Again, right Good, right but slower than
the question's threshold Hard. Flashcards show their front; Enter reveals the back and the
learner rates their own recall 1-4. Every rating is saved with the item's new schedule the
moment it is given.

New questions and new flashcards have separate daily limits, so a first practice session
(which starts ten questions) still leaves the day's new flashcards for review.
Choosing what to show is pure (:func:`build_queue`, given the schedules and ``now``); the
loop (:func:`run`) reads the time from its console's clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from quizzer.content.bank import Bank, Card, Question, fill_placeholders, placeholders
from quizzer.engine import scheduling as sch
from quizzer.engine.grading import command, present
from quizzer.engine.session import Result, Score, record_answer
from quizzer.engine.store import Session, Store
from quizzer.render import terminal as t
from quizzer.screens import asking
from quizzer.screens.console import Console, Quit

RATE_PROMPT = "How well did you recall it?  1 again  2 hard  3 good  4 easy"
NEW_CARDS_PER_DAY = sch.NEW_CARDS_PER_DAY
NEW_QUESTIONS_PER_DAY = sch.NEW_QUESTIONS_PER_DAY
CARD_HELP = ("Enter shows the back; then rate how well you recalled it: 1 again (forgot), "
             "2 hard, 3 good, 4 easy. s skips this card, q ends the session.")


@dataclass
class ReviewOptions:
    seed: int
    limit: int | None = None            # at most this many items this session
    new_cards: int = NEW_CARDS_PER_DAY
    new_questions: int = NEW_QUESTIONS_PER_DAY
    plots: asking.PlotOptions = None

    def __post_init__(self):
        if self.plots is None:
            self.plots = asking.PlotOptions()


@dataclass(frozen=True)
class Queue:
    """What one review session shows: ``due`` (most overdue first), then ``new``."""

    due: tuple
    new: tuple
    due_total: int        # due now in the chosen topics, before --limit
    cards_allowed: int    # new flashcards still allowed today, before --limit
    questions_allowed: int
    cards_new: int        # never-seen flashcards in the chosen topics
    questions_new: int

    @property
    def items(self) -> tuple:
        return self.due + self.new


def build_queue(bank: Bank, schedules: dict, now: datetime, *, exam: date | None = None,
                topics: Sequence[str] = (), limit: int | None = None,
                new_cards: int = NEW_CARDS_PER_DAY,
                new_questions: int = NEW_QUESTIONS_PER_DAY) -> Queue:
    """Due items (most overdue first), then new ones up to each kind's daily limit."""
    today = sch.local_day(now)
    # Items by id, decoded only once chosen: a kept bank decodes a record when first used.
    order = [i for i in sch.bank_order(bank) if not topics or i.topic in topics]
    items = {i.id: i for i in order}
    due = [items[s.item_id].record for s in sch.due_now(schedules.values(), today, exam)
           if s.item_id in items]
    fresh = sch.new_items(order, schedules)

    def allowed(kind: str, per_day: int) -> int:
        seen = sch.new_seen_on([s for s in schedules.values() if s.kind == kind], today)
        return max(0, per_day - seen)

    room = {"card": allowed("card", new_cards), "question": allowed("question", new_questions)}
    left = {**room}
    new = []
    for item in fresh:
        if left[item.kind] > 0:
            new.append(item.record)
            left[item.kind] -= 1
    space = len(due) + len(new) if limit is None else limit
    shown_due = due[:space]
    shown_new = new[:max(0, space - len(shown_due))]
    kinds = [sch.item_kind(i) for i in fresh]
    return Queue(tuple(shown_due), tuple(shown_new), len(due), room["card"],
                 room["question"], kinds.count("card"), kinds.count("question"))


# ---------------------------------------------------------------------------------- text

def _new_text(items) -> str:
    kinds = [sch.item_kind(i) for i in items]
    parts = [t.plural(kinds.count("card"), "new flashcard") if "card" in kinds else "",
             t.plural(kinds.count("question"), "new question") if "question" in kinds
             else ""]
    return " and ".join(p for p in parts if p)


def render_start(queue: Queue, exam: date | None, today: date) -> str:
    due = t.plural(queue.due_total, "item") + " due"
    new = _new_text(queue.new)
    text = (f"{due}, then {new}" if queue.due_total and queue.new
            else due if queue.due_total else new)
    lines = [t.heading(f"To review: {text}.")]
    if len(queue.due) < queue.due_total:
        lines.append(f"This session takes the {len(queue.due)} most overdue (--limit).")
    if sch.exam_cap_active(exam, today):
        lines.append(t.dim(f"Exam {t.day_text(exam, today)}: reviews that would fall on or "
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
        lines.append(f"  Next due: {t.plural(count, 'item')} {t.day_text(day, today)}; "
                     f"{week} in the next 7 days.")
    elif not still:
        lines.append("  Nothing is scheduled yet.")
    return "\n".join(lines)


def render_tally(score: Score) -> str:
    """'Reviewed 3: 2 questions (1 right), 1 card (1 easy); 1 skipped.'"""
    parts = []
    if score.answered:
        parts.append(f"{t.plural(len(score.answered), 'question')} ({score.correct} right)")
    if score.ratings:
        ratings = ", ".join(f"{n} {sch.RATING_NAMES[r]}" for r, n in sorted(score.ratings.items()))
        parts.append(f"{t.plural(score.cards_rated, 'card')} ({ratings})")
    done = len(score.answered) + score.cards_rated
    text = f"  Reviewed {done}: " + ", ".join(parts) if parts else "  Nothing reviewed"
    return text + (f"; {score.skipped} skipped" if score.skipped else "") + "."


def nothing_due(queue: Queue, options: ReviewOptions) -> str:
    if options.limit == 0 and (queue.cards_new or queue.questions_new):
        return "Nothing to review with --limit 0."
    done = []
    if queue.cards_new and not queue.cards_allowed:
        done.append(f"new flashcards ({options.new_cards} a day, {queue.cards_new} still new;"
                    " --new-cards N for more)")
    if queue.questions_new and not queue.questions_allowed:
        done.append(f"new questions ({options.new_questions} a day, {queue.questions_new} "
                    "still new; --new-questions N for more)")
    if done:
        return "Nothing is due, and today's " + " and ".join(done) + " are done."
    return "Nothing is due."


# ---------------------------------------------------------------------------------- loop

def run(console: Console, bank: Bank, store: Store, options: ReviewOptions,
        topics: Sequence[str] = (), prefetcher=None) -> int:
    """One review session; returns the exit code (0 normal end, quit or EOF; 130 Ctrl-C)."""
    now = console.now()
    today = sch.local_day(now)
    exam = store.exam_date()
    queue = build_queue(bank, store.schedules(), now, exam=exam, topics=topics,
                        limit=options.limit, new_cards=options.new_cards,
                        new_questions=options.new_questions)
    if not queue.items:
        console.write(t.wrap(nothing_due(queue, options), cols=console.width))
        console.write(render_next(store.schedules(), today, exam, topics))
        return 0
    console.write(render_start(queue, exam, today))
    session = Session("review", now, options.seed,  # written with its first answer
                      tuple(sorted({i.topic for i in queue.items})))
    rng = random.Random(options.seed)
    score = Score(len(queue.items))
    started = console.elapsed()
    code = 0
    try:
        total = len(queue.items)
        for index, item in enumerate(queue.items, 1):
            if isinstance(item, Question):
                _review_question(console, item, index, total, store, session, options,
                                 rng, prefetcher, score, exam)
            else:
                _review_card(console, item, index, total, store, score, prefetcher, exam)
    except (Quit, EOFError):
        pass
    except KeyboardInterrupt:
        console.write("")
        code = 130
    finally:
        store.end_session(session, console.now())
    now = console.now()
    console.write("\n" + t.heading("Review summary"))
    console.write(render_tally(score))
    console.write(f"  Time: {t.duration(console.elapsed() - started)}")
    console.write(render_next(store.schedules(), sch.local_day(now), exam, topics))
    return code


def _review_question(console: Console, question: Question, index: int, total: int,
                     store: Store, session: Session, options: ReviewOptions, rng, prefetcher,
                     score: Score, exam: date | None) -> None:
    presented = present(question, rng)
    values = {}
    if prefetcher is not None and asking.placeholders_in_question(question):
        worked = prefetcher.ran(question)  # its numbers, not yet its plot
        values = dict(worked.example.values) if worked and worked.example else {}
    console.write("\n" + asking.render_question(presented, index, total, values,
                                                cols=console.width))
    if prefetcher is not None:
        prefetcher.prefetch(question)
    shown_at = console.elapsed()
    response = asking.read_response(console, presented)
    seconds = console.elapsed() - shown_at
    if response is None:
        console.write(t.dim(f"Skipped ({question.id})."))
        score.add(Result(question.id, question.topic, None, seconds))
        return
    result = record_answer(store, session, question, response, seconds,
                                  console.now())
    score.add(result)
    feedback = asking.show_feedback(console, presented, response, result.correct, prefetcher,
                                    options.plots, reserve=2)  # the next review's date
    console.write("\n" + _next_review_text(console, store.schedule(question.id), exam))
    asking.wait(console, feedback, options.plots)


def _review_card(console: Console, card: Card, index: int, total: int, store: Store,
                 score: Score, prefetcher, exam: date | None) -> None:
    values = {}
    if prefetcher is not None and placeholders(card.front + card.back):
        # The card quotes its worked example ({{name}}): compute it before showing.
        worked = prefetcher.get(card)
        values = dict(worked.example.values) if worked and worked.example else {}
    cols = console.width
    console.write("\n" + t.heading(f"[{index}/{total}] {card.topic}") + "  flashcard")
    console.write("\n" + t.wrap(fill_placeholders(card.front, values), cols=cols) + "\n")
    console.write(t.dim("Press Enter to show the back (? help, s skips, q ends)"))
    shown_at = console.elapsed()
    while True:
        console.write("> ", nl=False)
        said = command(console.read_line())
        if said == "quit":
            raise Quit
        if said == "skip":
            console.write(t.dim(f"Skipped ({card.id})."))
            score.add(Result(card.id, card.topic, None, console.elapsed() - shown_at))
            return
        if said == "help":
            console.write(t.wrap(CARD_HELP, cols=cols))
            continue
        break
    console.write("\n" + t.wrap_tagged(fill_placeholders(card.back, values), f"({card.id})",
                                       indent="  ", first="  ", cols=cols) + "\n")
    console.write(t.dim(RATE_PROMPT))
    while True:
        console.write("> ", nl=False)
        text = console.read_line().strip().lower()
        said = command(text)
        if said == "quit":
            raise Quit  # the back was seen but not rated: nothing is saved
        if said == "skip":
            console.write(t.dim("Skipped."))
            score.add(Result(card.id, card.topic, None, console.elapsed() - shown_at))
            return
        if text in ("1", "2", "3", "4"):
            break
        console.write(t.dim("Type 1, 2, 3 or 4 (? help, s skips, q ends the session)."))
    rating = int(text)
    seconds = console.elapsed() - shown_at
    outcome = sch.review(store.schedule(card.id), card.id, "card", card.topic, rating,
                         console.now(), seconds)
    store.record_review(outcome)
    score.rate(rating)
    console.write(_next_review_text(console, store.schedule(card.id), exam))


def _next_review_text(console: Console, schedule: sch.Schedule, exam: date | None) -> str:
    today = sch.local_day(console.now())
    due = sch.effective_due(schedule, today, exam)
    capped = f" (capped: {schedule.interval} days without the exam)" \
        if due < schedule.due else ""
    return t.dim(f"Next review: {t.day_text(due, today)}{capped}.")

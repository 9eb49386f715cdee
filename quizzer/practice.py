"""The interactive practice loop and its screens.

The loop reads one line per prompt from stdin (a terminal or a pipe), so it behaves the same
typed or scripted. Each graded answer goes to the store before the feedback is printed. The
worked example for the question on screen is computed in the background while the learner
reads, so the feedback does not wait for numpy or for drawing.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass
from typing import Callable

from quizzer import terminal as t
from quizzer.bank import Bank, Question, fill_placeholders, placeholders
from quizzer.grading import (Command, Invalid, Presented, Response, answer_text, grade,
                             instruction, parse, present)
from quizzer.session import Result, Score
from quizzer.store import Store

HELP = ("Type the letter(s) of your answer in any case, with or without separators (b, ac, "
        "a,c); t or f for true/false; a number for numeric questions (0.91, 91%, 50/55). "
        "s skips this question, q ends the session with your score.")

clock: Callable[[], float] = time.monotonic  # replaced in tests for stable transcripts


class QuitSession(Exception):
    """The learner typed q: end the session with its summary."""


@dataclass
class PracticeOptions:
    seed: int
    echo_input: bool = False  # echo answers read from a pipe so the transcript reads well


def placeholders_in_question(question: Question) -> bool:
    return any(placeholders(text) for text in (question.prompt,
                                               *(c.text for c in question.choices)))


def render_question(presented: Presented, index: int, total: int, values: dict) -> str:
    q = presented.question
    lines = [t.heading(f"[{index}/{total}] {q.topic}") + t.dim(f"  ({q.id})"), "",
             t.wrap(fill_placeholders(q.prompt, values)), ""]
    for letter, choice in presented.shown_choices():
        lines.append(t.wrap(fill_placeholders(choice.text, values), indent="     ",
                            first=f"  {letter}) "))
    if q.choices:
        lines.append("")
    lines.append(t.dim(instruction(presented)))
    return "\n".join(lines)


def render_feedback(presented: Presented, response: Response, correct: bool,
                    values: dict) -> str:
    q = presented.question
    fill = (lambda text: fill_placeholders(text, values))
    if correct:
        lines = [t.good("Correct.") + f" The answer is {answer_text(presented)}."]
    else:
        lines = [t.bad("Not quite.") + f" The answer is {answer_text(presented)}."]
    if q.choices:
        chosen = response.value
        for letter, choice in presented.shown_choices():
            index = q.choices.index(choice)
            if index in chosen or choice.correct:
                mark = ("you chose, correct" if choice.correct else "you chose") \
                    if index in chosen else "correct"
                lines.append(t.wrap(f"{fill(choice.why)}", indent="     ",
                                    first=f"  {letter} ({mark}): "))
    lines += ["", t.wrap(fill(q.explanation), indent="  ", first="  ")]
    return "\n".join(lines)


def render_summary(score: Score, seconds: float, seed: int) -> str:
    answered = len(score.answered)
    lines = ["", t.heading("Session summary"),
             f"  Score: {score.correct}/{answered} ({t.percent(score.correct, answered)})"
             + (f", {score.skipped} skipped" if score.skipped else "")
             + (f", {score.planned - len(score.results)} not reached"
                if len(score.results) < score.planned else "")]
    by_topic = score.by_topic()
    if by_topic:
        rows = [(topic, f"{c}/{n}", t.percent(c, n)) for topic, (c, n) in by_topic.items()]
        lines += ["", t.table(("topic", "score", "accuracy"), rows, indent="  ")]
    lines += ["", f"  Time: {t.duration(seconds)}"]
    if score.missed:
        lines.append(t.wrap(", ".join(score.missed), indent="    ", first="  Missed: "))
        lines.append("  Practise them again with: quizzer practice --wrong")
    lines.append(t.dim(f"  Seed: {seed} (quizzer practice --seed {seed} repeats this order)"))
    return "\n".join(lines)


def _read_line(options: PracticeOptions) -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    if options.echo_input:
        t.echo(line.rstrip("\n"))
    return line


def run(bank: Bank, questions: list[Question], store: Store, options: PracticeOptions,
        examples=None) -> int:
    """Ask ``questions``; return the exit code (0 normal end or quit, 130 Ctrl-C)."""
    topics = sorted({q.topic for q in questions})
    session_id = store.start_session("practice", options.seed, topics)
    score = Score(len(questions))
    rng = random.Random(options.seed)
    started = clock()
    code = 0
    try:
        for index, question in enumerate(questions, 1):
            presented = present(question, rng)
            show_question(presented, index, len(questions), examples,
                          lead="\n" if index > 1 else "")
            shown_at = clock()
            result = ask(presented, store, session_id, options, shown_at, examples)
            score.add(result)
    except (QuitSession, EOFError):
        pass
    except KeyboardInterrupt:
        t.echo("")
        code = 130
    finally:
        store.end_session(session_id)
    t.echo(render_summary(score, clock() - started, options.seed))
    return code


def show_question(presented: Presented, index: int, total: int, examples,
                  lead: str = "") -> None:
    """Print the question and start computing its worked example (shared with review)."""
    question = presented.question
    values = {}
    if examples is not None and placeholders_in_question(question):
        # Its prompt or choices quote the simulation: compute it before showing.
        worked = examples.get(question)
        values = dict(worked.example.values) if worked and worked.example else {}
    t.echo(lead + render_question(presented, index, total, values))
    if examples is not None:
        # After the question is on screen: the worker's numpy import would
        # otherwise compete for the GIL with printing the first question.
        examples.prefetch(question)


def ask(presented: Presented, store: Store, session_id: int, options: PracticeOptions,
        shown_at: float, examples) -> Result:
    """Read answers until one is graded or skipped (q raises QuitSession); save, explain it.

    Shared with ``quizzer review``, which asks its questions exactly the way practice does.
    """
    question = presented.question
    while True:
        t.echo("> ", nl=False)
        parsed = parse(presented, _read_line(options))
        if isinstance(parsed, Invalid):
            t.echo(t.dim(parsed.reason))
            continue
        if isinstance(parsed, Command):
            if parsed.name == "help":
                t.echo(t.wrap(HELP))
                continue
            if parsed.name == "quit":
                raise QuitSession
            t.echo(t.dim("Skipped."))
            return Result(question.id, question.topic, None, clock() - shown_at)
        seconds = clock() - shown_at
        correct = grade(question, parsed)
        # The answer also feeds the spaced-repetition schedule, in the same transaction.
        from quizzer import scheduling  # fsrs loads at the first answer, not at start-up

        at = scheduling.wall_clock()
        outcome = scheduling.after_answer(store.schedule(question.id), question, correct,
                                          seconds, at)
        store.record_attempt(session_id, question.id, question.topic, parsed.to_text(),
                             correct, seconds, now=at, outcome=outcome)
        worked = examples.get(question) if examples is not None else None
        values = dict(worked.example.values) if worked and worked.example else {}
        t.echo(render_feedback(presented, parsed, correct, values))
        if worked is not None:
            t.echo(worked.render())
        return Result(question.id, question.topic, correct, seconds)

"""``quizzer practice``: the practice screen.

Each question goes through the shared steps of :mod:`quizzer.screens.asking`: it is shown (no id,
which could give the answer away), a response is read, the answer is graded and saved with
its new schedule, it counts in the score, and only then is the feedback prepared and shown.
In a terminal the feedback waits for Enter; piped input runs straight through. The worked
example is computed in the background while the learner reads (:mod:`quizzer.screens.prefetch`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from quizzer.content.bank import Bank, Question
from quizzer.content.printable import printable
from quizzer.engine.grading import Presented, present
from quizzer.engine.session import Result, Score, record_answer
from quizzer.engine.store import Session, Store
from quizzer.render import terminal as t
from quizzer.screens import asking
from quizzer.screens.console import Console, Quit


DEFAULT_COUNT = 10  # questions a session asks without --count (the CLI's default)


@dataclass
class PracticeOptions:
    """``topics`` and ``banks``: the --topic slugs and --bank paths the session was started
    with, repeated in the commands the summary suggests so they find the same questions;
    ``count`` and ``wrong``: its --count and --wrong, repeated with its --seed."""

    seed: int
    plots: asking.PlotOptions = field(default_factory=asking.PlotOptions)
    topics: tuple = ()
    banks: tuple = ()
    count: int = DEFAULT_COUNT
    wrong: bool = False


def command(options: PracticeOptions, *args: str) -> list[str]:
    """The words of ``quizzer practice ARGS`` with the session's --topic and --bank options,
    each quoted for a POSIX shell (a path with spaces stays one argument)."""
    import shlex

    words = ["quizzer", "practice", *args]
    words += [w for slug in options.topics for w in ("--topic", slug)]
    words += [w for path in options.banks for w in ("--bank", str(path))]
    return [printable(shlex.quote(w)) for w in words]


def _with_command(before: str, words: list[str], after: str, cols: int | None) -> str:
    """A summary line quoting a command, wrapped without breaking a quoted word."""
    return t.wrap_whole(before + " ".join(words) + after, words, indent="    ", first="  ",
                        cols=cols)


def render_summary(score: Score, seconds: float, seed: int, skipped: list,
                   cols: int | None = None, options: PracticeOptions | None = None) -> str:
    """Score, per-topic table, time, missed ids; skipped questions with their answers; the
    commands that practise them again and repeat the order (with the session's options)."""
    options = options or PracticeOptions(seed)
    answered = len(score.answered)
    lines = ["", t.heading("Session summary"),
             f"  Score: {score.correct}/{answered} ({t.percent(score.correct, answered)})"
             + (f", {score.skipped} skipped" if score.skipped else "")
             + (f", {score.planned - len(score.results)} not reached"
                if len(score.results) < score.planned else "")]
    by_topic = score.by_topic()
    if by_topic:
        rows = [(topic, f"{c}/{n}", t.percent(c, n)) for topic, (c, n) in by_topic.items()]
        lines += ["", t.table(("topic", "score", "accuracy"), rows, indent="  ", cols=cols)]
    lines += ["", f"  Time: {t.duration(seconds)}"]
    if score.missed:
        lines.append(t.wrap(", ".join(score.missed), indent="    ", first="  Missed: ",
                            cols=cols))
    if skipped:
        lines.append("  Skipped (the answers):")
        lines += [asking.render_answer_key(presented, values, cols=cols)
                  for presented, values in skipped]
    again = len(score.missed) + len(skipped)
    if again:
        # --wrong asks 10 by default: more missed than that need --count to all come back.
        count = ("--count", str(again)) if again > DEFAULT_COUNT else ()
        lines.append(_with_command("Practise them again with: ",
                                   command(options, "--wrong", *count), "", cols))
    # The seed repeats the order only together with what chose the questions.
    chosen = (("--count", str(options.count)) if options.count != DEFAULT_COUNT else ()) \
        + (("--wrong",) if options.wrong else ())
    lines.append(t.dim(_with_command(f"Seed: {seed} (",
                                     command(options, *chosen, "--seed", str(seed)),
                                     " repeats this order)", cols)))
    return "\n".join(lines)


def show_question(console: Console, presented: Presented, index: int, total: int, prefetcher,
                  lead: str = "") -> dict:
    """Print the question, start its worked example; the values its text quotes."""
    question = presented.question
    values = {}
    if prefetcher is not None and asking.placeholders_in_question(question):
        # Its prompt or choices quote the simulation: compute it before showing.
        worked = prefetcher.ran(question)  # its numbers, not yet its plot
        values = dict(worked.example.values) if worked and worked.example else {}
    console.write(lead + asking.render_question(presented, index, total, values,
                                                cols=console.width))
    if prefetcher is not None:
        # After the question is on screen: the worker's numpy import would
        # otherwise compete for the GIL with printing the first question.
        prefetcher.prefetch(question)
    return values


def run(console: Console, bank: Bank, questions: list[Question], store: Store,
        options: PracticeOptions, prefetcher=None) -> int:
    """Ask ``questions``; return the exit code (0 normal end, q or end of input; 130 Ctrl-C).

    Every answer is saved the moment it is graded, and counted before its feedback is
    prepared, so an interrupt during the feedback still counts it.
    """
    topics = sorted({q.topic for q in questions})
    session = Session("practice", console.now(), options.seed, tuple(topics))  # kept once answered
    score = Score(len(questions))
    skipped: list = []  # (presented, values) of each skipped question, for the summary
    rng = random.Random(options.seed)
    started = console.elapsed()
    code = 0
    try:
        for index, question in enumerate(questions, 1):
            presented = present(question, rng)
            values = show_question(console, presented, index, len(questions), prefetcher,
                                   lead="\n" if index > 1 else "")
            shown_at = console.elapsed()
            response = asking.read_response(console, presented)
            seconds = console.elapsed() - shown_at
            if response is None:
                console.write(t.dim("Skipped."))
                score.add(Result(question.id, question.topic, None, seconds))
                store.record_skip(session, question.id, question.topic, console.now())
                skipped.append((presented, values))
                # The summary's answer key quotes the example as the feedback would.
                skipped[-1] = (presented, asking.answer_key_values(prefetcher, question,
                                                                   values))
                continue
            score.add(record_answer(store, session, question, response, seconds,
                                           console.now()))
            feedback = asking.show_feedback(console, presented, response,
                                            score.results[-1].correct, prefetcher,
                                            options.plots)
            asking.wait(console, feedback, options.plots)
    except (Quit, EOFError):
        pass
    except KeyboardInterrupt:
        console.write("")
        code = 130
    finally:
        store.end_session(session, console.now())
    console.write(render_summary(score, console.elapsed() - started, options.seed, skipped,
                                 cols=console.width, options=options))
    return code

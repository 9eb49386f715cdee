"""``quizzer exam``: the mock exam's screens (the questions, the review screen, the report).

No grading is shown until the exam is submitted. Each line typed is one step: an answer
(letters, as in practice), or a command: ``f`` flag/unflag, ``n`` next (``s`` too), ``p``
previous, ``g 12`` go to question 12, ``r`` the review screen, ``submit``, ``?`` help, ``q``
leave (the exam stays open for ``--resume``). A command wins over an answer spelled the
same: an answer that is a command's letter is typed with a comma (``f,``).

Every step is committed with the seconds used since the last one, so the exam survives
Ctrl-C, a closed terminal or kill -9 (:mod:`quizzer.engine.exam` has the rules and records). A
process that dies without a word (kill -9, SIGHUP) loses only the seconds since the last
commit, at most :attr:`ExamOptions.tick`: they count as time away, not as time used.

**The deadline.** The clock is checked at every line typed. In a terminal the screen also
waits for input with ``select`` and wakes every :attr:`ExamOptions.tick` seconds to commit
the time used and to submit the exam the moment the time runs out, even if the learner sits
idle (the half-typed line, if any, is discarded). Where that cannot be done (Windows, input
that is not a terminal) a line typed after the deadline is not counted, and the exam is
submitted with a notice saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizzer.content.bank import Bank
from quizzer.engine import exam as ex
from quizzer.render import terminal as t
from quizzer.screens import asking
from quizzer.screens.console import Console, Quit

HELP = ("Answer with the letter(s) as in practice (b, ac); nothing is graded until you "
        "submit, and you can change an answer by typing another. Commands: f flags or "
        "unflags this question, n (or s) goes to the next, p to the previous, g 12 to "
        "question 12, r shows the review screen (answered, unanswered, flagged), submit ends "
        "the exam, q leaves it open for `quizzer exam --resume` (time away does not count). "
        "An answer that is a command's letter is typed with a comma: f, for choice F.")
ANSWER_WIDTH = 11  # the review screen's answer column at most: four pairs, "1b 2a 3c 4d"
HINT = "f flag · n next · p back · g N go to · r review · submit · ? help · q leave"
HINT_ASCII = "f flag, n next, p back, g N go to, r review, submit, ? help, q leave"


@dataclass
class ExamOptions:
    plots: asking.PlotOptions = field(default_factory=asking.PlotOptions)
    tick: float = 15.0   # seconds between commits of the time used while waiting for input


@dataclass(frozen=True)
class ExamRequest:
    """What ``quizzer exam`` was asked for (topics as slugs; seed None: a new one)."""

    count: int = ex.DEFAULT_COUNT
    minutes: int | None = None
    topics: tuple = ()
    seed: int | None = None
    all_kinds: bool = False
    resume: bool = False


class ExamError(Exception):
    """The exam cannot start; the message says why and what to do."""


class TimeUp(Exception):
    """The time ran out while the screen waited; ``late`` if a line came after it."""

    def __init__(self, late: bool):
        self.late = late


def command(text: str) -> tuple | None:
    """An exam command for a typed line, as (name,) or ("go", number), else None.

    ``("go", None)`` is a ``g`` without a number."""
    word = text.strip().lower()
    names = {"f": "flag", "flag": "flag", "n": "next", "next": "next", "s": "next",
             "skip": "next", "p": "prev", "prev": "prev", "previous": "prev", "back": "prev",
             "r": "review", "review": "review", "submit": "submit", "?": "help", "h": "help",
             "help": "help", "q": "leave", "quit": "leave", "exit": "leave"}
    if word in names:
        return (names[word],)
    match = re.fullmatch(r"(?:g|go|goto)\s*(\d*)", word)
    if match:
        return ("go", int(match.group(1)) if match.group(1) else None)
    return None


def given_text(item: ex.ExamItem, question) -> str:
    """The answer an item was given, written as its kind writes the key (``BD``, ``True``,
    ``1b 2a 3c``, ``3142``); the typed text if it no longer parses (the bank changed)."""
    from quizzer.engine.grading import response_text

    response = ex.response_of(item, question)
    if response is None:
        return (item.typed or "").strip().upper()
    return response_text(ex.presented_from(question, item.presentation), response)


def _shortened(text: str, width: int, more: str) -> str:
    """``text`` in at most ``width`` characters: cut after a whole pair or word where one
    ends early enough, and marked with ``more``."""
    if len(text) <= width:
        return text
    cut = text[:width - len(more)]
    if " " in cut and text[len(cut)] != " ":
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip() + more


def _utf8(console: Console) -> bool:
    return "utf" in (getattr(console.output, "encoding", "") or "").lower()


def _can_wait(stream) -> bool:
    """True if ``select`` can wait on ``stream`` (a POSIX terminal: its reads return one line
    at a time, so nothing sits in Python's buffer unseen by select)."""
    try:
        import select  # noqa: F401

        return stream.isatty() and stream.fileno() >= 0
    except (AttributeError, ValueError, OSError, ImportError):
        return False


def _discard_typed(stream) -> None:
    """Throw away a half-typed line when the time runs out, so it does not reach the shell."""
    try:
        import termios

        termios.tcflush(stream.fileno(), termios.TCIFLUSH)
    except (ImportError, AttributeError, ValueError, OSError):
        pass


class ExamScreen:
    """One sitting of an open exam: reads steps, commits each, renders the screens."""

    def __init__(self, console: Console, bank: Bank, store, exam: ex.Exam,
                 options: ExamOptions, prefetcher=None):
        self.console, self.bank, self.store = console, bank, store
        self.exam, self.options, self.prefetcher = exam, options, prefetcher
        self.questions = {q.id: q for q in bank.questions}
        self.on_screen = min(exam.position, len(exam.items) - 1)
        self.mark = console.elapsed()

    # -- time and commits
    def left(self) -> float:
        return self.exam.remaining - (self.console.elapsed() - self.mark)

    def commit(self, **changes) -> None:
        """Save the seconds used since the last commit (and ``changes``), then reload the
        exam from the store, so what is shown is what is saved."""
        now = self.console.elapsed()
        # Time used stops at the limit: a line typed after it does not add its wait.
        used, self.mark = min(now - self.mark, self.exam.remaining), now
        self.store.exam_step(self.exam.id, used, self.on_screen, self.console.now(),
                             **changes)
        self.exam = self.store.exam(self.exam.id)

    def read(self, prompt: str) -> str:
        """A line typed before the deadline; raises TimeUp after it."""
        console = self.console
        console.write(prompt, nl=False)
        waits = _can_wait(console.input)
        while True:
            left = self.left()
            if left <= 0:
                raise TimeUp(late=False)
            if waits:
                import select

                ready, _, _ = select.select([console.input], [], [],
                                            min(left, self.options.tick))
                if not ready:
                    self.commit()  # the time used so far is saved while the learner thinks
                    continue
            line = console.read_line()
            if self.left() <= 0:
                raise TimeUp(late=True)
            return line

    # -- rendering
    def presented(self, position: int):
        item = self.exam.items[position]
        return ex.presented_from(self.questions[item.question_id], item.presentation)

    def values(self, question) -> dict:
        """The worked example's numbers a question quotes ({precision} in its text)."""
        if self.prefetcher is None or not asking.placeholders_in_question(question):
            return {}
        worked = self.prefetcher.ran(question)  # its numbers, not yet its plot
        return dict(worked.example.values) if worked and worked.example else {}

    def prefetch(self) -> None:
        """Start, in the background, the worked examples whose numbers later questions
        quote, once the first question is on screen (so moving to them does not wait)."""
        if self.prefetcher is None:
            return
        for item in self.exam.items:
            question = self.questions[item.question_id]
            if asking.placeholders_in_question(question):
                self.prefetcher.prefetch(question)

    def header(self) -> str:
        exam = self.exam
        flagged = len(exam.flagged)
        return t.heading(f"{ex.EXAM_NAME} mock exam · {ex.clock_text(self.left())} left · "
                         f"{exam.answered_count}/{len(exam.items)} answered · "
                         f"{flagged} flagged")

    def show_question(self) -> None:
        console, cols = self.console, self.console.width
        item = self.exam.items[self.on_screen]
        presented = self.presented(self.on_screen)
        question = presented.question
        console.write("\n" + self.header())
        console.write(asking.render_question(presented, self.on_screen + 1,
                                             len(self.exam.items), self.values(question),
                                             cols=cols))
        status = []
        if item.answered:
            status.append(f"Your answer: {given_text(item, question)}")
        if item.flagged:
            status.append("Flagged")
        if status:
            console.write(" · ".join(status))
        console.write(t.dim(t.wrap(HINT if _utf8(console) else HINT_ASCII, cols=cols)))

    def review_grid(self) -> str:
        """Every question's number, answer (-- if none) and F if flagged, in columns.

        Answers are written as their kind writes the key (``1b 2a 3c 4d``); the answer column
        is as wide as the longest, up to ANSWER_WIDTH, where a longer one is cut with a mark.
        The flag has its own column, after a space, so it never reads as part of an answer."""
        exam, cols = self.exam, self.console.width
        more = "…" if _utf8(self.console) else "~"
        answers = [_shortened(given_text(item, self.questions[item.question_id]),
                              ANSWER_WIDTH, more) if item.answered else "--"
                   for item in exam.items]
        width = max(4, *map(len, answers))
        cells = [f"{item.position + 1:>3} {answer:<{width}} {'F' if item.flagged else ' '}"
                 for item, answer in zip(exam.items, answers)]
        per_row = max(1, (cols - 2 + 3) // (len(cells[0]) + 3))
        rows = ["  " + "   ".join(cells[i:i + per_row]).rstrip()
                for i in range(0, len(cells), per_row)]
        lines = [t.heading(f"Review · {exam.answered_count} answered · "
                           f"{len(exam.unanswered)} unanswered · {len(exam.flagged)} flagged · "
                           f"{ex.clock_text(self.left())} left"), *rows]
        if exam.unanswered:
            lines.append(t.wrap("Unanswered: " + _numbers(exam.unanswered), indent="    ",
                                first="  ", cols=cols))
        if exam.flagged:
            lines.append(t.wrap("Flagged: " + _numbers(exam.flagged), indent="    ",
                                first="  ", cols=cols))
        return "\n".join(lines)

    # -- the loop
    def run(self) -> int:
        """Sit the exam until it is submitted (0), left with q or end of input (0), or
        interrupted with Ctrl-C (130)."""
        console = self.console
        try:
            self.show_question()
            self.prefetch()
            while True:
                line = self.read("> ")
                said = command(line)
                if said is None:
                    self.answer(line)
                    continue
                name = said[0]
                if name == "help":
                    console.write(t.wrap(HELP, cols=console.width))
                    console.write("")
                elif name == "flag":
                    flag = not self.exam.items[self.on_screen].flagged
                    self.commit(flagged=flag)
                    console.write(f"Question {self.on_screen + 1} "
                                  f"{'flagged' if flag else 'unflagged'} "
                                  f"({len(self.exam.flagged)} flagged).")
                elif name == "next":
                    self.move(self.on_screen + 1)
                elif name == "prev":
                    if self.on_screen == 0:
                        console.write("This is the first question.")
                    else:
                        self.move(self.on_screen - 1)
                elif name == "go":
                    self.go(said[1])
                elif name == "review":
                    if self.review_screen():
                        return self.submit(timed_out=False)
                elif name == "submit":
                    if self.confirm_submit():
                        return self.submit(timed_out=False)
                    self.show_question()
                elif name == "leave":
                    raise Quit
        except TimeUp as up:
            _discard_typed(console.input)
            console.write("")
            return self.submit(timed_out=True, late=up.late)
        except (Quit, EOFError):
            return self.leave(0)
        except KeyboardInterrupt:
            console.write("")
            return self.leave(130)

    def answer(self, line: str) -> None:
        from quizzer.engine.grading import Invalid, parse, response_text

        console = self.console
        if not line.strip():
            console.write(t.dim("Type an answer or a command (? for help)."))
            return
        presented = self.presented(self.on_screen)
        parsed = parse(presented, line)
        if isinstance(parsed, Invalid):
            console.write(t.dim(t.wrap(parsed.reason, cols=console.width)))
            return
        if not hasattr(parsed, "value"):  # a command parse knows that ours does not
            console.write(t.dim("Type an answer or a command (? for help)."))
            return
        typed = line.strip()
        last = self.on_screen == len(self.exam.items) - 1
        self.commit(answer=(typed, parsed.to_text()),
                    position=self.on_screen if last else self.on_screen + 1)
        console.write(f"Saved: {response_text(presented, parsed)} for question "
                      f"{self.on_screen + 1}.")
        self.move(self.on_screen + 1, committed=True)

    def move(self, position: int, committed: bool = False) -> None:
        """Show question ``position`` (0-based); past the last one, the review screen."""
        if position >= len(self.exam.items):
            if not committed:
                self.commit()
            if self.review_screen():
                raise _Submitted
            return
        if not committed:
            self.commit(position=position)
        self.on_screen = position
        self.show_question()

    def go(self, number: int | None) -> None:
        total = len(self.exam.items)
        if number is None or not 1 <= number <= total:
            self.console.write(f"Type g and a question number from 1 to {total}, e.g. g 2.")
            return
        self.move(number - 1)

    def review_screen(self) -> bool:
        """The review screen; True if the learner submitted from it."""
        console = self.console
        while True:
            console.write("\n" + self.review_grid())
            console.write(t.dim(t.wrap("Type a question number to go to it, submit to end "
                                       "the exam, or Enter to go back to question "
                                       f"{self.on_screen + 1}.", cols=console.width)))
            while True:
                line = self.read("review> ").strip().lower()
                said = command(line)
                if line.isdigit() or (said and said[0] == "go"):
                    number = int(line) if line.isdigit() else said[1]
                    if number is None or not 1 <= number <= len(self.exam.items):
                        console.write(f"Type a number from 1 to {len(self.exam.items)}.")
                        continue
                    self.move(number - 1)
                    return False
                if line in ("", "r", "back", "b") or (said and said[0] in ("prev", "next")):
                    self.move(self.on_screen)
                    return False
                if said and said[0] == "submit":
                    if self.confirm_submit():
                        return True
                    break  # show the review screen again
                if said and said[0] == "leave":
                    raise Quit
                if said and said[0] == "help":
                    console.write(t.wrap("A number goes to that question; submit ends the "
                                         "exam; Enter goes back; q leaves the exam open.",
                                         cols=console.width))
                    continue
                console.write("Type a question number, submit, or Enter to go back.")

    def confirm_submit(self) -> bool:
        console, exam = self.console, self.exam
        console.write("")
        if exam.unanswered:
            count = "it counts" if len(exam.unanswered) == 1 else "they count"
            console.write(t.wrap(f"{t.plural(len(exam.unanswered), 'question')} unanswered: "
                                 f"{_numbers(exam.unanswered)} ({count} as wrong).",
                                 cols=console.width))
        if exam.flagged:
            console.write(t.wrap(f"{t.plural(len(exam.flagged), 'question')} flagged: "
                                 f"{_numbers(exam.flagged)}.", cols=console.width))
        if not exam.unanswered and not exam.flagged:
            console.write("Every question is answered and none is flagged.")
        line = self.read(f"Submit the exam with {ex.clock_text(self.left())} left? "
                         "Type yes to submit, Enter to go back: ")
        return line.strip().lower() in ("y", "yes")

    def submit(self, timed_out: bool, late: bool = False) -> int:
        console = self.console
        self.commit()
        if timed_out:
            console.write(t.bad("Time is up: the exam was submitted automatically."))
            if late:
                console.write("The line you typed after the time ran out was not counted.")
        exam = ex.submit(self.store, self.bank, self.exam, console.now(), timed_out)
        console.write("")
        console.write(render_report(ex.report(exam, self.bank), cols=console.width))
        self.exam = exam
        return 0

    def leave(self, code: int) -> int:
        try:
            self.commit()
        except Exception:  # noqa: BLE001 - the last seconds only; every step is saved
            pass
        exam = self.exam
        self.console.write(t.wrap(
            f"Exam paused with {ex.clock_text(exam.remaining)} left "
            f"({exam.answered_count} of {len(exam.items)} answered). Everything is saved: "
            "`quizzer exam --resume` continues it, and the time away does not count.",
            cols=self.console.width))
        return code


class _Submitted(Exception):
    """Submitted from the review screen reached by moving past the last question."""


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def start_text(exam: ex.Exam, asked: int, cols: int | None = None) -> str:
    """What a new exam says before its first question."""
    n = len(exam.items)
    lines = [t.heading(f"{ex.EXAM_NAME} mock exam #{exam.id}: {t.plural(n, 'question')} in "
                       f"{t.duration(exam.limit_seconds)}") + f" (seed {exam.seed})"]
    if n < asked:
        lines.append(t.wrap(f"Only {t.plural(n, 'question')} "
                            f"{'matches' if n == 1 else 'match'} the topics and kinds asked "
                            "for, so the exam is shorter and its time scaled to it.",
                            cols=cols))
    lines.append(t.wrap("Nothing is graded until you submit. Every answer and flag is saved "
                        "as you go; q (or closing the terminal) pauses the exam, and "
                        "`quizzer exam --resume` continues it. ? shows the commands.",
                        cols=cols))
    return "\n".join(lines)


def choose_open(console: Console, exam: ex.Exam) -> str:
    """An exam is open and a new one was asked for: 'resume', 'abandon' or 'quit'."""
    console.write(t.wrap(f"Exam #{exam.id} is still open: {exam.answered_count} of "
                         f"{len(exam.items)} answered, {ex.clock_text(exam.remaining)} left.",
                         cols=console.width))
    while True:
        try:
            key = console.read_key("r: resume it · a: abandon it and start a new one · q: quit "
                                   if _utf8(console) else
                                   "r: resume it, a: abandon it and start a new one, q: quit ")
        except (EOFError, KeyboardInterrupt):  # nothing chosen: nothing changes
            console.write("")
            key = "q"
        if console.is_terminal:
            console.write(key if key.isprintable() else "")
        choice = {"r": "resume", "a": "abandon", "q": "quit"}.get(key.strip().lower()[:1])
        if choice:
            return choice
        console.write("Press r, a or q.")


def resume(console: Console, store, exam: ex.Exam) -> ex.Exam:
    """Back to an open exam: the time since its last step is away time, shown, not used."""
    away = max(0.0, (console.now() - exam.last_active_at).total_seconds())
    store.resume_exam(exam.id, away, console.now())
    exam = store.exam(exam.id)
    console.write(t.wrap(f"Resuming exam #{exam.id}: {exam.answered_count} of "
                         f"{len(exam.items)} answered, {len(exam.flagged)} flagged, "
                         f"{ex.clock_text(exam.remaining)} left. You were away "
                         f"{t.duration(away)} (not counted).", cols=console.width))
    return exam


def sit(console: Console, bank: Bank, store, exam: ex.Exam, options: ExamOptions,
        prefetcher=None) -> int:
    """Run the exam screen on an open exam; the exit code. An exam whose time is already
    used up is submitted at once."""
    screen = ExamScreen(console, bank, store, exam, options, prefetcher)
    if screen.left() <= 0:
        return screen.submit(timed_out=True)
    try:
        return screen.run()
    except _Submitted:
        return screen.submit(timed_out=False)


def start_or_resume(console: Console, bank: Bank, store, request: ExamRequest, prefetcher,
                    options: ExamOptions) -> int:
    """``quizzer exam``: resume the open exam or start a new one (asking which, if one is
    open and --resume was not given), then sit it; the exit code. Raises ExamError."""
    for unfed in store.unfed_exams():  # a run that ended between submitting and feeding
        ex.feed_scheduler(store, bank, store.exam(unfed))
    current = store.open_exam()
    if request.resume and current is None:
        raise ExamError("no exam is open: start one with quizzer exam")
    if current is not None and not request.resume:
        choice = choose_open(console, current)
        if choice == "quit":
            console.write(f"Exam #{current.id} stays open: quizzer exam --resume continues it.")
            return 0
        if choice == "abandon":
            store.abandon_exam(current.id, console.now())
            console.write(f"Exam #{current.id} abandoned (its answers are not scored).")
            current = None
    if current is not None:
        missing = sorted({i.question_id for i in current.items}
                         - {q.id for q in bank.questions})
        if missing:
            raise ExamError(f"exam #{current.id} has questions that are not in the bank now "
                            f"({', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''}): "
                            "run it with the same --bank as when it started, or start a new "
                            "exam and abandon this one")
        current = resume(console, store, current)
    else:
        current = new_exam(console, bank, store, request)
        console.write(start_text(current, request.count, cols=console.width))
    return sit(console, bank, store, current, options, prefetcher)


def new_exam(console: Console, bank: Bank, store, request: ExamRequest) -> ex.Exam:
    """Draw, shuffle and save a new exam (the clock starts now)."""
    import random

    from quizzer.engine.grading import present

    seed = request.seed
    if seed is None:
        seed = random.SystemRandom().randrange(100_000)
    questions = ex.draw(bank, request.count, seed, request.topics, request.all_kinds,
                        store.last_answered())
    if not questions:
        raise ExamError("no questions match: exam questions are single and multiple "
                        "response (--all-kinds adds the others)")
    rng = random.Random(seed)
    items = [(q.id, q.topic, ex.presentation_json(present(q, rng))) for q in questions]
    limit = ex.time_limit(len(questions), request.minutes)
    return store.exam(store.create_exam(seed, list(request.topics), limit, items,
                                        console.now()))


def review_exam(console: Console, bank: Bank, store, which: str, exam_id: int | None,
                prefetcher, plots: asking.PlotOptions) -> int:
    """``quizzer exam --review``: the latest submitted exam (or ``exam_id``)."""
    done = [e for e in store.exams() if exam_id is None or e.id == exam_id]
    if not done:
        raise ExamError(f"no submitted exam #{exam_id}" if exam_id
                        else "no exam submitted yet: start one with quizzer exam")
    return review(console, bank, done[-1], which, prefetcher, plots)


# -------------------------------------------------------------------------------- report

def render_report(report: ex.Report, cols: int | None = None) -> str:
    """The score report: raw score, the labelled estimate, topics, time, what next. It fits
    an 80x24 terminal for the seven built-in topics."""
    unanswered = report.total - report.answered
    verdict = "PASS" if report.passed else "FAIL"
    time_line = (f"Time used: {t.duration(report.used_seconds)} of "
                 f"{t.duration(report.limit_seconds)}"
                 + (" (time ran out)" if report.timed_out else "")
                 + (f" (away {t.duration(report.away_seconds)}, not counted)"
                    if report.away_seconds >= 1 else "")
                 + f" · Flagged: {report.flagged}")
    lines = [t.heading(f"Score report: {ex.EXAM_NAME} mock exam #{report.exam_id}"),
             f"  Raw score: {report.correct} of {report.total} correct "
             f"({t.percent(report.correct, report.total)})"
             + (f"; {unanswered} unanswered, counted wrong" if unanswered else ""),
             f"  Scaled score ESTIMATE: {report.scaled} of 1000, pass mark "
             f"{ex.PASS_MARK}: {verdict} (estimate)",
             t.dim(t.wrap(f"The estimate is 100 + 900 x share correct ({report.correct}/"
                          f"{report.total}): a straight line, because AWS does not publish "
                          "its scaling. Treat it as a rough guide.", indent="    ",
                          first="    ", cols=cols)),
             t.wrap(time_line, indent="    ", first="  ", cols=cols), ""]
    rows = [(s.topic, s.domain or "-", f"{s.correct}/{s.total}",
             t.percent(s.correct, s.total)) for s in report.topics]
    lines.append(t.table(("topic", f"{ex.EXAM_NAME} domain", "score", "share"), rows,
                         indent="  ", cols=cols))
    weak = report.weak
    lines.append("")
    if weak:
        lines.append(t.wrap("Where to work next (weakest first; quizzer explain TOPIC shows "
                            "the concept):", indent="    ", first="  ", cols=cols))
        for s in weak:
            lines.append(f"    {s.correct}/{s.total} {s.topic}: "
                         f"quizzer practice --topic {s.topic}")
    else:
        lines.append(f"  Every topic at {ex.WEAK_SHARE:.0%} or better: next, a new draw "
                     "(quizzer exam).")
    lines.append(t.wrap("Every answer with its explanation: quizzer exam --review (--wrong, "
                        "--flagged)", indent="    ", first="  ", cols=cols))
    return "\n".join(lines)


def render_history(exams: list, cols: int | None = None) -> str:
    """Past exams for ``quizzer stats``: date, score, estimate, verdict, time; the trend."""
    if not exams:
        return ""
    rows = []
    for e in exams:
        rows.append((f"#{e.id}", e.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                     f"{e.correct}/{e.total}", t.percent(e.correct, e.total), e.scaled,
                     "pass" if ex.passed(e.scaled) else "fail", t.duration(e.used_seconds)))
    return "\n".join([t.heading("Mock exams") + " (scaled score: our estimate, pass mark "
                      f"{ex.PASS_MARK})",
                      t.table(("exam", "submitted", "score", "share", "estimate", "verdict",
                               "time"), rows, indent="  ", cols=cols),
                      f"  Trend: {ex.trend([e.scaled for e in exams])}"])


def history_json(exams: list) -> list:
    return [{"exam": e.id, "started_at": e.started_at.isoformat(),
             "submitted_at": e.submitted_at.isoformat(), "correct": e.correct,
             "total": e.total, "scaled_estimate": e.scaled, "passed_estimate":
             ex.passed(e.scaled), "used_seconds": round(e.used_seconds, 1),
             "limit_seconds": e.limit_seconds, "flagged": len(e.flagged),
             "timed_out": e.timed_out, "topics": list(e.topics)} for e in exams]


# -------------------------------------------------------------------- review after submit

def unanswered_text(presented, values: dict, cols: int | None = None) -> str:
    """A question left unanswered, after submission: the key, the why of every option where
    the kind has options that are right or wrong (the reasons it gives its cards), and the
    explanation."""
    from quizzer.content.bank import fill_placeholders
    from quizzer.engine.grading import answer_text, card_faces

    q = presented.question
    lines = [t.wrap_tagged(f"The answer is {answer_text(presented)}.", f"({q.id})", cols=cols)]
    for reason in card_faces(presented).reasons:
        mark = " (correct)" if reason.correct else ""
        lines.append(t.wrap(fill_placeholders(reason.why, values), indent="     ",
                            first=f"  {reason.label}{mark}: ", cols=cols))
    if q.explanation:
        lines += ["", t.wrap(fill_placeholders(q.explanation, values), indent="  ",
                             first="  ", cols=cols)]
    return "\n".join(lines)


def review(console: Console, bank: Bank, exam: ex.Exam, which: str, prefetcher,
           plots: asking.PlotOptions) -> int:
    """Walk a submitted exam's questions (``which``: all, wrong — wrong or unanswered —, or
    flagged) with the answer given, the key, the why of every option, the explanation and
    the worked example, as practice shows them."""
    from quizzer.render.example_text import worked_compact

    questions = {q.id: q for q in bank.questions}
    chosen = [i for i in exam.items
              if which == "all" or (which == "wrong" and not i.correct)
              or (which == "flagged" and i.flagged)]
    if not chosen:
        console.write({"wrong": "No wrong or unanswered questions in this exam.",
                       "flagged": "No question was flagged in this exam."}.get(which, ""))
        return 0
    console.write(t.heading(f"Review of exam #{exam.id}: {t.plural(len(chosen), 'question')}"
                            + ("" if which == "all" else f" ({which})")))
    if prefetcher is not None:  # one worker runs them in this order while the learner reads
        for item in chosen:
            if item.question_id in questions:
                prefetcher.prefetch(questions[item.question_id])
    try:
        for n, item in enumerate(chosen, 1):
            question = questions.get(item.question_id)
            if question is None:
                console.write(f"\n{item.question_id}: no longer in the bank.")
                continue
            presented = ex.presented_from(question, item.presentation)
            # Wait for the example before the question only if the question quotes it, or
            # if it is unanswered (its answer key quotes it below); feedback waits otherwise.
            response = ex.response_of(item, question)
            needs_values = asking.placeholders_in_question(question) or response is None
            worked = (prefetcher.get(question) if prefetcher is not None and needs_values
                      else None)
            values = dict(worked.example.values) if worked and worked.example else {}
            console.write("\n" + asking.render_question(presented, item.position + 1,
                                                        len(exam.items), values,
                                                        cols=console.width))
            given = (f"You answered {given_text(item, question)}." if item.answered
                     else "Not answered.")
            console.write(t.heading(given) + (" (flagged)" if item.flagged else ""))
            if response is None:
                console.write(unanswered_text(presented, values, cols=console.width))
                feedback = asking.Feedback(worked, question.topic)
                if worked is not None:
                    console.write(worked_compact(worked, cols=console.width))
            else:
                feedback = asking.show_feedback(console, presented, response,
                                                bool(item.correct), prefetcher, plots)
            if n < len(chosen):
                asking.wait(console, feedback, plots)
    except (Quit, EOFError):
        pass
    except KeyboardInterrupt:
        console.write("")
        return 130
    return 0

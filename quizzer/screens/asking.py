"""Asking one question, in the steps every screen shares: read, record, render.

1. :func:`read_response` reads lines until one is an answer (help and wrong keystrokes are
   handled here; ``s`` returns None, ``q`` raises :class:`~quizzer.screens.console.Quit`).
   It saves nothing, so the exam can read answers, change them and record them at submission.
2. :func:`quizzer.engine.session.record_answer` grades the response and saves it with the
   item's new schedule in one transaction, returning the
   :class:`~quizzer.engine.session.Result` for the score.
3. :func:`render_feedback` is the text: the verdict and the key, the why of every option,
   the explanation; the worked example follows (:mod:`quizzer.render.example_text`), and
   :func:`after_feedback` waits in a terminal for Enter, ``w``, ``o`` or ``q``.

Practice and review call these in that order; a screen adds the result to its score between
steps 2 and 3, so Ctrl-C while the feedback is being prepared still counts the saved answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzer.content import kinds
from quizzer.content.bank import Question, fill_placeholders, placeholders
from quizzer.content.printable import printable
from quizzer.engine.grading import (Command, Invalid, Presented, Response, answer_text, feedback,
                                    help_text, instruction, options, parse, second_look)
from quizzer.render import terminal as t
from quizzer.screens.console import Console, Quit

HELP = ("Type the letter(s) of your answer in any case, with or without separators (b, ac, "
        "a,c); t or f for true/false; a number for numeric questions (0.91, 91%, 50/55). "
        "? shows this help, s skips this question, q ends the session with your score.")

WAIT_PROMPT = "Enter: next · w: whole worked example · o: open the plot · q: quit"
WAIT_PROMPT_ASCII = "Enter: next, w: whole worked example, o: open the plot, q: quit"
WAIT_PROMPT_NO_EXAMPLE = "Enter: next, q: quit"  # an item without a worked example


def placeholders_in_question(question: Question) -> bool:
    return any(placeholders(text) for text in (question.prompt,
                                               *kinds.of(question).shown_texts(question)))


def render_question(presented: Presented, index: int, total: int, values: dict,
                    cols: int | None = None) -> str:
    """The question as asked: its topic but not its id (the id can give the answer away;
    the feedback shows it)."""
    q = presented.question
    lines = [t.heading(f"[{index}/{total}] {q.topic}"), "",
             t.wrap(fill_placeholders(q.prompt, values), cols=cols), ""]
    for group in options(presented):  # choices; items; a matching's prompts, then answers
        for option in group:
            lines.append(t.wrap(fill_placeholders(option.text, values), indent="     ",
                                first=f"  {option.label}) ", cols=cols))
        lines.append("")
    lines.append(t.dim(t.wrap(instruction(presented), cols=cols)))
    return "\n".join(lines)


# ------------------------------------------------------------------------------ 1. read

def read_response(console: Console, presented: Presented) -> Response | None:
    """Read until an answer: the Response, or None for s (skip: the screen says so). q
    raises Quit, end of input EOFError, Ctrl-C KeyboardInterrupt; nothing is saved here."""
    hinted = False
    while True:
        console.write("> ", nl=False)
        typed = console.read_line()
        parsed = parse(presented, typed)
        if isinstance(parsed, Invalid):
            console.write(t.dim(t.wrap(parsed.reason, cols=console.width)))
            continue
        if isinstance(parsed, Command):
            if parsed.name == "help":
                console.write(t.wrap(help_text(presented) or HELP, cols=console.width))
                continue
            if parsed.name == "quit":
                raise Quit
            return None
        look = None if hinted else second_look(presented.question, parsed, typed)
        if look:
            hinted = True  # asked once: the same answer again is graded as typed
            console.write(t.wrap(look, cols=console.width))
            continue
        return parsed


# 2. record: quizzer.engine.session.record_answer (an engine step: the exam records its
# answers at submission, without a screen).

# ---------------------------------------------------------------------------- 3. render

def render_feedback(presented: Presented, response: Response, correct: bool,
                    values: dict, cols: int | None = None) -> str:
    """The verdict, the key and the question's id; what the kind says was right or wrong
    (the why of every option, the right order, the right pairs); then the explanation."""
    q = presented.question
    fill = (lambda text: fill_placeholders(text, values))
    word = "Correct." if correct else "Not quite."
    head = f"{word} The answer is {answer_text(presented)}.  ({q.id})"
    if len(head) > (cols or t.width()):
        head = t.wrap(head, indent="  ", cols=cols)
    # Styled after wrapping, so escape codes do not count as width.
    head = (t.good(word) if correct else t.bad(word)) + head[len(word):]
    lines = [head[:head.rindex(f"({q.id})")] + t.dim(f"({q.id})")]
    lines += [t.wrap(fill(line.text), indent="     ", first=line.lead, cols=cols)
              for line in feedback(presented, response)]
    if q.explanation:
        lines += ["", t.wrap(fill(q.explanation), indent="  ", first="  ", cols=cols)]
    return "\n".join(lines)


def answer_key_values(prefetcher, question: Question, values: dict) -> dict:
    """The worked example's values the answer key of a skipped question quotes: ``values``
    (what its prompt quoted) when they cover the explanation, else the example as the
    answered path computes it (usually ready: it was prefetched while the question was
    read). ``prefetcher`` None (no prefetcher): ``values`` as they are."""
    if prefetcher is None or not set(placeholders(question.explanation)) - values.keys():
        return values
    worked = prefetcher.get(question)
    return dict(worked.example.values) if worked and worked.example else values


def render_answer_key(presented: Presented, values: dict, cols: int | None = None) -> str:
    """A skipped question at the end of a session: its id, answer and explanation.

    An explanation that quotes a value ``values`` lacks (the worked example failed, or was
    interrupted) is left out with a pointer to the feedback, rather than shown with
    "undefined" in place of its numbers."""
    q = presented.question
    lines = [t.wrap(f"{q.id}: the answer is {answer_text(presented)}.", indent="      ",
                    first="  ", cols=cols)]
    if q.explanation:
        if any(values.get(name) is None for name in placeholders(q.explanation)):
            lines.append(t.dim(t.wrap("(Its explanation quotes its worked example, which "
                                      "could not be run.)", indent="    ", cols=cols)))
        else:
            lines.append(t.wrap(fill_placeholders(q.explanation, values), indent="    ",
                                cols=cols))
    return "\n".join(lines)


@dataclass
class Feedback:
    """What the wait after feedback can still show: the worked example, the topic whose
    ``explain`` runs it, and whether its chart is already on screen."""

    worked: object   # quizzer.screens.prefetch.PrefetchedRun or None
    topic: str
    plot_shown: bool = False


def after_feedback(console: Console, feedback: Feedback, show_whole, open_plot) -> None:
    """In a terminal, wait: Enter next, w the whole worked example, o the plot in the
    system viewer, q quit (raises Quit). Piped input does not wait."""
    if not console.is_terminal:
        return
    encoding = (getattr(console.output, "encoding", "") or "").lower()
    prompt = WAIT_PROMPT if "utf" in encoding else WAIT_PROMPT_ASCII
    if feedback.worked is None:
        prompt = WAIT_PROMPT_NO_EXAMPLE
    while True:
        key = console.read_key(t.dim(prompt) + " ").lower()
        console.write("")
        if key in ("", " "):
            return
        if key == "q":
            raise Quit
        if key == "w" and feedback.worked is not None:
            show_whole(feedback)
        elif key == "o" and feedback.worked is not None:
            open_plot(feedback)
        elif key in ("?", "h"):
            console.write(t.wrap("Enter (or space) goes on to the next question; w prints "
                                 "every finding and the table of the worked example; o opens "
                                 "its plot in your image viewer; q ends the session.",
                                 cols=console.width))
        else:
            console.write(t.dim("Press Enter for the next question (w, o, q, ? for help)."))


# ------------------------------------------------------------------ worked example and plot

@dataclass
class PlotOptions:
    """How plots are shown: ``plots`` off draws none; ``style`` is --plot-style (None: the
    QUIZZER_PLOT_STYLE variable, then what the terminal can do, decided at first use)."""

    plots: bool = True
    style: str | None = None
    _chosen: tuple | None = None

    def chosen(self, console: Console) -> tuple[str, str | None]:
        if self._chosen is None:
            from quizzer.render import plot_display

            try:
                self._chosen = plot_display.choose(self.style, _isatty(console.output))
            except ValueError:  # a bad QUIZZER_PLOT_STYLE was reported by the CLI already
                self._chosen = ("text" if _isatty(console.output) else "none", None)
        return self._chosen


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def plot_block(console: Console, worked, plots: PlotOptions, max_rows: int | None,
               indent: str = "  ") -> tuple[str, int, bool] | None:
    """What draws the chart and the rows it takes: an inline image's escape sequence, a
    text preview, or the PNG's path, as (text, rows, is_escape_sequence). None if it would take more than ``max_rows`` rows (the
    wait's ``w`` shows it then) or there is no plot. ``max_rows`` None: no limit."""
    if not plots.plots or worked is None or worked.example is None:
        return None
    style, protocol = plots.chosen(console)
    if style == "inline" and worked.png is not None:
        from quizzer.render import plot_display

        rows = 14 if max_rows is None else min(14, max_rows)
        if rows < 6:
            return None
        try:
            png = worked.png.read_bytes()
            cols = plot_display.fit_columns(png, console.width - len(indent), rows,
                                            plot_display.cell_pixels())
            return (indent + plot_display.image(png, protocol, cols) + "\n",
                    plot_display.rows_for(png, cols, plot_display.cell_pixels()), True)
        except (OSError, ValueError):
            style = "text"  # an unreadable PNG: the preview still shows the shape
    if style == "text":
        from quizzer.render.preview import render

        encoding = getattr(console.output, "encoding", None)
        text = render(worked.example.chart, encoding, width=console.width)
        if max_rows is not None:
            # Panels (blocks between blank lines) while they fit; the rest is behind w.
            kept = []
            for panel in text.split("\n\n"):
                if len("\n\n".join([*kept, panel]).splitlines()) > max_rows:
                    break
                kept.append(panel)
            if not kept:
                return None
            text = "\n\n".join(kept)
        return text, text.count("\n") + 1, False
    if worked.png is not None:
        return t.dim(printable(f"{indent}Plot: {worked.png}")), 1, False  # a path
    if worked.plot_note:  # the cache could not be written
        return t.dim(printable(f"{indent}{worked.plot_note}")), 1, False
    return None


def write_plot(console: Console, block) -> None:
    text, _, raw = block
    if raw:
        console.write_raw(text)
    else:
        console.write(text)


def show_feedback(console: Console, presented: Presented, response: Response,
                  correct: bool, prefetcher, plots: PlotOptions, reserve: int = 0) -> Feedback:
    """Print the feedback, then as much of the worked example as fits on the screen.

    In a terminal the verdict must stay on screen while the learner reads: the findings
    (up to three) and the chart are added only while they fit in the terminal's height
    below the feedback; what does not fit is behind ``w``. Piped output has no screen to
    fit: three findings and the plot's path (or chart, with --plot-style). ``reserve``:
    rows the screen prints after the feedback, before the wait's prompt.
    """
    from quizzer.render.example_text import findings_text, relevant_findings, worked_heading

    question = presented.question
    worked = prefetcher.get(question) if prefetcher is not None else None
    values = dict(worked.example.values) if worked and worked.example else {}
    text = render_feedback(presented, response, correct, values, cols=console.width)
    console.write(text)
    feedback = Feedback(worked, _explain_topic(prefetcher, question))
    if worked is None:
        return feedback
    cols = console.width
    budget = None
    if console.is_terminal:
        # Rows left under the feedback: not the answer line above it, the wait's prompt,
        # the screen's own lines (reserve) or one spare.
        budget = console.rows - (text.count("\n") + 1) - 3 - reserve
    lines = ["", worked_heading(worked, cols=cols)]
    if worked.error:
        lines.append(t.dim(t.wrap(f"(unavailable: {worked.error})", indent="    ",
                                  cols=cols)))
    else:
        asked = fill_placeholders(f"{question.prompt}\n{question.explanation}", values)
        for finding in relevant_findings(list(worked.example.findings), asked):
            block = findings_text([finding], "    ", cols)
            used = sum(line.count("\n") + 1 for line in lines)
            if budget is not None and used + block.count("\n") + 1 > budget and \
                    len(lines) > 2:
                break
            lines.append(block)
    console.write("\n".join(lines))
    used = sum(line.count("\n") + 1 for line in lines)
    block = plot_block(console, worked, plots, None if budget is None else budget - used)
    if block is not None:
        write_plot(console, block)
        feedback.plot_shown = True
    return feedback


def _explain_topic(prefetcher, question: Question) -> str:
    """The topic whose ``explain`` runs this question's worked example: the question's own
    if its simulation module is that topic's, else the topic that owns the module."""
    bank = getattr(prefetcher, "bank", None)
    worked_ref = getattr(prefetcher, "ref_of", None)
    if bank is None or worked_ref is None:
        return question.topic
    ref = worked_ref(question)
    if ref is None:
        return question.topic
    module = ref.simulation.split(".", 1)[0]
    owners = [tp.slug for tp in bank.topics
              if tp.example and tp.example.simulation.split(".", 1)[0] == module]
    return question.topic if question.topic in owners or not owners else owners[0]


def wait(console: Console, feedback: Feedback, plots: PlotOptions) -> None:
    """After the feedback, in a terminal: Enter, w, o or q (see :func:`after_feedback`)."""
    from quizzer.render.example_text import worked_whole

    def whole(fb: Feedback) -> None:
        console.write(worked_whole(fb.worked, fb.topic, cols=console.width))
        block = plot_block(console, fb.worked, plots, None)
        if block is not None:
            write_plot(console, block)

    def open_plot(fb: Feedback) -> None:
        if fb.worked.png is None:
            console.write(t.wrap("No plot was drawn (--no-plots, or it failed above).",
                                 cols=console.width))
            return
        from quizzer.render.plot_display import open_in_viewer

        console.write(t.wrap(open_in_viewer(fb.worked.png), cols=console.width))

    after_feedback(console, feedback, whole, open_plot)

"""The ``quizzer`` command line: parse options, call one engine function, render.

This module imports click and the standard library only. Each command imports what it needs
inside its body, so ``quizzer --help`` and the first practice question never wait for numpy or
matplotlib (tests/test_imports.py guards this).
"""

from __future__ import annotations

import os
import sys

import click

from quizzer import __version__
from quizzer.content.printable import printable  # every path printed goes through it: no escapes


def _bank_dirs(bank: tuple) -> list[str]:
    env = os.environ.get("QUIZZER_BANK", "")
    return [p for p in env.split(os.pathsep) if p] + list(bank)


def _load_bank(bank: tuple):
    """The built-in bank plus the user's; a broken bank is reported, never a traceback."""
    from quizzer.content.bank import BankError, load, write_pending_snapshot
    from quizzer.system.home import cache_dir

    # New bank files are read fast; their snapshot entries are written as the command ends.
    ctx = click.get_current_context()
    ctx.call_on_close(write_pending_snapshot)
    ctx.meta["quizzer.bank"] = bank  # for _bank_failure, should a kept file fail later
    try:
        return load(_bank_dirs(bank), cache_dir=cache_dir(), keep_later=True)
    except BankError as err:
        raise _bank_failure(err, bank, "fix them or run") from None


def _bank_failure(err, bank: tuple, advice: str) -> click.ClickException:
    """Print the bank's problems; the error that ends the command, naming the ``validate``
    command that lists them for this same bank (its --bank paths; QUIZZER_BANK it reads
    itself: a plain `quizzer validate` would say OK)."""
    import shlex

    from quizzer.render.terminal import plural

    for problem in err.problems:
        click.echo(str(problem), err=True)  # str() escapes control characters
    command = " ".join(["quizzer validate", *map(shlex.quote, map(str, bank))])
    return click.ClickException(printable(f"the question bank has "
                                          f"{plural(len(err.problems), 'problem')}; {advice} "
                                          f"`{command}` for the list"))


bank_option = click.option(
    # readable=False: the loader reports what cannot be read, as `path: cannot read: ...`
    "--bank", "bank", multiple=True, type=click.Path(readable=False),
    help="Add your own YAML files or folders to the built-in bank (repeatable; "
         "also QUIZZER_BANK).")


class _Group(click.Group):
    """The command group; a progress-store fault anywhere ends the command with its message.

    quizzer.engine.store raises StoreError for a locked, full, read-only or foreign progress file,
    naming what was not saved; here it becomes ``Error: ...`` and exit 1, never a traceback.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as err:
            store = sys.modules.get("quizzer.engine.store")  # not imported: cannot be its error
            if store is not None and isinstance(err, store.StoreError):
                raise click.ClickException(printable(err)) from None
            bank = sys.modules.get("quizzer.content.bank")
            if bank is not None and isinstance(err, bank.BankError):
                # A kept bank file read again mid-command (its snapshot entry in doubt) that
                # no longer loads cleanly: reported as at loading.
                raise _bank_failure(err, ctx.meta.get("quizzer.bank", ()),
                                    "run the command again, or") from None
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizzer")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Practise the deep-learning modeling topics of the AWS ML exams (MLA-C01, MLS-C01).

    Every answer comes with a worked numeric example from a simulation.

    \b
    Start here:
      quizzer practice            ten questions from every topic
      quizzer explain cm          the concept, the numbers and a plot
      quizzer topics              what there is, and how you are doing
      quizzer review              what is due today (spaced repetition)
      quizzer exam                a timed mock exam, graded at the end
    """
    from quizzer.render.terminal import configure_streams
    from quizzer.screens.console import Clock, Console
    from quizzer.system.home import prepare_matplotlib

    configure_streams()
    prepare_matplotlib()
    if ctx.obj is None:  # tests pass their own Console (with a clock they move) as obj
        try:
            # QUIZZER_NOW=2025-05-14T09:00 starts the wall clock there (a testing aid: a week
            # of reviews in a real terminal). Only that clock moves; it runs on in real time.
            ctx.obj = Console(Clock.from_environment())
        except ValueError as err:
            raise click.UsageError(str(err)) from None


def _console():
    return click.get_current_context().find_root().obj


def export_selection(command):
    """The options every export shares: which topics, and cards, questions or both."""
    command = click.option("--what", type=click.Choice(["cards", "questions", "all"]),
                           default="all", show_default=True,
                           help="Concept cards, questions, or both.")(command)
    return click.option("--topic", "-t", "topic_names", multiple=True, metavar="TOPIC",
                        help="Only this topic (repeatable). Default: all topics.")(command)


plot_style_option = click.option(
    "--plot-style", type=click.Choice(["inline", "text", "none"]), default=None,
    help="How the worked example's plot is shown: inline (an image, in terminals that draw "
         "them: kitty, Ghostty, WezTerm, iTerm2, VS Code, sixel), text (a preview) or none "
         "(its path). Default: what the terminal can do; also QUIZZER_PLOT_STYLE.")


def _leave(code: int, prefetcher) -> None:
    """Exit with ``code``. If a worked example is still being computed or drawn, end the
    process at once instead of letting the interpreter wait for that thread at shutdown
    (a numpy import holds the GIL for long stretches): everything the learner did is
    already committed and the store closed; the output is flushed first. The cache file
    the worker was writing is left under its temporary name, never half-written.

    os._exit skips click's close callbacks, so the bank snapshot entries the load left for
    the command's end are written here first (only after a bank file is new or edited):
    a learner who always leaves with q would otherwise read every bank file again, and
    check every worked example's simulation, at every start."""
    own_process = sys.stdout is sys.__stdout__  # not a test runner's captured streams
    if own_process and prefetcher is not None and prefetcher.busy:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        bank = sys.modules.get("quizzer.content.bank")
        if bank is not None:
            bank.write_pending_snapshot()
        os._exit(code)
    sys.exit(code)


def _plot_options(plots: bool, style: str | None):
    import os

    from quizzer.render.plot_display import ENV, STYLES, PROTOCOLS
    from quizzer.screens.asking import PlotOptions

    value = os.environ.get(ENV, "").strip().lower()
    if style is None and value and value not in STYLES + PROTOCOLS:
        raise click.UsageError(f"{ENV}={value!r} is not one of "
                               f"{', '.join(STYLES + PROTOCOLS)}")
    return PlotOptions(plots=plots, style=style)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))
@click.option("--run-examples", is_flag=True,
              help="Also run every worked example and check its placeholders and answers.")
def validate(paths: tuple, run_examples: bool) -> None:
    """Check the built-in bank plus PATHS (files or folders; also QUIZZER_BANK) and list
    every problem.

    Example: quizzer validate my-bank/
    """
    from quizzer.content.bank import BankError, example_problems, load

    if os.environ.get("QUIZZER_BANK"):
        click.echo(printable(f"Including QUIZZER_BANK={os.environ['QUIZZER_BANK']}"), err=True)
    try:
        bank = load(_bank_dirs(paths))
        if run_examples:
            problems = example_problems(bank)
            if problems:
                raise BankError(problems)
    except BankError as err:
        for problem in err.problems:
            click.echo(str(problem))
        from quizzer.render.terminal import plural

        click.echo(f"{plural(len(err.problems), 'problem')} found.", err=True)
        sys.exit(1)
    from quizzer.render.terminal import plural

    click.echo(f"OK: {plural(len(bank.topics), 'topic')}, "
               f"{plural(len(bank.questions), 'question')}, {plural(len(bank.cards), 'card')}"
               + (", every worked example ran" if run_examples else "") + ".")


def _open_store():
    from quizzer.engine.store import open_store

    return open_store()  # a StoreError becomes "Error: ..." in _Group


def _answers_from_stdin() -> bool:
    """True to echo answers (they come from a pipe); a usage error if stdin is closed."""
    from quizzer.render.terminal import is_tty

    if sys.stdin is None:
        raise click.ClickException("standard input is closed, and this command reads your "
                                   "answers from it: run it in a terminal, or pipe answers "
                                   "in (printf 'b\\nac\\n' | quizzer practice).")
    return not is_tty(sys.stdin)


@cli.command()
@bank_option
def topics(bank: tuple) -> None:
    """List the topics with their question and card counts and your accuracy so far."""
    from quizzer.render import terminal as t

    loaded = _load_bank(bank)
    with _open_store() as store:
        stats = store.topic_stats()
    rows = []
    for topic in loaded.topics:
        s = stats.get(topic.slug)
        rows.append((topic.slug, len(topic.questions), len(topic.cards),
                     s.attempts if s else 0, t.percent(s.correct, s.attempts) if s else "-",
                     topic.title))
    # The slug is what a learner types: the table wraps the title, never it.
    t.echo(t.table(("topic", "questions", "cards", "answered", "accuracy", "title"), rows))
    aliased = [topic for topic in loaded.topics if topic.aliases]
    if aliased:
        t.echo("\nAliases (work wherever a topic does: --topic, explain):")
        for topic in aliased:
            t.echo(t.wrap(f"{topic.slug}: {'; '.join(topic.aliases)}", indent="      ",
                          first="  "))


@cli.command()
@click.option("--topic", "-t", "topic_names", multiple=True, metavar="TOPIC",
              help="Only this topic (slug or alias; repeatable). Default: all topics.")
@click.option("--count", "-n", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many questions.")
@click.option("--seed", type=click.IntRange(0), default=None,
              help="Fix the question and choice order (default: a new order each time).")
@click.option("--wrong", is_flag=True,
              help="Only the questions whose latest answer was wrong (or that you skipped).")
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="Draw each worked example's plot (cached) and show it.")
@plot_style_option
@bank_option
def practice(topic_names: tuple, count: int, seed: int | None, wrong: bool, plots: bool,
             plot_style: str | None, bank: tuple) -> None:
    """Answer questions in the terminal with instant grading and a worked example each.

    Type letters for choices (b, ac, a,c), t/f, a number, an order (3142) or pairs (1c 2a
    3b); ? for help, s to skip, q to quit. Every graded answer is saved at once. In a terminal the feedback waits: Enter
    goes on, w shows the whole worked example, o opens its plot.

    Example: quizzer practice --topic confusion-matrix --count 5
    """
    import random

    from quizzer.engine.session import select_questions
    from quizzer.screens import practice as p

    console = _console()
    plot_options = _plot_options(plots, plot_style)
    loaded = _load_bank(bank)
    slugs = _resolve_topics(loaded, topic_names)
    if seed is None:
        seed = random.SystemRandom().randrange(100_000)
    with _open_store() as store:
        only = store.wrong_last_time() if wrong else None
        questions = select_questions(loaded, topics=slugs, count=count, seed=seed,
                                     only_ids=only)
        if not questions:
            click.echo("Nothing to practise: no question's latest answer was wrong."
                       if wrong else "No questions match.")
            return
        from quizzer.screens.prefetch import Prefetcher

        with Prefetcher(loaded, plots=plots) as prefetcher:
            console.echo_input = _answers_from_stdin()
            options = p.PracticeOptions(seed=seed, plots=plot_options, topics=tuple(slugs),
                                        banks=bank, count=count, wrong=wrong)
            code = p.run(console, loaded, questions, store, options, prefetcher)
    _leave(code, prefetcher)


def _resolve_topics(loaded, names: tuple, param_hint: str = "--topic") -> list[str]:
    """Topic slugs for the given names, or a usage error with a suggestion."""
    slugs = []
    for name in names:
        topic = loaded.resolve_topic(name)
        if topic is None:
            import difflib  # only for a mistyped topic: not on every start

            known = [t.slug for t in loaded.topics]
            close = difflib.get_close_matches(name, known + [a for t in loaded.topics
                                                             for a in t.aliases], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise click.BadParameter(f"unknown topic {name!r}.{hint} Topics: "
                                     f"{', '.join(known)}", param_hint=param_hint)
        slugs.append(topic.slug)
    return slugs


@cli.command()
@click.argument("topic", required=False)
@click.option("--scenario", "-s", metavar="NAME", help="Another scenario of the topic.")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Change a scenario parameter (repeatable), e.g. --set tp=40.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the worked example as JSON (params, values, table, findings, "
                   "figure) and nothing else.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="Save the plot here (PNG) instead of the cache.")
@click.option("--no-plot", is_flag=True, help="Do not draw the plot.")
@click.option("--open", "open_plot", is_flag=True, help="Open the plot in the system viewer.")
@click.option("--preview/--no-preview", default=None,
              help="Print a text preview of the chart (default: on a UTF-8 terminal).")
@bank_option
def explain(topic: str | None, scenario: str | None, assignments: tuple, as_json: bool,
            plot_path: str | None, no_plot: bool, open_plot: bool, preview: bool | None,
            bank: tuple) -> None:
    """Explain TOPIC: the concept, what to remember, and a worked example with its plot.

    TOPIC is a slug or alias (cm, l1, dropout, gpu, ...). Without TOPIC, list the topics
    and their scenarios.

    Example: quizzer explain cm --set fp=20
    """
    from quizzer.render import terminal as t
    from quizzer.screens import explain as ex

    loaded = _load_bank(bank)
    if topic is None:
        t.echo(ex.render_index(loaded))
        return
    if open_plot and no_plot:
        raise click.UsageError("--open needs a plot; drop --no-plot.")
    [slug] = _resolve_topics(loaded, (topic,), param_hint="TOPIC")
    try:
        req = ex.request(loaded.topic(slug), scenario, assignments)
    except ex.ExplainError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(2)
    from quizzer import simulations

    try:
        worked = ex.run(req)
    except simulations.SimulationError as err:  # e.g. over the scenario's work budget
        click.echo(f"Error: {err}\n\nParameters of {req.scenario}:\n"
                   + ex.parameter_help(req.scenario), err=True)
        sys.exit(2)
    if worked is None:  # a topic without a worked example: what it has, no plot
        if as_json or plot_path or open_plot:
            raise click.UsageError(f"{req.topic.slug} has no worked example to print as JSON "
                                   "or plot.")
        t.echo(ex.render(req, None, "", ""))
        return
    example = worked.example
    png, note = (None, "") if no_plot else _plot(example, plot_path)
    if as_json:
        import json

        from quizzer.render.figures import example_json

        click.echo(json.dumps(example_json(example, png), indent=2))
        return
    show_preview = preview if preview is not None else (
        t.is_tty(sys.stdout) and "utf" in (sys.stdout.encoding or "").lower())
    text = ""
    if show_preview:
        from quizzer.render.preview import render

        text = render(example.chart, getattr(sys.stdout, "encoding", None), width=t.width())
    t.echo(ex.render(req, worked, printable(f"Plot: {png}" if png else note), text))
    if open_plot and png:
        from quizzer.render.plot_display import open_in_viewer

        t.echo(t.wrap(printable(open_in_viewer(png))))


@cli.command()
@click.option("--topic", "-t", "topic_names", multiple=True, metavar="TOPIC",
              help="Only this topic (slug or alias; repeatable). Default: all topics.")
@click.option("--limit", "-n", type=click.IntRange(0), default=None, metavar="N",
              help="At most N items this session, the most overdue first.")
@click.option("--new-cards", type=click.IntRange(0, 1000), default=10, show_default=True,
              metavar="N", help="New flashcards to start a day.")
@click.option("--new-questions", type=click.IntRange(0, 1000), default=10,
              show_default=True, metavar="N",
              help="New questions to start a day (practice starts them too).")
@click.option("--new", "new_per_day", type=click.IntRange(0, 1000), default=None,
              metavar="N", help="Set both daily limits at once.")
@click.option("--seed", type=click.IntRange(0), default=None,
              help="Fix the order of the choices (default: a new order each time).")
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="Draw each worked example's plot (cached) and show it.")
@plot_style_option
@bank_option
def review(topic_names: tuple, limit: int | None, new_cards: int, new_questions: int,
           new_per_day: int | None, seed: int | None, plots: bool, plot_style: str | None,
           bank: tuple) -> None:
    """Review what is due today, most overdue first, then a few new items (FSRS).

    Questions are asked as in practice: wrong schedules the item again soon, right (and
    not slow) lets the interval grow. Flashcards: Enter shows the back, then rate your
    recall 1 again, 2 hard, 3 good, 4 easy. s skips, q ends; every rating is saved at once.

    Example: quizzer review --topic cm --limit 20
    """
    import random

    from quizzer.screens import review as rv
    from quizzer.screens.prefetch import Prefetcher

    loaded = _load_bank(bank)
    slugs = _resolve_topics(loaded, topic_names)
    if seed is None:
        seed = random.SystemRandom().randrange(100_000)
    _console().echo_input = _answers_from_stdin()
    if new_per_day is not None:
        new_cards = new_questions = new_per_day
    options = rv.ReviewOptions(seed=seed, limit=limit, new_cards=new_cards,
                               new_questions=new_questions,
                               plots=_plot_options(plots, plot_style))
    with _open_store() as store, Prefetcher(loaded, plots=plots) as prefetcher:
        code = rv.run(_console(), loaded, store, options, slugs, prefetcher)
    _leave(code, prefetcher)


@cli.command()
@click.option("--count", "-n", default=65, show_default=True, type=click.IntRange(1, 500),
              help="How many questions; the time scales with it (2 minutes each).")
@click.option("--minutes", type=click.IntRange(1, 1000), default=None,
              help="The time allowed, overriding the scaled default (130 for 65).")
@click.option("--topic", "-t", "topic_names", multiple=True, metavar="TOPIC",
              help="Only this topic (slug or alias; repeatable). Default: all topics.")
@click.option("--seed", type=click.IntRange(0), default=None,
              help="Fix the draw and the choice order (default: a new draw each time).")
@click.option("--all-kinds", is_flag=True,
              help="Also true/false and numeric questions (the real exam has none).")
@click.option("--resume", is_flag=True,
              help="Continue the open exam with the time it had left.")
@click.option("--review", "review_which", flag_value="all", default=None,
              help="Go through the latest submitted exam: every answer, the key, the why "
                   "of every option, the worked example.")
@click.option("--wrong", "review_which", flag_value="wrong",
              help="Review only the wrong and unanswered questions.")
@click.option("--flagged", "review_which", flag_value="flagged",
              help="Review only the questions you flagged.")
@click.option("--exam", "exam_id", type=click.IntRange(1), default=None, metavar="ID",
              help="With --review/--wrong/--flagged: that exam instead of the latest.")
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="In the review, draw each worked example's plot (cached) and show it.")
@plot_style_option
@bank_option
@click.pass_context
def exam(ctx: click.Context, count: int, minutes: int | None, topic_names: tuple,
         seed: int | None, all_kinds: bool, resume: bool, review_which: str | None,
         exam_id: int | None, plots: bool, plot_style: str | None, bank: tuple) -> None:
    """A timed mock exam in the MLA-C01 format: 65 questions in 130 minutes, no grading
    until you submit, then a score report and a review of every answer.

    Type letters to answer; f flags, n/p move, g 12 jumps, r shows the review screen,
    submit ends it, q pauses it. Every step is saved: --resume continues after Ctrl-C, a
    closed terminal or a crash, with the time that was left.

    Example: quizzer exam --count 20 --topic cm --topic lr
    """
    from quizzer.screens import exam_screen as es
    from quizzer.screens.prefetch import Prefetcher

    source = ctx.get_parameter_source
    draw_options = [f"--{name.replace('_', '-')}" for name in
                    ("count", "minutes", "topic_names", "seed", "all_kinds")
                    if source(name) == click.core.ParameterSource.COMMANDLINE]
    draw_options = [o.replace("--topic-names", "--topic") for o in draw_options]
    if (resume or review_which) and draw_options:
        raise click.UsageError(f"{', '.join(draw_options)} only shape a new exam; "
                               f"drop {'it' if len(draw_options) == 1 else 'them'} with "
                               f"--{'resume' if resume else 'review'}.")
    if resume and review_which:
        raise click.UsageError("--resume and --review do not go together.")
    if exam_id is not None and not review_which:
        raise click.UsageError("--exam ID goes with --review, --wrong or --flagged.")
    console = _console()
    loaded = _load_bank(bank)
    slugs = _resolve_topics(loaded, topic_names)
    request = es.ExamRequest(count, minutes, tuple(slugs), seed, all_kinds, resume)
    console.echo_input = _answers_from_stdin()
    with _open_store() as store:
        with Prefetcher(loaded, plots=plots if review_which else False) as prefetcher:
            try:
                if review_which:
                    code = es.review_exam(console, loaded, store, review_which, exam_id,
                                          prefetcher, _plot_options(plots, plot_style))
                else:
                    code = es.start_or_resume(console, loaded, store, request, prefetcher,
                                              es.ExamOptions(_plot_options(plots,
                                                                           plot_style)))
            except es.ExamError as err:
                raise click.ClickException(str(err)) from None
    sys.exit(code)


@cli.command()
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="Also save a PNG: accuracy over time per topic, the reviews due in the "
                   "next 30 days and, after mock exams, their scores.")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON, nothing else.")
@bank_option
def stats(plot_path: str | None, as_json: bool, bank: tuple) -> None:
    """Your progress per topic: answers, accuracy, mastered / learning / new, what is due.

    Example: quizzer stats --plot progress.png
    """
    from quizzer.render import terminal as t
    from quizzer.screens import stats as st

    loaded = _load_bank(bank)
    from quizzer.screens import exam_screen as es

    with _open_store() as store:
        progress = st.progress(loaded, store.schedules(), store.answer_days(),
                               _console().now(), store.exam_date())
        exams = store.exams()
    png = None
    if plot_path:
        try:
            png = st.save_plot(progress, plot_path, exams)
        except OSError as err:
            raise click.ClickException(printable(f"cannot write the plot {plot_path}: "
                                                 f"{err.strerror or err}")) from None
    if as_json:
        click.echo(st.json_text(progress, exams=es.history_json(exams),
                                plot=str(png) if png else None))
        return
    t.echo(st.render(progress))
    if exams:
        t.echo("\n" + es.render_history(exams))
    if png:
        t.echo(printable(f"Plot: {png}"))


@cli.command()
@click.option("--exam-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="Your exam day (local date).")
@click.option("--clear", is_flag=True, help="Forget the exam date: normal scheduling.")
@click.option("--new", "new_per_day", type=click.IntRange(0, 1000), default=20,
              show_default=True, metavar="N",
              help="New items a day to assume (review starts 10 flashcards and 10 questions).")
@bank_option
def plan(exam_date, clear: bool, new_per_day: int, bank: tuple) -> None:
    """Plan for an exam date: last reviews are spread over the days before it; see the workload.

    Without options, show the plan for the date already set.

    Example: quizzer plan --exam-date YYYY-MM-DD (your exam day: today or within 3 years)
    """
    from quizzer.engine import scheduling
    from quizzer.screens import stats as st

    if exam_date and clear:
        raise click.UsageError("--exam-date and --clear do not go together.")
    now = _console().now()
    today = scheduling.local_day(now)
    with _open_store() as store:
        if clear:
            store.set_setting("exam_date", None)
            click.echo("Exam date cleared: normal scheduling.")
            return
        saved = store.exam_date()
        exam = exam_date.date() if exam_date else saved
        if exam is None:
            click.echo("No exam date set. Set one with: quizzer plan --exam-date YYYY-MM-DD")
            return
        horizon = scheduling.plan_horizon(today)
        if exam_date and exam < today:
            raise click.BadParameter(f"{exam} is in the past (today is {today}).",
                                     param_hint="--exam-date")
        if exam_date and exam > horizon:
            raise click.BadParameter(
                f"{exam} is more than {scheduling.PLAN_HORIZON_YEARS} years away; a plan "
                f"reaches {horizon} at the latest. Nothing was saved.",
                param_hint="--exam-date")
        if exam < today:
            click.echo(f"Your exam date {exam} has passed, so normal scheduling is back. "
                       "Set a new one with --exam-date, or forget it with --clear.")
            return
        if exam > horizon:  # saved by an older quizzer, which had no horizon
            raise click.ClickException(
                f"your saved exam date {exam} is more than {scheduling.PLAN_HORIZON_YEARS} "
                "years away, too far to plan. Set a nearer one with --exam-date, or forget it "
                "with --clear.")
        loaded = _load_bank(bank)
        report = st.exam_plan(loaded, store.schedules(), now, exam, new_per_day)
        if exam != saved:  # saved only once its plan could be made
            store.set_setting("exam_date", exam.isoformat())
    from quizzer.render import terminal as t

    t.echo(st.render_plan(report))


def _plot(example, path: str | None):
    """(the PNG, "") or, when the cache cannot be written, (None, a one-line note): the
    screen is still shown. A --plot PATH that cannot be written is an error."""
    from quizzer.render.figures import cached_png, draw, save_png

    if path:
        try:
            return save_png(draw(example.chart), path), ""
        except OSError as err:
            raise click.ClickException(printable(f"cannot write the plot {path}: "
                                                 f"{err.strerror or err}")) from None
    try:
        return cached_png(example), ""
    except OSError as err:
        from quizzer.system.home import cache_dir

        return None, printable(f"Plot: not drawn, the cache folder {cache_dir()} cannot be "
                               f"written ({err.strerror or err}).")


@cli.group()
def export() -> None:
    """Export the bank: printable flashcards (quizzer export pdf)."""


def _layout(ctx, param, value: str) -> tuple:
    cols, sep, rows = value.lower().partition("x")
    if not (sep and cols.isdigit() and rows.isdigit() and 1 <= int(cols) <= 4
            and 1 <= int(rows) <= 6):
        raise click.BadParameter(f"{value!r} is not COLSxROWS with 1-4 columns and 1-6 rows, "
                                 "e.g. 2x4")
    return int(cols), int(rows)


def _offset(ctx, param, value: str) -> tuple:
    try:
        x, y = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not X,Y in millimetres, e.g. 0.5,-1") from None
    if abs(x) > 20 or abs(y) > 20:
        raise click.BadParameter("an offset of more than 20 mm is not a printer misalignment")
    return x, y


@export.command("pdf")
@click.option("--out", "-o", default="quizzer-flashcards.pdf", show_default=True,
              type=click.Path(dir_okay=False), help="The PDF to write.")
@export_selection
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--layout", default="2x4", show_default=True, callback=_layout,
              metavar="COLSxROWS", help="Cards per page.")
@click.option("--flip", type=click.Choice(["long", "short"]), default="long",
              show_default=True, help="The edge your printer flips on when printing duplex.")
@click.option("--back-offset", default="0,0", show_default=True, callback=_offset,
              metavar="X,Y", help="Shift the backs by X,Y mm (right, up) if your printer "
                                  "misaligns the two sides.")
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="Put each worked example's plot on the card back.")
@click.option("--allow-overflow", is_flag=True,
              help="Write the PDF even if some text does not fit (it is cut at the card edge).")
@click.option("--allow-missing-glyphs", is_flag=True,
              help="Write the PDF even if no installed font has some character (it prints "
                   "as an empty box).")
@bank_option
def export_pdf(out: str, topic_names: tuple, what: str, paper: str, layout: tuple, flip: str,
               back_offset: tuple, plots: bool, allow_overflow: bool,
               allow_missing_glyphs: bool, bank: tuple) -> None:
    """Write printable duplex flashcards: fronts on odd pages, backs behind them.

    Example: quizzer export pdf --topic cm --paper letter --out cm-cards.pdf
    """
    from quizzer.render.export_file import ExportTargetError, check_target

    loaded = _load_bank(bank)
    slugs = _resolve_topics(loaded, topic_names)
    try:
        target = check_target(out)
    except ExportTargetError as err:
        raise click.ClickException(printable(err)) from None
    try:
        _export_pdf(loaded, slugs, target, what, paper, layout, flip, back_offset, plots,
                    allow_overflow, allow_missing_glyphs)
    except KeyboardInterrupt:  # the worker processes stay quiet and are stopped
        click.echo("", err=True)
        raise click.ClickException(printable(f"interrupted; {target} was not written")
                                   ) from None


def _export_pdf(loaded, slugs: list, target, what: str, paper: str, layout: tuple, flip: str,
                back_offset: tuple, plots: bool, allow_overflow: bool,
                allow_missing_glyphs: bool) -> None:
    from quizzer.render import flashcards as fc
    from quizzer.render import terminal as t

    geometry = fc.Geometry(paper, layout[0], layout[1], flip, back_offset)
    cards = fc.print_cards(loaded, what, slugs, plots, workers=os.cpu_count() or 1)
    if not cards:
        raise click.ClickException("no cards match those options")
    chain = fc.font_chain([face for card in cards for face in (card.front, card.back)])
    missing = fc.missing_glyphs(cards, chain)
    for ident, chars in missing:
        shown = " ".join(f"U+{ord(c):04X}" for c in chars)
        click.echo(t.wrap(f"no installed font has {shown}: {ident}", indent="  ", first=""),
                   err=True)
    if missing and not allow_missing_glyphs:
        raise click.ClickException(
            f"{t.plural(len(missing), 'card')} would print empty boxes; nothing was written. "
            "Install a font for those characters (for example the Noto fonts), or use "
            "--allow-missing-glyphs to print the boxes.")
    laid, overflow, unplotted = fc.lay_out(cards, geometry, chain)
    if unplotted:
        click.echo(t.wrap(f"Plot left off to fit the text: {', '.join(unplotted)}",
                          indent="  ", first=""), err=True)
    if overflow:
        for ident in overflow:
            click.echo(f"does not fit: {ident}", err=True)
        if not allow_overflow:
            raise click.ClickException(
                f"{t.plural(len(overflow), 'card')} would be cut even at the smallest text size; "
                "nothing was written. Use fewer cards per page (--layout 2x3), or "
                "--allow-overflow to print them cut.")
    topics = [tp.slug for tp in loaded.topics if not slugs or tp.slug in slugs]
    # Cards done out of all, and no estimate of the time left: plots take most of the time
    # and come unevenly, so an estimate from the pace so far was wrong all along.
    with click.progressbar(length=len(cards), label="Drawing cards", file=sys.stderr,
                           show_eta=False, show_pos=True,
                           hidden=not t.is_tty(sys.stderr) or len(cards) < 24) as bar:
        try:
            sheets = fc.write_pdf(laid, geometry, target, topics, progress=bar.update,
                                  chain=chain)
        except OSError as err:
            raise click.ClickException(printable(f"cannot write {target}: "
                                                 f"{err.strerror or err}")) from None
    t.echo(t.wrap_tagged(f"Wrote {t.plural(len(cards), 'card')} on "
                         f"{t.plural(sheets, 'sheet')} ({2 * sheets} pages) to",
                         f"{printable(target)}.", first="", indent="  ", sep=" ",
                         style=None))
    shift = f", backs shifted {back_offset[0]:g},{back_offset[1]:g} mm" if any(back_offset) \
        else ""
    t.echo(t.wrap(f"Print double-sided on {paper.upper() if paper == 'a4' else 'Letter'} at "
                  f"100% scale (actual size, not 'fit to page'), flipping on the {flip} "
                  f"edge{shift}.", indent="  ", first=""))


@export.command("anki")
@click.option("--out", "-o", default="quizzer.apkg", show_default=True,
              type=click.Path(dir_okay=False), help="The Anki package to write.")
@export_selection
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="Put each worked example's plot on the back.")
@bank_option
def export_anki(out: str, topic_names: tuple, what: str, plots: bool, bank: tuple) -> None:
    """Write the bank as an Anki deck (.apkg): one deck per topic, plots on the backs.

    Importing it again after a new export updates your notes and keeps their reviews.

    Example: quizzer export anki --topic cm --out cm.apkg
    """
    from quizzer.engine.card_content import chosen_items
    from quizzer.render import anki_deck
    from quizzer.render import terminal as t
    from quizzer.render.export_file import ExportTargetError, check_target

    loaded = _load_bank(bank)
    slugs = _resolve_topics(loaded, topic_names)
    try:
        target = check_target(out)
    except ExportTargetError as err:
        raise click.ClickException(printable(err)) from None
    count = len(chosen_items(loaded, what, slugs))
    if not count:
        raise click.ClickException("no cards match those options")
    # Steps done out of all, no time estimate: the first half (each item counted when its
    # plot is drawn) goes at the plots' uneven pace and the second (the notes) in a moment,
    # so an estimate from the pace so far was wrong throughout.
    with click.progressbar(length=2 * count, label="Making notes", file=sys.stderr,
                           show_eta=False, show_pos=True,
                           hidden=not t.is_tty(sys.stderr) or count < 24) as bar:
        try:
            summary = anki_deck.export(loaded, what, slugs, target, plots=plots,
                                       workers=os.cpu_count() or 1, progress=bar.update)
        except OSError as err:
            raise click.ClickException(f"cannot write {target}: {err.strerror or err}") from None
    t.echo(t.wrap_tagged(f"Wrote {t.plural(summary.notes, 'note')} "
                         f"({t.plural(summary.cards, 'card')}, {summary.media} "
                         f"plot{'s' if summary.media != 1 else ''}) in "
                         f"{t.plural(summary.decks, 'deck')} to", f"{printable(target)}.",
                         first="", indent="  ", sep=" ", style=None))
    t.echo(t.wrap("Import it in Anki with File > Import; importing a newer export updates the "
                  "same notes.", indent="  ", first=""))


def main() -> None:
    cli(prog_name="quizzer")

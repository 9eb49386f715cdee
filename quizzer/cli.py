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


def _bank_dirs(bank: tuple) -> list[str]:
    env = os.environ.get("QUIZZER_BANK", "")
    return [p for p in env.split(os.pathsep) if p] + list(bank)


def _load_bank(bank: tuple):
    """The built-in bank plus the user's; a broken bank is reported, never a traceback."""
    from quizzer.bank import BankError, load
    from quizzer.store import home

    try:
        return load(_bank_dirs(bank), cache_dir=home() / "cache")
    except BankError as err:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"the question bank has {len(err.problems)} problem(s); "
                                   "fix them or run `quizzer validate` for the list")


bank_option = click.option(
    "--bank", "bank", multiple=True, type=click.Path(exists=True, file_okay=True),
    help="Add your own YAML files or folders to the built-in bank (repeatable; "
         "also QUIZZER_BANK).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizzer")
def cli() -> None:
    """Practise the deep-learning modeling topics of the AWS ML exams (MLA-C01, MLS-C01).

    Every answer comes with a worked numeric example from a simulation.

    \b
    Start here:
      quizzer practice            ten questions from every topic
      quizzer explain cm          the concept, the numbers and a plot
      quizzer topics              what there is, and how you are doing
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--run-examples", is_flag=True,
              help="Also run every worked example and check its placeholders and answers.")
def validate(paths: tuple, run_examples: bool) -> None:
    """Check the built-in bank plus PATHS (files or folders) and list every problem.

    Example: quizzer validate my-bank/
    """
    from quizzer.bank import BankError, example_problems, load

    try:
        bank = load(paths, check_simulations=True)
        if run_examples:
            problems = example_problems(bank)
            if problems:
                raise BankError(problems)
    except BankError as err:
        for problem in err.problems:
            click.echo(str(problem))
        click.echo(f"{len(err.problems)} problem(s) found.", err=True)
        sys.exit(1)
    from quizzer.terminal import plural

    click.echo(f"OK: {plural(len(bank.topics), 'topic')}, "
               f"{plural(len(bank.questions), 'question')}, {plural(len(bank.cards), 'card')}"
               + (", every worked example ran" if run_examples else "") + ".")


def _open_store():
    from quizzer.store import StoreError, open_store

    try:
        return open_store()
    except StoreError as err:
        raise click.ClickException(str(err))


@cli.command()
@bank_option
def topics(bank: tuple) -> None:
    """List the topics with their question and card counts and your accuracy so far."""
    from quizzer import terminal as t

    loaded = _load_bank(bank)
    with _open_store() as store:
        stats = store.topic_stats()
    rows = []
    for topic in loaded.topics:
        s = stats.get(topic.slug)
        rows.append((topic.slug, topic.title, len(topic.questions), len(topic.cards),
                     s.attempts if s else 0,
                     t.percent(s.correct, s.attempts) if s else "-"))
    t.echo(t.table(("topic", "title", "questions", "cards", "answered", "accuracy"), rows))


@cli.command()
@click.option("--topic", "-t", "topic_names", multiple=True, metavar="TOPIC",
              help="Only this topic (slug or alias; repeatable). Default: all topics.")
@click.option("--count", "-n", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many questions.")
@click.option("--seed", type=click.IntRange(0), default=None,
              help="Fix the question and choice order (default: a new order each time).")
@click.option("--wrong", is_flag=True, help="Only the questions you got wrong last time.")
@click.option("--plots/--no-plots", default=True, show_default=True,
              help="Draw each worked example's plot (cached) and show its path.")
@bank_option
def practice(topic_names: tuple, count: int, seed: int | None, wrong: bool, plots: bool,
             bank: tuple) -> None:
    """Answer questions in the terminal with instant grading and a worked example each.

    Type letters for choices (b, ac, a,c), t/f, or a number; ? for help, s to skip, q to
    quit. Every graded answer is saved at once.

    Example: quizzer practice --topic confusion-matrix --count 5
    """
    import random

    from quizzer import practice as p
    from quizzer.session import select_questions

    loaded = _load_bank(bank)
    slugs = _resolve_topics(loaded, topic_names)
    if seed is None:
        seed = random.SystemRandom().randrange(100_000)
    with _open_store() as store:
        only = store.wrong_last_time() if wrong else None
        questions = select_questions(loaded, topics=slugs, count=count, seed=seed,
                                     only_ids=only)
        if not questions:
            click.echo("Nothing to practise: no question you answered last time was wrong."
                       if wrong else "No questions match.")
            return
        from quizzer.worked import Prefetcher

        with Prefetcher(loaded, plots=plots) as examples:
            options = p.PracticeOptions(seed=seed, plots=plots,
                                        echo_input=not sys.stdin.isatty())
            code = p.run(loaded, questions, store, options, examples)
    sys.exit(code)


def _resolve_topics(loaded, names: tuple, param_hint: str = "--topic") -> list[str]:
    """Topic slugs for the given names, or a usage error with a suggestion."""
    import difflib

    slugs = []
    for name in names:
        topic = loaded.resolve_topic(name)
        if topic is None:
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
    from quizzer import explain as ex
    from quizzer import terminal as t

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
    example = ex.run(req)
    png = None if no_plot else _plot(example, plot_path)
    if as_json:
        import json

        from quizzer.figures import example_json

        click.echo(json.dumps(example_json(example, png), indent=2))
        return
    show_preview = preview if preview is not None else (
        sys.stdout.isatty() and "utf" in (sys.stdout.encoding or "").lower())
    text = ""
    if show_preview:
        from quizzer.preview import render

        text = render(example.chart, sys.stdout.encoding, width=t.width())
    t.echo(ex.render(req, example, f"Plot: {png}" if png else "", text))
    if open_plot:
        click.launch(str(png))


def _plot(example, path: str | None):
    from quizzer.figures import cached_png, draw, save_png

    try:
        return save_png(draw(example.chart), path) if path else cached_png(example)
    except OSError as err:
        raise click.ClickException(f"cannot write the plot {path or ''}: "
                                   f"{err.strerror or err}")


def main() -> None:
    cli(prog_name="quizzer")

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

    try:
        return load(_bank_dirs(bank))
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
    n_files = len(bank.topics)
    click.echo(f"OK: {n_files} topic file(s), {len(bank.questions)} questions, "
               f"{len(bank.cards)} cards" + (", every worked example ran" if run_examples else "")
               + ".")


def main() -> None:
    cli(prog_name="quizzer")

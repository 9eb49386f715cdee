"""The README stays true: its test command is what CI runs, and every command is documented."""

import re
from pathlib import Path

from click.testing import CliRunner

from quizzer.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_opens_with_install_and_practice_then_install_and_test():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).splitlines()
    assert first_block[0].endswith("pip install . && quizzer practice")
    assert first_block[1].endswith("pip install '.[test]' && python -m pytest -q")


def test_ci_runs_the_readme_test_command_in_a_fresh_venv():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv" in ci
    assert "pip install '.[test]' && python -m pytest -q" in ci


def test_every_command_has_help_and_is_in_the_readme():
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and len(command.help) > 20, name
        assert f"quizzer {name}" in README, f"`quizzer {name}` is not in the README"


def test_the_bank_counts_the_readme_gives_are_the_bank_s():
    """The sentence that sizes the built-in bank is computed against it, so it cannot drift
    (a new user found it 57 questions behind)."""
    from quizzer import simulations
    from quizzer.content.bank import load

    bank = load()
    said = re.search(r"The built-in bank: (\d+) topics, (\d+) questions .*?, (\d+) flashcards\s+"
                     r"and (\d+) simulation\s+scenarios", README, re.S)
    assert said, "the README no longer sizes the built-in bank"
    assert tuple(map(int, said.groups())) == (
        len(bank.topics), len(bank.questions), len(bank.cards),
        len([name for name in simulations.names() if not name.startswith("conftest.")]))


def test_no_help_text_gives_a_date_that_goes_stale():
    """An example date in help (plan's was 2025-06-30) is refused once it has passed, or is
    more than the plan horizon away; the help says YYYY-MM-DD and the horizon instead."""
    from quizzer.engine.scheduling import PLAN_HORIZON_YEARS

    for name in cli.commands:
        text = CliRunner().invoke(cli, [name, "--help"]).output
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), name
    plan = " ".join(CliRunner().invoke(cli, ["plan", "--help"]).output.split())
    assert (f"Example: quizzer plan --exam-date YYYY-MM-DD (your exam day: today or within "
            f"{PLAN_HORIZON_YEARS} years)") in plan

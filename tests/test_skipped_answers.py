"""Every built-in question, skipped: the summary's answer key fills every placeholder.

The bank's own text says "undefined" where a metric is 0/0, so the test counts the word:
the output may hold exactly as many as the texts shown (id, prompt, options, explanation)
say themselves, and no more (a placeholder without a value would read "undefined").
"""

import re
import subprocess
import sys
from pathlib import Path

from quizzer.content import kinds
from quizzer.content.bank import load

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\bundefined\b")


def test_skipping_every_built_in_question_prints_no_undefined_value(isolated_home):
    bank = load()
    questions = bank.questions
    literal = sum(len(WORD.findall(text)) for q in questions
                  for text in (q.id, q.prompt, *kinds.of(q).shown_texts(q),
                               q.explanation))
    run = subprocess.run([sys.executable, "-m", "quizzer", "practice", "--no-plots",
                          "--seed", "3", "--count", str(len(questions))],
                         input="s\n" * len(questions), capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("Skipped.\n") == len(questions)
    summary = run.stdout[run.stdout.index("Skipped (the answers):"):]
    keyed = re.findall(r"^  (\S+): the answer is ", summary, re.M)
    assert sorted(keyed) == sorted(q.id for q in questions)  # each question's key, once
    assert "could not be run" not in summary
    assert "{{" not in run.stdout and "}}" not in run.stdout  # every placeholder filled
    assert len(WORD.findall(run.stdout)) == literal


def test_more_skipped_than_a_session_asks_adds_the_count_to_bring_them_all_back():
    from click.testing import CliRunner

    from quizzer.cli import cli

    def practice(*args, input):
        return CliRunner().invoke(cli, ["practice", "--no-plots", *args], input=input).output

    out = practice("--topic", "cm", "--count", "12", "--seed", "1", input="s\n" * 12)
    assert out.count("Skipped.\n") == 12
    assert ("  Practise them again with: quizzer practice --wrong --count 12 --topic\n"
            "    confusion-matrix\n") in out
    again = practice("--wrong", "--count", "12", "--topic", "confusion-matrix", input="q\n")
    assert again.startswith("[1/12] confusion-matrix\n")

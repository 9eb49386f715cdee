"""Whole-transcript tests of `quizzer practice` with ordering and matching questions.

The questions live in tests/fixtures/kinds (topic ``steps``), added to the fixture bank with
--bank, so the transcripts of test_practice.py (every question of tests/fixtures/bank) stay
as they are. Fixed seed, frozen clock, as there.
"""

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.cli import cli

from conftest import ticking_console

# Relative to tests/fixtures, where every test here runs: the summary's commands repeat the
# --bank path, so a transcript does not depend on where the project is checked out.
KINDS_BANK = "kinds"


@pytest.fixture(autouse=True)
def stable(mini_bank, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent / "fixtures")
    return mini_bank


def practice(*args, input):
    result = CliRunner().invoke(cli, ["practice", "--no-plots", "--bank", KINDS_BANK,
                                      "--topic", "steps", *args], input=input,
                                obj=ticking_console())
    return result.exit_code, result.output


def test_malformed_answers_are_asked_again_then_graded(isolated_home):
    code, out = practice("--seed", "2", input="3 1 4\n3 1 4 4\n3 1 4 5\nfirst\n4-1-2-3\n"
                                              "?\n1e\n1c 1b\n1c 2c 3a\n2134\n1c, 2B, 3-a\n")
    assert code == 0
    assert out == TRANSCRIPT_SEED_2
    db = sqlite3.connect(isolated_home / "progress.db")
    # Bank indices, not what was typed: the same answer reads the same under any shuffle.
    assert db.execute("SELECT question_id, response, correct FROM attempts "
                      "ORDER BY id").fetchall() == [("steps-order", "0,1,2,3", 1),
                                                    ("steps-match", "0,3,1", 0)]


def test_a_right_matching_answer_in_letters_only():
    code, out = practice("--seed", "2", input="s\nDBC\n")
    assert code == 0
    assert "> DBC\nCorrect. The answer is 1d 2b 3c.  (steps-match)\n" \
           "  1d Overfitting → Dropout\n" in out
    assert "  Score: 1/1 (100%), 1 skipped\n" in out
    # A skipped ordering without an explanation: its answer alone, no empty line.
    assert "  Skipped (the answers):\n  steps-order: the answer is 4123.\n  Practise" in out


def test_the_seed_fixes_the_shuffle():
    first = practice("--seed", "5", input="")[1]
    assert practice("--seed", "5", input="")[1] == first
    assert "  1) Compute the loss\n  2) Backpropagation\n" not in first  # seed 2's order
    assert practice("--seed", "6", input="")[1] != first


def test_review_asks_them_the_same_way(utc_zone, isolated_home):
    monday = datetime(2025, 5, 12, 9, 0, tzinfo=timezone.utc)
    result = CliRunner().invoke(cli, ["review", "--no-plots", "--seed", "1", "--bank",
                                      KINDS_BANK, "--topic", "steps"],
                                input="3 3 1 2\n2134\n1a 2b 3d\n",
                                obj=ticking_console(lambda: monday))
    assert result.exit_code == 0
    assert result.output == REVIEW_SEED_1
    db = sqlite3.connect(isolated_home / "progress.db")
    assert db.execute("SELECT item_id, rating FROM reviews ORDER BY id").fetchall() == [
        ("steps-order", 1), ("steps-match", 1)]  # wrong: Again


REVIEW_SEED_1 = """\
To review: 2 new questions.

[1/2] steps

Put the steps of one training iteration in order, first to last.

  1) Update the weights
  2) Forward pass
  3) Backpropagation
  4) Compute the loss

Type the order, e.g. 3142 (item 3 first, item 2 last)
> 3 3 1 2
3 appears twice: each number once.
> 2134
Not quite. The answer is 2431.  (steps-order)
  Your order 2134: positions 2 and 4 are wrong.
  1. 2) Forward pass: The batch goes through the network to predictions.
  2. 4) Compute the loss (you had 1 here): The predictions are compared with the
     labels.
  3. 3) Backpropagation: The gradient of the loss flows back to every weight.
  4. 1) Update the weights (you had 4 here): The optimizer steps against the
     gradient.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

Next review: tomorrow (Tue 13 May).

[2/2] steps

Match each symptom to the fix that targets it.

  1) Overfitting
  2) Vanishing gradients
  3) Exploding gradients

  a) ReLU activations
  b) Dropout
  c) Gradient clipping
  d) A larger batch

Type the pairs, e.g. 1c 2a 3b; one letter is left over
> 1a 2b 3d
Not quite. The answer is 1b 2a 3c.  (steps-match)
  Your pairs 1a 2b 3d: all 3 pairs are wrong.
  1b Overfitting → Dropout (you had a)
  2a Vanishing gradients → ReLU activations (you had b)
  3c Exploding gradients → Gradient clipping (you had d)

  Each fix acts on the cause of its symptom.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

Next review: tomorrow (Tue 13 May).

Review summary
  Reviewed 2: 2 questions (0 right).
  Time: 0m 10s
  Next due: 2 items tomorrow (Tue 13 May); 2 in the next 7 days.
"""


TRANSCRIPT_SEED_2 = """\
[1/2] steps

Put the steps of one training iteration in order, first to last.

  1) Compute the loss
  2) Backpropagation
  3) Update the weights
  4) Forward pass

Type the order, e.g. 3142 (item 3 first, item 2 last)
> 3 1 4
Put all 4 numbers in order; 2 is missing.
> 3 1 4 4
4 appears twice: each number once.
> 3 1 4 5
There is no number 5: use 1-4.
> first
'first' is not an order: type the numbers 1-4 from first to last, e.g. 3142.
> 4-1-2-3
Correct. The answer is 4123.  (steps-order)
  1. 4) Forward pass: The batch goes through the network to predictions.
  2. 1) Compute the loss: The predictions are compared with the labels.
  3. 2) Backpropagation: The gradient of the loss flows back to every weight.
  4. 3) Update the weights: The optimizer steps against the gradient.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

[2/2] steps

Match each symptom to the fix that targets it.

  1) Overfitting
  2) Vanishing gradients
  3) Exploding gradients

  a) A larger batch
  b) ReLU activations
  c) Gradient clipping
  d) Dropout

Type the pairs, e.g. 1c 2a 3b; one letter is left over
> ?
Type a number and a letter for each pair, e.g. 1c 2a 3b (or just the letters,
cab). ? shows this help, s skips this question, q ends the session with your
score.
> 1e
There is no letter e: use a-d.
> 1c 1b
Number 1 is paired twice: give each number one letter.
> 1c 2c 3a
Letter c is used twice: each letter fits one number at most.
> 2134
'2134' is not an answer: type pairs like 1c 2a 3b.
> 1c, 2B, 3-a
Not quite. The answer is 1d 2b 3c.  (steps-match)
  Your pairs 1c 2b 3a: pairs 1 and 3 are wrong.
  1d Overfitting → Dropout (you had c)
  2b Vanishing gradients → ReLU activations
  3c Exploding gradients → Gradient clipping (you had a)

  Each fix acts on the cause of its symptom.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

Session summary
  Score: 1/2 (50%)

  topic  score  accuracy
  -----  -----  --------
  steps  1/2    50%

  Time: 0m 10s
  Missed: steps-match
  Practise them again with: quizzer practice --wrong --topic steps --bank kinds
  Seed: 2 (quizzer practice --seed 2 --topic steps --bank kinds repeats this
    order)
"""

"""Whole-transcript tests of `quizzer practice` (fixture bank, fixed seed, frozen clock)."""

import sqlite3

import pytest
from click.testing import CliRunner

from quizzer.cli import cli


@pytest.fixture(autouse=True)
def stable(mini_bank, frozen_clock):
    return mini_bank


def practice(*args, input):
    result = CliRunner().invoke(cli, ["practice", "--no-plots", *args], input=input)
    return result.exit_code, result.output


def test_a_whole_session_transcript():
    code, out = practice("--seed", "1", input="x\nb\nac\nab\nt\nf\n?\nb\n50/55\n")
    assert code == 0
    assert out == TRANSCRIPT_SEED_1


def test_quit_prints_the_summary_and_exits_zero():
    code, out = practice("--seed", "1", "--count", "3", input="bd\nq\n")
    assert code == 0
    assert out.endswith("""\
> q

Session summary
  Score: 1/1 (100%), 2 not reached

  topic  score  accuracy
  -----  -----  --------
  mini   1/1    100%

  Time: 0m 08s
  Seed: 1 (quizzer practice --seed 1 repeats this order)
""")


def test_end_of_input_ends_like_quit():
    code, out = practice("--seed", "1", input="")
    assert code == 0
    assert out.endswith("> \nSession summary\n  Score: 0/0 (-), 4 not reached\n\n"
                        "  Time: 0m 04s\n  Seed: 1 (quizzer practice --seed 1 repeats this order)\n")


def test_skip_is_counted_but_not_stored(isolated_home):
    code, out = practice("--seed", "1", "--count", "1", input="s\n")
    assert code == 0
    assert "> s\nSkipped.\n" in out
    assert "  Score: 0/0 (-), 1 skipped\n" in out
    db = sqlite3.connect(isolated_home / "progress.db")
    assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 0


def test_ctrl_c_exits_130_with_the_summary(monkeypatch):
    import quizzer.practice

    lines = iter(["bd\n"])

    def read_then_interrupt(options):
        try:
            return next(lines)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(quizzer.practice, "_read_line", read_then_interrupt)
    code, out = practice("--seed", "1", input="")
    assert code == 130
    assert "Session summary\n  Score: 1/1 (100%), 3 not reached\n" in out
    assert "Traceback" not in out


def test_answers_are_saved_and_wrong_replays_only_the_missed(isolated_home):
    practice("--seed", "1", input="ac\nt\nb\n0.9\n")  # wrong, wrong, right, right
    db = sqlite3.connect(isolated_home / "progress.db")
    rows = db.execute("SELECT question_id, response, correct, seconds FROM attempts "
                      "ORDER BY id").fetchall()
    assert rows == [("mini-multiple", "2,3", 0, 2.0), ("mini-tf", "true", 0, 2.0),
                    ("mini-single", "0", 1, 2.0), ("mini-numeric", "0.9", 0, 2.0)]
    code, out = practice("--wrong", "--seed", "2", input="ad\n0.909\nf\n")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("[")] == [
        "[1/3] mini  (mini-multiple)", "[2/3] mini  (mini-numeric)", "[3/3] mini  (mini-tf)"]
    assert "  Score: 3/3 (100%)\n" in out
    code, out = practice("--wrong", input="")
    assert (code, out) == (0, "Nothing to practise: no question you answered last time was "
                              "wrong.\n")


def test_same_seed_same_session_different_seed_different_order():
    first = practice("--seed", "9", input="")[1]
    assert practice("--seed", "9", input="")[1] == first
    assert practice("--seed", "10", input="")[1] != first


def test_unknown_topic_suggests_the_closest():
    result = CliRunner().invoke(cli, ["practice", "--topic", "minni"])
    assert result.exit_code == 2
    assert "Invalid value for --topic: unknown topic 'minni'. Did you mean 'mini'? Topics: mini" \
        in result.output


def test_topic_alias_is_accepted():
    code, out = practice("--topic", "TINY", "--seed", "1", "--count", "1", input="q\n")
    assert code == 0
    assert out.startswith("[1/1] mini")


TRANSCRIPT_SEED_1 = """\
[1/4] mini  (mini-multiple)

Which two are the same metric as recall?

  A) Precision
  B) Sensitivity
  C) Specificity
  D) True positive rate

Choose TWO (letters, e.g. ab)
> x
'X' is not a choice: use letters A-D, ? for help.
> b
Choose exactly TWO letters; you gave 1.
> ac
Not quite. The answer is BD.
  A (you chose): Precision divides by predicted positives.
  B (correct): Another name for recall.
  C (you chose): That is the true negative rate.
  D (correct): Another name for recall.

  Recall, sensitivity and TPR are TP / (TP + FN).

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

    tp  fp  precision
    --  --  ---------
    50   5      0.909

[2/4] mini  (mini-tf)

Accuracy is a good metric for a rare disease.

Answer t (true) or f (false)
> ab
'ab' is not an answer: type t for true or f for false.
> t
Not quite. The answer is False.

  A model that always says healthy is very accurate and useless.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

    tp  fp  precision
    --  --  ---------
    50   5      0.909

[3/4] mini  (mini-single)

Which formula gives precision?

  A) TN / (TN + FP)
  B) TP / (TP + FP)
  C) TP / (TP + FN)

Choose ONE letter
> f
'F' is not a choice: use letters A-C, ? for help.
> ?
Type the letter(s) of your answer in any case, with or without separators (b,
ac, a,c); t or f for true/false; a number for numeric questions (0.91, 91%,
50/55). s skips this question, q ends the session with your score.
> b
Correct. The answer is B.
  B (you chose, correct): Of all predicted positives, the share that is right.

  Precision is 0.909 for the cat example.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

    tp  fp  precision
    --  --  ---------
    50   5      0.909

[4/4] mini  (mini-numeric)

TP 50, FP 5. What is the precision?

Type a number
> 50/55
Correct. The answer is 0.909 (within ±0.005).

  50 / 55 = 0.909.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

    tp  fp  precision
    --  --  ---------
    50   5      0.909

Session summary
  Score: 2/4 (50%)

  topic  score  accuracy
  -----  -----  --------
  mini   2/4    50%

  Time: 0m 18s
  Missed: mini-multiple, mini-tf
  Practise them again with: quizzer practice --wrong
  Seed: 1 (quizzer practice --seed 1 repeats this order)
"""

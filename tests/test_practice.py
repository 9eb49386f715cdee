"""Whole-transcript tests of `quizzer practice` (fixture bank, fixed seed, frozen clock)."""

import re
import sqlite3

import pytest
from click.testing import CliRunner

from quizzer.cli import cli

from conftest import ticking_console


@pytest.fixture(autouse=True)
def stable(mini_bank):
    return mini_bank


def practice(*args, input):
    result = CliRunner().invoke(cli, ["practice", "--no-plots", *args], input=input,
                                obj=ticking_console())
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
  Seed: 1 (quizzer practice --count 3 --seed 1 repeats this order)
""")


def test_end_of_input_ends_like_quit():
    code, out = practice("--seed", "1", input="")
    assert code == 0
    assert out.endswith("> \nSession summary\n  Score: 0/0 (-), 4 not reached\n\n"
                        "  Time: 0m 04s\n  Seed: 1 (quizzer practice --seed 1 repeats this order)\n")


def test_a_skip_is_not_an_answer_but_shows_its_answer_and_comes_back_with_wrong(
        isolated_home):
    code, out = practice("--seed", "1", "--count", "2", input="s\nf\n")
    assert code == 0
    assert "> s\nSkipped.\n" in out
    assert out.endswith("""\
Session summary
  Score: 1/1 (100%), 1 skipped

  topic  score  accuracy
  -----  -----  --------
  mini   1/1    100%

  Time: 0m 10s
  Skipped (the answers):
  mini-multiple: the answer is BD.
    Recall, sensitivity and TPR are TP / (TP + FN).
  Practise them again with: quizzer practice --wrong
  Seed: 1 (quizzer practice --count 2 --seed 1 repeats this order)
""")
    db = sqlite3.connect(isolated_home / "progress.db")
    assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
    code, out = practice("--wrong", "--seed", "1", input="q\n")
    assert out.startswith("[1/1] mini\n\nWhich two are the same metric as recall?")
    # the seed is repeated with what chose the questions
    assert out.endswith("  Seed: 1 (quizzer practice --wrong --seed 1 repeats this order)\n")
    practice("--wrong", "--seed", "1", input="bd\n")  # answered right at last
    assert practice("--wrong", input="")[1] == ("Nothing to practise: no question's latest "
                                                "answer was wrong.\n")


class Lines:
    """A stdin that gives these lines, then raises ``then`` (Ctrl-C, or end of input)."""

    def __init__(self, *lines, then=KeyboardInterrupt):
        self.lines, self.then = list(lines), then

    def readline(self) -> str:
        if self.lines:
            return self.lines.pop(0)
        raise self.then

    def isatty(self) -> bool:
        return False


def test_ctrl_c_exits_130_with_the_summary():
    console = ticking_console()
    console.stdin = Lines("bd\n")
    result = CliRunner().invoke(cli, ["practice", "--no-plots", "--seed", "1"], obj=console)
    assert result.exit_code == 130
    assert "Session summary\n  Score: 1/1 (100%), 3 not reached\n" in result.output
    assert "Traceback" not in result.output


def test_ctrl_c_while_the_feedback_is_prepared_still_counts_the_saved_answer(monkeypatch):
    import quizzer.screens.prefetch

    def interrupted(self, question):
        raise KeyboardInterrupt  # the learner presses Ctrl-C while the example is computed

    monkeypatch.setattr(quizzer.screens.prefetch.Prefetcher, "get", interrupted)
    code, out = practice("--seed", "1", input="bd\n")
    assert code == 130
    assert "> bd\n\n\nSession summary\n  Score: 1/1 (100%), 3 not reached\n" in out


def test_a_share_typed_as_a_percentage_number_is_asked_again():
    code, out = practice("--seed", "1", "--count", "4", input="s\ns\ns\n90.9\n90.9%\n")
    assert ("> 90.9\nDid you mean 90.9%? The answer is a share of 1: type 90.9% or the "
            "decimal.\n> 90.9%\nCorrect. The answer is 0.909") in out
    code, out = practice("--seed", "1", "--count", "4", input="s\ns\ns\n90.9\n90.9\n")
    assert "> 90.9\nNot quite. The answer is 0.909" in out  # asked once, then graded
    # the other slip: a % sign after the decimal the answer is
    code, out = practice("--seed", "1", "--count", "4", input="s\ns\ns\n0.909%\n0.909\n")
    assert ("> 0.909%\n0.909% is 0.00909. Did you mean 0.909? Type it without the % sign.\n"
            "> 0.909\nCorrect. The answer is 0.909") in out


def test_answers_are_saved_and_wrong_replays_only_the_missed(isolated_home):
    practice("--seed", "1", input="ac\nt\nb\n0.9\n")  # wrong, wrong, right, right
    db = sqlite3.connect(isolated_home / "progress.db")
    rows = db.execute("SELECT question_id, response, correct, seconds FROM attempts "
                      "ORDER BY id").fetchall()
    assert rows == [("mini-multiple", "2,3", 0, 2.0), ("mini-tf", "true", 0, 2.0),
                    ("mini-single", "0", 1, 2.0), ("mini-numeric", "0.9", 0, 2.0)]
    code, out = practice("--wrong", "--seed", "2", input="ad\n0.909\nf\n")
    assert code == 0
    assert [line.rsplit("(", 1)[1] for line in out.splitlines()
            if "The answer is" in line] == ["mini-multiple)", "mini-numeric)", "mini-tf)"]
    assert "  Score: 3/3 (100%)\n" in out
    code, out = practice("--wrong", input="")
    assert (code, out) == (0, "Nothing to practise: no question's latest answer was "
                              "wrong.\n")


def asked(out: str) -> list:
    """The prompts of the questions a transcript shows, in the order asked."""
    return re.findall(r"\[\d+/\d+\] mini\n\n(.+)\n", out)


def test_same_seed_same_session_different_seed_different_order():
    """The order itself is compared: the summary prints the seed, so two transcripts of
    different seeds always differ somewhere."""
    first = practice("--seed", "9", input="s\n" * 4)[1]
    assert practice("--seed", "9", input="s\n" * 4)[1] == first
    other = asked(practice("--seed", "10", input="s\n" * 4)[1])
    assert len(asked(first)) == 4 and sorted(other) == sorted(asked(first))
    assert other != asked(first)


def test_unknown_topic_suggests_the_closest():
    result = CliRunner().invoke(cli, ["practice", "--topic", "minni"])
    assert result.exit_code == 2
    assert "Invalid value for --topic: unknown topic 'minni'. Did you mean 'mini'? Topics: mini" \
        in result.output


def test_no_question_id_before_grading():
    """Every question's screen, up to the answer typed, names no id; the feedback does."""
    code, out = practice("--seed", "1", input="s\n" * 4)
    ids = ["mini-multiple", "mini-tf", "mini-single", "mini-numeric"]
    screens = out.split("> s\n")
    assert len(screens) == 5
    assert [[i for i in ids if i in screen] for screen in screens[:4]] == [[]] * 4
    assert sorted(i for i in ids if i in screens[4]) == sorted(ids)  # the summary's key


def test_topic_alias_is_accepted():
    code, out = practice("--topic", "TINY", "--seed", "1", "--count", "1", input="q\n")
    assert code == 0
    assert out.startswith("[1/1] mini")


TRANSCRIPT_SEED_1 = """\
[1/4] mini

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
Not quite. The answer is BD.  (mini-multiple)
  A (you chose): Precision divides by predicted positives.
  B (correct): Another name for recall.
  C (you chose): That is the true negative rate.
  D (correct): Another name for recall.

  Recall, sensitivity and TPR are TP / (TP + FN).

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

[2/4] mini

Accuracy is a good metric for a rare disease.

Answer t (true) or f (false)
> ab
'ab' is not an answer: type t for true or f for false.
> t
Not quite. The answer is False.  (mini-tf)

  A model that always says healthy is very accurate and useless.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

[3/4] mini

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
50/55). ? shows this help, s skips this question, q ends the session with your
score.
> b
Correct. The answer is B.  (mini-single)
  A: That is specificity.
  B (you chose, correct): Of all predicted positives, the share that is right.
  C: That is recall.

  Precision is 0.909 for the cat example.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

[4/4] mini

TP 50, FP 5. What is the precision?

Type a number
> 50/55
Correct. The answer is 0.909 (within ±0.005).  (mini-numeric)

  50 / 55 = 0.909.

  Worked example: conftest.fixed(tp=50, fp=5)
    - Precision = 50/55 = 0.909.

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


def test_a_narrow_terminal_wraps_everything_to_its_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    code, out = practice("--seed", "1", input="x\nac\nab\nt\n?\nb\n50/55\n")
    assert code == 0
    too_wide = [line for line in out.splitlines() if len(line) > 30]
    assert too_wide == []


def test_skipped_answers_quote_the_worked_example_as_the_feedback_does():
    # mini-single and mini-numeric explain with {{precision}}: their prompts quote nothing,
    # so the summary must run the example itself (precision 50/55 = 0.909).
    code, out = practice("--seed", "1", input="s\ns\ns\ns\n")
    assert code == 0
    assert out.endswith("""\
  Skipped (the answers):
  mini-multiple: the answer is BD.
    Recall, sensitivity and TPR are TP / (TP + FN).
  mini-tf: the answer is False.
    A model that always says healthy is very accurate and useless.
  mini-single: the answer is B.
    Precision is 0.909 for the cat example.
  mini-numeric: the answer is 0.909 (within ±0.005).
    50 / 55 = 0.909.
  Practise them again with: quizzer practice --wrong
  Seed: 1 (quizzer practice --seed 1 repeats this order)
""")


def test_a_skipped_answer_whose_example_failed_leaves_out_its_explanation(monkeypatch):
    def broken(ref, plots):
        from quizzer.screens.prefetch import PrefetchedRun
        return PrefetchedRun(ref, error="the simulation failed: ZeroDivisionError")

    monkeypatch.setattr("quizzer.screens.prefetch.compute", broken)
    code, out = practice("--seed", "1", input="s\ns\ns\ns\n")
    assert code == 0
    assert "undefined" not in out
    assert ("  mini-single: the answer is B.\n"
            "    (Its explanation quotes its worked example, which could not be run.)\n"
            "  mini-numeric: the answer is 0.909 (within ±0.005).\n"
            "    (Its explanation quotes its worked example, which could not be run.)\n"
            ) in out


def test_the_practise_again_hint_repeats_the_bank_and_topics_and_brings_them_back(
        tmp_path, monkeypatch):
    import shlex

    folder = tmp_path / "my bank"  # a space: the hint quotes it
    folder.mkdir()
    (folder / "capitals.yaml").write_text("""\
topic: capitals
title: Capitals
summary: Capital cities.
key_points: [Paris is the capital of France.]
questions:
  - id: cap-france
    kind: true-false
    answer: true
    prompt: Paris is the capital of France.
    explanation: It is.
""")
    monkeypatch.chdir(tmp_path)
    code, out = practice("--bank", "my bank", "--topic", "capitals", "--seed", "2",
                         input="f\n")
    assert code == 0
    assert out.endswith("""\
  Missed: cap-france
  Practise them again with: quizzer practice --wrong --topic capitals --bank
    'my bank'
  Seed: 2 (quizzer practice --seed 2 --topic capitals --bank 'my bank' repeats
    this order)
""")
    hint = out[out.index("Practise them again with: "):out.index("  Seed:")]
    args = shlex.split(" ".join(hint.split()[4:]))
    assert args[:2] == ["quizzer", "practice"]
    code, again = practice(*args[2:], input="t\n")
    assert again.startswith("[1/1] capitals\n\nParis is the capital of France.")

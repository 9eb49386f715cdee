"""The mock exam's screens in a terminal: a pty of 80x24, whole transcripts.

The exam runs in a thread of this process on a pseudo-terminal (so input is a terminal: the
screen waits with select, and the tty echoes what is typed), with a clock the test moves:
``send(line, after=30)`` lets 30 seconds pass, then types the line. The questions come from
tests/fixtures/exam; which answers are right is read from its YAML here, not from quizzer's
grader, so the report's numbers are checked against the answers given.

The resume test at the end is a real ``python -m quizzer exam`` killed with SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from quizzer.content.bank import load
from quizzer.engine.store import open_store
from quizzer.screens import exam_screen as es
from quizzer.screens.console import Clock, Console

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

ROOT = Path(__file__).resolve().parent.parent
EXAM_BANK = ROOT / "tests" / "fixtures" / "exam"
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)


def _correct_texts() -> dict[str, set[str]]:
    """Question prompt -> the texts of its correct choices, read from the YAML itself."""
    out = {}
    for path in EXAM_BANK.glob("*.yaml"):
        for q in yaml.safe_load(path.read_text())["questions"]:
            if "choices" in q:
                out[q["prompt"]] = {c["text"] for c in q["choices"] if c.get("correct")}
    return out


def _topic_of() -> dict[str, str]:
    return {q["prompt"]: yaml.safe_load(p.read_text())["topic"]
            for p in EXAM_BANK.glob("*.yaml")
            for q in yaml.safe_load(p.read_text())["questions"]}


class ExamTerminal:
    """``quizzer exam`` (start_or_resume, as the CLI calls it) on an 80x24 pty in a thread."""

    def __init__(self, db: Path, request: es.ExamRequest, tick: float = 0.05,
                 bank_dir: Path = EXAM_BANK):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.seconds = 0.0
        clock = Clock(now=lambda: T0 + timedelta(seconds=self.seconds),
                      elapsed=lambda: self.seconds)
        self.stdin = os.fdopen(slave, "r", encoding="utf-8")
        self.stdout = os.fdopen(os.dup(slave), "w", encoding="utf-8")
        self.console = Console(clock, stdin=self.stdin, stdout=self.stdout, columns=80,
                               lines=24)
        self.bank = load([bank_dir], builtin=False)
        self.output = ""
        self.seen = 0
        self.code = None
        self.error = None

        def run() -> None:
            try:
                with open_store(db) as store:
                    self.code = es.start_or_resume(self.console, self.bank, store, request,
                                                   None, es.ExamOptions(tick=tick))
            except BaseException as err:  # noqa: BLE001 - reported by finish()
                self.error = err
            finally:
                self.stdout.flush()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the process ended and closed the terminal
            return False
        self.output += data.decode("utf-8", "replace").replace("\r\n", "\n")
        return True

    def expect(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not seen; the screen so far:\n"
                                     + self.output[self.seen:][-3000:])
            self._read(0.05)
        end = self.output.index(text, self.seen) + len(text)
        shown, self.seen = self.output[self.seen:end], end
        return shown

    def send(self, line: str, after: float = 0) -> None:
        self.seconds += after
        os.write(self.master, (line + "\r").encode())

    def finish(self, timeout: float = 20) -> str:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the exam screen did not end"
        while self._read(0.05):
            pass
        self.stdin.close()
        self.stdout.close()
        os.close(self.master)
        if self.error is not None:
            raise self.error
        return self.output

    def screen(self) -> str:
        """The question on screen: the text since the last header."""
        return self.output[self.output.rindex("MLA-C01 mock exam ·"):]

    def letters_for(self, right: bool) -> str:
        """The letters that answer the question on screen rightly (or wrongly), found by
        matching the shown choices against the YAML."""
        screen = self.screen()
        prompt = next(p for p in _correct_texts() if " ".join(p.split()) in
                      " ".join(screen.split()))
        correct = _correct_texts()[prompt]
        shown = dict(re.findall(r"^  ([A-Z])\) (.*)$", screen, re.M))
        good = "".join(k for k, v in shown.items() if v in correct)
        bad = "".join(k for k, v in shown.items() if v not in correct)[:len(good)]
        return (good if right else bad).lower()

    def topic_on_screen(self) -> str:
        screen = " ".join(self.screen().split())
        return next(topic for prompt, topic in _topic_of().items()
                    if " ".join(prompt.split()) in screen)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "progress.db"


def test_short_exam_whole_transcript(db):
    """Answer, flag and unflag, go back and change an answer, jump, the review screen,
    submit with unanswered questions; no grading is shown before the report."""
    term = ExamTerminal(db, es.ExamRequest(count=5, seed=11))
    given = {}   # question number -> (topic, right?)
    term.expect("> ")
    given[1] = (term.topic_on_screen(), True)
    term.send(term.letters_for(right=True), after=40)
    term.expect("> ")
    term.send("f", after=5)                       # flag question 2
    term.expect("> ")
    term.send("f", after=5)                       # and unflag it
    term.expect("> ")
    term.send("f", after=5)                       # and flag it again
    term.expect("> ")
    given[2] = (term.topic_on_screen(), False)
    term.send(term.letters_for(right=False), after=20)
    term.expect("> ")
    term.send("p", after=3)                       # back to question 2
    term.expect("Your answer:")
    term.expect("> ")
    given[2] = (term.topic_on_screen(), True)
    term.send(term.letters_for(right=True), after=30)   # change it: now right
    term.expect("> ")
    given[3] = (term.topic_on_screen(), False)   # left unanswered
    term.send("n", after=2)
    term.expect("> ")
    given[4] = (term.topic_on_screen(), False)
    term.send(term.letters_for(right=False), after=60)
    term.expect("> ")
    given[5] = (term.topic_on_screen(), False)   # never answered
    term.send("g 3", after=1)
    term.expect("> ")
    term.send("r", after=4)                       # the review screen
    term.expect("review> ")
    term.send("submit", after=5)
    term.expect("Enter to go back: ")
    term.send("yes", after=2)
    output = term.finish()
    assert term.code == 0

    before_report = output[:output.index("Score report")]
    for word in ("Correct", "Not quite", "The answer is", "(you chose"):
        assert word not in before_report          # no feedback before submission
    # The report's numbers, from the answers given (right ones picked from the YAML).
    right = sum(ok for _, ok in given.values())
    assert right == 2
    assert f"Raw score: {right} of 5 correct (40%); 2 unanswered, counted wrong" in output
    assert f"Scaled score ESTIMATE: {round(100 + 900 * right / 5)} of 1000, pass mark " \
           "720: FAIL (estimate)" in output
    assert "Time used: 3m 02s of 10m 00s · Flagged: 1" in output   # 40+5+5+5+20+3+30+2+60+1+4+5+2 s
    per_topic = {}
    for topic, ok in given.values():
        c, n = per_topic.get(topic, (0, 0))
        per_topic[topic] = (c + ok, n + 1)
    for topic, (c, n) in per_topic.items():
        assert re.search(rf"^  {topic} +Domain 2: ML Model Development +{c}/{n} ", output,
                         re.M), topic
    assert output == EXPECTED_SHORT_EXAM



def test_time_running_out_while_idle_submits_with_a_notice(db):
    term = ExamTerminal(db, es.ExamRequest(count=2, seed=3), tick=0.05)
    term.expect("> ")
    term.send(term.letters_for(right=True), after=100)
    term.expect("> ")
    term.seconds += 200            # the learner sits idle past the end: nobody types
    term.expect("Time is up: the exam was submitted automatically.")
    output = term.finish()
    assert term.code == 0
    tail = output[output.index("Time is up"):]
    assert "not counted" not in tail
    assert "Raw score: 1 of 2 correct (50%); 1 unanswered, counted wrong" in tail
    assert "Time used: 4m 00s of 4m 00s (time ran out) · Flagged: 0" in tail
    with open_store(db) as store:
        [exam] = store.exams()
        assert exam.timed_out and exam.used_seconds == 240


def test_an_answer_typed_after_the_deadline_is_not_counted(db):
    term = ExamTerminal(db, es.ExamRequest(count=2, seed=3), tick=3600)  # never wakes
    term.expect("> ")
    term.send(term.letters_for(right=True), after=100)
    term.expect("> ")
    term.send(term.letters_for(right=True), after=500)   # typed 6 minutes later
    term.expect("Time is up")
    output = term.finish()
    tail = output[output.index("Time is up"):]
    assert tail.startswith("Time is up: the exam was submitted automatically.\n"
                           "The line you typed after the time ran out was not counted.\n")
    assert "Raw score: 1 of 2 correct (50%); 1 unanswered" in tail
    with open_store(db) as store:
        [exam] = store.exams()
        assert [i.answered for i in exam.items] == [True, False]


def test_an_open_exam_is_resumed_or_abandoned(db):
    term = ExamTerminal(db, es.ExamRequest(count=3, seed=5))
    term.expect("> ")
    term.send(term.letters_for(right=True), after=30)
    term.expect("> ")
    term.send("q", after=1)
    assert "Exam paused with 5:29 left (1 of 3 answered)" in term.finish()

    again = ExamTerminal(db, es.ExamRequest(count=3, seed=6))
    again.expect("q: quit ")
    again.seconds = 31 + 600       # this run's clock: ten minutes after the last step
    os.write(again.master, b"r")                      # one key, no Enter
    again.expect("> ")
    # Away: the wall clock's ten minutes since the last step; the time left is unchanged.
    assert "Resuming exam #1: 1 of 3 answered, 0 flagged, 5:29 left. You were away " \
        "10m 00s (not counted)." in " ".join(again.output.split())
    assert "[2/3]" in again.screen()                   # where it was left
    again.send("q")
    again.finish()

    third = ExamTerminal(db, es.ExamRequest(count=3, seed=6))
    third.expect("q: quit ")
    os.write(third.master, b"a")
    third.expect("> ")
    assert "Exam #1 abandoned (its answers are not scored)." in third.output
    assert "MLA-C01 mock exam #2: 3 questions in 6m 00s (seed 6)" in third.output
    third.send("q")
    third.finish()
    with open_store(db) as store:
        assert store.exam(1).status == "abandoned" and store.open_exam().id == 2
        assert store.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 0



KINDS_BANK = ROOT / "tests" / "fixtures" / "kinds"


def test_ordering_and_matching_are_asked_through_their_kinds(db):
    """The exam asks ordering and matching questions as practice does (their kind parses and
    grades them), keeps their shuffled order, and grades them only at submission."""
    steps = yaml.safe_load((KINDS_BANK / "steps.yaml").read_text())["questions"]
    order_items = [i["text"] for i in steps[0]["items"]]
    pairs = {p["prompt"]: p["answer"] for p in steps[1]["pairs"]}
    term = ExamTerminal(db, es.ExamRequest(count=2, seed=4), bank_dir=KINDS_BANK)
    for _ in range(2):
        term.expect("> ")
        screen = term.screen()
        labelled = dict((text, label) for label, text in
                        re.findall(r"^  (\w)\) (.*)$", screen, re.M))
        if "in order" in screen:       # right: the items' numbers, first to last
            term.send("".join(labelled[text] for text in order_items), after=30)
        else:                          # wrong: every prompt given the next prompt's answer
            prompts = list(pairs)
            term.send(" ".join(labelled[p] + labelled[pairs[prompts[(i + 1) % 3]]]
                               for i, p in enumerate(prompts)), after=30)
        before = term.expect("Saved:")
        assert "Correct" not in before and "Not quite" not in before
    term.expect("review> ")
    term.send("submit")
    term.expect("Enter to go back: ")
    term.send("yes")
    output = term.finish()
    assert "Raw score: 1 of 2 correct (50%)" in output
    with open_store(db) as store:
        [exam] = store.exams()
        right = {i.question_id: i.correct for i in exam.items}
    assert right == {"steps-order": True, "steps-match": False}


EXPECTED_SHORT_EXAM = """MLA-C01 mock exam #1: 5 questions in 10m 00s (seed 11)
Nothing is graded until you submit. Every answer and flag is saved as you go; q
(or closing the terminal) pauses the exam, and `quizzer exam --resume` continues
it. ? shows the commands.

MLA-C01 mock exam · 10:00 left · 0/5 answered · 0 flagged
[1/5] alpha

Which formula gives specificity?

  A) TN / (TN + FP)
  B) FP / (FP + TN)
  C) TP / (TP + FP)

Choose ONE letter
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> a
Saved: A for question 1.

MLA-C01 mock exam · 9:20 left · 1/5 answered · 0 flagged
[2/5] beta

Which two help against exploding gradients?

  A) A lower learning rate
  B) Gradient clipping
  C) More layers
  D) Removing the bias terms

Choose TWO (letters, e.g. ab)
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> f
Question 2 flagged (1 flagged).
> f
Question 2 unflagged (0 flagged).
> f
Question 2 flagged (1 flagged).
> cd
Saved: CD for question 2.

MLA-C01 mock exam · 8:45 left · 2/5 answered · 1 flagged
[3/5] beta

What does a smaller mini-batch do to the gradient estimate?

  A) It removes its bias
  B) It makes it exact
  C) It makes it noisier

Choose ONE letter
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> p

MLA-C01 mock exam · 8:42 left · 2/5 answered · 1 flagged
[2/5] beta

Which two help against exploding gradients?

  A) A lower learning rate
  B) Gradient clipping
  C) More layers
  D) Removing the bias terms

Choose TWO (letters, e.g. ab)
Your answer: CD · Flagged
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> ab
Saved: AB for question 2.

MLA-C01 mock exam · 8:12 left · 2/5 answered · 1 flagged
[3/5] beta

What does a smaller mini-batch do to the gradient estimate?

  A) It removes its bias
  B) It makes it exact
  C) It makes it noisier

Choose ONE letter
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> n

MLA-C01 mock exam · 8:10 left · 2/5 answered · 1 flagged
[4/5] beta

The loss grows every epoch from the first one. What is the likeliest cause?

  A) A learning rate that is too low
  B) A learning rate that is too high
  C) Too few epochs

Choose ONE letter
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> a
Saved: A for question 4.

MLA-C01 mock exam · 7:10 left · 3/5 answered · 1 flagged
[5/5] alpha

Which formula gives precision?

  A) TN / (TN + FP)
  B) TP / (TP + FN)
  C) TP / (TP + FP)

Choose ONE letter
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> g 3

MLA-C01 mock exam · 7:09 left · 3/5 answered · 1 flagged
[3/5] beta

What does a smaller mini-batch do to the gradient estimate?

  A) It removes its bias
  B) It makes it exact
  C) It makes it noisier

Choose ONE letter
f flag · n next · p back · g N go to · r review · submit · ? help · q leave
> r

Review · 3 answered · 2 unanswered · 1 flagged · 7:05 left
    1 A          2 AB   F     3 --         4 A          5 --
  Unanswered: 3, 5
  Flagged: 2
Type a question number to go to it, submit to end the exam, or Enter to go back
to question 3.
review> submit

2 questions unanswered: 3, 5 (they count as wrong).
1 question flagged: 2.
Submit the exam with 7:00 left? Type yes to submit, Enter to go back: yes

Score report: MLA-C01 mock exam #1
  Raw score: 2 of 5 correct (40%); 2 unanswered, counted wrong
  Scaled score ESTIMATE: 460 of 1000, pass mark 720: FAIL (estimate)
    The estimate is 100 + 900 x share correct (2/5): a straight line, because
    AWS does not publish its scaling. Treat it as a rough guide.
  Time used: 3m 02s of 10m 00s · Flagged: 1

  topic  MLA-C01 domain                  score  share
  -----  ------------------------------  -----  -----
  beta   Domain 2: ML Model Development  1/3    33%
  alpha  Domain 2: ML Model Development  1/2    50%

  Where to work next (weakest first; quizzer explain TOPIC shows the concept):
    1/3 beta: quizzer practice --topic beta
    1/2 alpha: quizzer practice --topic alpha
  Every answer with its explanation: quizzer exam --review (--wrong, --flagged)
"""


# ------------------------------------------------------------------- kill -9, then resume

def _controlling_terminal() -> None:  # runs in the child, stdin already the pty
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class ProcessTerminal(ExamTerminal):
    """``python -m quizzer ARGS`` on its own 80x24 pty, a real process with the real clock."""

    def __init__(self, home: Path, *args: str):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {k: v for k, v in os.environ.items()
               if k not in ("COLUMNS", "LINES", "TMUX", "QUIZZER_BANK")}
        env.update(TERM="xterm-256color", NO_COLOR="1", LANG="C.UTF-8",
                   PYTHONIOENCODING="utf-8", QUIZZER_HOME=str(home))
        self.proc = subprocess.Popen([sys.executable, "-m", "quizzer", *args], cwd=ROOT,
                                     stdin=slave, stdout=slave, stderr=slave, env=env,
                                     preexec_fn=_controlling_terminal, close_fds=True)
        os.close(slave)
        self.output, self.seen = "", 0

    def send(self, line: str, after: float = 0) -> None:
        os.write(self.master, (line + "\r").encode())

    def close(self) -> None:
        try:
            self.proc.wait(20)
        finally:
            os.close(self.master)


def _prompt(screen: str) -> str:
    """The question's text on a screen: the lines between its [n/N] line and its choices."""
    body = screen[screen.index("]"):]
    return " ".join(body.split("\n\n")[1].split())


def _left(screen: str) -> int:
    minutes, seconds = re.search(r"· (\d+):(\d\d) left", screen).groups()
    return 60 * int(minutes) + int(seconds)


def test_resume_after_sigkill_keeps_order_answers_flags_and_time(isolated_home):
    args = ("exam", "--count", "5", "--seed", "21", "--bank", str(EXAM_BANK),
            "--topic", "alpha", "--topic", "beta")
    first = ProcessTerminal(isolated_home, *args)
    prompts, typed = [], []
    first.expect("> ")
    prompts.append(_prompt(first.screen()))
    typed.append(first.letters_for(right=True))
    first.send(typed[-1])
    first.expect("> ")
    prompts.append(_prompt(first.screen()))
    first.send("f")
    first.expect("flagged")
    first.expect("> ")
    typed.append(first.letters_for(right=False))
    first.send(typed[-1])
    first.expect("> ")
    prompts.append(_prompt(first.screen()))
    left_before = _left(first.screen())
    first.proc.send_signal(signal.SIGKILL)            # no handler runs, nothing is flushed
    assert first.proc.wait(10) == -signal.SIGKILL
    os.close(first.master)
    time.sleep(2)                                     # time away: not counted

    again = ProcessTerminal(isolated_home, "exam", "--resume", "--bank", str(EXAM_BANK))
    again.expect("> ")
    resumed = " ".join(again.output.split())
    found = re.search(r"Resuming exam #1: 2 of 5 answered, 1 flagged, (\d+):(\d\d) left\. "
                      r"You were away 0m (\d\d)s \(not counted\)\.", resumed)
    assert found, again.output
    left_after = 60 * int(found[1]) + int(found[2])
    assert left_before - 1 <= left_after <= left_before   # the seconds before the kill
    assert int(found[3]) >= 2                             # the two seconds away, shown
    assert _prompt(again.screen()) == prompts[2]          # where it stopped: question 3
    assert "[3/5]" in again.screen() and "Your answer" not in again.screen()
    for number in (1, 2):
        again.send(f"g {number}")
        again.expect("> ")
        screen = again.screen()
        assert _prompt(screen) == prompts[number - 1]     # the same order
        status = f"Your answer: {typed[number - 1].upper()}" + (
            " · Flagged" if number == 2 else "")
        assert status + "\n" in screen                   # the answers and the flag
        assert f"[{number}/5]" in screen
    again.send("q")
    again.expect("Exam paused")
    again.close()
    assert again.proc.returncode == 0


PAIRS_BANK = """\
topic: pairs
title: Pairs
exam: {MLA-C01: "Domain 2: ML Model Development", MLS-C01: "Domain 3: Modeling (legacy exam)"}
summary: Matching questions with four and five pairs, for the review screen.
key_points: [Each fix targets one cause.]
questions:
  - id: pairs-four
    kind: matching
    prompt: Match each symptom to its fix (four pairs).
    pairs:
      - {prompt: Vanishing gradients, answer: ReLU activations}
      - {prompt: Exploding gradients, answer: Gradient clipping}
      - {prompt: Overfitting, answer: Dropout}
      - {prompt: Slow convergence, answer: A learning-rate warm-up}
    explanation: Each fix acts on the cause of its symptom.
  - id: pairs-five
    kind: matching
    prompt: Match each metric to what it divides by (five pairs).
    pairs:
      - {prompt: Precision, answer: Predicted positives}
      - {prompt: Recall, answer: Actual positives}
      - {prompt: Specificity, answer: Actual negatives}
      - {prompt: NPV, answer: Predicted negatives}
      - {prompt: Accuracy, answer: Every example}
    explanation: Each metric's denominator is one total of the confusion matrix.
"""


def test_the_review_screen_shows_pairs_as_the_key_writes_them_cut_with_a_mark(db, tmp_path):
    """Typed without spaces in capitals, a matching answer is listed as "1b 2a 3c 4d"; one
    too long for the column is cut after a whole pair with "…"; the flag is its own column."""
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "pairs.yaml").write_text(PAIRS_BANK)
    pairs = {p["prompt"]: p["answer"] for q in yaml.safe_load(PAIRS_BANK)["questions"]
             for p in q["pairs"]}
    term = ExamTerminal(db, es.ExamRequest(count=2, seed=1), bank_dir=folder)
    keys = []
    for number in (1, 2):
        term.expect("> ")
        if number == 1:
            term.send("f", after=2)
            term.expect("> ")
        screen = term.screen()
        labelled = dict((text, label) for label, text in
                        re.findall(r"^  (\w)\) (.*)$", screen, re.M))
        right = sorted(labelled[p] + labelled[a] for p, a in pairs.items() if p in labelled)
        keys.append(" ".join(right))
        term.send("".join(right).upper(), after=30)
        term.expect(f"Saved: {keys[-1]} for question {number}.")
    term.expect("review> ")
    shown = [k if len(k) <= 11 else k[:k.rindex(" ", 0, 10)] + "…" for k in keys]
    assert sorted(map(len, keys)) == [11, 14]  # "1b 2a 3c 4d" fits the column; five pairs not
    assert sorted(map(len, shown)) == [9, 11]     # "1b 2e 3d…": cut after a whole pair
    assert f"\n    1 {shown[0]:<11} F     2 {shown[1]}\n" in term.output
    term.send("q")
    term.finish()


@pytest.mark.parametrize("count, says", [(1, "Only 1 question matches the topics"),
                                         (2, "Only 2 questions match the topics")])
def test_a_shorter_exam_says_how_many_questions_match(count, says):
    from types import SimpleNamespace

    exam = SimpleNamespace(items=[object()] * count, id=3, seed=5, limit_seconds=60 * count)
    text = " ".join(es.start_text(exam, asked=5, cols=80).split())
    assert says in text
    assert f"{'1 question' if count == 1 else f'{count} questions'} in " in text

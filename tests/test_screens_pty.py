"""The practice screen in a real terminal (a pty at 80x24), where its behaviour depends on one:
feedback that waits, the why of every option, no id before grading, inline images for each
protocol and the text fallback, and ``o`` with and without an image viewer.

Each test runs ``python -m quizzer`` on a pseudo-terminal of 80 columns and 24 rows that is its
controlling terminal (so Ctrl-C is a signal, as for a learner) and plays the learner's keys.
The bank is tests/fixtures/screens: short items on a real simulation.
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
import time
from pathlib import Path

import pytest

from quizzer import simulations
from conftest import fake_viewer, opened

ROOT = Path(__file__).resolve().parent.parent
BANK = str(ROOT / "tests" / "fixtures" / "screens")
# Variables that would make the screen detect a terminal other than the one we emulate.
TERMINAL_VARIABLES = ("COLUMNS", "LINES", "TERM_PROGRAM", "KITTY_WINDOW_ID", "LC_TERMINAL",
                      "TMUX", "STY", "DISPLAY", "WAYLAND_DISPLAY", "QUIZZER_PLOT_STYLE",
                      "VTE_VERSION")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def _controlling_terminal() -> None:  # runs in the child, stdin already the pty
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """``python -m quizzer ARGS`` on an 80x24 pty; ``expect`` reads, ``send`` types."""

    def __init__(self, *args: str, env: dict | None = None, cols: int = 80, rows: int = 24):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {k: v for k, v in os.environ.items() if k not in TERMINAL_VARIABLES}
        full_env.update({"TERM": "xterm-256color", "NO_COLOR": "1", "LANG": "C.UTF-8",
                         "PYTHONIOENCODING": "utf-8"}, **(env or {}))
        self.proc = subprocess.Popen([sys.executable, "-m", "quizzer", *args], cwd=ROOT,
                                     stdin=slave, stdout=slave, stderr=slave, env=full_env,
                                     preexec_fn=_controlling_terminal, close_fds=True)
        os.close(slave)
        self.master = master
        self.output = ""   # everything read so far, \r\n turned into \n
        self.seen = 0      # how far expect() has matched

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.output += data.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(data)

    def expect(self, text: str, timeout: float = 60) -> str:
        """Read until ``text`` appears after the last match; the output up to its end."""
        deadline = time.monotonic() + timeout
        while text not in self.output[self.seen:]:
            if time.monotonic() > deadline or (not self._read(0.2)
                                                and self.proc.poll() is not None):
                if text in self.output[self.seen:]:
                    break
                raise AssertionError(f"{text!r} not seen; the screen so far:\n"
                                     + self.output[self.seen:][-3000:])
        end = self.output.index(text, self.seen) + len(text)
        chunk, self.seen = self.output[self.seen:end], end
        return chunk

    def quiet_for(self, seconds: float) -> str:
        """What arrives in the next ``seconds`` (the screen is waiting if nothing does)."""
        start = len(self.output)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._read(0.05)
        return self.output[start:]

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        while self._read(0.05):
            pass
        code = self.proc.wait(timeout=1)
        os.close(self.master)
        return code


def practice(*args: str, env: dict | None = None) -> Terminal:
    return Terminal("practice", "--bank", BANK, "--topic", "screens", "--seed", "1", *args,
                    env=env)


QUESTION = """\
[1/2] screens

TP 50, FP 5. Which is the precision?

  A) 50/60
  B) 100/105
  C) 50/55

Choose ONE letter
> """

FEEDBACK = """\
a
Not quite. The answer is C.  (scr-precision)
  A (you chose): That divides by the actual positives: recall.
  B: That is the negative predictive value.
  C (correct): TP over everything predicted positive.

  Precision is 0.909.

  Worked example: confusion_matrix.metrics(tp=50, fp=5, fn=10, tn=100)
"""

PROMPT = "Enter: next · w: whole worked example · o: open the plot · q: quit"


def test_feedback_waits_for_enter_with_the_why_of_every_option_and_no_id_before():
    term = practice(env={"QUIZZER_PLOT_STYLE": "none"})
    assert term.expect("> ") == QUESTION  # the topic, never the id, before grading
    term.send("a\r")
    assert term.expect("Worked example: confusion_matrix.metrics(tp=50, fp=5, fn=10, "
                       "tn=100)\n") == FEEDBACK
    rest = term.expect(PROMPT)
    findings = [line for line in rest.splitlines() if line.startswith("    - ")]
    assert 1 <= len(findings) <= 3
    assert rest.splitlines()[-2].startswith("  Plot: ") and rest.rstrip().endswith(PROMPT)
    assert term.quiet_for(1.0) == ""  # it waits: no next question without Enter
    term.send("\r")
    assert term.expect("> ") == (" \n\n[2/2] screens\n\nRecall is TP / (TP + FN).\n\n"
                                 "Answer t (true) or f (false)\n> ")
    term.send("t\r")
    term.expect("Correct. The answer is True.  (scr-recall-tf)\n")
    term.expect(PROMPT)
    term.send("\r")
    summary = term.expect("repeats this order)")
    assert summary.endswith("Session summary\n  Score: 1/2 (50%)\n\n"
                            "  topic    score  accuracy\n  -------  -----  --------\n"
                            "  screens  1/2    50%\n\n" + summary.split("\n\n")[-1])
    assert term.finish() == 0


def test_w_shows_the_whole_worked_example_and_q_ends_at_once():
    term = practice(env={"QUIZZER_PLOT_STYLE": "none"})
    term.expect("> ")
    term.send("c\r")
    term.expect(PROMPT)
    term.send("w")
    whole = term.expect(PROMPT)
    assert "actual positive  TP = 50" in whole  # the table, behind w
    findings = simulations.run("confusion_matrix.metrics", tp=50, fp=5, fn=10,
                               tn=100).findings
    bullets = []  # each "    - " line with the lines wrapped under it, words joined
    for line in whole.splitlines():
        if line.startswith("    - "):
            bullets.append(line[6:].strip())
        elif bullets and line.startswith("      ") and line.strip():
            bullets[-1] += " " + line.strip()
    assert bullets == [" ".join(f.split()) for f in findings]
    term.send("q")
    assert "Session summary\n  Score: 1/1 (100%), 1 not reached\n" in term.expect("order)")
    assert term.finish() == 0


@pytest.mark.parametrize("protocol, start", [
    ("kitty", "\x1b_Ga=T,f=100,c="),
    ("iterm2", "\x1b]1337;File=inline=1;size="),
    ("sixel", '\x1bPq"1;1;'),
])
def test_the_chart_is_drawn_inline_in_each_protocol(protocol, start):
    term = practice(env={"QUIZZER_PLOT_STYLE": protocol})
    term.expect("> ")
    term.send("c\r")
    screen = term.expect(PROMPT)
    after_findings = screen.split("Worked example:")[1]
    assert start in after_findings
    end = {"kitty": "m=0;", "iterm2": "\x07", "sixel": "\x1b\\"}[protocol]
    assert end in after_findings.split(start, 1)[1]
    assert "Plot: " not in screen and "█" not in screen  # the image, not its path or text
    term.send("q")
    assert term.finish() == 0


def test_a_terminal_without_images_gets_the_text_preview_and_sixel_is_asked_for():
    term = practice()  # no variable names a protocol: the screen asks the terminal (ESC [ c)
    term.expect("> ")
    term.send("c\r")
    term.expect("\x1b[c")  # the Primary Device Attributes query
    term.send("\x1b[?65;1;9c")  # a terminal without sixel (no 4)
    screen = term.expect(PROMPT)
    assert "█" in screen and "\x1bP" not in screen  # the unicode preview
    term.send("q")
    assert term.finish() == 0

    term = practice()
    term.expect("> ")
    term.send("c\r")
    term.expect("\x1b[c")
    term.send("\x1b[?62;4;22c")  # xterm -ti vt340: 4 is sixel
    assert '\x1bPq"1;1;' in term.expect(PROMPT)
    term.send("q")
    assert term.finish() == 0


def test_o_opens_the_plot_in_the_viewer_or_says_there_is_none(tmp_path):
    folder, log = fake_viewer(tmp_path)
    path = f"{folder}{os.pathsep}{os.environ['PATH']}"
    term = practice(env={"QUIZZER_PLOT_STYLE": "none", "PATH": path, "DISPLAY": ":0"})
    term.expect("> ")
    term.send("c\r")
    shown = term.expect(PROMPT)
    png = re.search(r"Plot: (\S+\.png)", shown).group(1)
    term.send("o")
    said = term.expect(PROMPT)
    assert " ".join(said.split()).startswith(f"Opened the plot in your image viewer: {png}")
    term.send("q")
    assert term.finish() == 0
    assert opened(log) == png

    term = practice(env={"QUIZZER_PLOT_STYLE": "none"})  # no DISPLAY: no desktop to open in
    term.expect("> ")
    term.send("c\r")
    term.expect(PROMPT)
    term.send("o")
    said = " ".join(term.expect(PROMPT).split())
    assert said.startswith("No image viewer to open the plot: there is no desktop session "
                           f"(DISPLAY is not set). The plot is at {png}")
    term.send("q")
    assert term.finish() == 0


def test_ctrl_c_and_ctrl_d_end_the_session_with_its_summary():
    term = practice(env={"QUIZZER_PLOT_STYLE": "none"})
    term.expect("> ")
    term.send("\x03")  # Ctrl-C at the answer prompt: SIGINT from the terminal
    assert "Session summary\n  Score: 0/0 (-), 2 not reached\n" in term.expect("order)")
    assert term.finish() == 130

    term = practice(env={"QUIZZER_PLOT_STYLE": "none"})
    term.expect("> ")
    term.send("c\r")
    term.expect(PROMPT)
    term.send("\x04")  # Ctrl-D while the feedback waits
    assert "Session summary\n  Score: 1/1 (100%), 1 not reached\n" in term.expect("order)")
    assert term.finish() == 0


def test_review_waits_too_with_the_next_review_date_above_the_prompt():
    term = Terminal("review", "--bank", BANK, "--topic", "screens", "--seed", "1",
                    env={"QUIZZER_PLOT_STYLE": "none"})
    assert term.expect("> ").startswith("To review: 2 new questions.\n\n[1/2] screens\n")
    term.send("c\r")
    screen = term.expect(PROMPT)
    assert "Correct. The answer is C.  (scr-precision)" in screen
    assert screen.splitlines()[-2].startswith("Next review: in 2 days (")
    assert term.quiet_for(1.0) == ""  # waiting
    term.send("\r")
    term.expect("[2/2] screens")
    term.send("\x04")  # Ctrl-D at the answer prompt ends the session
    assert "Review summary\n  Reviewed 1: 1 question (1 right).\n" in term.expect("Time:")
    assert term.finish() == 0


def test_the_anki_export_shows_steps_done_and_no_time_estimate(tmp_path):
    """The export's bar counts steps (items as their plots are drawn, then notes); the time
    left estimated from the pace so far was wrong throughout, so it shows none."""
    term = Terminal("export", "anki", "--topic", "cm", "--out", str(tmp_path / "cm.apkg"),
                    env={"QUIZZER_HOME": str(tmp_path / "home")})
    out = term.expect("Wrote ")
    assert term.finish() == 0
    bar = [line for line in out.replace("\r", "\n").splitlines() if "Making notes" in line]
    assert bar and re.search(r"\b(\d+)/\1\b", bar[-1])  # the last state: every step done
    assert not re.search(r"\d+:\d\d:\d\d", out)  # no hh:mm:ss estimate

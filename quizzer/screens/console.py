"""Where a screen reads, writes and tells the time: one small object passed to every screen.

Screens (practice, review, and later the exam) never touch ``sys.stdin``, module-global clocks
or the terminal size directly; they get a :class:`Console`. The CLI builds one from the
environment (``QUIZZER_NOW`` starts its wall clock at another instant); tests build one with a
clock they control and pass it through click's ``obj``, the way ``CliRunner`` isolates I/O.

Streams are looked up when used, not when the console is made, so a console made before
``CliRunner`` swaps ``sys.stdin``/``sys.stdout`` still talks to the swapped ones.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, TextIO

import click

from quizzer.render.terminal import MAX_WIDTH, MIN_WIDTH, color_enabled, size, width

def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Clock:
    """``now()``: the wall clock (timezone-aware UTC) that schedules and records answers;
    ``elapsed()``: a stopwatch in seconds (monotonic) that times answers and sessions."""

    now: Callable[[], datetime] = utc_now
    elapsed: Callable[[], float] = time.monotonic

    @classmethod
    def starting_at(cls, start: datetime) -> "Clock":
        """A wall clock that starts at ``start`` and runs on in real time (answers stay in
        order). A naive ``start`` is local time."""
        offset = start.astimezone(timezone.utc) - utc_now()
        return cls(now=lambda: utc_now() + offset)

    @classmethod
    def from_environment(cls) -> "Clock":
        """The real clock, or one starting at ``QUIZZER_NOW`` (an ISO date-time; a testing
        aid to simulate a week of reviews in a real terminal). Raises ValueError for a bad
        value."""
        value = os.environ.get("QUIZZER_NOW")
        if not value:
            return cls()
        try:
            return cls.starting_at(datetime.fromisoformat(value))
        except ValueError:
            raise ValueError(f"QUIZZER_NOW={value!r} is not an ISO date-time "
                             "(e.g. 2025-05-14T09:00)") from None


class Quit(Exception):
    """The learner asked to end the session (q, Ctrl-D): print the summary and stop."""


@dataclass
class Console:
    """Input, output, width, whether it is a terminal, and the clock, for one screen.

    ``interactive`` (default: stdin and stdout are both terminals) decides whether feedback
    waits for a key; ``echo_input`` (default: stdin is not a terminal) echoes answers read
    from a pipe so a transcript reads like a session.
    """

    clock: Clock = field(default_factory=Clock)
    stdin: TextIO | None = None      # None: sys.stdin at the time of use
    stdout: TextIO | None = None     # None: sys.stdout at the time of use
    interactive: bool | None = None
    echo_input: bool | None = None
    columns: int | None = None       # None: the terminal's width (COLUMNS first)
    lines: int | None = None         # None: the terminal's height (LINES first)

    # -- time
    def now(self) -> datetime:
        return self.clock.now()

    def elapsed(self) -> float:
        return self.clock.elapsed()

    # -- streams
    @property
    def input(self) -> TextIO:
        return self.stdin if self.stdin is not None else sys.stdin

    @property
    def output(self) -> TextIO:
        return self.stdout if self.stdout is not None else sys.stdout

    @property
    def is_terminal(self) -> bool:
        return self.interactive if self.interactive is not None else (
            _isatty(self.input) and _isatty(self.output))

    @property
    def width(self) -> int:
        """Columns to wrap to: the real width, at least 30 and at most 100."""
        if self.columns is not None:
            return max(MIN_WIDTH, min(MAX_WIDTH, self.columns))
        return width()

    @property
    def rows(self) -> int:
        """The terminal's height in rows (24 when it cannot be told)."""
        if self.lines is not None:
            return self.lines
        return size()[1]

    def write(self, text: str = "", nl: bool = True) -> None:
        click.echo(text, nl=nl, file=self.output, color=color_enabled())

    def write_raw(self, data: str) -> None:
        """Escape sequences (inline images) written as they are, never stripped or styled."""
        self.output.write(data)
        self.output.flush()

    def read_line(self) -> str:
        """One line of input without its newline; EOFError at the end of input."""
        self.output.flush()
        line = self.input.readline()
        if not line:
            raise EOFError
        if self.echo_input if self.echo_input is not None else not _isatty(self.input):
            self.write(line.rstrip("\n"))
        return line.rstrip("\r\n")

    def read_key(self, prompt: str = "") -> str:
        """Show ``prompt`` and read one key in a terminal (no Enter needed; Enter is ''),
        else one line. Ctrl-C raises KeyboardInterrupt and Ctrl-D EOFError, as at a line
        prompt."""
        if not self.is_terminal:
            self.write(prompt, nl=False)
            return self.read_line().strip()
        key = _one_key(self.input, lambda: self.write(prompt, nl=False))
        if key == "\x03":
            raise KeyboardInterrupt
        if key in ("\r", "\n"):
            return ""
        if key == "\x04":
            raise EOFError
        return key


def _one_key(stream, show_prompt) -> str:
    """One keypress without echo, the prompt shown once echo is off (a key pressed while it
    appears is not echoed). Raw mode is entered and left with TCSANOW, not click's
    TCSAFLUSH, so keys typed ahead (Enter pressed early) are kept, not thrown away."""
    try:
        import termios
        import tty
    except ImportError:  # Windows
        show_prompt()
        return click.getchar()
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd, termios.TCSANOW)
        show_prompt()
        sys.stdout.flush()
        data = os.read(fd, 32)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    if not data:
        raise EOFError
    return data.decode("utf-8", "replace")[:1] if len(data) == 1 or data[:1] != b"\x1b" \
        else data.decode("utf-8", "replace")  # an escape sequence (arrow key) stays whole


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

"""Text for the terminal: wrapping, colour, tables, and the practice screens.

Functions here return strings; the caller echoes them. Colour goes through ``click.style``
and is dropped by :func:`echo` when NO_COLOR is set, TERM is ``dumb`` or stdout is not a
terminal. :func:`configure_streams` makes the standard streams safe on any terminal.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import Iterable, Sequence

import click

MAX_WIDTH = 100


def width() -> int:
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns))


def color_enabled() -> bool | None:
    # None lets click decide (tty or not); NO_COLOR (https://no-color.org) forces it off, and
    # so does TERM=dumb (a terminal that shows escape codes as text, e.g. Emacs' shell).
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return None


def configure_streams() -> None:
    """Make the standard streams safe for whatever terminal or pipe they are.

    A terminal whose encoding cannot show a character (a Latin-1 terminal and ``→``) gets a
    replacement character instead of a UnicodeEncodeError ending the session, and typed
    bytes that are not valid in its encoding are read as replacement characters, which the
    answer parser then refuses like any other wrong keystroke. Streams that are closed
    (``<&-``) stay None: see :func:`is_tty` and the commands that need input.
    """
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (OSError, ValueError):
                pass  # not a text file we may change (a test's capture, a closed stream)


def is_tty(stream) -> bool:
    """Whether ``stream`` is an open terminal; False for a pipe, a file or a closed stream."""
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def echo(text: str = "", nl: bool = True, err: bool = False) -> None:
    click.echo(text, nl=nl, err=err, color=color_enabled())


def wrap(text: str, indent: str = "", first: str | None = None, cols: int | None = None) -> str:
    """Wrap each paragraph of ``text`` to the terminal, keeping blank lines between them."""
    cols = cols or width()
    first = indent if first is None else first
    paragraphs = [p for p in text.split("\n\n")]
    out = []
    for i, para in enumerate(paragraphs):
        out.append(textwrap.fill(" ".join(para.split()), cols, initial_indent=first if i == 0
                                 else indent, subsequent_indent=indent,
                                 break_on_hyphens=False))
    return "\n\n".join(out)


def good(text: str) -> str:
    return click.style(text, fg="green", bold=True)


def bad(text: str) -> str:
    return click.style(text, fg="red", bold=True)


def dim(text: str) -> str:
    return click.style(text, dim=True)


def heading(text: str) -> str:
    return click.style(text, bold=True)


def percent(correct: int, total: int) -> str:
    return f"{100 * correct / total:.0f}%" if total else "-"


def table(columns: Sequence[str], rows: Iterable[Sequence], indent: str = "") -> str:
    """A plain aligned table; numbers right-aligned, text left-aligned.

    Long headings wrap onto a second line before any cell is cut, and cells are cut (ending
    in "..") only if the table is still wider than the terminal.
    """
    rows = [list(r) for r in rows]
    cells = [[_cell(v) for v in row] for row in rows]
    head = [str(c) for c in columns]
    data_widths = [max([1] + [len(r[i]) for r in cells]) for i in range(len(head))]
    heads = [_split_heading(h, w) for h, w in zip(head, data_widths)]
    widths = [max(w, *(len(part) for part in h)) for w, h in zip(data_widths, heads)]
    room = width() - len(indent) - 2 * (len(widths) - 1)
    while sum(widths) > room and max(widths) > 6:
        widths[widths.index(max(widths))] -= 1
    numeric = [all(_is_num(r[i]) for r in rows) if cells else False for i in range(len(head))]

    def line(values: Sequence[str]) -> str:
        parts = [_fit(v, w).rjust(w) if num else _fit(v, w).ljust(w)
                 for v, w, num in zip(values, widths, numeric)]
        return (indent + "  ".join(parts)).rstrip()

    depth = max(len(h) for h in heads)
    head_lines = [line([h[k] if k < len(h) else "" for h in heads]) for k in range(depth)]
    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([*head_lines, rule, *(line(r) for r in cells)])


def _split_heading(text: str, data_width: int) -> list[str]:
    """One line if it fits over the data; else two lines split at the most even space."""
    if len(text) <= data_width or " " not in text:
        return [text]
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: max(i, len(text) - i - 1))
    return [text[:cut], text[cut + 1:]]


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 2] + ".."


def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) or value is None


def _cell(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
            return f"{value:.3g}"
        return f"{value:,.4f}".rstrip("0").rstrip(".") if not value.is_integer() else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return str(value)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"

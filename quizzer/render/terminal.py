"""Text for the terminal: wrapping, colour, tables, and the practice screens.

Functions here return strings; the caller echoes them. Colour goes through ``click.style``
and is dropped by :func:`echo` when NO_COLOR is set, TERM is ``dumb`` or stdout is not a
terminal. :func:`configure_streams` makes the standard streams safe on any terminal.
"""

from __future__ import annotations

import os
import sys
import textwrap
from datetime import date
from typing import Iterable, Sequence

import click

MIN_WIDTH, MAX_WIDTH = 30, 100


def size() -> tuple[int, int]:
    """The terminal's (columns, lines): COLUMNS and LINES first, then the terminal on
    stdout, else 80x24.

    shutil.get_terminal_size's rule, asked of os directly: importing shutil loads its
    compression modules, a few milliseconds before every first question."""
    found = []
    for name, index in (("COLUMNS", 0), ("LINES", 1)):
        try:
            value = int(os.environ.get(name, "0"))
        except ValueError:
            value = 0
        if value <= 0:
            try:
                value = os.get_terminal_size(sys.__stdout__.fileno())[index]
            except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
                value = 0
        found.append(value or (80, 24)[index])
    return found[0], found[1]


def width() -> int:
    """Columns to wrap to: the terminal's (COLUMNS first), at least 30 and at most 100."""
    return max(MIN_WIDTH, min(MAX_WIDTH, size()[0]))


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
                                 break_on_hyphens=False, break_long_words=False))
    return "\n\n".join(out)


def wrap_whole(text: str, whole: Iterable[str], indent: str = "", first: str | None = None,
               cols: int | None = None) -> str:
    """:func:`wrap`, never breaking inside any of the strings ``whole`` (a quoted path with
    spaces in a command to copy). Their spaces are held as NULs while wrapping: a NUL is
    neither whitespace to textwrap nor to str.split, and is one column wide like a space."""
    for part in whole:
        text = text.replace(part, part.replace(" ", "\0"))
    return wrap(text, indent=indent, first=first, cols=cols).replace("\0", " ")


def good(text: str) -> str:
    return click.style(text, fg="green", bold=True)


def bad(text: str) -> str:
    return click.style(text, fg="red", bold=True)


def dim(text: str) -> str:
    return click.style(text, dim=True)


def heading(text: str) -> str:
    return click.style(text, bold=True)


def wrap_tagged(text: str, tag: str, indent: str = "", first: str | None = None,
                cols: int | None = None, sep: str = "  ", style=dim) -> str:
    """:func:`wrap`, then ``tag`` (an id in brackets, a path) as it is: after ``sep`` on the
    text's last line if it fits there, else on a line of its own. A tag is never split or
    respaced (a path may then be wider than the terminal: it stays one piece to copy), and
    it is styled after wrapping, so escape codes do not count as width."""
    cols = cols or width()
    wrapped = wrap(text, indent=indent, first=first, cols=cols)
    last = wrapped.rsplit("\n", 1)[-1]
    joint = sep if len(last) + len(sep) + len(tag) <= cols else "\n" + indent
    return wrapped + joint + (style(tag) if style else tag)


def percent(correct: int, total: int) -> str:
    return f"{100 * correct / total:.0f}%" if total else "-"


def table(columns: Sequence[str], rows: Iterable[Sequence], indent: str = "",
          cols: int | None = None, keep: Sequence[int] = (0,)) -> str:
    """A plain aligned table; numbers right-aligned, text left-aligned.

    Nothing is ever cut: when the table is wider than the terminal, long headings go on two
    lines, then the widest text cell wraps onto more lines at its spaces. Numbers and the
    ``keep`` columns (values a learner types: topic slugs, commands; default the first) never
    wrap, so a table that still does not fit is wider than the terminal rather than wrong.
    """
    rows = [list(r) for r in rows]
    cells = [[_cell(v) for v in row] for row in rows]
    head = [str(c) for c in columns]
    numeric = [all(_is_num(r[i]) for r in rows) if cells else False for i in range(len(head))]
    data_widths = [max([1] + [len(r[i]) for r in cells]) for i in range(len(head))]
    heads = [_split_heading(h, w) for h, w in zip(head, data_widths)]
    widths = [max(w, *(len(part) for part in h)) for w, h in zip(data_widths, heads)]
    room = (cols or width()) - len(indent) - 2 * (len(widths) - 1)
    # The narrowest a column may get: its longest word (and its heading's), or all of it.
    floors = [widths[i] if numeric[i] or i in keep else
              max([1] + [len(word) for r in cells for word in r[i].split()]
                  + [len(part) for part in heads[i]])
              for i in range(len(head))]
    while sum(widths) > room:
        shrinkable = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1

    def lines_of(values: Sequence[str]) -> list[str]:
        parts = [textwrap.wrap(v, w, break_on_hyphens=False) or [""] if len(v) > w else [v]
                 for v, w in zip(values, widths)]
        out = []
        for k in range(max(len(p) for p in parts)):
            texts = [p[k] if k < len(p) else "" for p in parts]
            out.append((indent + "  ".join(v.rjust(w) if num else v.ljust(w)
                                           for v, w, num in zip(texts, widths, numeric)))
                       .rstrip())
        return out

    depth = max(len(h) for h in heads)
    head_lines = [lines_of([h[k] if k < len(h) else "" for h in heads])[0]
                  for k in range(depth)]
    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([*head_lines, rule, *(line for r in cells for line in lines_of(r))])


def _split_heading(text: str, data_width: int) -> list[str]:
    """One line if it fits over the data; else two lines split at the most even space."""
    if len(text) <= data_width or " " not in text:
        return [text]
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: max(i, len(text) - i - 1))
    return [text[:cut], text[cut + 1:]]


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


def day_text(day: date, today: date) -> str:
    """'today', 'tomorrow (Thu 16 May)', 'in 5 days (Mon 20 May)': a local calendar day."""
    label = f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")
    delta = (day - today).days
    if delta == 0:
        return f"today ({label})"
    if delta == 1:
        return f"tomorrow ({label})"
    if delta > 1:
        return f"in {delta} days ({label})"
    return f"{-delta} day{'s' if delta < -1 else ''} ago ({label})"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"

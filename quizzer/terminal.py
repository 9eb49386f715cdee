"""Text for the terminal: wrapping, colour, tables, and the practice screens.

Functions here return strings; the caller echoes them. Colour goes through ``click.style``
and is dropped by :func:`echo` when NO_COLOR is set or stdout is not a terminal.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from typing import Iterable, Sequence

import click

MAX_WIDTH = 100


def width() -> int:
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((80, 24)).columns))


def color_enabled() -> bool | None:
    # None lets click decide (tty or not); NO_COLOR (https://no-color.org) forces it off.
    return False if os.environ.get("NO_COLOR") else None


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
    """A plain aligned table; numbers right-aligned, text left-aligned."""
    rows = [list(r) for r in rows]
    cells = [[_cell(v) for v in row] for row in rows]
    head = [str(c) for c in columns]
    widths = [max([len(head[i])] + [len(r[i]) for r in cells]) for i in range(len(head))]
    numeric = [all(_is_num(r[i]) for r in rows) if cells else False for i in range(len(head))]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)]
        return (indent + "  ".join(parts)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(r) for r in cells)])


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

"""Text from a bank or a path made safe to print: no byte of it can drive the terminal.

A terminal obeys control characters: ESC starts sequences that clear the screen, set the
window title or hide text; C1 controls such as CSI (U+009B) do the same in one character;
BEL, backspace and carriage return rewrite what was shown; bidirectional overrides reorder
it. Bank text and file names are someone else's data, so every one of those is shown as a
visible escape (``\\x1b``) instead of being sent. Newlines and tabs are layout and stay,
except in one-line contexts (a file name in a problem line).

The loader refuses bank text that holds any of these (bank_files.py), so learner-facing
screens only meet them in paths; :func:`printable` is the one function every print
boundary uses for such text.
"""

from __future__ import annotations

import functools
import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_CONTROL_ONE_LINE = "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


@functools.cache
def _compiled(pattern: str) -> re.Pattern:
    """``pattern`` compiled when first used: compiling both at import cost every start
    0.7 ms, and the first question prints no path."""
    return re.compile(pattern)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, one_line: bool = False) -> str:
    """``text`` with every character that could drive a terminal shown as an escape.

    >>> printable("\\x1b]0;owned\\x07title")
    '\\\\x1b]0;owned\\\\x07title'
    """
    return _compiled(_CONTROL_ONE_LINE if one_line else _CONTROL).sub(_escape, str(text))


def control_characters(text: str) -> str:
    """The characters of ``text`` that :func:`printable` would escape ('' if none)."""
    return "".join(_compiled(_CONTROL).findall(text))

"""Reading a learner's answer and grading it, for every question kind.

Parsing is separate from grading so that a wrong keystroke is caught before anything is
recorded: :func:`parse` returns either a :class:`Response`, a :class:`Command` (help, skip,
quit) or an :class:`Invalid` with a one-line reason, and the prompt asks again.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from string import ascii_uppercase

from quizzer.bank import Question
from quizzer.console import command

COUNT_WORDS = {2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
_TRUE = {"t", "true", "y", "yes"}
_FALSE = {"f", "false", "n", "no"}


@dataclass(frozen=True)
class Presented:
    """A question as shown: ``order[i]`` is the bank index of the choice with letter i."""

    question: Question
    order: tuple = ()

    @property
    def letters(self) -> str:
        return ascii_uppercase[:len(self.order)]

    def shown_choices(self) -> list:
        return [(ascii_uppercase[i], self.question.choices[j]) for i, j in enumerate(self.order)]

    def letter_of(self, index: int) -> str:
        return ascii_uppercase[self.order.index(index)]

    def correct_letters(self) -> str:
        return "".join(sorted(self.letter_of(i) for i, c in enumerate(self.question.choices)
                              if c.correct))


def present(question: Question, rng: random.Random) -> Presented:
    """Shuffle the choices (if any) with ``rng``; letters are assigned in display order."""
    order = list(range(len(question.choices)))
    rng.shuffle(order)
    return Presented(question, tuple(order))


@dataclass(frozen=True)
class Response:
    """What the learner answered, in bank terms (choice indices, not letters)."""

    value: object  # frozenset of choice indices | bool | float

    def to_text(self) -> str:
        if isinstance(self.value, frozenset):
            return ",".join(str(i) for i in sorted(self.value))
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return f"{self.value:g}"


@dataclass(frozen=True)
class Command:
    name: str  # help | skip | quit


@dataclass(frozen=True)
class Invalid:
    reason: str


def instruction(presented: Presented) -> str:
    """The one line that says how to answer this question."""
    q = presented.question
    if q.kind == "multiple":
        n = q.correct_count
        return f"Choose {COUNT_WORDS.get(n, n)} (letters, e.g. {presented.letters[:n].lower()})"
    if q.kind == "single":
        return "Choose ONE letter"
    if q.kind == "true-false":
        return "Answer t (true) or f (false)"
    unit = f" in {q.unit}" if q.unit else ""
    return f"Type a number{unit}"


def parse(presented: Presented, text: str) -> Response | Command | Invalid:
    raw = text.strip()
    if not raw:
        return Invalid("Type an answer, ? for help, s to skip or q to quit.")
    said = command(raw)  # the one vocabulary every loop shares: ? help, s skip, q quit
    if said:
        return Command(said)
    kind = presented.question.kind
    if kind in ("single", "multiple"):
        return _parse_letters(presented, raw)
    if kind == "true-false":
        word = raw.lower()
        if word in _TRUE or word in _FALSE:
            return Response(word in _TRUE)
        return Invalid(f"{raw!r} is not an answer: type t for true or f for false.")
    return _parse_number(raw)


def _parse_letters(presented: Presented, raw: str) -> Response | Invalid:
    letters = re.sub(r"[\s,;/+&]+", "", raw).upper()
    valid = presented.letters
    if not letters.isalpha():  # digits or symbols: not an attempt at letters
        shown = raw if len(raw) <= 24 else raw[:21] + "..."
        return Invalid(f"{shown!r} is not an answer: use letters {valid[0]}-{valid[-1]}, "
                       "? for help.")
    unknown = [c for c in letters if c not in valid]
    if unknown:
        return Invalid(f"{''.join(dict.fromkeys(unknown))!r} is not a choice: use letters "
                       f"{valid[0]}-{valid[-1]}, ? for help.")
    if len(set(letters)) != len(letters):
        return Invalid("Each letter once, please.")
    q = presented.question
    want = 1 if q.kind == "single" else q.correct_count
    if len(letters) != want:
        what = "ONE letter" if want == 1 else f"exactly {COUNT_WORDS.get(want, want)} letters"
        return Invalid(f"Choose {what}; you gave {len(letters)}.")
    return Response(frozenset(presented.order[valid.index(c)] for c in letters))


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"


def _parse_number(raw: str) -> Response | Invalid:
    text = raw.replace(" ", "").replace("_", "")
    # "0,909" or "2,5" is a decimal comma; "10,000" or "1,500" groups thousands.
    if re.fullmatch(r"[-+]?(0,\d+|\d+,(\d{1,2}|\d{4,}))", text):
        text = text.replace(",", ".")
    text = text.replace(",", "")  # thousands separators: 10,000
    try:
        if re.fullmatch(_NUMBER + "%", text):
            return Response(float(text[:-1]) / 100)
        if re.fullmatch(_NUMBER + "/" + _NUMBER, text):
            top, bottom = (float(x) for x in text.split("/"))
            if bottom == 0:
                return Invalid("Division by zero is not an answer.")
            return Response(top / bottom)
        if re.fullmatch(_NUMBER, text):
            return Response(float(text))
    except ValueError:
        pass
    return Invalid(f"{raw!r} is not a number: type e.g. 0.91, 91% or 50/55.")


def grade(question: Question, response: Response) -> bool:
    if question.kind in ("single", "multiple"):
        return response.value == frozenset(i for i, c in enumerate(question.choices) if c.correct)
    if question.kind == "true-false":
        return response.value is question.answer
    # numeric: a small epsilon so that a tolerance of 0.005 accepts 0.904 for 0.909 exactly
    return abs(float(response.value) - question.answer) <= question.tolerance + 1e-9


def answer_text(presented: Presented) -> str:
    """The correct answer as the learner saw it (letters, true/false, or the number)."""
    q = presented.question
    if q.kind in ("single", "multiple"):
        return presented.correct_letters()
    if q.kind == "true-false":
        return "True" if q.answer else "False"
    unit = f" {q.unit}" if q.unit else ""
    tol = f" (within ±{q.tolerance:g})" if q.tolerance else ""
    return f"{q.answer:g}{unit}{tol}"

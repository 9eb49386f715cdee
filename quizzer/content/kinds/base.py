"""What every question kind declares, and the small records the kinds share.

A question kind (single, multiple, true-false, numeric, ordering, matching) is one object,
an instance of a :class:`QuestionKind` subclass in its own module; :mod:`quizzer.content.kinds` maps
kind names to them. Everything that differs between kinds lives there: the YAML keys and how
they are read and checked, how the question is shown and shuffled, how typed text becomes a
:class:`Response`, grading, the instruction line, the answer as the learner saw it, the
feedback lines, the faces of a printed card and the extra thinking time. The rest of quizzer
asks the kind and never branches on the kind's name.

No terminal, no database, no typesetting here: kinds return plain text and records.

The records here, the kinds' answer records, the bank's records (quizzer.content.bank) and
the few engine records the first question needs are plain dataclasses, not frozen ones, and
are never changed after they are built. Every start defines them, and a frozen dataclass
generates three more methods (__setattr__, __delattr__, __hash__) whose source Python
compiles each time: about 6 ms of the first practice question, whose goal is 1.5x
``import click, yaml`` (benchmarks/startup.py). Records that are hashed stay frozen
(quizzer.content.bank_files.Location and Problem, which sets hold).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Protocol

if TYPE_CHECKING:
    from quizzer.content.bank import Location, Question


# ------------------------------------------------------------------------------ records

# The letters that label choices (A, B, ...) and matching answers (a, b, ...):
# string.ascii_uppercase, spelled out, since the string module compiles a regex when
# imported and the kinds are on the way to every first question.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Presented:
    """A question as shown, after shuffling.

    ``order[i]`` is the bank index of the thing shown i-th: the choice with letter i, the
    ordering item numbered i + 1, or the matching prompt numbered i + 1. ``answer_order[j]``
    (matching only) is the index of the answer shown with letter j, counting the pairs'
    answers first and then the extra answers.
    """

    question: Question
    order: tuple = ()
    answer_order: tuple = ()


@dataclass
class Response:
    """What the learner answered, in bank terms (indices, never display letters).

    ``value`` is kind-specific (a frozenset of choice indices, a bool, a float, a tuple of
    item indices, a tuple of answer indices per prompt); ``text`` is how the store records it,
    stable under reshuffling.
    """

    value: Any
    text: str = field(default="", compare=False)

    def to_text(self) -> str:
        return self.text


@dataclass
class Invalid:
    """Typed text that is not an answer; ``reason`` is one line and the prompt asks again."""

    reason: str


@dataclass
class Option:
    """One labelled line shown under the prompt: ``A`` for a choice, ``3`` for an item, ``c``
    for a matching answer. Renderers decorate the label (``A)``)."""

    label: str
    text: str


@dataclass
class FeedbackLine:
    """One paragraph of feedback after grading: ``lead`` is set before the (wrapped) text."""

    lead: str
    text: str


@dataclass
class Paragraph:
    """One paragraph of a card face, in content terms; each renderer decides its type.

    The roles a kind uses: on the front ``prompt``, ``choice`` (a labelled option: a choice,
    an ordering item, a matching prompt or answer) and ``hint`` (how to answer); on the back
    ``answer`` (the answer line) and ``answer-choice`` (a labelled part of the answer).
    :mod:`quizzer.engine.card_content` adds the explanation and the worked example's finding.
    ``label`` is bare (``A``, ``3``, ``1c``); renderers decorate it (``A)``).
    """

    text: str
    role: str
    label: str = ""


@dataclass
class Reason:
    """Why one shown option is right or wrong, for exports that show the reason of every
    option (the Anki back). ``label`` is bare, as in :class:`Paragraph`."""

    label: str
    text: str
    why: str
    correct: bool


@dataclass
class CardFaces:
    """What the kind puts on a printed card: front and back paragraphs, before the card's
    explanation and worked example (common to every kind) are added to the back, and the
    answer as the learner gives it (``A and C``, ``False``, ``2413``, ``1d 2c 3b``), a
    :class:`Reason` per shown option where the kind has options that are right or wrong, and
    the card's one-line ``instruction`` ("Choose one.", "Choose TWO.") for exports that show
    one on every question (the PDF front shows it as a hint only where it adds something)."""

    front: tuple
    back: tuple
    answer: str
    reasons: tuple = ()
    instruction: str = ""


class Reader(Protocol):
    """The bank checker as a kind uses it to read its own YAML fields.

    ``data`` is a mapping read from YAML that remembers positions: ``data.where`` is its
    :class:`~quizzer.content.bank.Location` and ``data.at[key]`` that of each value; lists likewise
    have ``.where`` and ``.at[i]``. Problems are collected, never raised.
    """

    def problem(self, where: Location, message: str) -> None: ...

    def text(self, data: Any, key: str, what: str, required: bool = True) -> str: ...

    def mapping(self, value: Any, where: Location, what: str) -> Any: ...

    def keys(self, data: Any, what: str, required: set, optional: set) -> None: ...

    def texts(self, data: Any, key: str, what: str) -> tuple: ...


# ------------------------------------------------------------------------------ the kind

class QuestionKind:
    """Base of every kind: override what differs. Instances are stateless singletons."""

    name: str = ""                       # as written after ``kind:`` in a bank file
    label: str = ""                      # what a printed card calls it ("Single choice")
    required: frozenset = frozenset()    # YAML keys this kind needs, besides the common ones
    optional: frozenset = frozenset()
    explanation_required: bool = True    # False: the kind checks explanations itself
    think_seconds: float = 0.0           # thinking time on top of reading and the style's base
    on_exam: bool = True                 # the real exam asks this kind (quizzer exam draws it)
    help: str = ""                       # what ``?`` adds for this kind
    records: tuple = ()                  # the dataclasses of its answer record (snapshots)

    def read(self, reader: Reader, data: Any) -> Any:
        """Read and check this kind's fields of one question; return its answer record."""
        raise NotImplementedError

    def present(self, question: Question, rng: random.Random) -> Presented:
        """Shuffle what is shown with ``rng`` (the session's, so a seed repeats a session)."""
        return Presented(question)

    def options(self, presented: Presented) -> tuple:
        """Groups of :class:`Option` shown under the prompt, a blank line after each group."""
        return ()

    def parse(self, presented: Presented, raw: str) -> Response | Invalid:
        """``raw`` is stripped, non-empty and not a command."""
        raise NotImplementedError

    def grade(self, question: Question, response: Response) -> bool:
        raise NotImplementedError

    def instruction(self, presented: Presented) -> str:
        raise NotImplementedError

    def answer_text(self, presented: Presented) -> str:
        """The correct answer as the learner would type it."""
        raise NotImplementedError

    def response_text(self, presented: Presented, response: Response) -> str:
        """The learner's answer written as :meth:`answer_text` writes the key (letters as
        shown, ``1c 2a``, ``3142``), for screens that list answers given."""
        return response.to_text()

    def second_look(self, question: Question, response: Response,
                    typed: str = "") -> str | None:
        """A one-line question to the learner before grading a likely slip, or None.
        ``typed`` is the text the response was parsed from."""
        return None

    def feedback(self, presented: Presented, response: Response) -> list:
        """:class:`FeedbackLine` s saying what was right or wrong in ``response``."""
        return []

    def card_faces(self, presented: Presented) -> CardFaces:
        """Front and back of the printed card, as a pure function of the presentation."""
        answer = self.answer_text(presented)
        front = (Paragraph(presented.question.prompt, "prompt"),
                 *(Paragraph(o.text, "choice", o.label) for group in self.options(presented)
                   for o in group))
        return CardFaces(front, (Paragraph(f"Answer {answer}", "answer"),), answer,
                         instruction=self.instruction(presented))

    def shown_texts(self, question: Question) -> tuple:
        """Texts shown with the prompt before answering (reading time, placeholders)."""
        return ()

    def texts(self, question: Question) -> tuple:
        """Every text of the answer record, shown or not (placeholder checks)."""
        return self.shown_texts(question)

    def example_problems(self, question: Question, values: Mapping[str, Any] | None,
                         simulation: str) -> list:
        """Messages for answer fields that disagree with the worked example's ``values``
        (``None``: the question has no worked example at all)."""
        return []


def wrong_places(wrong: list, total: int, what: str) -> str:
    """``"positions 2 and 3 are wrong"``, ``"all 4 pairs are wrong"``."""
    if len(wrong) == total:
        return f"all {total} {what}s are wrong"
    if len(wrong) == 1:
        return f"{what} {wrong[0]} is wrong"
    return f"{what}s {ordinal_list(wrong)} are wrong"


def ordinal_list(numbers: list) -> str:
    """``[2, 3]`` -> ``"2 and 3"``; ``[1, 2, 4]`` -> ``"1, 2 and 4"``."""
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def shuffled_not_identity(n: int, rng: random.Random) -> tuple:
    """``range(n)`` shuffled by ``rng``, never left in order (the answer would show).

    An unshuffled result is rotated by one place instead of drawn again, so the number of
    draws from ``rng`` (and every later question's shuffle in the session) stays fixed.
    """
    order = list(range(n))
    rng.shuffle(order)
    if n > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)


def check_whys(reader: Reader, data: Any, raw: Any, has_why: list, what: str) -> None:
    """Every element of ``raw`` needs a ``why`` unless the question has an explanation."""
    explanation = data.get("explanation")
    if isinstance(explanation, str) and explanation.strip():
        return
    for i, ok in enumerate(has_why):
        if not ok:
            reader.problem(raw.at[i], f"{what} {i + 1} has no 'why' and the question has no "
                                      f"'explanation': give every {what} a why, or the "
                                      "question an explanation")


def sized_list(reader, data: Any, key: str, low: int, high: int, what: str) -> list | None:
    """``data[key]`` if it is a list of ``low`` to ``high`` entries; otherwise the problem is
    reported at the key ("pairs must be a list of 3 to 7 pairs; it has 2") and None."""
    raw = data[key]
    if isinstance(raw, list) and low <= len(raw) <= high:
        return raw
    size = f"; it has {len(raw)}" if isinstance(raw, list) else ""
    reader.problem(data.at[key], f"{key} must be a list of {low} to {high} {what}{size}")
    return None

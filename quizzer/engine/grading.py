"""Reading a learner's answer and grading it: the shared part, in front of the kinds.

Parsing is separate from grading so that a wrong keystroke is caught before anything is
recorded: :func:`parse` returns either a :class:`Response`, a :class:`Command` (help, skip,
quit — the same words for every kind and every loop) or an :class:`Invalid` with a one-line
reason, and the prompt asks again. Everything kind-specific is asked of the question's kind
(:mod:`quizzer.content.kinds`); nothing here branches on a kind's name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from quizzer.content import kinds
from quizzer.content.bank import Question
from quizzer.content.kinds.base import CardFaces, Invalid, Presented, Response
from quizzer.content.kinds.choices import COUNT_WORDS  # noqa: F401  (kept importable from here)

__all__ = ["Command", "Invalid", "Presented", "Response", "present", "parse", "grade",
           "instruction", "answer_text", "feedback", "card_faces", "options", "help_text",
           "second_look"]


# The one command vocabulary of every loop (practice, review, and the exam to come).
COMMANDS = {"?": "help", "h": "help", "help": "help", "s": "skip", "skip": "skip",
            "q": "quit", "quit": "quit", "exit": "quit"}


def command(text: str) -> str | None:
    """'help', 'skip' or 'quit' for a command word, else None."""
    return COMMANDS.get(text.strip().lower())


@dataclass
class Command:
    """What the learner typed instead of an answer."""

    name: str  # help | skip | quit


def present(question: Question, rng: random.Random) -> Presented:
    """Shuffle what the question shows (choices, items, pairs) with ``rng``."""
    return kinds.of(question).present(question, rng)


def parse(presented: Presented, text: str) -> Response | Command | Invalid:
    raw = text.strip()
    if not raw:
        return Invalid("Type an answer, ? for help, s to skip or q to quit.")
    said = command(raw)  # the one vocabulary every loop shares: ? help, s skip, q quit
    if said:
        return Command(said)
    return kinds.of(presented.question).parse(presented, raw)


def grade(question: Question, response: Response) -> bool:
    return kinds.of(question).grade(question, response)


def instruction(presented: Presented) -> str:
    """The one line that says how to answer this question."""
    return kinds.of(presented.question).instruction(presented)


def answer_text(presented: Presented) -> str:
    """The correct answer as the learner saw it (letters, true/false, a number, 3142, 1c 2a)."""
    return kinds.of(presented.question).answer_text(presented)


def response_text(presented: Presented, response: Response) -> str:
    """The learner's answer in the key's form (``BD``, ``True``, ``1c 2a 3b``, ``3142``)."""
    return kinds.of(presented.question).response_text(presented, response)


def options(presented: Presented) -> tuple:
    """Groups of labelled options shown under the prompt (see QuestionKind.options)."""
    return kinds.of(presented.question).options(presented)


def feedback(presented: Presented, response: Response) -> list:
    """FeedbackLines saying what was right or wrong in ``response``."""
    return kinds.of(presented.question).feedback(presented, response)


def card_faces(presented: Presented) -> CardFaces:
    """Front and back paragraphs of the question's printed card (before explanation)."""
    return kinds.of(presented.question).card_faces(presented)


COMMANDS_HELP = "? shows this help, s skips this question, q ends the session with your score."


def help_text(presented: Presented) -> str:
    """What ``?`` shows for a kind with its own help line, or "" when the general help
    (which covers letters, true/false and numbers) does."""
    own = kinds.of(presented.question).help
    return f"{own} {COMMANDS_HELP}" if own else ""


def second_look(question: Question, response: Response, typed: str = "") -> str | None:
    """A line asking the learner to look again before grading (a share typed as a
    percentage), or None: asked once, then the same answer is graded as typed. ``typed``:
    the text ``response`` was parsed from."""
    return kinds.of(question).second_look(question, response, typed)

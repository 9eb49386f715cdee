"""What single- and multiple-answer questions share: lettered choices, one or more correct.

Choices are shuffled when asked and given letters in display order; a response is the set of
bank indices of the chosen choices, so it means the same under any shuffle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizzer.content.kinds.base import (LETTERS, CardFaces, FeedbackLine, Invalid, Option,
                                         Paragraph, Presented, QuestionKind, Reason, Response)

COUNT_WORDS = {2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}
MAX_CHOICES = 10  # letters a to j: more would not fit a card or a reader's memory


@dataclass
class Choice:
    """One choice of a choice question: its text, why it is right or wrong, and whether it
    is right."""

    text: str
    why: str
    correct: bool = False


@dataclass
class Choices:
    """The answer record of a choice question: its choices in bank order."""

    choices: tuple = ()

    @property
    def correct(self) -> frozenset:
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)


def letters(presented: Presented) -> str:
    return LETTERS[:len(presented.order)]


def shown_choices(presented: Presented) -> list:
    """``(letter, Choice)`` in display order."""
    choices = presented.question.answer.choices
    return [(LETTERS[i], choices[j]) for i, j in enumerate(presented.order)]


def letter_of(presented: Presented, index: int) -> str:
    return LETTERS[presented.order.index(index)]


def correct_letters(presented: Presented) -> str:
    return "".join(sorted(letter_of(presented, i) for i in presented.question.answer.correct))


class ChoiceKind(QuestionKind):
    """Shared by :mod:`~quizzer.content.kinds.single` and :mod:`~quizzer.content.kinds.multiple`."""

    required = frozenset({"choices"})
    records = (Choice, Choices)

    def wanted(self, answer: Choices) -> int:
        """How many letters a response must have."""
        raise NotImplementedError

    def count_problem(self, correct: int, total: int) -> str | None:
        """What is wrong with ``correct`` right choices out of ``total``, if anything."""
        raise NotImplementedError

    # ---------------------------------------------------------------- reading the bank

    def read(self, reader, data: Any) -> Choices:
        raw = data.get("choices")
        if not isinstance(raw, list) or len(raw) < 2:
            reader.problem(data.at.get("choices", data.where),
                           "choices must be a list of at least two options")
            return Choices()
        if len(raw) > MAX_CHOICES:
            reader.problem(raw.where, f"{len(raw)} choices are too many: at most {MAX_CHOICES} "
                                      f"(a to {chr(ord('a') + MAX_CHOICES - 1)})")
            return Choices()
        out = []
        for i, item in enumerate(raw):
            item = reader.mapping(item, raw.at[i], "a choice")
            if item is None:
                continue
            reader.keys(item, "choice", {"text", "why"}, {"correct"})
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                reader.problem(item.at["correct"], "choice 'correct' must be true or false")
                correct = False
            out.append(Choice(reader.text(item, "text", "choice"),
                              reader.text(item, "why", "choice"), correct))
        texts = [c.text for c in out]
        for i, text in enumerate(texts):
            if text and texts.index(text) != i:
                reader.problem(raw.at[i], f"choice {i + 1} repeats choice "
                                          f"{texts.index(text) + 1}")
        if len(out) == len(raw):
            for message in filter(None, [self.count_problem(sum(c.correct for c in out),
                                                            len(out))]):
                reader.problem(raw.where, message)
        return Choices(tuple(out))

    def shown_texts(self, question) -> tuple:
        return tuple(c.text for c in question.choices)  # () while the record is unread

    def texts(self, question) -> tuple:
        choices = question.choices
        return (*(c.why for c in choices), *(c.text for c in choices))

    # ---------------------------------------------------------------- asking

    def present(self, question, rng) -> Presented:
        order = list(range(len(question.answer.choices)))
        rng.shuffle(order)
        return Presented(question, tuple(order))

    def options(self, presented: Presented) -> tuple:
        return (tuple(Option(letter, c.text) for letter, c in shown_choices(presented)),)

    def parse(self, presented: Presented, raw: str) -> Response | Invalid:
        typed = re.sub(r"[\s,;/+&]+", "", raw).upper()
        valid = letters(presented)
        if not typed.isalpha():  # digits or symbols: not an attempt at letters
            shown = raw if len(raw) <= 24 else raw[:21] + "..."
            return Invalid(f"{shown!r} is not an answer: use letters {valid[0]}-{valid[-1]}, "
                           "? for help.")
        unknown = [c for c in typed if c not in valid]
        if unknown:
            return Invalid(f"{''.join(dict.fromkeys(unknown))!r} is not a choice: use letters "
                           f"{valid[0]}-{valid[-1]}, ? for help.")
        if len(set(typed)) != len(typed):
            return Invalid("Each letter once, please.")
        want = self.wanted(presented.question.answer)
        if len(typed) != want:
            what = "ONE letter" if want == 1 else f"exactly {COUNT_WORDS.get(want, want)} letters"
            return Invalid(f"Choose {what}; you gave {len(typed)}.")
        chosen = frozenset(presented.order[valid.index(c)] for c in typed)
        return Response(chosen, ",".join(str(i) for i in sorted(chosen)))

    def grade(self, question, response: Response) -> bool:
        return response.value == question.answer.correct

    def answer_text(self, presented: Presented) -> str:
        return correct_letters(presented)

    def response_text(self, presented: Presented, response: Response) -> str:
        return "".join(sorted(letter_of(presented, i) for i in response.value))

    def feedback(self, presented: Presented, response: Response) -> list:
        """The why of every choice, marked as chosen and/or correct."""
        lines = []
        for index, (letter, choice) in zip(presented.order, shown_choices(presented)):
            mark = {(True, True): " (you chose, correct)", (True, False): " (you chose)",
                    (False, True): " (correct)", (False, False): ""}[
                        (index in response.value, choice.correct)]
            lines.append(FeedbackLine(f"  {letter}{mark}: ", choice.why))
        return lines

    # ---------------------------------------------------------------- printed cards

    def card_hint(self, presented: Presented) -> str:
        """The small line on a printed front; "" where the choices speak for themselves."""
        return ""

    def card_instruction(self, presented: Presented) -> str:
        """How to answer, for exports that show it on every card."""
        return self.card_hint(presented)

    def card_faces(self, presented: Presented) -> CardFaces:
        front = [Paragraph(presented.question.prompt, "prompt")]
        front += [Paragraph(c.text, "choice", letter) for letter, c in shown_choices(presented)]
        if self.card_hint(presented):
            front.append(Paragraph(self.card_hint(presented), "hint"))
        correct = [(letter, c) for letter, c in shown_choices(presented) if c.correct]
        answer = " and ".join(letter for letter, _ in correct)
        back = [Paragraph(f"Answer {answer}", "answer")]
        back += [Paragraph(c.text, "answer-choice", letter) for letter, c in correct]
        reasons = tuple(Reason(letter, c.text, c.why, c.correct)
                        for letter, c in shown_choices(presented))
        return CardFaces(tuple(front), tuple(back), answer, reasons,
                         self.card_instruction(presented))

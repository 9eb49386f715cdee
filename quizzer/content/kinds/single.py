"""``kind: single`` — exactly one correct choice; the learner types one letter."""

from __future__ import annotations

from quizzer.content.kinds.choices import ChoiceKind, Choices


class Single(ChoiceKind):
    name = "single"
    label = "Single choice"

    def wanted(self, answer: Choices) -> int:
        return 1

    def count_problem(self, correct: int, total: int) -> str | None:
        if correct != 1:
            return f"a single-answer question needs exactly one correct choice; it has {correct}"
        return None

    def instruction(self, presented) -> str:
        return "Choose ONE letter"

    def card_instruction(self, presented) -> str:
        return "Choose one."


KIND = Single()

"""``kind: multiple`` — two or more correct choices, at least one wrong; all-or-nothing.

The instruction says how many to choose ("Choose TWO"), as the exam does.
"""

from __future__ import annotations

from quizzer.content.kinds.choices import COUNT_WORDS, ChoiceKind, Choices, letters


class Multiple(ChoiceKind):
    name = "multiple"
    label = "Multiple choice"

    def wanted(self, answer: Choices) -> int:
        return len(answer.correct)

    def count_problem(self, correct: int, total: int) -> str | None:
        if correct < 2:
            return (f"a multiple-response question needs at least two correct choices; "
                    f"it has {correct}")
        if correct >= total:
            return "a multiple-response question needs at least one wrong choice"
        return None

    def instruction(self, presented) -> str:
        n = self.wanted(presented.question.answer)
        return f"Choose {COUNT_WORDS.get(n, n)} (letters, e.g. {letters(presented)[:n].lower()})"

    def card_hint(self, presented) -> str:
        n = self.wanted(presented.question.answer)
        return f"Choose {COUNT_WORDS.get(n, n)}."


KIND = Multiple()

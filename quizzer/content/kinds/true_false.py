"""``kind: true-false`` — a statement; the learner types t or f (or true/false, y/n)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quizzer.content.kinds.base import CardFaces, Invalid, Paragraph, QuestionKind, Response

_TRUE = {"t", "true", "y", "yes"}
_FALSE = {"f", "false", "n", "no"}


@dataclass
class TrueFalse:
    """The answer record: whether the statement is true."""

    value: bool


class TrueFalseKind(QuestionKind):
    name = "true-false"
    label = "True or false"
    on_exam = False  # practice only: MLA-C01 has no true/false questions
    required = frozenset({"answer"})
    records = (TrueFalse,)

    def read(self, reader, data: Any) -> TrueFalse:
        if "answer" not in data:
            return TrueFalse(False)  # reported as a missing key; the bank will not load
        if not isinstance(data["answer"], bool):
            reader.problem(data.at["answer"], "a true-false answer must be true or false")
        return TrueFalse(bool(data["answer"]))

    def parse(self, presented, raw: str) -> Response | Invalid:
        word = raw.lower()
        if word in _TRUE or word in _FALSE:
            value = word in _TRUE
            return Response(value, "true" if value else "false")
        return Invalid(f"{raw!r} is not an answer: type t for true or f for false.")

    def grade(self, question, response: Response) -> bool:
        return response.value is question.answer.value

    def instruction(self, presented) -> str:
        return "Answer t (true) or f (false)"

    def answer_text(self, presented) -> str:
        return "True" if presented.question.answer.value else "False"

    def response_text(self, presented, response) -> str:
        return "True" if response.value else "False"

    def card_faces(self, presented) -> CardFaces:
        answer = self.answer_text(presented)
        return CardFaces((Paragraph(presented.question.prompt, "prompt"),
                          Paragraph("True or false?", "hint")),
                         (Paragraph(f"Answer {answer}", "answer"),), answer,
                         instruction="True or false?")


KIND = TrueFalseKind()

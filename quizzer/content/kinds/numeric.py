"""``kind: numeric`` — a number, accepted within a tolerance; usually the worked example's.

Input is forgiving: ``0.909``, ``.909``, ``0,909`` (decimal comma), ``10,000`` (thousands),
``90.9%``, ``50/55``, ``9.09e-1``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from quizzer.content.kinds.base import CardFaces, Invalid, Paragraph, QuestionKind, Response

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"


@dataclass
class Numeric:
    """The answer record: ``value`` accepted within ``tolerance`` (same unit).

    ``answer_value`` optionally names the worked example's value that ``value`` must equal
    (checked by ``quizzer validate --run-examples``).
    """

    value: float
    tolerance: float = 0.0
    unit: str = ""
    answer_value: str = ""


def _is_number(value: Any) -> bool:
    """A finite int or float (YAML's .inf and .nan are refused when the file is read)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def parse_number(raw: str, example: str = "0.91, 91% or 50/55") -> float | Invalid:
    """``raw`` as a number, or Invalid with a reason that suggests ``example`` inputs."""
    text = raw.replace(" ", "").replace("_", "")
    # "0,909" or "2,5" is a decimal comma; "10,000" or "1,500" groups thousands.
    if re.fullmatch(r"[-+]?(0,\d+|\d+,(\d{1,2}|\d{4,}))", text):
        text = text.replace(",", ".")
    text = text.replace(",", "")  # thousands separators: 10,000
    try:
        if re.fullmatch(_NUMBER + "%", text):
            return float(text[:-1]) / 100
        if re.fullmatch(_NUMBER + "/" + _NUMBER, text):
            top, bottom = (float(x) for x in text.split("/"))
            if bottom == 0:
                return Invalid("Division by zero is not an answer.")
            return top / bottom
        if re.fullmatch(_NUMBER, text):
            return float(text)
    except ValueError:
        pass
    return Invalid(f"{raw!r} is not a number: type e.g. {example}.")


def _is_share(answer: Numeric) -> bool:
    """A share of 1 (0 < |value| <= 1, no unit): the answers a percentage can be typed for."""
    return not answer.unit and 0 < abs(answer.value) <= 1


class NumericKind(QuestionKind):
    name = "numeric"
    label = "Numeric answer"
    required = frozenset({"answer"})
    optional = frozenset({"tolerance", "unit", "answer_value"})
    records = (Numeric,)
    think_seconds = 30.0  # there is arithmetic to do
    on_exam = False  # practice only: MLA-C01 has no numeric-entry questions

    def read(self, reader, data: Any) -> Numeric:
        answer = data.get("answer")
        if not _is_number(answer):
            reader.problem(data.at.get("answer", data.where), "a numeric answer must be a number")
            answer = 0.0
        tolerance = data.get("tolerance", 0)
        if not _is_number(tolerance) or tolerance < 0:
            reader.problem(data.at.get("tolerance", data.where),
                           "tolerance must be a number >= 0")
            tolerance = 0.0
        unit = reader.text(data, "unit", "question") if "unit" in data else ""
        value_name = reader.text(data, "answer_value", "question") \
            if "answer_value" in data else ""
        return Numeric(float(answer), float(tolerance), unit, value_name)

    def parse(self, presented, raw: str) -> Response | Invalid:
        # a percentage is only suggested where the answer is a share of 1
        number = parse_number(raw, "0.91, 91% or 50/55" if _is_share(presented.question.answer)
                              else "42, 1.5, 2e3 or 3/4")
        return number if isinstance(number, Invalid) else Response(number, f"{number:g}")

    def second_look(self, question, response: Response, typed: str = "") -> str | None:
        """A percentage slip, answer off by exactly a factor of 100: a share of 1 typed as a
        percentage without its % sign (90.9 for 0.909), or a % sign typed after the number
        the key is (391% for 391, 0.909% for 0.909)."""
        if self.grade(question, response):
            return None
        value = float(response.value)
        if typed.strip().endswith("%") and self.grade(question, Response(value * 100)):
            return (f"{typed.strip()} is {value:g}. Did you mean {value * 100:g}? Type it "
                    "without the % sign.")
        if _is_share(question.answer) and self.grade(question, Response(value / 100)):
            return (f"Did you mean {value:g}%? The answer is a share of 1: type {value:g}% "
                    "or the decimal.")
        return None

    def grade(self, question, response: Response) -> bool:
        # a small epsilon so that a tolerance of 0.005 accepts 0.904 for 0.909 exactly
        answer = question.answer
        return abs(float(response.value) - answer.value) <= answer.tolerance + 1e-9

    def instruction(self, presented) -> str:
        unit = presented.question.answer.unit
        return "Type a number" + (f" in {unit}" if unit else "")

    def answer_text(self, presented) -> str:
        answer = presented.question.answer
        unit = f" {answer.unit}" if answer.unit else ""
        tol = f" (within ±{answer.tolerance:g})" if answer.tolerance else ""
        return f"{answer.value:g}{unit}{tol}"

    def card_faces(self, presented) -> CardFaces:
        unit = presented.question.answer.unit
        answer = self.answer_text(presented)
        hint = "Give a number" + (f" ({unit})." if unit else ".")
        return CardFaces((Paragraph(presented.question.prompt, "prompt"),
                          Paragraph(hint, "hint")),
                         (Paragraph(f"Answer {answer}", "answer"),), answer, instruction=hint)

    def example_problems(self, question, values: Mapping[str, Any] | None,
                         simulation: str) -> list:
        answer = question.answer
        if not answer.answer_value:
            return []
        if values is None:
            return [f"answer_value {answer.answer_value!r} needs a worked example, and neither "
                    "this question nor its topic has one"]
        got = values.get(answer.answer_value)
        if not _is_number(got):
            return [f"answer_value {answer.answer_value!r} is not a defined number of "
                    f"{simulation} with these parameters"]
        if abs(float(got) - answer.value) > answer.tolerance + 1e-12:
            return [f"answer {answer.value:g} differs from {simulation} "
                    f"{answer.answer_value} = {float(got):g} by more than the tolerance"]
        return []


KIND = NumericKind()

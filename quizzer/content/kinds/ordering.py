"""``kind: ordering`` — put 3 to 7 items in the right order (MLA-C01 asks 3 to 5).

The bank lists ``items`` in the RIGHT order; they are shown shuffled and numbered, and the
learner types the numbers in order (``3142``, ``3 1 4 2``, ``3,1,4,2``, ``3-1-4-2``).
Grading is all-or-nothing. A response is the tuple of bank item indices in the learner's
order, recorded as ``"2,0,3,1"``: the right answer is always ``"0,1,2,..."``, whatever the
shuffle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from quizzer.content.kinds.base import (CardFaces, FeedbackLine, Invalid, Option, Paragraph,
                                         Presented, QuestionKind, Response, check_whys,
                                         ordinal_list, sized_list, shuffled_not_identity,
                                         wrong_places)

MIN_ITEMS, MAX_ITEMS = 3, 7
# A fixed example per length, never derived from the answer.
EXAMPLES = {3: "312", 4: "3142", 5: "31524", 6: "315264", 7: "3152746"}
_SEPARATORS = re.compile(r"[\s,;.\-\u2013\u2014/>]+")


@dataclass
class OrderItem:
    """One item of an ordering question, and why it stands where it does."""

    text: str
    why: str = ""


@dataclass
class Ordering:
    """The answer record: the items in the right order."""

    items: tuple = ()


def _example(n: int) -> str:
    return EXAMPLES.get(n, "".join(str(i) for i in range(n, 0, -1)))


class OrderingKind(QuestionKind):
    name = "ordering"
    label = "Ordering"
    required = frozenset({"items"})
    records = (OrderItem, Ordering)
    explanation_required = False  # every item's why can explain it instead
    think_seconds = 20.0  # arranging takes longer than recognising
    help = ("Type the numbers of the items from first to last, e.g. 3142 or 3 1 4 2.")

    # ---------------------------------------------------------------- reading the bank

    def read(self, reader, data: Any) -> Ordering:
        if "items" not in data:
            return Ordering()  # reported as a missing key
        raw = sized_list(reader, data, "items", MIN_ITEMS, MAX_ITEMS, "items in the right order")
        if raw is None:
            return Ordering()
        items = []
        for i, item in enumerate(raw):
            item = reader.mapping(item, raw.at[i], "an item")
            if item is None:
                items.append(OrderItem(""))
                continue
            reader.keys(item, "item", {"text"}, {"why"})
            items.append(OrderItem(reader.text(item, "text", "item"),
                                   reader.text(item, "why", "item") if "why" in item else ""))
        texts = [item.text for item in items]
        for i, text in enumerate(texts):
            if text and texts.index(text) != i:
                reader.problem(raw.at[i], f"item {i + 1} repeats item {texts.index(text) + 1}")
        check_whys(reader, data, raw, [bool(item.why) for item in items], "item")
        return Ordering(tuple(items))

    def shown_texts(self, question) -> tuple:
        return tuple(item.text for item in question.answer.items)

    def texts(self, question) -> tuple:
        items = question.answer.items
        return (*(item.why for item in items if item.why), *(item.text for item in items))

    # ---------------------------------------------------------------- asking

    def present(self, question, rng) -> Presented:
        return Presented(question, shuffled_not_identity(len(question.answer.items), rng))

    def options(self, presented: Presented) -> tuple:
        items = presented.question.answer.items
        return (tuple(Option(str(n), items[k].text)
                      for n, k in enumerate(presented.order, 1)),)

    def parse(self, presented: Presented, raw: str) -> Response | Invalid:
        n = len(presented.order)
        typed = _SEPARATORS.sub("", raw)
        if not typed.isdigit() or not typed.isascii():
            shown = raw if len(raw) <= 24 else raw[:21] + "..."
            return Invalid(f"{shown!r} is not an order: type the numbers 1-{n} from first to "
                           f"last, e.g. {_example(n)}.")
        numbers = [int(c) for c in typed]
        unknown = [d for d in dict.fromkeys(numbers) if not 1 <= d <= n]
        if unknown:
            return Invalid(f"There is no number {unknown[0]}: use 1-{n}.")
        twice = [d for d in dict.fromkeys(numbers) if numbers.count(d) > 1]
        if twice:
            return Invalid(f"{twice[0]} appears twice: each number once.")
        if len(numbers) != n:
            missing = [d for d in range(1, n + 1) if d not in numbers]
            return Invalid(f"Put all {n} numbers in order; {ordinal_list(missing)} "
                           f"{'is' if len(missing) == 1 else 'are'} missing.")
        order = tuple(presented.order[d - 1] for d in numbers)
        return Response(order, ",".join(map(str, order)))

    def grade(self, question, response: Response) -> bool:
        return tuple(response.value) == tuple(range(len(question.answer.items)))

    def instruction(self, presented: Presented) -> str:
        example = _example(len(presented.order))
        return (f"Type the order, e.g. {example} (item {example[0]} first, "
                f"item {example[-1]} last)")

    def _number(self, presented: Presented, index: int) -> int:
        """The number item ``index`` (bank order) was shown with."""
        return presented.order.index(index) + 1

    def answer_text(self, presented: Presented) -> str:
        return "".join(str(self._number(presented, k))
                       for k in range(len(presented.question.answer.items)))

    def response_text(self, presented: Presented, response: Response) -> str:
        return "".join(str(self._number(presented, k)) for k in response.value)

    def feedback(self, presented: Presented, response: Response) -> list:
        """The right order, item by item, with the learner's item where it differs."""
        items = presented.question.answer.items
        yours = tuple(response.value)
        wrong = [p for p, k in enumerate(yours, 1) if k != p - 1]
        lines = []
        if wrong:
            typed = "".join(str(self._number(presented, k)) for k in yours)
            lines.append(FeedbackLine("  ", f"Your order {typed}: "
                                            f"{wrong_places(wrong, len(items), 'position')}."))
        for p, item in enumerate(items, 1):
            text = f"{self._number(presented, p - 1)}) {item.text}"
            if p in wrong:
                text += f" (you had {self._number(presented, yours[p - 1])} here)"
            lines.append(FeedbackLine(f"  {p}. ", text + (f": {item.why}" if item.why else "")))
        return lines

    # ---------------------------------------------------------------- printed cards

    def card_faces(self, presented: Presented) -> CardFaces:
        question = presented.question
        front = (Paragraph(question.prompt, "prompt"),
                 *(Paragraph(o.text, "choice", o.label) for o in self.options(presented)[0]),
                 Paragraph("Put these in order, first to last.", "hint"))
        # Without an explanation, the items' reasons are the only explanation on the back.
        whys = not question.explanation
        answer = self.answer_text(presented)
        # In the right order, each labelled with the number it has on the front.
        back = (Paragraph(f"Answer {answer}", "answer"),
                *(Paragraph(item.text + (f": {item.why}" if whys and item.why else ""),
                            "answer-choice", str(self._number(presented, k)))
                  for k, item in enumerate(question.answer.items)))
        return CardFaces(front, back, answer, instruction=front[-1].text)


KIND = OrderingKind()

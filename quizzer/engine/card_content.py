"""What a printed (or Anki) card says: pure content records, no typography.

A :class:`CardContent` holds, for one concept card or question, the paragraphs of its front
and back (each with a *role* such as ``prompt``, ``choice`` or ``finding``, never a font or a
size), the answer as the learner must give it, and the worked example behind it with its key
finding and chart description. Every export renders these same records: the PDF sheets
(``quizzer.render.flashcards``) decide how each role is set; an Anki export can map roles to HTML.

Choices are shuffled once per question id (``random.Random(question.id)``), so the letters
are stable between exports and between formats, but the correct option is not always where
the author happened to write it.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any

from quizzer.content import kinds
from quizzer.content.bank import (Bank, Card, Question, SimulationCall, example_for,
                                  fill_placeholders)
from quizzer.engine.grading import card_faces, present
# The records the question kinds return for card faces, used as they are by every export.
from quizzer.content.kinds.base import Paragraph, Reason  # noqa: F401  (Reason: importable here)

# The roles a paragraph can play. Front: prompt, choice, hint (concept cards: front).
# Back: answer, answer-choice, explanation, finding (concept cards: back, finding).
ROLES = ("front", "prompt", "choice", "hint", "answer", "answer-choice", "back",
         "explanation", "finding")

@dataclass(frozen=True)
class CardContent:
    """One card: a concept card (``kind == "card"``) or a question of the bank's kinds.

    ``answer`` is the answer as the learner gives it ("A and C", "False", "0.909"), empty
    for a concept card. ``chart`` is the worked example's chart description
    (``quizzer.simulations.example.Chart``), or None when there is no example or plots are off.
    """

    id: str
    topic: str
    topic_title: str
    kind: str
    front: tuple
    back: tuple
    answer: str = ""
    example: SimulationCall | None = None
    finding: str = ""
    chart: Any = field(default=None, compare=False)
    reasons: tuple = ()   # Reason per shown option, in the shown order (choice kinds)
    findings: tuple = ()  # every finding of the worked example, the key one first
    instruction: str = ""  # how to answer, one line ("Choose one."); empty for a concept card

    @property
    def kind_label(self) -> str:
        kind = kinds.get(self.kind)
        return kind.label if kind is not None else "Concept card"


def key_finding(example) -> str:
    """The worked example's headline finding: a sentence of numbers computed by the run."""
    return example.findings[0] if example is not None and example.findings else ""


def _question_faces(question: Question, fill) -> tuple[tuple, tuple, str, tuple, str]:
    """(front paragraphs, back paragraphs, answer, reasons, instruction) of a question,
    shuffled by id.

    The question's kind says what goes on each face (``QuestionKind.card_faces``); the
    explanation, when there is one, follows the answer.
    """
    faces = card_faces(present(question, random.Random(question.id)))
    front = tuple(dataclasses.replace(p, text=fill(p.text)) for p in faces.front)
    back = tuple(dataclasses.replace(p, text=fill(p.text)) for p in faces.back)
    if question.explanation:
        back += (Paragraph(fill(question.explanation), "explanation"),)
    reasons = tuple(dataclasses.replace(r, text=fill(r.text), why=fill(r.why))
                    for r in faces.reasons)
    return front, back, faces.answer, reasons, faces.instruction


def question_content(question: Question, bank: Bank, example) -> CardContent:
    values = dict(example.values) if example is not None else {}
    front, back, answer, reasons, instruction = _question_faces(
        question, lambda text: fill_placeholders(text, values))
    finding = key_finding(example)
    if finding:
        back += (Paragraph(finding, "finding"),)
    return CardContent(question.id, question.topic, bank.topic(question.topic).title,
                       question.kind, front, back, answer, example_for(question, bank),
                       finding, _chart(example), reasons, _findings(example), instruction)


def card_content(card: Card, bank: Bank, example) -> CardContent:
    values = dict(example.values) if example is not None else {}
    back = (Paragraph(fill_placeholders(card.back, values), "back"),)
    finding = key_finding(example)
    if finding:
        back += (Paragraph(finding, "finding"),)
    return CardContent(card.id, card.topic, bank.topic(card.topic).title, "card",
                       (Paragraph(fill_placeholders(card.front, values), "front"),), back,
                       "", example_for(card, bank), finding, _chart(example),
                       findings=_findings(example))


def _findings(example) -> tuple:
    return tuple(example.findings) if example is not None else ()


def _chart(example):
    chart = example.chart if example is not None else None
    return chart if chart is not None and chart.panels else None


def chosen_items(bank: Bank, what: str, topics: list[str] | None) -> list:
    """Concept cards then questions (``what``: cards | questions | all), topic by topic."""
    chosen = []
    for topic in bank.topics:
        if topics and topic.slug not in topics:
            continue
        chosen += ([*topic.cards] if what in ("cards", "all") else []) + \
                  ([*topic.questions] if what in ("questions", "all") else [])
    return chosen


def deck(bank: Bank, what: str, topics: list[str] | None, plots: bool = True,
         workers: int = 1) -> list[CardContent]:
    """The content of every chosen card, with its worked example (run on ``workers``
    processes if not kept yet; an example that fails leaves its card without one)."""
    from quizzer.engine import run_cache

    chosen = chosen_items(bank, what, topics)
    calls = example_calls(chosen, bank)
    return contents(chosen, bank, run_cache.get_many(list(calls.values()), workers), plots)


def example_calls(chosen: list, bank: Bank) -> dict:
    """``{SimulationCall.key(): (name, params, seed)}``: each distinct worked example of
    the ``chosen`` items once, in the items' order (items without one are left out)."""
    calls = {}
    for item in chosen:
        ref = example_for(item, bank)
        if ref is not None:  # an item of a topic without examples prints without one
            calls.setdefault(ref.key(), (ref.simulation, dict(ref.params), ref.seed))
    return calls


def contents(chosen: list, bank: Bank, found: dict, plots: bool = True) -> list[CardContent]:
    """The content of each of the ``chosen`` items, given ``found``: {run_cache.call_key
    (call): ScenarioRun or the exception its run raised} for every call of
    :func:`example_calls` (an example that failed leaves its card without one)."""
    from quizzer.engine import run_cache

    out = []
    for item in chosen:
        ref = example_for(item, bank)
        result = None
        if ref is not None:
            result = found[run_cache.call_key((ref.simulation, dict(ref.params), ref.seed))]
        example = None if result is None or isinstance(result, Exception) else result.example
        make = question_content if isinstance(item, Question) else card_content
        content = make(item, bank, example)
        if not plots:
            content = _replace(content, chart=None)
        out.append(content)
    return out


def _replace(content: CardContent, **changes) -> CardContent:
    import dataclasses

    return dataclasses.replace(content, **changes)

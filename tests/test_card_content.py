"""Card content records: what every export prints, with no typography in them."""

import dataclasses

import pytest

from quizzer import simulations
from quizzer.content.bank import load
from quizzer.engine.card_content import (ROLES, CardContent, Paragraph, Reason, chosen_items,
                                         deck)


@pytest.fixture(autouse=True)
def fixture_bank(mini_bank):
    return mini_bank


def test_records_hold_content_only():
    fields = {f.name for f in dataclasses.fields(CardContent)}
    assert not fields & {"bold", "size", "scale", "font", "indent", "start_pt"}
    for content in deck(load(), "all", None):
        assert {p.role for p in content.front + content.back} <= set(ROLES)


def test_the_answer_names_the_correct_choices_by_their_shown_letters():
    questions = {q.id: q for t in load().topics for q in t.questions}
    for content in deck(load(), "questions", None):
        question = questions[content.id]
        if not question.choices:
            continue
        shown = {p.label: p.text for p in content.front if p.role == "choice"}
        correct = sorted(letter for letter, text in shown.items()
                         if any(c.correct and c.text == text for c in question.choices))
        assert content.answer == " and ".join(correct)
        assert [(p.label, p.text) for p in content.back if p.role == "answer-choice"] == \
            [(letter, shown[letter]) for letter in correct]


def test_placeholders_are_filled_and_the_key_finding_is_on_the_back():
    by_id = {c.id: c for c in deck(load(), "all", None)}
    single = by_id["mini-single"]
    assert single.kind == "single" and single.kind_label == "Single choice"
    assert [p.text for p in single.back if p.role == "explanation"] == \
        ["Precision is 0.909 for the cat example."]
    assert single.finding == "Precision = 50/55 = 0.909."
    assert single.back[-1].role == "finding" and single.back[-1].text == single.finding
    assert single.example.simulation == "conftest.fixed"
    assert single.chart is not None
    card = by_id["mini-card"]
    assert (card.kind, card.answer, [p.role for p in card.front]) == ("card", "", ["front"])


def test_no_plots_drops_only_the_chart():
    with_plots = deck(load(), "cards", None)
    without = deck(load(), "cards", None, plots=False)
    assert [c.chart for c in without] == [None]
    assert [dataclasses.replace(c, chart=None) for c in with_plots] == without


DEMO = """\
topic: demo
title: Demo topic
example: {simulation: conftest.fixed, params: {tp: 50, fp: 5}}
questions:
  - id: demo-single
    kind: single
    prompt: "Precision is {{precision:.2f}}: which reading is right?"
    choices:
      - {text: "{{precision:.3f}} of the alarms are real", correct: true,
         why: "{{precision:.1%}} of predicted positives."}
      - {text: "{{precision:.3f}} of the positives are found",
         why: "That would be recall, not {{precision:.2f}}."}
    explanation: "Precision = {{precision:.3f}}."
cards:
  - {id: demo-card, front: "Precision {{precision:.2f}} means?",
     back: "{{precision:.1%}} of alarms are real."}
"""
PLAIN = """\
topic: plain
title: Plain topic
questions:
  - {id: plain-tf, kind: true-false, answer: true, prompt: Plain is plain., explanation: It is.}
cards:
  - {id: plain-card, front: Plain?, back: Yes.}
"""


def demo_deck(tmp_path, topics=None, **options):
    (tmp_path / "demo.yaml").write_text(DEMO)
    (tmp_path / "plain.yaml").write_text(PLAIN)
    return {c.id: c for c in deck(load([tmp_path]), "all", topics, **options)}


def test_every_field_of_a_question_and_a_card_with_an_example(tmp_path):
    """Placeholders are filled on every face and in every reason; the example's key finding
    closes the back; the chart is the example's own."""
    cards = demo_deck(tmp_path, ["demo"])
    assert list(cards) == ["demo-card", "demo-single"]  # concept cards first
    finding = "Precision = 50/55 = 0.909."
    single = cards["demo-single"]
    assert dataclasses.astuple(dataclasses.replace(single, example=None, chart=None)) == \
        dataclasses.astuple(CardContent(
            "demo-single", "demo", "Demo topic", "single",
            (Paragraph("Precision is 0.91: which reading is right?", "prompt"),
             Paragraph("0.909 of the positives are found", "choice", "A"),
             Paragraph("0.909 of the alarms are real", "choice", "B")),
            (Paragraph("Answer B", "answer"),
             Paragraph("0.909 of the alarms are real", "answer-choice", "B"),
             Paragraph("Precision = 0.909.", "explanation"), Paragraph(finding, "finding")),
            "B", None, finding, None,
            (Reason("A", "0.909 of the positives are found", "That would be recall, not 0.91.",
                    False),
             Reason("B", "0.909 of the alarms are real", "90.9% of predicted positives.",
                    True)),
            (finding,), "Choose one."))
    card = cards["demo-card"]
    assert dataclasses.astuple(dataclasses.replace(card, example=None, chart=None)) == \
        dataclasses.astuple(CardContent(
            "demo-card", "demo", "Demo topic", "card",
            (Paragraph("Precision 0.91 means?", "front"),),
            (Paragraph("90.9% of alarms are real.", "back"), Paragraph(finding, "finding")),
            "", None, finding, None, (), (finding,), ""))
    chart = simulations.run("conftest.fixed", tp=50, fp=5).chart
    for content in (single, card):
        assert (content.example.simulation, dict(content.example.params),
                content.example.seed) == ("conftest.fixed", {"tp": 50, "fp": 5}, 0)
        assert content.chart == chart
        assert content.kind_label == {"single": "Single choice", "card": "Concept card"}[
            content.kind]


def test_items_of_a_topic_without_an_example_have_none(tmp_path):
    cards = demo_deck(tmp_path, ["plain"])
    assert list(cards) == ["plain-card", "plain-tf"]
    assert dataclasses.astuple(cards["plain-card"]) == dataclasses.astuple(CardContent(
        "plain-card", "plain", "Plain topic", "card", (Paragraph("Plain?", "front"),),
        (Paragraph("Yes.", "back"),)))
    assert dataclasses.astuple(cards["plain-tf"]) == dataclasses.astuple(CardContent(
        "plain-tf", "plain", "Plain topic", "true-false",
        (Paragraph("Plain is plain.", "prompt"), Paragraph("True or false?", "hint")),
        (Paragraph("Answer True", "answer"), Paragraph("It is.", "explanation")), "True",
        instruction="True or false?"))


@pytest.mark.parametrize("what,ids", [
    ("cards", ["mini-card", "demo-card", "plain-card"]),
    ("questions", ["mini-single", "mini-multiple", "mini-tf", "mini-numeric", "demo-single",
                   "plain-tf"]),
    ("all", ["mini-card", "mini-single", "mini-multiple", "mini-tf", "mini-numeric",
             "demo-card", "demo-single", "plain-card", "plain-tf"]),
])
def test_chosen_items_are_cards_then_questions_topic_by_topic(tmp_path, what, ids):
    (tmp_path / "demo.yaml").write_text(DEMO)
    (tmp_path / "plain.yaml").write_text(PLAIN)
    bank = load([tmp_path])
    assert [item.id for item in chosen_items(bank, what, None)] == ids
    assert [item.id for item in chosen_items(bank, what, ["plain", "mini"])] == \
        [i for i in ids if not i.startswith("demo-")]


def test_a_failing_example_leaves_its_cards_without_one(tmp_path, monkeypatch):
    from quizzer.engine import run_cache

    def failing(calls, workers):
        return {run_cache.call_key(call): RuntimeError("the run failed") for call in calls}

    monkeypatch.setattr(run_cache, "get_many", failing)
    cards = demo_deck(tmp_path, ["demo"])
    assert [(c.finding, c.chart, c.findings) for c in cards.values()] == [("", None, ())] * 2
    assert cards["demo-single"].back[-1] == Paragraph("Precision = undefined.", "explanation")

"""Card content records: what every export prints, with no typography in them."""

import dataclasses

import pytest

from quizzer.content.bank import load
from quizzer.engine.card_content import ROLES, CardContent, deck


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

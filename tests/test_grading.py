"""Answer parsing and grading for every question kind and input form."""

import random

import pytest

from quizzer.content.bank import Choice, Question
from quizzer.content.kinds.choices import Choices, correct_letters, letter_of
from quizzer.content.kinds.numeric import Numeric
from quizzer.content.kinds.true_false import TrueFalse
from quizzer.engine.grading import (Command, Invalid, Presented, Response, answer_text, grade,
                                    instruction, parse, present, second_look)


def choices(*correct):
    return Choices(tuple(Choice(f"option {i}", f"why {i}", i in correct) for i in range(5)))


SINGLE = Question("s", "t", "single", "p", "e", answer=choices(2))
MULTI = Question("m", "t", "multiple", "p", "e", answer=choices(0, 3))
TF = Question("tf", "t", "true-false", "p", "e", answer=TrueFalse(False))
NUM = Question("n", "t", "numeric", "p", "e", answer=Numeric(0.909, tolerance=0.005))
COUNT = Question("c", "t", "numeric", "p", "e", answer=Numeric(391, unit="updates"))


def identity(q):
    return Presented(q, tuple(range(len(q.choices))))


@pytest.mark.parametrize("text", ["c", "C", " c ", "c\n"])
def test_single_letter_any_case(text):
    response = parse(identity(SINGLE), text)
    assert response == Response(frozenset({2}))
    assert grade(SINGLE, response)


@pytest.mark.parametrize("text", ["ad", "a,d", "A D", "d, a", "A;D", "a/d", "DA"])
def test_multiple_letters_with_or_without_separators(text):
    response = parse(identity(MULTI), text)
    assert response == Response(frozenset({0, 3}))
    assert grade(MULTI, response)


def test_multiple_is_all_or_nothing():
    assert not grade(MULTI, parse(identity(MULTI), "ab"))


@pytest.mark.parametrize("question,text,reason", [
    (SINGLE, "ab", "Choose ONE letter; you gave 2."),
    (SINGLE, "z", "'Z' is not a choice: use letters A-E, ? for help."),
    (SINGLE, "50/55", "'50/55' is not an answer: use letters A-E, ? for help."),
    (SINGLE, "export QUIZZER_NOW=2025-05-14T07:30", "'export QUIZZER_NOW=20...' is not an "
                                                   "answer: use letters A-E, ? for help."),
    (MULTI, "a", "Choose exactly TWO letters; you gave 1."),
    (MULTI, "abc", "Choose exactly TWO letters; you gave 3."),
    (MULTI, "aa", "Each letter once, please."),
    (SINGLE, "", "Type an answer, ? for help, s to skip or q to quit."),
    (TF, "maybe", "'maybe' is not an answer: type t for true or f for false."),
    (NUM, "abc", "'abc' is not a number: type e.g. 0.91, 91% or 50/55."),
    (NUM, "1/0", "Division by zero is not an answer."),
    (COUNT, "abc", "'abc' is not a number: type e.g. 42, 1.5, 2e3 or 3/4."),
])
def test_wrong_input_gets_a_one_line_reason(question, text, reason):
    assert parse(identity(question), text) == Invalid(reason)


@pytest.mark.parametrize("text,name", [("?", "help"), ("s", "skip"), ("Q", "quit"),
                                       ("quit", "quit"), ("skip", "skip")])
def test_commands(text, name):
    assert parse(identity(SINGLE), text) == Command(name)


@pytest.mark.parametrize("text,value", [("t", True), ("TRUE", True), ("y", True),
                                        ("f", False), ("no", False)])
def test_true_false_words(text, value):
    assert parse(identity(TF), text) == Response(value)
    assert grade(TF, Response(value)) is (value is False)


@pytest.mark.parametrize("text,correct", [
    ("0.909", True), ("0.905", True), ("0.9", False), ("90.9%", True), ("50/55", True),
    ("0,909", True), (".909", True), ("0.915", False), ("9.09e-1", True)])
def test_numeric_forms_and_tolerance(text, correct):
    assert grade(NUM, parse(identity(NUM), text)) is correct


def test_numeric_thousands_separator():
    assert parse(identity(NUM), "10,000") == Response(10000.0)


def test_present_shuffles_choices_and_maps_letters_back():
    shown = present(SINGLE, random.Random(3))
    assert sorted(shown.order) == [0, 1, 2, 3, 4]
    assert shown.order != (0, 1, 2, 3, 4)
    letter = letter_of(shown, 2)
    assert correct_letters(shown) == letter
    assert grade(SINGLE, parse(shown, letter.lower()))
    # Same seed, same order: sessions are reproducible.
    assert present(SINGLE, random.Random(3)).order == shown.order


def test_instructions_and_answer_text():
    assert instruction(identity(MULTI)) == "Choose TWO (letters, e.g. ab)"
    assert instruction(identity(SINGLE)) == "Choose ONE letter"
    assert answer_text(identity(MULTI)) == "AD"
    assert answer_text(identity(TF)) == "False"
    assert answer_text(identity(NUM)) == "0.909 (within ±0.005)"


def test_response_text_for_the_store():
    assert parse(identity(MULTI), "da").to_text() == "0,3"
    assert parse(identity(TF), "T").to_text() == "true"
    assert parse(identity(NUM), "50%").to_text() == "0.5"


@pytest.mark.parametrize("question,typed,look", [
    # a share typed as a percentage without its sign
    (NUM, "90.9", "Did you mean 90.9%? The answer is a share of 1: type 90.9% or the "
                  "decimal."),
    # a % sign after the number the key is: read as a hundredth of it
    (NUM, "0.909%", "0.909% is 0.00909. Did you mean 0.909? Type it without the % sign."),
    (COUNT, "391%", "391% is 3.91. Did you mean 391? Type it without the % sign."),
    # right, wrong by other than a factor of 100, or a count typed as a hundredth: graded
    (NUM, "90.9%", None), (NUM, "0.5", None), (NUM, "50", None), (NUM, "50%", None),
    (COUNT, "391", None), (COUNT, "3.91", None), (COUNT, "39100", None), (COUNT, "39%", None),
])
def test_a_percentage_slip_is_asked_about_before_grading(question, typed, look):
    response = parse(identity(question), typed)
    assert second_look(question, response, typed) == look

"""Answer parsing and grading for every question kind and input form."""

import random

import pytest

from quizzer.content.bank import Choice, Question
from quizzer.content.kinds.choices import Choices, correct_letters, letter_of
from quizzer.content.kinds.numeric import Numeric
from quizzer.content.kinds.true_false import TrueFalse
from quizzer.engine.grading import (Command, Invalid, Presented, Response, answer_text,
                                    card_faces, feedback, grade, help_text, instruction,
                                    options, parse, present, response_text, second_look)


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


# ------------------------------------------------------------------ every kind's other faces

SHUFFLED_MULTI = Presented(MULTI, (3, 1, 4, 0, 2))  # A=3 B=1 C=4 D=0 E=2: the key is AD


def test_choice_feedback_marks_every_option_chosen_and_or_correct():
    lines = feedback(SHUFFLED_MULTI, parse(SHUFFLED_MULTI, "ab"))
    assert [(line.lead, line.text) for line in lines] == [
        ("  A (you chose, correct): ", "why 3"), ("  B (you chose): ", "why 1"),
        ("  C: ", "why 4"), ("  D (correct): ", "why 0"), ("  E: ", "why 2")]


def test_response_text_is_in_the_form_of_the_key():
    assert response_text(SHUFFLED_MULTI, Response(frozenset({0, 3}))) == "AD"
    assert response_text(SHUFFLED_MULTI, Response(frozenset({2, 1}))) == "BE"
    assert answer_text(SHUFFLED_MULTI) == "AD"
    assert response_text(identity(TF), Response(True)) == "True"
    assert response_text(identity(TF), Response(False)) == "False"
    assert response_text(identity(NUM), parse(identity(NUM), "50%")) == "0.5"


def test_true_false_key_and_card_for_a_true_statement():
    true = Question("tt", "t", "true-false", "It holds.", "e", answer=TrueFalse(True))
    assert answer_text(identity(true)) == "True"
    assert grade(true, Response(True)) and not grade(true, Response(False))
    faces = card_faces(identity(true))
    assert ([(p.role, p.text) for p in faces.front], [(p.role, p.text) for p in faces.back],
            faces.answer, faces.instruction) == (
        [("prompt", "It holds."), ("hint", "True or false?")], [("answer", "Answer True")],
        "True", "True or false?")
    assert instruction(identity(true)) == "Answer t (true) or f (false)"


@pytest.mark.parametrize("text", ["yes", "n", "NO", "False"])
def test_true_false_words_are_recorded_as_true_or_false(text):
    response = parse(identity(TF), text)
    assert response.to_text() == ("true" if text.lower() in ("yes", "true") else "false")


def test_choice_card_faces_give_the_shown_letters_and_every_reason():
    faces = card_faces(SHUFFLED_MULTI)
    assert [(p.role, p.label, p.text) for p in faces.front] == [
        ("prompt", "", "p"), ("choice", "A", "option 3"), ("choice", "B", "option 1"),
        ("choice", "C", "option 4"), ("choice", "D", "option 0"), ("choice", "E", "option 2"),
        ("hint", "", "Choose TWO.")]
    assert [(p.role, p.label, p.text) for p in faces.back] == [
        ("answer", "", "Answer A and D"), ("answer-choice", "A", "option 3"),
        ("answer-choice", "D", "option 0")]
    assert (faces.answer, faces.instruction) == ("A and D", "Choose TWO.")
    assert [(r.label, r.text, r.why, r.correct) for r in faces.reasons] == [
        ("A", "option 3", "why 3", True), ("B", "option 1", "why 1", False),
        ("C", "option 4", "why 4", False), ("D", "option 0", "why 0", True),
        ("E", "option 2", "why 2", False)]
    single = card_faces(identity(SINGLE))
    assert [p.role for p in single.front] == ["prompt"] + ["choice"] * 5  # no hint line
    assert (single.answer, single.instruction) == ("C", "Choose one.")


def test_three_correct_choices_ask_for_three():
    three = Question("m3", "t", "multiple", "p", "e", answer=choices(0, 1, 3))
    assert instruction(identity(three)) == "Choose THREE (letters, e.g. abc)"
    assert card_faces(identity(three)).instruction == "Choose THREE."
    assert parse(identity(three), "ab") == Invalid("Choose exactly THREE letters; you gave 2.")


def test_options_are_the_shown_choices():
    [group] = options(SHUFFLED_MULTI)
    assert [(o.label, o.text) for o in group] == [
        ("A", "option 3"), ("B", "option 1"), ("C", "option 4"), ("D", "option 0"),
        ("E", "option 2")]


def test_a_long_non_letter_answer_is_cut_in_the_reason():
    assert parse(identity(SINGLE), "1" * 24) == Invalid(
        f"{'1' * 24!r} is not an answer: use letters A-E, ? for help.")
    assert parse(identity(SINGLE), "1" * 25) == Invalid(
        f"{'1' * 21 + '...'!r} is not an answer: use letters A-E, ? for help.")
    assert parse(identity(SINGLE), "xyx") == Invalid(
        "'XY' is not a choice: use letters A-E, ? for help.")


# ------------------------------------------------------------------ numbers

UNIT = Question("u", "t", "numeric", "p", "e", answer=Numeric(8.0, unit="GPUs"))
EXACT = Question("x", "t", "numeric", "p", "e", answer=Numeric(0.25))


def test_numeric_key_instruction_and_card_with_and_without_a_unit():
    assert (answer_text(identity(UNIT)), answer_text(identity(EXACT))) == ("8 GPUs", "0.25")
    assert instruction(identity(UNIT)) == "Type a number in GPUs"
    assert instruction(identity(NUM)) == "Type a number"
    faces = card_faces(identity(UNIT))
    assert ([(p.role, p.text) for p in faces.front], [(p.role, p.text) for p in faces.back],
            faces.answer, faces.instruction) == (
        [("prompt", "p"), ("hint", "Give a number (GPUs).")], [("answer", "Answer 8 GPUs")],
        "8 GPUs", "Give a number (GPUs).")
    assert card_faces(identity(NUM)).front[1].text == "Give a number."
    assert card_faces(identity(NUM)).back[0].text == "Answer 0.909 (within ±0.005)"


@pytest.mark.parametrize("text,value", [
    ("2,5", 2.5), ("-0,25", -0.25), ("1,500", 1500.0), ("12,345,678", 12345678.0),
    ("1 000", 1000.0), ("1_000", 1000.0), ("+3", 3.0), ("-50%", -0.5), ("1e3", 1000.0),
    ("3/4", 0.75), ("1.5/3", 0.5), ("7.", 7.0)])
def test_number_forms(text, value):
    assert parse(identity(NUM), text) == Response(pytest.approx(value), f"{value:g}")


@pytest.mark.parametrize("text", ["5%%", "1/2/3", "--1", "e5", "0x10", "1.2.3", "%5"])
def test_not_numbers(text):
    assert parse(identity(NUM), text) == Invalid(
        f"{text!r} is not a number: type e.g. 0.91, 91% or 50/55.")


def test_the_tolerance_is_inclusive_and_zero_means_exact():
    assert grade(NUM, Response(0.914)) and grade(NUM, Response(0.904))
    assert not grade(NUM, Response(0.9141)) and not grade(NUM, Response(0.9039))
    assert grade(EXACT, Response(0.25)) and not grade(EXACT, Response(0.2501))


def test_only_a_share_without_a_unit_is_asked_about_a_missing_percent_sign():
    """The edges of a share of 1 (0 < |answer| <= 1, no unit); other kinds never ask."""
    assert second_look(UNIT, Response(800.0), "800") is None  # a count with a unit
    whole = Question("w", "t", "numeric", "p", "e", answer=Numeric(1.0))
    assert second_look(whole, Response(100.0), "100") == (
        "Did you mean 100%? The answer is a share of 1: type 100% or the decimal.")
    negative = Question("n", "t", "numeric", "p", "e", answer=Numeric(-0.5))
    assert second_look(negative, Response(-50.0), "-50") == (
        "Did you mean -50%? The answer is a share of 1: type -50% or the decimal.")
    big = Question("b", "t", "numeric", "p", "e", answer=Numeric(1.5))
    assert second_look(big, Response(150.0), "150") is None   # not a share
    zero = Question("z", "t", "numeric", "p", "e", answer=Numeric(0.0))
    assert second_look(zero, Response(0.0), "0") is None
    assert second_look(zero, Response(100.0), "100") is None
    assert second_look(SINGLE, Response(frozenset({1})), "b") is None


def test_help_is_the_kinds_own_line_or_the_general_help():
    assert help_text(identity(SINGLE)) == ""
    assert help_text(identity(NUM)) == ""

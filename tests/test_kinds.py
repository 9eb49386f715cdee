"""Ordering and matching questions, and the kinds registry: reading, parsing, grading,
feedback and card faces; the bank snapshot keeps every kind's answer record."""

import dataclasses
import random
import textwrap

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content import kinds
from quizzer.content.bank import Question, load
from quizzer.content.kinds.matching import Matching, MatchPair
from quizzer.content.kinds.ordering import OrderItem, Ordering
from quizzer.engine.grading import (Command, Invalid, Presented, Response, answer_text, card_faces,
                                    feedback, grade, instruction, parse, present, response_text)

ORDER = Question("o", "t", "ordering", "Order them.", "e", answer=Ordering((
    OrderItem("forward", "first the predictions"), OrderItem("loss", "then the error"),
    OrderItem("backward", ""), OrderItem("update", "last the step"))))
# Shown as 1) backward 2) forward 3) update 4) loss: the right order is 2 4 1 3.
ORDER_SHOWN = Presented(ORDER, (2, 0, 3, 1))

MATCH = Question("m", "t", "matching", "Match them.", "", answer=Matching((
    MatchPair("vanishing", "relu", "keeps gradients alive"), MatchPair("exploding", "clipping"),
    MatchPair("overfitting", "dropout", "fewer co-adapted units")), ("bigger batch",)))
# Prompts 1) exploding 2) overfitting 3) vanishing;
# answers a) bigger batch b) relu c) dropout d) clipping: right is 1d 2c 3b.
MATCH_SHOWN = Presented(MATCH, (1, 2, 0), (3, 0, 2, 1))


# ---------------------------------------------------------------------------------- ordering

@pytest.mark.parametrize("text", ["2413", "2 4 1 3", "2,4,1,3", "2-4-1-3", " 2, 4 ,1 ,3 ",
                                  "2>4>1>3", "2 - 4 - 1 - 3", "2;4;1;3\n"])
def test_ordering_accepts_every_separator(text):
    response = parse(ORDER_SHOWN, text)
    assert response == Response((0, 1, 2, 3))
    assert response.to_text() == "0,1,2,3"  # bank indices: the same under any shuffle
    assert grade(ORDER, response)


@pytest.mark.parametrize("text,recorded", [("2431", "0,1,3,2"), ("4213", "1,0,2,3"),
                                           ("1234", "2,0,3,1"), ("3142", "3,2,1,0")])
def test_ordering_is_all_or_nothing(text, recorded):
    response = parse(ORDER_SHOWN, text)
    assert response.to_text() == recorded
    assert not grade(ORDER, response)


@pytest.mark.parametrize("text,reason", [
    ("241", "Put all 4 numbers in order; 3 is missing."),
    ("24", "Put all 4 numbers in order; 1 and 3 are missing."),
    ("24133", "3 appears twice: each number once."),
    ("2241", "2 appears twice: each number once."),
    ("2415", "There is no number 5: use 1-4."),
    ("0241", "There is no number 0: use 1-4."),
    ("abcd", "'abcd' is not an order: type the numbers 1-4 from first to last, e.g. 3142."),
    ("2.5 1", "There is no number 5: use 1-4."),
    ("2 4 1 3?", "'2 4 1 3?' is not an order: type the numbers 1-4 from first to last, "
                 "e.g. 3142."),
])
def test_ordering_malformed_answers_get_one_line_reasons(text, reason):
    assert parse(ORDER_SHOWN, text) == Invalid(reason)


def test_ordering_commands_are_the_shared_ones():
    assert parse(ORDER_SHOWN, "s") == Command("skip")
    assert parse(ORDER_SHOWN, "?") == Command("help")
    assert parse(ORDER_SHOWN, "Q") == Command("quit")


def test_ordering_instruction_answer_and_feedback():
    assert instruction(ORDER_SHOWN) == "Type the order, e.g. 3142 (item 3 first, item 2 last)"
    assert answer_text(ORDER_SHOWN) == "2413"
    lines = [(line.lead, line.text) for line in feedback(ORDER_SHOWN, parse(ORDER_SHOWN, "2431"))]
    assert lines == [("  ", "Your order 2431: positions 3 and 4 are wrong."),
                     ("  1. ", "2) forward: first the predictions"),
                     ("  2. ", "4) loss: then the error"),
                     ("  3. ", "1) backward (you had 3 here)"),
                     ("  4. ", "3) update (you had 1 here): last the step")]
    right = feedback(ORDER_SHOWN, parse(ORDER_SHOWN, "2413"))
    assert [line.text for line in right][0] == "2) forward: first the predictions"


def test_ordering_shuffle_follows_the_seed_and_never_shows_the_answer():
    orders = {present(ORDER, random.Random(seed)).order for seed in range(200)}
    assert (0, 1, 2, 3) not in orders
    assert len(orders) == 23  # every other permutation of four turns up
    assert present(ORDER, random.Random(7)) == present(ORDER, random.Random(7))


def test_ordering_card_faces():
    faces = card_faces(ORDER_SHOWN)
    assert [(p.role, p.label, p.text) for p in faces.front] == [
        ("prompt", "", "Order them."), ("choice", "1", "backward"), ("choice", "2", "forward"),
        ("choice", "3", "update"), ("choice", "4", "loss"),
        ("hint", "", "Put these in order, first to last.")]
    # The question has an explanation: the items' reasons stay off the (small) card.
    assert [(p.role, p.label, p.text) for p in faces.back] == [
        ("answer", "", "Answer 2413"), ("answer-choice", "2", "forward"),
        ("answer-choice", "4", "loss"), ("answer-choice", "1", "backward"),
        ("answer-choice", "3", "update")]
    assert faces.answer == "2413"
    assert faces.instruction == "Put these in order, first to last."


# ---------------------------------------------------------------------------------- matching

@pytest.mark.parametrize("text", ["1d 2c 3b", "1d,2c,3b", "1-d, 2c 3B", "3b 1d 2c", "1d2c3b",
                                  "dcb", "D C B", "1:d 2=c 3)b", "1 d, 2 c, 3 b"])
def test_matching_accepts_every_form(text):
    response = parse(MATCH_SHOWN, text)
    assert response == Response((0, 1, 2))
    assert response.to_text() == "0,1,2"
    assert grade(MATCH, response)


@pytest.mark.parametrize("text,recorded", [("1d 2b 3c", "2,1,0"), ("1a 2c 3b", "0,3,2"),
                                           ("1b 2c 3d", "1,0,2")])
def test_matching_is_all_or_nothing(text, recorded):
    response = parse(MATCH_SHOWN, text)
    assert response.to_text() == recorded
    assert not grade(MATCH, response)


@pytest.mark.parametrize("text,reason", [
    ("1d 2c", "Pair every number 1-3; 3 has no letter."),
    ("2c", "Pair every number 1-3; 1 and 3 have no letter."),
    ("1d 1c 3b", "Number 1 is paired twice: give each number one letter."),
    ("1d 2d 3b", "Letter d is used twice: each letter fits one number at most."),
    ("4a 1d 2c", "There is no number 4: use 1-3."),
    ("1e 2c 3b", "There is no letter e: use a-d."),
    ("dc", "Give one letter for each of the 3 numbers, or pairs like 1c 2a 3b; "
           "you gave 2 letters."),
    ("d", "Give one letter for each of the 3 numbers, or pairs like 1c 2a 3b; "
          "you gave 1 letter."),
    ("1 2 3", "'1 2 3' is not an answer: type pairs like 1c 2a 3b."),
    ("d1 c2 b3", "'d1 c2 b3' is not an answer: type pairs like 1c 2a 3b."),
    ("1d 2 3c", "Number 2 has no letter: type pairs like 1c 2a 3b."),
    ("1d 2c 3", "Number 3 has no letter: type pairs like 1c 2a 3b."),
    ("1d 2c 3bb", "'1d 2c 3bb' is not an answer: type pairs like 1c 2a 3b."),
    ("1d 2c 3b!", "'1d 2c 3b!' is not an answer: type pairs like 1c 2a 3b."),
    ("1d 2c 3б", "'1d 2c 3б' is not an answer: type pairs like 1c 2a 3b."),
])
def test_matching_malformed_answers_get_one_line_reasons(text, reason):
    assert parse(MATCH_SHOWN, text) == Invalid(reason)


def test_matching_instruction_answer_and_feedback():
    assert instruction(MATCH_SHOWN) == "Type the pairs, e.g. 1c 2a 3b; one letter is left over"
    assert answer_text(MATCH_SHOWN) == "1d 2c 3b"
    lines = [(line.lead, line.text) for line in feedback(MATCH_SHOWN,
                                                         parse(MATCH_SHOWN, "1d 2b 3a"))]
    assert lines == [("  ", "Your pairs 1d 2b 3a: pairs 2 and 3 are wrong."),
                     ("  1d ", "exploding → clipping"),
                     ("  2c ", "overfitting → dropout (you had b): fewer co-adapted units"),
                     ("  3b ", "vanishing → relu (you had a): keeps gradients alive")]


def test_matching_shuffle_never_lines_the_letters_up():
    for seed in range(300):
        shown = present(MATCH, random.Random(seed))
        assert answer_text(shown) != "1a 2b 3c", seed
        assert sorted(shown.answer_order) == [0, 1, 2, 3]


def test_matching_card_faces_show_the_pairs_and_their_reasons_without_an_explanation():
    faces = card_faces(MATCH_SHOWN)
    assert [p.label for p in faces.front if p.role == "choice"] == ["1", "2", "3", "a", "b",
                                                                     "c", "d"]
    assert faces.answer == "1d 2c 3b"
    assert faces.instruction == "Match each number to a letter."
    assert faces.front[-1].text == "Match each number to a letter."
    assert [(p.label, p.text) for p in faces.back] == [
        ("", "Answer 1d 2c 3b"), ("1d", "exploding → clipping"),
        ("2c", "overfitting → dropout: fewer co-adapted units"),
        ("3b", "vanishing → relu: keeps gradients alive")]


# ---------------------------------------------------------------------------------- registry

def test_every_kind_is_one_registered_object():
    assert kinds.names() == ("single", "multiple", "true-false", "numeric", "ordering",
                             "matching")
    assert kinds.get(["not", "text"]) is None
    assert {r.__name__ for r in kinds.records()} == {
        "Choice", "Choices", "TrueFalse", "Numeric", "OrderItem", "Ordering", "MatchPair",
        "Matching"}


# -------------------------------------------------------------------------------- validation

HEAD = """\
topic: demo
title: Demo
exam: {MLA-C01: a, MLS-C01: b}
summary: s
key_points: [k]
example: {simulation: conftest.fixed}
questions:
"""


def validate(tmp_path, monkeypatch, text: str) -> tuple[int, list]:
    (tmp_path / "k.yaml").write_text(HEAD + textwrap.dedent(text))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "."])
    return result.exit_code, result.stdout.splitlines()


def test_good_ordering_and_matching_pass(tmp_path, monkeypatch, mini_bank):
    code, out = validate(tmp_path, monkeypatch, """\
      - id: demo-order
        kind: ordering
        prompt: p
        items: [{text: one}, {text: two}, {text: three, why: w}]
        explanation: e
      - id: demo-match
        kind: matching
        prompt: p
        pairs:
          - {prompt: a, answer: x, why: w}
          - {prompt: b, answer: y, why: w}
          - {prompt: c, answer: z, why: w}
        extra_answers: [v, u]
    """)
    assert (code, out) == (0, ["OK: 2 topics, 6 questions, 1 card."])


def test_choice_numeric_and_true_false_problems_with_their_locations(tmp_path, monkeypatch,
                                                                      mini_bank):
    code, out = validate(tmp_path, monkeypatch, """\
  - id: demo-few
    kind: single
    prompt: p
    explanation: e
    choices: [{text: a, correct: true, why: w}]
  - id: demo-notlist
    kind: single
    prompt: p
    explanation: e
    choices: a and b
  - id: demo-many
    kind: multiple
    prompt: p
    explanation: e
    choices: [{text: a, correct: true, why: w}, {text: b, correct: true, why: w},
              {text: c, why: w}, {text: d, why: w}, {text: e, why: w}, {text: f, why: w},
              {text: g, why: w}, {text: h, why: w}, {text: i, why: w}, {text: j, why: w},
              {text: k, why: w}]
  - id: demo-bad-choices
    kind: single
    prompt: p
    explanation: e
    choices:
      - {text: a, correct: yes please, why: w}
      - {text: b, correct: true, why: w}
      - {text: b, why: w}
      - {text: c, why: ""}
  - id: demo-text-choice
    kind: single
    prompt: p
    explanation: e
    choices: [just text, {text: a, correct: true, why: w}, {text: b, why: ""}]
  - id: demo-all-right
    kind: multiple
    prompt: p
    explanation: e
    choices: [{text: a, correct: true, why: w}, {text: b, correct: true, why: w}]
  - id: demo-num
    kind: numeric
    prompt: p
    explanation: e
    answer: lots
    tolerance: -1
    unit: ""
    answer_value: 3
  - id: demo-num2
    kind: numeric
    prompt: p
    explanation: e
    answer: true
    tolerance: "0.1"
  - id: demo-tf
    kind: true-false
    prompt: p
    explanation: e
    answer: "yes"
    """)
    assert code == 1
    assert out == [
        "k.yaml:12:12: choices must be a list of at least two options",
        "k.yaml:17:12: choices must be a list of at least two options",
        "k.yaml:22:12: 11 choices are too many: at most 10 (a to j)",
        "k.yaml:31:26: choice 'correct' must be true or false",
        "k.yaml:33:7: choice 3 repeats choice 2",
        "k.yaml:34:22: choice 'why' is empty",
        "k.yaml:39:13: a choice must be a mapping, not text",
        "k.yaml:39:73: choice 'why' is empty",  # the choices after it are still read
        "k.yaml:44:12: a multiple-response question needs at least one wrong choice",
        "k.yaml:49:11: a numeric answer must be a number",
        "k.yaml:50:14: tolerance must be a number >= 0",
        "k.yaml:51:9: question 'unit' is empty",
        "k.yaml:52:17: question 'answer_value' must be text, not a number",
        "k.yaml:57:11: a numeric answer must be a number",
        "k.yaml:58:14: tolerance must be a number >= 0",
        "k.yaml:63:11: a true-false answer must be true or false"]


def test_ordering_problems_with_their_locations(tmp_path, monkeypatch, mini_bank):
    code, out = validate(tmp_path, monkeypatch, """\
      - id: demo-short
        kind: ordering
        prompt: p
        explanation: e
        items: [{text: one}, {text: two}]
      - id: demo-long
        kind: ordering
        prompt: p
        explanation: e
        items: [{text: a}, {text: b}, {text: c}, {text: d}, {text: e}, {text: f},
                {text: g}, {text: h}]
      - id: demo-order
        kind: ordering
        prompt: p
        items:
          - {text: one, why: w}
          - {text: two}
          - {text: one, why: w}
          - {text: four, colour: red}
          - {text: ""}
        choices: []
      - id: demo-none
        kind: ordering
        prompt: p
        explanation: e
    """)
    assert code == 1
    no_why = ("has no 'why' and the question has no 'explanation': give every item a why, "
              "or the question an explanation")
    assert out == [
        "k.yaml:12:10: items must be a list of 3 to 7 items in the right order; it has 2",
        "k.yaml:17:10: items must be a list of 3 to 7 items in the right order; it has 8",
        f"k.yaml:24:7: item 2 {no_why}",
        "k.yaml:25:7: item 3 repeats item 1",
        f"k.yaml:26:7: item 4 {no_why}",
        "k.yaml:26:28: unknown key 'colour' in item; allowed: text, why",
        f"k.yaml:27:7: item 5 {no_why}",
        "k.yaml:27:14: item 'text' is empty",
        "k.yaml:28:12: unknown key 'choices' in ordering question; allowed: difficulty, example,"
        " explanation, id, items, kind, prompt, style, tags",
        "k.yaml:29:3: ordering question is missing 'items'",
    ]


def test_matching_problems_with_their_locations(tmp_path, monkeypatch, mini_bank):
    code, out = validate(tmp_path, monkeypatch, """\
      - id: demo-two
        kind: matching
        prompt: p
        explanation: e
        pairs:
          - {prompt: a, answer: x}
          - {prompt: b, answer: y}
      - id: demo-match
        kind: matching
        prompt: p
        pairs:
          - {prompt: a, answer: x, why: w}
          - {prompt: a, answer: y, why: w}
          - {prompt: c, answer: x}
          - {prompt: d}
        extra_answers: [y, v, v, "", w]
      - id: demo-extra
        kind: matching
        prompt: p
        explanation: e
        pairs: [{prompt: a, answer: x}, {prompt: b, answer: y}, {prompt: c, answer: z}]
        extra_answers: {v: 1}
    """)
    assert code == 1
    no_why = ("has no 'why' and the question has no 'explanation': give every pair a why, "
              "or the question an explanation")
    assert out == [
        "k.yaml:13:5: pairs must be a list of 3 to 7 pairs; it has 2",
        "k.yaml:20:7: pair 2 repeats the prompt of pair 1",
        "k.yaml:21:7: pair 3 repeats the answer of pair 1",
        f"k.yaml:21:7: pair 3 {no_why}",
        "k.yaml:22:7: pair is missing 'answer'",
        f"k.yaml:22:7: pair 4 {no_why}",
        "k.yaml:23:18: at most 3 extra answers; there are 5",
        "k.yaml:23:28: question 'extra_answers' item 4 must be non-empty text",
        "k.yaml:29:18: question 'extra_answers' must be a list",
    ]


def test_matching_extra_answers_are_checked_one_by_one(tmp_path, monkeypatch, mini_bank):
    code, out = validate(tmp_path, monkeypatch, """\
      - id: demo-match
        kind: matching
        prompt: p
        explanation: e
        pairs: [{prompt: a, answer: x}, {prompt: b, answer: y}, {prompt: c, answer: z}]
        extra_answers: [y, v, v]
      - id: demo-match-2
        kind: matching
        prompt: p
        explanation: e
        pairs: [{prompt: a, answer: x}, {prompt: b, answer: y}, {prompt: c, answer: z}]
        extra_answers: ["  ", 3]
    """)
    assert code == 1
    assert out == ["k.yaml:13:19: extra answer 1 is the answer of pair 2",
                   "k.yaml:13:25: extra answer 3 repeats extra answer 2",
                   "k.yaml:19:19: question 'extra_answers' item 1 must be non-empty text",
                   "k.yaml:19:25: question 'extra_answers' item 2 must be non-empty text"]


def test_unknown_kind_lists_every_kind(tmp_path, monkeypatch, mini_bank):
    code, out = validate(tmp_path, monkeypatch, """\
      - {id: demo-x, kind: [ordering], prompt: p, explanation: e}
    """)
    assert code == 1
    assert out == ["k.yaml:8:22: question kind must be one of single, multiple, true-false, "
                   "numeric, ordering, matching, not ['ordering']"]


# ---------------------------------------------------------------------------------- snapshot

def test_the_snapshot_round_trips_every_kinds_answer_record(tmp_path, mini_bank):
    from pathlib import Path

    folder = Path(__file__).parent / "fixtures" / "kinds"
    parsed = load([folder], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("bank-*.json"))) == 2  # an entry per file: mini, steps
    cached = load([folder], cache_dir=tmp_path)
    assert cached == parsed
    by_kind = {q.kind: q for q in cached.questions}
    assert set(by_kind) == set(kinds.names())
    assert isinstance(by_kind["ordering"].answer, Ordering)
    assert by_kind["matching"].answer.extra_answers == ("A larger batch",)
    assert by_kind["numeric"].answer.tolerance == 0.005


def test_each_kind_is_imported_when_first_asked_for(tmp_path):
    """A session of choice questions never imports the other kinds' modules: not when the
    registry is asked for a choice kind, and not when a kept choice question is decoded
    from the built-in bank's snapshot (its answer record is tagged with its kind). The
    table of kind names and modules agrees with each module's own name."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    probe = (
        "import json, sys\n"
        "from quizzer.content.bank import load\n"
        f"bank = load(cache_dir={str(tmp_path)!r})\n"
        "question = next(q for t in bank.topics for q in t.questions if q.kind == 'single')\n"
        "assert question.answer.choices\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('quizzer.content.kinds.'))))\n")
    env = {**os.environ, "PYTHONPATH": str(root)}
    runs = [subprocess.run([sys.executable, "-c", probe], env=env, cwd=root, check=True,
                           capture_output=True, text=True, timeout=120).stdout
            for _ in range(2)]  # the first reads the YAML (every kind) and keeps a snapshot
    assert len(json.loads(runs[0])) == 8
    assert json.loads(runs[1]) == ["quizzer.content.kinds.base", "quizzer.content.kinds.choices",
                                   "quizzer.content.kinds.single"]
    assert [kind.name for kind in kinds.every()] == list(kinds.names())


# ------------------------------------------------------------------------------------- docs

def test_the_examples_in_bank_format_md_load(tmp_path, mini_bank):
    """The ordering and matching examples authors copy from must pass the validator."""
    import re
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "bank-format.md").read_text()
    blocks = [re.search(rf"## {title} questions\n.*?```yaml\n(.*?)```", doc, re.S).group(1)
              for title in ("Ordering", "Matching")]
    (tmp_path / "doc.yaml").write_text("topic: doc\ntitle: Doc\nquestions:\n" + "".join(blocks))
    bank = load([tmp_path], check_simulations=False)
    ordering, matching = bank.topic("doc").questions
    assert [item.text for item in ordering.answer.items] == [
        "Forward pass", "Compute the loss", "Backpropagation", "Update the weights"]
    assert len(matching.answer.pairs) == 3
    assert matching.answer.extra_answers == ("A larger learning rate",)


def test_every_kind_words_a_card_instruction_the_pdf_hints_only_where_it_helps(mini_bank):
    """Anki shows the instruction on every question; the PDF front sets it as a hint except
    for a single choice, whose lettered options need none."""
    bank = load()
    found = {}
    for question in bank.questions:
        faces = card_faces(present(question, random.Random(question.id)))
        hints = [p.text for p in faces.front if p.role == "hint"]
        found[question.kind] = (faces.instruction, hints)
    assert found == {"single": ("Choose one.", []),
                     "multiple": ("Choose TWO.", ["Choose TWO."]),
                     "true-false": ("True or false?", ["True or false?"]),
                     "numeric": ("Give a number.", ["Give a number."])}


def test_matching_and_ordering_entries_that_are_text_or_empty(tmp_path, monkeypatch,
                                                              mini_bank):
    """An entry that is not a mapping keeps its place: the entries after it are read and
    numbered as written."""
    code, out = validate(tmp_path, monkeypatch, """\
  - id: demo-match-bad
    kind: matching
    prompt: p
    explanation: e
    pairs:
      - just text
      - {prompt: a, answer: x, why: ""}
      - {prompt: "", answer: y}
      - {prompt: c, answer: "", why: w}
    extra_answers: [x, v, v]
  - id: demo-order-bad
    kind: ordering
    prompt: p
    explanation: e
    items:
      - just text
      - {text: one, why: ""}
      - {text: two}
      - {text: three}
    """)
    assert (code, out) == (1, [
        "k.yaml:13:7: a pair must be a mapping, not text",
        "k.yaml:14:35: pair 'why' is empty",
        "k.yaml:15:16: pair 'prompt' is empty",
        "k.yaml:16:27: pair 'answer' is empty",
        "k.yaml:17:19: extra answer 1 is the answer of pair 2",
        "k.yaml:17:25: extra answer 3 repeats extra answer 2",
        "k.yaml:23:7: an item must be a mapping, not text",
        "k.yaml:24:24: item 'why' is empty"])


# ------------------------------------------------------------------ what mutation testing found

def test_every_length_of_ordering_gets_an_example_that_is_not_the_identity():
    for n in range(3, 8):
        items = tuple(OrderItem(f"item {k}", "") for k in range(n))
        shown = Presented(Question("o", "t", "ordering", "p", "e", answer=Ordering(items)),
                          tuple(range(n)))
        example = instruction(shown).split("e.g. ")[1].split(" ")[0]
        assert sorted(example) == [str(k) for k in range(1, n + 1)], example
        assert example != "".join(sorted(example))
        assert instruction(shown) == (f"Type the order, e.g. {example} (item {example[0]} "
                                      f"first, item {example[-1]} last)")


def test_ordering_and_matching_answers_given_are_written_as_their_keys():
    assert response_text(ORDER_SHOWN, parse(ORDER_SHOWN, "2431")) == "2431"
    assert response_text(ORDER_SHOWN, parse(ORDER_SHOWN, "2413")) == answer_text(ORDER_SHOWN)
    assert response_text(MATCH_SHOWN, parse(MATCH_SHOWN, "3b 1a 2c")) == "1a 2c 3b"
    assert response_text(MATCH_SHOWN, parse(MATCH_SHOWN, "dcb")) == answer_text(MATCH_SHOWN)


@pytest.mark.parametrize("extra,left", [
    ((), ""), (("x",), "; one letter is left over"), (("x", "y"), "; two letters are left over"),
    (("x", "y", "z"), "; three letters are left over")])
def test_matching_says_how_many_letters_are_left_over(extra, left):
    question = Question("m", "t", "matching", "p", "", answer=Matching(MATCH.answer.pairs, extra))
    shown = present(question, random.Random(1))
    assert instruction(shown) == f"Type the pairs, e.g. 1c 2a 3b{left}"


def test_matching_card_front_shows_prompts_then_answers_and_the_hint():
    faces = card_faces(MATCH_SHOWN)
    assert [(p.role, p.label, p.text) for p in faces.front] == [
        ("prompt", "", "Match them."), ("choice", "1", "exploding"),
        ("choice", "2", "overfitting"), ("choice", "3", "vanishing"),
        ("choice", "a", "bigger batch"), ("choice", "b", "relu"), ("choice", "c", "dropout"),
        ("choice", "d", "clipping"), ("hint", "", "Match each number to a letter.")]
    explained = Presented(dataclasses.replace(MATCH, explanation="All three."),
                          MATCH_SHOWN.order, MATCH_SHOWN.answer_order)
    assert [p.text for p in card_faces(explained).back[1:]] == [  # the explanation says why
        "exploding → clipping", "overfitting → dropout", "vanishing → relu"]


def test_a_long_answer_that_is_not_pairs_is_cut_in_the_reason():
    assert parse(MATCH_SHOWN, "?" * 24) == Invalid(
        f"{'?' * 24!r} is not an answer: type pairs like 1c 2a 3b.")
    assert parse(MATCH_SHOWN, "?" * 25) == Invalid(
        f"{'?' * 21 + '...'!r} is not an answer: type pairs like 1c 2a 3b.")


def test_a_new_kind_that_says_its_options_key_and_instruction_gets_card_faces():
    """The default card of docs/adding-a-question-kind.md: the prompt, every option
    labelled, and the key on the back."""
    from quizzer.content.kinds.base import Option, QuestionKind

    class Pick(QuestionKind):
        def options(self, presented):
            return ((Option("1", "one"), Option("2", "two")), (Option("x", "ex"),))

        def answer_text(self, presented):
            return "2x"

        def instruction(self, presented):
            return "Pick a number and a letter."

    faces = Pick().card_faces(Presented(Question("p", "t", "pick", "Which?", "")))
    assert [(p.role, p.label, p.text) for p in faces.front] == [
        ("prompt", "", "Which?"), ("choice", "1", "one"), ("choice", "2", "two"),
        ("choice", "x", "ex")]
    assert [(p.role, p.text) for p in faces.back] == [("answer", "Answer 2x")]
    assert (faces.answer, faces.reasons, faces.instruction) == (
        "2x", (), "Pick a number and a letter.")

"""The built-in bank keeps the shape the exam needs, so later edits cannot quietly erode it."""

import re
from collections import Counter

import pytest

from quizzer.bank import example_problems, load

BANK = load(check_simulations=True)
TOPICS = ["instance-types", "learning-rate", "batch-size", "regularization", "gradients",
          "l1-l2", "confusion-matrix"]
QUESTIONS = BANK.questions


def test_the_seven_topics_are_there():
    assert sorted(t.slug for t in BANK.topics) == sorted(TOPICS)


@pytest.mark.parametrize("slug", TOPICS)
def test_each_topic_has_questions_cards_summary_and_exam_tags(slug):
    topic = BANK.topic(slug)
    assert len(topic.questions) >= 30
    assert len(topic.cards) >= 8
    assert len(topic.summary.split()) >= 20
    assert len(topic.key_points) >= 5
    assert set(topic.exam) == {"MLA-C01", "MLS-C01"}
    assert "legacy" in topic.exam["MLS-C01"].lower()


def test_question_mix():
    kinds = Counter(q.kind for q in QUESTIONS)
    assert kinds["multiple"] / len(QUESTIONS) >= 0.20
    assert kinds["numeric"] >= 14 and kinds["true-false"] >= 14
    assert sum(q.style == "scenario" for q in QUESTIONS) / len(QUESTIONS) >= 0.40
    difficulty = Counter(q.difficulty for q in QUESTIONS)
    assert min(difficulty[1], difficulty[2], difficulty[3]) / len(QUESTIONS) >= 0.10


def test_every_question_has_its_own_worked_example():
    assert [q.id for q in QUESTIONS if q.example is None] == []


def test_the_right_answer_is_not_given_away_by_length():
    singles = [q for q in QUESTIONS if q.kind == "single"]
    longest = [q.id for q in singles
               if max(q.choices, key=lambda c: len(c.text)).correct]
    assert len(longest) / len(singles) <= 0.40, longest


def test_no_all_or_none_of_the_above():
    pattern = re.compile(r"\b(all|none) of the above\b", re.I)
    assert [q.id for q in QUESTIONS if any(pattern.search(c.text) for c in q.choices)] == []


def test_multiple_response_questions_say_how_many_through_the_app():
    for q in QUESTIONS:
        if q.kind == "multiple":
            assert 2 <= q.correct_count <= 3 and len(q.choices) >= 4, q.id


def test_source_corrections_are_taught():
    text = " ".join(" ".join([q.prompt, q.explanation, *(c.text + " " + c.why
                                                         for c in q.choices)])
                    for q in QUESTIONS).lower()
    for phrase in ("absolute", "every training step", "one pass", "relu", "previous generation",
                   "trainium", "inferentia", "h100", "per update"):
        assert phrase in text, phrase


def test_every_worked_example_runs_and_fills_its_placeholders():
    assert [str(p) for p in example_problems(BANK)] == []

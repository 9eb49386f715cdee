"""Every built-in question's feedback fits an 80x24 screen up to its worked example.

The verdict, the key, the why of every option and the explanation must be readable without
scrolling: with the answer line above them and the wait prompt below, at most 24 rows at
80 columns. Rendered for a wrong answer, the longest case (no option is marked right).
"""

import random

import click
import pytest

from quizzer.content.bank import example_for, load
from quizzer.engine import run_cache
from quizzer.engine.grading import Response, answer_text, parse, present
from quizzer.screens.asking import render_feedback

BANK = load([], builtin=True)


def wrong_response(question) -> Response:
    if question.kind in ("ordering", "matching"):  # every item or letter moved one place
        presented = present(question, random.Random(0))
        key = answer_text(presented)  # "2413" or "1d 2c 3b"
        if question.kind == "ordering":
            return parse(presented, key[-1] + key[:-1])
        pairs = key.split()
        letters = [p[-1] for p in pairs]
        return parse(presented, " ".join(p[:-1] + letter for p, letter
                                         in zip(pairs, letters[1:] + letters[:1])))
    if question.choices:
        return Response(frozenset(i for i, c in enumerate(question.choices) if not c.correct))
    if question.kind == "true-false":
        return Response(not question.answer.value)
    if question.kind == "ordering":  # every item out of place: the longest feedback
        return Response(tuple(reversed(range(len(question.answer.items)))))
    if question.kind == "matching":  # every prompt given the next prompt's answer
        n = len(question.answer.pairs)
        return Response(tuple((k + 1) % n for k in range(n)))
    return Response(question.answer.value + 1000)


@pytest.mark.parametrize("question", BANK.questions, ids=lambda q: q.id)
def test_feedback_fits_on_an_80x24_screen(question):
    ref = example_for(question, BANK)
    values = dict(run_cache.get(ref.simulation, ref.params, ref.seed).example.values) \
        if ref else {}
    text = render_feedback(present(question, random.Random(0)), wrong_response(question),
                           False, values, cols=80)
    lines = click.unstyle(text).splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) + 2 <= 24, text  # + the answer typed above and the wait prompt

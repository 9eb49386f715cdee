"""A practice session as plain data: which questions, in what order, and the score.

No terminal and no database here: the interactive loop (``quizzer.screens.practice``) feeds answers
in and renders what these functions return, so selection and scoring are tested directly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from quizzer.content.bank import Bank, Question
from quizzer.content.bank_snapshot import record_ids


def select_questions(bank: Bank, *, topics: list[str] | None = None, count: int = 10,
                     seed: int = 0, only_ids: set[str] | None = None) -> list[Question]:
    """Up to ``count`` questions, topics interleaved so a short session still covers several.

    Within each topic the order is shuffled by ``seed``; topics take turns in a shuffled order.
    Chooses by id, so of a bank kept in a snapshot only the chosen questions are decoded.
    """
    rng = random.Random(seed)
    by_topic: dict[str, tuple] = {}  # slug -> (its questions, the positions that qualify)
    for topic in bank.topics:
        if topics and topic.slug not in topics:
            continue
        ids = record_ids(topic.questions)
        positions = list(range(len(ids))) if only_ids is None \
            else [i for i, qid in enumerate(ids) if qid in only_ids]
        if positions:
            by_topic[topic.slug] = (topic.questions, positions)
    pools = [by_topic[t] for t in sorted(by_topic)]
    for _, pool in pools:
        rng.shuffle(pool)
    rng.shuffle(pools)
    chosen: list = []
    while len(chosen) < count and any(pool for _, pool in pools):
        for questions, pool in pools:
            if pool and len(chosen) < count:
                chosen.append(questions[pool.pop()])
    return chosen


@dataclass
class Result:
    """One question answered or skipped in a session: whether it was right, and how long
    the learner took (seconds)."""

    question_id: str
    topic: str
    correct: bool | None  # None: skipped
    seconds: float


@dataclass
class Score:
    """One session's results, whatever the screen (practice, review) and however it ends.

    ``results`` holds every question answered or skipped (and every flashcard skipped), in
    order; ``ratings`` counts the flashcards rated, by rating (1 again .. 4 easy).
    """

    planned: int
    results: list = field(default_factory=list)
    ratings: dict = field(default_factory=dict)

    def add(self, result: Result) -> None:
        self.results.append(result)

    def rate(self, rating: int) -> None:
        self.ratings[rating] = self.ratings.get(rating, 0) + 1

    @property
    def answered(self) -> list:
        return [r for r in self.results if r.correct is not None]

    @property
    def correct(self) -> int:
        return sum(1 for r in self.answered if r.correct)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.results if r.correct is None)

    @property
    def skipped_ids(self) -> list[str]:
        return [r.question_id for r in self.results if r.correct is None]

    @property
    def cards_rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def reached(self) -> int:
        """Items done: answered, rated or skipped."""
        return len(self.results) + self.cards_rated

    @property
    def missed(self) -> list[str]:
        return [r.question_id for r in self.answered if not r.correct]

    def by_topic(self) -> dict[str, tuple[int, int]]:
        """topic -> (correct, answered), in the order topics were first met."""
        out: dict[str, tuple[int, int]] = {}
        for r in self.answered:
            c, n = out.get(r.topic, (0, 0))
            out[r.topic] = (c + int(bool(r.correct)), n + 1)
        return out


def record_answer(store, session, question: Question, response, seconds: float,
                  at) -> Result:
    """Grade ``response`` (a :class:`quizzer.engine.grading.Response`) and save it with the
    item's new schedule in one transaction, at ``at`` (an aware datetime), ``seconds`` on
    screen. ``session`` is a :class:`quizzer.engine.store.Session` (its row is written with
    its first answer) or the id of a session already written (the exam's). Raises what
    :meth:`Store.record_attempt` raises (a locked or full database)."""
    from quizzer.engine.grading import grade

    correct = grade(question, response)
    # The answer also feeds the spaced-repetition schedule, in the same transaction.
    from quizzer.engine import scheduling  # fsrs loads at the first answer, not at start-up

    outcome = scheduling.after_answer(store.schedule(question.id), question, correct,
                                      seconds, at)
    store.record_attempt(session, question.id, question.topic, response.to_text(),
                         correct, seconds, now=at, outcome=outcome)
    return Result(question.id, question.topic, correct, seconds)

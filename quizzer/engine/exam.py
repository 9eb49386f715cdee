"""The mock exam's state and rules, as plain records and functions (no terminal here).

An exam is drawn once (:func:`draw`), saved with every question's presentation (the shuffled
order of its choices), and from then on lives in SQLite: every answer, flag, move and the
seconds used are committed as they happen (:meth:`quizzer.engine.store.Store.exam_step`), so the
screen (:mod:`quizzer.screens.exam_screen`) can be killed at any moment and resumed.

**Time.** ``limit_seconds`` is the exam's time: 130 minutes for 65 questions in the MLA-C01
format, two minutes a question for another ``--count``. ``used_seconds`` grows only while
the exam is on screen; the gap between the last committed step and a resume is *time away*
and is shown, never counted.

**The score estimate.** AWS reports a scaled score from 100 to 1000 with 720 to pass, but
does not publish how raw answers become that score (it equates exam forms, and 15 of the 65
questions are unscored trials). We make no claim to reproduce it: :func:`scaled_estimate` is
a straight line from 0 % correct = 100 to 100 % correct = 1000, so 720 means about 69 %
correct (45 of 65). The report labels it an estimate and says how it is made.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime, timezone

from quizzer.content.bank import Bank, Question

EXAM_NAME = "MLA-C01"
DEFAULT_COUNT = 65
DEFAULT_MINUTES = 130
SCALE_LOW, SCALE_HIGH, PASS_MARK = 100, 1000, 720
WEAK_SHARE = 0.75   # a topic below this share correct is named under "where to work next"


def time_limit(count: int, minutes: float | None = None) -> float:
    """Seconds allowed: ``minutes`` if given, else 130 minutes scaled to ``count``
    questions (two minutes each)."""
    if minutes is not None:
        return 60.0 * minutes
    return 60.0 * DEFAULT_MINUTES * count / DEFAULT_COUNT


def scaled_estimate(correct: int, total: int) -> int:
    """Our ESTIMATE of the 100-1000 scaled score: 100 + 900 x share correct, rounded.

    Not AWS's scaling, which is not public; see the module docstring. 0 of 0 is 100.
    """
    share = correct / total if total else 0.0
    return round(SCALE_LOW + (SCALE_HIGH - SCALE_LOW) * share)


def passed(scaled: int) -> bool:
    return scaled >= PASS_MARK


# --------------------------------------------------------------------------------- draw

def eligible(question: Question, all_kinds: bool) -> bool:
    """Whether the exam may ask ``question``: its kind is one the real exam uses (the kind
    says so: ``on_exam``), or ``all_kinds`` lets practice-only kinds in."""
    from quizzer.content import kinds

    return all_kinds or kinds.of(question).on_exam


def draw(bank: Bank, count: int, seed: int, topics: list[str] | tuple = (),
         all_kinds: bool = False, last_seen: dict | None = None) -> list[Question]:
    """Up to ``count`` questions for an exam, in exam order.

    Topics take turns, so every topic gets an equal share while it has questions. Within a
    topic, questions never answered come first, the difficulty levels taking turns among
    them; then those answered before, the longest ago first (``last_seen``: question id ->
    instant of the latest answer). Ties are broken by ``seed``, and the chosen questions are
    shuffled by it.
    """
    rng = random.Random(seed)
    last_seen = last_seen or {}
    pools: dict[str, list] = defaultdict(list)
    for q in bank.questions:
        if (not topics or q.topic in topics) and eligible(q, all_kinds):
            pools[q.topic].append(q)
    queues = []
    for topic in sorted(pools):
        pool = pools[topic]
        rng.shuffle(pool)
        levels: dict[int, list] = defaultdict(list)
        for q in pool:
            if q.id not in last_seen:
                levels[q.difficulty].append(q)
        order = sorted(levels)
        rng.shuffle(order)
        queue = []
        while any(levels[level] for level in order):
            for level in order:
                if levels[level]:
                    queue.append(levels[level].pop())
        queue += sorted((q for q in pool if q.id in last_seen), key=lambda q: last_seen[q.id])
        queues.append(queue[::-1])  # pop() takes from the end
    rng.shuffle(queues)
    chosen: list[Question] = []
    while len(chosen) < count and any(queues):
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop())
    rng.shuffle(chosen)
    return chosen


def presentation_json(presented) -> str:
    """What was shuffled for the screen (choice order, and any other order the kind keeps),
    as JSON; :func:`presented_from` restores it."""
    return json.dumps({f.name: list(getattr(presented, f.name)) for f in fields(presented)
                       if f.name != "question"}, separators=(",", ":"))


def presented_from(question: Question, text: str):
    from quizzer.engine.grading import Presented

    return Presented(question, **{k: tuple(v) for k, v in json.loads(text).items()})


# ------------------------------------------------------------------------------ records

def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    at = datetime.fromisoformat(text)
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


@dataclass(frozen=True)
class ExamItem:
    """One question of an exam as saved: its place, what was shown, what was answered."""

    position: int                 # 0-based, in exam order
    question_id: str
    topic: str
    presentation: str             # JSON, see presentation_json
    typed: str | None = None      # the answer as typed (letters as shown); None: unanswered
    flagged: bool = False
    seconds: float = 0.0          # time on screen, all visits together
    correct: bool | None = None   # set at submission

    @property
    def answered(self) -> bool:
        return self.typed is not None


@dataclass(frozen=True)
class Exam:
    id: int
    session_id: int
    status: str                   # open | submitted | abandoned
    started_at: datetime
    seed: int
    topics: tuple
    limit_seconds: float
    used_seconds: float
    away_seconds: float
    position: int
    last_active_at: datetime
    items: tuple
    submitted_at: datetime | None = None
    timed_out: bool = False
    correct: int | None = None
    total: int | None = None
    scaled: int | None = None

    @classmethod
    def from_rows(cls, head: dict, items: list[dict]) -> "Exam":
        return cls(
            id=head["id"], session_id=head["session_id"], status=head["status"],
            started_at=_instant(head["started_at"]), seed=head["seed"],
            topics=tuple(t for t in head["topics"].split(",") if t),
            limit_seconds=head["limit_seconds"], used_seconds=head["used_seconds"],
            away_seconds=head["away_seconds"], position=head["position"],
            last_active_at=_instant(head["last_active_at"]),
            submitted_at=_instant(head["submitted_at"]), timed_out=bool(head["timed_out"]),
            correct=head["correct"], total=head["total"], scaled=head["scaled"],
            items=tuple(ExamItem(r["position"], r["question_id"], r["topic"],
                                 r["presentation"], r["typed"], bool(r["flagged"]),
                                 r["seconds"], None if r["correct"] is None
                                 else bool(r["correct"])) for r in items))

    @property
    def remaining(self) -> float:
        return max(0.0, self.limit_seconds - self.used_seconds)

    @property
    def unanswered(self) -> list[int]:
        """1-based numbers of the questions without an answer."""
        return [i.position + 1 for i in self.items if not i.answered]

    @property
    def flagged(self) -> list[int]:
        return [i.position + 1 for i in self.items if i.flagged]

    @property
    def answered_count(self) -> int:
        return sum(i.answered for i in self.items)


def clock_text(seconds: float) -> str:
    """``1:58:03`` or ``9:05``: a countdown as exam software shows it (whole seconds,
    rounded down, so 0:00 means the time is up)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# ------------------------------------------------------------------------------- scoring

def response_of(item: ExamItem, question: Question):
    """The item's answer as a Response (re-read from what was typed, with the presentation
    that was on screen), or None if unanswered."""
    if item.typed is None:
        return None
    from quizzer.engine.grading import parse

    parsed = parse(presented_from(question, item.presentation), item.typed)
    return parsed if hasattr(parsed, "value") else None


def marks(exam: Exam, questions: dict) -> list[tuple[int, bool]]:
    """(position, correct) for every answered question; ``questions``: id -> Question."""
    from quizzer.engine.grading import grade

    out = []
    for item in exam.items:
        response = response_of(item, questions[item.question_id])
        if response is not None:
            out.append((item.position, grade(questions[item.question_id], response)))
    return out


@dataclass(frozen=True)
class TopicScore:
    topic: str
    domain: str
    correct: int
    total: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class Report:
    """What the score report says; unanswered questions count as wrong, as on the exam."""

    exam_id: int
    correct: int
    total: int
    answered: int
    scaled: int
    used_seconds: float
    limit_seconds: float
    away_seconds: float
    flagged: int
    timed_out: bool
    topics: tuple            # TopicScore, weakest first

    @property
    def passed(self) -> bool:
        return passed(self.scaled)

    @property
    def weak(self) -> list[TopicScore]:
        """Topics to work on next: below WEAK_SHARE, weakest first (at most three)."""
        return [t for t in self.topics if t.share < WEAK_SHARE][:3]

    def to_dict(self) -> dict:
        return {"exam": self.exam_id, "correct": self.correct, "total": self.total,
                "answered": self.answered, "scaled_estimate": self.scaled,
                "pass_mark": PASS_MARK, "passed_estimate": self.passed,
                "used_seconds": round(self.used_seconds, 1),
                "limit_seconds": self.limit_seconds, "flagged": self.flagged,
                "timed_out": self.timed_out,
                "topics": [{"topic": t.topic, "domain": t.domain, "correct": t.correct,
                            "total": t.total} for t in self.topics]}


def report(exam: Exam, bank: Bank) -> Report:
    """The score report of a submitted exam (its marks are saved with it)."""
    domains = {t.slug: t.exam.get(EXAM_NAME, "") for t in bank.topics}
    per_topic: dict[str, list[int]] = {}
    for item in exam.items:
        c, n = per_topic.setdefault(item.topic, [0, 0])
        per_topic[item.topic] = [c + int(bool(item.correct)), n + 1]
    topics = sorted((TopicScore(t, domains.get(t, ""), c, n)
                     for t, (c, n) in per_topic.items()), key=lambda s: (s.share, s.topic))
    correct = sum(bool(i.correct) for i in exam.items)
    total = len(exam.items)
    return Report(exam.id, correct, total, exam.answered_count,
                  scaled_estimate(correct, total), exam.used_seconds, exam.limit_seconds,
                  exam.away_seconds, len(exam.flagged), exam.timed_out, tuple(topics))


def trend(scores: list[int]) -> str:
    """How the estimates moved: 'first exam', or '+35 since the previous, +80 since the
    first' (scaled points)."""
    if len(scores) < 2:
        return "first exam" if scores else "no exams yet"
    step, whole = scores[-1] - scores[-2], scores[-1] - scores[0]
    text = f"{step:+d} since the previous"
    return text + (f", {whole:+d} since the first" if len(scores) > 2 else "")


# ---------------------------------------------------------------------------- submission

def submit(store, bank: Bank, exam: Exam, now: datetime, timed_out: bool = False) -> Exam:
    """Mark and close an open exam, then feed its answers to the scheduler; the closed
    :class:`Exam`. Unanswered questions count as wrong. Raises KeyError for a question no
    longer in ``bank`` (the screen checks that first)."""
    questions = {q.id: q for q in bank.questions}
    scored = marks(exam, questions)
    correct = sum(ok for _, ok in scored)
    total = len(exam.items)
    store.submit_exam(exam.id, scored, correct, total, scaled_estimate(correct, total),
                      timed_out, now)
    feed_scheduler(store, bank, store.exam(exam.id))
    return store.exam(exam.id)


def feed_scheduler(store, bank: Bank, exam: Exam) -> None:
    """Record a submitted exam's answers as graded attempts (each with its new schedule, as
    in practice: its time on screen decides right-but-slow), at the submission time. Only
    answers not recorded yet are recorded, so a run cut short here and done again by the next
    start feeds every answer exactly once."""
    from quizzer.engine.session import record_answer

    questions = {q.id: q for q in bank.questions}
    done = store.attempted_in_session(exam.session_id)
    for item in exam.items:
        question = questions.get(item.question_id)
        if item.question_id in done or question is None:
            continue
        response = response_of(item, question)
        if response is not None:
            record_answer(store, exam.session_id, question, response, item.seconds,
                          exam.submitted_at)
    store.exam_fed(exam.id)
    store.end_session(exam.session_id, exam.submitted_at)

"""Commands on a long learning history, against the same commands on an empty one.

A heavy spaced-repetition user answers about 300 items a day. This builds that history for 1
and 3 years with the store's own API (``record_attempt`` / ``record_review`` with the
scheduler's outcomes, as practice and review write them), deterministically, then times each
command on it and on an empty history, interleaved, in the same run. Goal: every command
within 1.3x of its empty-history time, and ``stats`` under 0.5 s.

Run: python benchmarks/history.py [--years 1 3] [--repeat 5]
Built histories are kept in the system temp folder (keyed by their size) for the next run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from timing import PY, isolated_env, median_times, run_once, until_output


REVIEWS_PER_DAY = 300
START = datetime(2025, 1, 1, 8, 0, tzinfo=timezone.utc)


def build_history(home: Path, days: int, seed: int = 7) -> None:
    """``days`` days of ``REVIEWS_PER_DAY`` answers spread over the built-in bank.

    Each day the learner answers what is due first, then items chosen at random; a question
    is answered right with the scheduler's own predicted recall (at least 0.55), so ratings
    are realistic; flashcards are rated Good or Again the same way. Sessions of 30 answers.
    """
    os.environ["QUIZZER_HOME"] = str(home)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout, not installed
    from quizzer.content.bank import load
    from quizzer.engine import scheduling as sch
    from quizzer.engine.store import open_store

    bank = load()
    questions, cards = list(bank.questions), list(bank.cards)
    items = questions + cards
    rng = random.Random(seed)
    store = open_store(home / "progress.db")
    # Durability is not what is measured here: one fsync per answer would make building a
    # three-year history take half an hour. The rows are written by the store's API as usual.
    store.db.execute("PRAGMA synchronous=OFF")
    schedules: dict = {}
    for day in range(days):
        morning = START + timedelta(days=day)
        today = sch.local_day(morning)
        due = [i for i in items if i.id in schedules and schedules[i.id].due <= today]
        rng.shuffle(due)
        rest = [i for i in items if i not in due]
        chosen = (due + rng.sample(rest, len(rest)))[:REVIEWS_PER_DAY]
        while len(chosen) < REVIEWS_PER_DAY:  # a small bank: some items twice a day
            chosen.append(rng.choice(items))
        session = None
        for n, item in enumerate(chosen):
            if n % 30 == 0:
                session = store.start_session("review", None, [], now=morning)
            at = morning + timedelta(seconds=40 * n)
            previous = schedules.get(item.id)
            recall = previous.retrievability(today) if previous else 0.7
            right = rng.random() < max(0.55, recall)
            seconds = rng.uniform(8, 70)
            if item in cards:
                outcome = sch.review(previous, item.id, "card", item.topic,
                                     3 if right else 1, at, seconds)
                store.record_review(outcome)
            else:
                outcome = sch.after_answer(previous, item, right, seconds, at)
                store.record_attempt(session, item.id, item.topic, "a" if right else "b",
                                     right, seconds, now=at, outcome=outcome)
            schedules[item.id] = outcome.schedule
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def history_home(years: int) -> Path:
    """A home holding ``years`` of history, built once and kept for later runs."""
    kept = Path(tempfile.gettempdir()) / f"quizzer-history-{years}y-{REVIEWS_PER_DAY}"
    if not (kept / "progress.db").exists():
        shutil.rmtree(kept, ignore_errors=True)
        started = time.perf_counter()
        building = kept.with_name(kept.name + ".building")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        run_once([PY, __file__, "--build", str(building), "--days", str(365 * years)],
                 env={**os.environ})
        building.rename(kept)
        print(f"built {years} year(s) of history in {time.perf_counter() - started:.0f} s")
    return kept


def commands(exam_date: str) -> dict:
    """name -> (argv, marker on stdout for interactive screens or None)."""
    q = [PY, "-m", "quizzer"]
    return {
        "practice: first question": (q + ["practice", "--count", "1", "--no-plots"], b"> "),
        "practice --wrong: first question": (q + ["practice", "--wrong", "--count", "1",
                                                  "--no-plots"], b"> "),
        "review: first prompt": (q + ["review", "--limit", "1", "--no-plots"], b"> "),
        "stats": (q + ["stats"], None),
        "stats --json": (q + ["stats", "--json"], None),
        "stats --plot": (q + ["stats", "--plot", os.devnull + ".png"], None),
        "plan --exam-date": (q + ["plan", "--exam-date", exam_date], None),
        "topics": (q + ["topics"], None),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build", metavar="HOME", help=argparse.SUPPRESS)
    parser.add_argument("--days", type=int, default=365, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_history(Path(args.build), args.days)
        return 0
    homes = {"empty": None, **{f"{y} year(s)": history_home(y) for y in args.years}}
    ok = True
    for label, kept in homes.items():
        if kept is None:
            continue
        # Bring a history built by older code to this code's schema once, not in every run.
        run_once([PY, "-m", "quizzer", "topics"], env={**os.environ, "QUIZZER_HOME": str(kept)})
        db = kept / "progress.db"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            answers = con.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        print(f"{label}: {answers:,} reviews, progress.db {db.stat().st_size / 2**20:.1f} MiB, "
              f"-wal {_size(db.with_name('progress.db-wal'))}")
    # The day after the last one built: what is due is a normal day's work.
    now = START + timedelta(days=365 * max(args.years) + 1)
    exam = (now + timedelta(days=30)).date().isoformat()
    for name, (argv, marker) in commands(exam).items():
        cases = {}
        for label, kept in homes.items():
            env = isolated_env()
            env["QUIZZER_NOW"] = now.isoformat()
            if kept is not None:
                # a copy per case: commands write (sessions, settings) and must not grow it
                home = Path(env["QUIZZER_HOME"])
                shutil.copy2(kept / "progress.db", home / "progress.db")
            cases[label] = (lambda argv=argv, marker=marker, env=env:
                            until_output(argv, marker, env=env, end_ok=True) if marker
                            else run_once(argv, env=env))
        medians = median_times(cases, args.repeat)
        base = medians["empty"]
        parts = [f"empty {base * 1000:.0f} ms"]
        for label in homes:
            if label != "empty":
                ratio = medians[label] / base
                ok &= ratio <= 1.3
                parts.append(f"{label} {medians[label] * 1000:.0f} ms = {ratio:.2f}x")
        if name == "stats":
            worst = max(medians.values())
            ok &= worst < 0.5
            parts.append(f"(goal < 0.5 s: {'met' if worst < 0.5 else 'NOT met'})")
        print(f"  {name:<34} " + ", ".join(parts))
    print("goal: each within 1.3x of the empty history:", "met" if ok else "NOT met")
    return 0 if ok else 1


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 2**20:.1f} MiB" if path.exists() else "none"


if __name__ == "__main__":
    sys.exit(main())

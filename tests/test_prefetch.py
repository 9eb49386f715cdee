"""The prefetcher hands a question its numbers before its plot is drawn, and starts its
first job only after the first question is on screen unless a result is waited for."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import quizzer.screens.prefetch as pf
from quizzer.content.bank import load

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


def _question():
    bank = load([FIXTURE_BANK])
    question = next(q for q in bank.questions if pf.example_for(q, bank) is not None)
    return bank, question


def test_a_questions_numbers_do_not_wait_for_its_plot(monkeypatch):
    drawing = threading.Event()
    release = threading.Event()

    def slow_plot(run):
        drawing.set()
        release.wait(10)  # matplotlib drawing, held until the test lets it finish
        return pf.PrefetchedRun(run.ref, run.example, Path("drawn.png"))

    monkeypatch.setattr(pf, "_with_plot", slow_plot)
    bank, question = _question()
    prefetcher = pf.Prefetcher(bank, plots=True)
    with prefetcher:
        ran = prefetcher.ran(question)
        assert ran.example is not None and ran.png is None  # numbers now, plot later
        assert drawing.wait(10) and prefetcher.busy
        release.set()
        done = prefetcher.get(question)
        assert done.png == Path("drawn.png") and done.example is ran.example
        assert not prefetcher.busy


def test_the_first_job_waits_a_moment_unless_it_is_waited_for(monkeypatch):
    started = []
    real = pf.compute
    bank, question = _question()
    prefetcher = pf.Prefetcher(bank, plots=False)

    def timed(ref, plots):
        if threading.current_thread() is prefetcher.worker:  # this test's worker only
            started.append(time.monotonic())
        return real(ref, plots)

    monkeypatch.setattr(pf, "compute", timed)
    with prefetcher:
        asked = time.monotonic()
        prefetcher.prefetch(question)
        time.sleep(pf.SETTLE_SECONDS / 3)
        assert started == []  # the screen is left to the question and its prompt
        prefetcher.get(question)  # now the result is wanted: it runs at once
        assert started and started[0] - asked < pf.SETTLE_SECONDS


def test_a_closed_prefetcher_runs_no_queued_job(monkeypatch):
    calls = []
    monkeypatch.setattr(pf, "compute", lambda ref, plots: calls.append(ref))
    bank, question = _question()
    with pf.Prefetcher(bank, plots=False) as prefetcher:
        prefetcher.prefetch(question)  # queued; the worker is still settling
    prefetcher.worker.join(pf.SETTLE_SECONDS + 5)
    assert not prefetcher.worker.is_alive() and calls == []

"""The prefetcher: worked examples for the practice, review and exam screens, computed in
the background.

While the learner reads a question, a single worker thread runs its simulation (importing
numpy on first use) and, with plots on, draws the PNG into the cache. By the time the answer
is graded the example is usually ready, so feedback does not wait for either.

The worker is a daemon thread: when the learner quits (q, Ctrl-D, Ctrl-C) the process ends
at once instead of waiting for a simulation or a drawing it no longer needs. Nothing is lost
by that: cache files are written under a temporary name and renamed into place.
The text of a worked example is :mod:`quizzer.render.example_text`'s.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from quizzer.content.bank import Bank, SimulationCall, example_for


@dataclass(frozen=True)
class PrefetchedRun:
    """What the prefetcher hands a screen for one question: the run's Example and its cached
    PNG, or why there is none."""

    ref: SimulationCall
    example: object = None
    png: Path | None = None
    error: str = ""
    plot_note: str = ""  # why there is no plot, when it could not be saved


def compute(ref: SimulationCall, plots: bool) -> PrefetchedRun:
    from quizzer import simulations

    from quizzer.engine import run_cache

    try:
        example = run_cache.get(ref.simulation, ref.params, ref.seed).example
    except simulations.SimulationError as err:
        return PrefetchedRun(ref, error=str(err))
    except Exception as err:  # a broken scenario must not end the session; tests catch it
        return PrefetchedRun(ref, error="the simulation failed: "
                                        f"{type(err).__name__}: {err}")
    run = PrefetchedRun(ref, example)
    return _with_plot(run) if plots else run


def _with_plot(run: PrefetchedRun) -> PrefetchedRun:
    """``run`` with its chart drawn into the PNG cache, or a note saying why it is not."""
    from quizzer.render.figures import cached_png

    try:
        return PrefetchedRun(run.ref, run.example, cached_png(run.example))
    except OSError as err:  # the example is still shown, without its plot
        return PrefetchedRun(run.ref, run.example, plot_note="Plot: not drawn, the cache "
                                                             "cannot be written "
                                                             f"({err.strerror or err}).")


class _Job:
    def __init__(self, ref: SimulationCall, plots: bool):
        self.ref, self.plots = ref, plots
        self.ran = threading.Event()   # the example is computed (its plot may be drawing)
        self.done = threading.Event()  # the plot too
        self.result: PrefetchedRun | None = None

    def run(self) -> None:
        try:
            # The example first, so a question that quotes its numbers is shown without
            # waiting for matplotlib; then its plot, for the feedback.
            self.result = compute(self.ref, False)
            self.ran.set()
            if self.plots and self.result.example is not None:
                self.result = _with_plot(self.result)
        except BaseException as err:  # noqa: BLE001 - reported with the feedback instead
            self.result = PrefetchedRun(self.ref, error=f"{type(err).__name__}: {err}")
        finally:
            self.ran.set()
            self.done.set()


# Seconds the worker lets pass before its first job unless a result is asked for: the first
# question and its prompt reach the screen, and a q typed at once leaves, without competing
# for the GIL with numpy's import (its extension modules hold it for tens of milliseconds).
SETTLE_SECONDS = 0.3


class Prefetcher:
    """Runs each question's worked example once, ahead of need, on one daemon thread."""

    def __init__(self, bank: Bank, plots: bool = True):
        self.bank = bank
        self.plots = plots
        self.jobs: dict[tuple, _Job] = {}
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.worker: threading.Thread | None = None
        self.wanted = threading.Event()  # set when a result is waited for: start at once
        self.closed = False  # the session is over: queued jobs are not run

    def _work(self) -> None:
        self.wanted.wait(SETTLE_SECONDS)
        while True:
            job = self.queue.get()
            if job is None or self.closed:
                return
            job.run()

    def ref_of(self, question) -> SimulationCall | None:
        return example_for(question, self.bank)

    def prefetch(self, question) -> None:
        ref = example_for(question, self.bank)
        if ref is not None and ref.key() not in self.jobs:
            job = self.jobs[ref.key()] = _Job(ref, self.plots)
            if self.worker is None:
                self.worker = threading.Thread(target=self._work, name="quizzer-example",
                                               daemon=True)
                self.worker.start()
            self.queue.put(job)

    def get(self, question) -> PrefetchedRun | None:
        """The item's worked example with its plot, waiting for both if needed (Ctrl-C
        interrupts); None if neither it nor its topic has one."""
        return self._wait(question, "done")

    def ran(self, question) -> PrefetchedRun | None:
        """The item's worked example as soon as it is computed, without waiting for its
        plot (for a question that quotes its numbers): its ``png`` may be None even with
        plots on. None if neither it nor its topic has one."""
        return self._wait(question, "ran")

    def _wait(self, question, event: str) -> PrefetchedRun | None:
        self.prefetch(question)
        ref = example_for(question, self.bank)
        if ref is None:
            return None
        job = self.jobs[ref.key()]
        self.wanted.set()
        while not getattr(job, event).wait(0.1):  # timed, so Ctrl-C is seen while waiting
            pass
        return job.result

    @property
    def busy(self) -> bool:
        """True while a worked example is still being run or drawn."""
        return any(not job.done.is_set() for job in self.jobs.values())

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc) -> None:
        # The worker stops after its current job (nobody waits for it) and runs no queued
        # one: a session that ended owes no more simulations or drawings.
        self.closed = True
        self.queue.put(None)
        self.wanted.set()

"""Worked examples for the practice loop: computed in the background, shown after the answer.

While the learner reads a question, a single worker thread runs its simulation (importing
numpy on first use) and, with plots on, draws the PNG into the cache. By the time the answer
is graded the example is usually ready, so feedback does not wait for either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from dataclasses import dataclass
from pathlib import Path

from quizzer import terminal as t
from quizzer.bank import Bank, ExampleRef, example_for

if TYPE_CHECKING:
    from concurrent.futures import Future


def describe_ref(ref: ExampleRef) -> str:
    return call_text(ref.simulation, ref.params)


def call_text(simulation: str, params) -> str:
    """``name(k=v, ...)``, lists as ``a,b,c`` (how --set takes them)."""
    return f"{simulation}({', '.join(f'{k}={param_text(v)}' for k, v in params.items())})"


def param_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


def example_text(example, max_rows: int = 8, indent: str = "  ") -> str:
    """Findings as bullets, then the table (cut to ``max_rows`` with a note)."""
    lines = [t.wrap(f, indent=indent + "  ", first=indent + "- ") for f in example.findings]
    rows = list(example.table.rows)
    if rows:
        lines += ["", t.table(example.table.columns, rows[:max_rows], indent=indent)]
        if len(rows) > max_rows:
            lines.append(t.dim(f"{indent}... {len(rows) - max_rows} more rows "
                               f"(quizzer explain shows them all)"))
    return "\n".join(lines)


@dataclass(frozen=True)
class Worked:
    ref: ExampleRef
    example: object = None
    png: Path | None = None
    error: str = ""

    def render(self) -> str:
        head = t.heading("  Worked example: ") + describe_ref(self.ref)
        if self.error:
            return "\n" + head + "\n" + t.dim(f"    (unavailable: {self.error})")
        lines = ["", head, example_text(self.example, max_rows=6, indent="    ")]
        if self.png:
            lines.append(f"    Plot: {self.png}")
        return "\n".join(lines)


def compute(ref: ExampleRef, plots: bool) -> Worked:
    import simulations

    from quizzer import examples

    try:
        example = examples.get(ref.simulation, ref.params, ref.seed).example
    except simulations.SimulationError as err:
        return Worked(ref, error=str(err))
    except Exception as err:  # a broken scenario must not end the session; tests catch it
        return Worked(ref, error=f"the simulation failed: {type(err).__name__}: {err}")
    png = None
    if plots:
        from quizzer.figures import cached_png

        try:
            png = cached_png(example)
        except OSError as err:
            return Worked(ref, example, error=f"the plot could not be saved: {err}")
    return Worked(ref, example, png)


class Prefetcher:
    """Runs each question's worked example once, ahead of need, on one background thread."""

    def __init__(self, bank: Bank, plots: bool = True):
        # Imported here: concurrent.futures costs start-up time before the first question.
        from concurrent.futures import ThreadPoolExecutor

        self.bank = bank
        self.plots = plots
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quizzer-example")
        self.futures: dict[tuple, Future] = {}

    def prefetch(self, question) -> None:
        ref = example_for(question, self.bank)
        if ref is not None and ref.key() not in self.futures:
            self.futures[ref.key()] = self.pool.submit(compute, ref, self.plots)

    def get(self, question) -> Worked | None:
        """The item's worked example; None if neither it nor its topic has one."""
        self.prefetch(question)
        ref = example_for(question, self.bank)
        return self.futures[ref.key()].result() if ref is not None else None

    def __enter__(self) -> "Prefetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

"""Shared fixtures: every test gets its own QUIZZER_HOME, no colour and a fixed width."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from quizzer import simulations
from quizzer.simulations import Param, scenario
from quizzer.simulations.example import Chart, Panel, Series, Table, worked

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("QUIZZER_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("QUIZZER_BANK", raising=False)
    return home


@scenario("A fixed example for transcript tests.",
          tp=Param("int", 50, "true positives", low=0), fp=Param("int", 5, "false positives", low=0))
def fixed(*, seed, tp, fp):
    """Precision from two counts, with a finding and a one-row table that never change."""
    precision = tp / (tp + fp) if tp + fp else None
    return worked(
        values={"precision": precision},
        table=Table.of(("tp", "fp", "precision"), [(tp, fp, round(precision, 3))]),
        findings=[f"Precision = {tp}/{tp + fp} = {precision:.3f}."],
        chart=Chart("Precision", (Panel("bars", "p", "metric", "value",
                                        (Series.of("precision", ["precision"], [precision]),)),)))


@pytest.fixture
def utc_zone():
    """Local time = UTC, so local calendar days are the UTC ones (scheduling tests)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.fixture
def mini_bank(monkeypatch):
    """Make the built-in bank just tests/fixtures/bank (stable transcripts)."""
    import quizzer.content.bank

    files = sorted((FIXTURES / "bank").glob("*.yaml"))
    monkeypatch.setattr(quizzer.content.bank, "builtin_files", lambda: files)
    return files


def ticking_console(now=None, step: int = 2):
    """A Console whose stopwatch advances by exactly ``step`` seconds at every read; its
    wall clock is ``now`` (a callable) or the real one. A CLI test passes it as
    ``CliRunner().invoke(cli, args, obj=ticking_console())``: one per run, as one process."""
    from quizzer.screens.console import Clock, Console, utc_now

    ticks = iter(range(0, 100_000, step))
    return Console(Clock(now=now or utc_now, elapsed=lambda: float(next(ticks))))


assert "conftest.fixed" in simulations._REGISTRY


def fake_viewer(folder: Path) -> tuple[Path, Path]:
    """An ``xdg-open`` in ``folder``/bin that writes the path it was given, and a newline,
    to a log (one write: :func:`opened` waits for the newline), and the log. Put the bin
    folder first on PATH, with DISPLAY set; the script needs nothing else on PATH."""
    import stat

    log = folder / "opened.txt"
    script = folder / "bin" / "xdg-open"
    script.parent.mkdir(exist_ok=True)
    script.write_text(f'#!/bin/sh\necho "$1" > "{log}"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script.parent, log


def opened(log: Path, timeout: float = 20.0) -> str:
    """What the fake viewer was asked to open, waiting for it (it runs detached, so it may
    still be starting on a loaded machine); '' if it never wrote."""
    deadline = time.monotonic() + timeout
    text = ""
    while not text.endswith("\n") and time.monotonic() < deadline:
        time.sleep(0.05)
        text = log.read_text() if log.exists() else ""
    return text.strip()

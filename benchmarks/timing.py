"""Whole-process timing shared by the benchmarks: medians of interleaved runs.

A benchmark compares a command with a *floor* measured in the same run on the same machine
(for example ``python -c "import click, yaml"``), so the printed ratio means the same thing
on a fast laptop and a loaded 2-core CI box. Runs are interleaved (floor, command, floor,
...) so that a burst of background load hits both sides.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Sequence

PY = sys.executable


def run_once(argv: Sequence[str], stdin: bytes = b"", env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, check=True)
    return time.perf_counter() - start


def _read_until(proc: subprocess.Popen, marker: bytes, argv: Sequence[str],
                end_ok: bool = False) -> None:
    """Read ``proc``'s stdout until ``marker`` appears; if the process ends first, raise
    RuntimeError, unless ``end_ok`` (then its end is what was waited for)."""
    seen = b""
    while marker not in seen:
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            if end_ok:
                return
            raise RuntimeError(f"{argv} ended before printing {marker!r}: {seen[-300:]!r}")
        seen += chunk


def _spawn(argv: Sequence[str], env: dict | None) -> subprocess.Popen:
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)


def until_output(argv: Sequence[str], marker: bytes, env: dict | None = None,
                 end_ok: bool = False) -> float:
    """Seconds from spawning ``argv`` until ``marker`` appears on its stdout (or, with
    ``end_ok``, until it ends without printing it: a command with nothing to ask)."""
    start = time.perf_counter()
    proc = _spawn(argv, env)
    _read_until(proc, marker, argv, end_ok)
    elapsed = time.perf_counter() - start
    proc.stdin.close()
    proc.stdout.read()
    proc.wait()
    return elapsed


def quit_at(argv: Sequence[str], marker: bytes, keys: bytes,
            env: dict | None = None) -> float:
    """Seconds from spawning ``argv`` until it has exited after ``keys`` were typed at
    ``marker`` (the shell prompt back), without waiting for anything it started."""
    start = time.perf_counter()
    proc = _spawn(argv, env)
    _read_until(proc, marker, argv)
    proc.stdin.write(keys)
    proc.stdin.close()
    proc.stdout.read()
    proc.wait()
    return time.perf_counter() - start


def median_times(cases: dict[str, Callable[[], float]], repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in cases}
    for name, case in cases.items():  # one warm-up each: page cache, .pyc files
        case()
    for _ in range(repeat):
        for name, case in cases.items():
            times[name].append(case())
    return {name: statistics.median(values) for name, values in times.items()}


def isolated_env(default_locations: bool = False) -> dict:
    """A fresh QUIZZER_HOME, and bytecode caching on as in any pip-installed copy (the
    warm-up run writes the .pyc files; some shells set PYTHONDONTWRITEBYTECODE).

    With ``default_locations``, no QUIZZER_HOME: a fresh HOME and no XDG_* variables
    instead, so quizzer finds its folders through platformdirs as it does for a learner
    who set nothing (QUIZZER_HOME skips that import)."""
    home = tempfile.mkdtemp(prefix="quizzer-bench-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if default_locations:
        env = {k: v for k, v in env.items()
               if k != "QUIZZER_HOME" and not k.startswith("XDG_")}
        return {**env, "HOME": home, "NO_COLOR": "1"}
    return {**env, "QUIZZER_HOME": home, "NO_COLOR": "1"}


def report(title: str, medians: dict[str, float], pairs: list[tuple[str, str, float]]) -> bool:
    """Print medians and each (command, floor, goal) ratio; return True if all goals are met."""
    print(title)
    for name, seconds in medians.items():
        print(f"  {name:<44} {seconds * 1000:8.1f} ms")
    ok = True
    for name, floor, goal in pairs:
        ratio = medians[name] / medians[floor]
        met = ratio <= goal
        ok &= met
        print(f"  ratio {name} / {floor}: {ratio:.2f}x (goal <= {goal}x) "
              f"{'met' if met else 'NOT met'}")
    return ok

"""Every simulation scenario with its default parameters: seconds per run, in one process.

numpy is imported first, so the figures are the scenarios' own cost. Goal: each well under
a second on the project's 2-core machine. Run: python benchmarks/scenarios.py
"""

from __future__ import annotations

import statistics
import sys
import time


def main() -> int:
    import numpy  # noqa: F401  (the floor every scenario shares; not counted)

    from quizzer import simulations

    worst = 0.0
    print("Scenario run time with defaults (median of 5, fresh memo each run)")
    for name in simulations.names():
        times = []
        for _ in range(5):
            simulations._CACHE.clear()
            start = time.perf_counter()
            simulations.run(name)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"  {name:<40} {median * 1000:8.1f} ms")
    print(f"  slowest: {worst * 1000:.1f} ms (goal: well under 1000 ms)")
    return 0 if worst < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())

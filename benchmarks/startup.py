"""Start-up: `quizzer --help` and the first practice question, against `import click, yaml`.

Goal: both within 1.5x of the floor. Run: python benchmarks/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys

from timing import PY, isolated_env, median_times, report, run_once, until_output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    env = isolated_env()
    cases = {
        "floor: python -c 'import click, yaml'":
            lambda: run_once([PY, "-c", "import click, yaml"], env=env),
        "quizzer --help":
            lambda: run_once([PY, "-m", "quizzer", "--help"], env=env),
        "practice: first question on screen":
            lambda: until_output([PY, "-m", "quizzer", "practice", "--count", "1",
                                  "--no-plots"], b"> ", env=env),
    }
    medians = median_times(cases, args.repeat)
    floor = "floor: python -c 'import click, yaml'"
    ok = report("Start-up (median of %d interleaved runs)" % args.repeat, medians,
                [("quizzer --help", floor, 1.5),
                 ("practice: first question on screen", floor, 1.5)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

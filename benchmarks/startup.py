"""Start-up: `quizzer --help`, the first practice question, and q at that question (the
shell prompt back), against `import click, yaml`.

quizzer runs as for a learner who set nothing: its folders found through platformdirs (a
fresh HOME), not QUIZZER_HOME, which would skip that import.

Goal: each within 1.5x of the floor. The q case runs with plots on, so a worked example is
being computed and drawn in the background when q comes: leaving must not wait for it. Run: python benchmarks/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys

from timing import PY, isolated_env, median_times, quit_at, report, run_once, until_output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    env = isolated_env(default_locations=True)
    cases = {
        "floor: python -c 'import click, yaml'":
            lambda: run_once([PY, "-c", "import click, yaml"], env=env),
        "quizzer --help":
            lambda: run_once([PY, "-m", "quizzer", "--help"], env=env),
        "practice: first question on screen":
            lambda: until_output([PY, "-m", "quizzer", "practice", "--count", "1",
                                  "--no-plots"], b"> ", env=env),
        "practice: q at the first question, prompt back":
            lambda: quit_at([PY, "-m", "quizzer", "practice", "--count", "1"], b"> ", b"q\n",
                            env=env),
    }
    medians = median_times(cases, args.repeat)
    floor = "floor: python -c 'import click, yaml'"
    ok = report("Start-up (median of %d interleaved runs)" % args.repeat, medians,
                [("quizzer --help", floor, 1.5),
                 ("practice: first question on screen", floor, 1.5),
                 ("practice: q at the first question, prompt back", floor, 1.5)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`quizzer explain`: text only, a cached plot and a cold plot, against numpy/matplotlib floors.

Goals: the cached path within 1.3x of `python -c "import numpy"`, the cold path within 1.5x of
`python -c "import numpy, matplotlib"`. Run: python benchmarks/explain.py [--repeat N] [--topic T]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from timing import PY, isolated_env, median_times, report, run_once


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--topic", default="cm")
    args = parser.parse_args()
    env = isolated_env()
    cache = Path(env["QUIZZER_HOME"]) / "cache"
    explain = [PY, "-m", "quizzer", "explain", args.topic]

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return run_once(explain, env=env)

    cases = {
        "floor: python -c 'import numpy'": lambda: run_once([PY, "-c", "import numpy"], env=env),
        "floor: python -c 'import numpy, matplotlib'":
            lambda: run_once([PY, "-c", "import numpy, matplotlib"], env=env),
        f"quizzer explain {args.topic} --no-plot": lambda: run_once(explain + ["--no-plot"], env=env),
        f"quizzer explain {args.topic} (plot cached)": lambda: run_once(explain, env=env),
        f"quizzer explain {args.topic} (plot drawn)": cold,
    }
    medians = median_times(cases, args.repeat)
    ok = report(f"Explain (median of {args.repeat} interleaved runs)", medians, [
        (f"quizzer explain {args.topic} --no-plot", "floor: python -c 'import numpy'", 1.3),
        (f"quizzer explain {args.topic} (plot cached)", "floor: python -c 'import numpy'", 1.3),
        (f"quizzer explain {args.topic} (plot drawn)",
         "floor: python -c 'import numpy, matplotlib'", 1.5)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

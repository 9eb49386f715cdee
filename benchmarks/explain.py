"""`quizzer explain`: text only, a cached plot and a cold plot, against numpy/matplotlib floors.

Goals: the cached path within 1.3x of `python -c "import numpy"`, the cold path within 1.5x of
`python -c "import numpy, matplotlib"`. Also measured: explaining with the worked example run
(not cached), and a bound no drawn plot can beat (importing matplotlib's Figure API and Agg
and drawing one text). Run: python benchmarks/explain.py [--repeat N] [--topic T]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from timing import PY, isolated_env, median_times, report, run_once

BOUND = ("import numpy, matplotlib.figure as f, matplotlib.backends.backend_agg as b; "
         "g = f.Figure(); g.text(0.5, 0.5, 'x'); b.FigureCanvasAgg(g).draw()")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--topic", default="cm")
    args = parser.parse_args()
    env = isolated_env()
    cache = Path(env["QUIZZER_HOME"]) / "cache"
    explain = [PY, "-m", "quizzer", "explain", args.topic]

    def cold() -> float:  # nothing cached: the simulation runs and the plot is drawn
        shutil.rmtree(cache, ignore_errors=True)
        return run_once(explain, env=env)

    def computed() -> float:  # the example is run (no cached entry), no plot
        for kept in cache.glob("examples-*"):
            shutil.rmtree(kept, ignore_errors=True)
        return run_once(explain + ["--no-plot"], env=env)

    numpy_floor = "floor: python -c 'import numpy'"
    mpl_floor = "floor: python -c 'import numpy, matplotlib'"
    bound = "bound: import Figure + Agg, draw one text"
    cases = {
        numpy_floor: lambda: run_once([PY, "-c", "import numpy"], env=env),
        mpl_floor: lambda: run_once([PY, "-c", "import numpy, matplotlib"], env=env),
        # What any matplotlib PNG costs: the Figure API and Agg imported, one text drawn.
        bound: lambda: run_once([PY, "-c", BOUND], env=env),
        f"explain {args.topic} --no-plot (example run)": computed,
        f"explain {args.topic} --no-plot (example cached)":
            lambda: run_once(explain + ["--no-plot"], env=env),
        f"explain {args.topic} (plot cached)": lambda: run_once(explain, env=env),
        f"explain {args.topic} (plot drawn)": cold,
    }
    medians = median_times(cases, args.repeat)
    ok = report(f"Explain (median of {args.repeat} interleaved runs)", medians, [
        (f"explain {args.topic} (plot cached)", numpy_floor, 1.3),
        (f"explain {args.topic} (plot drawn)", mpl_floor, 1.5)])
    print(f"  for reference: example run / numpy floor "
          f"{medians[f'explain {args.topic} --no-plot (example run)'] / medians[numpy_floor]:.2f}x;"
          f" the bound / matplotlib floor {medians[bound] / medians[mpl_floor]:.2f}x (a drawn "
          f"plot cannot beat it)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

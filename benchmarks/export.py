"""`quizzer export pdf` of the whole built-in deck against a floor measured in the same run.

The floor draws the same inset plots (one per card back, same charts, same size) into one
PdfPages file with nothing else: the part of the export that is drawing plots, as the
benchmark has measured it from the start. The goals (issue 18): at most 0.53x of that floor
(what the export achieved when it set text through matplotlib's internals) and under 10 s,
first time (no worked examples kept) and again. Run: python benchmarks/export.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from timing import PY, isolated_env, median_times, report, run_once

ROOT = str(Path(__file__).resolve().parent.parent)  # quizzer need not be installed


def draw_insets_only(out: str) -> None:
    """The floor: every card's inset plot, eight to a page, and nothing else."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from quizzer.content.bank import load
    from quizzer.render.figures import draw_panel
    from quizzer.render.flashcards import print_cards

    charts = [c.back.chart for c in print_cards(load(), "all", None, plots=True)
              if c.back.chart is not None and c.back.chart.panels]
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(out) as pdf:
        for start in range(0, len(charts), 8):
            fig = Figure(figsize=(8.27, 11.69))
            for i, chart in enumerate(charts[start:start + 8]):
                ax = fig.add_axes((0.08 + 0.5 * (i % 2), 0.04 + 0.24 * (i // 2), 0.38, 0.07))
                draw_panel(fig, ax, chart.panels[0], compact=True)
            pdf.savefig(fig)
    print(f"{len(charts)} insets")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--floor-only", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        sys.path.insert(0, ROOT)
        draw_insets_only(args.floor_only)
        return 0
    env = isolated_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    work = Path(tempfile.mkdtemp(prefix="quizzer-export-bench-"))
    here = str(Path(__file__).resolve())
    export = [PY, "-m", "quizzer", "export", "pdf", "--out", str(work / "deck.pdf")]

    def first_export() -> float:  # a new home: no bank snapshot, no kept worked examples
        shutil.rmtree(Path(env["QUIZZER_HOME"]) / "cache", ignore_errors=True)
        return run_once(export, env=env)

    floor, first, again = ("floor: the same insets alone in PdfPages",
                           "export pdf (whole deck, first time)",
                           "export pdf (whole deck, examples kept)")
    cases = {
        floor: lambda: run_once([PY, here, "--floor-only", str(work / "floor.pdf")], env=env),
        first: first_export,
        again: lambda: run_once(export, env=env),
    }
    medians = median_times(cases, args.repeat)
    ok = report(f"Export (median of {args.repeat} interleaved runs)", medians,
                [(first, floor, 0.53), (again, floor, 0.53)])
    for name in (first, again):
        seconds = medians[name]
        ok &= seconds < 10
        print(f"  {name}: {seconds:.1f} s (goal < 10 s) {'met' if seconds < 10 else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`quizzer export anki` of the whole built-in bank against a floor measured in the same run.

The floor draws the same distinct charts as PNGs on every core and writes nothing else: the
part of a first export that is drawing plots. The goal from the issue: the whole bank exports
in under 10 s (first time, with nothing cached, and again). Run: python benchmarks/anki.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from timing import PY, isolated_env, median_times, report, run_once


def draw_pngs_only() -> None:
    """The floor: every distinct chart of the deck drawn once as a PNG, on every core."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # a checkout, not installed
    from quizzer.content.bank import load
    from quizzer.engine.card_content import deck
    from quizzer.render.anki_deck import chart_pngs

    contents = deck(load(), "all", None, workers=os.cpu_count() or 1)
    shutil.rmtree(Path(os.environ["QUIZZER_HOME"]) / "cache", ignore_errors=True)
    print(f"{len(set(chart_pngs(contents, os.cpu_count() or 1).values()))} charts")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        draw_pngs_only()
        return 0
    env = isolated_env()
    work = Path(tempfile.mkdtemp(prefix="quizzer-anki-bench-"))
    here = str(Path(__file__).resolve())
    export = [PY, "-m", "quizzer", "export", "anki", "--out", str(work / "deck.apkg")]

    def first_export() -> float:  # no bank snapshot, no worked examples, no PNGs
        shutil.rmtree(Path(env["QUIZZER_HOME"]) / "cache", ignore_errors=True)
        return run_once(export, env=env)

    def floor_run() -> float:
        # the examples are kept from the last export; the floor removes the PNGs itself
        return run_once([PY, here, "--floor-only"], env=env)

    floor, first, again = ("floor: the same charts drawn as PNGs on every core",
                           "export anki (whole bank, first time)",
                           "export anki (whole bank, again)")
    medians = median_times({floor: floor_run, first: first_export,
                            again: lambda: run_once(export, env=env)}, args.repeat)
    ok = report(f"Anki export (median of {args.repeat} interleaved runs)", medians, [])
    for name in (first, again):
        print(f"  ratio {name} / floor: {medians[name] / medians[floor]:.2f}x")
    for name in (first, again):
        seconds = medians[name]
        ok &= seconds < 10
        print(f"  {name}: {seconds:.1f} s (goal < 10 s) {'met' if seconds < 10 else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

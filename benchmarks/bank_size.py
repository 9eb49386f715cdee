"""A large user bank: the built-in bank plus 10,000 questions of a learner's own.

Times, in the same run: the first practice question with the built-in bank alone and with the
extra questions (cold: no bank snapshot, so every file is parsed; one file edited: the
snapshot entries of the other files are kept, as after a learner edits one of their files;
warm: every entry kept), and `quizzer validate` of 2,500, 5,000 and 10,000 extra questions (it
should grow linearly). Reports each command's peak memory. Goal: the first question within 2x
of the built-in bank alone, cold and warm; the edited case is compared with the built-in bank
cold (the time a learner waits after changing a file either way).

Run: python benchmarks/bank_size.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import PY, isolated_env, median_times, run_once, until_output

FILES = 10


def write_bank(folder: Path, questions: int) -> None:
    """``questions`` single-choice questions in FILES topic files (minimal topics, no
    worked examples: a bank on any subject)."""
    folder.mkdir(parents=True, exist_ok=True)
    per_file = questions // FILES
    for f in range(FILES):
        lines = [f"topic: user-topic-{f}", f"title: User topic {f}", "questions:"]
        for q in range(per_file):
            lines += [
                f"  - id: user-{f}-{q}",
                "    kind: single",
                f"    prompt: Question {q} of topic {f}, which asks about one fact and"
                " gives four choices?",
                "    choices:",
                f"      - {{text: The right answer {q}, correct: true, why: It is right.}}",
                f"      - {{text: A plausible mistake {q}, why: It confuses two ideas.}}",
                f"      - {{text: Another mistake {q}, why: It reverses the definition.}}",
                f"      - {{text: A third mistake {q}, why: It is true of something else.}}",
                "    explanation: The right answer follows from the definition.",
            ]
        (folder / f"user-{f}.yaml").write_text("\n".join(lines) + "\n")


def peak_memory_mib(argv, env) -> float:
    """The peak resident memory of one run of ``argv`` (its own process), in MiB."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False, "
             "stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([PY, "-c", probe, *argv], env=env, capture_output=True, text=True,
                         check=True).stdout
    return int(out.strip()) / 1024  # ru_maxrss is in KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="quizzer-bank-size-"))
    banks = {n: work / f"bank-{n}" for n in (2500, 5000, 10_000)}
    for n, folder in banks.items():
        write_bank(folder, n)
    size = sum(p.stat().st_size for p in banks[10_000].iterdir()) / 2**20
    print(f"10,000 questions in {FILES} files, {size:.1f} MiB of YAML")
    first = [PY, "-m", "quizzer", "practice", "--count", "1", "--no-plots"]
    builtin_env, big_env = isolated_env(), isolated_env()
    big_env["QUIZZER_BANK"] = str(banks[10_000])

    def cold(env):
        def run() -> float:
            shutil.rmtree(Path(env["QUIZZER_HOME"]) / "cache", ignore_errors=True)
            return until_output(first, b"> ", env=env)
        return run

    edits = iter(range(1, 1_000_000))

    def one_file_edited() -> float:
        edited = banks[10_000] / "user-3.yaml"
        stamp = edited.stat().st_mtime_ns + next(edits) * 1_000_000_000
        os.utime(edited, ns=(stamp, stamp))  # a new size/mtime key: that file is read again
        return until_output(first, b"> ", env=big_env)

    cases = {
        "built-in bank, cold": cold(builtin_env),
        "+10,000 questions, cold": cold(big_env),
        "+10,000 questions, one file edited": one_file_edited,
        "built-in bank, warm": lambda: until_output(first, b"> ", env=builtin_env),
        "+10,000 questions, warm": lambda: until_output(first, b"> ", env=big_env),
    }
    medians = median_times(cases, args.repeat)
    ok = True
    print(f"First practice question (median of {args.repeat} interleaved runs)")
    for state in ("cold", "warm"):
        base, big = medians[f"built-in bank, {state}"], medians[f"+10,000 questions, {state}"]
        met = big / base <= 2
        ok &= met
        print(f"  {state}: built-in {base * 1000:.0f} ms, +10,000 {big * 1000:.0f} ms = "
              f"{big / base:.2f}x (goal <= 2x) {'met' if met else 'NOT met'}")
    edited, base = (medians["+10,000 questions, one file edited"],
                    medians["built-in bank, cold"])
    print(f"  one of the 10 files edited: {edited * 1000:.0f} ms = {edited / base:.2f}x the "
          "built-in bank cold")
    print("quizzer validate (cold: no snapshot), median of interleaved runs")
    validate = {}
    for n, folder in banks.items():
        env = isolated_env()
        validate[f"{n:,} questions"] = (lambda env=env, folder=folder:
                                        run_once([PY, "-m", "quizzer", "validate",
                                                  str(folder)], env=env))
    times = median_times(validate, args.repeat)
    for name, seconds in times.items():
        print(f"  {name:<18} {seconds * 1000:8.0f} ms")
    per = [(times[f"{n:,} questions"] - times["2,500 questions"]) / (n - 2500)
           for n in (5000, 10_000)]
    print(f"  added time per 1,000 questions: {per[0] * 1e6:.0f} ms (2.5k to 5k), "
          f"{per[1] * 1e6:.0f} ms (2.5k to 10k): "
          f"{'linear' if abs(per[1] - per[0]) <= 0.25 * per[0] else 'NOT linear'}")
    for label, env in (("built-in bank", builtin_env), ("+10,000 questions", big_env)):
        print(f"  peak memory, first question, {label}: "
              f"{peak_memory_mib(first, env):.0f} MiB")
    print(f"  peak memory, validate 10,000: "
          f"{peak_memory_mib([PY, '-m', 'quizzer', 'validate', str(banks[10_000])], isolated_env()):.0f} MiB")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""What the first practice question costs in imports: measured in benchmarks/startup.py,
kept here as a rule a change cannot break unnoticed. At the first prompt (bank snapshot
warm) the process holds quizzer, click and the standard library only, and not the parts of
the standard library that cost milliseconds to import and are only needed later (writing a
file, suggesting a spelling, the first answer's scheduler)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, os, sys
from quizzer.screens import asking, prefetch
# The worked example's worker thread starts after the question is printed; its imports
# (numpy) are not the first question's. (A question that quotes its example's numbers waits
# for that example before it is shown: that cost is the example's, so it is left out here.)
prefetch.Prefetcher.prefetch = lambda self, question: None
prefetch.Prefetcher.get = prefetch.Prefetcher.ran = lambda self, question: None
def at_prompt(*args, **kwargs):
    sys.stderr.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n")
    # New bank files' snapshot entries are written as a command ends: as this one would.
    from quizzer.content.bank import write_pending_snapshot
    write_pending_snapshot()
    os._exit(0)
asking.read_response = at_prompt
from quizzer.cli import main
sys.argv = ["quizzer", "practice", "--count", "1", "--no-plots"]
main()
"""

THIRD_PARTY = {"click", "quizzer"}
# Standard-library modules whose import costs show at start-up, needed only after the
# first question (or never on this path): shutil and tempfile load bz2 and lzma; hashlib
# loads OpenSSL (the cache checks entries with zlib's CRC-32); string and base64 compile
# or load more than the few constants we would take from them.
LATER = {"shutil", "tempfile", "bz2", "lzma", "difflib", "importlib.resources", "hashlib",
         "string", "base64"}


def modules_at_first_prompt(home: Path, probe: str = PROBE) -> set[str]:
    env = {**os.environ, "QUIZZER_HOME": str(home), "PYTHONPATH": str(ROOT),
           "NO_COLOR": "1"}
    for _ in range(2):  # the first run builds the bank snapshot; the second is measured
        result = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=120)
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("MODULES ")]
    assert lines, result.stderr  # the probe reached the first prompt
    line = lines[0]
    return set(json.loads(line[len("MODULES "):]))


def test_the_first_question_loads_quizzer_click_and_the_cheap_standard_library(tmp_path):
    loaded = modules_at_first_prompt(tmp_path / "home")
    assert "quizzer.screens.practice" in loaded  # the probe really reached the prompt
    outside = {m for m in loaded if m.split(".")[0] not in sys.stdlib_module_names
               and m.split(".")[0] not in THIRD_PARTY and not m.startswith("_")}
    assert outside == set()
    assert loaded & LATER == set()
    # Every bank file kept in the snapshot: nothing is read, so the readers and the schema
    # check are not imported.
    assert "quizzer.content.bank_reading" not in loaded


def test_reviews_first_card_waits_for_no_scheduler():
    """`quizzer review` chooses its first card from due dates: fsrs (about 10 ms of imports)
    loads when the first card is rated, not before it is shown."""
    probe = PROBE.replace("asking.read_response = at_prompt",
                          "from quizzer.screens.console import Console\n"
                          "asking.read_response = Console.read_line = at_prompt")
    probe = probe.replace('["quizzer", "practice", "--count", "1", "--no-plots"]',
                          '["quizzer", "review", "--no-plots"]')
    assert "Console.read_line" in probe and '"review"' in probe
    loaded = modules_at_first_prompt(Path(tempfile.mkdtemp()), probe)
    assert "quizzer.screens.review" in loaded
    assert "fsrs" not in loaded
    assert loaded & LATER == set()


def test_every_question_kind_keeps_to_the_cheap_standard_library():
    """The first question may be of any kind (its module is imported then): none of them
    may bring in what the first question must not wait for."""
    probe = ("import json, sys\n"
             "from quizzer.content import kinds\n"
             "kinds.every()\n"
             "print(json.dumps(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", probe], env={**os.environ,
                                                             "PYTHONPATH": str(ROOT)},
                         cwd=ROOT, check=True, capture_output=True, text=True,
                         timeout=120).stdout
    loaded = set(json.loads(out))
    assert "quizzer.content.kinds.matching" in loaded
    assert loaded & LATER == set()


def test_a_learner_who_leaves_with_q_gets_the_bank_snapshot_too(tmp_path):
    """q while the worked example is being prepared ends the process at once (os._exit),
    which skips the close callbacks that write new bank files' snapshot entries: they are
    written before it, or every later start would read every file again."""
    env = {**os.environ, "QUIZZER_HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "NO_COLOR": "1"}
    from quizzer.content.bank import builtin_files

    for _ in range(2):
        subprocess.run([sys.executable, "-m", "quizzer", "practice", "--count", "1"],
                       input="q\n", env=env, cwd=ROOT, capture_output=True, text=True,
                       check=True, timeout=120)
        entries = list((tmp_path / "cache").glob("bank-*.json"))
        assert len(entries) == len(builtin_files()) > 1
    assert modules_at_first_prompt(tmp_path) & {"ryml", "numpy"} == set()

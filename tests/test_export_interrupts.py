"""`quizzer export pdf` interrupted (issue 13 item 8), with real processes and signals: no
partial file in the user's folder, no worker left running, no worker tracebacks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizzer.render.export_file import PARTIAL, write_atomically

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def start_export(tmp_path):
    """The whole built-in deck on a fresh home, waited for until it has worker processes."""
    folder = tmp_path / "mine"
    folder.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "quizzer", "export", "pdf", "--out", str(folder / "deck.pdf")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = children(proc.pid)
    assert workers, "the export never started worker processes"
    return proc, folder, workers


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
@pytest.mark.parametrize("after", [0.0, 2.0])
def test_a_killed_export_leaves_no_file_and_no_worker(tmp_path, how, after):
    proc, folder, workers = start_export(tmp_path)
    time.sleep(after)
    workers |= children(proc.pid)
    proc.send_signal(how)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(workers) == set()
    assert os.listdir(folder) == []


@pytest.mark.parametrize("after", [0.0, 2.0, 4.0])
def test_ctrl_c_prints_one_message_and_no_traceback(tmp_path, after):
    proc, folder, workers = start_export(tmp_path)
    time.sleep(after)
    workers |= children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # as the terminal does: the whole process group
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert stdout == b""
    assert b"Traceback" not in stderr
    # What the export said before the interrupt (e.g. which cards leave their plot off to
    # fit the text) may precede it; the interrupt itself is one message, last.
    text = stderr.decode().strip()
    assert text.count("interrupted") == 1
    assert text.endswith(f"Error: interrupted; {folder / 'deck.pdf'} was not written")
    assert alive(workers) == set()
    assert os.listdir(folder) == []


def test_atomic_write_follows_the_umask_and_keeps_a_replaced_files_mode(tmp_path):
    target = tmp_path / "deck.pdf"
    old = os.umask(0o027)
    try:
        write_atomically(target, b"one")
    finally:
        os.umask(old)
    assert (target.read_bytes(), target.stat().st_mode & 0o777) == (b"one", 0o640)
    target.chmod(0o604)
    write_atomically(target, b"two")
    assert (target.read_bytes(), target.stat().st_mode & 0o777) == (b"two", 0o604)
    assert os.listdir(tmp_path) == ["deck.pdf"]


def test_a_partial_file_a_killed_export_left_is_removed_by_the_next(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f".deck.pdf.{dead.pid}-0a1b2c3d{PARTIAL}"
    left.write_bytes(b"%PDF half")
    running = tmp_path / f".deck.pdf.{os.getpid()}-4e5f6a7b{PARTIAL}"  # a live export's
    running.write_bytes(b"%PDF")
    other = tmp_path / ".deck.pdf.notes"
    other.write_bytes(b"mine")
    write_atomically(tmp_path / "deck.pdf", b"whole")
    assert sorted(os.listdir(tmp_path)) == sorted(["deck.pdf", running.name, other.name])

"""Odd terminals and streams (issue 13, kind 9): a Latin-1 terminal, TERM=dumb, a closed
stdin, a closed pipe. Terminal behaviour is checked in a real pty at 80x24."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


@pytest.fixture
def MINI(tmp_path):
    """Options for the mini test bank, its example a built-in simulation (a subprocess has
    no conftest.fixed)."""
    text = (FIXTURE_BANK / "mini.yaml").read_text().replace(
        "simulation: conftest.fixed, params: {tp: 50, fp: 5}",
        "simulation: confusion_matrix.metrics, params: {tp: 50, fp: 5, fn: 10, tn: 100}")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "mini.yaml").write_text(text)
    return ["--bank", str(tmp_path / "bank"), "-t", "mini", "--no-plots", "--count", "1"]


def env_for(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    return {**env, "QUIZZER_HOME": str(home), "PYTHONPATH": str(ROOT), **extra}


def in_pty(args: list[str], env: dict, keys: list[bytes], timeout: float = 60) -> bytes:
    """Run ``python -m quizzer ARGS`` on a pty of 80x24, typing each of ``keys`` once the
    output so far ends in a prompt; everything it wrote to the terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout and stderr are the pty
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "quizzer", *args], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = b""
    keys = list(keys)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.7)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the pty
                break
            if not chunk:
                break
            out += chunk
        elif keys and out:  # quiet for a moment: it waits for the next key
            os.write(fd, keys.pop(0))
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) in (0, 130), out.decode("latin-1")
    return out


def test_a_latin_1_terminal_gets_replacement_characters_and_typed_bytes_are_read(
        isolated_home, MINI):
    """`→` cannot be shown in Latin-1 and `µ` (0xB5) is Latin-1 typed: neither ends the
    session. The arrow becomes `?`, the unknown answer is asked again."""
    bank = Path(MINI[1]) / "mini.yaml"
    bank.write_text(bank.read_text().replace("prompt: Accuracy is a good metric",
                                             "prompt: Accuracy \u2192 a good metric"))
    env = env_for(isolated_home, PYTHONIOENCODING="latin-1")
    out = in_pty(["practice", *MINI, "--seed", "5"], env, [b"\xb5\r", b"q\r"])
    text = out.decode("latin-1")
    assert "Traceback" not in text and "Error" not in text
    assert "Accuracy ? a good metric" in text
    assert "\xb5" in text  # the typed character, echoed back by the terminal
    assert "Session summary" in text


def test_bytes_that_are_not_valid_in_the_terminals_encoding_are_read_leniently(
        isolated_home, MINI):
    result = subprocess.run([sys.executable, "-m", "quizzer", "practice", *MINI, "--seed", "5"],
                            input=b"\xb5\xff\nq\n", capture_output=True, cwd=ROOT,
                            env=env_for(isolated_home, PYTHONIOENCODING="ascii"), timeout=60)
    assert (result.returncode, result.stderr) == (0, b"")
    assert b"\n> ??\n" in result.stdout  # echoed as replacement characters, then asked again
    assert b"Session summary" in result.stdout


@pytest.mark.parametrize("term,coloured", [("dumb", False), ("xterm-256color", True)])
def test_term_dumb_gets_no_colour_codes(isolated_home, MINI, term, coloured):
    out = in_pty(["practice", *MINI, "--seed", "5"], env_for(isolated_home, TERM=term),
                 [b"t\r", b"q", b"q"])
    assert (b"\x1b[" in out) is coloured
    assert b"Session summary" in out


@pytest.mark.parametrize("command", ["practice", "review"])
def test_a_closed_stdin_is_named_not_a_traceback(isolated_home, command):
    result = subprocess.run([sys.executable, "-m", "quizzer", command, "--no-plots"],
                            preexec_fn=lambda: os.close(0), capture_output=True, text=True,
                            cwd=ROOT, env=env_for(isolated_home), timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("Error: standard input is closed, and this command reads your "
                             "answers from it: run it in a terminal, or pipe answers in "
                             "(printf 'b\\nac\\n' | quizzer practice).\n")


@pytest.mark.parametrize("args", [["topics"], ["explain", "cm", "--no-plot"],
                                  ["explain", "cm", "--preview"]])
def test_closed_stdout_and_a_closed_pipe_stay_quiet(isolated_home, args):
    closed = subprocess.run([sys.executable, "-m", "quizzer", *args],
                            preexec_fn=lambda: os.close(1), capture_output=False,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env=env_for(isolated_home), timeout=60)
    assert (closed.returncode, closed.stderr) == (0, "")
    read, write = os.pipe()
    proc = subprocess.Popen([sys.executable, "-m", "quizzer", *args], stdout=write,
                            stderr=subprocess.PIPE, cwd=ROOT, env=env_for(isolated_home))
    os.close(write)
    os.close(read)  # the reader went away (`| head -0`)
    err = proc.stderr.read().decode()
    assert (proc.wait(60), err) == (1, "")


SIZE_PROBE = "from quizzer.render.terminal import size; print(*size())"


@pytest.mark.parametrize("variables, in_pty, expected", [
    ({}, True, "100 30"),                               # the pty's own size
    ({"COLUMNS": "45", "LINES": "12"}, True, "45 12"),  # the variables win, as in shutil
    ({"COLUMNS": "0", "LINES": "junk"}, True, "100 30"),  # unusable variables are ignored
    ({}, False, "80 24"),                               # a pipe: the usual default
])
def test_terminal_size_follows_shutils_rule(variables, in_pty, expected):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(variables, PYTHONPATH=str(ROOT))
    if not in_pty:
        out = subprocess.run([sys.executable, "-c", SIZE_PROBE], env=env, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        assert out.split() == expected.split()
        return
    master, slave = os.openpty()  # a terminal of 100x30, sized before the child asks
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    try:
        subprocess.run([sys.executable, "-c", SIZE_PROBE], env=env, cwd=ROOT, stdin=slave,
                       stdout=slave, check=True, timeout=30)
        out = os.read(master, 1024)
    finally:
        os.close(master)
        os.close(slave)
    assert out.decode().split() == expected.split()

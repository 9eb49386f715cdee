"""Work spread over processes that stay quiet on Ctrl-C and die with the process that
started them (an export's inset drawing, the Anki export's plots, and the first run of
the worked examples).

A Ctrl-C at the terminal reaches every process of the foreground group. Workers ignore it:
the parent alone turns it into one clean message, instead of a traceback from each worker.
Workers are told by the kernel (Linux ``PR_SET_PDEATHSIG``), and elsewhere notice within half
a second, when their parent is gone, so a ``kill -9`` of an export leaves no worker running.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _die_with_parent(parent: int) -> None:
    """Worker initializer: ignore Ctrl-C; exit when ``parent`` exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the kernel could be told
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


@contextmanager
def ordered_map(function: Callable, items: list, workers: int) -> Iterator[Iterable]:
    """Within: an iterator of ``function(item)`` for each item, in order, computed on
    ``workers`` processes (in this process if ``workers`` is 1). On leaving, early or by an
    exception (KeyboardInterrupt included), the workers are stopped at once."""
    if workers <= 1 or len(items) < 2:
        yield (function(item) for item in items)
        return
    with started(min(workers, len(items))) as pool:
        yield pool.imap(function, items)
        pool.close()


@contextmanager
def started(workers: int) -> Iterator:
    """Within: a ``multiprocessing`` pool of ``workers`` quiet, parent-bound processes, for
    callers that choose each next task as results come in (``apply_async``). On leaving,
    early or by an exception (KeyboardInterrupt included), the workers are stopped at once;
    work still queued is dropped."""
    import multiprocessing

    # fork: the workers inherit what is imported (matplotlib, the simulations) and the data.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    # While forking, a Ctrl-C is only noted: a worker that has not run its initializer yet
    # does not turn it into a traceback, and this process acts on it once the pool exists.
    pending: list = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: pending.append(number))
    try:
        pool = context.Pool(workers, initializer=_die_with_parent, initargs=(os.getpid(),))
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        if pending:
            raise KeyboardInterrupt
        yield pool
    finally:
        pool.terminate()
        pool.join()

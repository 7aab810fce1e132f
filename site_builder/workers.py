"""Worker processes for the parallel stages of a build (loading manifests, search shards).

Forked workers start instantly and share the parent's imported modules; each one
watches its parent so a killed build never leaves workers behind.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def cpu_count() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def exit_with_parent(parent: int) -> None:
    """Worker initializer: leave as soon as the build process is gone (say, SIGKILLed).

    A forked worker holds both ends of its call queue, so it would otherwise wait forever,
    keeping the killed build's stdout and stderr pipes open for whoever reads them."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    gc.enable()  # the parent may have paused it while forking


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked workers that die with this process."""
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=exit_with_parent,
                               initargs=(os.getpid(),))


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a large tree of long-lived objects is made (unpickling a
    10,000-dataset cache took 4.5 s with the collector scanning it over and over, 1.2 s without).

    What was made is then frozen out of later collections too (the first one after the pause
    scanned it all again, 0.9 s). Frozen objects are still freed by reference counting; only
    reference cycles among them wait for `gc.unfreeze()`, which a build calls when it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()

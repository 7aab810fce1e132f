"""One call in a child process with a memory ceiling and a deadline.

The budgets checked from metadata stop the inputs that declare what they cost. A chunk whose
compressed stream inflates far past its declared size, or a decoder's own bug, declares nothing:
in a child whose address space is limited it costs a MemoryError, and a call that never returns is
killed at its deadline, so one example image cannot take the build's memory or time with it.

Children are forked, as the build's other workers are (site_builder.workers): a call costs a fork,
not an interpreter start, and sees this process's modules and settings as they are. Where there is
no fork (Windows), or the caller is itself a daemonic process (which may not have children),
`available()` says so and the caller runs the call itself.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

A = TypeVar("A")
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """The call's value, or why there is none: "memory", "deadline" or "stopped" (and `detail`)."""

    value: R | None
    failure: str = ""
    detail: str = ""


def available() -> bool:
    """Whether calls can run in a child here."""
    return (sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def _address_space() -> int:
    """This process's mapped address space in bytes (0 when it cannot be told)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(extra_bytes: int) -> None:
    """Cap the address space at what the child maps now plus `extra_bytes` (where the OS allows)."""
    import resource  # POSIX only, and only children call this

    current = _address_space()
    if not current:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + extra_bytes if hard == resource.RLIM_INFINITY else min(hard, current + extra_bytes)
    with contextlib.suppress(ValueError, OSError):  # not supported here (macOS): the deadline still holds
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(sender: Connection, function: Callable[[A], R], argument: A, extra_bytes: int) -> None:
    gc.freeze()  # what the parent made is never collected here: scanning it would copy every page
    _limit_memory(extra_bytes)
    try:
        message: tuple[str, Any] = ("value", function(argument))
    except MemoryError:
        message = ("memory", "")
    except BaseException as exc:  # reported to the parent, which decides what it means
        message = ("stopped", f"{type(exc).__name__}: {exc}")
    try:
        sender.send(message)
    except MemoryError:
        sender.send(("memory", ""))
    sender.close()


def call(function: Callable[[A], R], argument: A, *, memory_bytes: int, deadline_s: float) -> Outcome[R]:
    """`function(argument)` in a child allowed `memory_bytes` beyond its start and `deadline_s` seconds;
    the result must be picklable. Raises OSError when no child can be started."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, function, argument, memory_bytes), daemon=True)
    try:
        process.start()
    except BaseException:
        receiver.close()
        raise
    finally:
        sender.close()
    try:
        # The child's end of the pipe may live on in a sibling forked meanwhile, so its death is
        # noticed by its sentinel, not by the end of the pipe.
        if not wait([receiver, process.sentinel], deadline_s):
            return Outcome(None, "deadline")
        if not receiver.poll(0):
            process.join()
            return Outcome(None, "stopped", f"exit code {process.exitcode}")
        try:
            kind, payload = receiver.recv()
        except Exception:  # the child died mid-word (killed by the OS, or a crash in native code)
            process.join()
            return Outcome(None, "stopped", f"exit code {process.exitcode}")
        return Outcome(payload, "") if kind == "value" else Outcome(None, kind, payload)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
        # join() can return without an exit status when something else in this process already
        # reaped the child (multiprocessing then reports ECHILD as "still running"); the child is
        # gone either way, and a failed close must not turn a finished job into a traceback.
        with contextlib.suppress(ValueError):
            process.close()

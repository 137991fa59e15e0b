"""Apply a function to many items over worker processes, keeping order and reporting progress.

Workers are *forked*, so they inherit what the parent prepared (compiled templates, the
cohort, the function itself, closures included) instead of receiving it pickled; only
results travel back. Where fork is unavailable (Windows, macOS by default), where processes
cannot start, or where the work is small, everything runs in this process: the results are
the same either way. Ctrl-C is the parent's alone: workers ignore it and are terminated, so
the user sees one message, not a traceback from every worker.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

X = TypeVar("X")
T = TypeVar("T")

MIN_PER_WORKER = 16  # below this, starting processes costs more than it saves


class _Work(Generic[X, T]):
    def __init__(self, items: Sequence[X], fn: Callable[[X], T]) -> None:
        self.items, self.fn = items, fn


_CURRENT: _Work | None = None  # set before forking; each worker sees its own copy


def _run_chunk(indexes: range) -> list[tuple[int, object]]:
    work = _CURRENT
    assert work is not None
    return [(i, work.fn(work.items[i])) for i in indexes]


def default_jobs() -> int:
    """Return the number of worker processes to use when none is asked for: the cores."""
    return os.cpu_count() or 1


def run_parallel(items: Sequence[X], fn: Callable[[X], T], jobs: int | None = None,
                 progress: Callable[[int], object] | None = None) -> list[T]:
    """Return ``[fn(x) for x in items]``, computed by ``jobs`` processes (default: cores).

    An exception raised by ``fn`` in a worker is raised here
    (so it must pickle: docgen's errors do). ``progress`` is called with the number of items
    done, chunk by chunk.
    """
    global _CURRENT
    jobs = jobs or default_jobs()
    count = len(items)
    results: list[object] = [None] * count
    chunk = max(1, min(64, count // (jobs * 8) or 1))
    chunks = [range(i, min(i + chunk, count)) for i in range(0, count, chunk)]
    parallel = (jobs > 1 and count >= jobs * MIN_PER_WORKER
                and "fork" in mp.get_all_start_methods())
    _CURRENT = _Work(items, fn)
    pool = None
    held = _hold_interrupts() if parallel else None
    try:
        if parallel:
            try:
                pool = mp.get_context("fork").Pool(jobs, initializer=_leave_interrupts_to_parent)
            except OSError:  # no processes here (a sandbox): do the work in this one
                pool = None
        _release_interrupts(held)  # a Ctrl-C pressed meanwhile is raised here
        held = None
        if pool is not None:
            for part in pool.imap_unordered(_run_chunk, chunks):
                for i, value in part:
                    results[i] = value
                if progress:
                    progress(len(part))
        else:
            for indexes in chunks:
                for i, value in _run_chunk(indexes):
                    results[i] = value
                if progress:
                    progress(len(indexes))
    finally:
        if pool is not None:
            pool.terminate()  # on Ctrl-C too: the workers stop without a word
        _CURRENT = None
        _release_interrupts(held)
    return results  # type: ignore[return-value]


# Ctrl-C in a terminal interrupts every process of the run: each worker would print its own
# KeyboardInterrupt traceback before the parent's "Aborted!". Workers ignore it instead, and
# the parent, which gets it too, terminates them. SIGINT is held (blocked) while the workers
# are forked, so that none is born between the fork and ignoring it; a Ctrl-C pressed then
# reaches the parent as soon as it is released.


def _hold_interrupts() -> set[int] | None:
    """Block SIGINT in this thread and return the mask to restore; None where not possible."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not (
            threading.main_thread()):
        return None
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}))


def _release_interrupts(held: set[int] | None) -> None:
    """Restore the signal mask :func:`_hold_interrupts` returned."""
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _leave_interrupts_to_parent() -> None:
    """Make a worker ignore Ctrl-C (its parent handles it), then accept signals again."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

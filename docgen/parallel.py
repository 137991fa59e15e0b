"""Apply a function to many items over worker processes, keeping order and reporting progress;
or run one call in a process beside this one (:func:`start_beside`).

Workers are started the way the platform starts them best. On Linux they are *forked*: they
inherit what the parent prepared (compiled templates, the cohort, the function itself) and
only the chunks' bounds and the results travel. Elsewhere (Windows, and macOS, where forking a
process that has used the system's frameworks is unsafe) they are *spawned*: fresh
interpreters that import docgen, so the function is pickled once and handed to each worker as
it starts (docgen's workers are objects of module-level classes, never closures: a test runs
generate and log both ways and compares the files). ``DOCGEN_START_METHOD`` (``fork``,
``spawn`` or ``forkserver``) chooses otherwise. Where processes cannot start, or where the
work is small, everything runs in this process: the results are the same either way.

Spawned workers import the program's main module again: a script that calls docgen's jobs
must do so under ``if __name__ == "__main__":`` (``docgen`` and ``python -m docgen`` do).
Ctrl-C is the parent's alone: workers ignore it and are terminated, so the user sees one
message, not a traceback from every worker. A worker that dies (out of memory, killed) ends
the run with a message saying so, never a run waiting for it forever.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from tempfile import TemporaryDirectory
from typing import Generic, TypeVar

from docgen.errors import DocgenError, Problem

X = TypeVar("X")
T = TypeVar("T")

MIN_PER_WORKER = 16  # below this, forking processes costs more than it saves
# A spawned worker starts a Python, imports docgen and unpickles the function's state (the
# templates compiled again): ~0.8 s (measured on Linux), as long as rendering ~800 documents
# in this process. So each spawned worker gets at least that much work, or there is none.
SPAWN_MS = 800.0
ITEM_MS = 1.0  # what an item costs when the caller does not say: about a document rendered
START_METHOD_VARIABLE = "DOCGEN_START_METHOD"
MAX_WORKERS = 61 if sys.platform == "win32" else 512  # Windows waits on at most 61 processes

# The function and items of the run, in each process: set in the parent before workers are
# forked (each forked worker sees its own copy). A spawned worker unpickles the function from
# _PAYLOAD on first use and receives each chunk's items with the chunk.
_FN: Callable[[object], object] | None = None
_ITEMS: Sequence[object] = ()
_PAYLOAD: bytes | None = None


def _run_chunk(task: tuple[int, int, Sequence[object] | None]) -> list[tuple[int, object]]:
    """Apply the run's function to one chunk: ``task`` is (first index, end, its items, or
    None for the run's own, inherited by a forked worker)."""
    global _FN
    if _FN is None:
        # Unpickled here, not in the worker's initializer: an error (a template changed
        # since the parent compiled it) travels back as this chunk's exception, whereas a
        # failing initializer makes the pool start workers again forever.
        assert _PAYLOAD is not None
        _FN = pickle.loads(_PAYLOAD)
    start, end, items = task
    fn = _FN
    if items is None:
        items = _ITEMS[start:end]
    return [(start + n, fn(item)) for n, item in enumerate(items)]


def default_jobs() -> int:
    """Return the number of worker processes to use when none is asked for: the cores."""
    return os.cpu_count() or 1


def start_method() -> str:
    """Return how worker processes are started here: ``DOCGEN_START_METHOD`` if set, else
    fork on Linux and spawn elsewhere (the platforms' own defaults, and the safe ones).

    An unknown or unavailable method in the variable is refused with the ones to use.
    """
    available = mp.get_all_start_methods()
    chosen = os.environ.get(START_METHOD_VARIABLE, "").strip().lower()
    if not chosen:
        return "fork" if sys.platform.startswith("linux") and "fork" in available else "spawn"
    if chosen not in available:
        raise DocgenError(Problem(
            f"the environment variable {START_METHOD_VARIABLE} is {chosen!r}, which is not a "
            f"way to start processes here: set it to one of {', '.join(available)}, or unset "
            "it"))
    return chosen


def chunks(count: int, jobs: int, item_ms: float = ITEM_MS, most: int = 64
           ) -> list[tuple[int, int]]:
    """Split ``count`` items into chunks (first, end) for ``jobs`` workers: each an eighth of
    a worker's share of what is left (at most ``most`` items, at least ~8 ms of work), so
    they shrink towards the end and no worker idles long while another finishes its last.

    With chunks of one size (1,000 records, two workers: 62 a chunk, ~0.2 s of reading),
    one worker waited half a chunk on average at the end of every run.
    """
    least = min(most, max(1, math.ceil(8 / item_ms))) if item_ms > 0 else most
    bounds: list[tuple[int, int]] = []
    first = 0
    while first < count:
        size = max(least, min(most, (count - first) // (jobs * 8)))
        bounds.append((first, min(first + size, count)))
        first += size
    return bounds


def run_parallel(items: Sequence[X], fn: Callable[[X], T], jobs: int | None = None,
                 progress: Callable[[int], object] | None = None,
                 method: str | None = None, item_ms: float = ITEM_MS,
                 take: Callable[[int, T], object] | None = None) -> list[T]:
    """Return ``[fn(x) for x in items]``, computed by ``jobs`` processes (default: cores).

    ``method`` is how the workers start (default: :func:`start_method`). Unless they are
    forked, ``fn`` and the items must pickle (``fn`` is pickled once, before any worker
    starts, so a mistake shows at once); the results always must, and so must an exception
    ``fn`` raises in a worker, which is raised here (docgen's errors do). ``item_ms`` is about
    what one item costs, in milliseconds: a spawned worker is started only for at least its
    start's worth of work. ``progress`` is called with the number of items done, chunk by
    chunk.

    ``take``: each result is given to ``take(i, fn(items[i]))`` as its chunk comes back (in
    the order chunks are done), not held until every item is, and the list returned is
    empty: ``docgen log`` shares the values of the records read chunk by chunk, instead of
    holding every record in full and then sharing them.
    """
    global _FN, _ITEMS
    jobs = min(jobs or default_jobs(), MAX_WORKERS)
    method = method or start_method()
    count = len(items)
    results: list[object] = [None] * (count if take is None else 0)
    forked = method == "fork"
    if forked:
        parallel = jobs > 1 and count >= jobs * MIN_PER_WORKER
    else:
        worth = count * item_ms / SPAWN_MS if SPAWN_MS > 0 else count  # workers' worth
        jobs = max(1, min(jobs, int(worth)))
        parallel = jobs > 1
    sent = parallel and not forked  # the items travel with their chunks, the function once
    tasks = [(i, end, items[i:end] if sent else None)
             for i, end in chunks(count, jobs, item_ms)]
    payload = pickle.dumps(fn) if sent else None
    _FN, _ITEMS = fn, items  # type: ignore[assignment]
    pool: ProcessPoolExecutor | None = None
    held = _hold_interrupts() if parallel else None
    try:
        futures: list[Future[list[tuple[int, object]]]] = []
        try:  # a worker may die while chunks are still handed out: submit says so too
            if parallel:
                try:
                    pool = ProcessPoolExecutor(jobs, mp_context=mp.get_context(method),
                                               initializer=_start_worker, initargs=(payload,))
                    futures = [pool.submit(_run_chunk, task) for task in tasks]  # they start
                except OSError:  # no processes here (a sandbox): do the work in this one
                    _stop(pool)
                    pool, futures = None, []
            _release_interrupts(held)  # a Ctrl-C pressed meanwhile is raised here
            held = None
            done = map(_run_chunk, tasks) if pool is None else _completed(futures)
            for part in done:
                if take is not None:
                    for i, value in part:
                        take(i, value)  # type: ignore[arg-type]
                else:
                    for i, value in part:
                        results[i] = value
                if progress:
                    progress(len(part))
        except BrokenProcessPool:
            raise DocgenError(Problem(WORKER_LOST)) from None
        if pool is not None:
            pool.shutdown()
            pool = None
    finally:
        _stop(pool)  # on Ctrl-C too: the workers stop without a word
        _FN, _ITEMS = None, ()
        _release_interrupts(held)
    return results  # type: ignore[return-value]


def _completed(futures: list[Future[T]]) -> Iterator[T]:
    """Yield each future's result as it completes, and let go of the future (emptying
    ``futures``): kept to the end, 50,000 documents' results took ~5 MB of the main process."""
    waiting = as_completed(futures)
    first = next(waiting, None)  # as_completed holds its own set of them from here
    futures.clear()
    if first is None:
        return
    part, first = first.result(), None
    yield part
    del part
    for future in waiting:
        yield future.result()


WORKER_LOST = (
    "a worker process ended before finishing its work (the computer ran out of memory, or "
    "another program stopped it; or, when docgen is run from a script, the script calls it "
    "outside `if __name__ == \"__main__\":`): what was done is kept; run the command again, "
    "with --jobs 1 to work in a single process")


class Beside(Generic[T]):
    """A call running in a forked process beside this one: see :func:`start_beside`."""

    def __init__(self, pool: ProcessPoolExecutor, future: Future[tuple[bool, object]],
                 folder: TemporaryDirectory[str]) -> None:
        self._pool: ProcessPoolExecutor | None = pool
        self._future = future
        self._folder: TemporaryDirectory[str] | None = folder

    def result(self) -> T:
        """Wait for the call and return what it returned (or raise what it raised)."""
        try:
            in_file, value = self._future.result()
            if not in_file:
                return value  # type: ignore[return-value]
            assert self._folder is not None
            with open(os.path.join(self._folder.name, _RESULT), "rb") as fh:
                return pickle.load(fh)  # type: ignore[no-any-return]
        except BrokenProcessPool:
            raise DocgenError(Problem(WORKER_LOST)) from None
        finally:
            self.stop()

    def stop(self) -> None:
        """End the process: at once if the call is still running (its result unwanted)."""
        pool, self._pool = self._pool, None
        if pool is not None and self._future.done():
            pool.shutdown()
        else:
            _stop(pool)
        folder, self._folder = self._folder, None
        if folder is not None:
            folder.cleanup()


_RESULT = "result.pickle"


def _to_file(folder: str, fn: Callable[..., object], *args: object) -> tuple[bool, object]:
    """Call ``fn(*args)`` and write what it returns into ``folder``: (True, None); or, where
    it cannot be written (a full disk), (False, the result itself), sent as any result is.

    Through a file, the caller reads the result as a stream (``pickle.load``). Sent back
    through the pool's pipe, it is first received whole as bytes, and the bytes and the
    objects made from them are held together: reading a cohort of 10,000 teams beside
    generate raised the main process's peak by 22 MiB that way, and by nothing through a
    file.
    """
    result = fn(*args)
    try:
        with open(os.path.join(folder, _RESULT), "wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        return False, result
    return True, None


def start_beside(fn: Callable[..., T], *args: object) -> Beside[T] | None:
    """Start ``fn(*args)`` in a forked process, so that this one can do other work meanwhile.

    ``generate`` reads the cohort in one while it compiles the templates: the two took
    ~0.17 s one after the other at 1,000 teams, ~0.1 s side by side. ``fn`` must be a module-level
    function; its arguments, its result and what it raises must pickle. Returns None where
    processes are not forked (a spawned one costs more than the work it would overlap) or
    cannot start: the caller then calls ``fn`` itself. The result comes back through a file
    in a folder of this process's own (see :func:`_to_file`). Stop the call (:meth:`Beside.stop`) if
    its result is no longer wanted; :meth:`Beside.result` waits for it and ends the process.
    """
    if start_method() != "fork":
        return None
    from docgen.atomic import work_folder

    try:
        folder = work_folder("beside")  # the result's file, removed with it
    except OSError:  # no temporary folder: the caller does the work itself
        return None
    pool: ProcessPoolExecutor | None = None
    held = _hold_interrupts()
    try:
        pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"),
                                   initializer=_start_worker, initargs=(None,))
        future = pool.submit(_to_file, folder.name, fn, *args)
        _release_interrupts(held)  # a Ctrl-C pressed meanwhile is raised here
        held = None
    except OSError:  # no processes here (a sandbox)
        _stop(pool)
        folder.cleanup()
        return None
    except BaseException:
        _stop(pool)
        folder.cleanup()
        raise
    finally:
        _release_interrupts(held)
    return Beside(pool, future, folder)


def _stop(pool: ProcessPoolExecutor | None) -> None:
    """End ``pool`` at once: pending chunks cancelled, working processes terminated."""
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()


def _start_worker(payload: bytes | None) -> None:
    """Prepare a worker: keep the pickled function of a spawned one, leave Ctrl-C to the
    parent."""
    global _PAYLOAD
    if payload is not None:
        _PAYLOAD = payload
    _leave_interrupts_to_parent()


# Ctrl-C in a terminal interrupts every process of the run: each worker would print its own
# KeyboardInterrupt traceback before the parent's "Aborted!". Workers ignore it instead, and
# the parent, which gets it too, terminates them. SIGINT is held (blocked) while the workers
# start, so that none is born between its start and ignoring it (a spawned worker inherits the
# blocked signal through exec); a Ctrl-C pressed then reaches the parent as soon as it is
# released. Windows has no signal masks: there a worker ignores Ctrl-C from its first step.


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

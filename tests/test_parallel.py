"""Work beside the main process: a call in a forked process, its result or error brought back."""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen import parallel
from docgen.errors import DocgenError, Problem
from docgen.parallel import chunks

needs_fork = pytest.mark.skipif("fork" not in mp.get_all_start_methods(),
                                reason="only forked processes run beside this one")


def _refuse(file: str) -> None:
    raise DocgenError(Problem("is not a cohort", file=file, sheet="Teams", row=3))


def _wait_forever() -> None:
    while True:
        time.sleep(0.05)


@needs_fork
def test_a_call_beside_runs_in_another_process_and_returns_its_result(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    beside = parallel.start_beside(os.getpid)
    assert beside is not None
    assert beside.result() not in (None, os.getpid())


@needs_fork
def test_a_problem_raised_beside_reaches_the_caller_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    beside = parallel.start_beside(_refuse, "cohort.xlsx")
    assert beside is not None
    with pytest.raises(DocgenError) as err:
        beside.result()
    (problem,) = err.value.problems
    assert (problem.file, problem.sheet, problem.row) == ("cohort.xlsx", "Teams", 3)


@needs_fork
def test_a_call_no_longer_wanted_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    beside = parallel.start_beside(_wait_forever)
    assert beside is not None
    beside.stop()  # returns: the process is ended, not waited for
    assert not mp.active_children()


def test_where_workers_are_spawned_nothing_runs_beside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.START_METHOD_VARIABLE, "spawn")
    assert parallel.start_beside(os.getpid) is None  # the caller calls it itself


def _big(n: int) -> list[str]:
    return [f"row {i}" for i in range(n)]


def _beside_folders() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob(f"docgen-beside-{os.getpid()}-*")}


@needs_fork
def test_a_result_comes_back_through_a_file_that_is_then_removed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The result is written to a file of this process's own and read from it as a stream
    (through the pool's pipe it was held twice: bytes and objects); nothing is left behind,
    whether the result is taken or the call stopped."""
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    before = _beside_folders()
    beside = parallel.start_beside(_big, 50_000)
    assert beside is not None
    assert len(_beside_folders() - before) == 1
    assert beside.result() == _big(50_000)
    assert _beside_folders() == before
    stopped = parallel.start_beside(_wait_forever)
    assert stopped is not None
    stopped.stop()
    assert _beside_folders() == before


@needs_fork
def test_a_result_that_cannot_be_written_comes_back_through_the_pipe(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (or a folder removed meanwhile) costs the memory saving, never the
    result."""
    monkeypatch.delenv(parallel.START_METHOD_VARIABLE, raising=False)
    monkeypatch.setattr(parallel, "_RESULT", "no such folder/result.pickle")  # forked: seen
    beside = parallel.start_beside(_big, 10)
    assert beside is not None
    assert beside.result() == _big(10)


@given(st.integers(0, 20_000), st.integers(1, 64), st.sampled_from([0.05, 0.3, 1.0, 3.0, 50.0]))
def test_chunks_cover_every_item_once_and_shrink_towards_the_end(
        count: int, jobs: int, item_ms: float) -> None:
    bounds = chunks(count, jobs, item_ms)
    assert [i for first, end in bounds for i in range(first, end)] == list(range(count))
    sizes = [end - first for first, end in bounds]
    assert all(1 <= size <= 64 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)
    if count >= jobs * 8 * 64:  # plenty left: the most a chunk holds
        assert sizes[0] == 64
    if count:  # the end comes in chunks of about 8 ms of work, not a worker's last big share
        assert sizes[-1] <= min(64, max(1, math.ceil(8 / item_ms)))

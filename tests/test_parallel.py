"""Work beside the main process: a call in a forked process, its result or error brought back."""

from __future__ import annotations

import multiprocessing as mp
import os
import time

import pytest

from docgen import parallel
from docgen.errors import DocgenError, Problem

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

"""Ctrl-C during a parallel run: the parent's "Aborted!" alone, no worker's traceback.

Run as a user runs it: ``python -m docgen`` in a process group of its own, interrupted the way
a terminal does it (SIGINT to the whole group, parent and workers alike) once the workers are
at work.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgen.cohort.starter import write_cohort_workbook

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in mp.get_all_start_methods(),
    reason="workers are forked only where fork exists")

TEAMS = 800  # enough for about a second of work on two workers


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    """Return a cohort workbook of TEAMS teams, one session each."""
    path = tmp_path_factory.mktemp("big") / "cohort.xlsx"
    teams = [{"team_id": f"T{i:04d}", "team_name": f"Team {i}", "coach": "Dr Jo Bloggs",
              "team_members": "Áine Ní Bhriain; Łukasz Wójcik"} for i in range(TEAMS)]
    sessions = [{"team_id": f"T{i:04d}", "date": dt.date(2026, 4, 1 + i % 28),
                 "start_time": dt.time(14), "finish_time": dt.time(15),
                 "topic": f"Driver diagram {i}"} for i in range(TEAMS)]
    write_cohort_workbook(path, {"Teams": teams, "Sessions": sessions})
    return path


@pytest.fixture(scope="module")
def records(cohort: Path) -> Path:
    """Return a folder of the contracts generated from ``cohort``."""
    out = cohort.parent / "records"
    subprocess.run([sys.executable, "-m", "docgen", "generate", str(cohort), "-o", str(out),
                    "--only", "contracts", "-j2"], check=True, capture_output=True, timeout=120)
    return out


def _as_from_a_terminal() -> None:
    """Give the child Ctrl-C as a terminal's shell does: a suite started in the background
    (``pytest &`` in a script) has SIGINT ignored, and a child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _has_workers(pid: int) -> bool:
    """Tell whether process ``pid`` has child processes (its workers, forked)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid):  # the parent's pid, after the state
            return True
    return False


def _interrupt(args: list[str], started) -> subprocess.CompletedProcess[str]:
    """Run docgen with ``args``, press Ctrl-C once ``started(pid)`` says it is at work."""
    proc = subprocess.Popen([sys.executable, "-m", "docgen", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            cwd=Path(__file__).parents[1], preexec_fn=_as_from_a_terminal)
    deadline = time.monotonic() + 60
    while proc.poll() is None and not started(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.005)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
    out, err = proc.communicate(timeout=60)
    for _ in range(100):  # the workers end with the run, none left behind
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("worker processes outlived the interrupted run")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _assert_aborted_quietly(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Aborted!" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "KeyboardInterrupt" not in result.stderr
    assert "ForkPoolWorker" not in result.stderr


def test_ctrl_c_while_generating_shows_only_the_parents_message(cohort: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    contracts = out / "contracts"

    def started(_pid: int) -> bool:  # the workers have written their first documents
        return contracts.is_dir() and any(contracts.iterdir())

    _assert_aborted_quietly(_interrupt(
        ["generate", str(cohort), "-o", str(out), "--only", "contracts", "-j2"], started))
    # and the run can be finished: nothing half written is left for a re-run to trip on
    done = subprocess.run([sys.executable, "-m", "docgen", "generate", str(cohort), "-o",
                           str(out), "--only", "contracts", "-j2"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(list(contracts.glob("*.docx"))) == TEAMS


def test_ctrl_c_while_reading_records_shows_only_the_parents_message(records: Path,
                                                                     tmp_path: Path) -> None:
    # into the ~1 s of reading: its workers are forked (a fixed wait was sometimes still in
    # Python's start-up on a loaded machine, before docgen could catch Ctrl-C)
    result = _interrupt(["log", str(records), "-o", str(tmp_path / "log.xlsx"), "-j2"],
                        _has_workers)
    _assert_aborted_quietly(result)
    assert not (tmp_path / "log.xlsx").exists()

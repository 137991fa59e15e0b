"""Shared helpers for the benchmarks: a synthetic cohort, timing a command, peak memory."""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.cohort.starter import write_cohort_workbook  # noqa: E402

FIRST = ["Áine", "Łukasz", "Élodie", "Seonag", "François", "Zofia", "Eòghann", "Kate"]
LAST = ["Ní Bhriain", "Wójcik", "Lefèvre", "NicLeòid", "Béranger", "Dąbrowska", "MacAoidh"]


def make_cohort(path: Path, teams: int, sessions_per_team: int = 2, pairs: int = 0) -> None:
    """Write a cohort of ``teams`` teams, each with sessions, like the sample but bigger."""
    team_rows, session_rows, pair_rows = [], [], []
    for i in range(teams):
        tid = f"T{i:05d}"
        members = "; ".join(f"{FIRST[(i + k) % 8]} {LAST[(i + k) % 7]}" for k in range(3))
        team_rows.append({
            "team_id": tid, "team_name": f"Improvement team {i} & partners",
            "organisation": ["NHS Lothian", "NHS Borders", "Edinburgh H&SCP"][i % 3],
            "team_members": members, "coach": f"Dr {FIRST[i % 8]} Coach",
            "coach_email": "coach@nhs.scot", "first_session": dt.date(2026, 3, 1 + i % 28),
        })
        for k in range(sessions_per_team):
            session_rows.append({
                "team_id": tid, "date": dt.date(2026, 3 + k, 1 + i % 28),
                "start_time": dt.time(14), "finish_time": dt.time(15), "mode": "Video",
                # texts differ from session to session, as coaches' notes do
                "coach": f"Dr {FIRST[i % 8]} Coach", "topic": f"Process map {k + 1} < PDSA {i}",
                "issues_arising": f"Data collection on ward {i}",
                "action": f"Baseline run chart by {k + 2} March ({tid})",
            })
    for i in range(pairs):
        pair_rows.append({"qi_practitioner": f"{FIRST[i % 8]} P{i}", "mentor": f"Mentor {i}",
                          "meet_every_weeks": 2, "time": "Tuesdays 12:30"})
    write_cohort_workbook(path, {"Teams": team_rows, "Sessions": session_rows,
                                 "Mentoring": pair_rows})


MEASURE = """
import resource, subprocess, sys, time, json
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - t
if proc.returncode:
    sys.stderr.write(proc.stderr.decode()); sys.exit(proc.returncode)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mib": peak}))
"""


def measure(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd`` as a fresh process; return its wall time and its peak resident memory.

    Peak memory is the largest single process (the command or one of its workers).
    """
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def measure_best(cmd: list[str], repeat: int, fresh: Callable[[int], list[str]] | None = None
                 ) -> tuple[dict[str, float], list[float]]:
    """Run ``cmd`` ``repeat`` times; return the fastest run and every run's seconds.

    The fastest run is the one least disturbed by the rest of the machine (as ``timeit``
    reports); all of them are printed too. ``fresh(i)`` may give the command for run ``i``
    (e.g. a new output folder each time).
    """
    runs = [measure(fresh(i) if fresh else cmd) for i in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    best = {**best, "peak_mib": max(r["peak_mib"] for r in runs)}
    return best, [r["seconds"] for r in runs]


def compile_bytecode() -> str:
    """Compile docgen's modules to bytecode, as an installed docgen has them; say so.

    pip compiles a package's bytecode when it installs it, and Python writes it on a first
    run; where neither happened (an editable install on a machine with
    PYTHONDONTWRITEBYTECODE set, as some containers are) every run would compile docgen's
    ~90 modules again, about 0.1 s that a user's runs do not pay, while the libraries docgen
    is compared with were compiled by pip. So each benchmark compiles them first.
    """
    import compileall

    compileall.compile_dir(ROOT / "docgen", quiet=1)
    return "docgen's bytecode compiled first, as an installed docgen has it"


def machine() -> str:
    import os

    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")


def cpu_times() -> list[int] | None:
    """Return the machine's processor time counters (Linux's /proc/stat), or None elsewhere."""
    try:
        with open("/proc/stat") as fh:
            return [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def steal_since(start: list[int] | None) -> str:
    """Say what share of the machine's processor time its host took since ``start`` (a
    virtual machine's "steal"): figures measured while the host takes much are slower than
    the code, and a program on two cores suffers more than one on a single core."""
    end = cpu_times()
    if start is None or end is None or len(end) < 8:
        return "host steal: not known here"
    spent = [b - a for a, b in zip(start, end, strict=False)]
    total = sum(spent[:8]) or 1
    return f"host steal during the runs: {100 * spent[7] / total:.0f} % of processor time"


def now() -> float:
    return time.perf_counter()

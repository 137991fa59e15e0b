"""Benchmark a re-run of `docgen generate` with nothing changed against a fresh run.

    python benchmarks/bench_rerun.py --teams 1000 10000

For each size, builds a cohort of N teams (two sessions each), then, --repeat times and each
as a fresh process: generates into a new folder (fresh), and generates again into the same
folder from the same workbook (re-run: every document unchanged, none rendered), then from a
copy of the workbook with one session's topic changed (one document rendered: the cohort is
read and every document's inputs digested). The runs alternate, so a drift in the machine's
speed touches each; the fastest of each counts and every run is printed. Prints the times,
the ratios and peak memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import openpyxl
from common import compile_bytecode, cpu_times, machine, make_cohort, measure, steal_since


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, default=None, help="docgen --jobs (default: cores)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh runs and re-runs each; the fastest is reported (default 3)")
    args = ap.parse_args()
    print(compile_bytecode())
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.2f} at the start")
    for teams in args.teams:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "cohort.xlsx"
            make_cohort(data, teams)
            changed = Path(tmp) / "cohort-one-change.xlsx"
            book = openpyxl.load_workbook(data)
            sheet = book["Sessions"]
            topic = [c.value for c in sheet[1]].index("Topic") + 1
            sheet.cell(row=2, column=topic).value = "Run chart (changed)"
            book.save(changed)

            def cmd(run: int, data: Path = data, tmp: str = tmp) -> list[str]:
                line = [sys.executable, "-m", "docgen", "generate", str(data), "-o",
                        str(Path(tmp) / f"out{run}"), "--only", "contracts"]
                return line + (["--jobs", str(args.jobs)] if args.jobs else [])

            fresh, rerun, one = [], [], []
            counters = cpu_times()
            for run in range(args.repeat):
                fresh.append(measure(cmd(run)))
                rerun.append(measure(cmd(run)))  # the same folder: nothing changed
                one.append(measure(cmd(run, changed)))  # one document's data changed
        best_fresh = min(r["seconds"] for r in fresh)
        best_rerun = min(r["seconds"] for r in rerun)
        print(f"teams: {teams}  (contract template, 2 sessions a team)")
        best_one = min(r["seconds"] for r in one)
        for label, runs, best in (("fresh run", fresh, best_fresh),
                                  ("re-run   ", rerun, best_rerun),
                                  ("1 changed", one, best_one)):
            every = ", ".join(f"{r['seconds']:.2f}" for r in runs)
            peak = max(r["peak_mib"] for r in runs)
            print(f"  {label} : {best:7.2f} s  peak {peak:6.1f} MiB  (fastest of {every} s)")
        print(f"  ratio     : {best_fresh / best_rerun:7.1f} x faster with nothing changed, "
              f"{best_fresh / best_one:.1f} x with one document changed")
        print(f"  load average {os.getloadavg()[0]:.2f} after; {steal_since(counters)}")


if __name__ == "__main__":
    main()

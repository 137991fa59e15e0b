"""Benchmark a re-run of `docgen generate` with nothing changed against a fresh run.

    python benchmarks/bench_rerun.py --teams 1000 10000

For each size, builds a cohort of N teams (two sessions each), then, --repeat times and each
as a fresh process: generates into a new folder (fresh), and generates again into the same
folder from the same workbook (re-run: every document unchanged, none rendered). Fresh and
re-run alternate, so a drift in the machine's speed touches both; the fastest of each counts
and every run is printed. Prints both times, the ratio and peak memory.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from common import machine, make_cohort, measure


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, default=None, help="docgen --jobs (default: cores)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh runs and re-runs each; the fastest is reported (default 3)")
    args = ap.parse_args()
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.2f} at the start")
    for teams in args.teams:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "cohort.xlsx"
            make_cohort(data, teams)

            def cmd(run: int, data: Path = data, tmp: str = tmp) -> list[str]:
                line = [sys.executable, "-m", "docgen", "generate", str(data), "-o",
                        str(Path(tmp) / f"out{run}"), "--only", "contracts"]
                return line + (["--jobs", str(args.jobs)] if args.jobs else [])

            fresh, rerun = [], []
            for run in range(args.repeat):
                fresh.append(measure(cmd(run)))
                rerun.append(measure(cmd(run)))  # the same folder: nothing changed
        best_fresh = min(r["seconds"] for r in fresh)
        best_rerun = min(r["seconds"] for r in rerun)
        print(f"teams: {teams}  (contract template, 2 sessions a team)")
        for label, runs, best in (("fresh run", fresh, best_fresh), ("re-run   ", rerun,
                                                                     best_rerun)):
            every = ", ".join(f"{r['seconds']:.2f}" for r in runs)
            peak = max(r["peak_mib"] for r in runs)
            print(f"  {label} : {best:7.2f} s  peak {peak:6.1f} MiB  (fastest of {every} s)")
        print(f"  ratio     : {best_fresh / best_rerun:7.1f} x faster")
        print(f"  load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()

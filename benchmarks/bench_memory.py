"""Peak memory of `docgen generate` and of reading the cohort, at 500, 5,000 and 50,000 teams.

    python benchmarks/bench_memory.py                 # 500, 5,000, 50,000 teams
    python benchmarks/bench_memory.py --teams 500 5000 --read-only

Each size's workbook (two sessions a team, as :func:`common.make_cohort` writes it) is made
once and kept in --cache (default: the system's temporary folder), since writing 50,000 teams
with openpyxl takes a minute. Each measurement runs in a fresh process:

- read: ``read_cohort`` alone; its peak resident memory (ru_maxrss, which counts calamine's
  Rust memory too) and, in a second fresh process, tracemalloc's peak (Python objects only);
- generate: ``docgen generate`` end to end into a new folder; the peak resident memory of the
  main process and of the largest worker (forked workers share the main process's pages, so
  each counts them too).

The main process's peak is its own high-water mark (VmHWM on Linux): ru_maxrss of a process
started from this one also counts this one's memory at the moment it was started.

Prints each figure and its ratio to the smallest size's. The target: generate at 50,000 teams
within 1.3 times its peak at 500.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, compile_bytecode, machine, make_cohort

RUN = """
import json, resource, sys, time
mode, data = sys.argv[1], sys.argv[2]
traced = mode == "trace"
if traced:
    import tracemalloc
    tracemalloc.start()
t = time.perf_counter()
if mode in ("read", "trace"):
    from pathlib import Path
    from docgen.cohort import read_cohort
    cohort, problems = read_cohort(Path(data))
    counts = [len(cohort.teams), len(cohort.sessions), len(problems)]
else:
    from docgen.cli import main
    try:
        main(["generate", data, "-o", sys.argv[3], *sys.argv[4:]], standalone_mode=False)
    finally:
        sys.stdout.flush()
    counts = []
seconds = time.perf_counter() - t
kib = 1024
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:  # this process's own high-water mark: ru_maxrss also counts the parent's at the fork
    with open("/proc/self/status") as fh:
        peak = next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
out = {"seconds": seconds, "self_mib": peak / kib,
       "workers_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib,
       "counts": counts}
if traced:
    out["traced_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
print("@@" + json.dumps(out))
"""


def run(mode: str, data: Path, *extra: str) -> dict:
    """Run one measurement in a fresh interpreter; return its figures."""
    proc = subprocess.run([sys.executable, "-c", RUN, mode, str(data), *extra], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ,
                                                               "PYTHONPATH": str(ROOT)})
    line = next((x for x in proc.stdout.splitlines() if x.startswith("@@")), None)
    if proc.returncode or line is None:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        raise SystemExit(f"{mode} at {data.name} failed")
    return json.loads(line[2:])


def workbook(cache: Path, teams: int) -> Path:
    """Return the cohort workbook of ``teams`` teams, written once into ``cache``."""
    path = cache / f"memory-cohort-{teams}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        make_cohort(path.with_suffix(".tmp.xlsx"), teams)
        path.with_suffix(".tmp.xlsx").rename(path)
        print(f"  (wrote {path.name} in {time.perf_counter() - t:.0f} s)", flush=True)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, nargs="+", default=[500, 5000, 50000])
    ap.add_argument("--jobs", type=int, default=None, help="docgen --jobs (default: cores)")
    ap.add_argument("--read-only", action="store_true", help="measure reading the cohort only")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()),
                    help="folder keeping the workbooks between runs")
    args = ap.parse_args()
    print(compile_bytecode())
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f} at the start")
    rows: list[tuple[int, dict, dict, dict | None]] = []
    for teams in args.teams:
        data = workbook(args.cache, teams)
        read = run("read", data)
        traced = run("trace", data)
        generated = None
        if not args.read_only:
            out = Path(tempfile.mkdtemp(prefix="docgen-memory-"))
            try:
                extra = ["--jobs", str(args.jobs)] if args.jobs else []
                generated = run("generate", data, str(out / "out"), *extra)
            finally:
                shutil.rmtree(out, ignore_errors=True)
        rows.append((teams, read, traced, generated))
        teams_read, sessions_read, problems = read["counts"]
        line = (f"{teams:>7,} teams ({teams_read:,} read, {sessions_read:,} sessions, "
                f"{problems} problems): read {read['self_mib']:6.1f} MiB peak RSS, "
                f"{traced['traced_mib']:6.1f} MiB Python peak, {read['seconds']:5.2f} s")
        if generated:
            line += (f"; generate {generated['self_mib']:6.1f} MiB main, "
                     f"{generated['workers_mib']:6.1f} MiB largest worker, "
                     f"{generated['seconds']:6.1f} s")
        print(line, flush=True)
    base = rows[0]
    print(f"ratios to {base[0]:,} teams (load average now {os.getloadavg()[0]:.2f}):")
    for teams, read, traced, generated in rows:
        parts = [f"read {read['self_mib'] / base[1]['self_mib']:.2f}x",
                 f"Python peak {traced['traced_mib'] / base[2]['traced_mib']:.2f}x"]
        if generated and base[3]:
            peak = max(generated["self_mib"], generated["workers_mib"])
            base_peak = max(base[3]["self_mib"], base[3]["workers_mib"])
            parts.append(f"generate {peak / base_peak:.2f}x (target 1.3x at 50,000)")
        print(f"  {teams:>7,} teams: " + ", ".join(parts))


if __name__ == "__main__":
    main()

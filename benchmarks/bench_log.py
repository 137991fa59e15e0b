"""Benchmark `docgen log`: a fresh run, a re-run with nothing changed, and python-docx reading.

    python benchmarks/bench_log.py --records 1000 10000

For each size, generates N contracts (two sessions each) with docgen, then times, each as a
fresh process and in the same run:

- docgen log *fresh*: no reading cache beside the log (it is removed first), so every record
  is read; the run writes the cache;
- docgen log *--no-cache*: every record read, no cache read or written (the log's memory
  without the cache's entries);
- docgen log *re-run*: the same again with the cache the previous run left and no record
  changed, so nothing is read again and the workbook, still as written, is kept (start-up,
  hashing every file and taking each reading from the cache remain);
- docgen log after one record in a hundred changed (its bytes: saved again), as when a few
  coaches send their records back;
- the plain approach (sizes up to --plain-up-to): open each file with python-docx and read
  every paragraph and table cell (which, note, does not even see the text inside content
  controls).

Fresh runs and re-runs alternate, --repeat times each; the fastest of each counts (every run
is printed), so both meet the same load. Prints records per second, the processor time used
(the command and its workers: a busy machine disturbs it far less than the wall time), the
re-run's speed-up by both, peak memory, and the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from common import compile_bytecode, cpu_times, machine, make_cohort, steal_since

from docgen.records.cache import cache_path

PLAIN_READ = """
import sys
from pathlib import Path
import docx
rows = []
for path in sorted(Path(sys.argv[1]).rglob("*.docx")):
    d = docx.Document(str(path))
    text = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            rows.append([cell.text for cell in row.cells])
print(len(rows))
"""


MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - t
if proc.returncode:
    sys.stderr.write(proc.stderr.decode()); sys.exit(proc.returncode)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": elapsed, "cpu": use.ru_utime + use.ru_stime,
                  "peak_mib": use.ru_maxrss / 1024}))
"""


def measure(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd`` as a fresh process; return its wall time, the processor time it and its
    workers used (which a busy machine disturbs far less than the wall time), and the peak
    resident memory of its largest process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def bench(n: int, repeat: int, jobs: int | None, plain_up_to: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "cohort.xlsx", Path(tmp) / "out"
        log = Path(tmp) / "coaching_log.xlsx"
        cache = cache_path(log)
        make_cohort(data, n)
        measure([sys.executable, "-m", "docgen", "generate", str(data), "-o", str(out),
                 "--only", "contracts"])
        time.sleep(2.1)  # a file saved in the last two seconds is never kept in the cache
        cmd = [sys.executable, "-m", "docgen", "log", str(out), "-o", str(log)]
        if jobs:
            cmd += ["--jobs", str(jobs)]
        fresh, rerun, some, bare = [], [], [], []
        print(f"records: {n}  (generated contracts, 2 sessions each); load before: {load()}")
        records = sorted(out.rglob("*.docx"))
        counters = cpu_times()
        for i in range(repeat):
            bare.append(measure([*cmd, "--no-cache"]))
            cache.unlink(missing_ok=True)
            fresh.append(measure(cmd))
            rerun.append(measure(cmd))
            changed = records[i::100]  # one record in a hundred comes back changed
            for path in changed:
                with zipfile.ZipFile(path, "a") as zf:
                    zf.comment = f"saved again {i}".encode()
            stamp = time.time() - 10  # not "just saved": their readings may be kept
            for path in changed:
                os.utime(path, (stamp, stamp))
            some.append(measure(cmd))
        best_fresh = min(fresh, key=lambda r: r["seconds"])
        best_rerun = min(rerun, key=lambda r: r["seconds"])
        plain = measure([sys.executable, "-c", PLAIN_READ, str(out)]) if n <= plain_up_to \
            else None
    cpu_fresh = min(r["cpu"] for r in fresh)
    cpu_rerun = min(r["cpu"] for r in rerun)
    runs = ", ".join(f"{r['seconds']:.2f}" for r in fresh)
    print(f"  docgen log fresh : {best_fresh['seconds']:7.2f} s  "
          f"{n / best_fresh['seconds']:8.1f} records/s  cpu {cpu_fresh:6.2f} s  "
          f"peak {max(r['peak_mib'] for r in fresh):6.1f} MiB  (fastest of {runs} s)")
    best_bare = min(bare, key=lambda r: r["seconds"])
    runs = ", ".join(f"{r['seconds']:.2f}" for r in bare)
    print(f"  --no-cache       : {best_bare['seconds']:7.2f} s  "
          f"{n / best_bare['seconds']:8.1f} records/s  cpu {min(r['cpu'] for r in bare):6.2f} s  "
          f"peak {max(r['peak_mib'] for r in bare):6.1f} MiB  (fastest of {runs} s)")
    runs = ", ".join(f"{r['seconds']:.2f}" for r in rerun)
    print(f"  docgen log re-run: {best_rerun['seconds']:7.2f} s  "
          f"{n / best_rerun['seconds']:8.1f} records/s  cpu {cpu_rerun:6.2f} s  "
          f"peak {max(r['peak_mib'] for r in rerun):6.1f} MiB  (fastest of {runs} s)")
    print(f"  re-run speed-up  : {best_fresh['seconds'] / best_rerun['seconds']:7.1f} x wall, "
          f"{cpu_fresh / cpu_rerun:.1f} x processor time (target: at least 5)")
    best_some = min(some, key=lambda r: r["seconds"])
    runs = ", ".join(f"{r['seconds']:.2f}" for r in some)
    cpu_some = min(r["cpu"] for r in some)
    print(f"  1% changed       : {best_some['seconds']:7.2f} s  cpu {cpu_some:6.2f} s  (a re-run "
          f"after {len(records[::100])} records came back changed; fastest of {runs} s)")
    if plain is not None:
        print(f"  python-docx read : {plain['seconds']:7.2f} s  "
              f"{n / plain['seconds']:8.1f} records/s  peak {plain['peak_mib']:6.1f} MiB")
        print(f"  fresh vs python-docx: {plain['seconds'] / best_fresh['seconds']:7.1f} x")
    print(f"  load after: {load()}; {steal_since(counters)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, default=None, help="docgen --jobs (default: cores)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="fresh runs and re-runs each; the fastest counts (default 3)")
    ap.add_argument("--plain-up-to", type=int, default=1000,
                    help="read with python-docx only up to this many records (default 1000: "
                    "it takes minutes at 10,000)")
    args = ap.parse_args()
    print(compile_bytecode())
    print(f"machine: {machine()}")
    for n in args.records:
        bench(n, args.repeat, args.jobs, args.plain_up_to)


if __name__ == "__main__":
    main()

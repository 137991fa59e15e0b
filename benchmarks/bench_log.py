"""Benchmark `docgen log` against reading each record with python-docx.

    python benchmarks/bench_log.py --records 1000

Generates N contracts (two sessions each) with docgen, then times, each as a fresh process:
docgen log end to end (start-up, reading every record, summarising, writing the workbook),
and the plain approach: open each file with python-docx and read every paragraph and table
cell (which, note, does not even see the text inside content controls). Prints records per
second for both, the ratio, and peak memory. docgen runs --repeat times and the fastest run
counts (every run is printed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import machine, make_cohort, measure, measure_best

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=None, help="docgen --jobs (default: cores)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of docgen log; the fastest is reported (default 3)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "cohort.xlsx", Path(tmp) / "out"
        make_cohort(data, args.records)
        measure([sys.executable, "-m", "docgen", "generate", str(data), "-o", str(out),
                 "--only", "contracts"])
        cmd = [sys.executable, "-m", "docgen", "log", str(out), "-o",
               str(Path(tmp) / "coaching_log.xlsx")]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        ours, runs = measure_best(cmd, args.repeat)
        plain = measure([sys.executable, "-c", PLAIN_READ, str(out)])
    n = args.records
    print(f"machine: {machine()}")
    print(f"records: {n}  (generated contracts, 2 sessions each)")
    print(f"docgen log      : {ours['seconds']:7.2f} s  {n / ours['seconds']:8.1f} records/s  "
          f"peak {ours['peak_mib']:6.1f} MiB  (fastest of {', '.join(f'{r:.2f}' for r in runs)} s)")
    print(f"python-docx read: {plain['seconds']:7.2f} s  {n / plain['seconds']:8.1f} records/s  "
          f"peak {plain['peak_mib']:6.1f} MiB")
    print(f"ratio           : {plain['seconds'] / ours['seconds']:7.1f} x")


if __name__ == "__main__":
    main()

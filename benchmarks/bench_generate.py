"""Benchmark `docgen generate` against the plain docxtpl loop on the same template and data.

    python benchmarks/bench_generate.py --teams 1000
    python benchmarks/bench_generate.py --teams 1000 --kind agreements

Builds a cohort of N teams (two sessions each), or of N mentoring pairs with ``--kind
agreements``, then times, each as a fresh process, in turn (docgen, plain, docgen, plain, ...:
a machine that slows down slows both):

* docgen generate end to end (start-up and reading the workbook included), ``--only`` the
  kind, with ``--jobs`` workers (default: the machine's cores); docgen's cache of mended
  template XML is filled before the timed runs, as it is for every run after a user's first
  (``--cache off``: none, as on a first run);
* the loop a user would write with docxtpl: read the rows, then per document open the
  template, render (escaped), save. It takes ~21 ms a contract and ~11 ms an agreement here
  whatever N is, so it runs on ``--plain-rows`` documents (default 100) and reports its own
  start-up and its time a document;
  its time for N teams is start-up + N x that (both measured in the same run).

Each side is measured in wall time and in CPU time (the process and all its workers, user +
system). The reported figures are the medians of ``--repeat`` runs; the ratio is given both
ways: wall (what a user waits) and CPU (the work done, hardly moved by other load on the
machine, and not helped by docgen's second core). The load average is printed before and
after, as every figure on a shared machine depends on it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, compile_bytecode, cpu_times, machine, make_cohort, steal_since

from docgen.kinds import CONTRACT, KINDS, kind_named

PLAIN_LOOP = """
import json, sys, time, datetime as dt
from pathlib import Path
from docxtpl import DocxTemplate
from docgen.cohort import read_cohort
from docgen.kinds import kind_named
cohort, _ = read_cohort(Path(sys.argv[1]))
out = Path(sys.argv[3]); out.mkdir(parents=True, exist_ok=True)
kind = kind_named(sys.argv[5])
rows = kind.rows(cohort)[: int(sys.argv[4])]
wall, cpu = time.perf_counter(), time.process_time()
for i, row in enumerate(rows):
    tpl = DocxTemplate(sys.argv[2])
    tpl.render(kind.plan(cohort, row, dt.date.today()).context, autoescape=True)
    tpl.save(out / f"{i}.docx")
print(json.dumps({"rows": len(rows), "loop_wall": time.perf_counter() - wall,
                  "loop_cpu": time.process_time() - cpu}))
"""

# Runs a command; prints its wall time, the CPU time of it and every process it waited for
# (docgen's workers included), its peak memory (the largest process), and its own output.
MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - t
if proc.returncode:
    sys.stderr.write(proc.stderr.decode()); sys.exit(proc.returncode)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": elapsed, "cpu": use.ru_utime + use.ru_stime,
                  "peak_mib": use.ru_maxrss / 1024, "out": proc.stdout.decode()}))
"""


def run(cmd: list[str]) -> dict:
    """Run ``cmd`` as a fresh process; return its wall and CPU seconds, peak memory, output."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=1000,
                    help="documents to make: teams, or mentoring pairs with --kind agreements")
    ap.add_argument("--kind", choices=[k.option for k in KINDS], default=CONTRACT.option,
                    help="which shipped template to render (default: contracts)")
    ap.add_argument("--jobs", type=int, default=None, help="docgen --jobs (default: cores)")
    ap.add_argument("--repeat", type=int, default=5,
                    help="runs of each side, alternated; medians are reported (default 5)")
    ap.add_argument("--plain-rows", type=int, default=100,
                    help="documents the plain loop renders in each run (default 100)")
    ap.add_argument("--cache", choices=["warm", "off"], default="warm",
                    help="docgen's cache of mended template XML: warm (filled before the "
                         "timed runs, as after a user's first run; the default) or off")
    args = ap.parse_args()
    kind = kind_named(args.kind)
    template = ROOT / "templates" / kind.template_file
    print(compile_bytecode())
    print(f"machine: {machine()}")
    print(f"load before: {load()}")
    counters = cpu_times()
    ours: list[dict] = []
    plain: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        # docgen's cache: a folder of this run's own, filled first (warm), or none at all
        os.environ["DOCGEN_CACHE"] = str(Path(tmp) / "cache") if args.cache == "warm" else "off"
        if args.cache == "warm":
            from docgen.documents.render import compile_template

            compile_template(template)
        print(f"docgen's cache: {args.cache}")
        data = Path(tmp) / "cohort.xlsx"
        if kind is CONTRACT:
            make_cohort(data, args.teams)
        else:  # a team is needed for a cohort; the pairs are what is made
            make_cohort(data, 1, pairs=args.teams)
        rows = min(args.teams, args.plain_rows)
        for i in range(args.repeat):
            cmd = [sys.executable, "-m", "docgen", "generate", str(data), "-o",
                   str(Path(tmp) / f"out{i}"), "--only", kind.option]
            ours.append(run(cmd + (["--jobs", str(args.jobs)] if args.jobs else [])))
            p = run([sys.executable, "-c", PLAIN_LOOP, str(data), str(template),
                     str(Path(tmp) / f"plain{i}"), str(rows), kind.name])
            inner = json.loads(p["out"])
            # the plain loop's time for all N teams: its start-up, then N documents
            for key, loop in (("wall", "loop_wall"), ("cpu", "loop_cpu")):
                setup = p[key] - inner[loop]
                p[f"{key}_n"] = setup + inner[loop] / inner["rows"] * args.teams
                p[f"{key}_doc"] = inner[loop] / inner["rows"]
            plain.append(p)
            print(f"  run {i + 1}: docgen {ours[-1]['wall']:.2f} s wall, {ours[-1]['cpu']:.2f} s "
                  f"CPU; plain {p['wall_doc'] * 1000:.1f} ms a document wall, "
                  f"{p['cpu_doc'] * 1000:.1f} ms CPU", flush=True)

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    n = args.teams
    wall_ratios = sorted(p["wall_n"] / o["wall"] for o, p in zip(ours, plain, strict=True))
    cpu_ratios = sorted(p["cpu_n"] / o["cpu"] for o, p in zip(ours, plain, strict=True))
    print(f"load after: {load()}; {steal_since(counters)}")
    what = ("contract template, 2 sessions a team" if kind is CONTRACT
            else f"{kind.template_file}, one a mentoring pair")
    print(f"documents: {n}  ({what}; docgen --jobs {args.jobs or os.cpu_count()}; plain loop "
          f"on {rows} a run, scaled to {n})")
    print(f"docgen generate : {median(ours, 'wall'):7.2f} s wall  {median(ours, 'cpu'):7.2f} s CPU"
          f"  {n / median(ours, 'wall'):8.1f} docs/s  peak "
          f"{max(r['peak_mib'] for r in ours):6.1f} MiB  (median of {args.repeat})")
    print(f"plain docxtpl   : {median(plain, 'wall_n'):7.2f} s wall  "
          f"{median(plain, 'cpu_n'):7.2f} s CPU  {n / median(plain, 'wall_n'):8.1f} docs/s  peak "
          f"{max(r['peak_mib'] for r in plain):6.1f} MiB  ({median(plain, 'wall_doc') * 1000:.1f}"
          " ms a document)")
    print(f"ratio (wall)    : {median(plain, 'wall_n') / median(ours, 'wall'):7.1f} x  "
          f"(run by run: {', '.join(f'{r:.1f}' for r in wall_ratios)})")
    print(f"ratio (CPU)     : {median(plain, 'cpu_n') / median(ours, 'cpu'):7.1f} x  "
          f"(run by run: {', '.join(f'{r:.1f}' for r in cpu_ratios)})")


if __name__ == "__main__":
    main()

"""Benchmark `docgen generate` against the plain docxtpl loop on the same template and data.

    python benchmarks/bench_generate.py --teams 1000

Builds a cohort of N teams (two sessions each), then times, each as a fresh process:
docgen generate end to end (start-up and reading the workbook included), and the loop a user
would write with docxtpl: read the rows, then per team open the template, render (escaped),
save. Both read the same workbook; the plain loop can be cut to --plain-rows teams (it is
~40 ms a document whatever N is). docgen runs --repeat times and the fastest run counts (this
VM's speed drifts by a third from run to run); every run is printed. Prints documents per
second, the ratio, peak memory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import ROOT, machine, make_cohort, measure, measure_best

PLAIN_LOOP = """
import sys, datetime as dt
from pathlib import Path
from docxtpl import DocxTemplate
from docgen.cohort import read_cohort
from docgen.context import contract_plan
cohort, _ = read_cohort(Path(sys.argv[1]))
out = Path(sys.argv[3]); out.mkdir(parents=True, exist_ok=True)
for team in cohort.teams[: int(sys.argv[4])]:
    tpl = DocxTemplate(sys.argv[2])
    tpl.render(contract_plan(cohort, team, dt.date.today()).context, autoescape=True)
    tpl.save(out / f"{team.team_id}.docx")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=None, help="docgen --jobs (default: cores)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of docgen generate; the fastest is reported (default 3)")
    ap.add_argument("--plain-rows", type=int, default=None,
                    help="run the plain loop on only this many teams (default: all)")
    args = ap.parse_args()
    template = ROOT / "templates" / "coaching_contract.docx"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "cohort.xlsx"
        make_cohort(data, args.teams)
        def cmd(run: int) -> list[str]:
            line = [sys.executable, "-m", "docgen", "generate", str(data), "-o",
                    str(Path(tmp) / f"out{run}"), "--only", "contracts"]
            return line + (["--jobs", str(args.jobs)] if args.jobs else [])

        ours, runs = measure_best(cmd(0), args.repeat, cmd)
        rows = min(args.teams, args.plain_rows or args.teams)
        plain = measure([sys.executable, "-c", PLAIN_LOOP, str(data), str(template),
                         str(Path(tmp) / "plain"), str(rows)])
    ours_rate = args.teams / ours["seconds"]
    plain_rate = rows / plain["seconds"]
    print(f"machine: {machine()}")
    print(f"teams: {args.teams}  (contract template, 2 sessions a team)")
    print(f"docgen generate : {ours['seconds']:7.2f} s  {ours_rate:8.1f} docs/s  "
          f"peak {ours['peak_mib']:6.1f} MiB  (fastest of {', '.join(f'{r:.2f}' for r in runs)} s)")
    print(f"plain docxtpl   : {plain['seconds']:7.2f} s  {plain_rate:8.1f} docs/s  "
          f"peak {plain['peak_mib']:6.1f} MiB  ({rows} rows)")
    print(f"ratio           : {ours_rate / plain_rate:7.1f} x")


if __name__ == "__main__":
    main()

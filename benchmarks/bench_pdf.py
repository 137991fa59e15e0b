"""Benchmark the PDF step of `docgen generate --pdf`: 300 documents, --jobs 1 and 2.

    python benchmarks/bench_pdf.py --teams 300 --repeat 2

Generates N contracts once, then converts them all to PDF with ``--jobs 1`` and ``--jobs 2``
in turn (alternating, --repeat rounds; the PDFs are removed between runs), each run in
batches of at most 100 files a LibreOffice run. Every PDF is checked (present, starts with
%PDF, ends with %%EOF, has pages). Prints documents per second for each, the fastest run of
each, and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from common import compile_bytecode, machine, make_cohort

from docgen import jobs
from docgen.documents.outputs import convert_to_pdf, pdf_problem
from docgen.libreoffice import soffice


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    if soffice() is None:
        sys.exit("LibreOffice is not installed")
    print(compile_bytecode())
    print(f"{machine()}; load average at start {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "cohort.xlsx", Path(tmp) / "out"
        make_cohort(data, args.teams, sessions_per_team=1)
        jobs.generate(data, out, only="contracts")
        docs = sorted((out / "contracts").glob("*.docx"))
        times: dict[int, list[float]] = {j: [] for j in args.jobs}
        for _ in range(args.repeat):
            for j in args.jobs:
                for pdf in (out / "contracts").glob("*.pdf"):
                    pdf.unlink()
                start = time.perf_counter()
                done = convert_to_pdf(docs, jobs=j)
                seconds = time.perf_counter() - start
                whole = sum(pdf_problem(d.with_suffix(".pdf")) is None for d in docs)
                times[j].append(seconds)
                print(f"--jobs {j}: {len(docs)} documents, {done.made} PDFs made, {whole} "
                      f"whole, {len(done.missing)} missing, {seconds:.1f} s, "
                      f"{len(docs) / seconds:.1f} documents/s")
        for j, runs in times.items():
            print(f"--jobs {j}: fastest {min(runs):.1f} s = {len(docs) / min(runs):.1f} "
                  f"documents/s ({', '.join(f'{t:.1f}' for t in runs)} s)")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark reading records kept as .odt (native) and .doc (through LibreOffice) against .docx.

    python benchmarks/bench_formats.py --records 500 --doc-records 100

Generates N contracts with docgen, has LibreOffice save them as .odt (and the first M as
.doc), then times :func:`docgen.records.read_records` on each folder in this process (the
best of --repeat runs): records per second, and for .doc the LibreOffice conversion included.
Needs LibreOffice (soffice).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import compile_bytecode, machine, make_cohort

from docgen.records import read_records


def _convert(files: list[Path], fmt: str, outdir: Path, profile: Path) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    for i in range(0, len(files), 200):  # keep the command line short
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(outdir),
                        *map(str, files[i:i + 200])], check=True, capture_output=True)


def _time(folder: Path, repeat: int, jobs: int | None) -> tuple[float, int, int]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        records, problems = read_records([folder], jobs=jobs)
        best = min(best, time.perf_counter() - start)
    return best, len(records), sum(len(r.sessions) for r in records)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=500)
    ap.add_argument("--doc-records", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args()
    if shutil.which("soffice") is None:
        sys.exit("needs LibreOffice (soffice)")
    with tempfile.TemporaryDirectory() as tmp_:
        tmp = Path(tmp_)
        make_cohort(tmp / "cohort.xlsx", args.records)
        subprocess.run([sys.executable, "-m", "docgen", "generate", str(tmp / "cohort.xlsx"),
                        "-o", str(tmp / "out"), "--only", "contracts"], check=True,
                       capture_output=True)
        docx = sorted((tmp / "out").rglob("*.docx"))
        start = time.perf_counter()
        _convert(docx, "odt", tmp / "odt", tmp / "profile")
        made_odt = time.perf_counter() - start
        _convert(docx[:args.doc_records], "doc", tmp / "doc", tmp / "profile")
        print(compile_bytecode())
        print(f"machine: {machine()}")
        print(f"LibreOffice saved {len(docx)} records as .odt in {made_odt:.1f} s")
        for label, folder in (("docx", tmp / "out"), ("odt", tmp / "odt"),
                              ("doc (converted)", tmp / "doc")):
            seconds, n, sessions = _time(folder, args.repeat if label != "doc (converted)"
                                         else 1, args.jobs)
            print(f"{label:16}: {n:5} records, {sessions:5} sessions in {seconds:7.2f} s "
                  f"= {n / seconds:8.1f} records/s")


if __name__ == "__main__":
    main()

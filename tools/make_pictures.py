"""Remake the pictures in docs/ from the sample cohort, through LibreOffice.

Run ``python tools/make_pictures.py`` after changing a template or the log's layout. Needs
LibreOffice (``soffice``) and ``pdftoppm`` (Debian's poppler-utils).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen import jobs  # noqa: E402
from docgen.documents.outputs import convert_to_pdf  # noqa: E402

DOCS = ROOT / "docs"
LOG_DAY = dt.date(2026, 4, 20)  # the sample cohort's course runs from February to June


def first_page_png(pdf: Path, dest: Path, page: int = 1, resolution: int = 70) -> None:
    """Write page ``page`` of ``pdf`` as the PNG ``dest``."""
    stem = dest.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", str(page), "-l",
                    str(page), "-singlefile", str(pdf), str(stem)], check=True)


def fill_table_rows(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Type ``rows`` into the empty COACHING RECORD rows of a contract, as a coach would."""
    import docx

    d = docx.Document(str(path))
    table = next(t for t in d.tables if t.rows[0].cells[0].text.strip() == "Coach"
                 and len(t.columns) == 4)
    empty = [r for r in table.rows[1:] if not any(c.text.strip() for c in r.cells)]
    for row, values in zip(empty, rows, strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    d.save(str(path))


def confirm_forms(path: Path, forms: int | None = None) -> None:
    """Type "Yes" in the Held field of every pre-filled form of a contract (or of the first
    ``forms``), as coaches do.

    Untouched, a pre-filled session whose date has passed is "planned, not confirmed" and
    counts nothing; the pictures show a log of sessions that took place.
    """
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(str(path))
    held = [sdt for sdt in d.element.body.iter(qn("w:sdt"))
            if (tag := sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")) is not None
            and tag.get(qn("w:val")) == "record.held"]
    for sdt in held[:forms]:
        pr = sdt.find(qn("w:sdtPr"))
        for flag in pr.findall(qn("w:showingPlcHdr")):
            pr.remove(flag)
        runs = list(sdt.iter(qn("w:r")))
        for extra in runs[1:]:
            extra.getparent().remove(extra)
        for old in list(runs[0]):
            if old.tag != qn("w:rPr"):
                runs[0].remove(old)
        for style in runs[0].iter(qn("w:rStyle")):
            style.getparent().remove(style)
        runs[0].append(runs[0].makeelement(qn("w:t"), {}))
        runs[0][-1].text = "Yes"
    d.save(str(path))


def page_with(pdf: Path, words: str) -> int:
    """Return the number of the first page of ``pdf`` whose text holds ``words``."""
    page = 1
    while True:
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True).stdout
        if words in text:
            return page
        if not text.strip():
            raise SystemExit(f"no page of {pdf} shows {words!r}")
        page += 1


def blank_form_picture(dest: Path) -> None:
    """Write ``dest``: a Record of Coaching form as ``docgen generate --pdf`` prints it for a
    team with no session yet (its coach and members filled in, every other field writing
    space, no prompt printed)."""
    from docgen.cohort.starter import write_cohort_workbook

    team = {"team_id": "T10", "team_name": "Safer handovers on Ward 3",
            "organisation": "NHS Lothian", "team_members": "Ruth Aitken; Callum Doig",
            "coach": "Fiona MacLeod", "coach_email": "fiona.macleod@nhs.scot"}
    with tempfile.TemporaryDirectory() as tmp:
        cohort = Path(tmp) / "cohort.xlsx"
        write_cohort_workbook(cohort, {"Teams": [team], "Sessions": [], "Mentoring": []})
        out = Path(tmp) / "output"
        report = jobs.generate(cohort, out, only="contracts", pdf=True)
        if report.pdf_missing or not report.pdfs:
            sys.exit("\n".join(map(str, report.pdf_missing)) or "no PDF was made")
        pdf = next((out / "contracts").glob("*.pdf"))
        first_page_png(pdf, dest, page=page_with(pdf, "Record of Coaching"))


def main() -> None:
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        sys.exit("needs LibreOffice (soffice) and pdftoppm (poppler-utils)")
    DOCS.mkdir(exist_ok=True)
    blank_form_picture(DOCS / "printed-blank-form.png")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        jobs.generate(ROOT / "data" / "cohort.xlsx", out)
        contract = sorted((out / "contracts").glob("*.docx"))[0]
        agreement = sorted((out / "agreements").glob("*.docx"))[0]
        problems = convert_to_pdf([contract, agreement]).missing
        if problems:
            sys.exit("\n".join(map(str, problems)))
        first_page_png(contract.with_suffix(".pdf"), DOCS / "contract.png")
        pdf = contract.with_suffix(".pdf")
        first_page_png(pdf, DOCS / "record-of-coaching.png",
                       page=page_with(pdf, "Record of Coaching"))
        first_page_png(agreement.with_suffix(".pdf"), DOCS / "agreement.png")

        # A few records filled in as coaches do, then the log a manager opens.
        contracts = sorted((out / "contracts").glob("*.docx"))
        for contract in contracts:  # T06 confirms only its first session: behind pace
            confirm_forms(contract, 1 if "(T06)" in contract.name else None)
        fill_table_rows(next(p for p in contracts if "(T01)" in p.name), [
            ("Fiona MacLeod", "12 June 2026", "Spread to Ward 14", ""),
            ("Fiona MacLeod", "10 July 2026", "Poster draft", ""),
        ])
        fill_table_rows(next(p for p in contracts if "(T04)" in p.name), [
            ("Fiona MacLeod", "2 June 2026 (email)", "Run chart annotations", "email coaching"),
        ])
        # One record never came back; the log, given the cohort, is made half way through
        # the course, so the Summary shows teams on track, behind and with no record.
        next(p for p in contracts if "(T05)" in p.name).unlink()
        log = Path(tmp) / "coaching_log.xlsx"
        os.chdir(ROOT)  # the Summary names the cohort as the user gave it
        report = jobs.log([out], log, cohort=Path("data") / "cohort.xlsx",
                          today=LOG_DAY, pdf=True)
        if report.pdf_problems:
            sys.exit("\n".join(map(str, report.pdf_problems)))
        pdf = log.with_suffix(".pdf")
        first_page_png(pdf, DOCS / "log-summary.png", page=1, resolution=80)
        teams = page_with(pdf, "Hours still")
        subprocess.run(["pdftoppm", "-png", "-r", "170", "-f", str(teams), "-l", str(teams),
                        "-x", "100", "-y", "118", "-W", "1780", "-H", "222", "-singlefile",
                        str(pdf), str(DOCS / "log-teams")], check=True)
        first_page_png(pdf, DOCS / "log-chart.png",
                       page=page_with(pdf, "Coaching hours per team, as of"), resolution=80)
    print(f"pictures written to {DOCS}")


if __name__ == "__main__":
    main()

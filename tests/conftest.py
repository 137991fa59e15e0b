"""Fixtures that build cohorts and read generated documents back with second readers."""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import strategies as st
from lxml import etree

from docgen.cohort.starter import write_cohort_workbook
from docgen.schema import PROGRAMME, PROGRAMME_SETTINGS, SHEETS, Sheet

ROOT = Path(__file__).parents[1]

# docgen's cache (templates' mended XML) goes to a folder of this test session's own, never
# the user's: tests and the subprocesses they start share it, so both its paths are run.
# The folder is removed when the session ends, so runs do not pile them up in the temp folder.
# A worker process spawned by a test (as on Windows) imports this module again and inherits the
# folder: it keeps it (made anew, it was left behind, the worker being stopped, not exiting).
_TEST_CACHE = os.path.join(tempfile.gettempdir(), "docgen-test-cache-")
if not os.environ.get("DOCGEN_CACHE", "").startswith(_TEST_CACHE):
    os.environ["DOCGEN_CACHE"] = tempfile.mkdtemp(prefix="docgen-test-cache-")
    atexit.register(shutil.rmtree, os.environ["DOCGEN_CACHE"], ignore_errors=True)
SAMPLE = ROOT / "data" / "cohort.xlsx"
SEEDS = ROOT / "tests" / "files"  # the paper forms' text, kept with the tests
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TODAY = dt.date(2026, 11, 23)  # the day the tests generate and read on

Rows = dict[str, list[dict[str, object]]]


def dead_pid() -> int:
    """Return the number of a process that has ended (as a killed run's is)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def small_rows() -> Rows:
    """Return a small valid cohort: two teams (one with hostile characters), sessions, a pair."""
    return {
        "Teams": [
            {"team_id": "T1", "team_name": "Ward 7 Falls", "organisation": "NHS Lothian",
             "team_members": "Áine Ní Bhriain; Łukasz Wójcik", "coach": "Dr Jo Bloggs",
             "coach_email": "jo.bloggs@nhs.scot", "first_session": dt.date(2026, 4, 3)},
            {"team_id": "T2", "team_name": "A & B <Ltd> \"quoted\" 🚀",
             "organisation": "Health & Social Care", "team_members": "Élodie Lefèvre\nZoë Smith",
             "coach": "Sam Coach; Alex Second", "venue": "Room 1\x0c"},
        ],
        "Sessions": [
            {"team_id": "T1", "date": dt.date(2026, 4, 3), "start_time": dt.time(14, 0),
             "finish_time": dt.time(15, 30), "coach": "Dr Jo Bloggs", "mode": "Face to face",
             "topic": "Driver diagram", "issues_arising": "Data\x07 gaps",
             "action": "Collect baseline", "date_of_next_meeting": dt.date(2026, 5, 1)},
            {"team_id": "T1", "date": "01/05/2026", "mode": "Email", "topic": "PDSA plan"},
        ],
        "Mentoring": [
            {"qi_practitioner": "Zofia Dąbrowska", "practitioner_organisation": "NHS Borders",
             "mentor": "François Béranger", "mentor_organisation": "NHS Lothian",
             "meet_every_weeks": 2, "time": "Tuesdays 12:30", "location": "Library",
             "adequate_notice": "48 hours"},
        ],
    }


@pytest.fixture
def make_cohort(tmp_path: Path) -> Callable[..., Path]:
    """Return a function writing a cohort workbook from rows (default: :func:`small_rows`)."""

    def make(rows: Rows | None = None, name: str = "cohort.xlsx") -> Path:
        path = tmp_path / name
        write_cohort_workbook(path, small_rows() if rows is None else rows)
        return path

    return make


@pytest.fixture
def out(tmp_path: Path, make_cohort: Callable[..., Path]) -> Path:
    """Return the output folder of `docgen generate` run on the small cohort on TODAY."""
    from docgen import jobs

    outdir = tmp_path / "out"
    jobs.generate(make_cohort(), outdir, today=TODAY)
    return outdir


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """Return a copy of the shipped sample cohort."""
    dest = tmp_path / "cohort.xlsx"
    shutil.copyfile(SAMPLE, dest)
    return dest


def document_root(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def paragraph_texts(path: Path) -> list[str]:
    """Return the text of every paragraph, content controls included (python-docx omits them)."""
    out = []
    for p in document_root(path).iter(f"{W}p"):
        parts = []
        for el in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
            parts.append(el.text or "" if el.tag == f"{W}t" else
                         ("\n" if el.tag == f"{W}br" else " "))
        out.append("".join(parts))
    return out


def full_text(path: Path) -> str:
    return "\n".join(paragraph_texts(path))


def controls(path: Path) -> list[tuple[str, str, bool]]:
    """Return (tag, text, showing placeholder) for every content control in document order."""
    out = []
    for sdt in document_root(path).iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag")
        text = "".join(t.text or "" for t in sdt.iter(f"{W}t"))
        showing = sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
        out.append((tag.get(f"{W}val") if tag is not None else "", text, showing))
    return out


def edited_contract_template(tmp_path: Path, edit: Callable[[bytes], bytes]) -> Path:
    """Return a templates folder in ``tmp_path``: docgen's own, the contract's
    ``word/document.xml`` changed by ``edit`` (as an admin rewords a template)."""
    folder = tmp_path / "templates"
    shutil.copytree(Path(__file__).parents[1] / "templates", folder)
    path = folder / "coaching_contract.docx"
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts["word/document.xml"] = edit(parts["word/document.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return folder


def custom_properties(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("docProps/custom.xml"))
    return {p.get("name"): "".join(p.itertext()) for p in root}


def docxtpl_parts(template: Path, context: dict[str, object]) -> dict[str, bytes]:
    """Render ``template`` as a user would with docxtpl (sandboxed, escaped) and return its
    parts, placeholders shown in empty controls: what docgen's output is compared with."""
    import io
    import zipfile

    from docxtpl import DocxTemplate

    from docgen.documents.render import make_environment
    from docgen.ooxml import fill_placeholders
    from docgen.schema import PLACEHOLDERS

    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_env=make_environment(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    with zipfile.ZipFile(buf) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/document.xml"] = fill_placeholders(parts["word/document.xml"], PLACEHOLDERS)
    return parts


def saved_by_libreoffice(source: Path, fmt: str) -> Path:
    """Return ``source`` saved by LibreOffice as ``fmt`` (xls, ods), in a folder beside it
    named after the format, as an admin's own copy in that format would be."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(source.parent / fmt), str(source)],
                       check=True, capture_output=True, timeout=300)
    return source.parent / fmt / f"{source.stem}.{fmt}"


# --- odd values, as admins type them, for property tests ---------------------------------------

_ODD_WORDS = st.sampled_from([
    "", " ", "jo@[", "jo@nhs", "a@b.c", "=1+1", "@SUM(A1)", "31/02/2026", "29/02/2025",
    "Mon 10/02/2026", "10/02", "2026-13-01", "0", "-1", "1e308", "nan", "inf", "½", "1½ hours",
    "90", "25:00", "9.30am", "noon", "T1", "T1 ", "t1", "T\u200b1", "Yes", "no", "?", "—",
    "Every member", "Team lead", "#N/A", "\x00", "\ufeff", "\ue100", "a\tb", "a\nb", "\"",
    "x" * 300,
])
ODD_TEXT = st.one_of(_ODD_WORDS, st.text(max_size=12),
                     st.from_regex(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}", fullmatch=True),
                     st.from_regex(r"\d{1,2}[:.]\d{1,3}\s?(am|pm)?", fullmatch=True))


def csv_cohort(folder: Path, sheet: Sheet, headers: list[str], rows: list[list[object]]
               ) -> None:
    """Write one sheet of a cohort folder as the CSV file docgen looks for."""
    with open(folder / sheet.csv_name, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([headers, *rows])


def odd_cohort(folder: Path, data: st.DataObject, cell: st.SearchStrategy[object] = ODD_TEXT,
               write: Callable[[Path, Sheet, list[str], list[list[object]]], None] = csv_cohort
               ) -> None:
    """Draw a cohort whose every cell is odd (each sheet one or two rows; Team IDs often
    "T1") and write each sheet with ``write``."""
    for sheet in SHEETS:
        headers = [c.header for c in sheet.columns]
        if sheet.name == PROGRAMME:
            rows = [[c.header, data.draw(cell)] for c, _default in PROGRAMME_SETTINGS
                    if data.draw(st.booleans())]
        else:
            rows = [[data.draw(st.one_of(st.just("T1"), cell)) if h == "Team ID"
                     else data.draw(cell) for h in headers]
                    for _ in range(data.draw(st.integers(1, 2)))]
        write(folder, sheet, headers, rows)

"""The printed layout: every page names its team (or pair), blank forms carry the known
names, and each coach and team member signs on a row of their own.

The footer is checked in the generated .docx and, where LibreOffice and poppler-utils are
installed, page by page in the PDF LibreOffice prints (``pdftotext -f N -l N``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import TODAY, full_text, small_rows, write_cohort_workbook

from docgen import jobs
from docgen.records.read import read_record

T1_FOOTER = "Contract for coaching · Ward 7 Falls (T1)"
T2_NAME = 'A & B <Ltd> "quoted"'  # the emoji that ends it may print as a missing glyph
PAIR_FOOTER = "QI Practitioner and Mentor agreement · Zofia Dąbrowska and François Béranger"
SIGNATURE_HEADER = ["", "Name", "Signature", "Date"]


def _one(folder: Path, pattern: str) -> Path:
    (path,) = folder.glob(pattern)
    return path


def footer_texts(path: Path) -> list[str]:
    """Return the text of each footer of the document's sections."""
    sections = docx.Document(str(path)).sections
    return [" ".join(p.text for p in s.footer.paragraphs) for s in sections]


def signature_rows(path: Path) -> list[tuple[str, str]]:
    """Return (role, name) of each row of the signature table, under its header."""
    d = docx.Document(str(path))
    (table,) = [t for t in d.tables if [c.text for c in t.rows[0].cells] == SIGNATURE_HEADER]
    rows = [(r.cells[0].text, r.cells[1].text) for r in table.rows[1:]]
    assert all(not r.cells[2].text and not r.cells[3].text for r in table.rows[1:])
    return rows


# --- the footer -------------------------------------------------------------------------------


def test_the_footer_names_the_team_or_the_pair(out: Path) -> None:
    contracts, agreements = out / "contracts", out / "agreements"
    assert [t.split("\t")[0] for t in footer_texts(_one(contracts, "*(T1).docx"))] == [
        T1_FOOTER]
    (t2,) = footer_texts(_one(contracts, "*(T2).docx"))
    assert t2.startswith(f"Contract for coaching · {T2_NAME}") and "(T2)\t" in t2
    assert [t.split("\t")[0] for t in footer_texts(_one(agreements, "*.docx"))] == [
        PAIR_FOOTER]


def test_a_team_without_a_name_is_named_as_its_file_is_in_the_footer(make_cohort,
                                                                     tmp_path: Path) -> None:
    rows = small_rows()
    rows["Teams"][0]["team_name"] = ""
    out = tmp_path / "out"
    jobs.generate(make_cohort(rows), out, today=TODAY, only="contracts")
    path = _one(out / "contracts", "*(T1).docx")
    (footer,) = footer_texts(path)
    assert footer.split("\t")[0] == f"Contract for coaching · {path.stem}" == (
        "Contract for coaching · T1 (T1)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return the PDFs LibreOffice prints of the small cohort's documents, by name."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (CI installs it)")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    base = tmp_path_factory.mktemp("printed")
    write_cohort_workbook(base / "cohort.xlsx", small_rows())
    out = base / "out"
    jobs.generate(base / "cohort.xlsx", out, today=TODAY)
    sources = {"T1": _one(out / "contracts", "*(T1).docx"),
               "T2": _one(out / "contracts", "*(T2).docx"),
               "pair": _one(out / "agreements", "*.docx")}
    pdfs = base / "pdf"
    subprocess.run(["soffice", f"-env:UserInstallation={(base / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(pdfs),
                    *map(str, sources.values())],
                   check=True, capture_output=True, timeout=300)
    return {key: pdfs / (path.stem + ".pdf") for key, path in sources.items()}


def page_texts(pdf: Path) -> list[str]:
    """Return the text of each page of ``pdf``, spacing folded."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
    return [" ".join(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                                    check=True, capture_output=True, text=True).stdout.split())
            for n in range(1, pages + 1)]


@pytest.mark.parametrize(("key", "names"), [
    ("T1", [T1_FOOTER]),
    ("T2", ["Contract for coaching · " + T2_NAME, "(T2)"]),
    ("pair", [PAIR_FOOTER]),
])
def test_every_printed_page_names_its_team_or_pair(printed: dict[str, Path], key: str,
                                                   names: list[str]) -> None:
    pages = page_texts(printed[key])
    assert len(pages) >= 2  # the contract: its terms, a form, the table; the agreement: CLEAR
    for n, text in enumerate(pages, start=1):
        for name in names:
            assert name in text, (n, text[-200:])
        assert f"Page {n} of {len(pages)}" in text, (n, text[-200:])


def test_each_printed_record_of_coaching_page_names_its_team(printed: dict[str, Path]) -> None:
    forms = [t for t in page_texts(printed["T1"]) if "Record of Coaching" in t]
    assert len(forms) == 2  # one form a page, one per planned session
    assert all(T1_FOOTER in t for t in forms)


# --- blank forms ------------------------------------------------------------------------------


def test_a_blank_form_carries_the_known_coaches_and_members_and_reads_as_no_session(
        out: Path) -> None:
    path = _one(out / "contracts", "*(T2).docx")
    text = full_text(path)
    assert "Coach/s: Sam Coach; Alex Second" in text
    assert "Team members:\nÉlodie Lefèvre; Zoë Smith" in text  # written below its label
    assert "Type the coach's name" not in text
    record = read_record(path, path.parent)
    assert record.sessions == ()  # names alone are no session: nothing to count or to name
    assert record.members == ("Élodie Lefèvre", "Zoë Smith")


# --- signatures -------------------------------------------------------------------------------


def test_one_signature_row_per_coach_and_per_team_member(out: Path) -> None:
    assert signature_rows(_one(out / "contracts", "*(T2).docx")) == [
        ("Coach", "Sam Coach"), ("Coach", "Alex Second"),
        ("Team member", "Élodie Lefèvre"), ("Team member", "Zoë Smith")]
    assert signature_rows(_one(out / "contracts", "*(T1).docx")) == [
        ("Coach", "Dr Jo Bloggs"), ("Team member", "Áine Ní Bhriain"),
        ("Team member", "Łukasz Wójcik")]


def test_a_team_without_names_still_has_a_row_for_each_side(make_cohort,
                                                           tmp_path: Path) -> None:
    rows = small_rows()
    rows["Teams"][1].update(coach="", team_members="")
    out = tmp_path / "out"
    jobs.generate(make_cohort(rows), out, today=TODAY, only="contracts")
    assert signature_rows(_one(out / "contracts", "*(T2).docx")) == [
        ("Coach", ""), ("Team member", "")]


def test_the_agreement_has_a_row_for_each_of_the_pair(out: Path) -> None:
    assert signature_rows(_one(out / "agreements", "*.docx")) == [
        ("QI Practitioner", "Zofia Dąbrowska"), ("Mentor", "François Béranger")]

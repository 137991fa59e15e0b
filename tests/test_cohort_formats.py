"""Every workbook format an admin has (.xlsx, .xlsm, .xls, .ods), read alike and within bounds.

The .xls and .ods files are made by LibreOffice from .xlsx fixtures, as an admin's would be;
those tests are skipped where LibreOffice is not installed. Hostile files are made by editing
the XML or the records of real ones.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, small_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.table import Table

from docgen import jobs
from docgen.cohort import read_cohort
from docgen.cohort.starter import write_cohort_workbook
from docgen.cohort.tables import STALE_FORMULAS
from docgen.errors import DocgenError

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
ERRORS = {"D2": "#N/A", "C3": "#DIV/0!"}


def with_error_cells(path: Path, sheet_part: str, cells: dict[str, str]) -> None:
    """Rewrite cells of a saved workbook as Excel stores a failed formula: ``t="e"``."""
    edit_part(path, sheet_part, lambda xml: _errors(xml, cells))


def _errors(xml: str, cells: dict[str, str]) -> str:
    formulas = {"#N/A": "NA()", "#DIV/0!": "1/0"}  # as LibreOffice calculates them again
    for ref, error in cells.items():
        xml, n = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)',
                         f'<c r="{ref}" t="e"><f>{formulas[error]}</f><v>{error}</v></c>', xml)
        assert n == 1, ref
    return xml


def edit_part(path: Path, part: str, edit) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts[part] = edit(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def errors_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Review after sessions", "Coach email", "Coach",
               "Team members"])
    ws.append(["T1", "Ward 7", 4, "placeholder", "Jo", "Ann"])
    ws.append(["T2", "Ward 8", "placeholder", "jo@nhs.scot", "Jo", "Ann"])
    ws.append(["T3", "Ward 9", 2, "jo@nhs.scot", "Jo", "Ann"])
    wb.save(path)
    with_error_cells(path, "xl/worksheets/sheet1.xml", ERRORS)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small cohort and a workbook with failed formulas, as .xlsx, .xls and .ods."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("formats")
    write_cohort_workbook(folder / "cohort.xlsx", small_rows())
    errors_workbook(folder / "errors.xlsx")
    sources = [str(folder / "cohort.xlsx"), str(folder / "errors.xlsx")]
    for fmt in ("xls", "ods"):
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", fmt, "--outdir", str(folder), *sources],
                           check=True, capture_output=True, timeout=300)
    made: dict[str, Path] = {}
    for path in list(folder.iterdir()):  # each alone: no copy in another format beside it
        alone = folder / path.suffix[1:]
        alone.mkdir(exist_ok=True)
        made[path.name] = path.rename(alone / path.name)
    return made


def rows_of(path: Path) -> tuple[list[object], list[tuple[int | None, str | None, str]]]:
    warnings: list = []
    cohort, problems = read_cohort(path, warnings)
    read = [list(cohort.teams), list(cohort.sessions), list(cohort.pairs),
            cohort.programme, cohort.extra_fields]
    return read, [(p.row, p.column, p.message) for p in problems + warnings]


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_read_as_the_xlsx_does(converted: dict[str, Path], fmt: str) -> None:
    xlsx, xlsx_notes = rows_of(converted["cohort.xlsx"])
    other, notes = rows_of(converted[f"cohort.{fmt}"])
    assert (other, notes) == (xlsx, xlsx_notes) and notes == []
    assert [t.team_name for t in other[0]] == ["Ward 7 Falls", 'A & B <Ltd> "quoted" 🚀']


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_failed_formula_is_reported_in_every_format(converted: dict[str, Path],
                                                      fmt: str) -> None:
    (teams, *_rest), notes = rows_of(converted[f"errors.{fmt}"])
    assert notes == [
        (2, "Coach email", "the cell shows the error #N/A (its formula failed): correct the "
                           "formula or type the value"),
        (3, "Review after sessions", "the cell shows the error #DIV/0! (its formula failed): "
                                     "correct the formula or type the value"),
    ]
    assert [t.team_id for t in teams] == ["T3"]


def test_a_copy_saved_in_another_format_after_the_workbook_is_named(
        converted: dict[str, Path], tmp_path: Path) -> None:
    """LibreOffice's "Use ODF Format!" saves the edited cohort as cohort.ods beside the
    cohort.xlsx that docgen is given: its edits are not read, and the warning says so."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    for name in ("cohort.xlsx", "cohort.ods"):
        shutil.copy2(converted[name], folder / name)
    (folder / "cohort.ods").touch()  # saved after the workbook docgen is given
    _read, notes = rows_of(folder / "cohort.xlsx")
    assert notes == [(None, None, "cohort.ods beside it was saved after it, and is not read: "
                                  "if the cohort was edited there, give that file instead, "
                                  "or save it as cohort.xlsx")]
    assert rows_of(folder / "cohort.ods")[1] == []  # the newer one, given: nothing to say
    checked = jobs.check(folder / "cohort.xlsx")
    assert [w.file for w in checked.warnings] == [str(folder / "cohort.xlsx")]


@pytest.mark.parametrize("calc", ['calcMode="manual" calcOnSave="0"', 'calcMode="manual"', ""])
def test_formulas_of_a_workbook_calculated_by_hand_and_not_on_saving_are_named(
        tmp_path: Path, calc: str) -> None:
    """Excel set to calculate by hand, with "Recalculate before saving" unticked, saves each
    formula's last result: one from before its inputs changed reads as if it were current."""
    path = tmp_path / "cohort.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Coach", "Team members", "Venue"])
    ws.append(["T1", "Ward 7", "Jo", "Ann", "Room 2"])
    wb.save(path)
    edit_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        r'<c r="E2"[^>]*?(/>|>.*?</c>)',
        '<c r="E2" t="str"><f>"Room "&amp;Sheet2!A1</f><v>Room 2</v></c>', xml))
    edit_part(path, "xl/workbook.xml", lambda xml: re.sub(  # as Excel writes it
        r"<calcPr [^>]*/>", f'<calcPr calcId="191029" {calc}/>', xml))
    _read, notes = rows_of(path)
    stale = calc == 'calcMode="manual" calcOnSave="0"'  # manual alone recalculates on saving
    assert notes == ([(None, None, STALE_FORMULAS)] if stale else [])
    assert _read[0][0].venue == "Room 2"  # read, as the file holds it


def test_an_xlsm_workbook_is_read(tmp_path: Path, make_cohort) -> None:
    path = make_cohort(name="cohort.xlsm")
    cohort, problems = read_cohort(path)
    assert problems == [] and len(cohort.teams) == 2


# --- memory is bounded by the cells a sheet holds ---------------------------------------------

BOUNDED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB: calamine would need more
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from docgen import jobs
from docgen.errors import DocgenError
try:
    problems = jobs.check(Path(sys.argv[1])).problems
except DocgenError as exc:  # an .xls or .ods: calamine reads every sheet on opening
    problems = exc.problems
print("\\n".join(str(p) for p in problems))
"""


def stray_cell(path: Path, cell: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Coach", "Team members"])
    ws.append(["T1", "Ward 7", "Jo", "Ann"])
    ws[cell] = "stray"
    wb.save(path)
    return path


def check_bounded(path: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", BOUNDED, str(path), str(ROOT)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize(("cell", "columns"), [("XFD1048576", 16_384), ("DP1048576", 120)])
def test_a_stray_cell_far_away_is_refused_naming_it(tmp_path: Path, cell: str,
                                                    columns: int) -> None:
    """One cell at XFD1048576 made calamine ask for 512 GiB; at DP1048576, 4 GB and 20 s."""
    path = stray_cell(tmp_path / "cohort.xlsx", cell)
    assert path.stat().st_size < 10_000
    output = check_bounded(path)
    assert output.strip() == (
        f"cohort.xlsx › Teams: a cell at {cell} stretches the sheet to {columns:,} columns by "
        f"1,048,576 rows ({columns * 1_048_576:,} cells) though it holds 9, more than docgen "
        "will read (1,040,000): delete the rows and columns after your data (select them, "
        "right-click, Delete) and save the workbook")


def test_the_far_cell_is_found_however_the_xml_is_written(tmp_path: Path) -> None:
    """Cells without a reference, or with attributes in another order, are placed as calamine
    places them."""
    path = stray_cell(tmp_path / "cohort.xlsx", "B3")
    edit_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        '<row r="3">', '<row r="900000">').replace('<c r="B3" t="inlineStr">',
                                                   '<c t="inlineStr" s="0" r="AB900000">'))
    output = check_bounded(path)
    assert "a cell at AB900000 stretches the sheet to 28 columns by 900,000 rows" in output


def test_a_sheet_within_bounds_is_read_however_large_it_declares_itself(tmp_path: Path) -> None:
    """calamine allocates by the cells, not by the <dimension> a sheet declares."""
    path = stray_cell(tmp_path / "cohort.xlsx", "Z39999")
    edit_part(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml))
    assert check_bounded(path).strip() == ""
    output = check_bounded(stray_cell(tmp_path / "wide.xlsx", "XFD2"))  # 16,384 x 2: small
    assert output.strip() == ""


def minimal_ods(path: Path, rows_xml: str) -> Path:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
               '<office:body><office:spreadsheet><table:table table:name="Teams">'
               f"{rows_xml}</table:table></office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
    return path


def _cell(text: str, extra: str = "") -> str:
    return (f'<table:table-cell office:value-type="string"{extra}><text:p>{text}</text:p>'
            "</table:table-cell>")


def test_repeated_ods_cells_are_counted_as_the_cells_they_stand_for(tmp_path: Path) -> None:
    header = f"<table:table-row>{_cell('Team ID')}{_cell('Team name')}</table:table-row>"
    wide = _cell("x", ' table:number-columns-repeated="16000"')
    hostile = (f'<table:table-row table:number-rows-repeated="1000000">{_cell("T1")}{wide}'
               "</table:table-row>")
    path = minimal_ods(tmp_path / "cohort.ods", header + hostile)
    output = check_bounded(path)
    assert "cells at WQK2 and A1000001 stretch the sheet to 16,001 columns by 1,000,001" in output


def test_an_ods_with_repeated_rows_within_bounds_is_read(tmp_path: Path) -> None:
    header = f"<table:table-row>{_cell('Team ID')}{_cell('Coach')}</table:table-row>"
    row = f'<table:table-row>{_cell("T1")}{_cell("Jo")}</table:table-row>'
    blank = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
             'table:number-columns-repeated="16384"/></table:table-row>')  # as LibreOffice ends
    path = minimal_ods(tmp_path / "cohort.ods", header + row + blank)
    cohort, problems = read_cohort(path)
    assert problems == [] and [t.team_id for t in cohort.teams] == ["T1"]


@needs_soffice
def test_a_far_cell_in_an_xls_is_refused(converted: dict[str, Path], tmp_path: Path) -> None:
    data = bytearray(converted["cohort.xls"].read_bytes())
    at = data.find(b"\xfd\x00\x0a\x00")  # the first LABELSST record: a text cell
    data[at + 4:at + 8] = b"\xff\xff\xff\x00"  # now at row 65536, column 256
    path = tmp_path / "cohort.xls"
    path.write_bytes(bytes(data))
    output = check_bounded(path)
    assert "IV65536 stretch" in output and "delete the rows and columns" in output


@needs_soffice
def test_the_rectangle_an_xls_sheet_declares_is_bounded_too(converted: dict[str, Path],
                                                            tmp_path: Path) -> None:
    """calamine reserves a sheet's DIMENSIONS: a damaged one asked for 1.8 TB and aborted."""
    data = bytearray(converted["cohort.xls"].read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")  # the first DIMENSIONS record
    path = tmp_path / "cohort.xls"
    data[at + 8:at + 12] = (65536).to_bytes(4, "little")  # its last row + 1
    data[at + 14:at + 16] = (256).to_bytes(2, "little")  # its last column + 1
    path.write_bytes(bytes(data))
    assert "IV65536 stretch" in check_bounded(path)
    data[at + 4:at + 8] = (70000).to_bytes(4, "little")  # a first row after the last
    path.write_bytes(bytes(data))
    assert "is damaged (a sheet's DIMENSIONS record is inconsistent)" in check_bounded(path)


DAMAGE = """
import random, sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from docgen.cohort import read_cohort
from docgen.errors import DocgenError
data = Path(sys.argv[1]).read_bytes()
rng = random.Random(int(sys.argv[2]))
path = Path(sys.argv[1]).with_name("damaged" + Path(sys.argv[1]).suffix)
for _ in range(150):
    damaged = bytearray(data)
    damaged[rng.randrange(len(data))] ^= rng.randint(1, 255)
    path.write_bytes(bytes(damaged))
    try:
        read_cohort(path)
    except DocgenError:
        pass
print("ok")
"""


@needs_soffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_damaged_byte_in_an_xls_or_ods_is_a_message(converted: dict[str, Path],
                                                      tmp_path: Path, fmt: str) -> None:
    """In a process of its own: calamine may panic (caught) or abort on a damaged file."""
    source = tmp_path / f"cohort.{fmt}"
    shutil.copyfile(converted[f"cohort.{fmt}"], source)
    proc = subprocess.run([sys.executable, "-c", DAMAGE, str(source), "7", str(ROOT)],
                          capture_output=True, text=True, timeout=300,
                          env={"RUST_BACKTRACE": "0", "PATH": "/usr/bin:/bin"})
    assert proc.stdout.strip() == "ok", proc.stderr[-1500:]


# --- Excel tables, damaged files, other formats -----------------------------------------------


def test_the_totals_row_of_an_excel_table_is_not_a_team(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Teams"
    ws.append(["Team ID", "Team name", "Coach", "Team members", "Review after sessions"])
    ws.append(["T1", "Ward 7", "Jo", "Ann", 4])
    ws.append(["T2", "Ward 8", "Jo", "Ann", 3])
    ws.append(["3", None, None, None, "=SUBTOTAL(109,[Review after sessions])"])  # a count
    ws.add_table(Table(displayName="Teams", ref="A1:E4", totalsRowCount=1))
    path = tmp_path / "cohort.xlsx"
    wb.save(path)
    report = jobs.check(path)
    assert (report.problems, report.warnings) == ([], [])
    assert [t.team_id for t in report.cohort.teams] == ["T1", "T2"]


def test_a_workbook_in_another_format_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsb"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(DocgenError, match=r"give a workbook \(.xlsx, .xlsm, .xls, .ods\)"):
        read_cohort(path)
    xls = tmp_path / "cohort.xls"
    xls.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(DocgenError, match="not an Excel 97-2003 workbook .a zip package: "
                                          "rename it .xlsx"):
        read_cohort(xls)
    xls.write_bytes(b"<html><table><tr><td>Team ID</td></tr></table></html>")
    with pytest.raises(DocgenError, match="perhaps a web page"):
        read_cohort(xls)


def test_a_zip_from_a_newer_zip_program_is_a_message(tmp_path: Path, make_cohort) -> None:
    data = bytearray(make_cohort().read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 6] = 0xEB  # "needs zip version 23.5" in the central directory
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(DocgenError, match="damaged"):
        read_cohort(path)


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("damage") / "cohort.xlsx"
    write_cohort_workbook(path, small_rows())
    return path.read_bytes()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_byte_anywhere_in_the_zip_is_a_message(workbook_bytes: bytes, data) -> None:
    at = data.draw(st.integers(0, len(workbook_bytes) - 1))
    flip = data.draw(st.integers(1, 255))
    damaged = bytearray(workbook_bytes)
    damaged[at] ^= flip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.xlsx"
        path.write_bytes(bytes(damaged))
        try:
            read_cohort(path)
        except DocgenError as exc:
            assert str(exc)

"""Rows, columns and sheets an admin hid (by hand or with a filter), and text struck through,
are read as any other, and named: a team hidden or struck through as "dropped out" still gets
its contract, so the admin must hear of it. Comments on cells are not read, and named.

The .xls and .ods files are made by LibreOffice from the .xlsx, as an admin's would be
(skipped without it); an .ods filter and a long run of hidden rows are written by hand.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import saved_by_libreoffice, small_rows
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Font
from test_cohort_formats import minimal_ods

from docgen.cohort import read_cohort, xlsx
from docgen.cohort.cells import Spans
from docgen.cohort.starter import write_cohort_workbook

SOFFICE = shutil.which("soffice")
HIDDEN = "hidden in the sheet"


def read(path: Path) -> tuple[object, list[tuple[str | None, int | None, str | None, str]]]:
    warnings: list = []
    cohort, problems = read_cohort(path, warnings)
    return cohort, [(p.sheet, p.row, p.column, p.message) for p in problems + warnings]


def five_teams_some_hidden(path: Path) -> Path:
    """Teams T1-T5 (rows 2-6) with T2 and T4 hidden, the Venue column hidden, a hidden
    blank row below them, and a session of T5 hidden on the Sessions sheet."""
    rows = small_rows()
    rows["Teams"] = [{"team_id": f"T{n}", "team_name": f"Team {n}", "coach": "Dr Jo",
                      "team_members": "Ann", "venue": f"Room {n}"} for n in range(1, 6)]
    rows["Sessions"] = [{"team_id": "T1", "date": "01/05/2026", "topic": "Aims"},
                        {"team_id": "T5", "date": "08/05/2026", "topic": "Charts"}]
    write_cohort_workbook(path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["Teams"]
    venue = [c.value for c in ws[1]].index("Venue") + 1
    for row in (3, 5, 9):  # T2, T4, and a blank row (nothing to say of it)
        ws.row_dimensions[row].hidden = True
    ws.column_dimensions[openpyxl.utils.get_column_letter(venue)].hidden = True
    wb["Sessions"].row_dimensions[3].hidden = True
    wb.save(path)
    return path


def assert_hidden_named(path: Path) -> None:
    cohort, notes = read(path)
    assert [t.team_id for t in cohort.teams] == ["T1", "T2", "T3", "T4", "T5"]  # all read
    assert [t.venue for t in cohort.teams] == [f"Room {n}" for n in range(1, 6)]
    assert len(cohort.sessions) == 2
    hidden = sorted((sheet, row, column, m) for sheet, row, column, m in notes if HIDDEN in m)
    assert [(sheet, row, column) for sheet, row, column, _m in hidden] == [
        ("Sessions", 3, None), ("Teams", 1, "Venue"), ("Teams", 3, None)]
    sessions, venue, teams = (m for *_w, m in hidden)
    assert sessions.startswith("row 3 is hidden in the sheet (by hand or by a filter), and read")
    assert teams.startswith("rows 3, 5 are hidden in the sheet (by hand or by a filter), and "
                            "read as any other: docgen does not leave hidden rows out")
    assert "delete a row that should not be read" in teams
    assert venue.startswith("column ") and "Unhide" in venue


def test_hidden_rows_and_columns_are_read_and_named(tmp_path: Path) -> None:
    assert_hidden_named(five_teams_some_hidden(tmp_path / "cohort.xlsx"))


def test_hidden_rows_of_a_sheet_read_in_chunks_are_named_alike(tmp_path: Path,
                                                               monkeypatch) -> None:
    path = five_teams_some_hidden(tmp_path / "cohort.xlsx")
    monkeypatch.setattr(xlsx, "LARGE_SHEET", 0)
    monkeypatch.setattr(xlsx, "CHUNK_BYTES", 300)  # a row or two a chunk
    monkeypatch.setattr(xlsx, "STRINGS_TIMES", 0)
    assert_hidden_named(path)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_hidden_rows_and_columns_are_named_in_xls_and_ods(tmp_path: Path) -> None:
    source = five_teams_some_hidden(tmp_path / "cohort.xlsx")
    for fmt in ("xls", "ods"):
        assert_hidden_named(saved_by_libreoffice(source, fmt))


def test_a_hidden_sheet_docgen_reads_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, small_rows())
    wb = openpyxl.load_workbook(path)
    wb["Mentoring"].sheet_state = "hidden"
    wb.save(path)
    cohort, notes = read(path)
    assert len(cohort.pairs) == 1
    assert [(sheet, m) for sheet, _r, _c, m in notes if "hidden" in m] == [(
        "Mentoring", "the sheet is hidden in the workbook, and is read as any other: unhide it "
        "(right-click a sheet's tab › Unhide) to see what docgen reads")]


def test_rows_filtered_out_in_libreoffice_are_named(tmp_path: Path) -> None:
    header = ("<table:table-row>" + "".join(
        f"<table:table-cell office:value-type=\"string\"><text:p>{h}</text:p></table:table-cell>"
        for h in ("Team ID", "Team name", "Coach")) + "</table:table-row>")

    def team(n: int, visibility: str = "") -> str:
        shown = f' table:visibility="{visibility}"' if visibility else ""
        return (f"<table:table-row{shown}>" + "".join(
            f"<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p>"
            "</table:table-cell>" for v in (f"T{n}", f"Team {n}", "Dr Jo")) + "</table:table-row>")

    # T2 filtered out, T3 shown, then a million hidden blank rows (LibreOffice writes such runs)
    rows = (header + team(1) + team(2, "filter") + team(3) +
            '<table:table-row table:number-rows-repeated="1048000" table:visibility="collapse">'
            "<table:table-cell/></table:table-row>")
    path = minimal_ods(tmp_path / "cohort.ods", rows)
    cohort, notes = read(path)
    assert [t.team_id for t in cohort.teams] == ["T1", "T2", "T3"]
    hidden = [(sheet, row, m) for sheet, row, _c, m in notes if HIDDEN in m]
    assert [(sheet, row) for sheet, row, _m in hidden] == [("Teams", 3)]
    assert hidden[0][2].startswith("row 3 is hidden in the sheet")


def test_a_workbook_hiding_nothing_says_nothing_of_it(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, small_rows())
    with zipfile.ZipFile(path) as zf:
        assert not any(b'hidden="1"' in zf.read(n) for n in zf.namelist()
                       if n.startswith("xl/worksheets/"))
    _cohort, notes = read(path)
    assert not [m for *_w, m in notes if "hidden" in m]


def test_spans_hold_ranges_not_rows() -> None:
    spans = Spans([(10, 1_000_000), (3, 3), (4, 5), (2, 2)])
    assert list(spans) == [(2, 5), (10, 1_000_000)]
    assert [n in spans for n in (1, 2, 5, 6, 9, 10, 999_999, 1_000_000, 1_000_001)] == [
        False, True, True, False, False, True, True, True, False]
    assert not Spans([]) and 1 not in Spans([])


def struck_and_noted(path: Path) -> Path:
    """Teams T1-T4: T2's ID and name struck through (a cell's font), T3's Venue partly struck
    through (a run of its text), a comment on T4's Team name; the starter's own help."""
    rows = small_rows()
    rows["Teams"] = [{"team_id": f"T{n}", "team_name": f"Team {n}", "coach": "Dr Jo",
                      "team_members": "Ann", "venue": f"Room {n}"} for n in range(1, 5)]
    write_cohort_workbook(path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["Teams"]
    venue = [c.value for c in ws[1]].index("Venue") + 1
    ws.cell(3, 1).font = ws.cell(3, 2).font = Font(strike=True)
    ws.cell(4, venue).value = CellRichText(["Room 3 ", TextBlock(InlineFont(strike=True),
                                                                "Room 9")])
    ws.cell(5, 2).comment = Comment("Withdrew 3 March,\nsee email", "Admin")
    wb.save(path)
    return path


def assert_struck_and_noted(path: Path, partly: bool = True) -> None:
    cohort, notes = read(path)
    assert [t.team_id for t in cohort.teams] == ["T1", "T2", "T3", "T4"]  # all read
    said = [(sheet, row, column, m) for sheet, row, column, m in notes
            if "struck" in m or "comment" in m]
    struck = ("Teams", 3, None, "text struck through (Team ID, Team name) is read as any "
              "other: striking a value through does not remove it; delete what should not be "
              "read (the row, if the team or pair has left)")
    venue = ("Teams", 4, None, struck[3].replace("Team ID, Team name", "Venue"))
    comment = ("Teams", 5, "Team name", 'cell B5 has a comment, "Withdrew 3 March, see email", '
               "which docgen does not read: if the documents should say it, type it in a "
               "column (an extra column becomes a field of the templates)")
    assert said == ([struck, venue, comment] if partly else [struck, comment])


def test_text_struck_through_and_comments_are_named(tmp_path: Path) -> None:
    assert_struck_and_noted(struck_and_noted(tmp_path / "cohort.xlsx"))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_text_struck_through_and_comments_are_named_in_xls_and_ods(tmp_path: Path) -> None:
    source = struck_and_noted(tmp_path / "cohort.xlsx")
    for fmt in ("xls", "ods"):
        # an .xls keeps a run's strike-through in its shared strings' runs: not read there
        assert_struck_and_noted(saved_by_libreoffice(source, fmt), partly=fmt == "ods")


def test_a_struck_cell_repeated_over_a_whole_ods_sheet_is_named_within_bounds(
        tmp_path: Path) -> None:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    header = "<table:table-row>" + "".join(cell.format(h) for h in (
        "Team ID", "Team name", "Coach")) + "</table:table-row>"
    struck = ('<table:table-row table:number-rows-repeated="20000"><table:table-cell '
              'table:style-name="ce1" table:number-columns-repeated="3" office:value-type='
              '"string"><text:p>x</text:p></table:table-cell></table:table-row>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
               '<office:automatic-styles><style:style style:name="ce1" style:family='
               '"table-cell"><style:text-properties style:text-line-through-style="solid"/>'
               "</style:style></office:automatic-styles><office:body><office:spreadsheet>"
               f'<table:table table:name="Teams">{header}{struck}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(minimal_ods(tmp_path / "minimal.ods", "")) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["content.xml"] = content.encode()
    path = tmp_path / "cohort.ods"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    _cohort, notes = read(path)
    said = sorted(((row or 0), m) for _s, row, _c, m in notes if "struck through" in m)
    assert [row for row, _m in said] == [0, 2, 3, 4, 5, 6]  # the first five rows, then a count
    # the scan keeps 10,000 cells struck through (3 a row): the count says "at least"
    assert said[0][1] == "at least 3,329 more rows hold text struck through, read as any other"

"""Cells an admin's workbook holds that read otherwise than they look: each arrives as it
looks, or is named with the way out.

Merged ranges, zero counts, dates Excel made of text, dates holding a time, numbers in time
cells, sheets under other names, the Programme sheet laid out otherwise, and the starter's
example row typed over. The .xls and .ods files are made by LibreOffice (skipped without it).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import (
    ODD_TEXT,
    TODAY,
    csv_cohort,
    odd_cohort,
    saved_by_libreoffice,
    small_rows,
)
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.worksheet.merge import MergedCellRange

from docgen import jobs
from docgen.cohort import read_cohort, xlsx
from docgen.cohort.starter import write_cohort_workbook
from docgen.schema import INSTRUCTIONS, Sheet
from docgen.values import names_read_as, parse_names

SOFFICE = shutil.which("soffice")


def read(path: Path) -> tuple[object, list[tuple[str | None, int | None, str | None, str]]]:
    """Return the cohort and its problems and warnings as (sheet, row, column, message)."""
    warnings: list = []
    cohort, problems = read_cohort(path, warnings)
    return cohort, [(p.sheet, p.row, p.column, p.message) for p in problems + warnings]


def three_teams(path: Path) -> Path:
    """Teams T1-T3 with Organisation merged down over all three and Venue merged down over
    T1-T2, and T3's Team name merged across into Organisation (C4 then is the merge's)."""
    rows = small_rows()
    rows["Teams"] = [{"team_id": f"T{n}", "team_name": f"Team {n}", "coach": "Dr Jo",
                      "team_members": "Ann", "organisation": "NHS Fife" if n == 1 else None,
                      "venue": "Room 7" if n == 1 else None} for n in (1, 2, 3)]
    rows["Sessions"] = []
    write_cohort_workbook(path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["Teams"]
    headers = [c.value for c in ws[1]]
    org = headers.index("Organisation") + 1
    venue = headers.index("Venue") + 1
    letter = openpyxl.utils.get_column_letter
    ws.merge_cells(f"{letter(org)}2:{letter(org)}3")
    ws.merge_cells(f"{letter(venue)}2:{letter(venue)}3")
    wb.save(path)
    return path


def assert_merges_read(path: Path) -> None:
    cohort, notes = read(path)
    assert [(t.team_id, t.organisation, t.venue) for t in cohort.teams] == [
        ("T1", "NHS Fife", "Room 7"), ("T2", "NHS Fife", "Room 7"), ("T3", "", "TBC")]
    merged = sorted(n for n in notes if "merged" in n[3])
    assert [(sheet, row, column) for sheet, row, column, _m in merged] == [
        ("Teams", 2, "Organisation"), ("Teams", 2, "Venue")]
    assert all("its value is read on each of rows 2 to 3" in m for *_w, m in merged)


def test_a_range_merged_down_is_read_on_every_row_it_spans_and_said(tmp_path: Path) -> None:
    assert_merges_read(three_teams(tmp_path / "cohort.xlsx"))


def test_a_range_merged_across_columns_says_which_column_reads_it(tmp_path: Path) -> None:
    path = three_teams(tmp_path / "cohort.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Teams"]
    ws.merge_cells("B4:C4")  # Team name over Organisation, on T3's row
    wb.save(path)
    cohort, notes = read(path)
    assert cohort.teams[2].team_name == "Team 3" and cohort.teams[2].organisation == ""
    (across,) = [m for _s, row, _c, m in notes if row == 4]
    assert 'read as "Team name" only, and "Organisation" as empty' in across


def test_merged_ranges_of_a_sheet_read_in_chunks_are_read_alike(tmp_path: Path,
                                                                monkeypatch) -> None:
    path = three_teams(tmp_path / "cohort.xlsx")
    monkeypatch.setattr(xlsx, "LARGE_SHEET", 0)
    monkeypatch.setattr(xlsx, "CHUNK_BYTES", 300)  # a row or two a chunk
    monkeypatch.setattr(xlsx, "STRINGS_TIMES", 0)
    assert_merges_read(path)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_merged_ranges_read_alike_in_xls_and_ods(tmp_path: Path) -> None:
    source = three_teams(tmp_path / "cohort.xlsx")
    for fmt in ("xls", "ods"):
        assert_merges_read(saved_by_libreoffice(source, fmt))


def merged_over_values(path: Path) -> Path:
    """Three teams, each with its own Organisation and Venue, then Organisation merged down
    over T1-T2 and T3's Team name across into Organisation, LibreOffice's way when asked to
    "Keep the contents of the hidden cells": T2's and T3's values stay in the file, hidden."""
    rows = small_rows()
    rows["Teams"] = [{"team_id": f"T{n}", "team_name": f"Team {n}", "coach": "Dr Jo",
                      "team_members": "Ann", "organisation": f"NHS Board {n}",
                      "venue": f"Room {n}"} for n in (1, 2, 3)]
    rows["Sessions"] = []
    write_cohort_workbook(path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["Teams"]
    org = [c.value for c in ws[1]].index("Organisation") + 1
    letter = openpyxl.utils.get_column_letter(org)
    for ref in (f"{letter}2:{letter}3", f"B4:{letter}4"):
        # added as a range only: openpyxl's merge_cells would empty the hidden cells
        ws.merged_cells.add(MergedCellRange(ws, ref))
    wb.save(path)
    return path


def assert_hidden_under_merges_named(path: Path) -> None:
    cohort, notes = read(path)
    assert [(t.team_id, t.team_name, t.organisation) for t in cohort.teams] == [
        ("T1", "Team 1", "NHS Board 1"), ("T2", "Team 2", "NHS Board 1"), ("T3", "Team 3", "")]
    hidden = [(row, column, m) for _s, row, column, m in notes if "hidden under" in m]
    assert [(row, column) for row, column, _m in hidden] == [
        (3, "Organisation"), (4, "Organisation")]
    assert '"NHS Board 2", hidden under the merged cells' in hidden[0][2]
    assert "the sheet shows the range's value there" in hidden[0][2]
    assert '"NHS Board 3", hidden under the merged cells B4:' in hidden[1][2]
    assert "the sheet shows nothing there" in hidden[1][2]


def test_a_value_hidden_under_a_merged_range_is_named_not_read_unseen(tmp_path: Path) -> None:
    """T2's contract said "NHS Board 2", which the sheet hid under the merged "NHS Board 1",
    while the warning said the merged value was read on T2's row."""
    assert_hidden_under_merges_named(merged_over_values(tmp_path / "cohort.xlsx"))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_values_hidden_under_merged_ranges_are_named_in_xls_and_ods(tmp_path: Path) -> None:
    source = merged_over_values(tmp_path / "cohort.xlsx")
    for fmt in ("xls", "ods"):
        assert_hidden_under_merges_named(saved_by_libreoffice(source, fmt))


def test_a_count_of_zero_is_refused_not_shown_blank(tmp_path: Path) -> None:
    rows = small_rows()
    rows["Teams"][0]["review_after_sessions"] = 0
    rows["Mentoring"][0]["meet_every_weeks"] = 0
    rows["Programme"] = [{"review_after_sessions": 0, "course_months": 0,
                          "minimum_coaching_hours": 0}]
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, rows)
    _cohort, notes = read(path)
    counts = sorted((sheet, column) for sheet, _r, column, m in notes if "not a count" in m)
    assert counts == [("Mentoring", "Meet every (weeks)"), ("Programme", "Value"),
                      ("Programme", "Value"), ("Teams", "Review after sessions")]


def test_cells_excel_made_dates_of_or_numbers_of_are_named(tmp_path: Path) -> None:
    rows = small_rows()
    rows["Teams"][0]["team_id"] = dt.datetime(2026, 2, 1)  # "1-2", as Excel keeps it
    rows["Sessions"] = [
        {"team_id": "T2", "date": dt.datetime(2026, 3, 2, 14, 30), "topic": "time in date"},
        {"team_id": "T2", "date": dt.date(2026, 3, 9)},
        {"team_id": "T2", "date": dt.date(2026, 3, 16)},
        {"team_id": "T2", "date": 3.4, "topic": "a number in a date cell"},
    ]
    rows["Programme"] = [{"cohort": dt.datetime(2026, 9, 1)}]  # "Sep-26"
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, rows)
    wb = openpyxl.load_workbook(path)
    ws = wb["Sessions"]
    headers = [c.value for c in ws[1]]
    for row, start, finish in ((3, 2, 3), (4, 14, 15)):  # numbers in General cells
        for header, value in (("Start time", start), ("Finish time", finish)):
            cell = ws.cell(row, headers.index(header) + 1, value)
            cell.number_format = "General"
    wb.save(path)
    cohort, notes = read(path)
    by_place = {(sheet, row, column): message for sheet, row, column, message in notes}
    assert 'read as "1 February 2026"' in by_place["Teams", 2, "Team ID"]
    assert 'read as "1 September 2026"' in by_place["Programme", 3, "Value"]
    assert "holds a time of day too (14:30)" in by_place["Sessions", 2, "Date"]
    assert "the number 2 is read as 02:00" in by_place["Sessions", 3, "Start time"]
    assert "the number 3 is read as 03:00" in by_place["Sessions", 3, "Finish time"]
    assert ("Sessions", 4, "Start time") not in by_place  # 14 is 14:00, plainly
    assert "January 1900 is not a date of the programme" in by_place["Sessions", 5, "Date"]
    assert len(cohort.sessions) == 3  # the 1900 one is left out, named


def test_a_sheet_holding_a_known_sheets_columns_under_another_name_is_named(
        tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, small_rows())
    wb = openpyxl.load_workbook(path)
    wb["Sessions"].title = "Meetings"
    wb.create_sheet("Notes")["A1"] = "free text, no table"
    wb.save(path)
    _cohort, notes = read(path)
    (said,) = [n for n in notes if n[0] == "Meetings"]
    assert 'has the Sessions sheet\'s columns' in said[3] and 'rename it "Sessions"' in said[3]
    assert not [n for n in notes if n[0] in ("Notes", INSTRUCTIONS)]


def test_the_programme_sheet_without_a_value_column_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, small_rows())
    wb = openpyxl.load_workbook(path)
    ws = wb["Programme"]
    ws["B1"] = "Default"
    wb.save(path)
    _cohort, notes = read(path)
    assert ("Programme", 1, "Value", "the required column 'Value' is missing") in notes


def test_programme_values_outside_setting_and_value_are_named(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, small_rows())
    wb = openpyxl.load_workbook(path)
    ws = wb["Programme"]
    ws["C1"] = "Notes"
    ws["C2"] = "agreed with finance"
    ws.append([None, "2-4 Waterloo Place"])
    wb.save(path)
    cohort, notes = read(path)
    assert 'the column "Notes" is not read' in next(m for s, r, c, m in notes if c == "Notes")
    assert any('"2-4 Waterloo Place" has no setting beside it' in m for *_w, m in notes)
    assert "notes" not in cohort.extra_fields


def test_the_example_row_typed_over_is_named_the_starters_own_is_not(tmp_path: Path) -> None:
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, small_rows())
    wb = openpyxl.load_workbook(path)
    ws = wb["Teams"]
    ws.insert_rows(2)
    for cell, value in zip(ws[2], ["e.g. T01", "Reducing falls on Ward 7", "NHS Lothian"],
                           strict=False):
        cell.value = value  # the starter's own example, as written: silently not a team
    ws.insert_rows(3)
    for cell, value in zip(ws[3], ["e.g. T01", "Sepsis bundle", "NHS Fife"], strict=False):
        cell.value = value  # the example typed over, its mark left in
    wb.save(path)
    cohort, notes = read(path)
    example = [(row, m) for sheet, row, _c, m in notes if "example" in m]
    assert [row for row, _m in example] == [3]
    assert '"Team name", "Organisation" hold other values' in example[0][1]
    assert [t.team_id for t in cohort.teams] == ["T1", "T2"]


def test_a_column_no_document_shows_is_named_by_generate(tmp_path: Path) -> None:
    """"Ward" resembles no column: check keeps it as a field; generate, whose templates do
    not use it, says its values reach no document. A session's own extra column is never
    shown, so check names it at once, with the column it likely means."""
    rows = small_rows()
    rows["Teams"][0]["ward"] = "Ward 7"
    rows["Sessions"][0]["notes"] = "ran over time"
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, rows)
    cohort, notes = read(path)
    (session_note,) = [m for sheet, _r, column, m in notes if column == "notes"]
    assert "not read" in session_note and "Comments" in session_note
    assert "notes" not in cohort.extra_fields and "ward" in cohort.extra_fields
    report = jobs.generate(path, tmp_path / "out", today=TODAY)
    (ward,) = [p for p in report.warnings if p.column == "ward"]
    assert ward.sheet == "Teams" and "coaching_contract.docx does not use the field" in (
        ward.message)


def test_a_pair_on_two_rows_is_a_problem(tmp_path: Path) -> None:
    """One agreement per pair, with one document id: a second row of the same pair (however
    its names are spaced or cased) would be a second agreement the log cannot tell apart."""
    rows = small_rows()
    again = dict(rows["Mentoring"][0], qi_practitioner="zofia  DĄBROWSKA", time="Fridays")
    rows["Mentoring"].append(again)
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, rows)
    cohort, notes = read(path)
    assert [(s, r, c) for s, r, c, m in notes if "already a pair on row 2" in m] == [
        ("Mentoring", 3, "Mentor")]
    assert len(cohort.pairs) == 1


def test_names_read_as_one_person_or_as_one_name_are_said(tmp_path: Path) -> None:
    rows = small_rows()
    rows["Teams"][0]["team_members"] = "Seán Kelly; Sean Kelly; Ann One, Bob Two"
    rows["Teams"][0]["coach"] = "Cara Coach; Dr Cara Coach"
    path = tmp_path / "cohort.xlsx"
    write_cohort_workbook(path, rows)
    cohort, notes = read(path)
    said = [(column, m) for _s, row, column, m in notes if row == 2]
    assert said == [
        ("Team members", '"Sean Kelly" is read as the same person as "Seán Kelly" (one '
                         "signature row): if they are two people, tell them apart, e.g. by an "
                         "initial"),
        ("Team members", '"Ann One, Bob Two" is read as one name: separate names with ";" or '
                         "a new line in the cell"),
        ("Coach", '"Dr Cara Coach" is read as the same person as "Cara Coach" (one signature '
                  "row): if they are two people, tell them apart, e.g. by an initial")]
    assert cohort.teams[0].members == ("Seán Kelly", "Ann One, Bob Two")


NAME = st.sampled_from(["Seán Kelly", "Sean Kelly", "Dr Jo Reid", "Jo Reid", "Ann", "ann",
                        "Smith, John", "Mary O'Neill", "Mary ONeill", " ", "Zoë Smith"])


@given(st.lists(NAME, max_size=6), st.sampled_from(["; ", "\n", ";"]))
def test_every_name_a_cell_loses_is_said(names: list[str], separator: str) -> None:
    """parse_names keeps one spelling of each person: every other is named, none silently."""
    cell = separator.join(names)
    listed = [n for n in (" ".join(p.split()) for p in cell.replace(";", "\n").split("\n")) if n]
    dropped = [n for n in names_read_as(cell) if "is read as the same person" in n
               or "listed twice" in n]
    assert len(dropped) == len(listed) - len(parse_names(cell))


def booleans(path: Path) -> Path:
    """TRUE and FALSE cells in text, names and extra columns, and in the Yes/No setting."""
    rows = small_rows()
    rows["Teams"][0].update(organisation=True, team_members=False, ward=True)
    rows["Programme"] = [{"cohort": False, "coaching_paid": False}]
    write_cohort_workbook(path, rows)
    return path


def assert_booleans_read(path: Path) -> None:
    cohort, notes = read(path)
    assert notes == []
    team = cohort.teams[0]
    assert (team.organisation, team.members, team.extra["ward"]) == ("TRUE", ("FALSE",), "TRUE")
    assert cohort.programme.get("cohort") == "FALSE"
    assert cohort.programme.get("coaching_paid") == "No" and not cohort.programme.coaching_paid


def test_a_true_or_false_cell_reads_as_the_spreadsheet_shows_it(tmp_path: Path) -> None:
    assert_booleans_read(booleans(tmp_path / "cohort.xlsx"))



@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_true_and_false_read_alike_in_xls_and_ods(tmp_path: Path, fmt: str) -> None:
    assert_booleans_read(saved_by_libreoffice(booleans(tmp_path / "cohort.xlsx"), fmt))


# --- any value in any cell: a cohort read, or its problems named; never a traceback ----------

# What an .xlsx cell can hold besides text: numbers, dates, times, true/false.
_TYPED = st.one_of(
    st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
    st.dates(dt.date(1900, 3, 1)), st.times(), st.booleans())


@given(fmt=st.sampled_from(["csv", "xlsx"]), data=st.data())
def test_any_value_in_any_cell_is_read_or_named_never_a_traceback(
        tmp_path_factory, fmt: str, data: st.DataObject) -> None:
    """Each sheet of one or two rows whose every cell is odd text (and, in a workbook, odd
    numbers, dates, times or true/false): reading the cohort and planning every document
    from it gives a cohort or problems, nothing else. ("jo@[" in a Coach email cell once
    stopped the whole read with an AttributeError.)"""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from docgen.context import agreement_plan, contract_plan
    from docgen.errors import DocgenError

    folder = tmp_path_factory.mktemp("cohort")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)

    def to_sheet(_folder: Path, sheet: Sheet, headers: list[str], rows: list[list[object]]
                 ) -> None:
        ws = wb.create_sheet(sheet.name)
        for row in [headers, *rows]:  # control characters an .xlsx cannot hold (nor Excel)
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                       for v in row])

    odd_cohort(folder, data, st.one_of(ODD_TEXT, _TYPED) if fmt == "xlsx" else ODD_TEXT,
               csv_cohort if fmt == "csv" else to_sheet)
    path = folder if fmt == "csv" else folder / "cohort.xlsx"
    if fmt == "xlsx":
        wb.save(path)
    warnings: list = []
    try:
        cohort, _problems = read_cohort(path, warnings)
    except DocgenError as exc:
        assert exc.problems
        return
    for team in cohort.teams:
        contract_plan(cohort, team, TODAY)
    for pair in cohort.pairs:
        agreement_plan(cohort, pair, TODAY)

"""A cohort typed into LibreOffice Calc (or Excel), cell by cell: what the spreadsheet made of
what was typed, as it saves it, and what docgen says of it.

A spreadsheet recognises what is typed: ``007`` becomes the number 7, ``03/04/2026`` a date
(month first where the spreadsheet's language is English (USA), so 4 March), ``13/04/2026``
there stays text, ``10.30`` becomes the number 10.3 (shown as 07:12 in a time-formatted
cell). These workbooks hold what Calc saves for such typing (found by typing into a real
Calc over UNO: see test_calc_typing_in_libreoffice.py); each misreading must be named, with
its sheet, row and column, and an ordinary workbook must stay quiet.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from array import array
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from test_cohort_formats import minimal_ods
from test_cohort_warnings import TEAM_HEADER, notes, workbook

from docgen.cohort.cells import month_first_format
from docgen.cohort.read import read_cohort
from docgen.cohort.rows import _rows_said, days_in_time_cell

SESSION_HEADER = ["Team ID", "Date", "Start time", "Finish time"]


def _formatted(path: Path, formats: dict[tuple[str, str], str]) -> Path:
    """Give the cells (sheet, cell name) of the workbook at ``path`` number formats, as the
    starter workbook's date and time columns have them."""
    wb = openpyxl.load_workbook(path)
    for (sheet, cell), number_format in formats.items():
        wb[sheet][cell].number_format = number_format
    wb.save(path)
    return path


# Team IDs typed as digits: a number, its leading zeros gone

def test_team_ids_a_spreadsheet_made_numbers_are_named_once_a_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, [7, "Falls", "Jo", "Ann"], ["T02", "Sepsis", "Jo", "Raj"],
                  [12, "Flow", "Jo", "Bea"]],
        "Sessions": [SESSION_HEADER, [7, "03/04/2026", "14:00", "15:00"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        'cohort.xlsx › Teams › row 2 › Team ID: 2 Team IDs are numbers, not text: row 2 "7", '
        f'row 4 "12"; {NUMBERED}',
        'cohort.xlsx › Sessions › row 2 › Team ID: 1 Team ID is a number, not text: row 2 '
        f'"7"; {NUMBERED}']


NUMBERED = (
    'a spreadsheet makes a number of an ID typed as digits ("1,234" too, and "(12)" is -12), '
    'and drops its leading zeros ("007" becomes 7) and the last zeros of a decimal ("10.10" '
    "becomes 10.1), so an ID typed with them reads without them; if so, format the column as "
    "Text (Format › Cells › Text) and type those IDs again, or type each starting with an "
    "apostrophe ('007)")


def test_many_team_ids_held_as_numbers_are_named_by_every_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, *([n, f"Falls {n}", "Jo", "Ann"] for n in range(1, 8)),
                  ["T08", "Flow", "Jo", "Raj"], [9, "Sepsis", "Jo", "Bea"]]})
    (warning,) = notes(path)[1]
    assert warning.startswith(
        'cohort.xlsx › Teams › row 2 › Team ID: 8 Team IDs are numbers, not text (rows 2–8 '
        'and 10): row 2 "1", row 3 "2", row 4 "3", row 5 "4", row 6 "5" (and 3 more); ')


def test_team_ids_typed_as_text_keep_their_zeros_quietly(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["007", "Falls", "Jo", "Ann"]],
        "Sessions": [SESSION_HEADER, ["007", "03/04/2026", "14:00", "15:00"]],
    })
    assert notes(path) == ([], [])
    cohort, _problems = read_cohort(path)
    assert [t.team_id for t in cohort.teams] == ["007"]


# Dates typed day first into a spreadsheet set to English (USA)

def _typed_month_first(path: Path) -> Path:
    """The workbook Calc set to en-US saves for dates typed day first: 03/04/2026 and
    05/04/2026 became date cells (4 March, 4 May), 13/04/2026 and 14/04/2026 stayed text."""
    path = workbook(path, {
        "Teams": [[*TEAM_HEADER, "First session"],
                  ["T01", "Falls", "Jo", "Ann", "13/04/2026"],
                  ["T02", "Flow", "Jo", "Raj", dt.datetime(2026, 3, 4)]],
        "Sessions": [SESSION_HEADER,
                     ["T01", dt.datetime(2026, 4, 5), "14:00", "15:00"],
                     ["T01", "14/04/2026", "14:00", "15:00"],
                     ["T02", dt.datetime(2026, 1, 1), "10:00", "11:00"],  # 1/1: either way
                     ["T02", dt.datetime(2026, 3, 20), "10:00", "11:00"]],  # 20: never swapped
    })
    return _formatted(path, {("Teams", "E3"): "DD/MM/YYYY", ("Sessions", "B2"): "DD/MM/YYYY",
                             ("Sessions", "B4"): "DD/MM/YYYY", ("Sessions", "B5"): "DD/MM/YYYY"})


def test_date_cells_beside_text_only_day_first_are_named_as_maybe_swapped(
        tmp_path: Path) -> None:
    path = _typed_month_first(tmp_path / "cohort.xlsx")
    problems, warnings = notes(path)
    assert problems == []
    teams, sessions = warnings
    assert teams.startswith(
        'cohort.xlsx › Teams › First session: First session on row 2 ("13/04/2026") is text, '
        "not a date, as a spreadsheet set to a month-first language (English (USA)) leaves a "
        "date it cannot read month first: so this column's dates that the spreadsheet read "
        "when they were typed may have their day and month swapped: row 3 as 4 March 2026 "
        "(3 April 2026 if swapped); check them")
    assert sessions.startswith(
        'cohort.xlsx › Sessions › Date: Date on row 3 ("14/04/2026") is text, not a date')
    assert "swapped: row 2 as 5 April 2026 (4 May 2026 if swapped); check them" in (
        sessions)
    assert "row 4" not in sessions and "row 5" not in sessions
    assert "Tools › Options › Language Settings › Languages › Locale setting" in sessions


def test_every_date_cell_that_may_be_swapped_is_named_by_its_row(tmp_path: Path) -> None:
    """Five are shown with their dates; every row is named, in runs."""
    days = [dt.datetime(2026, 3, d) for d in (1, 2, 4, 5, 6, 7, 8, 9, 10)]
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T01", "Falls", "Jo", "Ann"]],
        "Sessions": [SESSION_HEADER, *(["T01", day, "14:00", "15:00"] for day in days[:7]),
                     ["T01", "14/04/2026", "14:00", "15:00"],
                     *(["T01", day, "14:00", "15:00"] for day in days[7:])],
    })
    (warning,) = notes(path)[1]
    assert "may have their day and month swapped (rows 2–8 and 10–11): row 2 as 1 March " \
        "2026 (3 January 2026 if swapped), row 3 as 2 March 2026" in warning
    assert "(and 4 more); check them" in warning


def test_evidence_on_one_sheet_names_the_date_cells_of_another(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "First session"], ["T01", "Falls", "Jo", "Ann", "13/04/2026"]],
        "Sessions": [SESSION_HEADER, ["T01", dt.datetime(2026, 3, 4), "14:00", "15:00"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        'cohort.xlsx › Sessions › Date: First session on row 2 of the Teams sheet '
        '("13/04/2026") is text, not a date, as a spreadsheet set to a month-first language '
        "(English (USA)) leaves a date it cannot read month first: so this column's dates "
        "that the spreadsheet read when they were typed may have their day and month "
        "swapped: row 2 as 4 March 2026 (3 April 2026 if swapped); check them, and set the "
        "spreadsheet's language to English (UK) (in LibreOffice: Tools › Options › Language "
        "Settings › Languages › Locale setting) before typing dates, or format the column "
        "as Text"]


def test_date_cells_alone_or_text_that_reads_either_way_say_nothing(tmp_path: Path) -> None:
    """All date cells (the sample's way), or text dates beside them that a month-first
    spreadsheet would have read too: no evidence of a month-first spreadsheet."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "First session"],
                  ["T01", "Falls", "Jo", "Ann", dt.datetime(2026, 3, 4)],
                  ["T02", "Flow", "Jo", "Raj", "01/05/2026"]],
        "Sessions": [SESSION_HEADER, ["T01", dt.datetime(2026, 4, 5), "14:00", "15:00"]],
    })
    assert notes(path) == ([], [])


def test_date_cells_shown_month_first_are_named_though_every_day_reads_either_way(
        tmp_path: Path) -> None:
    """A month-first Calc makes 03/04/2026, typed in a cell of no date format, 4 March shown
    03/04/26 (its format MM/DD/YY): with every day at most 12 no text is left to tell, but
    the format does."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "First session"],
                  ["T01", "Falls", "Jo", "Ann", dt.datetime(2026, 3, 4)]],
        "Sessions": [SESSION_HEADER, ["T01", dt.datetime(2026, 3, 4), "14:00", "15:00"],
                     ["T01", dt.datetime(2026, 5, 6), "14:00", "15:00"]],
    })
    path = _formatted(path, {("Teams", "E2"): "MM/DD/YY", ("Sessions", "B2"): "MM/DD/YY",
                             ("Sessions", "B3"): "DD/MM/YYYY"})
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Teams › First session: First session on row 2 is shown month first "
        "(03/04/26 for 4 March 2026), as a spreadsheet set to a month-first language "
        "(English (USA)) shows a date typed into a cell of no date format, having read it "
        "month first: so this column's dates that the spreadsheet read when they were typed "
        "may have their day and month swapped: row 2 as 4 March 2026 (3 April 2026 if "
        "swapped); check them, and set the spreadsheet's language to English (UK) (in "
        "LibreOffice: Tools › Options › Language Settings › Languages › Locale setting) "
        "before typing dates, or format the column as Text",
        "cohort.xlsx › Sessions › Date: Date on row 2 is shown month first (03/04/26 for 4 "
        "March 2026), as a spreadsheet set to a month-first language (English (USA)) shows "
        "a date typed into a cell of no date format, having read it month first: so this "
        "column's dates that the spreadsheet read when they were typed may have their day "
        "and month swapped: row 2 as 4 March 2026 (3 April 2026 if swapped), row 3 as 6 May "
        "2026 (5 June 2026 if swapped); check them, and set the spreadsheet's language to "
        "English (UK) (in LibreOffice: Tools › Options › Language Settings › Languages › "
        "Locale setting) before typing dates, or format the column as Text"]


def test_a_date_shown_month_first_names_the_date_cells_of_other_sheets(
        tmp_path: Path) -> None:
    """Even one that cannot be swapped (25 March shown 03/25/26): the spreadsheet read the
    typing month first, so the day-first columns' dates may be swapped too."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "First session"],
                  ["T01", "Falls", "Jo", "Ann", dt.datetime(2026, 3, 25)]],
        "Sessions": [SESSION_HEADER, ["T01", dt.datetime(2026, 4, 5), "14:00", "15:00"]],
    })
    path = _formatted(path, {("Teams", "E2"): "m/d/yyyy", ("Sessions", "B2"): "DD/MM/YYYY"})
    (warning,) = notes(path)[1]
    assert warning.startswith(
        "cohort.xlsx › Sessions › Date: First session on row 2 of the Teams sheet is shown "
        "month first (03/25/26 for 25 March 2026), as a spreadsheet set to a month-first "
        "language (English (USA)) shows a date typed into a cell of no date format, having "
        "read it month first: so this column's dates that the spreadsheet read when they "
        "were typed may have their day and month swapped: row 2 as 5 April 2026 (4 May 2026 "
        "if swapped); check them")


@pytest.mark.parametrize("number_format", ["DD/MM/YYYY", "yyyy-mm-dd", "d mmm yyyy",
                                           "mmm d, yyyy", "dddd, mmmm d, yyyy", "hh:mm dd/mm"])
def test_dates_shown_day_or_year_first_or_with_the_month_named_say_nothing(
        tmp_path: Path, number_format: str) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T01", "Falls", "Jo", "Ann"]],
        "Sessions": [SESSION_HEADER, ["T01", dt.datetime(2026, 3, 4), "14:00", "15:00"]],
    })
    path = _formatted(path, {("Sessions", "B2"): number_format})
    assert notes(path) == ([], [])


def _ods_sessions(path: Path, date_value: str, shown: str) -> Path:
    """An .ods cohort (one team, one session) whose session date holds ``date_value`` and
    shows ``shown``, as LibreOffice saves a date cell."""
    def text(value: str) -> str:
        return (f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
                "</table:table-cell>")

    def row(*cells: str) -> str:
        return f"<table:table-row>{''.join(cells)}</table:table-row>"

    date = (f'<table:table-cell office:value-type="date" office:date-value="{date_value}">'
            f"<text:p>{shown}</text:p></table:table-cell>")
    teams = row(*map(text, TEAM_HEADER)) + row(*map(text, ["T01", "Falls", "Jo", "Ann"]))
    sessions = row(*map(text, SESSION_HEADER)) + row(text("T01"), date, text("14:00"),
                                                      text("15:00"))
    minimal_ods(path, teams)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b"</table:table></office:spreadsheet>",
        b'</table:table><table:table table:name="Sessions">' + sessions.encode()
        + b"</table:table></office:spreadsheet>")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_an_ods_date_shown_month_first_is_named(tmp_path: Path) -> None:
    path = _ods_sessions(tmp_path / "cohort.ods", "2026-03-04", "03/04/26")
    (warning,) = notes(path)[1]
    assert warning.startswith(
        "cohort.ods › Sessions › Date: Date on row 2 is shown month first (03/04/26 for 4 "
        "March 2026)")
    assert "row 2 as 4 March 2026 (3 April 2026 if swapped)" in warning


@pytest.mark.parametrize("shown", ["04/03/2026", "2026-03-04", "Mar 4, 2026", "04/04/26"])
def test_an_ods_date_shown_otherwise_says_nothing(tmp_path: Path, shown: str) -> None:
    value = "2026-04-04" if shown == "04/04/26" else "2026-03-04"
    assert notes(_ods_sessions(tmp_path / "cohort.ods", value, shown)) == ([], [])


_PARTS = {"d": st.sampled_from(["d", "dd"]), "m": st.sampled_from(["m", "mm", "M", "MM"]),
          "y": st.sampled_from(["yy", "yyyy", "YYYY"])}


@given(order=st.permutations("dmy"), separator=st.sampled_from(["/", "-", ".", " "]),
       parts=st.fixed_dictionaries(_PARTS),
       weekday=st.sampled_from(["", "dddd ", "ddd, "]),
       time=st.sampled_from(["", " hh:mm", " h:mm:ss AM/PM", " [h]:mm"]))
def test_a_date_format_is_month_first_only_when_the_month_number_leads(
        order: list[str], separator: str, parts: dict[str, str], weekday: str,
        time: str) -> None:
    code = weekday + separator.join(parts[p] for p in order) + time
    assert month_first_format(code) == (order[0] == "m")


def test_the_sample_cohort_stays_quiet() -> None:
    warnings: list = []
    _cohort, problems = read_cohort(ROOT / "data" / "cohort.xlsx", warnings)
    assert (problems, warnings) == ([], [])


# Times typed with a full stop: numbers

def test_a_number_in_a_time_formatted_cell_is_a_problem_not_its_shown_time(
        tmp_path: Path) -> None:
    """10.30 typed in the starter's Start time (format hh:mm) is 10.3 days, shown 07:12."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T01", "Falls", "Jo", "Ann"]],
        "Sessions": [SESSION_HEADER, ["T01", "03/04/2026", 10.3, "11:30"],
                     ["T01", "10/04/2026", "10:00", 1430]],
    })
    path = _formatted(path, {("Sessions", "C2"): "hh:mm", ("Sessions", "D3"): "hh:mm"})
    problems, warnings = notes(path)
    assert problems == [
        "cohort.xlsx › Sessions › row 2 › Start time: holds the number 10.3, not a time: its "
        "time format shows only 07:12, the time of 10.3 days; a time typed with a full stop "
        "(10.30) is a number to a spreadsheet; if 10:30 was meant, type it so",
        "cohort.xlsx › Sessions › row 3 › Finish time: holds the number 1430, not a time: its "
        "time format shows only 00:00, the time of 1430 days; a time typed with a full stop "
        "(10.30) is a number to a spreadsheet; if 14:30 was meant, type it so"]
    assert warnings == []


def test_a_number_with_a_fraction_in_a_time_column_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T01", "Falls", "Jo", "Ann"]],
        "Sessions": [SESSION_HEADER, ["T01", "03/04/2026", 10.3, 11.45],
                     ["T01", "10/04/2026", 14, 1530]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Sessions › row 2 › Start time: is the number 10.3, not a time, read as "
        "10:30 (as 10.30 typed): a time typed with a full stop is a number to a spreadsheet, "
        "which drops a last 0 (10.30 is 10.3); check it, and type times as 14:00",
        "cohort.xlsx › Sessions › row 2 › Finish time: is the number 11.45, not a time, read "
        "as 11:45 (as 11.45 typed): a time typed with a full stop is a number to a "
        "spreadsheet, which drops a last 0 (10.30 is 10.3); check it, and type times as 14:00"]
    cohort, _problems = read_cohort(path)
    assert [(s.start, s.finish) for s in cohort.sessions] == [
        (dt.time(10, 30), dt.time(11, 45)), (dt.time(14), dt.time(15, 30))]


def test_a_morning_number_with_a_fraction_says_the_afternoon_too(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T01", "Falls", "Jo", "Ann"]],
        "Sessions": [SESSION_HEADER, ["T01", "03/04/2026", 2.3]],
    })
    _problems, warnings = notes(path)
    assert warnings == [
        "cohort.xlsx › Sessions › row 2 › Start time: is the number 2.3, not a time, read as "
        "02:30 (as 2.30 typed): a time typed with a full stop is a number to a spreadsheet, "
        "which drops a last 0 (10.30 is 10.3); check it, and type times as 14:00; if the "
        "afternoon was meant, type 14:30"]


def test_a_mentoring_time_typed_with_a_full_stop_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T01", "Falls", "Jo", "Ann"]],
        "Mentoring": [["QI practitioner", "Mentor", "Time", "Location"],
                      ["Ann Smith", "Raj Patel", 12.3, "Library"],
                      ["Bea Best", "Raj Patel", "Tuesdays 12:30", 12.5]],  # not a time column
    })
    problems, warnings = notes(path)
    assert problems == []
    time, location = warnings
    assert time == (
        'cohort.xlsx › Mentoring › row 2 › Time: is the number 12.3, not text, so it reads '
        '"12.3": a time typed with a full stop (12.30) is a number to a spreadsheet, which '
        "drops a last 0; type it as 12:30, or format the column as Text and type it again")
    assert location.startswith(  # a room 12.50, perhaps: a number in a text column
        'cohort.xlsx › Mentoring › row 3 › Location: 1 Location cell holds a number, not '
        'text: row 3 "12.5"; ')


# Numbers in text columns: a room, a phone number, a name typed as digits

def test_numbers_in_text_columns_are_named_once_a_column_with_every_row(
        tmp_path: Path) -> None:
    """What Calc made of a room "007", "2.10" and a phone number typed without spaces; an
    extra column (Phone) too. Frequency and Duration, where a number is meant, stay quiet;
    a number formatted to show its zeros reads as shown, quietly."""
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [[*TEAM_HEADER, "Venue", "Frequency", "Duration", "Phone"],
                  ["T01", 2.1, "Jo", "Ann", 7, 4, 1, 7700900123],
                  *([f"T0{n}", f"Flow {n}", "Jo", "Raj", n, "monthly", "1 hour", "0131 555 0000"]
                    for n in range(2, 9))],
    })
    path = _formatted(path, {("Teams", "E8"): "000"})  # shows 007: read so
    problems, warnings = notes(path)
    assert problems == []
    name, venue, phone = warnings
    assert name.startswith('cohort.xlsx › Teams › row 2 › Team name: 1 Team name cell holds '
                           'a number, not text: row 2 "2.1"; a spreadsheet makes a number of '
                           'what is typed as digits, dropping leading zeros ("007" becomes 7')
    assert venue.startswith(
        'cohort.xlsx › Teams › row 2 › Venue: 7 Venue cells hold a number, not text (rows '
        '2–7 and 9): row 2 "7", row 3 "2", row 4 "3", row 5 "4", row 6 "5" (and 2 more); ')
    assert phone.startswith('cohort.xlsx › Teams › row 2 › Phone: 1 Phone cell holds a '
                            'number, not text: row 2 "7700900123"; ')
    assert "format the column as Text (Format › Cells › Text) and type it again" in phone
    cohort, _problems = read_cohort(path)
    assert cohort.teams[6].venue == "007"


def test_numbers_in_the_programme_sheet_and_count_columns_say_nothing(
        tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Programme": [["Setting", "Value"], ["Cohort", 3], ["Session duration", 1]],
        "Teams": [[*TEAM_HEADER, "Frequency", "Duration"], ["T01", "Falls", "Jo", "Ann", 4, 1]],
        "Mentoring": [["QI practitioner", "Mentor", "Adequate notice"], ["Ann", "Raj", 48]],
    })
    assert notes(path) == ([], [])


@given(st.sets(st.integers(1, 2000), min_size=1, max_size=60))
def test_rows_said_in_runs_name_every_row(rows: set[int]) -> None:
    said = _rows_said(array("l", sorted(rows, reverse=True)))
    named: set[int] = set()
    for part in said.removeprefix("rows ").removeprefix("row ").replace(" and ", ", ").split(", "):
        first, _, last = part.partition("–")
        assert not last or int(last) > int(first)  # a run is of two rows or more
        named.update(range(int(first), int(last or first) + 1))
    assert named == rows
    assert said.startswith("row " if len(rows) == 1 else "rows ")


# The number of days a time-formatted cell holds

_DAY_ZERO = dt.datetime(1899, 12, 30)  # Excel's, from March 1900 on


@given(st.integers(min_value=24 * 60, max_value=59 * 24 * 60 + 23 * 60 + 59))
def test_days_in_a_time_cell_are_those_the_spreadsheet_holds(minutes: int) -> None:
    """A number from 1 to 60 in a time format: .xlsx as calamine reads it (a date-time in
    January or February 1900, counted from 31 December 1899), .ods as the duration it holds."""
    days = round(minutes / 1440, 6)
    as_xlsx = _DAY_ZERO + dt.timedelta(days=1, minutes=minutes)
    hours, minute = divmod(minutes, 60)
    assert days_in_time_cell(as_xlsx) == days
    assert days_in_time_cell(f"PT{hours}H{minute:02d}M00S") == days


@given(st.integers(min_value=61, max_value=18_000), st.integers(0, 1439))
def test_days_from_march_1900_count_from_excel_s_day_zero(days: int, minutes: int) -> None:
    """1430 typed in a time-formatted cell: calamine's 1903-11-30 (a date, no time)."""
    held = _DAY_ZERO + dt.timedelta(days=days, minutes=minutes)
    value = held.date() if not minutes else held
    assert days_in_time_cell(value) == round(days + minutes / 1440, 6)


@given(st.one_of(st.times(), st.datetimes(min_value=dt.datetime(1950, 1, 1)),
                 st.dates(min_value=dt.date(1950, 1, 1)),
                 st.integers(0, 23 * 60 + 59).map(lambda m: f"PT{m // 60}H{m % 60:02d}M00S"),
                 st.text(max_size=20)))
def test_a_time_or_a_date_of_a_session_is_no_number_of_days(value: object) -> None:
    assert days_in_time_cell(value) is None

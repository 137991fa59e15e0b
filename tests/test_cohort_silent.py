"""Nothing silent: values an admin typed that docgen would otherwise drop or replace unseen.

Rows above the header row, Programme settings docgen does not know, extra columns named as
docgen's own fields, a team's own settings, times typed as text before 8:00: each is read as
meant or named with its sheet, row and column and the way out.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from docgen import jobs


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write a workbook of ``sheets`` (rows as typed, header included) and return its path."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def notes(path: Path) -> tuple[list[str], list[str]]:
    """Return the problems and warnings `docgen check` gives for ``path``, as printed."""
    report = jobs.check(path)
    return [str(p) for p in report.problems], [str(w) for w in report.warnings]


TEAM_HEADER = ["Team ID", "Team name", "Coach", "Team members"]


# Rows above the header row

def test_a_team_typed_above_the_header_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [["T9", "Typed above", "Coach Q", "Ann One"], TEAM_HEADER,
                  ["T1", "Ward 7 Falls", "Jo", "Ann"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert warnings == [
        "cohort.xlsx › Teams › row 1: the row is above the header row (row 2), so it is not "
        "read, though it holds values under Team ID, Team name, Coach and 1 more: move it "
        "below the header row; if the sheet was sorted, sort it again with the header row "
        'left out (Data › Sort, "My data has headers")']


def test_rows_a_sort_put_above_the_header_are_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [TEAM_HEADER, ["T1", "Falls", "Jo", "Ann"]],
        "Mentoring": [["Ann Able", "Mo Mentor"], ["Bea Best", "Mo Mentor"],
                      ["QI practitioner", "Mentor"], ["Zoe Zed", "Mo Mentor"]],
    })
    problems, warnings = notes(path)
    assert problems == []
    assert [w.split(":")[0] for w in warnings] == [
        "cohort.xlsx › Mentoring › row 1", "cohort.xlsx › Mentoring › row 2"]
    assert all("above the header row (row 3), so it is not read, though it holds values "
               "under QI practitioner, Mentor" in w for w in warnings)


def test_a_title_row_above_the_header_is_fine(tmp_path: Path) -> None:
    path = workbook(tmp_path / "cohort.xlsx", {
        "Teams": [["Cohort 7: teams"], [None, "Spring 2026"], [], TEAM_HEADER,
                  ["T1", "Ward 7 Falls", "Jo", "Ann"]],
    })
    assert notes(path) == ([], [])

"""The log's Summary sheet: first in the workbook, one A4 page, the cohort's totals and what
needs chasing; the chart of hours against pace and minimum; `docgen log --pdf`.

The cohort is test_log_frame's: six teams half way through a four-month course (ahead of the
pace, on it, behind it, past the minimum, not started, one whose record never came back) and a
record of a team the cohort does not have.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_log_frame import TODAY, issued  # noqa: F401  (the fixture)

from docgen import jobs
from docgen.documents.outputs import MANIFEST
from docgen.log import overview as ov
from docgen.log.summary import NO_FRAME, summarise
from docgen.models import ExpectedTeam, Frame, LogData, TeamRow, TeamStatus

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="needs LibreOffice")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="needs pdftotext (poppler-utils)")


def cells(ws) -> list[list[object]]:
    return [[c for c in row if c is not None]
            for row in ws.iter_rows(values_only=True) if any(c is not None for c in row)]


def section(rows: list[list[object]], heading: str) -> list[list[object]]:
    """Return the rows under ``heading`` up to the next heading of the chase list."""
    at = rows.index([heading])
    out = []
    for r in rows[at + 1:]:
        if len(r) == 1 and isinstance(r[0], str) and not r[0].startswith("and "):
            break
        out.append(r)
    return out


def test_the_summary_is_first_with_totals_and_the_chase_list(
        issued: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    data, out = issued
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, cohort=data, today=TODAY)
    wb = openpyxl.load_workbook(log)
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-1] == "Chart"
    rows = cells(wb["Summary"])
    assert rows[0] == ["Coaching log, 01/11/2026: Cohort 9"]
    assert str(data) in rows[1][0] and "Every team" in rows[1][0]
    totals = {}
    for r in rows:
        for label, value in zip(r[::2], r[1::2], strict=False):
            if isinstance(label, str) and isinstance(value, int | float):
                totals.setdefault(label, value)
    # A, B on track; C behind; D met; E and X9 not started; F no record
    assert {k: totals[k] for k in ("Teams", "On track", "Behind pace", "Not started",
                                   "No record returned", "Minimum met")} == {
        "Teams": 7, "On track": 2, "Behind pace": 1, "Not started": 2,
        "No record returned": 1, "Minimum met": 1}
    teams = {t.team_id: t for t in summarise_from(log)}
    assert totals["Hours of coaching"] == sum(t["Hours"] for t in teams.values())
    assert totals["Sessions held"] == sum(t["Sessions held"] for t in teams.values())
    assert section(rows, "No record returned") == [["F Team F", "Dr Jo Bloggs",
                                                    "expected 2.5 h by today"]]
    assert section(rows, "Behind pace") == [["C Team C", "Dr Jo Bloggs",
                                             "1.0 h of 2.5 expected by today"]]
    assert section(rows, "Next meeting overdue") == [
        ["C Team C", "Dr Jo Bloggs", "no session since the meeting due 01/10/2026"]]
    files = section(rows, "Files with problems")
    assert any(r[0].endswith("(X9).docx") for r in files)
    orgs = rows.index(["Organisation", "Teams", "Behind pace", "No record", "Minimum met",
                       "Hours", "Sessions held"])
    assert [r[:4] for r in rows[orgs + 1:orgs + 4]] == [
        ["(no organisation)", 1, 0, 0], ["NHS Borders", 1, 0, 0], ["NHS Lothian", 5, 1, 1]]
    ws = wb["Summary"]
    setup = ws.page_setup
    assert int(setup.paperSize) == 9  # A4, one page: 1 wide and 1 tall (Excel's default 1)
    assert (int(setup.fitToWidth or 1), int(setup.fitToHeight or 1)) == (1, 1)
    assert ws.sheet_properties.pageSetUpPr.fitToPage


class _Rows:
    def __init__(self, row: dict[str, object]) -> None:
        self.__dict__.update(row)
        self.row = row

    def __getitem__(self, key: str) -> object:
        return self.row[key]


def summarise_from(log: Path) -> list[_Rows]:
    ws = openpyxl.load_workbook(log)["Teams"]
    rows = list(ws.iter_rows(values_only=True))
    return [_Rows({"team_id": r[rows[0].index("Team ID")], **dict(zip(rows[0], r,
                                                                         strict=True))})
            for r in rows[1:]]


def test_without_the_cohort_the_summary_says_what_it_cannot_show(
        issued: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    _data, out = issued
    (out / MANIFEST).unlink()  # records gathered in a folder generate did not write
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, today=TODAY)
    rows = cells(openpyxl.load_workbook(log)["Summary"])
    assert [NO_FRAME] in rows
    absent = next(r for r in rows if "No record returned" in r)
    assert absent[absent.index("No record returned") + 1].startswith("not known")
    assert not any(r == ["No record returned"] for r in rows)  # no such chase heading


def _team(i: int, status: TeamStatus, **kw) -> TeamRow:
    values = dict(team_id=f"T{i:03}", team_name=f"Ward {i}", organisation=f"Board {i % 13}",
                  coaches=f"Coach {i % 17}", sessions_held=1, email_contacts=0, hours=1.0,
                  minimum_hours=5.0, met=False, hours_needed=4.0, sessions_cancelled=0,
                  first_session=None, last_session=None, next_meeting=None, review_after=3,
                  review_due=False, days_since_contact=None, sources="", status=status,
                  expected_hours=2.5, behind_by=1.5)
    values.update(kw)
    return TeamRow(**values)


def test_long_lists_are_cut_short_and_say_where_the_rest_are() -> None:
    teams = tuple(_team(i, TeamStatus.BEHIND if i % 2 else TeamStatus.NO_RECORD)
                  for i in range(1, 61))
    view = ov.overview(LogData((), teams, (), (), (), TODAY, framed=True))
    chase = dict(view.chase)
    assert len(chase["Behind pace"].rows) == ov.CHASE_ROWS
    assert chase["Behind pace"].more == f"and {30 - ov.CHASE_ROWS} more: see the Teams sheet"
    assert chase["No record returned"].more.startswith(f"and {30 - ov.CHASE_ROWS} more")
    assert len(view.organisations.rows) == ov.LISTED
    assert view.organisations.more == f"and {13 - ov.LISTED} more: see the Teams sheet"
    assert view.coaches.more == f"and {17 - ov.LISTED} more: see the Coaches sheet"
    listed = sum(r[1] for r in view.organisations.rows)
    assert listed < 60  # the rest are counted in "more", not lost
    totals = {label: value for label, value, _kind in view.totals}
    assert (totals["Teams"], totals["Behind pace"], totals["No record returned"]) == (60, 30, 30)


def test_an_organisation_written_in_other_case_or_spacing_is_one_row() -> None:
    """"NHS Lothian" and "NHS  lothian" are one organisation: its teams, hours and sessions
    on one row, as first written, not split over two."""
    teams = (_team(1, TeamStatus.BEHIND, organisation="NHS Lothian"),
             _team(2, TeamStatus.NO_RECORD, organisation="NHS  lothian", hours=2.0),
             _team(3, TeamStatus.BEHIND, organisation="NHS Borders"))
    view = ov.overview(LogData((), teams, (), (), (), TODAY, framed=True))
    assert [r[:3] for r in view.organisations.rows] == [("NHS Borders", 1, 1),
                                                        ("NHS Lothian", 2, 1)]
    assert view.organisations.rows[1][5] == 3.0


def test_the_summary_is_pure_and_counts_a_frame_with_no_records() -> None:
    frame = Frame(source="c.xlsx", cohort="C", start=dt.date(2026, 9, 1), course_months=4,
                  teams=(ExpectedTeam("T1", "One", coaches=("Ann Coach",)),))
    view = ov.overview(summarise([], [], TODAY, frame), "c.xlsx")
    assert "c.xlsx" in view.reach[0]
    (row,) = view.coaches.rows
    assert row[:4] == ("Ann Coach", 1, 0, 1)  # a coach of a team with no record is listed
    assert dict(view.chase)["No record returned"].rows[0][0] == "T1 One"


def test_the_chart_is_true_to_its_legend_and_names_the_teams(
        issued: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    data, out = issued
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, cohort=data, today=TODAY)
    wb = openpyxl.load_workbook(log)
    rows = list(wb["Chart"].iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r[0] == "Team")
    figures = {r[0]: dict(zip(rows[top], r, strict=True)) for r in rows[top + 1:]}
    assert list(figures) == ["A Team A", "B Team B", "C Team C", "D Team D", "E Team E",
                             "F Team F", "X9 Stray team"]
    assert figures["C Team C"]["Hours: behind pace"] == 1.0
    assert figures["C Team C"]["Hours: on track"] is None
    assert figures["D Team D"]["Hours: minimum met"] == 6.0
    assert figures["A Team A"]["Expected by today"] == pytest.approx(2.5, abs=0.02)
    assert figures["A Team A"]["Minimum"] == 5
    with zipfile.ZipFile(log) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2  # on the Summary and on the Chart sheet
    for xml in charts:
        series = re.findall(r"<c:ser>.*?</c:ser>", xml, re.DOTALL)
        names = [re.search(r"<c:v>([^<]*)</c:v>", s)[1] for s in series]
        # not started: no hours, no bar, so no legend entry
        assert names == ["Hours: minimum met", "Hours: on track", "Hours: behind pace",
                         "Expected by today", "Minimum"]
        for s in series[:3]:  # one colour a series: the legend's swatch is the bars'
            assert "<c:dPt>" not in s
        assert len(set(re.findall(r'<a:srgbClr val="(\w+)"', "".join(series[:3])))) == 3
        assert '<a:prstDash val="dash"/>' in series[4]
        assert re.findall(r"<c:f>([^<]*)</c:f>", series[0])[0].replace("'", "").startswith(
            "Chart!$A$")


@needs_soffice
@needs_pdftotext
def test_the_log_as_pdf_has_the_summary_on_one_page(
        issued: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    data, out = issued
    log = tmp_path / "log.xlsx"
    report = jobs.log([out], log, cohort=data, today=TODAY, pdf=True)
    pdf = log.with_suffix(".pdf")
    assert report.pdf == pdf and pdf.is_file() and not report.pdf_problems

    def page(n: int) -> str:
        return subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf),
                               "-"], capture_output=True, text=True, check=True).stdout

    first, second = page(1), page(2)
    assert "Coaching log, 01/11/2026" in first and "Files with problems" in first
    assert "Cohort totals" not in second and "Files with problems" not in second
    assert "Team ID" in second  # the next sheet begins on the next page


def test_log_pdf_without_libreoffice_is_named_and_the_workbook_stands(
        issued: tuple[Path, Path], tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    from click.testing import CliRunner

    from docgen import libreoffice
    from docgen.cli import main

    _data, out = issued
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    log = tmp_path / "log.xlsx"
    result = CliRunner().invoke(main, ["log", str(out), "-o", str(log), "--pdf"])
    assert result.exit_code == 1
    assert "LibreOffice is not installed" in result.output
    assert "libreoffice-calc-nogui" in result.output and "--pdf" in result.output
    assert log.is_file() and not log.with_suffix(".pdf").exists()
    assert openpyxl.load_workbook(log).sheetnames[0] == "Summary"


def test_with_generates_manifest_the_summary_counts_and_chases_the_missing_team(
        issued: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    _data, out = issued  # F's contract is gone from the folder generate wrote
    log = tmp_path / "log.xlsx"
    jobs.log([out], log, today=TODAY)
    rows = cells(openpyxl.load_workbook(log)["Summary"])
    assert any("as its file name shows" in str(r[0]) for r in rows[1:3])
    assert not any("Every team and mentoring pair of the cohort" in str(r[0]) for r in rows)
    absent = next(r for r in rows if r[0] == "No record returned" and len(r) > 1)
    assert absent[1] == 1
    assert section(rows, "No record returned") == [["F Team F", "no record of it was read"]]


def test_a_cohort_too_large_for_the_page_has_its_chart_on_the_chart_sheet(
        tmp_path: Path) -> None:
    from docgen.log.logbook import SUMMARY_CHART_TEAMS, write_log

    n = SUMMARY_CHART_TEAMS + 1
    teams = tuple(_team(i, TeamStatus.ON_TRACK) for i in range(1, n + 1))
    path = tmp_path / "log.xlsx"
    write_log(LogData((), teams, (), (), (), TODAY, framed=True), path)
    wb = openpyxl.load_workbook(path)
    rows = cells(wb["Summary"])
    assert [f"The chart of the {n} teams' hours is on the Chart sheet (too many for this "
            "page)."] in rows
    with zipfile.ZipFile(path) as z:
        charts = [x for x in z.namelist() if x.startswith("xl/charts/chart")]
        drawings = [x for x in z.namelist() if x.startswith("xl/drawings/drawing")]
    assert len(charts) == 1 and len(drawings) == 1  # the Chart sheet's only
    labels = [r[0] for r in wb["Chart"].iter_rows(values_only=True)]
    assert labels.count("T001 Ward 1") == 1 and f"T{n:03} Ward {n}" in labels


def test_the_logs_own_pdf_among_the_records_is_not_a_problem(
        issued: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    _data, out = issued
    log = out / "coaching_log.xlsx"  # the log written into the folder of records
    jobs.log([out], log, today=TODAY)
    log.with_suffix(".pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")  # as `--pdf` left it
    (out / "notes.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")  # beside no log: named
    (out / "contracts" / "a coach's.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    report = jobs.log([out], log, today=TODAY)
    named = [p.file for p in report.problems if "is a PDF" in p.message]
    assert sorted(named) == sorted([str(Path("contracts") / "a coach's.pdf"), "notes.pdf"])
    assert not any(str(p.file).endswith("coaching_log.pdf") for p in report.problems)

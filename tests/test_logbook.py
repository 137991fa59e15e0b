"""The coaching log workbook, read back with openpyxl: sheets, types, formats, text as text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from xlsxwriter.exceptions import FileCreateError

from docgen.errors import DocgenError, Problem
from docgen.log import logbook
from docgen.log.logbook import write_log
from docgen.models import (
    CoachRow,
    IcfRow,
    LogData,
    MentoringRow,
    SessionRow,
    SignatureRow,
    TeamRow,
)
from docgen.values import clean_text

D = dt.date
HOSTILE = ["=1+1", '=HYPERLINK("http://x","y")', "@SUM(1)", "#N/A", "+1", "-2+3", "=", "#REF!",
           "https://example.org/a?b=1", "mailto:jane@example.org", "007", "1e5", "12/05/2026",
           # XlsxWriter takes "<r>…</r>" for its own rich-text XML; "_xHHHH_" is Excel's escape
           "<r>x & y</r>", "<r><t>z</t></r>", "_x0041_ stays"]


def session(topic: str = "Driver diagram", **kw) -> SessionRow:
    values = dict(team_id="T01", team_name="Ward 5", coach="Jane Smith", date=D(2026, 4, 3),
                  start=dt.time(14), finish=dt.time(15, 30), hours=1.5,
                  hours_from="start and finish times", mode="", status="held", topic=topic,
                  issues="", action="Collect data", next_meeting=D(2026, 5, 1), comments="",
                  source="t01.docx", where="Record of Coaching form 1")
    values.update(kw)
    return SessionRow(**values)


def team(team_id: str = "T01", hours: float = 1.5, **kw) -> TeamRow:
    values = dict(team_id=team_id, team_name=f"Team {team_id}", organisation="NHS Lothian",
                  coaches="Jane Smith", sessions_held=1, email_contacts=0, hours=hours,
                  minimum_hours=5.0, met=hours >= 5, hours_needed=max(0.0, 5 - hours),
                  sessions_cancelled=0, first_session=D(2026, 4, 3),
                  last_session=D(2026, 4, 3), next_meeting=None, review_after=4,
                  review_due=False, days_since_contact=88, sources=f"{team_id}.docx")
    values.update(kw)
    return TeamRow(**values)


def data(**kw) -> LogData:
    values = dict(
        sessions=(session(),),
        teams=(team("T01", 1.5), team("T02", 6.0, days_since_contact=3)),
        coaches=(CoachRow("Jane Smith", 2, "Team T01; Team T02", 5, 1, 7.5, D(2026, 6, 27)),),
        icf=(IcfRow("Jane Smith", "Team T01, NHS Lothian", "Anna Brown; Ben Cole", "Group", 2,
                    D(2026, 4, 3), D(2026, 4, 3), 1.5, 0.0, "T01"),),
        problems=(Problem('"31/02" is not a date', file="t01.docx",
                          sheet="Record of Coaching form 2", column="Date"),),
        today=D(2026, 6, 30),
    )
    values.update(kw)
    return LogData(**values)


def headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def column_widths(ws) -> dict[int, float]:
    """Return the width set for each column by number (a <col> may span several columns)."""
    return {i: dim.width for dim in ws.column_dimensions.values() if dim.min and dim.customWidth
            for i in range(dim.min, dim.max + 1)}


def test_sheets_tables_headers_and_frozen_panes(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    write_log(data(), path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Sessions", "Teams", "Coaches", "ICF log", "Mentoring",
                             "Signatures", "Problems", "Chart"]
    for name, table_name, all_columns, _attr in logbook.SHEETS:
        columns = [c for c in all_columns if c.attr != "cohort"]  # one cohort: no column
        ws = wb[name]
        assert headers(ws) == [c.header for c in columns]
        assert ws.freeze_panes == "A2"
        (table,) = ws.tables.values()
        assert table.displayName == table_name
        assert table.ref.startswith("A1:") and table.tableStyleInfo.name
        widths = column_widths(ws)
        for c, col in enumerate(columns, start=1):
            width = widths[c]
            assert 8 <= width <= 62, (name, col.header, width)
            assert (ws.cell(1, c).comment.text if col.note else None) == (
                col.note or None), (name, col.header)
        assert table.tableStyleInfo.showRowStripes and table.autoFilter.ref == table.ref
        assert [c.name for c in table.tableColumns] == [c.header for c in columns]
        assert ws["A1"].fill.fgColor.rgb.endswith("1F5C7A") and ws["A1"].font.b
    summary = wb["Summary"].page_setup  # one page, portrait: tests/test_log_summary_sheet.py
    assert (summary.orientation, int(summary.paperSize)) == ("portrait", 9)
    for ws in wb.worksheets[1:]:  # landscape A4, readable: as many pages across as it takes
        setup = ws.page_setup
        assert (setup.orientation, int(setup.paperSize), setup.fitToHeight) == (
            "landscape", 9, 0), ws.title
        widths = column_widths(ws)  # as stored: each less the cell padding (< 1 character)
        across = int(setup.fitToWidth or 1)
        heads = headers(ws)
        repeat = 1 if heads[:2] == ["Team ID", "Team name"] else 0
        assert across in {logbook.pages_across([w + pad for w in widths.values()], repeat)
                          for pad in (0, 1)}, ws.title
        # each page holds about a page of columns: what is repeated, and its share of the rest
        rest = sum(widths.values()) - sum(list(widths.values())[:repeat + 1])
        room = logbook.PRINT_CHARACTERS - sum(list(widths.values())[:repeat + 1])
        assert across == 1 or rest / across <= room, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows in ((None,) if ws.title == "Chart" else ("1:1", "$1:$1"))
        # the team (its ID, and its name where the sheet has one) on every page across
        last = "B" if repeat else "A"
        assert ws.print_title_cols in ((f"A:{last}", f"$A:${last}") if across > 1
                                       else (None,)), ws.title
    # what a manager reads first is on the first page of the Teams sheet
    assert headers(wb["Teams"])[:7] == ["Team ID", "Team name", "Coach(es)", "Status", "Hours",
                                        "Expected by today", "Hours still needed"]
    assert int(wb["Sessions"].page_setup.fitToWidth) >= 2
    assert headers(wb["ICF log"])[1:] == [
        "Client name", "Contact information", "Individual/Group", "Number in group",
        "Start date", "End date", "Paid hours", "Pro bono hours"]
    assert [c.value for c in wb["Problems"][2]] == [
        "t01.docx", "Record of Coaching form 2 › Date", '"31/02" is not a date']


def test_dates_times_and_numbers_are_real_and_formatted(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    write_log(data(), path)
    wb = load_workbook(path)
    ws = wb["Sessions"]
    row = {h: ws.cell(2, c) for c, h in enumerate(headers(ws), start=1)}
    assert row["Date"].value == dt.datetime(2026, 4, 3)
    assert row["Date"].number_format == "dd/mm/yyyy"
    assert row["Start"].value == dt.time(14) and row["Start"].number_format == "hh:mm"
    assert row["Hours"].value == 1.5 and row["Hours"].number_format == "0.00"
    assert row["Next meeting"].value == dt.datetime(2026, 5, 1)
    teams = wb["Teams"]
    t = {h: teams.cell(2, c).value for c, h in enumerate(headers(teams), start=1)}
    assert (t["Sessions held"], t["Hours"], t["Met minimum"], t["Review due"]) == (
        1, 1.5, "No", "No")
    assert t["Days since last contact"] == 88 and t["Next meeting"] is None
    icf = wb["ICF log"]
    assert [c.value for c in icf[2]] == [
        "Jane Smith", "Team T01, NHS Lothian", "Anna Brown; Ben Cole", "Group", 2,
        dt.datetime(2026, 4, 3), dt.datetime(2026, 4, 3), 1.5, 0]


def test_text_from_documents_stays_text(tmp_path: Path) -> None:
    sessions = tuple(session(topic=t, comments=t, coach=t) for t in HOSTILE)
    problems = (Problem("=1+1", file="=HYPERLINK(\"http://x\",\"y\").docx"),)
    path = tmp_path / "log.xlsx"
    write_log(data(sessions=sessions, problems=problems,
                   teams=(team(team_name="=1+1", organisation="#N/A"),)), path)
    wb = load_workbook(path)
    ws = wb["Sessions"]
    cols = headers(ws)
    for r, text in enumerate(HOSTILE, start=2):
        for header in ("Topic", "Comments", "Coach"):
            cell = ws.cell(r, cols.index(header) + 1)
            assert (cell.value, cell.data_type) == (text, "s"), (header, text)
    assert wb["Teams"]["B2"].value == "=1+1" and wb["Teams"]["B2"].data_type == "s"
    organisation = wb["Teams"].cell(2, headers(wb["Teams"]).index("Organisation") + 1)
    assert organisation.value == "#N/A" and organisation.data_type == "s"
    assert wb["Problems"]["A2"].value == '=HYPERLINK("http://x","y").docx'
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name
                assert b't="e"' not in xml and b"<hyperlink" not in xml, name
            assert "hyperlink" not in name, name


def test_long_text_wraps_in_a_capped_width_and_its_row_is_tall_enough(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    write_log(data(sessions=(session(), session(topic="word " * 30))), path)  # 149 characters
    ws = load_workbook(path)["Sessions"]
    topic = headers(ws).index("Topic") + 1
    assert column_widths(ws)[topic] == pytest.approx(36 + 1.5, abs=0.1)  # to the pixel
    assert ws.row_dimensions[2].height is None  # one line: Excel's own height
    assert ws.row_dimensions[3].height == pytest.approx(15 * 5 + 2, abs=0.5)  # 5 lines
    assert ws.cell(3, topic).alignment.wrap_text and ws.cell(3, topic).alignment.vertical == "top"


def test_text_value_is_clean_text_within_excels_limit() -> None:
    for text in ["Driver diagram", " lead", "trail ", "a\r\nb", "tab\there", "é", "e\u0301",
                 "bell\x07", "line  \n\n next", "", "=1+1", "\u202eevil"]:
        assert logbook.text_value(text) == clean_text(text), repr(text)
    emoji = logbook.text_value("😀" * 20_000)  # Excel counts UTF-16 units: 2 each
    assert len(emoji.encode("utf-16-le")) // 2 <= 32_767 and emoji.endswith("😀…")


def test_control_characters_are_dropped_and_long_text_is_capped(tmp_path: Path) -> None:
    long = "x" * 40_000
    path = tmp_path / "log.xlsx"
    write_log(data(sessions=(session(topic="bell\x07 tab\x0b next", issues=long),)), path)
    ws = load_workbook(path)["Sessions"]
    cols = headers(ws)
    assert ws.cell(2, cols.index("Topic") + 1).value == "bell tab\n next"
    issues = ws.cell(2, cols.index("Issues arising") + 1).value
    assert len(issues) == 32_767 and issues.endswith("…")


def test_teams_below_the_minimum_are_highlighted_and_charted(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    write_log(data(), path)
    wb = load_workbook(path)
    rules = [(str(rng.sqref), rule.formula) for rng in wb["Teams"].conditional_formatting
             for rule in rng.rules]
    status = headers(wb["Teams"]).index("Status") + 1
    letter = wb["Teams"].cell(1, status).column_letter
    last = wb["Teams"].cell(1, len(headers(wb["Teams"]))).column_letter  # the whole row
    assert (f"A2:{last}3", [f'${letter}2="behind pace"']) in rules
    assert not any('"No"' in f[0] for _r, f in rules)  # below the end minimum is not red
    assert any("ISNUMBER" in f[0] for _r, f in rules)
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = z.read(charts[0]).decode()
    assert len(charts) == 2  # the Summary's and the Chart sheet's
    bars = xml[xml.index("<c:barChart>"):xml.index("</c:barChart>")]
    line = xml[xml.index("<c:lineChart>"):xml.index("</c:lineChart>")]

    def refs(part: str) -> list[str]:
        return re.findall(r"<c:f>([^<]*)</c:f>", part.replace("'", ""))

    # hours per team, its pace and the minimum, on the same axes, from the Chart sheet's
    # figures ("T01 Team T01": the teams' names)
    ws = wb["Chart"]
    top = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Team")
    assert [ws.cell(top + 1, c).value for c in (1, 7, 8)] == ["T01 Team T01", None, 5]
    first, last = top + 1, top + 2
    assert refs(line) == [f"Chart!$A${first}:$A${last}", f"Chart!$G${first}:$G${last}",
                          f"Chart!$A${first}:$A${last}", f"Chart!$H${first}:$H${last}"]
    assert re.findall(r'<c:axId val="(\d+)"/>', bars) == re.findall(
        r'<c:axId val="(\d+)"/>', line)
    assert '<a:prstDash val="dash"/>' in line
    assert "<c:dPt>" not in bars  # each series one colour: the legend tells it true


def test_columns_are_found_by_attribute_so_headers_can_be_reworded(tmp_path: Path,
                                                                   monkeypatch) -> None:
    reworded = tuple(dataclasses.replace(c, header=f"{c.header} (new)") for c in logbook.TEAMS)
    monkeypatch.setattr(logbook, "TEAMS", reworded)
    monkeypatch.setattr(logbook, "SHEETS", tuple(
        (name, table, reworded if name == "Teams" else cols, attr)
        for name, table, cols, attr in logbook.SHEETS))
    path = tmp_path / "log.xlsx"
    write_log(data(), path)
    ws = load_workbook(path)["Teams"]
    heads = headers(ws)
    assert ws.cell(2, heads.index("Hours (new)") + 1).value == 1.5
    status = get_column_letter(heads.index("Status (new)") + 1)
    rules = [rule.formula for rng in ws.conditional_formatting for rule in rng.rules]
    assert [f'${status}2="behind pace"'] in rules  # still the "status" column


def test_every_column_shows_an_attribute_of_its_rows() -> None:
    rows = {"sessions": SessionRow, "teams": TeamRow, "coaches": CoachRow, "icf": IcfRow,
            "problems": Problem, "mentoring": MentoringRow, "signatures": SignatureRow}
    for _name, _table, columns, attr in logbook.SHEETS:
        fields = {f.name for f in dataclasses.fields(rows[attr])}
        assert [c.attr for c in columns if c.compute is None and c.attr not in fields] == []
        assert len({c.attr for c in columns}) == len(columns)  # one column per attribute


def test_an_empty_log_still_has_every_sheet_and_says_no_problems(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    write_log(LogData((), (), (), (), (), D(2026, 6, 30)), path)
    wb = load_workbook(path)
    assert wb["Sessions"].max_row == 1 or wb["Sessions"]["A2"].value is None
    assert wb["Problems"]["C2"].value == logbook.NO_PROBLEMS
    assert "No coaching records" in wb["Chart"]["A4"].value
    for ws in wb.worksheets:
        for table in ws.tables.values():
            assert table.ref.endswith("2")


def test_the_previous_log_is_replaced_only_by_a_complete_one(tmp_path: Path,
                                                             monkeypatch) -> None:
    path = tmp_path / "log.xlsx"
    write_log(data(), path)
    before = path.read_bytes()

    def broken_close(self) -> None:  # the disk fills up half way through the file
        if isinstance(self.filename, str | os.PathLike):
            Path(self.filename).write_bytes(b"PK half a workbook")
        else:
            self.filename.write(b"PK half a workbook")
        raise FileCreateError(OSError(28, "No space left on device"))

    monkeypatch.setattr(logbook.Workbook, "close", broken_close)
    with pytest.raises(DocgenError) as caught:
        write_log(data(sessions=()), path)
    assert "No space left" in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.xlsx"]  # no temporary left
    monkeypatch.undo()
    write_log(data(sessions=()), path)
    assert load_workbook(path)["Sessions"]["A2"].value is None


def test_a_log_that_cannot_be_written_says_where(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(DocgenError) as caught:
        write_log(data(), tmp_path / "a-file" / "log.xlsx")
    assert caught.value.problems[0].file.endswith("log.xlsx")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_log_renders_to_pdf_in_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "coaching_log.xlsx"
    write_log(data(), path)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "coaching_log.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5_000
    assert pdf.read_bytes().startswith(b"%PDF")


class _FullDisk(io.FileIO):
    """A file on a disk that fills up after ``room`` bytes."""

    room = 0

    def write(self, data) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


@pytest.mark.parametrize("where", ["log", "parts"])
@pytest.mark.parametrize("room", [0, 4096])
def test_a_full_disk_is_one_message_and_leaves_nothing_behind(tmp_path: Path, monkeypatch,
                                                              capsys, where: str,
                                                              room: int) -> None:
    """No "Exception ignored in ZipFile.__del__" after the message, no part files left."""
    import gc
    import sys
    import tempfile

    from docgen import atomic

    path = tmp_path / "log.xlsx"
    write_log(data(), path)
    before = path.read_bytes()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    if where == "log":  # the log itself cannot be written past ``room`` bytes
        _FullDisk.room = room

        def full_open(file, mode="r", *args, **kwargs):
            assert mode == "wb"
            return _FullDisk(file, "wb")

        monkeypatch.setattr(atomic, "open", full_open, raising=False)
    else:  # the temporary part files fill the disk half way through the package
        from xlsxwriter.packager import Packager

        def full(self, *args, **kwargs) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(Packager, "_write_styles_file", full)
    with pytest.raises(DocgenError) as caught:
        write_log(data(), path)
    gc.collect()  # whatever XlsxWriter left behind is collected now, inside the test
    assert "No space left on device" in str(caught.value)
    assert unraisable == []
    assert capsys.readouterr() == ("", "")
    assert path.read_bytes() == before  # the previous log is unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.xlsx", "scratch"]
    assert list(scratch.iterdir()) == []  # no part file of XlsxWriter's is left


# --- the rows docgen writes as sheet XML read back as XlsxWriter's own -------------------------

_TEXTS = st.one_of(st.text(max_size=30), st.sampled_from([
    *HOSTILE, "  leading", "trailing ", "a\nb\nc", "tab\there", "x" * 40000, "_x005F_", "a\x01b",
    "\ufffe", "word " * 40]))
# What a column of each kind holds in the log (and text, which any column may show).
_VALUES = {
    "text": _TEXTS, "wrap": _TEXTS,
    "date": st.one_of(st.dates(D(1900, 1, 1)), st.datetimes(dt.datetime(1900, 1, 1)), _TEXTS),
    "time": st.one_of(st.times(), _TEXTS),
    "hours": st.one_of(st.floats(-1e6, 1e6), st.floats(allow_nan=True, allow_infinity=True)),
    "int": st.one_of(st.integers(-10**15, 10**15), st.booleans()),
    "yesno": st.one_of(st.booleans(), _TEXTS),
}
_KINDS = tuple(_VALUES)


def _cells(path: Path) -> dict[str, object]:
    """Every cell's value, type and number format, the rows' heights and the columns'
    widths, the table and the sheet's size, as openpyxl reads them."""
    ws = load_workbook(path)["S"]
    return {"cells": [[(c.value, c.data_type, c.number_format, c.alignment.wrap_text)
                       for c in row] for row in ws.iter_rows()],
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "size": (ws.max_row, ws.max_column, ws.dimensions),
            "tables": [(t.name, t.ref) for t in ws.tables.values()]}


@settings(max_examples=40, deadline=None)
@given(kinds=st.lists(st.sampled_from(_KINDS), min_size=1, max_size=4), data=st.data())
def test_rows_written_as_sheet_xml_read_back_as_xlsxwriter_writes_them(
        tmp_path_factory, kinds: list[str], data: st.DataObject) -> None:
    """The big sheets' rows are written as XML by docgen (docgen.log.sheetdata), not cell by
    cell through XlsxWriter: any values, of any column kind, read back the same either way."""
    from xlsxwriter import Workbook

    from docgen.log.columns import Col

    columns = tuple(Col(f"Column {i}", f"c{i}", kind) for i, kind in enumerate(kinds))
    rows = [SimpleNamespace(**{f"c{i}": data.draw(st.one_of(st.none(), _VALUES[kind]))
                               for i, kind in enumerate(kinds)})
            for _ in range(data.draw(st.integers(0, 4)))]
    folder = tmp_path_factory.mktemp("rows")
    read = []
    for fast in (True, False):
        path = folder / f"{fast}.xlsx"
        wb = Workbook(str(path), {**logbook._OPTIONS, "tmpdir": str(folder)})
        sheet = logbook._write_sheet(logbook._Formats(wb), "S", "T", columns, rows,
                                     folder if fast else None)
        wb.close()
        assert isinstance(sheet, logbook.BodySheet) is fast and sheet_was_copied(sheet, fast)
        read.append(_cells(path))
    assert read[0] == read[1]


def sheet_was_copied(sheet: object, fast: bool) -> bool:
    return not fast or getattr(sheet, "copied", False)


@given(st.one_of(st.dates(D(1900, 1, 1)), st.times(), st.datetimes(dt.datetime(1900, 1, 1))))
def test_excel_serials_are_xlsxwriters(value: dt.date | dt.time) -> None:
    from xlsxwriter.utility import _datetime_to_excel_datetime

    from docgen.log.sheetdata import excel_serial

    assert excel_serial(value) == _datetime_to_excel_datetime(value, False, True)


def test_a_log_whose_rows_xlsxwriter_did_not_copy_is_refused(tmp_path: Path, monkeypatch
                                                             ) -> None:
    """Should a release of XlsxWriter stop calling the hook docgen's rows go in through,
    the log is not written without them; where the hook is missing, rows go cell by cell."""
    from docgen.log import sheetdata

    monkeypatch.setattr(sheetdata.BodySheet, "_write_sheet_data",
                        sheetdata.Worksheet._write_sheet_data)
    path = tmp_path / "log.xlsx"
    with pytest.raises(RuntimeError, match="did not write the rows of Sessions"):
        write_log(data(sessions=(session(),)), path)
    assert not path.exists()
    monkeypatch.setattr(sheetdata, "AVAILABLE", False)
    write_log(data(sessions=(session(),)), path)
    ws = load_workbook(path)["Sessions"]
    assert ws.cell(2, headers(ws).index("Topic") + 1).value == "Driver diagram"

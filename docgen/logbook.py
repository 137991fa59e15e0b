"""Write the coaching log workbook for managers, the way Excel users expect it.

Each sheet is an Excel table (filters, banded rows) with a frozen header, real dates, times and
numbers with UK formats, and widths that fit. Every text that came from a document is written
as text: openpyxl would otherwise store "=1+1" as a formula and "#N/A" as an error (FACTS.md),
so each string cell's type is set to text after assignment. The file is written beside its
target and renamed over it, so a previous log is replaced only by a complete one.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import uuid
import warnings
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from docgen.errors import DocgenError, Problem
from docgen.summary import LogData
from docgen.values import clean_text

__all__ = ["SHEETS", "write_log"]

DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "hh:mm"
HOURS_FORMAT = "0.00"
INT_FORMAT = "0"
MAX_CELL_TEXT = 32_767  # Excel's limit; openpyxl would cut silently
_MIN_WIDTH, _MAX_WIDTH, _WRAP_WIDTH = 8, 60, 36
_TABLE_STYLE = "TableStyleMedium2"
# Also set directly: LibreOffice does not draw Excel table styles, and a header must stand out.
_HEADER_FONT = Font(name="Calibri", size=11, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", start_color="1F5C7A", end_color="1F5C7A")
_MET_COLOUR, _BELOW_COLOUR, _MINIMUM_COLOUR = "2E7D32", "C62828", "1F1F1F"
_BELOW_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
_BELOW_FONT = Font(color="9C0006")
_QUIET_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
_QUIET_FONT = Font(color="9C5700")
QUIET_DAYS = 42  # six weeks without contact, for a programme meeting about monthly


@dataclass(frozen=True)
class Col:
    """One column of a log sheet: header, how to get the value from a row, and its kind."""

    header: str
    get: Callable[[object], object]
    kind: str = "text"  # text, wrap, date, time, hours, int, yesno
    note: str = ""
    wrap_at: int = 0  # for "wrap" columns: the width to wrap at, else the default


def _a(name: str) -> Callable[[object], object]:
    return lambda row: getattr(row, name)


SESSIONS = (
    Col("Team ID", _a("team_id")),
    Col("Team name", _a("team_name")),
    Col("Coach", _a("coach")),
    Col("Date", _a("date"), "date"),
    Col("Start", _a("start"), "time"),
    Col("Finish", _a("finish"), "time"),
    Col("Hours", _a("hours"), "hours"),
    Col("Hours from", _a("hours_from"), note="Where the hours come from: the start and finish "
        "times, or the programme's session length when no times were written."),
    Col("Mode", _a("mode")),
    Col("Status", _a("status"), note="held, cancelled, rescheduled, or planned (dated after "
        "the day the log was made)"),
    Col("Topic", _a("topic"), "wrap"),
    Col("Issues arising", _a("issues"), "wrap"),
    Col("Action", _a("action"), "wrap"),
    Col("Next meeting", _a("next_meeting"), "date"),
    Col("Comments", _a("comments"), "wrap"),
    Col("Source file", _a("source")),
    Col("Where in the file", _a("where")),
)
TEAMS = (
    Col("Team ID", _a("team_id")),
    Col("Team name", _a("team_name")),
    Col("Organisation", _a("organisation")),
    Col("Coach(es)", _a("coaches")),
    Col("Sessions held", _a("sessions_held"), "int"),
    Col("Email contacts", _a("email_contacts"), "int"),
    Col("Hours", _a("hours"), "hours"),
    Col("Minimum hours", _a("minimum_hours"), "hours"),
    Col("Met minimum", _a("met"), "yesno"),
    Col("Hours still needed", _a("hours_needed"), "hours"),
    Col("Sessions cancelled", _a("sessions_cancelled"), "int",
        note="Sessions cancelled or rescheduled"),
    Col("First session", _a("first_session"), "date"),
    Col("Last session", _a("last_session"), "date"),
    Col("Next meeting", _a("next_meeting"), "date"),
    Col("Review after (sessions)", _a("review_after"), "int"),
    Col("Review due", _a("review_due"), "yesno",
        note="Yes once the sessions held reach the review number"),
    Col("Days since last contact", _a("days_since_contact"), "int"),
    Col("Source file(s)", _a("sources")),
)
COACHES = (
    Col("Coach", _a("coach")),
    Col("Teams", _a("teams"), "int"),
    Col("Team names", _a("team_names"), "wrap"),
    Col("Sessions held", _a("sessions_held"), "int"),
    Col("Email contacts", _a("email_contacts"), "int"),
    Col("Hours", _a("hours"), "hours"),
    Col("Last contact", _a("last_contact"), "date"),
)
ICF = (
    Col("Coach", _a("coach"), note="Filter on your name, then copy the columns to its right "
        "into your ICF client coaching log."),
    Col("Client name", _a("client")),
    Col("Contact information", _a("contact"), "wrap",
        note="The team members named in the Record of Coaching forms"),
    Col("Individual/Group", _a("individual_or_group")),
    Col("Number in group", _a("number_in_group"), "int"),
    Col("Start date", _a("start_date"), "date"),
    Col("End date", _a("end_date"), "date"),
    Col("Paid hours", _a("paid_hours"), "hours"),
    Col("Pro bono hours", _a("pro_bono_hours"), "hours"),
)
PROBLEMS = (
    Col("File", lambda p: p.file),
    Col("Where", lambda p: " › ".join(
        x for x in (p.sheet, f"row {p.row}" if p.row is not None else None, p.column) if x)),
    Col("Problem", lambda p: p.message, "wrap", wrap_at=90),
)

# Sheet name, table name, columns, and the LogData attribute holding the rows.
SHEETS: tuple[tuple[str, str, tuple[Col, ...], str], ...] = (
    ("Sessions", "Sessions", SESSIONS, "sessions"),
    ("Teams", "Teams", TEAMS, "teams"),
    ("Coaches", "Coaches", COACHES, "coaches"),
    ("ICF log", "ICF_log", ICF, "icf"),
    ("Problems", "Problems", PROBLEMS, "problems"),
)
CHART_SHEET = "Chart"
NO_PROBLEMS = "No problems: every file was read in full."


def write_log(data: LogData, path: Path) -> None:
    """Write the coaching log for ``data`` to ``path``, replacing a previous log atomically.

    Raises :class:`DocgenError` naming the file if it cannot be written; the previous log
    (if any) is then left as it was.
    """
    wb = Workbook(write_only=True)  # rows stream out: ~2x faster, nothing kept per cell
    wb.properties.title = "Coaching log"
    wb.properties.subject = f"Coaching sessions read on {data.today:%d/%m/%Y}"
    wb.properties.creator = "docgen"
    sheets: dict[str, Worksheet] = {}
    for name, table_name, columns, attr in SHEETS:
        rows: Sequence[object] = getattr(data, attr)
        if attr == "problems" and not rows:
            rows = [Problem(NO_PROBLEMS)]
        sheets[name] = _write_sheet(wb, name, table_name, columns, rows)
    _mark_teams(sheets["Teams"], len(data.teams))
    _chart(wb, sheets["Teams"], data)
    _save_atomically(wb, Path(path))


# --- cells -----------------------------------------------------------------------------------


def text_value(value: str) -> str:
    """Return text fit for a cell: XML-illegal characters gone, within Excel's length."""
    text = clean_text(value)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def _set(cell: Cell, value: object, kind: str) -> None:
    """Put a value in a cell; text stays literal text, dates and numbers get their format."""
    if kind == "yesno" and isinstance(value, bool):
        value = "Yes" if value else "No"
    if value is None or value == "":
        cell.value = None
        return
    if isinstance(value, str):
        cell.value = text_value(value)
        cell.data_type = "s"  # else "=..." is a formula and "#N/A" an error
        return
    cell.value = value
    number_format = _NUMBER_FORMATS.get(kind)
    if isinstance(value, dt.date | dt.datetime):
        number_format = DATE_FORMAT
    elif isinstance(value, dt.time):
        number_format = TIME_FORMAT
    if number_format and cell.number_format != number_format:
        cell.number_format = number_format


_NUMBER_FORMATS = {"date": DATE_FORMAT, "time": TIME_FORMAT, "hours": HOURS_FORMAT,
                   "int": INT_FORMAT}


def _column_styles(ws: Worksheet, columns: tuple[Col, ...]) -> list[StyleArray]:
    """Return each column's cell style: alignment and number format by the column's kind.

    Styling every cell through openpyxl's style properties hashes the style objects each
    time, which made writing three times slower; the styles are built once per column and
    copied to each cell.
    """
    top_wrap = Alignment(vertical="top", wrap_text=True)
    top_centre = Alignment(vertical="top", horizontal="center")
    styles = []
    for col in columns:
        cell = WriteOnlyCell(ws)
        cell.alignment = top_centre if col.kind in ("yesno", "int") else top_wrap
        cell.number_format = _NUMBER_FORMATS.get(col.kind, "General")
        styles.append(copy(cell._style))
    return styles


def _width(col: Col, values: list[object]) -> float:
    """Return a width that fits the header and the values; long text wraps instead."""
    if col.kind == "date":
        longest = 10
    elif col.kind == "time":
        longest = 5
    elif col.kind in ("hours", "int", "yesno"):
        longest = 6
    else:
        longest = max(
            (len(line) for v in values if isinstance(v, str) for line in v.splitlines()),
            default=0,
        )
        if col.kind == "wrap":
            longest = min(longest, col.wrap_at or _WRAP_WIDTH)
    header = max(len(word) for word in col.header.split())  # headers wrap between words
    # The filter button takes about 3 characters of the header cell.
    return float(min(max(longest, header + 3, len(col.header) * 0.55 + 3, _MIN_WIDTH),
                     _MAX_WIDTH) + 1.5)


def _lines(value: object, width: float) -> int:
    """Return how many lines a text takes in a column of ``width`` characters, wrapped."""
    if not isinstance(value, str):
        return 1
    per_line = max(width - 1.5, 1)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in value.split("\n"))


# --- sheets ----------------------------------------------------------------------------------


def _write_sheet(wb: Workbook, name: str, table_name: str, columns: tuple[Col, ...],
                 rows: Sequence[object]) -> Worksheet:
    """Write one sheet as an Excel table: header, rows, formats, widths, frozen header."""
    ws = wb.create_sheet(name)
    styles = _column_styles(ws, columns)
    cells: list[list[Cell]] = []
    for row in rows:
        line = []
        for c, col in enumerate(columns):
            cell = WriteOnlyCell(ws)
            cell._style = copy(styles[c])  # one style per column, set once (fast)
            _set(cell, col.get(row), col.kind)
            line.append(cell)
        cells.append(line)
    shown = [[line[c].value for line in cells] for c in range(len(columns))]
    # A write-only sheet writes widths and heights as rows stream out: set them first.
    widths = [_width(col, shown[c]) for c, col in enumerate(columns)]
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[1].height = 32
    for r in range(len(rows)):
        lines = max((_lines(values[r], width) for values, width in zip(shown, widths,
                                                                        strict=True)),
                    default=1)
        if lines > 1:  # neither openpyxl nor LibreOffice's converter sizes wrapped rows
            ws.row_dimensions[r + 2].height = min(15 * lines + 2, 409)
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws)
        _set(cell, col.header, "text")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        if col.note:
            cell.comment = Comment(col.note, "docgen", width=260, height=90)
        header.append(cell)
    ws.freeze_panes = "A2"  # written with the first row in a write-only sheet: set it before
    ws.append(header)
    for line in cells:
        ws.append(line)
    if not rows:
        ws.append([None] * len(columns))  # a table needs a row under its header
    last_row = max(len(rows) + 1, 2)
    last_col = get_column_letter(len(columns))
    table = Table(displayName=table_name, ref=f"A1:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name=_TABLE_STYLE, showRowStripes=True)
    # A write-only sheet cannot read its header back: name the table's columns here.
    table.tableColumns = [TableColumn(id=i, name=col.header)
                          for i, col in enumerate(columns, start=1)]
    table.autoFilter = AutoFilter(ref=table.ref)
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even when we did
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _column(columns: tuple[Col, ...], header: str) -> str:
    return get_column_letter(next(i for i, c in enumerate(columns, 1) if c.header == header))


def _mark_teams(ws: Worksheet, n: int) -> None:
    """Colour teams below the minimum light red, and teams not seen for weeks amber."""
    last = get_column_letter(len(TEAMS))
    rows = f"A2:{last}{max(n + 1, 2)}"
    days = _column(TEAMS, "Days since last contact")
    ws.conditional_formatting.add(
        f"{days}2:{days}{max(n + 1, 2)}",
        FormulaRule(formula=[f"AND(ISNUMBER({days}2),{days}2>={QUIET_DAYS})"],
                    fill=_QUIET_FILL, font=_QUIET_FONT))
    met = _column(TEAMS, "Met minimum")
    ws.conditional_formatting.add(
        rows, FormulaRule(formula=[f'${met}2="No"'], fill=_BELOW_FILL, font=_BELOW_FONT))


def _chart(wb: Workbook, teams: Worksheet, data: LogData) -> None:
    """Add a sheet with a bar chart of hours per team and a line at each team's minimum."""
    ws = wb.create_sheet(CHART_SHEET)
    n = len(data.teams)
    title, note = WriteOnlyCell(ws), WriteOnlyCell(ws)
    _set(title, f"Coaching hours per team, as of {data.today:%d/%m/%Y}", "text")
    title.font = Font(name="Calibri", bold=True, size=14)
    _set(note, "Green: minimum met. Red: below the minimum (dashed line). "
               "Teams by Team ID, as on the Teams sheet.", "text")
    ws.append([title])
    ws.append([note])
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if n == 0:
        empty = WriteOnlyCell(ws)
        _set(empty, "No coaching records were read.", "text")
        ws.append([])
        ws.append([empty])
        return

    def ref(header: str, first: int) -> Reference:
        index = next(i for i, c in enumerate(TEAMS, 1) if c.header == header)
        return Reference(teams, min_col=index, min_row=first, max_row=n + 1)

    bars = BarChart()
    bars.type = "col"
    bars.title = "Coaching hours per team against the minimum"
    bars.y_axis.title = "Hours"
    bars.add_data(ref("Hours", 1), titles_from_data=True)
    # Team IDs, not names: long names squeeze the plot to a sliver (the Teams sheet has them)
    bars.set_categories(ref("Team ID", 2))
    bars.y_axis.delete = False
    bars.x_axis.delete = False
    bars.legend.position = "b"
    bars.y_axis.number_format = "0"
    bars.y_axis.scaling.min = 0
    series = bars.series[0]
    series.graphicalProperties.solidFill = _MET_COLOUR
    for i, team in enumerate(data.teams):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = _MET_COLOUR if team.met else _BELOW_COLOUR
        series.dPt.append(point)

    line = LineChart()
    line.add_data(ref("Minimum hours", 1), titles_from_data=True)
    line.y_axis.axId = bars.y_axis.axId  # the same scale as the bars
    line.series[0].graphicalProperties.line.solidFill = _MINIMUM_COLOUR
    line.series[0].graphicalProperties.line.width = 28575
    line.series[0].graphicalProperties.line.dashStyle = "dash"
    line.series[0].smooth = False
    bars += line

    bars.width = min(max(16.0, 1.6 * n + 6), 60.0)
    bars.height = 11.0
    bars.x_axis.title = "Team ID"
    ws.add_chart(bars, "A4")


# --- the file --------------------------------------------------------------------------------


def _save_atomically(wb: Workbook, path: Path) -> None:
    """Save beside the target, then rename over it, so readers never see a partial file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        # os.open with 0o666 lets the umask decide permissions, as for any file the user saves.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                wb.save(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise DocgenError(Problem(
            f"cannot be written ({exc.strerror or exc}): the previous log, if any, is "
            "unchanged", file=str(path))) from None

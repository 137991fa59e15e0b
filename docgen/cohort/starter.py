"""Write a cohort workbook that people can fill in without reading the manual.

``docgen init`` uses :func:`write_cohort_workbook` with no rows to hand an admin an empty,
guided workbook; ``tools/make_sample_cohort.py`` and the tests pass rows to get a filled one.
Header text comes only from :mod:`docgen.schema`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from docgen import schema
from docgen.atomic import atomic_file
from docgen.schema import INSTRUCTIONS, Column, Kind, Sheet

LAST_ROW = 1000  # drop-downs, prompts and formats reach this far, so new rows get them too
DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "hh:mm"

_FONT = "Calibri"  # named, or LibreOffice falls back to a serif font
_HEADER_FONT = Font(name=_FONT, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", start_color="1F5C7A")  # optional column
_REQUIRED_FILL = PatternFill("solid", start_color="9C3D10")  # required column
_SECTION_FILL = PatternFill("solid", start_color="DCE9F0")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_LEFT_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_CENTRED = Alignment(horizontal="center", vertical="top")  # short numbers and times
_MIN_WIDTH, _MAX_WIDTH = 10, 50
_LINE_HEIGHT = 15.0  # points per line of 11 pt text
_COMMENT_AUTHOR = "docgen"

Rows = dict[str, list[dict[str, object]]]


def write_cohort_workbook(path: Path, rows: Rows | None = None) -> None:
    """Write a cohort workbook to ``path``, atomically, so a crash never leaves half a file.

    ``rows`` maps a sheet name ("Teams", "Sessions", "Mentoring") to row dicts keyed by the
    schema column key (``team_id``, ``first_session`` …); keys the schema does not know become
    extra columns, as the reader keeps them too. ``rows["Programme"]`` holds dicts of setting
    key → value that override the defaults. Without rows the workbook is empty but guided:
    an Instructions sheet, headers, drop-downs and formats.
    """
    rows = rows or {}
    unknown = set(rows) - {s.name for s in schema.SHEETS}
    if unknown:
        raise ValueError(f"no such sheet in the cohort workbook: {', '.join(sorted(unknown))}")

    wb = Workbook()
    _write_instructions(wb.active)
    for sheet in schema.SHEETS:
        ws = wb.create_sheet(sheet.name)
        if sheet is schema.PROGRAMME:
            _write_programme(ws, _programme_values(rows.get(sheet.name)))
        else:
            _write_table(ws, sheet, rows.get(sheet.name) or [])
    wb.active = 0
    _save(wb, Path(path))


# --- Instructions ----------------------------------------------------------------------------


def _write_instructions(ws: Worksheet) -> None:
    """Fill the Instructions sheet: what each sheet and column is for, and what to do next."""
    ws.title = INSTRUCTIONS
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 76
    ws.sheet_view.showGridLines = False

    def line(text: str = "", *, bold: bool = False, size: int | None = None) -> None:
        ws.append([text or None])
        cell = ws.cell(ws.max_row, 1)
        cell.font = Font(name=_FONT, bold=bold, size=size)
        if len(text) > 30:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=3)
            cell.alignment = _TOP_WRAP
            # Spreadsheet programs do not grow merged rows to fit, so size them here.
            ws.row_dimensions[ws.max_row].height = _LINE_HEIGHT * _lines(text, 28 + 20 + 76)
        if size:
            ws.row_dimensions[ws.max_row].height = size * 1.6

    def section(title: str) -> None:
        ws.append([title, None, None])
        for cell in ws[ws.max_row]:
            cell.font = Font(name=_FONT, bold=True, size=12)
            cell.fill = _SECTION_FILL

    def table_header(*titles: str) -> None:
        ws.append(list(titles))
        for cell in ws[ws.max_row]:
            cell.font = Font(name=_FONT, bold=True)

    line("Cohort workbook for docgen", bold=True, size=16)
    line(
        "Fill in one sheet per kind of information, then let docgen check it and write one "
        "coaching contract per team and one mentor agreement per mentoring pair. Keep the "
        "header row of each sheet as it is: docgen finds columns by their header. Extra "
        "columns you add are kept and can be used in your own templates."
    )
    line(
        "Header cells in dark red are required; hover over any header for help, or select a "
        "cell to see what to type."
    )
    line()

    for sheet in schema.SHEETS:
        optional = "" if sheet.required else " (optional)"
        section(f"{sheet.name} sheet{optional}")
        line(sheet.help)
        if sheet is schema.PROGRAMME:
            table_header("Setting", "Default", "What it means")
            for column, default in schema.PROGRAMME_SETTINGS:
                ws.append([column.header, _typed_default(column, default), column.help])
                _wrap_last_row(ws)
        else:
            table_header("Column", "Required", "What to type")
            for column in sheet.columns:
                ws.append([column.header, "Yes" if column.required else "", _column_help(column)])
                _wrap_last_row(ws)
        line()

    section("Typing dates and times")
    line(
        "Dates are read the UK way, day first: type 03/04/2026 for 3 April 2026 (dd/mm/yyyy). "
        "Real Excel dates work best; text such as 3/4/2026 is understood too."
    )
    line("Times may be typed as 14:00, 2pm or 2:30 pm. Leave the times empty for email contact.")
    line()
    section("Checks docgen makes")
    line("Every Team ID on the Teams sheet must be unique: it names the team's contract.")
    line("Every Team ID on the Sessions sheet must exist on the Teams sheet.")
    line(
        "Blank Venue, Frequency, Duration or Review after sessions on the Teams sheet take the "
        "value from the Programme sheet."
    )
    line()
    section("Next steps")
    line("1. Save this workbook, e.g. as cohort.xlsx.")
    line("2. Check it: docgen check cohort.xlsx  (lists every problem with sheet, row, column)")
    line("3. Write the documents: docgen generate cohort.xlsx")
    _fit_row_heights(ws, first_row=1)
    _fit_page(ws, landscape=False)


def _wrap_last_row(ws: Worksheet) -> None:
    """Let the help texts of the row just appended wrap inside their column."""
    for cell in ws[ws.max_row]:
        cell.alignment = _LEFT_WRAP  # left-aligns numbers, which sit beside text here


def _column_help(column: Column) -> str:
    """Return the help shown for a column: the schema's text, else a hint from its kind."""
    hints = {
        Kind.NAMES: "Names separated by ; or new lines",
        Kind.DATE: "A date, dd/mm/yyyy",
        Kind.TIME: "A time, e.g. 14:00 or 2pm",
        Kind.INT: "A whole number",
        Kind.EMAIL: "An e-mail address",
        Kind.MODE: "Choose from the list: " + ", ".join(schema.MODES),
        Kind.YESNO: "Choose Yes or No",
    }
    return column.help or hints.get(column.kind, "")


# --- Programme -------------------------------------------------------------------------------


def _programme_values(given: object) -> dict[str, object]:
    """Merge the defaults with the overrides, keyed by setting key, in schema order."""
    values: dict[str, object] = {
        column.key: _typed_default(column, default)
        for column, default in schema.PROGRAMME_SETTINGS
    }
    if isinstance(given, Mapping):
        given = [given]
    for overrides in given or []:
        values.update(overrides)
    return values


def _typed_default(column: Column, default: str) -> object:
    """Return a default as the type the cell should hold: numbers as numbers."""
    if column.kind is Kind.INT and default.strip().isdigit():
        return int(default)
    return default


def _write_programme(ws: Worksheet, values: dict[str, object]) -> None:
    """Write the two-column Setting | Value sheet; help goes into cell comments, not columns."""
    _write_header(ws, schema.PROGRAMME)
    settings = {column.key: column for column, _default in schema.PROGRAMME_SETTINGS}
    for row, (key, value) in enumerate(values.items(), start=2):
        column = settings.get(key, Column(key))
        name_cell = ws.cell(row, 1)
        _set(name_cell, column.header)
        name_cell.font = Font(name=_FONT, bold=True)
        if column.help:
            name_cell.comment = _comment(column.help)
        _set(ws.cell(row, 2), _coerce(column, value))
        ws.cell(row, 2).alignment = Alignment(horizontal="left")
        choices = schema.YES_NO if column.kind is Kind.YESNO else column.choices
        if choices:
            dv = _list_validation(choices, column.header)
            ws.add_data_validation(dv)
            dv.add(f"B{row}")
    ws.column_dimensions["A"].width = 26
    longest = max((len(str(v)) for v in values.values() if v is not None), default=0)
    ws.column_dimensions["B"].width = min(max(40, longest + 4), 90)
    _finish(ws, 2)


# --- Teams, Sessions, Mentoring --------------------------------------------------------------


def _write_table(ws: Worksheet, sheet: Sheet, rows: list[dict[str, object]]) -> None:
    """Write one header row, then the rows, with formats, drop-downs and prompts per column."""
    columns = list(sheet.columns)
    known = {c.key for c in columns}
    for row in rows:
        columns += [Column(key) for key in row if key not in known]
        known |= set(row)
    _write_header(ws, sheet, columns)

    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            cell = ws.cell(r, c)
            _set(cell, _coerce(column, row.get(column.key)))
            cell.font = Font(name=_FONT)
            cell.alignment = _CENTRED if column.kind in (Kind.INT, Kind.TIME) else _TOP_WRAP

    for c, column in enumerate(columns, start=1):
        letter = get_column_letter(c)
        _format_column(ws, column, letter, len(rows))
        dv = _validation_for(column)
        if sheet is schema.SESSIONS and column.key == _TEAM_ID:
            dv = _teams_list(column.header)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
        ws.column_dimensions[letter].width = _width(
            column, (ws.cell(r, c).value for r in range(2, len(rows) + 2))
        )
    if not rows:
        _write_example(ws, sheet, columns)
    _fit_row_heights(ws, first_row=2)
    header_lines = max(_lines(c.header, _col_width(ws, i) / 1.15) for i, c in enumerate(columns, 1))
    ws.row_dimensions[1].height = _LINE_HEIGHT * header_lines + 3
    _finish(ws, len(columns))


_TEAM_ID = schema.TEAMS.columns[0].key
_EXAMPLE_FONT = Font(name=_FONT, italic=True, color="808080")


def _write_example(ws: Worksheet, sheet: Sheet, columns: list[Column]) -> None:
    """Write the sheet's example row in grey italics; its "e.g." mark makes reading skip it."""
    example = schema.EXAMPLE_ROWS.get(sheet.name, {})
    for c, column in enumerate(columns, start=1):
        if column.key in example:
            cell = ws.cell(2, c)
            _set(cell, example[column.key])
            cell.font = _EXAMPLE_FONT


def _teams_list(title: str) -> DataValidation:
    """Return the Sessions sheet's Team ID drop-down: the IDs typed on the Teams sheet."""
    letter = get_column_letter(1 + [c.key for c in schema.TEAMS.columns].index(_TEAM_ID))
    dv = DataValidation(type="list", allow_blank=True,
                        formula1=f"'{schema.TEAMS.name}'!${letter}$2:${letter}${LAST_ROW}")
    dv.errorStyle = "warning"  # a team added later is still accepted, with a reminder
    dv.errorTitle = dv.promptTitle = title[:32]
    dv.error = f"That Team ID is not on the {schema.TEAMS.name} sheet yet."
    dv.prompt = f"Choose a Team ID from the {schema.TEAMS.name} sheet."
    dv.showErrorMessage = dv.showInputMessage = True
    return dv


def _write_header(ws: Worksheet, sheet: Sheet, columns: list[Column] | None = None) -> None:
    """Write a bold, filled header row; required columns differ by colour and a comment."""
    for c, column in enumerate(columns or sheet.columns, start=1):
        cell = ws.cell(1, c)
        _set(cell, column.header)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        note = _column_help(column)
        if column.required:
            note = f"Required. {note}".strip()
        if note:
            cell.comment = _comment(note)


def _format_column(ws: Worksheet, column: Column, letter: str, n_rows: int) -> None:
    """Give date and time cells UK formats: the filled cells, and the column for new ones."""
    number_format = {Kind.DATE: DATE_FORMAT, Kind.TIME: TIME_FORMAT}.get(column.kind)
    if number_format is None:
        return
    ws.column_dimensions[letter].number_format = number_format
    for r in range(2, n_rows + 2):
        ws[f"{letter}{r}"].number_format = number_format


def _validation_for(column: Column) -> DataValidation | None:
    """Return the drop-down or typing prompt for a column's empty and filled cells."""
    title = column.header[:32]  # Excel's limit for a prompt title
    if column.kind is Kind.MODE:
        return _list_validation(schema.MODES, title)
    if column.kind is Kind.YESNO:
        return _list_validation(schema.YES_NO, title)
    prompt = _column_help(column)
    if column.kind is Kind.DATE:
        # A warning, not a stop: text dates are accepted by docgen and need not be retyped.
        dv = DataValidation(type="date", operator="greaterThan", formula1="36526")
        dv.errorStyle = "warning"
        dv.error = "docgen expects a date typed day first, dd/mm/yyyy."
    elif column.kind is Kind.TIME:
        dv = DataValidation(type="time", operator="between", formula1="0", formula2="0.99999")
        dv.errorStyle = "warning"
        dv.error = "docgen expects a time such as 14:00 or 2pm."
    elif column.kind is Kind.INT:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        dv.errorStyle = "warning"
        dv.error = "docgen expects a whole number."
    elif prompt or column.required:
        dv = DataValidation(allow_blank=True)
    else:
        return None
    dv.allow_blank = True
    dv.showErrorMessage = dv.type is not None
    dv.errorTitle = title
    dv.promptTitle = title
    dv.prompt = (("Required. " if column.required else "") + prompt)[:255]
    dv.showInputMessage = True
    return dv


def _list_validation(choices: Iterable[str], title: str) -> DataValidation:
    """Return a drop-down limited to ``choices``."""
    listed = ",".join(choices)
    dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
    dv.errorTitle = title[:32]
    dv.error = f"Choose one of: {listed.replace(',', ', ')}"
    dv.promptTitle = title[:32]
    dv.prompt = f"Choose from the list: {listed.replace(',', ', ')}"
    dv.showErrorMessage = True
    dv.showInputMessage = True
    return dv


def _width(column: Column, values: Iterable[object]) -> float:
    """Return a column width that fits the header and most values; long text wraps instead."""
    if column.kind is Kind.DATE:
        longest = 11
    elif column.kind is Kind.TIME:
        longest = 8
    else:
        longest = max(
            (len(line) for v in values if v is not None for line in str(v).splitlines()),
            default=0,
        )
    header = max(len(word) for word in column.header.split())  # headers wrap between words
    return float(min(max(longest, header, len(column.header) * 0.6, _MIN_WIDTH), _MAX_WIDTH) + 2)


def _lines(text: str, width: float) -> int:
    """Estimate how many lines wrapped text takes in a column ``width`` characters wide."""
    per_line = max(width * 1.05 - 1.5, 1.0)  # text is a little narrower than "0"s
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _col_width(ws: Worksheet, index: int) -> float:
    """Return a column's width in characters (openpyxl's default when none was set)."""
    return ws.column_dimensions[get_column_letter(index)].width or 13.0


def _fit_row_heights(ws: Worksheet, first_row: int) -> None:
    """Give rows with wrapping text room for every line; LibreOffice does not grow them."""
    merged = {cell for rng in ws.merged_cells.ranges for cell in rng.cells}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and (cell.row, cell.column) not in merged:
                lines = max(lines, _lines(cell.value, _col_width(ws, cell.column)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = _LINE_HEIGHT * lines + 2


def _finish(ws: Worksheet, n_columns: int) -> None:
    """Freeze the header, switch on filters and make the sheet print one page wide."""
    last = get_column_letter(n_columns)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{max(ws.max_row, 2)}"
    ws.print_title_rows = "1:1"
    _fit_page(ws, landscape=n_columns > 4)


def _fit_page(ws: Worksheet, *, landscape: bool) -> None:
    """Print (and convert to PDF) one page wide, so no column lands on a page of its own."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- cells and files -------------------------------------------------------------------------


def _coerce(column: Column, value: object) -> object:
    """Return a value as the cell should hold it: name lists joined, whole numbers as ints."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if column.kind is Kind.INT and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def _set(cell: Cell, value: object) -> None:
    """Put a value in a cell; text stays text (never a formula) and loses XML-illegal bytes."""
    if value == "":
        value = None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub(
            lambda m: "\n" if m.group() in "\x0b\x0c" else "", value
        )
        cell.value = value
        cell.data_type = "s"  # else "=..." becomes a formula and "#N/A" an error
        return
    cell.value = value
    if isinstance(value, dt.datetime | dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.time):
        cell.number_format = TIME_FORMAT


def _comment(text: str) -> Comment:
    """Return a cell comment sized to show its text without scrolling."""
    comment = Comment(text, _COMMENT_AUTHOR)
    comment.width = 260
    comment.height = 40 + 18 * (len(text) // 38 + 1)
    return comment


def _save(wb: Workbook, path: Path) -> None:
    """Save ``wb`` so that a reader never sees half a workbook."""
    with atomic_file(path, durable=True) as fh:
        wb.save(fh)


__all__ = ["DATE_FORMAT", "INSTRUCTIONS", "LAST_ROW", "TIME_FORMAT", "write_cohort_workbook"]

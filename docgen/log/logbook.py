"""Write the coaching log workbook for managers, the way Excel users expect it.

Each sheet is an Excel table (filters, banded rows) with a frozen header, real dates, times and
numbers with UK formats, and widths that fit. The file is written beside its target and renamed
over it, so a previous log is replaced only by a complete one.

XlsxWriter writes the log, for speed (workbooks are read by calamine, see ``sheets.py``;
openpyxl writes the starter workbook). A log of 1,000 records is about 61,000 cells: openpyxl
spent about 16 µs on each, even write-only, so writing took about 0.9 s and kept ``docgen
log`` below its target of 500 records a second; XlsxWriter writes the same log in ~0.35 s,
and in ~0.2 s with the rows under each table's header written as XML by docgen
(:mod:`docgen.log.sheetdata`), which also spares holding every cell until the end.

Every text that came from a document is written as literal text, never as a formula, link,
number or error ("=1+1", "http://…", "#N/A" stay as typed): always as a string cell (with
``write_string``, never ``write()``, which guesses), and the workbook's guessing options are
off as well. One trap of XlsxWriter's is stepped round: it takes a string shaped
``<r>…</r>`` for rich-text XML of its own and writes it unescaped, so such a text is written
as plain runs instead. Empty values are left out (a blank cell); each column's format is set
on the column, so a blank shows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from xlsxwriter import Workbook
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.sharedstrings import SharedStringTable
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from docgen.atomic import atomic_file, clear_abandoned, work_folder
from docgen.errors import DocgenError, Problem, os_problem
from docgen.log import sheetdata
from docgen.log.columns import (
    COHORT,
    MAX_CELL_TEXT,
    SHEETS,
    TEAMS,
    WRAP_WIDTH,
    Col,
    excel_length,
    row_height,
    wrapped_line,
    wrapped_lines,
)
from docgen.log.overview import Table, chart_label, overview
from docgen.log.sheetdata import Body, BodySheet, excel_serial
from docgen.log.sink import Sink
from docgen.models import LogData, TeamStatus
from docgen.ooxml.properties import core_properties
from docgen.values import clean_text

__all__ = ["SHEETS", "write_log"]

DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "hh:mm"
HOURS_FORMAT = "0.00"
INT_FORMAT = "0"
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_TABLE_STYLE = "Table Style Medium 2"
# Also set directly: LibreOffice does not draw Excel table styles, and a header must stand out.
_HEADER = {"font_name": "Calibri", "font_size": 11, "bold": True, "font_color": "#FFFFFF",
           "bg_color": "#1F5C7A", "pattern": 1, "valign": "vcenter", "text_wrap": True}
_MET_COLOUR, _BELOW_COLOUR, _MINIMUM_COLOUR = "#2E7D32", "#C62828", "#1F1F1F"
_ON_TRACK_COLOUR, _QUIET_COLOUR, _PACE_COLOUR = "#7CB342", "#F9A825", "#1F5C7A"
_BELOW = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
_QUIET = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
_GOOD = {"bg_color": "#C6EFCE", "font_color": "#006100"}
_ABSENT = {"bg_color": "#D9D9D9", "font_color": "#1F1F1F", "bold": True}
QUIET_DAYS = 42  # six weeks without contact, for a programme meeting about monthly
_NOTE = {"author": "docgen", "width": 260, "height": 90}  # pixels, as before
_PIXELS_PER_CHARACTER = 7  # Calibri 11's digit width, as Excel and XlsxWriter count
PRINT_CHARACTERS = 180  # column width one A4 landscape page holds with text at ~80 % size
_CM = 96 / 2.54  # XlsxWriter sizes charts in pixels at 96 per inch
_OPTIONS = {
    # Text stays text whatever it looks like (belt and braces: only write_string is used).
    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    # XlsxWriter keeps every cell until the file is closed: at 10,000 records docgen log
    # peaks at 183 MiB, 110 MiB when the workbook is not written (44 MiB at 500 records).
    # Its constant_memory mode would not hold them, but refuses add_table() (each sheet is an
    # Excel table) and drops what is written above the current row (the header, which the
    # table writes, and row heights, known once the widths are) without a word.
    "constant_memory": False,
    "in_memory": False,  # parts go through temporary files: memory ~90 MB lower at 5,000
}


CHART_SHEET = "Chart"
NO_PROBLEMS = "No problems: every file was read in full."


_LOG_TITLE = "Coaching log"
_LOG_AUTHOR = "docgen"


def check_output(path: Path) -> None:
    """Refuse a log file name that would replace something other than a log docgen wrote.

    ``-o`` names the workbook the log replaces whole: never a record, the cohort workbook or
    any other file by mistake. Raises :class:`DocgenError` with the way out.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DocgenError(Problem(
            "is not a name for the log: the log is an Excel workbook, so give -o a name "
            "ending in .xlsx", file=str(path)))
    if path.is_dir():
        raise DocgenError(Problem("is a folder: give -o the workbook's file name, e.g. "
                                  f"{path / 'coaching_log.xlsx'}", file=str(path)))
    if path.exists() and not _is_a_log(path):
        raise DocgenError(Problem(
            "is not a coaching log docgen wrote, and writing the log would replace it: choose "
            "another name with -o, or move that file away first", file=str(path)))


def _is_a_log(path: Path) -> bool:
    """Tell whether ``path`` is a workbook docgen wrote as a log (by its title and author)."""
    core = core_properties(path)
    return core is not None and (core.get("title"), core.get("creator")) == (
        _LOG_TITLE, _LOG_AUTHOR)


def saved_since(path: Path, written: str | None) -> bool:
    """Tell whether the log at ``path`` was saved by someone since docgen wrote it: its digest
    is not ``written`` (the one docgen recorded), or, with none recorded, its properties say
    another program saved it (Excel and LibreOffice set who saved it, and when)."""
    if written is not None:
        try:
            with open(path, "rb") as fh:
                return hashlib.file_digest(fh, "sha256").hexdigest() != written
        except OSError:
            return False
    core = core_properties(path)
    if core is None:
        return False
    by, created, modified = (core.get(k) for k in ("lastModifiedBy", "created", "modified"))
    return (by is not None and by.strip() != _LOG_AUTHOR) or (
        created is not None and modified is not None and created != modified)


def write_log(data: LogData, path: Path, source: str = "") -> None:
    """Write the coaching log for ``data`` to ``path``, replacing a previous log atomically.

    ``source`` names where the teams issued were read (the cohort), for the Summary sheet.

    Raises :class:`DocgenError` naming the file if it cannot be written; the previous log
    (if any) is then left as it was.
    """
    path = Path(path)
    try:
        # XlsxWriter writes each part to a temporary file first: in a folder of our own, so
        # that a failure half way (a full disk) leaves none of them behind.
        clear_abandoned(path.parent)  # what a killed run left beside the log, and in /tmp
        clear_abandoned()
        with work_folder("log") as parts, atomic_file(path, durable=True) as fh:
            sink = Sink(fh)
            try:
                wb = Workbook(sink, {**_OPTIONS, "tmpdir": parts})
                _fill(wb, data, source, Path(parts))
                wb.close()  # writes the whole file; FileCreateError wraps an OSError
                sheetdata.check_copied(wb.worksheets())
            except BaseException:
                sink.abandon()
                raise
    except (OSError, FileCreateError) as exc:
        cause = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
        if not isinstance(cause, OSError):
            cause = OSError(0, str(cause))
        problem = os_problem(cause, "cannot be written", path)
        raise DocgenError(Problem(f"{problem.message}; the previous log, if any, is "
                                  "unchanged", file=problem.file)) from None


def _fill(wb: Workbook, data: LogData, source: str = "", folder: Path | None = None) -> None:
    """Add every sheet of the log to ``wb``: the Summary first, the Chart last.

    With a ``folder``, the rows of the big sheets are written there first (see
    :mod:`docgen.log.sheetdata`); without, cell by cell through XlsxWriter.
    """
    wb.set_properties({"title": _LOG_TITLE, "author": _LOG_AUTHOR,
                       "subject": f"Coaching sessions read on {data.today:%d/%m/%Y}"})
    formats = _Formats(wb)
    summary = wb.add_worksheet(SUMMARY_SHEET)  # first: the sheet a manager opens on
    sheets: dict[str, Worksheet] = {}
    shown: dict[str, tuple[Col, ...]] = {}
    several = len({c for c in data.cohorts if c}) > 1  # a record naming none is of either
    for name, table_name, columns, attr in SHEETS:
        rows: Sequence[object] = getattr(data, attr)
        if attr == "problems":
            # what the log cannot show (no cohort given) follows the problems, with no file
            rows = _Joined(rows or [Problem(NO_PROBLEMS)], [Problem(n) for n in data.notes])
        if not several:  # one cohort: its name on every row would say nothing
            columns = tuple(c for c in columns if c.attr != COHORT.attr)
        shown[attr] = columns
        sheets[name] = _write_sheet(formats, name, table_name, columns, rows, folder)
    _mark_teams(sheets["Teams"], formats, len(data.teams), shown.get("teams", TEAMS))
    _chart_data(formats, data, folder)
    _summary(formats, summary, data, source)


class _Joined(Sequence[object]):
    """Sequences gone through one after the other, not copied into one list: the
    problems are read back from their file (see :mod:`docgen.log.spilled`) as written."""

    def __init__(self, *parts: Sequence[object]) -> None:
        self._parts = parts

    def __len__(self) -> int:
        return sum(map(len, self._parts))

    def __iter__(self) -> Iterator[object]:
        return itertools.chain.from_iterable(self._parts)

    def __getitem__(self, index: int) -> object:  # type: ignore[override]
        return list(self)[index]


# --- cells -----------------------------------------------------------------------------------


def text_value(value: str) -> str:
    """Return text fit for a cell: XML-illegal characters gone, within Excel's length."""
    if value.isascii() and value.isprintable() and value == value.strip():
        text = value  # what clean_text returns for it, about 15 times sooner (most cells)
    else:
        text = clean_text(value)
    if len(text) > MAX_CELL_TEXT // 2 and excel_length(text) > MAX_CELL_TEXT:
        # Excel counts UTF-16 units: a character beyond the BMP (an emoji) counts two.
        units = 0
        for i, char in enumerate(text):
            units += 2 if ord(char) > 0xFFFF else 1
            if units > MAX_CELL_TEXT - 1:
                return text[:i] + "…"
    return text


_NUMBER_FORMATS = {"date": DATE_FORMAT, "time": TIME_FORMAT, "hours": HOURS_FORMAT,
                   "int": INT_FORMAT}


class _Formats:
    """The workbook's formats, each made once (XlsxWriter keeps every format it is given)."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.header = wb.add_format(_HEADER)
        self.title = wb.add_format({"font_name": "Calibri", "bold": True, "font_size": 14})
        self.below = wb.add_format(_BELOW)
        self.quiet = wb.add_format(_QUIET)
        self.good = wb.add_format(_GOOD)
        self.absent = wb.add_format(_ABSENT)
        self.plain = wb.add_format()  # a run in the default font, for _write_text
        self._made: dict[tuple[bool, str], Format] = {}

    def cell(self, kind: str, number_format: str | None = None) -> Format:
        """Return the format of a cell in a column of ``kind``: alignment and number format."""
        centred = kind in ("yesno", "int")
        key = (centred, number_format or _NUMBER_FORMATS.get(kind, ""))
        made = self._made.get(key)
        if made is None:
            properties: dict[str, object] = (
                {"align": "center", "valign": "top"} if centred
                else {"valign": "top", "text_wrap": True})
            if key[1]:
                properties["num_format"] = key[1]
            made = self._made[key] = self.wb.add_format(properties)
        return made


def _write_text(ws: Worksheet, row: int, col: int, text: str, fmt: Format | None,
                formats: _Formats) -> None:
    """Write ``text`` as literal text (no formula, link or number however it looks)."""
    if text.startswith("<r>") and text.endswith("</r>"):
        # XlsxWriter would take it for its own rich-text XML and write it unescaped (a corrupt
        # file, or XML of the document's choosing): write it as two plain runs instead.
        ws.write_rich_string(row, col, text[0], formats.plain, text[1:], fmt)
    else:
        ws.write_string(row, col, text, fmt)


class _Cells:
    """Cells written one at a time through XlsxWriter, from ``row`` on, as
    :class:`docgen.log.sheetdata.Body` writes them into a file: the Summary's, and a table
    sheet's where XlsxWriter has no hook for rows of docgen's own."""

    def __init__(self, ws: Worksheet, formats: _Formats, row: int = 1) -> None:
        self.ws, self.formats, self.row = ws, formats, row

    def text(self, col: int, text: str, fmt: Format | None) -> None:
        _write_text(self.ws, self.row, col, text, fmt, self.formats)

    def number(self, col: int, value: float, fmt: Format | None) -> None:
        if math.isfinite(value):  # Excel has no NaN or infinity: those stay blank
            self.ws.write_number(self.row, col, value, fmt)

    def boolean(self, col: int, value: bool, fmt: Format | None) -> None:
        self.ws.write_boolean(self.row, col, value, fmt)

    def end_row(self) -> None:
        self.row += 1


def _put(out: _Cells | Body, col: int, value: object, kind: str, fmt: Format,
         formats: _Formats) -> str | None:
    """Write a value that is not blank: text as literal text, dates and numbers as real ones
    with their format, a Yes/No as the word.

    Returns the text written if the value was written as text, for widths and heights.
    """
    if isinstance(value, str):
        text = text_value(value)
    elif type(value) is float or type(value) is int:  # the common case; not bool
        out.number(col, value, fmt)
        return None
    elif isinstance(value, dt.date | dt.time):  # a datetime is a date, shown as one
        number_format = TIME_FORMAT if isinstance(value, dt.time) else DATE_FORMAT
        if number_format != _NUMBER_FORMATS.get(kind):
            fmt = formats.cell(kind, number_format)
        out.number(col, excel_serial(value), fmt)
        return None
    elif isinstance(value, bool):
        if kind != "yesno":
            out.boolean(col, value, fmt)
            return None
        text = "Yes" if value else "No"
    elif isinstance(value, int | float):
        out.number(col, value, fmt)
        return None
    else:
        text = text_value(str(value))
    out.text(col, text, fmt)
    return text


def _width(col: Col, longest: int) -> float:
    """Return a width that fits the header and the column's ``longest`` line of text written
    (see :class:`_Texts`); long text wraps instead."""
    if col.kind == "date":
        longest = 10
    elif col.kind == "time":
        longest = 5
    elif col.kind in ("hours", "int", "yesno"):
        longest = 6
    elif col.kind == "wrap":
        longest = min(longest, col.wrap_at or WRAP_WIDTH)
    header = max(len(word) for word in col.header.split())  # headers wrap between words
    # The filter button takes about 3 characters of the header cell.
    return float(min(max(longest, header + 3, len(col.header) * 0.55 + 3, _MIN_WIDTH),
                     _MAX_WIDTH) + 1.5)


def _lines(value: object, width: float) -> int:
    """Return how many lines a text takes in a column of ``width`` characters, wrapped."""
    return wrapped_lines(value, width - 1.5) if isinstance(value, str) else 1


class _Texts:
    """The texts written in a sheet's columns, as widths and heights need them: each
    column's longest line, and the texts that may wrap (a line break, or longer than the
    narrowest the column can be), not every text written with its row (~3 MiB of the log's
    peak at 10,000 records). A text that may wrap is held by its row and length (all its
    height needs), unless it has a line break: at 10,000 records the Sessions sheet's
    200,000 texts that may wrap, each held as (row, text), took 12 MiB of the log's peak."""

    def __init__(self, columns: Sequence[Col]) -> None:
        self.longest = [0] * len(columns)
        self.rows = [array("i") for _ in columns]  # a text that may wrap: its row
        self.lengths = [array("i") for _ in columns]  # and its length (at most 32,767)
        self.broken: list[list[tuple[int, str]]] = [[] for _ in columns]  # with line breaks
        self._floors = [_width(col, 0) - 1.5 for col in columns]

    def add(self, c: int, r: int, text: str) -> None:
        """Take the text written in column ``c`` of row ``r``."""
        if text.isprintable():  # no line break, whatever splitlines() splits on
            longest = len(text)
            wraps = longest > self._floors[c]
        else:
            longest = max(map(len, text.splitlines()), default=0)
            wraps = "\n" in text or len(text) > self._floors[c]
        if longest > self.longest[c]:
            self.longest[c] = longest
        if not wraps:
            return
        if "\n" in text:
            self.broken[c].append((r, text))
        else:
            self.rows[c].append(r)
            self.lengths[c].append(len(text))


def _row_heights(texts: _Texts, widths: list[float], n: int) -> dict[int, float]:
    """Return the height of each of ``n`` rows whose wrapped text takes more than one line.
    Neither XlsxWriter nor LibreOffice's converter sizes them."""
    lines = [1] * (n + 1)
    for c, width in enumerate(widths):
        for r, length in zip(texts.rows[c], texts.lengths[c], strict=True):
            if length > width - 1.5:
                lines[r] = max(lines[r], wrapped_line(length, width - 1.5))
        for r, text in texts.broken[c]:
            lines[r] = max(lines[r], _lines(text, width))
    heights: dict[int, float] = {}  # one object for each height: 20,000 rows have a few
    return {r: heights.setdefault(count, row_height(count))
            for r, count in enumerate(lines) if count > 1}


# --- sheets ----------------------------------------------------------------------------------


def _write_sheet(formats: _Formats, name: str, table_name: str, columns: tuple[Col, ...],
                 rows: Sequence[object], folder: Path | None = None) -> Worksheet:
    """Write one sheet as an Excel table: header, rows, formats, widths, frozen header.

    With a ``folder`` (and an XlsxWriter docgen can write rows into, see
    :mod:`docgen.log.sheetdata`), the rows under the header are written there as XML, not
    held cell by cell until the workbook is closed.
    """
    fast = folder is not None and sheetdata.AVAILABLE
    ws = formats.wb.add_worksheet(name, BodySheet if fast else None)
    strings = getattr(ws, "str_table", None)
    cell_formats = [formats.cell(col.kind) for col in columns]
    specs = [(c, col.get, col.kind, cell_formats[c]) for c, col in enumerate(columns)]
    texts = _Texts(columns)
    if isinstance(ws, BodySheet) and isinstance(strings, SharedStringTable):
        assert folder is not None
        ws.body = Body(len(columns), folder / f"rows-{len(formats.wb.worksheets())}.xml",
                       strings)
        _write_rows(ws.body, formats, specs, rows, texts)
        ws.body.close()
    else:
        _write_rows(_Cells(ws, formats), formats, specs, rows, texts)
    widths = [_width(col, texts.longest[c]) for c, col in enumerate(columns)]
    for c, width in enumerate(widths):
        # In pixels, so that the file holds ``width`` as openpyxl wrote it: XlsxWriter's
        # set_column() would add the cell padding (about 0.7 of a character) on top. The
        # column's format is for its empty cells, and for what a user types into them.
        ws.set_column_pixels(c, c, round(width * _PIXELS_PER_CHARACTER), cell_formats[c])
    ws.set_row(0, 32)
    heights = _row_heights(texts, widths, len(rows))
    if isinstance(ws, BodySheet) and ws.body is not None:
        ws.heights = heights
        ws.dim_rowmax = max(ws.dim_rowmax or 0, len(rows))  # the <dimension> of the sheet
    else:
        for r, height in heights.items():
            ws.set_row(r, height)
    # A table needs a row under its header, even an empty one. The table writes the header.
    failed = ws.add_table(0, 0, max(len(rows), 1), len(columns) - 1, {
        "name": table_name, "style": _TABLE_STYLE, "banded_rows": True, "autofilter": True,
        "columns": [{"header": col.header, "header_format": formats.header}
                    for col in columns]})
    if failed:  # XlsxWriter only warns: a log without its table must not pass unseen
        raise RuntimeError(f"XlsxWriter refused the table {table_name!r} ({failed})")
    # add_table remembers every cell of the table, only to refuse a later table or merged
    # range over it (neither happens here): ~100 bytes a cell, 29 MB for 5,000 records. A
    # BodySheet keeps none (sheetdata._Unkept); a sheet written cell by cell forgets them here.
    cells_seen = getattr(ws, "table_cells", None)
    if isinstance(cells_seen, dict):
        cells_seen.clear()
    for c, col in enumerate(columns):
        if col.note:
            ws.write_comment(0, c, col.note, _NOTE)
    ws.freeze_panes(1, 0)
    ws.repeat_rows(0)
    # the columns that say which team a row is (cohort, ID, name) are on every printed page
    named = [i for i, col in enumerate(columns) if col.attr == "team_name"]
    _page_setup(ws, widths, named[0] if named and named[0] < 3 else 0)
    return ws


_Spec = tuple[int, Callable[[object], object], str, Format]  # column, getter, kind, format


def _write_rows(out: _Cells | Body, formats: _Formats, specs: list[_Spec],
                rows: Sequence[object], texts: _Texts) -> None:
    """Write the rows under the header (blanks left out: the column's format shows); the
    texts written go to ``texts``. The hot loop: one pass a cell, ~55,000 for 1,000 records."""
    for r, row in enumerate(rows, start=1):
        for c, get, kind, fmt in specs:
            value = get(row)
            if value is None or value == "":
                continue
            text = _put(out, c, value, kind, fmt, formats)
            if text is not None:
                texts.add(c, r, text)
        out.end_row()


def _page_setup(ws: Worksheet, widths: Sequence[float] = (), repeat: int = 0) -> None:
    """Print landscape on A4, at a readable size, and as many pages long as it takes.

    A sheet wider than a page (Sessions: ~300 characters) is printed over as many pages
    across as keep its text near 80 % of its size, its columns up to ``repeat`` (the team)
    on each one; squeezed onto one page it was too small to read.
    """
    ws.set_landscape()
    ws.set_paper(9)  # A4
    if sum(widths[:repeat + 1]) > PRINT_CHARACTERS / 3:  # too wide to print on every page
        repeat = 0
    across = pages_across(widths, repeat)
    ws.fit_to_pages(across, 0)
    if across > 1:
        ws.repeat_columns(0, repeat)


def pages_across(widths: Sequence[float], repeat: int = 0) -> int:
    """Return how many A4 landscape pages across print columns of ``widths`` near 80 % of
    their size, the columns up to ``repeat`` (at most a third of a page) on each page."""
    total = sum(widths)
    if total <= PRINT_CHARACTERS:
        return 1
    repeated = sum(widths[:repeat + 1])
    return max(1, math.ceil((total - repeated) / (PRINT_CHARACTERS - repeated)))


def _index(columns: tuple[Col, ...], attr: str) -> int:
    """Return the position of the column that shows the rows' ``attr``."""
    for i, col in enumerate(columns):
        if col.attr == attr:
            return i
    raise KeyError(f"no column shows {attr!r}")


def _column(columns: tuple[Col, ...], attr: str) -> str:
    """Return the letter of the column that shows the rows' ``attr``."""
    return xl_col_to_name(_index(columns, attr))


def _mark_teams(ws: Worksheet, formats: _Formats, n: int,
                columns: tuple[Col, ...] = TEAMS) -> None:
    """Colour each team by its status, and the days of teams not seen for weeks amber.

    The row: light red behind pace, amber not started, grey when no record came back; the
    Status cell green on track or with the minimum met. A team below the end-of-course
    minimum is not red for that alone: only its "Met minimum" cell says No.
    """
    last_row = max(n, 1)
    days = _index(columns, "days_since_contact")
    letter = xl_col_to_name(days)
    ws.conditional_format(1, days, last_row, days, {
        "type": "formula", "format": formats.quiet,
        "criteria": f"=AND(ISNUMBER({letter}2),{letter}2>={QUIET_DAYS})"})
    status = _index(columns, "status")
    s = xl_col_to_name(status)
    for value, fmt, whole in ((TeamStatus.BEHIND, formats.below, True),
                              (TeamStatus.NOT_STARTED, formats.quiet, True),
                              (TeamStatus.NO_RECORD, formats.absent, True),
                              (TeamStatus.ON_TRACK, formats.good, False),
                              (TeamStatus.MET, formats.good, False)):
        first, last = (0, len(columns) - 1) if whole else (status, status)
        ws.conditional_format(1, first, last_row, last, {
            "type": "formula", "format": fmt, "criteria": f'=${s}2="{value}"'})


# --- the chart -------------------------------------------------------------------------------

# One series per status, so that the legend's swatch is each bar's colour (a bar's status is
# the Teams sheet's); the teams with no bar have no hours (not started, no record returned).
_BAR_SERIES = ((TeamStatus.MET, "Hours: minimum met", _MET_COLOUR),
               (TeamStatus.ON_TRACK, "Hours: on track", _ON_TRACK_COLOUR),
               (TeamStatus.BEHIND, "Hours: behind pace", _BELOW_COLOUR),
               (TeamStatus.NOT_STARTED, "Hours: not started", _QUIET_COLOUR))
_CHART_HEADERS = ("Team", "Status", *(name for _s, name, _c in _BAR_SERIES),
                  "Expected by today", "Minimum")
_CHART_TOP = 3  # the chart's figures start on this row (0-based) of the Chart sheet
SUMMARY_CHART_TEAMS = 40  # more than this and the Summary's page has no room for the chart


def _chart_data(formats: _Formats, data: LogData, folder: Path | None = None) -> Worksheet:
    """Add the Chart sheet: the chart of hours per team, above the figures it is drawn from.

    With a ``folder``, the figures' rows are written there as XML first, as the big sheets'
    are (see :func:`_write_sheet`): XlsxWriter held ~7 MiB of cells for 10,000 teams.
    """
    fast = folder is not None and sheetdata.AVAILABLE
    ws = formats.wb.add_worksheet(CHART_SHEET, BodySheet if fast else None)
    n = len(data.teams)
    _write_text(ws, 0, 0, f"Coaching hours per team, as of {data.today:%d/%m/%Y}",
                formats.title, formats)
    _write_text(ws, 1, 0, "Bars: each team's hours, coloured by its status (Teams sheet). "
                "Marks: the hours expected by today at the team's pace. Dashed line: the "
                "minimum for the course.", None, formats)
    ws.set_column(0, 0, 30)
    ws.set_column(1, len(_CHART_HEADERS) - 1, 13)
    if n == 0:
        _write_text(ws, 3, 0, "No coaching records were read.", None, formats)
        _page_setup(ws)
        return ws
    several = len({t.cohort for t in data.teams if t.cohort}) > 1
    top = _CHART_TOP + _chart_rows(n)
    for c, header in enumerate(_CHART_HEADERS):
        ws.write_string(top, c, header, formats.header)
    ws.set_row(top, 32)
    number = formats.cell("hours")
    strings = getattr(ws, "str_table", None)
    out: _Cells | Body
    if isinstance(ws, BodySheet) and isinstance(strings, SharedStringTable):
        assert folder is not None
        out = ws.body = Body(len(_CHART_HEADERS), folder / "rows-chart.xml", strings,
                             first=top + 2)
        ws.dim_rowmax = max(ws.dim_rowmax or 0, top + n)  # the <dimension> of the sheet
    else:
        out = _Cells(ws, formats, top + 1)
    for team in data.teams:
        out.text(0, text_value(chart_label(team, several)), None)
        out.text(1, str(team.status), None)
        for c, (status, _name, _colour) in enumerate(_BAR_SERIES, start=2):
            if team.status == status:
                out.number(c, team.hours, number)
        if team.expected_hours is not None:
            out.number(len(_BAR_SERIES) + 2, team.expected_hours, number)
        out.number(len(_BAR_SERIES) + 3, team.minimum_hours, number)
        out.end_row()
    if isinstance(out, Body):
        out.close()
    ws.insert_chart(_CHART_TOP, 0, _hours_chart(formats, data, top, width_cm=None))
    _page_setup(ws)
    ws.fit_to_pages(1, 0)
    return ws


def _chart_rows(n: int) -> int:
    """Return the rows the Chart sheet's chart covers (20 pixels each) and a blank one."""
    return math.ceil(_chart_height(n) * _CM / 20) + 1


def _chart_height(n: int) -> float:
    """Return the chart's height in cm: taller for more teams (their names stand upright)."""
    return 11.0 if n <= 8 else 13.0


def _hours_chart(formats: _Formats, data: LogData, top: int, width_cm: float | None,
                 height_cm: float | None = None) -> object:
    """Return the chart of each team's hours against its pace and the minimum.

    Drawn from the Chart sheet's figures under row ``top`` (its header row): the labels are
    "T01 Ward 7", the bars one series per status, the pace a mark per team, the minimum a
    dashed line: what the legend says is what is drawn.
    """
    n = len(data.teams)
    first, last = top + 1, top + n

    def ref(col: int) -> list[object]:
        return [CHART_SHEET, first, col, last, col]

    bars = formats.wb.add_chart({"type": "column", "subtype": "stacked"})
    # a status none of whose teams has an hour draws no bar: no legend entry either
    statuses = {t.status for t in data.teams if t.hours > 0}
    for c, (status, name, colour) in enumerate(_BAR_SERIES, start=2):
        if status in statuses:
            bars.add_series({"name": name, "categories": ref(0), "values": ref(c),
                             "fill": {"color": colour}, "border": {"none": True},
                             "gap": 60})
    if not bars.series:  # no team has an hour yet: one series of none, for the axes
        bars.add_series({"name": "Hours", "categories": ref(0), "values": ref(2),
                         "fill": {"color": _MET_COLOUR}})
    marks = formats.wb.add_chart({"type": "line"})
    pace = len(_BAR_SERIES) + 2
    marks.add_series({"name": "Expected by today", "categories": ref(0), "values": ref(pace),
                      "line": {"none": True},
                      "marker": {"type": "long_dash", "size": 9,
                                 "border": {"color": _PACE_COLOUR, "width": 2},
                                 "fill": {"color": _PACE_COLOUR}}})
    marks.add_series({"name": "Minimum", "categories": ref(0), "values": ref(pace + 1),
                      "marker": {"type": "none"}, "smooth": False,
                      "line": {"color": _MINIMUM_COLOUR, "width": 2, "dash_type": "dash"}})
    bars.combine(marks)
    bars.set_title({"name": "Coaching hours per team: pace and minimum",
                    "name_font": {"size": 12, "bold": True}})
    upright = n > 8
    bars.set_x_axis({"num_font": {"size": 8, "rotation": -90 if upright else 0}})
    bars.set_y_axis({"name": "Hours", "min": 0, "num_format": "0",
                     "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    bars.set_legend({"position": "bottom", "font": {"size": 9}})
    width = width_cm if width_cm is not None else min(max(16.0, 0.8 * n + 8), 60.0)
    height = height_cm if height_cm is not None else _chart_height(n)
    bars.set_size({"width": round(width * _CM), "height": round(height * _CM)})
    return bars


# --- the Summary -----------------------------------------------------------------------------

SUMMARY_SHEET = "Summary"
_SUMMARY_WIDTHS = (34, 11, 11, 11, 11, 11, 11, 12)  # characters: one portrait A4 page
_LETTERS = 1.25  # letters of text a column holds per character of its width


def _summary(formats: _Formats, ws: Worksheet, data: LogData, source: str) -> None:
    """Write the Summary sheet: one portrait A4 page a manager can print or send."""
    view = overview(data, source)
    wb = formats.wb
    section = wb.add_format({"font_name": "Calibri", "bold": True, "font_size": 12,
                             "font_color": "#1F5C7A", "bottom": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    bold = wb.add_format({"bold": True})
    more = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True,
                          "valign": "top"})
    last = len(_SUMMARY_WIDTHS) - 1
    for c, width in enumerate(_SUMMARY_WIDTHS):
        ws.set_column(c, c, width)
    full = sum(_SUMMARY_WIDTHS)

    def merged(r: int, c1: int, c2: int, text: str, fmt: Format) -> None:
        text = text_value(text)
        if c1 != c2:
            ws.merge_range(r, c1, r, c2, None, fmt)  # blank, its text written next
        if text:
            _write_text(ws, r, c1, text, fmt, formats)

    def tall(r: int, texts: list[tuple[str, float]]) -> None:
        lines = max((_lines(t, w * _LETTERS) for t, w in texts if t), default=1)
        if lines > 1:
            ws.set_row(r, 15 * lines + 2)

    r = 0
    _write_text(ws, r, 0, text_value(view.title), formats.title, formats)
    ws.set_row(r, 20)
    r += 1
    for line in view.reach:
        merged(r, 0, last, line, wrap)
        tall(r, [(line, full)])
        r += 1
    r += 1
    merged(r, 0, last, "Cohort totals", section)
    r += 1
    half = math.ceil(len(view.totals) / 2)
    for i, (label, value, kind) in enumerate(view.totals):
        row, (lc1, lc2, vc) = r + i % half, ((0, 0, 1) if i < half else (3, 5, 6))
        merged(row, lc1, lc2, label, bold if label in _STATUS_TOTALS else wrap)
        fmt = formats.cell(kind) if isinstance(value, int | float) else wrap
        if isinstance(value, int | float):
            ws.write_number(row, vc, value, fmt)
        else:  # "not known: ..." spans the rest of its block
            end = 2 if i < half else last
            merged(row, vc, end, str(value), more)
            tall(row, [(str(value), sum(_SUMMARY_WIDTHS[vc:end + 1]))])
    r += half + 1
    for heading, table in (("By organisation", view.organisations),
                           ("By coach", view.coaches)):
        if not table.rows:
            continue
        merged(r, 0, last, heading, section)
        r += 1
        r = _summary_table(formats, ws, r, table, more)
        r += 1
    if view.chase:
        merged(r, 0, last, "To chase", section)
        r += 1
    for heading, table in view.chase:
        merged(r, 0, last, heading, bold)
        r += 1
        for row in table.rows:
            first, second, third = (text_value(str(x or "")) for x in row)
            merged(r, 0, 0, first, wrap)
            merged(r, 1, 3, second, wrap)
            merged(r, 4, last, third, wrap)
            tall(r, [(first, _SUMMARY_WIDTHS[0]), (second, sum(_SUMMARY_WIDTHS[1:4])),
                     (third, sum(_SUMMARY_WIDTHS[4:]))])
            r += 1
        if table.more:
            merged(r, 0, last, table.more, more)
            r += 1
    r += 1
    n = len(data.teams)
    if 0 < n <= SUMMARY_CHART_TEAMS:
        top = _CHART_TOP + _chart_rows(n)
        height = 9.0 if n <= 8 else 12.0  # upright names take a third of the height
        ws.insert_chart(r, 0, _hours_chart(formats, data, top, width_cm=18.5,
                                           height_cm=height))
        r += math.ceil(height * _CM / 20) + 1
    elif n:
        merged(r, 0, last, f"The chart of the {n} teams' hours is on the Chart sheet "
               f"(too many for this page).", more)
        r += 1
    ws.set_paper(9)  # A4, portrait: one page, whatever it holds
    ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 1)
    ws.print_area(0, 0, max(r - 1, 0), last)
    ws.hide_gridlines(2)


_STATUS_TOTALS = {"Behind pace", "No record returned"}


def _summary_table(formats: _Formats, ws: Worksheet, r: int, table: Table,
                   more: Format) -> int:
    """Write one of the Summary's short tables from row ``r``; return the row after it."""
    for c, header in enumerate(table.headers):
        ws.write_string(r, c, header, formats.header)
    ws.set_row(r, 32)
    r += 1
    for row in table.rows:
        lines = 1
        for c, (value, kind) in enumerate(zip(row, table.kinds, strict=True)):
            if value is None or value == "":
                continue
            written = _put(_Cells(ws, formats, r), c, value, kind, formats.cell(kind),
                           formats)
            if written:  # Calibri's letters are narrower than its digits, on which widths count
                lines = max(lines, _lines(written, _SUMMARY_WIDTHS[c] * _LETTERS))
        if lines > 1:  # a long organisation's name wraps: the row must show it whole
            ws.set_row(r, 15 * lines + 2)
        r += 1
    if table.more:
        _write_text(ws, r, 0, table.more, more, formats)
        r += 1
    return r

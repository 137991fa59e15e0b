"""The rows of the log's big sheets, written as sheet XML by docgen, not cell by cell.

XlsxWriter keeps every cell it is given as an object until the workbook is closed, then
writes it out: for a log of 1,000 records (~55,000 cells) that was ~0.3 s of the ~0.45 s
the workbook took, and at 10,000 records ~70 MiB held. The rows under each table's header
are plain (text, numbers, dates; a height where text wraps), so docgen writes their
``<row>`` elements itself, as it goes, into a file; XlsxWriter still writes everything else
(the header row, the table, formats, widths, notes, print settings) and copies that file
in where the rows belong (:class:`BodySheet`, through its hook for the sheet's data).

Each cell is written as XlsxWriter writes one, with one difference: text as an inline
string, in the cell, as XlsxWriter's constant_memory mode writes it, not one of the
workbook's shared strings (which XlsxWriter holds, every distinct text of the workbook, until
it is closed: at 10,000 records ~110,000 texts, ~15 MiB of the log's peak memory). Read
back (Excel, LibreOffice, openpyxl and so pandas) the cell is the same text. A text an
inline string would not give back alike still goes into the shared strings, escaped as
XlsxWriter escapes its own: one with a control character, or with what reads as Excel's
escape of one (a typed ``_x0041_``, which openpyxl unescapes only in a shared string), or
that XlsxWriter would take for rich text. Numbers are written to 16 significant digits,
dates and times as Excel serial numbers. A test holds the two writers to the same workbook,
read back cell by cell.

Where the installed XlsxWriter lacks the hook (:data:`AVAILABLE` is False), the log is
written cell by cell as before; where it has the hook but does not call it, the log is
refused rather than written without its rows (:func:`check_copied`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from array import array
from pathlib import Path
from typing import TextIO

from xlsxwriter import utility
from xlsxwriter.format import Format
from xlsxwriter.sharedstrings import SharedStringTable
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

__all__ = ["AVAILABLE", "BodySheet", "Body", "check_copied", "excel_serial"]

# What docgen relies on in XlsxWriter (checked once, so a new version that renamed any of
# them falls back to writing cell by cell instead of failing or losing rows).
AVAILABLE = all(callable(getattr(Worksheet, name, None)) for name in (
    "_write_sheet_data", "_write_rows", "_xml_start_tag", "_xml_end_tag")) and all(
    callable(getattr(cls, name, None)) for cls, name in (
        (Format, "_get_xf_index"), (SharedStringTable, "_get_shared_string_index"),
        (utility, "_preserve_whitespace")))

# What a shared string is written with and an inline string is not (XlsxWriter's escapes of
# control characters, and of text that reads as such an escape), or is rich text to it.
_SHARED_ONLY = re.compile(r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f]|^<r>.*</r>\Z", re.DOTALL)


class _Unkept(dict):  # type: ignore[type-arg]
    """XlsxWriter's record of every cell of a sheet's tables, kept empty.

    ``add_table`` notes each cell of the table there, only to refuse a later table or merged
    range over it. A sheet docgen writes rows into holds one table and no merged range, so
    nothing is refused by keeping none: at 10,000 records the Sessions table's 400,000 cells
    took 16 MiB of the log's peak memory, and noting them 75 ms.
    """

    def __setitem__(self, key: object, value: object) -> None:
        pass


class BodySheet(Worksheet):
    """A worksheet whose rows below the header come from a :class:`Body` docgen wrote.

    XlsxWriter writes its own rows first (the header, which the table writes, with its
    notes), then the body's, in the sheet's ``<sheetData>``.
    """

    body: Body | None = None
    heights: dict[int, float] = {}  # noqa: RUF012 - set on each sheet, never changed
    copied = False

    def __init__(self) -> None:
        super().__init__()
        self.table_cells = _Unkept()

    def _write_sheet_data(self) -> None:
        if self.body is None:
            super()._write_sheet_data()
            return
        self._xml_start_tag("sheetData")
        # XlsxWriter's own rows (the header) alone: it goes through every row up to the
        # sheet's last, and notes an empty one for each (~6 MiB for the Sessions sheet's
        # 20,000 rows at 10,000 records, held until the workbook is)
        own = [row for part in ("table", "row_info", "comments")
               for row in getattr(self, part, {})]
        last = self.dim_rowmax
        if own and self.dim_rowmin is not None:
            self.dim_rowmax = max(max(own), self.dim_rowmin)
        try:
            self._write_rows()
        finally:
            self.dim_rowmax = last
        self.body.copy(self.fh, self.heights)
        self._xml_end_tag("sheetData")
        self.copied = True


def check_copied(sheets: list[Worksheet]) -> None:
    """Raise if a sheet's rows were written by docgen but not copied into the workbook
    (an XlsxWriter that no longer calls its hook): the log would lack them."""
    lost = [ws.name for ws in sheets if isinstance(ws, BodySheet) and ws.body is not None
            and not ws.copied]
    if lost:
        raise RuntimeError(f"XlsxWriter did not write the rows of {', '.join(lost)}: this "
                           "version of XlsxWriter is not one docgen knows; install XlsxWriter 3")


_EPOCH = dt.datetime(1899, 12, 31)


def excel_serial(value: dt.date | dt.time) -> float:
    """Return the Excel serial number of a date, date and time, or time (1900 dates).

    As XlsxWriter counts it: days since 31 December 1899, plus one after 28 February 1900
    (Excel's 29 February 1900), the time as a fraction of the day.
    """
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second
                + value.microsecond / 1e6) / 86400
    if isinstance(value, dt.datetime):
        moment = value.replace(tzinfo=None)
    else:
        moment = dt.datetime(value.year, value.month, value.day)
    delta = moment - _EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if isinstance(value, dt.datetime) and moment.isocalendar() == (1900, 1, 1):
        serial -= 1
    return serial + 1 if serial > 59 else serial


class Body:
    """The rows of one sheet under its header, as XML, written to a file a row at a time.

    :meth:`text`, :meth:`number` and :meth:`boolean` add the cells of a row, :meth:`end_row`
    writes it out (so that no row is held), :meth:`close` ends the file; :meth:`copy`
    writes the rows into the sheet, each with its height where its text wraps (known only
    once every row is, since the columns' widths are).
    """

    def __init__(self, columns: int, path: Path, strings: SharedStringTable,
                 first: int = 2) -> None:
        self._letters = [xl_col_to_name(c) for c in range(columns)]
        self._index = strings._get_shared_string_index
        self._path = path
        self._fh: TextIO | None = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._sizes = array("l")  # each row's cells, in characters
        self._cells: list[str] = []
        self._first = first  # the first row, as Excel numbers rows: the one under the header
        self._row = first

    @staticmethod
    def _style(fmt: Format | None) -> str:
        """Return a cell's style attribute: none for a cell written without a format."""
        return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""

    def text(self, col: int, text: str, fmt: Format | None) -> None:
        """Add a cell of text, as literal text: an inline string, else (see the module's
        docstring) a string of the workbook's shared strings, where XlsxWriter escapes it
        as it escapes its own."""
        if not _SHARED_ONLY.search(text):
            space = ' xml:space="preserve"' if utility._preserve_whitespace(text) else ""
            if "&" in text or "<" in text or ">" in text:
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            self._cells.append(f'<c r="{self._letters[col]}{self._row}"{self._style(fmt)} '
                               f't="inlineStr"><is><t{space}>{text}</t></is></c>')
            return
        if text.startswith("<r>") and text.endswith("</r>"):
            # XlsxWriter would take it for rich-text XML of its own and write it as it
            # stands (a corrupt file, or XML of the document's choosing): make it one run.
            text = "<r><t>{}</t></r>".format(
                text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        self._cells.append(f'<c r="{self._letters[col]}{self._row}"{self._style(fmt)} '
                           f't="s"><v>{self._index(text)}</v></c>')

    def number(self, col: int, value: float, fmt: Format | None) -> None:
        """Add a number (a finite one: Excel has no NaN or infinity)."""
        if math.isfinite(value):
            self._cells.append(f'<c r="{self._letters[col]}{self._row}"{self._style(fmt)}>'
                               f'<v>{value:.16G}</v></c>')

    def boolean(self, col: int, value: bool, fmt: Format | None) -> None:
        self._cells.append(f'<c r="{self._letters[col]}{self._row}"{self._style(fmt)} '
                           f't="b"><v>{int(value)}</v></c>')

    def end_row(self) -> None:
        assert self._fh is not None
        cells = "".join(self._cells)
        self._fh.write(cells)
        self._sizes.append(len(cells))
        self._cells = []
        self._row += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def copy(self, out: TextIO, heights: dict[int, float]) -> None:
        """Write every row into ``out``, with its height where ``heights`` has one (by the
        row's number among the body's, from 1)."""
        self.close()
        with open(self._path, encoding="utf-8", newline="") as fh:
            for r, size in enumerate(self._sizes, start=1):
                cells = fh.read(size) if size else ""
                height = heights.get(r)
                # in points, rounded to whole pixels at 96 dpi, as XlsxWriter's set_row does
                tall = (f' ht="{int(height * 4 / 3 + 0.5) * 0.75:.16g}" customHeight="1"'
                        if height is not None else "")
                if cells or tall:
                    out.write(f'<row r="{r + self._first - 1}"{tall}>{cells}</row>')

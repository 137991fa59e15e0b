"""What a workbook's own file tells of a sheet beyond its values, and the bound on its size.

calamine reads a cell showing a formula error (``#N/A``) as blank, and allocates a sheet's
whole rectangle, from its first used cell to its last, before giving a single row: one stray
cell at XFD1048576 asks for 512 GiB and aborts the process. So each format's scanner
(:mod:`~docgen.cohort.xlsx`, :mod:`~docgen.cohort.ods`, :mod:`~docgen.cohort.biff`) reads the
file's own structure for a :class:`SheetScan`: the cells calamine would read as blank, the rows
of an Excel table's totals row, and the sheet's extent, which :func:`check_extent` bounds by
the cells the file actually holds before calamine is let near the sheet.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from docgen.errors import DocgenError, Problem
from docgen.values import general_number, typed_number

# A sheet may span at most this many cells whatever it holds: every sheet within A:Z and
# 40,000 rows passes, which lets the .xlsx scan skip the exact count for ordinary sheets.
MIN_CELLS = 26 * 40_000
SPARSITY = 8  # beyond that, a sheet may span 8 times the cells its file holds ...
MAX_CELLS = 8_000_000  # ... but never more (calamine keeps ~32 bytes a cell: 256 MB)
CELLS_SETTING = "DOCGEN_MAX_CELLS"  # the environment variable that raises MAX_CELLS


class CellError(str):
    """The text of a cell that shows a formula error, such as ``#N/A`` or ``#DIV/0!``."""

    __slots__ = ()

    @property
    def problem(self) -> str:
        return (f"the cell shows the error {self} (its formula failed): correct the formula "
                "or type the value")


class SavedError(CellError):
    """A CSV file's cell holding the text of a formula error (``#N/A``, LibreOffice's
    ``Err:502``): Excel and LibreOffice save the error a cell shows, as they save any cell."""

    __slots__ = ()

    @property
    def problem(self) -> str:
        return (f"the cell reads {self}, the error a spreadsheet shows for a formula that "
                "failed, saved so in the CSV file: correct the formula or type the value, "
                "and save the CSV file again")


# The errors Excel and LibreOffice show for a formula that failed, as they save them in a
# CSV file. Typed into Excel, "#N/A" is the error itself, so no cell holds it as text.
SAVED_ERROR = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!"
                         r"|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)|Err:[0-9]{3}")


class Uncalculated(CellError):
    """The formula of a cell that no spreadsheet program has calculated: it has no value yet."""

    __slots__ = ()

    @property
    def problem(self) -> str:
        return (f"the cell holds a formula ({self}) that was never calculated, so it has no "
                "value yet: open the workbook in Excel or LibreOffice, save it, and run again")


@dataclass
class Extent:
    """The cells of a sheet that hold something, as 0-based (row, column) positions."""

    cells: int = 0  # cells the file holds (repeated ones once)
    bottom: tuple[int, int] = (-1, -1)  # the cell with the highest row
    right: tuple[int, int] = (-1, -1)  # the cell with the highest column
    # an .xlsx sheet's cells written without a reference, or not in order of row and column
    # (as a program may write them): placed by their position, see docgen.cohort.xlsx
    unplaced: bool = False

    def add(self, row: int, column: int, last_row: int | None = None,
            last_column: int | None = None) -> None:
        """Count one cell of the file, which may stand for a block up to the last row/column."""
        self.cells += 1
        last_row = row if last_row is None else last_row
        last_column = column if last_column is None else last_column
        if last_row > self.bottom[0]:
            self.bottom = (last_row, column)
        if last_column > self.right[1]:
            self.right = (row, last_column)

    @property
    def area(self) -> int:
        """Return the cells of the rectangle from A1 to the last row and column."""
        return (self.bottom[0] + 1) * (self.right[1] + 1) if self.cells else 0


# A cell the spreadsheet shows otherwise than calamine reads it: its 1-based row, its 0-based
# column, its number format (.xlsx, .xls; "" when the file does not say it), and the text
# shown when the file holds it (.ods), else None. A number formatted 000 shows 1 as 001; an
# .ods cell's tab or line break is in its text, where calamine drops it. A column of -1 is
# no cell: it marks a row the file has been read to.
Shown = tuple[int, int, str, str | None]


@dataclass
class SheetScan:
    """What one sheet's file says that calamine does not: failed cells, totals rows, extent.

    ``errors`` maps a 1-based row to its (0-based column, error) cells; ``skip`` holds the
    1-based rows of Excel tables' totals rows; ``extent`` is None when it is known to be small;
    ``merges`` are the merged ranges where calamine does not give them (.ods); ``shown`` the
    cells shown otherwise than calamine reads them, in row order (read lazily: an .xlsx
    sheet's are streamed from its file alongside calamine's rows); ``hidden_rows`` and
    ``hidden_columns`` those hidden in the sheet (by hand, or filtered out), which calamine
    reads like any other; ``struck`` the cells whose text is struck through (1-based row,
    0-based column), read as any other; ``comments`` the cells' comments (notes), not read.
    """

    errors: dict[int, list[tuple[int, CellError]]] = field(default_factory=dict)
    skip: frozenset[int] = frozenset()
    extent: Extent | None = None
    merges: list[Merge] = field(default_factory=list)
    shown: Iterable[Shown] = ()
    hidden_rows: Spans = field(default_factory=lambda: Spans(()))  # 1-based
    hidden_columns: Spans = field(default_factory=lambda: Spans(()))  # 0-based
    struck: frozenset[tuple[int, int]] = frozenset()  # cells struck through: (row, column)
    comments: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, text)
    stale: bool = False  # formulas whose saved results may be out of date (calculated by hand)


MAX_STRUCK = 10_000  # cells struck through a sheet's scan keeps; the rest are counted as more


def add_struck(cells: set[tuple[int, int]], rows: range, columns: range) -> None:
    """Add the cells of ``rows`` (1-based) by ``columns`` (0-based) struck through, up to
    :data:`MAX_STRUCK` in all (one repeated .ods cell may stand for millions)."""
    for row in rows:
        for column in columns:
            if len(cells) >= MAX_STRUCK:
                return
            cells.add((row, column))


class Spans:
    """Rows or columns hidden in a sheet, as inclusive ranges: one hidden row element of an
    .ods may stand for a million rows, so they are never listed one by one."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        joined: list[list[int]] = []
        for first, last in sorted(ranges):
            if joined and first <= joined[-1][1] + 1:
                joined[-1][1] = max(joined[-1][1], last)
            else:
                joined.append([first, last])
        self._starts = [first for first, _ in joined]
        self._ends = [last for _, last in joined]

    def __contains__(self, n: object) -> bool:
        i = bisect_right(self._starts, n) - 1  # type: ignore[call-overload]
        return i >= 0 and n <= self._ends[i]  # type: ignore[operator]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._starts, self._ends, strict=True)


class ShownNumber:
    """A number whose cell shows it otherwise than docgen writes it: ``shown`` is the text the
    spreadsheet shows (None when docgen cannot be certain of it), ``format`` its number format.

    It is the number still, for every column that reads a number (a count, a date, a time);
    a text column reads what is shown, or warns (see :func:`docgen.cohort.rows.cell_note`).
    """

    shown: str | None
    format: str


class ShownInt(ShownNumber, int):
    pass


class ShownFloat(ShownNumber, float):
    pass


def shown_number(value: int | float, number_format: str, text: str | None
                 ) -> int | float:
    """Return ``value`` as a :class:`ShownNumber` shown as ``text`` (given by the file) or as
    its format shows it; ``value`` itself when it is shown as Excel's General format shows it
    (how docgen reads a number of no format, see :func:`docgen.cohort.rows.number_read`)."""
    shown = text if text is not None else number_shown(value, number_format)
    if shown is not None and shown.strip() == general_number(value):
        return value  # shown as General shows it: read so anyway
    number: ShownNumber = (ShownInt if type(value) is int else ShownFloat)(value)
    number.shown, number.format = shown, number_format
    return number  # type: ignore[return-value]


# Excel's built-in number formats that are neither General, @ nor a date or time (those
# calamine reads as dates). 0 shows a whole number's every digit, where General shows
# 447712345678 as 4.47712E+11, and rounds any other (1234.5 as 1235). Currency and accounting
# formats (5-8, 41-44) depend on the computer's settings, and others on its language (Thai
# 59-81): an .xlsx does not hold their code.
_BUILT_IN = {1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
             11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 37: "#,##0 ;(#,##0)",
             38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)",
             40: "#,##0.00;[Red](#,##0.00)", 48: "##0.0E+0"}
# The built-in date and time formats calamine reads as dates (python-calamine 0.9; a test
# checks them): a number in another one (the Thai dates, 71-81) is a number, named
_BUILT_IN_DATES = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_PLAIN = frozenset({"general", "@"})
_NOT_SHOWN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # text, colours, spacing
_DATE_PARTS = re.compile(r"[dmyhs]", re.IGNORECASE)


def shown_format(number: int, code: str | None) -> str | None:
    """Return the number format ``number`` (its ``code``, if the file holds it) if it shows a
    number otherwise than General does: the code, or "" for a built-in one whose code is not
    known. None for General and @ (Text, which shows a number as General does), and for a
    date or time format (calamine reads such a cell as a date), unless it shows the month
    before the day (:func:`month_first_format`)."""
    if code is None:
        code = _BUILT_IN.get(number)
        if code is None:
            return None if number in (0, 49) or number in _BUILT_IN_DATES else ""
    if code.strip().lower() in _PLAIN:
        return None
    if _DATE_PARTS.search(_NOT_SHOWN.sub("", code)):
        return code if month_first_format(code) else None
    return code


_DATE_TOKEN = re.compile(r"([dmyhs])\1*", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def month_first_format(code: str) -> bool:
    """Tell whether a date format shows the month's number first, then the day's (mm/dd/yy,
    as a spreadsheet set to English (USA) formats a date typed into a General cell).

    Only the first of day, month and year counts: yyyy-mm-dd is no US date. An ``m`` after
    hours or before seconds is minutes; ``ddd`` and more a weekday's name (passed over), and
    ``mmm`` and more a month's: a date shown with its month's name is not mistaken.
    """
    tokens = [(m.group(1).lower(), len(m.group(0)))
              for m in _DATE_TOKEN.finditer(_NOT_SHOWN.sub("", code))]
    for i, (part, width) in enumerate(tokens):
        if part == "m" and ((i and tokens[i - 1][0] == "h") or (
                i + 1 < len(tokens) and tokens[i + 1][0] == "s")):
            continue  # minutes
        if part == "y" or (part == "d" and width <= 2) or (part == "m" and width > 2):
            return False
        if part == "m":
            return any(p == "d" and w <= 2 for p, w in tokens[i + 1:])
    return False


class MonthFirst:
    """A date cell the spreadsheet shows month first (03/04/26 for 4 March): where dates are
    typed so, 03/04/2026 typed for 3 April became 4 March. Made by :func:`shown_month_first`."""

    __slots__ = ()


class MonthFirstDate(MonthFirst, dt.date):
    __slots__ = ()


class MonthFirstDateTime(MonthFirst, dt.datetime):
    __slots__ = ()


_SHOWN_DAY_MONTH = re.compile(r"\s*([0-9]{1,2})[^0-9]+([0-9]{1,2})[^0-9]")


def shown_month_first(value: dt.date, number_format: str, text: str | None) -> dt.date:
    """Return the date cell ``value`` marked :class:`MonthFirst` if it is shown month first:
    by its ``text`` (given by an .ods), or else its ``number_format``; else ``value``."""
    if text is not None:
        found = _SHOWN_DAY_MONTH.match(text)
        first = found is not None and (int(found[1]), int(found[2])) == (
            value.month, value.day) and value.month != value.day
    else:
        first = month_first_format(number_format)
    if not first:
        return value
    if isinstance(value, dt.datetime):
        return MonthFirstDateTime(value.year, value.month, value.day, value.hour,
                                  value.minute, value.second, value.microsecond, value.tzinfo)
    return MonthFirstDate(value.year, value.month, value.day)


# A number format that shows a whole number as its digits padded with zeros, with text
# before, between or after them: 000, "T"00, \T000, 00000 000000, 000-000. The characters
# Excel shows as they are without quotes, and digit placeholders 0; nothing else.
_FORMAT_PART = re.compile(r'"([^"]*)"|\\(.)|([$\-+/():!^&\'~{}<>= ])|(0+)')


@functools.lru_cache(maxsize=256)
def _zero_padded(number_format: str) -> tuple[str | int, ...] | None:
    """Return a format's parts (text, or a count of zeros), if it is one that pads with
    zeros (see above); else None."""
    parts: list[str | int] = []
    at = 0
    for m in _FORMAT_PART.finditer(number_format):
        if m.start() != at:
            return None
        at = m.end()
        zeros = m.group(4)
        parts.append(len(zeros) if zeros else next(g for g in m.groups()[:3] if g is not None))
    if at != len(number_format) or not any(type(p) is int for p in parts):
        return None
    return tuple(parts)


def number_shown(value: int | float, number_format: str) -> str | None:
    """Return a number as Excel shows it in its format, where that is certain: a whole number
    from 0 in a format padding it with zeros (``"T"00`` shows 1 as T01); else None."""
    parts = _zero_padded(number_format)
    if parts is None or value < 0 or (type(value) is not int and not (
            isinstance(value, float) and value.is_integer())):
        return None
    digits = typed_number(value)  # the 15 digits a spreadsheet keeps, the rest 0
    if not digits.isdigit():
        return None  # beyond 1E+20
    digits = digits.zfill(sum(p for p in parts if type(p) is int))
    shown: list[str] = []
    first = next(i for i, p in enumerate(parts) if type(p) is int)
    for i in range(len(parts) - 1, -1, -1):  # placeholders fill from the right ...
        part = parts[i]
        if type(part) is int:
            take = len(digits) if i == first else part  # ... the first takes what is left
            shown.append(digits[len(digits) - take:])
            digits = digits[:len(digits) - take]
        else:
            shown.append(part)  # type: ignore[arg-type]
    return "".join(reversed(shown))


# A merged range of cells: first row, first column, last row, last column, all 0-based.
Merge = tuple[int, int, int, int]
MAX_MERGES = 10_000  # merged ranges read from a sheet; beyond, a sheet is not a cohort's


def column_index(letters: bytes | str) -> int:
    """Return the 0-based column of letters: A -> 0, XFD -> 16383."""
    index = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(column: int) -> str:
    """Return the letters of a 0-based column: 0 -> A, 16383 -> XFD."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, column: int) -> str:
    """Return a 0-based cell position as a spreadsheet names it: (0, 0) -> A1."""
    return f"{column_letters(column)}{row + 1}"


def max_cells() -> int:
    """Return the most cells a sheet may span: ``DOCGEN_MAX_CELLS`` if set, else MAX_CELLS.

    300,000 sessions in 26 columns span 7,800,000 cells: within the default.
    """
    raw = os.environ.get(CELLS_SETTING, "").strip()
    if not raw:
        return MAX_CELLS
    if not raw.isdigit() or int(raw) < 1:
        raise DocgenError(Problem(f"the environment variable {CELLS_SETTING} is {raw!r}: set it "
                                  "to a whole number above 0, or unset it for docgen's default"))
    return int(raw)


def cell_limit(cells: int) -> int:
    """Return how many cells a sheet holding ``cells`` may span."""
    return min(max_cells(), max(MIN_CELLS, SPARSITY * cells))


def check_extent(extent: Extent | None, file: str, sheet: str) -> None:
    """Raise :class:`DocgenError` naming the far cells if the sheet spans too many cells.

    The problem has no row, so nothing is generated from a workbook with such a sheet.
    """
    if extent is None or extent.area <= cell_limit(extent.cells):
        return
    most, limit = max_cells(), cell_limit(extent.cells)
    if limit == most and extent.cells * 2 > most:  # the data itself is this large
        raise DocgenError(Problem(
            f"the sheet holds {extent.cells:,} cells in {extent.area:,}, more than docgen's "
            f"limit of {most:,} cells a sheet (calamine, which reads it, keeps ~32 bytes a "
            f"cell: {most * 32 // 2**20:,} MB): delete the columns docgen does not need, or "
            f"set the environment variable {CELLS_SETTING} to a larger number and run again",
            file=file, sheet=sheet))
    far = sorted({extent.bottom, extent.right}, key=lambda rc: (rc[0], rc[1]))
    names = " and ".join(cell_name(*rc) for rc in far)
    which = f"a cell at {names} stretches" if len(far) == 1 else f"cells at {names} stretch"
    rows, columns = extent.bottom[0] + 1, extent.right[1] + 1
    raised = (f"; if those cells are data, set the environment variable {CELLS_SETTING} to "
              "a larger number" if limit == most else "")
    raise DocgenError(Problem(
        f"{which} the sheet to {columns:,} columns by {rows:,} rows "
        f"({rows * columns:,} cells) though it holds {extent.cells:,}, more than docgen will "
        f"read ({limit:,}): delete the rows and columns after your data "
        f"(select them, right-click, Delete) and save the workbook{raised}", file=file,
        sheet=sheet))

"""Build a sheet's typed rows (Team, Session, Pair) from its cells, as the schema declares them.

Each column's cell is read by the column's kind and assigned to the attribute it names
(``Column.field``). A blank cell takes the column's ``fallback`` (a Programme setting) or the
kind's empty value; a blank required cell is a problem. How each column is read is planned once
per sheet, not per row. Cells of columns the schema does not declare are kept as text in
``extra``.

Checks beyond one cell are small rules, run right after the column they follow so a row's
problems come in column order: by kind (an EMAIL cell must contain "@") here, each sheet's own
in :mod:`docgen.cohort.sheetrows`. A rule may also warn of a cell read but probably not as
meant; a row's warnings are given only if the row is read.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import MISSING, fields
from pathlib import Path
from typing import TypeVar

from docgen import schema
from docgen.cohort.cells import CellError, MonthFirst, ShownNumber
from docgen.cohort.packed import Packed
from docgen.cohort.tables import Table
from docgen.errors import Problem
from docgen.models import Programme
from docgen.schema import Column, Kind
from docgen.values import (
    EXCEL_DIGITS,
    clean_text,
    day_month,
    dropped_characters,
    format_date,
    format_time,
    general_number,
    is_blank,
    lost_digits,
    names_read_as,
    parse_date,
    parse_int,
    parse_names,
    parse_time,
    parse_yes_no,
    time_in_date,
    typed_number,
)
from docgen.values.addresses import read_address, split_addresses, valid_address, why_not
from docgen.values.dates import weekday_mismatch

T = TypeVar("T")

# Attributes whose values repeat from row to row: a cohort has a few organisations, coaches
# and coach e-mails however many teams it has. Equal values share one object (see Shared);
# attributes, not headers, so a header can be renamed freely (a test checks each is filled).
REPEATING = frozenset({"organisation", "coaches", "coach_email", "practitioner_organisation",
                       "mentor_organisation"})

_SHARED_MAX = 100_000  # a bound on each lookup table, whatever the cohort holds
_NO_EXTRA: dict[str, str] = {}  # shared by every row without extra columns (never mutated)


def display(value: object) -> str:
    """Return a cell as text a document can show: a date, time or datetime as people write it,
    a TRUE/FALSE cell as the spreadsheet shows it (not Python's "True")."""
    if type(value) is str:  # most cells: skip the checks below
        return clean_text(value)
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):  # as its format shows it: 1 as 001, 0.1+0.2 as 0.3
        return number_read(value)[0]
    if isinstance(value, dt.datetime):
        return format_date(value.date()) if value.time() == dt.time() else (
            f"{format_date(value.date())} {format_time(value.time())}")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    return clean_text(value)


def names_of(value: object) -> tuple[str, ...]:
    """Return a cell's names as :func:`parse_names` does, a cell that is not text read as
    :func:`display` shows it."""
    return parse_names(value if value is None or type(value) is str else display(value))


def parse_mode(value: object) -> str:
    """Read how a session took place, as one of :data:`schema.MODES`, from the words people use."""
    text = " ".join(clean_text(value).split()).casefold()
    if text in schema.MODE_WORDS:
        return schema.MODE_WORDS[text].value
    raise ValueError(f'"{clean_text(value)}" is not a mode (use one of: {", ".join(schema.MODES)})')


def _names_notes() -> Callable[[object], list[str]]:
    """Return :func:`names_read_as` remembering its answer for each distinct cell (a coach's
    name repeats on every row), and at once [] for a cell with one plain name."""
    known: dict[object, list[str]] = {}

    def notes(cell: object) -> list[str]:
        if type(cell) is str and not any(c in cell for c in ";\n,/&") and " and " not in cell:
            return []
        found = known.get(cell)
        if found is None:
            found = names_read_as(cell)
            if len(known) < _SHARED_MAX:
                known[cell] = found
        return found

    return notes


def parse_count(value: object) -> int:
    """Read a count of sessions or weeks: a whole number from 1.

    0 would read as no value at all (a document showing "After  sessions"), so it is refused
    rather than lost.
    """
    count = parse_int(value)
    if count < 1:
        raise ValueError(f"{count} is not a count: type a whole number from 1, or leave the "
                         "cell blank for the programme's setting")
    return count


def at_most(number: int, column: Column, blank: str) -> int:
    """Return ``number`` if ``column`` takes it; raise ValueError past its ``most``: such a
    value is a slip, and the log would refuse it in every record made with it. ``blank``
    says what a blank gives instead."""
    if column.most is not None and number > column.most:
        raise ValueError(f"{number:,} is more than a programme has for {column.header} (at "
                         f"most {column.most:,}): a slip? correct it, or leave {blank}")
    return number


FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years a programme's dates fall in (the log's too)


def parse_programme_date(value: object) -> dt.date:
    """Read a date of the programme: as :func:`parse_date`, from 2000 to 2099.

    A small number in a date cell (3.4) is an Excel date in January 1900, never meant.
    """
    day = parse_date(value)
    if (mismatch := weekday_mismatch(value, day)) is not None:
        raise ValueError(mismatch)  # the weekday or the day is wrong: only the admin knows
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{format_date(day)} is not a date of the programme (from "
                         f"{FIRST_YEAR} to {LAST_YEAR}): type the date as day/month/year")
    return day


def cell_note(kind: Kind, cell: object) -> str | None:
    """Return a warning for a cell that is not text, read but probably not as meant; None
    for most cells. Called only for cells that are not strings (the few dates and numbers).

    - a date cell in a text column: Excel turns "1-2" or "Sep-26" into dates;
    - a number in a text column that its format shows otherwise, where docgen cannot be
      certain what is shown (:func:`format_note`);
    - a date cell holding a time of day too: the date column does not keep it;
    - a bare number before 8 in a time column: "2" is 02:00, where 2pm was likely meant.
    """
    if kind in (Kind.TEXT, Kind.NAMES, Kind.EMAIL):
        if isinstance(cell, dt.date | dt.time):
            return (f"is a date or time cell (read as \"{display(cell)}\"): if Excel turned "
                    "what was typed into a date, type it again as text, starting with an "
                    "apostrophe (')")
        return format_note(cell)
    if kind is Kind.DATE and isinstance(cell, dt.datetime) and cell.time() != dt.time():
        return _time_dropped(cell.time())
    if kind is Kind.TIME and isinstance(cell, int | float) and not isinstance(cell, bool):
        return _time_number_note(cell)
    return None


def _time_number_note(cell: float) -> str | None:
    """Return a warning for a number in a time column: one with a fraction (10.3) is a time
    typed with a full stop, whose last 0 the spreadsheet dropped (10.30); one before 8 (2,
    2.3) is a morning time, where the afternoon was likely meant; else None."""
    if not 1 <= cell < 24:
        return None
    time = format_time(parse_time(cell))
    if cell == int(cell):
        return None if cell >= 8 else (f"the number {cell:g} is read as {time}: if the "
                                       "afternoon was meant, type the time as 14:00")
    later = (f"; if the afternoon was meant, type "
             f"{format_time(dt.time(parse_time(cell).hour + 12, parse_time(cell).minute))}"
             if cell < 8 else "")
    return (f"is the number {cell:g}, not a time, read as {time} (as {cell:.2f} typed): a "
            "time typed with a full stop is a number to a spreadsheet, which drops a last 0 "
            f"(10.30 is 10.3); check it, and type times as 14:00{later}")


_MORNING_SAID = re.compile(r"[ap]\.?\s*m\b\.?|noon|midnight", re.IGNORECASE)


def time_text_note(cell: str, time: object) -> str | None:
    """Return a warning for a time typed as text before 8:00 without "am" ("2.30", "3:30"),
    as :func:`cell_note` gives for the number 2.3: read as a morning time, where the afternoon
    was likely meant; None otherwise. A time written with a leading zero ("07:30", "0730")
    is taken as the 24-hour time it looks like."""
    if not isinstance(time, dt.time) or not 1 <= time.hour < 8:
        return None
    text = cell.strip()
    if text.startswith("0") or _MORNING_SAID.search(text):
        return None
    afternoon = format_time(time.replace(hour=time.hour + 12))
    return (f'"{text}" is read as {format_time(time)}: if the afternoon was meant, type the '
            f"time as {afternoon}; if the morning was, type {format_time(time)} (or add am)")


def format_note(cell: object) -> str | None:
    """Return a warning for a number in a text column that docgen reads otherwise than the
    spreadsheet shows it, or that lost digits typed (see :func:`number_read`); else None."""
    if not isinstance(cell, int | float) or type(cell) is bool:
        return None
    return number_read(cell)[1]


_SCIENTIFIC = re.compile(r"-?[0-9](?:\.[0-9]+)?E[-+][0-9]+", re.IGNORECASE)
_KEEP_IT = ("format the column as Text and type it again, or type it starting with an "
            "apostrophe (')")


def number_read(cell: int | float) -> tuple[str, str | None]:
    """Return the text a number reads as in a text column, and a warning where that is not
    what the spreadsheet shows, or not what was typed; None for most numbers.

    - a number of no format reads as Excel's General format shows it (0.1+0.2, stored as
      0.30000000000000004, as 0.3), and one in a format docgen knows as shown (1 as 001);
    - one shown in scientific notation (4.47712E+11: General with a whole part of more than
      11 digits) reads as the digits the cell holds, 447712345678, and is warned of: it is
      likely a phone number or an ID, which Excel keeps only as typed as text;
    - a whole number of more than 15 digits is warned of: the spreadsheet kept 15 of them;
    - one General shows rounded (3.14159265358979 as 3.141592654) reads as shown, warned of;
    - one in a format docgen cannot be certain of (1,234.50, 25%) reads as the number, warned.
    """
    typed = typed_number(cell)
    if isinstance(cell, ShownNumber):
        if cell.shown is None:
            shown = (f'its number format "{cell.format}"' if cell.format else
                     "one of its own number formats (currency, accounting, or another "
                     "language's)")
            return typed, (f"is a number that Excel shows by {shown}, otherwise than docgen "
                           f'reads it ("{typed}"): to keep what Excel shows, type it as text, '
                           "starting with an apostrophe (')")
        shown = clean_text(cell.shown)
    else:
        shown = general_number(cell)
    scientific = _SCIENTIFIC.fullmatch(shown) is not None
    read = typed if scientific else shown
    if lost := lost_digits(cell):
        return read, (f"is a number of {lost + EXCEL_DIGITS} digits, but a spreadsheet keeps "
                      f"only {EXCEL_DIGITS}: the digits after the {EXCEL_DIGITS}th read as 0 "
                      f'("{typed}"), whatever was typed; to keep every digit, {_KEEP_IT}')
    if shown == typed or not (scientific or type(cell) in (int, float)):
        return read, None  # as typed; or as its format shows it (001, 1,234.50 in an .ods)
    if scientific:
        return read, (f"is a number too long for Excel's General format, so the cell shows "
                      f'{shown}: docgen read the number it holds, "{typed}"; if it is a phone '
                      "number or an ID, check it (a leading 0 is lost once it is a number), "
                      f"and to keep it as typed, {_KEEP_IT}")
    return read, (f'is a number that Excel\'s General format shows rounded, as "{shown}", '
                  f"though the cell holds {typed}: docgen read what Excel shows; to keep "
                  "every digit, type it as text, starting with an apostrophe (')")


# What Excel saves in a CSV file for a number too long for its column (as the cell shows it,
# in scientific notation) and for a date or number too wide for it (#####)
_SAVED_AS_SHOWN = re.compile(r"\s*[-+]?[0-9](?:\.[0-9]+)?E[-+]?[0-9]+\s*|\s*#+\s*",
                             re.IGNORECASE)
_LOST_START = frozenset("0123456789+- #")  # how such a cell starts and ends
_LOST_END = tuple("0123456789#")
_SAVE_AGAIN = ("in Excel, widen the column or format it as Text, and save the CSV file again; "
               "or give docgen the workbook (.xlsx) instead")
# What Excel saves in a CSV file for a date it made of text typed in a General cell, as the
# cell shows it: "1-2" and "1/2" as 1-Feb (d-mmm), "Sep-26" as Sep-26 (mmm-yy)
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_SAVED_DATE = re.compile(rf"\s*(?:[0-9]{{1,2}}-(?:{_MONTHS})|(?:{_MONTHS})-[0-9]{{2}})\s*")


def may_be_saved_as_shown(cell: str) -> bool:
    """Tell whether a CSV cell may be what Excel saved for a value it showed otherwise than
    typed (see :func:`csv_note`): most cells are not, told at a glance."""
    return (cell[:1] in _LOST_START and cell.endswith(_LOST_END)
            or len(cell) <= 8 and "-" in cell)


def csv_note(cell: str) -> str | None:
    """Return a warning for a CSV cell of a text column holding what Excel saves for a value
    its column was too narrow to show (4.47712E+11, #####): the value was lost before docgen
    read the file; else None."""
    if _SAVED_DATE.fullmatch(cell):
        return (f'reads "{cell.strip()}", as Excel shows a date it made of what was typed '
                '("1-2" or "1/2" as 1-Feb, "Sep-26" as 1 September), and saves so in a CSV '
                "file: if something else was typed, type it again in Excel starting with an "
                "apostrophe ('), and save the CSV file again")
    if not (cell[:1] in _LOST_START and cell.endswith(_LOST_END)) or (
            not _SAVED_AS_SHOWN.fullmatch(cell)):
        return None  # most cells: text, or a number as typed (T01, 12 High Street)
    if cell.rstrip().endswith("#"):
        return (f'reads "{cell.strip()}", which Excel shows for a date or number too wide for '
                "its column, and saves so in a CSV file: the value is lost; " + _SAVE_AGAIN)
    return (f'reads "{cell.strip()}", a number in scientific notation, as Excel shows a number '
            "too long for its column and saves it so in a CSV file: its digits (a phone number's, "
            "an ID's) were lost before docgen read the file; " + _SAVE_AGAIN)


def csv_date_problem(cell: str) -> str | None:
    """Return the problem of a CSV date or time cell holding #####, which Excel saves for a
    date too wide for its column; else None."""
    if not cell.rstrip().endswith("#") or not _SAVED_AS_SHOWN.fullmatch(cell):
        return None
    return (f'"{cell.strip()}" is what Excel shows for a date or time too wide for its column, '
            "and saves so in a CSV file: the value is lost; in Excel, widen the column and "
            "save the CSV file again, or give docgen the workbook (.xlsx) instead")


def reordering_note(cell: str) -> str | None:
    """Return a warning for a text cell holding invisible characters that reorder how it is
    shown (a right-to-left override pasted in): docgen leaves them out, so the documents
    may show it otherwise than the spreadsheet does; else None."""
    odd = dropped_characters(cell)
    if odd is None:
        return None
    return (f'holds {odd}, which docgen leaves out: the documents show "{display(cell)}", '
            "perhaps in another order than the spreadsheet shows it; retype the cell if that "
            "is not what is meant")


def date_text_note(cell: str) -> str | None:
    """Return a warning for a date typed as text with a time of day ("02/03/2026 14:30"),
    which the date column does not keep, as :func:`cell_note` does for a date cell; else None.
    """
    time = time_in_date(cell) if ":" in cell else None
    return None if time is None else _time_dropped(time)


def _time_dropped(time: dt.time) -> str:
    return (f"holds a time of day too ({format_time(time)}), which a date column does not "
            "keep: type the time in its own column (Start time, for a session)")


_ROWS_NAMED = 5  # rows listed in a warning about many


_FAR_DAYS = 2 * 365  # a date this far from most of its column's is a year mistyped


class DateSpread:
    """The dates read across a cohort's sheets, to name one far from all the others.

    A year mistyped (2062 or 2016 for 2026) reads as a real date: the contract shows it and
    the log plans a session decades away. Each date column's dates are kept as day numbers
    (8 bytes each), and once every sheet is read a date over two years from the median of
    all of them is named. Fewer than three dates say nothing.
    """

    def __init__(self) -> None:
        # per sheet and column: the table, the column's key, rows and day numbers
        self.columns: dict[tuple[int, str], tuple[Table, str, array[int], array[int]]] = {}

    def read(self, table: Table, key: str, n: int, day: object) -> None:
        if isinstance(day, dt.date):
            column = self.columns.get((id(table), key))
            if column is None:
                column = self.columns[id(table), key] = (table, key, array("l"), array("l"))
            column[2].append(n)
            column[3].append(day.toordinal())

    def warn(self) -> None:
        """Warn of each date far from the cohort's others, on its table."""
        # the lower middle: a day some date really is; counted by day, not sorted (a list
        # of every date as a number took ~5 MB at 150,000 dates)
        counts: Counter[int] = Counter()
        for _table, _key, _rows, days in self.columns.values():
            counts.update(days)
        total = counts.total()
        if total < 3:
            return
        below = (total - 1) // 2  # dates before the middle one, in order
        for middle in sorted(counts):
            below -= counts[middle]
            if below < 0:
                break
        del counts
        usual = dt.date.fromordinal(middle).year
        for table, key, rows, days in self.columns.values():
            for n, day in zip(rows, days, strict=True):
                if abs(day - middle) > _FAR_DAYS:
                    table.warn(f"{format_date(dt.date.fromordinal(day))} is years away from the "
                               f"cohort's other dates (most around {usual}): check its year",
                               row=n, column=table.headers.get(key, key))


class DayOrder:
    """The dates of a sheet typed as numbers (03/04/2026), by whether they could be month first.

    docgen reads such dates day first. A date that can only be month first ("03/25/2026", as
    a US-set Excel writes dates) is refused; it also tells that the sheet's dates that read
    either way ("03/04/2026") may be month first too: those are named, per column, in one
    warning. Only the first few of each are kept, so memory does not grow with the sheet.
    """

    def __init__(self) -> None:
        self.month_first: dict[str, list[tuple[int, str]]] = {}  # key -> (row, text), first few
        self.either: dict[str, list[tuple[int, str, dt.date]]] = {}  # the same, read day first
        self.counts: dict[str, int] = {}  # key -> dates read either way, all of them
        # text a month-first spreadsheet left as text ("13/04/2026"): key -> (row, text)
        self.day_first: dict[str, list[tuple[int, str]]] = {}
        # date cells (the spreadsheet's own dates) whose day and month could be swapped
        self.cells: dict[str, list[tuple[int, dt.date]]] = {}
        self.cell_rows: dict[str, array[int]] = {}  # every such cell's row, 8 bytes each
        # date cells the spreadsheet shows month first (03/04/26): key -> (row, date)
        self.shown_first: dict[str, list[tuple[int, dt.date]]] = {}

    def failed(self, key: str, n: int, cell: str) -> None:
        """Note a date of column ``key`` that could not be read day first."""
        found = day_month(cell)
        if found is not None and found[0] <= 12 < found[1]:
            kept = self.month_first.setdefault(key, [])
            if len(kept) < _ROWS_NAMED:
                kept.append((n, clean_text(cell)))

    def read(self, key: str, n: int, cell: str, day: object) -> None:
        """Note a date of column ``key`` read day first, which may read month first too, or
        which can only be day first (a month-first spreadsheet leaves "13/04/2026" text)."""
        found = day_month(cell)
        if found is not None and found[0] <= 12 and found[1] <= 12 and found[0] != found[1]:
            self.counts[key] = self.counts.get(key, 0) + 1
            kept = self.either.setdefault(key, [])
            if len(kept) < _ROWS_NAMED and isinstance(day, dt.date):
                kept.append((n, clean_text(cell), day))
        elif found is not None and 12 < found[0] <= 31 and found[1] <= 12:
            kept = self.day_first.setdefault(key, [])
            if len(kept) < _ROWS_NAMED:
                kept.append((n, clean_text(cell)))

    def cell(self, key: str, n: int, day: object, shown_month_first: bool = False) -> None:
        """Note a date cell of column ``key`` (a date the spreadsheet made of what was
        typed) whose day and month could be swapped: 4 March, not 13 April; and one the
        spreadsheet shows month first, which tells that dates were typed month first."""
        if shown_month_first and isinstance(day, dt.date):
            kept = self.shown_first.setdefault(key, [])
            if len(kept) < _ROWS_NAMED:
                kept.append((n, day))
        if isinstance(day, dt.date) and day.day <= 12 and day.day != day.month:
            self.cell_rows.setdefault(key, array("l")).append(n)
            kept = self.cells.setdefault(key, [])
            if len(kept) < _ROWS_NAMED:
                kept.append((n, day))

    def evidence(self, source: Table, table: Table) -> str | None:
        """Say what of this sheet (``source``) tells that its workbook's dates were typed
        into a spreadsheet reading them month first, as said on ``table``; None if nothing.

        A spreadsheet set to a month-first language (English (USA)) leaves as text a date it
        cannot read month first ("13/04/2026"), and shows the dates it made month first in
        a cell of no date format of its own (03/04/26 for 4 March)."""
        where = "" if source is table else f" of the {source.label} sheet"
        if self.day_first:
            key, found = next(iter(self.day_first.items()))
            rows = ", ".join(str(n) for n, _text in found)
            return (f'{source.headers.get(key, key)} on row{"s" if len(found) > 1 else ""} '
                    f'{rows}{where} ("{found[0][1]}"{", …" if len(found) > 1 else ""}) is '
                    "text, not a date, as a spreadsheet set to a month-first language "
                    "(English (USA)) leaves a date it cannot read month first")
        if self.shown_first:
            key, days = next(iter(self.shown_first.items()))
            rows = ", ".join(str(n) for n, _day in days)
            shown = f"{days[0][1].month:02}/{days[0][1].day:02}/{days[0][1].year % 100:02}"
            return (f'{source.headers.get(key, key)} on row{"s" if len(days) > 1 else ""} '
                    f"{rows}{where} is shown month first ({shown} for "
                    f"{format_date(days[0][1])}), as a spreadsheet set to a month-first "
                    "language (English (USA)) shows a date typed into a cell of no date "
                    "format, having read it month first")
        return None

    def warn_cells(self, table: Table, said: str) -> None:
        """Warn of each column's date cells that could be swapped, given what ``said`` (see
        :meth:`evidence`) tells: that the workbook was typed into a spreadsheet reading
        dates month first."""
        for key in (c.key for c in table.sheet.columns if c.key in self.cells):
            cells = self.cells[key]
            listed = ", ".join(f"row {n} as {format_date(day)} ({format_date(_swapped(day))} "
                               "if swapped)" for n, day in cells)
            every = self.cell_rows[key]
            more = len(every) - len(cells)
            table.warn(
                f"{said}: so this column's dates that the spreadsheet read when they were "
                f"typed may have their day and month swapped"
                f"{f' ({_rows_said(every)})' if more else ''}: {listed}"
                f"{f' (and {more:,} more)' if more else ''}; check them, and set the "
                "spreadsheet's language to English (UK) (in LibreOffice: Tools › Options › "
                "Language Settings › Languages › Locale setting) before typing dates, or "
                "format the column as Text",
                column=table.headers.get(key, key))

    def warn(self, table: Table, other: tuple[Table, DayOrder] | None = None) -> None:
        """Warn of each column's dates read either way, if any date of the sheet can only be
        month first, or else of ``other``, another CSV file of the folder (saved by the same
        program, in the same way)."""
        source, order = (table, self) if self.month_first else other or (table, self)
        if not order.month_first:
            return
        key, found = next(iter(order.month_first.items()))
        rows = ", ".join(str(n) for n, _text in found)
        evidence = (f'{source.headers.get(key, key)} on row{"s" if len(found) > 1 else ""} '
                    f'{rows}{"" if source is table else " of " + Path(source.file).name} '
                    f'("{found[0][1]}"{", …" if len(found) > 1 else ""})')
        for key in (c.key for c in table.sheet.columns if c.key in self.either):
            either = self.either[key]
            listed = ", ".join(f'row {n} "{text}" as {format_date(day)}'
                               for n, text, day in either)
            more = self.counts[key] - len(either)
            table.warn(
                f"{evidence} can only be month first, as a US-set Excel writes dates, so this "
                "column's dates that read either way may be month first too, though they were "
                f"read day first: {listed}{f' (and {more:,} more)' if more else ''}; check "
                "them, and type dates day first (day/month/year)",
                column=table.headers.get(key, key))


def _rows_said(rows: array[int]) -> str:
    """Return rows in order as runs: "row 3", "rows 2–24, 26 and 27"."""
    runs: list[list[int]] = []
    for n in sorted(rows):
        if runs and n <= runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    said = [f"{a}–{b}" if b > a else str(a) for a, b in runs]
    if len(said) == 1 and "–" not in said[0]:
        return f"row {said[0]}"
    return "rows " + (said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}")


def _swapped(day: dt.date) -> dt.date:
    """Return ``day`` with its day and month swapped (both at most 12)."""
    return day.replace(day=day.month, month=day.day)


# A number of days in a time format, as an .xlsx holds it (calamine gives it as a date or
# date-time: 10.3 as 1900-01-10 07:12, 1430 as 1903-11-30; Excel's day 60 is 29 February
# 1900, which was no day, so its days count from 31 December 1899 before March 1900 and from
# the 30th after), or an .ods (a duration of a day or more: 10.3 as PT247H12M00S). No session
# starts at a date-time before 1950.
_DAY_ZERO = (dt.datetime(1899, 12, 31), dt.datetime(1899, 12, 30))
_MARCH_1900, _NO_SESSION_BEFORE = dt.datetime(1900, 3, 1), dt.datetime(1950, 1, 1)
_DURATION = re.compile(r"PT([0-9]+)H([0-9]{1,2})M([0-9]{1,2}(?:\.[0-9]+)?)S")


def days_in_time_cell(value: object) -> float | None:
    """Return the number of days a time cell holds, where it is a day or more (a number
    typed in a time-formatted cell: "10.30" is 10.3 days, shown as 07:12); else None."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime) and _DAY_ZERO[0] <= value < _NO_SESSION_BEFORE:
        days = (value - _DAY_ZERO[value >= _MARCH_1900]).total_seconds() / 86400
    elif type(value) is str and (found := _DURATION.fullmatch(value.strip())):
        days = (int(found[1]) + int(found[2]) / 60 + float(found[3]) / 3600) / 24
    else:
        return None
    return round(days, 6) if days >= 1 else None


def parse_sheet_time(value: object) -> dt.time:
    """Read a time cell as :func:`parse_time` does, refusing a time-formatted cell that holds
    a day or more: the spreadsheet shows only its time (10.3 days as 07:12), where a time
    typed with a full stop was surely meant (10.30, which a spreadsheet makes the number
    10.3)."""
    days = days_in_time_cell(value)
    if days is None:
        return parse_time(value)
    shown = format_time((dt.datetime(1900, 1, 1) + dt.timedelta(days=days % 1)).time())
    try:
        meant = f"if {format_time(parse_time(days))} was meant, type it so"
    except ValueError:
        meant = "type the time as 14:00"
    raise ValueError(
        f"holds the number {days:g}, not a time: its time format shows only {shown}, the time "
        f"of {days:g} days; a time typed with a full stop (10.30) is a number to a "
        f"spreadsheet; {meant}")


_PARSERS: dict[Kind, Callable[[object], object]] = {
    Kind.DATE: parse_programme_date, Kind.TIME: parse_sheet_time, Kind.INT: parse_count,
    Kind.MODE: parse_mode,
    Kind.YESNO: parse_yes_no,
}
_EMPTY: dict[Kind, object] = {Kind.TEXT: "", Kind.EMAIL: "", Kind.NAMES: (), Kind.MODE: ""}


class Shared:
    """Give one object for all equal texts and name lists met while reading one cohort.

    With thousands of teams the same few coaches and organisations repeat on every row;
    sharing them keeps memory close to flat as the cohort grows.
    """

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self.dates = DateSpread()  # every date read, across the sheets: see DateSpread
        self.orders: list[tuple[Table, DayOrder]] = []  # each sheet's dates typed as numbers

    def warn_day_order(self) -> None:
        """Warn of the dates read either way, as :meth:`DayOrder.warn` does, once every sheet
        is read: in a folder of CSV files, saved by one program in one way, a date that can
        only be month first in one file tells that another's may be month first too."""
        other = next(((t, o) for t, o in self.orders if t.csv and o.month_first), None)
        for table, order in self.orders:
            order.warn(table, other if table.csv else None)
        # a workbook typed in a month-first language: its text dates that can only be day
        # first, or its dates shown month first, tell that its date cells may be swapped,
        # in any of its sheets (the sheet's own evidence named first)
        found = [(t, o) for t, o in self.orders if not t.csv and (o.day_first or o.shown_first)]
        found.sort(key=lambda evidence: not evidence[1].day_first)  # text dates first
        if found:
            for table, order in self.orders:
                if order.cells:
                    source, evidence = next(((t, o) for t, o in found if t is table), found[0])
                    said = evidence.evidence(source, table)
                    if said is not None:
                        order.warn_cells(table, said)

    def text(self, value: object) -> str:
        """Return the cell as :func:`display` does, one object for all equal values."""
        text = display(value)
        return self._texts.setdefault(text, text) if len(self._texts) < _SHARED_MAX else text

    def names(self, value: object) -> tuple[str, ...]:
        """Return the cell's names as :func:`parse_names` does, parsed once per distinct cell."""
        if not isinstance(value, str):
            return names_of(value)
        found = self._names.get(value)
        if found is None:
            found = parse_names(value)
            if len(self._names) < _SHARED_MAX:
                self._names[value] = found
        return found


class Row:
    """One row being read: its cells, and a located problem for each bad cell."""

    __slots__ = ("table", "n", "problems", "ok", "failed", "warnings")

    def __init__(self, table: Table, n: int, cells: dict[str, object],
                 problems: list[Problem]) -> None:
        self.table, self.n, self.problems = table, n, problems
        self.ok = True
        self.warnings: list[tuple[str, str]] | None = None  # given only if the row is read
        self.failed: set[str] = set()  # cells showing a formula error: reported once, here
        for key, value in cells.items():
            if isinstance(value, CellError):  # a formula failed, or was never calculated
                self.problem(key, value.problem)
                self.failed.add(key)

    def problem(self, key: str, message: str) -> None:
        """Record a problem with the row's cell in column ``key`` (once, if it shows an error)."""
        self.ok = False
        if key in self.failed:
            return
        self.problems.append(Problem(
            message, file=self.table.file, sheet=self.table.label, row=self.n,
            column=self.table.headers.get(key, key)))

    def warning(self, key: str, message: str) -> None:
        """Warn of the row's cell in column ``key``: read, but probably not as meant.

        Warnings are given by :meth:`done`, and only for a row without problems: a row left
        out needs fixing anyway.
        """
        if self.warnings is None:
            self.warnings = []
        self.warnings.append((key, message))

    def done(self) -> None:
        """Give the row's warnings to its table, if the row is read."""
        if self.ok and self.warnings:
            for key, message in self.warnings:
                self.table.warn(message, row=self.n, column=self.table.headers.get(key, key))


# A rule runs right after the column it follows has been read into the row's values (so after
# the columns before it too); it may report a problem against that column or change the values.
Rule = Callable[[dict[str, object], Row, Column], None]
# An extra column's rule: run on each of its filled-in cells, as typed.
ExtraRule = Callable[[object, Row], None]


def _email(values: dict[str, object], row: Row, column: Column) -> None:
    email = values[column.field]
    if not email:
        return
    if "@" not in email:  # type: ignore[operator]
        row.problem(column.key, f'"{email}" is not an email address')
        return
    # each address of the cell, as the mail step reads it: one it could not send to would be
    # printed in the documents all the same ("jo@nhs", "jo@nhs..scot")
    for text in split_addresses(str(email)):
        written = read_address(text)
        if not valid_address(written.address):
            row.warning(column.key, f"{why_not(written)}: the documents show it as typed, "
                                    "and no e-mail can be sent to it; correct it")


_KIND_RULES: dict[Kind, Rule] = {Kind.EMAIL: _email}


def _blank(column: Column, programme: Programme) -> object:
    """Return what a blank cell of ``column`` gives: its Programme fallback, read by its kind."""
    empty = _EMPTY.get(column.kind)
    setting = programme.get(column.fallback) if column.fallback else ""
    if is_blank(setting):
        return empty
    parse = _PARSERS.get(column.kind)
    if parse is None:
        return setting
    try:
        return parse(setting)
    except ValueError:  # already reported on the Programme sheet
        return empty


def _reader(column: Column, programme: Programme,
            shared: Shared) -> tuple[Callable[[object], object], object]:
    """Return how a cell of ``column`` is read, and what a blank one gives.

    A reader raises ValueError for a cell it cannot read.
    """
    kind = column.kind
    blank = _blank(column, programme)
    repeats = column.field in REPEATING
    read: Callable[[object], object]
    if kind is Kind.NAMES:
        read = shared.names if repeats else names_of
    elif kind in (Kind.TEXT, Kind.EMAIL):
        read = shared.text if repeats else display
    else:
        parse = _PARSERS[kind]
        bounded = column.most is not None

        def parsed(value: object) -> object:
            if is_blank(value):
                return blank
            read = parse(value)
            if bounded:
                at_most(read, column, "the cell blank for the programme's setting")  # type: ignore[arg-type]
            return read

        return parsed, blank
    if blank == _EMPTY[kind]:
        return read, blank
    return (lambda value: read(value) or blank), blank


def _required(values: dict[str, object], row: Row, column: Column) -> None:
    value = values[column.field]
    if value is None or value == "" or value == ():
        row.problem(column.key, f"{column.header} is required")


def _check(column: Column, rule: Rule | None) -> Callable[[dict[str, object], Row], None] | None:
    """Return the checks run after ``column`` is read (None for most columns: none to run)."""
    found = tuple(r for r in (_required if column.required else None,
                              _KIND_RULES.get(column.kind), rule) if r)
    if not found:
        return None

    def check(values: dict[str, object], row: Row) -> None:
        for r in found:
            r(values, row, column)

    return check


def _unfilled(model: type, sheet: schema.Sheet) -> dict[str, object]:
    """Return the defaults of ``model``'s fields no column of ``sheet`` fills.

    Raises ValueError when the schema and the model are out of step: a column fills no field,
    or a field without a default is filled by no column.
    """
    declared = {c.field for c in sheet.columns}
    unfilled: dict[str, object] = {}
    for f in fields(model):
        if f.name in declared or f.name in ("extra", "row"):
            declared.discard(f.name)
        elif f.default is not MISSING:
            unfilled[f.name] = f.default
        elif f.default_factory is not MISSING:
            unfilled[f.name] = f.default_factory()
        else:
            declared.add(f.name)
    if declared:
        raise ValueError(f"the {sheet.name} columns and {model.__name__} are out of step: "
                         f"{sorted(declared)}")
    return unfilled


def build_rows(model: type[T], table: Table, programme: Programme, shared: Shared,
               problems: list[Problem],
               rules: dict[str, Rule] | None = None,
               extra_rules: dict[str, ExtraRule] | None = None) -> tuple[Packed[T], int]:
    """Read every row of ``table`` into ``model`` rows; return the valid ones and the count.

    ``rules`` maps a field to the rule run after its column, ``extra_rules`` an extra
    column's key to the rule run on its filled-in cells. Rows with a problem are left out.
    """
    extra_rules = extra_rules or {}
    rules = rules or {}
    sheet = table.sheet
    unfilled = _unfilled(model, sheet)
    if stray := set(rules) - {c.field for c in sheet.columns}:
        raise ValueError(f"rules for fields no {sheet.name} column fills: {sorted(stray)}")
    steps = []  # the plan: how each column is read and checked, made once for every row
    for column in sheet.columns:
        read, blank = _reader(column, programme, shared)
        steps.append((column.key, column.field, read, blank,
                      _check(column, rules.get(column.field)), column.kind,
                      table.csv and column.kind in (Kind.TEXT, Kind.NAMES, Kind.EMAIL)))
    extra_keys = tuple(k for k in table.headers if k not in sheet.keys)
    in_order = operator.itemgetter(*(f.name for f in fields(model)))  # type: ignore[arg-type]
    out = Packed(model)
    count = 0
    read_as = _names_notes()
    order = DayOrder()
    # codes held as numbers, by column: every row, and the first few as read; and the same
    # of text columns (a room, a phone number), where a number may have lost its zeros
    numbered: dict[str, tuple[array[int], list[tuple[int, str]]]] = {}
    digits: dict[str, tuple[array[int], list[tuple[int, str]]]] = {}
    texts_as_typed = sheet is not schema.PROGRAMME
    for n, cells in table.rows:
        count += 1
        row = Row(table, n, cells, problems)
        values = unfilled.copy()
        for key, attr, read, blank, check, kind, saved_as_shown in steps:
            cell = cells.get(key)
            try:
                values[attr] = read(cell)
            except ValueError as exc:
                lost = csv_date_problem(cell) if table.csv and type(cell) is str and kind in (
                    Kind.DATE, Kind.TIME) else None
                row.problem(key, lost or str(exc))
                values[attr] = blank
                if kind is Kind.DATE and type(cell) is str:
                    order.failed(key, n, cell)
            else:
                if kind is Kind.DATE:
                    shared.dates.read(table, key, n, values[attr])
                note = None
                if type(cell) is not str:
                    note = None if cell is None else cell_note(kind, cell)
                    if kind is Kind.DATE and isinstance(cell, dt.date):
                        order.cell(key, n, values[attr], isinstance(cell, MonthFirst))
                    elif key in _ID_COLUMNS and type(cell) in (int, float):
                        _note_number(numbered, key, n, cell)
                    elif key in _TIME_TEXT_COLUMNS and type(cell) is float and not note:
                        note = _time_text_number(cell)
                    elif (kind in _TEXT_KINDS and not note and _plain_number(cell)
                          and texts_as_typed and key not in _COUNT_TEXT_COLUMNS):
                        _note_number(digits, key, n, cell)
                elif kind is Kind.DATE:
                    note = date_text_note(cell)
                    order.read(key, n, cell, values[attr])
                elif kind is Kind.TIME:
                    note = time_text_note(cell, values[attr])
                elif saved_as_shown and may_be_saved_as_shown(cell):
                    note = csv_note(cell)  # only a cell as 4.47712E+11, ##### or 1-Feb may be
                if note:
                    row.warning(key, note)
                elif kind is Kind.NAMES and cell and (notes := read_as(cell)):
                    for note in notes:
                        row.warning(key, note)
                if type(cell) is str and not cell.isascii() and (
                        odd := reordering_note(cell)):
                    row.warning(key, odd)
            if check is not None:
                check(values, row)
        for key in extra_keys:  # text for templates: warned of as a text column's cells are
            cell = cells[key]
            if type(cell) is str:
                if table.csv and (note := csv_note(cell)):
                    row.warning(key, note)
                if not cell.isascii() and (odd := reordering_note(cell)):
                    row.warning(key, odd)
            elif cell is not None and (note := format_note(cell)):
                row.warning(key, note)
            elif texts_as_typed and _plain_number(cell) and _code_like(cell):
                _note_number(digits, key, n, cell)  # a phone number, an NHS number
            if extra_rules and key in extra_rules and not is_blank(cell):
                extra_rules[key](cell, row)
        if row.warnings:
            row.done()
        if not row.ok:
            continue
        values["extra"] = {k: display(cells[k]) for k in extra_keys} if extra_keys else _NO_EXTRA
        values["row"] = n
        out.append_values(in_order(values))  # as model(**values), without the instance
    shared.orders.append((table, order))  # warned of once every sheet is read
    if numbered:
        _numbered(table, numbered, ids=True)
    if digits:
        _numbered(table, digits, ids=False)
    return out, count


# Columns of codes, which may begin with zeros (Team ID 007): a number there has lost them
_ID_COLUMNS = frozenset({schema.TEAMS.columns[0].key})
# Text columns that say when (Mentoring's Time, "Tuesdays 12:30"): a number with a fraction
# there is a time typed with a full stop, whose last 0 the spreadsheet dropped
_TIME_TEXT_COLUMNS = frozenset({schema.MENTORING.column("time").key})


def _time_text_number(cell: float) -> str | None:
    """Return a warning for a number with a fraction in a text column of times: "12.30"
    typed is the number 12.3 to a spreadsheet, and reads "12.3"; else None."""
    if not 0 < cell < 24 or cell == int(cell) or round(cell, 2) != cell:
        return None
    return (f'is the number {cell:g}, not text, so it reads "{display(cell)}": a time typed '
            f"with a full stop ({cell:.2f}) is a number to a spreadsheet, which drops a last "
            "0; type it as 12:30, or format the column as Text and type it again")


_TEXT_KINDS = frozenset({Kind.TEXT, Kind.NAMES, Kind.EMAIL})
# An extra column (one docgen does not know) may hold counts and amounts; a whole number of 9
# digits or more there is a code (a phone number, an NHS number), whose leading 0 may be lost
_CODE_DIGITS = 100_000_000
# Text columns where a plain number is what is meant, never a code that had zeros: a
# session's length or frequency ("1", "4"), the notice to give ("48")
_COUNT_TEXT_COLUMNS = frozenset({schema.TEAMS.column("frequency").key,
                                 schema.TEAMS.column("duration").key,
                                 schema.MENTORING.column("adequate_notice").key})


def _plain_number(cell: object) -> bool:
    """Tell whether a cell is a number shown plainly: of no format (General), or shown by
    the file (an .ods) as its digits; not one a format pads with zeros (000 shows 7 as 007)."""
    if type(cell) in (int, float):
        return True
    return isinstance(cell, ShownNumber) and cell.shown is not None and (
        cell.shown.strip() == typed_number(cell))


def _code_like(cell: object) -> bool:
    """Tell whether a number is whole and of 9 digits or more: a code, not an amount."""
    return isinstance(cell, int | float) and cell >= _CODE_DIGITS and float(cell).is_integer()


def _note_number(found: dict[str, tuple[array[int], list[tuple[int, str]]]], key: str,
                 n: int, cell: object) -> None:
    """Note row ``n``'s number of no format in column ``key``: every row, the first few."""
    rows, shown = found.setdefault(key, (array("l"), []))
    rows.append(n)
    if len(shown) < _ROWS_NAMED:
        shown.append((n, display(cell)))


def _numbered(table: Table, found: dict[str, tuple[array[int], list[tuple[int, str]]]],
              ids: bool) -> None:
    """Warn, once a column, of the cells held as numbers of no format, naming every row: a
    spreadsheet makes a number of what is typed as digits, "007" a Team ID (``ids``) or a
    room, "07700900123" a phone number, "2.10", and keeps 7, 7700900123 and 2.1, which is
    then what the documents show."""
    for key, (rows, shown) in found.items():
        listed = ", ".join(f'row {n} "{text}"' for n, text in shown)
        more = len(rows) - len(shown)
        runs = f" ({_rows_said(rows)})" if more else ""
        header = table.headers.get(key, key)
        many = len(rows) > 1
        what = (f"{header}{'s are' if many else ' is a'} number{'s' if many else ''}" if ids
                else f"{header} cell{'s hold' if many else ' holds'} a number")
        table.warn(f"{len(rows):,} {what}, not text{runs}: {listed}"
                   f"{f' (and {more:,} more)' if more else ''}; "
                   f"{_NUMBERED if ids else _NUMBERED_TEXT}", row=rows[0], column=header)


_NUMBERED_TEXT = (
    'a spreadsheet makes a number of what is typed as digits, dropping leading zeros ("007" '
    'becomes 7, a phone number "07700900123" 7700900123) and the last zeros of a decimal '
    '("2.10" becomes 2.1), and reads "(12)" as -12, so the documents show the number; if it '
    "was typed otherwise, format the column as Text (Format › Cells › Text) and type it "
    "again, or start it with an apostrophe ('007)")


_NUMBERED = (
    'a spreadsheet makes a number of an ID typed as digits ("1,234" too, and "(12)" is -12), '
    'and drops its leading zeros ("007" becomes 7) and the last zeros of a decimal ("10.10" '
    "becomes 10.1), so an ID typed with them reads without them; if so, format the column as "
    "Text (Format › Cells › Text) and type those IDs again, or type each starting with an "
    "apostrophe ('007)")
